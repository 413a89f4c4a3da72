/* SPDX-License-Identifier: MIT */
/* refs.c - outgoing references of one object with labels (see refs.h). Every count read from
 * the target is capped before use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pyread.h"
#include "refs.h"

enum { LABEL_MAX = 160, KEY_SHOWN = 60 };

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

/* Items of a list or tuple: N words at ITEMS. */
static struct pl_error *sequence_refs(struct visit *v, uint64_t items, uint64_t n)
{
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
		if (n > PL_MAX_LIST_ITEMS)
			return pl_error_create(PL_ERR_BAD_DATA, "list at 0x%llx claims %llu items",
					       (unsigned long long)obj, (unsigned long long)n);
		err = sequence_refs(&v, items, n);
	} else if (ti.flags & PL_TPFLAGS_TUPLE_SUBCLASS) {
		if (!pl_target_u64(rt->target, obj + (uint64_t)l->varobject_size, &n))
			return pl_error_fault(obj, "tuple object");
		if (n > PL_MAX_LIST_ITEMS)
			return pl_error_create(PL_ERR_BAD_DATA, "tuple at 0x%llx claims %llu items",
					       (unsigned long long)obj, (unsigned long long)n);
		err = sequence_refs(&v, obj + (uint64_t)l->tuple_items, n);
	} else if (ti.flags & PL_TPFLAGS_DICT_SUBCLASS) {
		err = pl_py_dict_each(rt, obj, visit_entry, &v);
	} else if (ti.addr == rt->module_type) {
		uint64_t dict = 0;
		if (pl_target_u64(rt->target, obj + (uint64_t)l->module_dict, &dict) && dict &&
		    !fn(arg, dict, "__dict__"))
			return NULL;
	}
	if (err || v.stopped)
		return err;
	if (ti.flags & PL_TPFLAGS_HEAPTYPE)
		return attribute_refs(&v, obj, &ti);
	return NULL;
}
