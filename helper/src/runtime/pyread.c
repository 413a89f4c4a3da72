/* SPDX-License-Identifier: MIT */
/* pyread.c - str, dict and list decoding from target memory (see pyread.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "runtime/pyread.h"

/* PyASCIIObject.state bits, the same in 3.8 - 3.13. */
enum { STATE_KIND_SHIFT = 2, STATE_KIND_MASK = 7, STATE_COMPACT = 1u << 5, STATE_ASCII = 1u << 6 };

static size_t utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* LENGTH characters of KIND bytes each at DATA into BUF (MAX bytes) as UTF-8, "..." at the end
 * if they do not fit. */
static struct pl_error *decode_chars(struct pl_target *t, uint64_t data, uint64_t length,
				     unsigned kind, char *buf, size_t max)
{
	size_t out = 0;
	bool truncated = false;
	uint8_t chunk[256];
	uint64_t i = 0;
	while (i < length) {
		size_t n = sizeof(chunk) / kind;
		if (n > length - i)
			n = (size_t)(length - i);
		if (!pl_target_read_ok(t, data + i * kind, chunk, n * kind)) {
			buf[0] = '\0';
			return pl_error_fault(data + i * kind, "str characters");
		}
		for (size_t k = 0; k < n; k++) {
			uint32_t cp = kind == 1 ? chunk[k]
				    : kind == 2 ? (uint32_t)(chunk[2 * k] | chunk[2 * k + 1] << 8)
				    : (uint32_t)chunk[4 * k] | (uint32_t)chunk[4 * k + 1] << 8 |
					      (uint32_t)chunk[4 * k + 2] << 16 |
					      (uint32_t)chunk[4 * k + 3] << 24;
			if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
				cp = 0xfffd;
			if (out + 4 + 4 > max) {
				truncated = true;
				break;
			}
			out += utf8_put(buf + out, cp);
		}
		if (truncated)
			break;
		i += n;
	}
	if (truncated)
		memcpy(buf + out, "...", 3), out += 3;
	buf[out] = '\0';
	return NULL;
}

/* Python 2.7's str (bytes, read as Latin-1) and unicode (a separate buffer of UCS2 or UCS4). */
static struct pl_error *py2_str(struct pl_runtime *rt, uint64_t addr, uint64_t type, char *buf,
				size_t max)
{
	const struct pl_layout *l = &rt->layout;
	struct pl_target *t = rt->target;
	uint64_t length, data;
	if (type == rt->types[PL_T_STRING]) {
		if (!pl_target_u64(t, addr + (uint64_t)l->varobject_size, &length))
			return pl_error_fault(addr, "str object");
		return decode_chars(t, addr + (uint64_t)l->string_sval, length, 1, buf, max);
	}
	if (type != rt->types[PL_T_UNICODE] || l->unicode2_str < 0 ||
	    (l->unicode2_width != 2 && l->unicode2_width != 4))
		return pl_error_create(PL_ERR_BAD_DATA, "object at 0x%llx is not a str",
				       (unsigned long long)addr);
	if (!pl_target_u64(t, addr + (uint64_t)l->unicode2_length, &length) ||
	    !pl_target_u64(t, addr + (uint64_t)l->unicode2_str, &data))
		return pl_error_fault(addr, "unicode object");
	return decode_chars(t, data, length, (unsigned)l->unicode2_width, buf, max);
}

struct pl_error *pl_py_str(struct pl_runtime *rt, uint64_t addr, char *buf, size_t max)
{
	const struct pl_layout *l = &rt->layout;
	struct pl_target *t = rt->target;
	uint64_t type, length;
	uint32_t state;
	if (max < 8)
		return pl_error_create(PL_ERR_USAGE, "string buffer too small");
	buf[0] = '\0'; /* what the caller sees if this fails */
	if (l->version_hex < 0x03000000) {
		if (!pl_target_u64(t, addr + (uint64_t)l->object_type, &type))
			return pl_error_fault(addr, "str object");
		return py2_str(rt, addr, type, buf, max);
	}
	if (!pl_target_u64(t, addr + (uint64_t)l->object_type, &type) ||
	    !pl_target_u64(t, addr + (uint64_t)l->unicode_length, &length) ||
	    !pl_target_read_ok(t, addr + (uint64_t)l->unicode_state, &state, 4))
		return pl_error_fault(addr, "str object");
	if (type != rt->types[PL_T_UNICODE])
		return pl_error_create(PL_ERR_BAD_DATA, "object at 0x%llx is not a str",
				       (unsigned long long)addr);
	if (!(state & STATE_COMPACT))
		return pl_error_create(PL_ERR_BAD_DATA, "str at 0x%llx is not compact",
				       (unsigned long long)addr);
	unsigned kind = (state >> STATE_KIND_SHIFT) & STATE_KIND_MASK;
	if (kind != 1 && kind != 2 && kind != 4)
		return pl_error_create(PL_ERR_BAD_DATA, "str at 0x%llx has kind %u",
				       (unsigned long long)addr, kind);
	bool ascii = state & STATE_ASCII;
	uint64_t data = addr + (uint64_t)(ascii ? l->size_ascii_object : l->size_compact_unicode_object);
	return decode_chars(t, data, length, kind, buf, max);
}

void pl_py_str_or(struct pl_runtime *rt, uint64_t addr, char *buf, size_t max,
		  const char *otherwise)
{
	struct pl_error *err = NULL;
	if (!addr || (err = pl_py_str(rt, addr, buf, max))) {
		pl_error_destroy(err);
		snprintf(buf, max, "%s", otherwise);
	}
}

bool pl_py_int(struct pl_runtime *rt, uint64_t addr, int64_t *ret)
{
	const struct pl_layout *l = &rt->layout;
	uint64_t type, ndigits;
	int sign;
	if (!pl_target_u64(rt->target, addr + (uint64_t)l->object_type, &type))
		return false;
	if (type && type == rt->types[PL_T_INT]) { /* 2.7's int: a C long */
		int64_t v;
		if (!pl_target_read_ok(rt->target, addr + (uint64_t)l->int_ival, &v, 8) ||
		    v >= (INT64_C(1) << 60) || v <= -(INT64_C(1) << 60))
			return false;
		*ret = v;
		return true;
	}
	if (type != rt->types[PL_T_LONG])
		return false;
	uint64_t digits_at;
	if (l->long_tag >= 0 && l->long_digits >= 0) { /* 3.12+: ndigits << 3 | sign bits */
		uint64_t tag;
		if (!pl_target_u64(rt->target, addr + (uint64_t)l->long_tag, &tag))
			return false;
		ndigits = tag >> 3;
		sign = (tag & 3) == 0 ? 1 : (tag & 3) == 1 ? 0 : -1;
		digits_at = addr + (uint64_t)l->long_digits;
	} else if (l->long_digits_old >= 0) { /* ob_size: sign and number of digits */
		int64_t size;
		if (!pl_target_read_ok(rt->target, addr + (uint64_t)l->varobject_size, &size, 8))
			return false;
		ndigits = pl_magnitude(size);
		sign = size < 0 ? -1 : size > 0;
		digits_at = addr + (uint64_t)l->long_digits_old;
	} else {
		return false;
	}
	if (ndigits > 2)
		return false;
	uint32_t d[2] = { 0, 0 };
	if (ndigits && !pl_target_read_ok(rt->target, digits_at, d, ndigits * 4))
		return false;
	int64_t v = (int64_t)(d[0] & 0x3fffffff) | ((int64_t)(d[1] & 0x3fffffff) << 30);
	*ret = sign * v;
	return true;
}

/* The error for a shape's status, naming what at ADDR could not be read. */
static struct pl_error *shape_error(enum pl_dict_shape_status st, uint64_t addr, const char *what)
{
	switch (st) {
	case PL_DICT_SHAPE_OK:
		return NULL;
	case PL_DICT_SHAPE_BAD_SIZE:
		return pl_error_create(PL_ERR_BAD_DATA, "%s at 0x%llx: bad size", what,
				       (unsigned long long)addr);
	case PL_DICT_SHAPE_TOO_MANY:
		return pl_error_create(PL_ERR_BAD_DATA, "%s at 0x%llx: more entries than it has room for",
				       what, (unsigned long long)addr);
	default:
		return pl_error_fault(addr, what);
	}
}

/* The entries of the keys object at KEYS; VALUES (address of value 0, or 0) says where
 * the values of a split table are. */
static struct pl_error *keys_shape(struct pl_runtime *rt, uint64_t keys, uint64_t values,
				   struct pl_dict_shape *s)
{
	return shape_error(pl_rules_keys_shape(&rt->rules, keys, values, PL_MAX_DICT_ENTRIES, s), keys,
			   "dict keys");
}

static struct pl_error *dict_shape(struct pl_runtime *rt, uint64_t addr, struct pl_dict_shape *s)
{
	return shape_error(pl_rules_dict_shape(&rt->rules, addr, PL_MAX_DICT_ENTRIES, s), addr,
			   "dict object");
}

/* Visit the live entries of a shape. */
static struct pl_error *shape_each(struct pl_runtime *rt, const struct pl_dict_shape *s,
				   pl_dict_visit_fn *fn, void *arg)
{
	for (uint64_t i = 0; i < s->nentries; i++) {
		uint64_t e = s->entries + i * s->entry_size, key, value;
		if (!pl_target_u64(rt->target, e + s->key_off, &key))
			return pl_error_fault(e, "dict entry");
		if (key == 0)
			continue;
		uint64_t vaddr = s->values ? s->values + 8 * i : e + s->value_off;
		if (!pl_target_u64(rt->target, vaddr, &value))
			return pl_error_fault(vaddr, "dict value");
		if (value == 0)
			continue;
		if (!fn(arg, key, value))
			break;
	}
	return NULL;
}

struct pl_error *pl_py_dict_each(struct pl_runtime *rt, uint64_t addr, pl_dict_visit_fn *fn,
				 void *arg)
{
	struct pl_dict_shape s = { 0 };
	struct pl_error *err = dict_shape(rt, addr, &s);
	return err ? err : shape_each(rt, &s, fn, arg);
}

struct pl_error *pl_py_values_each(struct pl_runtime *rt, uint64_t keys, uint64_t values,
				   pl_dict_visit_fn *fn, void *arg)
{
	struct pl_dict_shape s = { 0 };
	struct pl_error *err = keys_shape(rt, keys, values, &s);
	return err ? err : shape_each(rt, &s, fn, arg);
}

struct str_lookup {
	struct pl_runtime *rt;
	const char *key;
	uint64_t value;
};

static bool str_lookup_visit(void *arg, uint64_t key, uint64_t value)
{
	struct str_lookup *s = arg;
	char buf[PL_MAX_TYPE_NAME];
	struct pl_error *err = pl_py_str(s->rt, key, buf, sizeof(buf));
	if (err) {
		pl_error_destroy(err);
		return true;
	}
	if (strcmp(buf, s->key) == 0) {
		s->value = value;
		return false;
	}
	return true;
}

struct pl_error *pl_py_dict_get_str(struct pl_runtime *rt, uint64_t addr, const char *key,
				    uint64_t *ret)
{
	struct str_lookup s = { rt, key, 0 };
	struct pl_error *err = pl_py_dict_each(rt, addr, str_lookup_visit, &s);
	*ret = s.value;
	return err;
}

struct pl_error *pl_py_list_items(struct pl_runtime *rt, uint64_t addr, uint64_t **items_ret,
				  size_t *n_ret)
{
	const struct pl_layout *l = &rt->layout;
	uint64_t size, items;
	if (!pl_target_u64(rt->target, addr + (uint64_t)l->varobject_size, &size) ||
	    !pl_target_u64(rt->target, addr + (uint64_t)l->list_items, &items))
		return pl_error_fault(addr, "list object");
	if (size > PL_MAX_LIST_ITEMS)
		return pl_error_create(PL_ERR_BAD_DATA, "list at 0x%llx claims %llu items",
				       (unsigned long long)addr, (unsigned long long)size);
	uint64_t *out = malloc((size ? size : 1) * sizeof(*out));
	if (!out)
		return &pl_enomem;
	if (size && !pl_target_read_ok(rt->target, items, out, size * sizeof(*out))) {
		free(out);
		return pl_error_fault(items, "list items");
	}
	*items_ret = out;
	*n_ret = (size_t)size;
	return NULL;
}

/* "module.Qualname" for heap types (plain qualname for builtins; 2.7: "module.Name"), tp_name for
 * static types. */
char *pl_py_type_name(struct pl_runtime *rt, uint64_t addr, uint64_t flags)
{
	const struct pl_layout *l = &rt->layout;
	char tp_name[PL_MAX_TYPE_NAME], qualname[PL_MAX_TYPE_NAME], module[PL_MAX_TYPE_NAME];
	uint64_t p;
	struct pl_error *err = NULL;
	tp_name[0] = '\0';
	if (pl_target_u64(rt->target, addr + (uint64_t)l->type_name, &p))
		err = pl_target_read_cstr(rt->target, p, tp_name, sizeof(tp_name), "tp_name");
	if (err || !tp_name[0]) {
		pl_error_destroy(err);
		snprintf(tp_name, sizeof(tp_name), "<type at 0x%llx>", (unsigned long long)addr);
	}
	if (!(flags & PL_TPFLAGS_HEAPTYPE))
		return strdup(tp_name);
	qualname[0] = module[0] = '\0';
	if (l->heaptype_qualname >= 0 && /* 2.7 has none: its tp_name is the bare name */
	    pl_target_u64(rt->target, addr + (uint64_t)l->heaptype_qualname, &p) && p)
		pl_error_destroy(pl_py_str(rt, p, qualname, sizeof(qualname)));
	uint64_t dict, mod = 0;
	if (pl_target_u64(rt->target, addr + (uint64_t)l->type_dict, &dict) && dict) {
		pl_error_destroy(pl_py_dict_get_str(rt, dict, "__module__", &mod));
		if (mod)
			pl_error_destroy(pl_py_str(rt, mod, module, sizeof(module)));
	}
	const char *q = qualname[0] ? qualname : tp_name;
	if (!module[0] || strcmp(module, "builtins") == 0 ||
	    (l->version_hex < 0x03000000 && strcmp(module, "__builtin__") == 0))
		return strdup(q);
	char *out = NULL;
	if (asprintf(&out, "%s.%s", module, q) < 0)
		return NULL;
	return out;
}

bool pl_py_is_untracked_object(struct pl_runtime *rt, uint64_t addr)
{
	const struct pl_layout *l = &rt->layout;
	uint64_t refcnt, type, meta, meta_flags, type_flags, flags, gc;
	if (!addr || addr % 8 || !pl_target_u64(rt->target, addr + (uint64_t)l->object_refcnt, &refcnt) ||
	    !refcnt || refcnt >= PL_MAX_REFCNT ||
	    !pl_target_u64(rt->target, addr + (uint64_t)l->object_type, &type) || !type || type % 8 ||
	    !pl_target_u64(rt->target, type + (uint64_t)l->object_type, &meta) ||
	    !pl_target_u64(rt->target, meta + (uint64_t)l->type_flags, &meta_flags) ||
	    !(meta_flags & PL_TPFLAGS_TYPE_SUBCLASS) ||
	    !pl_target_u64(rt->target, type + (uint64_t)l->type_flags, &type_flags))
		return false;
	/* an object of a GC type the collector does not track says so in its header */
	if (type_flags & PL_TPFLAGS_HAVE_GC) {
		uint64_t g = addr - (uint64_t)l->size_gc_head + (uint64_t)pl_gc_state_offset(l);
		if (!pl_target_u64(rt->target, g, &gc) || !pl_gc_says_untracked(l, gc))
			return false;
	}
	/* a type object: only a heap type is in the heap */
	if (!(type_flags & PL_TPFLAGS_TYPE_SUBCLASS))
		return true;
	return pl_target_u64(rt->target, addr + (uint64_t)l->type_flags, &flags) &&
	       (flags & PL_TPFLAGS_HEAPTYPE);
}
