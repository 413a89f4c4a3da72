/* SPDX-License-Identifier: MIT */
/* refs.c - outgoing references of one object with labels (see refs.h). Every count read from
 * the target is capped before use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pyread.h"
#include "refs.h"

enum { LABEL_MAX = 160, KEY_SHOWN = 60, MAX_MRO = 256, MAX_MEMBERS = 4096 };

/* PyMemberDef types that hold an object reference: T_OBJECT and T_OBJECT_EX. */
enum { T_OBJECT = 6, T_OBJECT_EX = 16 };
/* Py_TPFLAGS_TYPE_SUBCLASS: the object is a type. */
#define PL_TPFLAGS_TYPE_SUBCLASS (1ul << 31)

struct type_info {
	uint64_t addr, flags, basicsize, itemsize;
	int64_t dictoffset;
	uint64_t cached_keys; /* heap types: the shared keys of instance dicts */
};

static struct pl_error *read_type(struct pl_runtime *rt, uint64_t obj, struct type_info *ti)
{
	const struct pl_layout *l = &rt->layout;
	struct pl_target *t = rt->target;
	memset(ti, 0, sizeof(*ti));
	if (!pl_target_u64(t, obj + (uint64_t)l->object_type, &ti->addr) ||
	    !pl_target_u64(t, ti->addr + (uint64_t)l->type_flags, &ti->flags) ||
	    !pl_target_u64(t, ti->addr + (uint64_t)l->type_basicsize, &ti->basicsize) ||
	    !pl_target_u64(t, ti->addr + (uint64_t)l->type_itemsize, &ti->itemsize) ||
	    !pl_target_read_ok(t, ti->addr + (uint64_t)l->type_dictoffset, &ti->dictoffset, 8))
		return pl_error_fault(obj, "object's type");
	if (ti->flags & PL_TPFLAGS_HEAPTYPE)
		pl_target_u64(t, ti->addr + (uint64_t)l->heaptype_cached_keys, &ti->cached_keys);
	return NULL;
}

/* "'text'" for a str, the number for an int, else "<key 0x...>". */
static void key_text(struct pl_runtime *rt, uint64_t key, char *buf, size_t max)
{
	char s[KEY_SHOWN + 8];
	int64_t n;
	struct pl_error *err = pl_py_str(rt, key, s, sizeof(s));
	if (!err) {
		snprintf(buf, max, "'%s'", s);
		return;
	}
	pl_error_destroy(err);
	if (pl_py_int(rt, key, &n))
		snprintf(buf, max, "%lld", (long long)n);
	else
		snprintf(buf, max, "<key 0x%llx>", (unsigned long long)key);
}

struct visit {
	struct pl_runtime *rt;
	pl_ref_fn *fn;
	void *arg;
	bool attrs;   /* entries are attributes (.name), not items (['name']) */
	bool labels;  /* make labels (else "" is passed: graph building) */
	bool stopped;
};

static bool visit_entry(void *arg, uint64_t key, uint64_t value)
{
	struct visit *v = arg;
	char k[KEY_SHOWN + 32], label[LABEL_MAX];
	if (!v->labels) {
		if (!v->fn(v->arg, value, "") || (!v->attrs && !v->fn(v->arg, key, "")))
			return !(v->stopped = true);
		return true;
	}
	key_text(v->rt, key, k, sizeof(k));
	if (v->attrs && k[0] == '\'') {
		k[strlen(k) - 1] = '\0';
		snprintf(label, sizeof(label), ".%s", k + 1);
	} else {
		snprintf(label, sizeof(label), "[%s]", k);
	}
	if (!v->fn(v->arg, value, label))
		return !(v->stopped = true);
	if (!v->attrs) { /* a dict also holds its keys */
		snprintf(label, sizeof(label), "key %s", k);
		if (!v->fn(v->arg, key, label))
			return !(v->stopped = true);
	}
	return true;
}

/* Items of the list or tuple OBJ (WHAT names which): N words at ITEMS. */
static struct pl_error *sequence_refs(struct visit *v, uint64_t obj, const char *what,
				      uint64_t items, uint64_t n)
{
	if (n > PL_MAX_LIST_ITEMS)
		return pl_error_create(PL_ERR_BAD_DATA, "%s at 0x%llx claims %llu items", what,
				       (unsigned long long)obj, (unsigned long long)n);
	uint64_t buf[256];
	for (uint64_t i = 0; i < n && !v->stopped; i += PL_ARRAY_SIZE(buf)) {
		size_t chunk = n - i < PL_ARRAY_SIZE(buf) ? (size_t)(n - i) : PL_ARRAY_SIZE(buf);
		if (!pl_target_read_ok(v->rt->target, items + 8 * i, buf, chunk * 8))
			return pl_error_fault(items + 8 * i, "sequence items");
		for (size_t k = 0; k < chunk; k++) {
			char label[32] = "";
			if (v->labels)
				snprintf(label, sizeof(label), "[%llu]", (unsigned long long)(i + k));
			if (buf[k] && !v->fn(v->arg, buf[k], label)) {
				v->stopped = true;
				break;
			}
		}
	}
	return NULL;
}

/* Emit the pointer field at OBJ + OFF under LABEL, if it is set. */
static bool field_ref(struct visit *v, uint64_t obj, int64_t off, const char *label)
{
	uint64_t p = 0;
	if (off < 0 || !pl_target_u64(v->rt->target, obj + (uint64_t)off, &p) || !p)
		return true;
	if (!v->fn(v->arg, p, label))
		return !(v->stopped = true);
	return true;
}

/* Set and frozenset members: the non-empty, non-dummy keys of the hash table. */
static struct pl_error *set_refs(struct visit *v, uint64_t obj)
{
	const struct pl_layout *l = &v->rt->layout;
	uint64_t mask, table;
	if (!pl_target_u64(v->rt->target, obj + (uint64_t)l->set_mask, &mask) ||
	    !pl_target_u64(v->rt->target, obj + (uint64_t)l->set_table, &table))
		return pl_error_fault(obj, "set object");
	if (mask >= PL_MAX_DICT_ENTRIES)
		return pl_error_create(PL_ERR_BAD_DATA, "set at 0x%llx claims %llu slots",
				       (unsigned long long)obj, (unsigned long long)mask + 1);
	for (uint64_t i = 0; i <= mask && !v->stopped; i++) {
		uint64_t key;
		uint64_t e = table + i * (uint64_t)l->size_set_entry + (uint64_t)l->set_entry_key;
		if (!pl_target_u64(v->rt->target, e, &key))
			return pl_error_fault(e, "set entry");
		if (key && key != v->rt->set_dummy && !v->fn(v->arg, key, v->labels ? "{item}" : ""))
			v->stopped = true;
	}
	return NULL;
}

/* The __slots__ of OBJ: the object members of every heap type in its MRO. */
static struct pl_error *slot_refs(struct visit *v, uint64_t obj, const struct type_info *ti)
{
	const struct pl_layout *l = &v->rt->layout;
	struct pl_target *t = v->rt->target;
	uint64_t mro, n = 0;
	if (!pl_target_u64(t, ti->addr + (uint64_t)l->type_mro, &mro) || !mro ||
	    !pl_target_u64(t, mro + (uint64_t)l->varobject_size, &n))
		return NULL;
	for (uint64_t i = 0; i < n && i < MAX_MRO && !v->stopped; i++) {
		uint64_t type, flags, members;
		if (!pl_target_u64(t, mro + (uint64_t)l->tuple_items + 8 * i, &type) ||
		    !pl_target_u64(t, type + (uint64_t)l->type_flags, &flags) ||
		    !(flags & PL_TPFLAGS_HEAPTYPE) ||
		    !pl_target_u64(t, type + (uint64_t)l->type_members, &members) || !members)
			continue;
		for (uint64_t k = 0; k < MAX_MEMBERS && !v->stopped; k++) {
			uint64_t m = members + k * (uint64_t)l->size_member_def, name;
			int32_t mtype;
			int64_t off;
			if (!pl_target_u64(t, m + (uint64_t)l->member_name, &name) || !name ||
			    !pl_target_read_ok(t, m + (uint64_t)l->member_type, &mtype, 4) ||
			    !pl_target_read_ok(t, m + (uint64_t)l->member_offset, &off, 8))
				break;
			if ((mtype != T_OBJECT && mtype != T_OBJECT_EX) || off <= 0 ||
			    (uint64_t)off + 8 > ti->basicsize)
				continue;
			char label[LABEL_MAX] = "", mname[KEY_SHOWN];
			if (v->labels && !pl_target_read_cstr(t, name, mname, sizeof(mname), NULL))
				snprintf(label, sizeof(label), ".%s", mname);
			field_ref(v, obj, off, label);
		}
	}
	return NULL;
}

/* Functions, cells, bound methods and type objects: their fixed reference fields. */
static bool fixed_refs(struct visit *v, uint64_t obj, const struct type_info *ti)
{
	const struct pl_layout *l = &v->rt->layout;
	const struct pl_runtime *rt = v->rt;
	struct field {
		int64_t off;
		const char *label;
	};
	const struct field function[] = { { l->func_globals, "__globals__" },
					  { l->func_closure, "__closure__" },
					  { l->func_defaults, "__defaults__" },
					  { l->func_kwdefaults, "__kwdefaults__" },
					  { l->func_dict, "__dict__" } };
	const struct field cell[] = { { l->cell_ref, "cell_contents" } };
	const struct field method[] = { { l->method_func, "__func__" },
					{ l->method_self, "__self__" } };
	const struct field type[] = { { l->type_dict, "__dict__" }, { l->type_mro, "__mro__" },
				      { l->type_bases, "__bases__" }, { l->type_base, "__base__" } };
	const struct field *f = NULL;
	size_t n = 0;
	if (ti->addr == rt->function_type)
		f = function, n = PL_ARRAY_SIZE(function);
	else if (ti->addr == rt->cell_type)
		f = cell, n = PL_ARRAY_SIZE(cell);
	else if (ti->addr == rt->method_type)
		f = method, n = PL_ARRAY_SIZE(method);
	else if (ti->flags & PL_TPFLAGS_TYPE_SUBCLASS)
		f = type, n = PL_ARRAY_SIZE(type);
	for (size_t i = 0; i < n && !v->stopped; i++)
		field_ref(v, obj, f[i].off, v->labels ? f[i].label : "");
	return n > 0;
}

/* The instance attributes of OBJ, wherever this version keeps them. */
static struct pl_error *attribute_refs(struct visit *v, uint64_t obj, const struct type_info *ti)
{
	const struct pl_layout *l = &v->rt->layout;
	struct pl_target *t = v->rt->target;
	uint64_t dict = 0, values = 0;
	v->attrs = true;
	if ((ti->flags & PL_TPFLAGS_MANAGED_DICT) && l->managed_dict != PL_MANAGED_DICT_NONE) {
		uint64_t word = 0;
		pl_target_u64(t, obj - 24, &word);
		switch (l->managed_dict) {
		case PL_MANAGED_DICT_311:
			dict = word;
			if (!dict)
				pl_target_u64(t, obj - 32, &values);
			break;
		case PL_MANAGED_DICT_312:
			if (word & 1)
				values = word + 1; /* stored as values - 1 */
			else
				dict = word;
			break;
		case PL_MANAGED_DICT_313:
			dict = word;
			if (!dict && (ti->flags & PL_TPFLAGS_INLINE_VALUES)) {
				uint8_t valid = 0;
				uint64_t at = obj + ti->basicsize;
				if (pl_target_read_ok(t, at + 3, &valid, 1) && valid)
					values = at + 8;
			}
			break;
		case PL_MANAGED_DICT_NONE:
			break;
		}
	} else if (ti->dictoffset > 0 && ti->dictoffset < (1 << 20)) {
		pl_target_u64(t, obj + (uint64_t)ti->dictoffset, &dict);
	} else if (ti->dictoffset < 0 && ti->dictoffset > -(1 << 20)) {
		int64_t n = 0;
		pl_target_read_ok(t, obj + (uint64_t)l->varobject_size, &n, 8);
		uint64_t items = (uint64_t)(n < 0 ? -n : n);
		if (items < (1ull << 32)) {
			uint64_t size = (ti->basicsize + items * ti->itemsize + 7) & ~(uint64_t)7;
			pl_target_u64(t, obj + size + (uint64_t)ti->dictoffset, &dict);
		}
	}
	if (dict) {
		if (!v->fn(v->arg, dict, "__dict__"))
			return NULL;
		return pl_py_dict_each(v->rt, dict, visit_entry, v);
	}
	if (values && ti->cached_keys)
		return pl_py_values_each(v->rt, ti->cached_keys, values, visit_entry, v);
	return NULL;
}

struct pl_error *pl_refs_each(struct pl_runtime *rt, uint64_t obj, bool labels, pl_ref_fn *fn,
			      void *arg)
{
	const struct pl_layout *l = &rt->layout;
	struct type_info ti;
	struct pl_error *err = read_type(rt, obj, &ti);
	if (err)
		return err;
	struct visit v = { .rt = rt, .fn = fn, .arg = arg, .labels = labels };
	if ((ti.flags & PL_TPFLAGS_HEAPTYPE) && !fn(arg, ti.addr, "__class__"))
		return NULL;
	uint64_t n = 0, items = 0;
	if (ti.flags & PL_TPFLAGS_LIST_SUBCLASS) {
		if (!pl_target_u64(rt->target, obj + (uint64_t)l->varobject_size, &n) ||
		    !pl_target_u64(rt->target, obj + (uint64_t)l->list_items, &items))
			return pl_error_fault(obj, "list object");
		err = sequence_refs(&v, obj, "list", items, n);
	} else if (ti.flags & PL_TPFLAGS_TUPLE_SUBCLASS) {
		if (!pl_target_u64(rt->target, obj + (uint64_t)l->varobject_size, &n))
			return pl_error_fault(obj, "tuple object");
		err = sequence_refs(&v, obj, "tuple", obj + (uint64_t)l->tuple_items, n);
	} else if (ti.flags & PL_TPFLAGS_DICT_SUBCLASS) {
		err = pl_py_dict_each(rt, obj, visit_entry, &v);
	} else if (ti.addr == rt->set_type || ti.addr == rt->frozenset_type) {
		err = set_refs(&v, obj);
	} else if (fixed_refs(&v, obj, &ti)) {
		/* done */
	} else if (ti.addr == rt->module_type) {
		uint64_t dict = 0;
		if (pl_target_u64(rt->target, obj + (uint64_t)l->module_dict, &dict) && dict &&
		    !fn(arg, dict, "__dict__"))
			return NULL;
	}
	if (err || v.stopped)
		return err;
	if (!(ti.flags & PL_TPFLAGS_HEAPTYPE) || (ti.flags & PL_TPFLAGS_TYPE_SUBCLASS))
		return NULL;
	if ((err = slot_refs(&v, obj, &ti)) || v.stopped)
		return err;
	return attribute_refs(&v, obj, &ti);
}
