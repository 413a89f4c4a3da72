/* SPDX-License-Identifier: MIT */
/* refs.c - outgoing references of one object with labels (see refs.h): the decoder of each
 * kind, then what every object may add to its kind (its class, its members and slots, its
 * instance dict or values, the words a conservative scan finds). Every count read from the
 * target is capped before use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr_set.h"
#include "base/internal.h"
#include "refs/frames.h"
#include "refs/refs.h"
#include "runtime/module_states.h"
#include "runtime/pyread.h"

enum { LABEL_MAX = 160, KEY_SHOWN = 60, MAX_DEQUE_BLOCKS = 1 << 22, MAX_ODICT_NODES = 1 << 24,
       MAX_ATEXIT = 1 << 20 };

struct pl_error *pl_refs_create(struct pl_runtime *rt, const struct pl_heap *heap,
				struct pl_refs **ret)
{
	struct pl_refs *r = calloc(1, sizeof(*r));
	if (!r)
		return &pl_enomem;
	r->rt = rt;
	r->heap = heap;
	struct pl_error *err = pl_types_create(rt, &r->types);
	if (err) {
		free(r);
		return err;
	}
	*ret = r;
	return NULL;
}

void pl_refs_destroy(struct pl_refs *r)
{
	if (!r)
		return;
	pl_types_destroy(r->types);
	free(r);
}

int64_t pl_refs_refcount(struct pl_runtime *rt, uint64_t obj)
{
	int64_t rc;
	if (!pl_target_read_ok(rt->target, obj + (uint64_t)rt->layout.object_refcnt, &rc, 8))
		return -1;
	if (rt->layout.version_hex >= 0x030c0000) /* 3.12+: 32-bit count, negative = immortal */
		rc = (int32_t)(uint32_t)rc;
	return rc < 0 ? -1 : rc;
}

/* One decoding: where references go, and whether to make labels. */
struct visit {
	struct pl_refs *r;
	struct pl_runtime *rt;
	pl_ref_fn *fn;
	void *arg;
	bool labels;
	bool attrs;   /* dict entries are attributes (.name), not items (['name']) */
	bool stopped;
	bool agent;   /* the in-process agent traversed the object */
	uint64_t *emitted; /* with AGENT: what the decoders emitted, so as not to repeat it */
	size_t nemitted, emitted_cap;
	const uint64_t *traversed; /* with AGENT: what its tp_traverse visited (not scanned) */
	size_t ntraversed;
	uint64_t *traversed_sorted; /* a sorted copy, made when first asked */
};

/* Pass one reference on; false once the caller has asked to stop. */
static bool emit(struct visit *v, uint64_t target, const char *label, enum pl_ref_kind kind)
{
	if (v->stopped)
		return false;
	if (!target)
		return true;
	if (v->agent) {
		if (v->nemitted == v->emitted_cap) {
			size_t cap = v->emitted_cap ? 2 * v->emitted_cap : 64;
			uint64_t *more = realloc(v->emitted, cap * sizeof(*more));
			if (!more) { /* the agent's copy of this reference may be emitted again */
				v->agent = false;
				goto pass;
			}
			v->emitted = more;
			v->emitted_cap = cap;
		}
		v->emitted[v->nemitted++] = target;
	}
pass:
	if (!v->fn(v->arg, target, v->labels ? label : "", kind))
		v->stopped = true;
	return !v->stopped;
}

/* The pointer field at OBJ + OFF (OFF < 0: the version has no such field), emitted as KIND. */
static bool field_as(struct visit *v, uint64_t obj, int64_t off, const char *label,
		     enum pl_ref_kind kind)
{
	uint64_t p = 0;
	if (off < 0 || !pl_target_u64(v->rt->target, obj + (uint64_t)off, &p))
		return !v->stopped;
	return emit(v, p, label, kind);
}

static bool field(struct visit *v, uint64_t obj, int64_t off, const char *label)
{
	return field_as(v, obj, off, label, PL_REF_STRONG);
}

/* A table of pointer fields and their labels, emitted in order. */
struct field_label {
	int64_t off;
	const char *label;
};

static void fields(struct visit *v, uint64_t obj, const struct field_label *f, size_t n)
{
	for (size_t i = 0; i < n && field(v, obj, f[i].off, f[i].label); i++)
		;
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

static bool visit_entry(void *arg, uint64_t key, uint64_t value)
{
	struct visit *v = arg;
	char k[KEY_SHOWN + 32], label[LABEL_MAX] = "";
	if (v->labels) {
		key_text(v->rt, key, k, sizeof(k));
		if (v->attrs && k[0] == '\'') {
			k[strlen(k) - 1] = '\0';
			snprintf(label, sizeof(label), ".%s", k + 1);
		} else {
			snprintf(label, sizeof(label), "[%s]", k);
		}
	}
	if (!emit(v, value, label, PL_REF_STRONG))
		return false;
	if (v->attrs) /* attribute values: the keys belong to the shared keys, not the object */
		return true;
	if (v->labels)
		snprintf(label, sizeof(label), "key %s", k);
	return emit(v, key, label, PL_REF_STRONG);
}

/* N words at ITEMS, labelled with FMT ("[%llu]"); TAGGED: frame slots, which 3.14 tags. */
static struct pl_error *word_items(struct visit *v, uint64_t items, uint64_t n, const char *fmt,
				   bool tagged)
{
	if (n > PL_MAX_LIST_ITEMS)
		return pl_error_create(PL_ERR_BAD_DATA, "a sequence at 0x%llx claims %llu items",
				       (unsigned long long)items, (unsigned long long)n);
	uint64_t buf[256];
	for (uint64_t i = 0; i < n && !v->stopped; i += PL_ARRAY_SIZE(buf)) {
		size_t chunk = n - i < PL_ARRAY_SIZE(buf) ? (size_t)(n - i) : PL_ARRAY_SIZE(buf);
		if (!pl_target_read_ok(v->rt->target, items + 8 * i, buf, chunk * 8))
			return pl_error_fault(items + 8 * i, "sequence items");
		for (size_t k = 0; k < chunk; k++) {
			char label[32] = "";
			if (v->labels)
				snprintf(label, sizeof(label), fmt, (unsigned long long)(i + k));
			uint64_t p = tagged ? pl_frame_slot_object(&v->rt->layout, buf[k]) : buf[k];
			if (!emit(v, p, label, PL_REF_STRONG))
				return NULL;
		}
	}
	return NULL;
}

/* Whether KEY, in a set entry E, is 2.7's static dummy, where its symbol was stripped: the
 * dummy is a str never hashed (ob_shash -1), and a deleted entry keeps its old key's hash, while
 * a str that is an item has cached the very hash its entry holds. */
static bool py2_set_dummy(const struct pl_runtime *rt, uint64_t key, uint64_t e)
{
	const struct pl_layout *l = &rt->layout;
	uint64_t type, shash, hash;
	return rt->set_dummy == 1 && l->string_shash >= 0 && l->set_entry_hash >= 0 &&
	       rt->types[PL_T_STRING] && pl_target_u64(rt->target, key + (uint64_t)l->object_type, &type) &&
	       type == rt->types[PL_T_STRING] &&
	       pl_target_u64(rt->target, key + (uint64_t)l->string_shash, &shash) &&
	       pl_target_u64(rt->target, e + (uint64_t)l->set_entry_hash, &hash) && shash != hash;
}

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
		uint64_t e = table + i * (uint64_t)l->size_set_entry;
		if (!pl_target_u64(v->rt->target, e + (uint64_t)l->set_entry_key, &key))
			return pl_error_fault(e, "set entry");
		if (key && key != v->rt->set_dummy && !py2_set_dummy(v->rt, key, e))
			emit(v, key, "{item}", PL_REF_STRONG);
	}
	return NULL;
}

static struct pl_error *dict_refs(struct visit *v, uint64_t obj)
{
	v->attrs = false;
	return pl_py_dict_each(v->rt, obj, visit_entry, v);
}

/* An OrderedDict: its dict, its instance dict, and the keys its order nodes hold. */
static struct pl_error *odict_refs(struct visit *v, uint64_t obj)
{
	const struct pl_layout *l = &v->rt->layout;
	struct pl_error *err = dict_refs(v, obj);
	if (err || !field(v, obj, l->odict_inst_dict, "__dict__"))
		return err;
	uint64_t node = 0;
	pl_target_u64(v->rt->target, obj + (uint64_t)l->odict_first, &node);
	for (uint64_t n = 0; node && n < MAX_ODICT_NODES; n++) {
		if (!field(v, node, l->odictnode_key, "order node key") ||
		    !pl_target_u64(v->rt->target, node + (uint64_t)l->odictnode_next, &node))
			break;
	}
	return NULL;
}

/* A deque's items, block by block from the left. */
static struct pl_error *deque_refs(struct visit *v, uint64_t obj)
{
	const struct pl_layout *l = &v->rt->layout;
	struct pl_target *t = v->rt->target;
	uint64_t block, right, len;
	int64_t left_index, right_index;
	if (!pl_target_u64(t, obj + (uint64_t)l->deque_leftblock, &block) ||
	    !pl_target_u64(t, obj + (uint64_t)l->deque_rightblock, &right) ||
	    !pl_target_read_ok(t, obj + (uint64_t)l->deque_leftindex, &left_index, 8) ||
	    !pl_target_read_ok(t, obj + (uint64_t)l->deque_rightindex, &right_index, 8) ||
	    !pl_target_u64(t, obj + (uint64_t)(l->deque_len >= 0 ? l->deque_len : l->varobject_size), &len))
		return pl_error_fault(obj, "deque object");
	int64_t per_block = (l->deque_block_rightlink - l->deque_block_data) / 8;
	if (len > PL_MAX_LIST_ITEMS || per_block <= 0 || left_index < 0 || left_index >= per_block ||
	    right_index < -1 || right_index >= per_block)
		return pl_error_create(PL_ERR_BAD_DATA, "deque at 0x%llx is inconsistent",
				       (unsigned long long)obj);
	uint64_t i = 0;
	for (uint64_t b = 0; b < MAX_DEQUE_BLOCKS && i < len && !v->stopped; b++) {
		int64_t from = b == 0 ? left_index : 0;
		int64_t to = block == right ? right_index + 1 : per_block;
		for (int64_t k = from; k < to && i < len; k++, i++) {
			char label[32] = "";
			if (v->labels)
				snprintf(label, sizeof(label), "[%llu]", (unsigned long long)i);
			if (!field(v, block, l->deque_block_data + 8 * k, label))
				return NULL;
		}
		if (block == right || !pl_target_u64(t, block + (uint64_t)l->deque_block_rightlink, &block))
			break;
	}
	return NULL;
}

/* What a frame holds (see struct pl_frame): its code, function, namespaces, named locals and
 * the live part of its value stack. */
static struct pl_error *frame_contents(struct visit *v, const struct pl_frame *f)
{
	struct pl_runtime *rt = v->rt;
	static const char *const names[] = { "f_code", "f_func", "f_locals", "frame object",
					     "f_globals", "f_builtins", "f_trace" };
	uint64_t held[] = { f->code, f->func, f->locals, f->frame_obj, f->globals, f->builtins,
			    f->trace };
	for (size_t i = 0; i < PL_ARRAY_SIZE(held) && !v->stopped; i++)
		emit(v, held[i], names[i], PL_REF_STRONG);
	for (uint64_t i = 0; i < f->nlocals && !v->stopped; i++) {
		uint64_t word;
		if (!pl_target_u64(rt->target, f->localsplus + 8 * i, &word))
			return pl_error_fault(f->localsplus + 8 * i, "frame locals");
		uint64_t p = pl_frame_slot_object(&rt->layout, word);
		char label[LABEL_MAX] = "", name[KEY_SHOWN];
		if (p && v->labels) {
			pl_frame_slot_name(rt, f, i, name, sizeof(name));
			snprintf(label, sizeof(label), "local %s", name);
		}
		emit(v, p, label, PL_REF_STRONG);
	}
	return word_items(v, f->localsplus + 8 * f->nlocals, f->nstack, "stack [%llu]", true);
}

/* A frame object: before 3.11 the frame itself; from 3.11 a holder of an interpreter frame,
 * whose contents it owns once the function has returned (f_frame points inside it). */
static struct pl_error *frame_object_refs(struct visit *v, uint64_t obj)
{
	const struct pl_layout *l = &v->rt->layout;
	struct pl_frame f;
	struct pl_error *err;
	if (!field(v, obj, l->frameobj_back, "f_back"))
		return NULL;
	if (l->frameobj_frame < 0) {
		if ((err = pl_frame_read(v->rt, obj, false, &f)))
			return err;
		return frame_contents(v, &f);
	}
	const struct field_label more[] = { { l->frameobj_trace, "f_trace" },
					    { l->frameobj_extra_locals, "f_extra_locals" },
					    { l->frameobj_locals_cache, "f_locals_cache" } };
	fields(v, obj, more, PL_ARRAY_SIZE(more));
	uint64_t inner = 0, data = obj + (uint64_t)l->frameobj_frame_data;
	if (v->stopped || !pl_target_u64(v->rt->target, obj + (uint64_t)l->frameobj_frame, &inner) ||
	    inner != data)
		return NULL; /* still running on a thread's stack, which owns its contents */
	if ((err = pl_frame_read(v->rt, data, false, &f)))
		return err;
	f.frame_obj = 0; /* its back pointer to this object */
	return f.owner == PL_FRAME_OWNED_BY_FRAME_OBJECT ? frame_contents(v, &f) : NULL;
}

/* A generator, coroutine or async generator: its names, exception state, and its frame while
 * it has one (before 3.11 a frame object, from 3.11 embedded). */
static struct pl_error *generator_refs(struct visit *v, uint64_t obj, const struct pl_typeinfo *ti)
{
	struct pl_runtime *rt = v->rt;
	const struct pl_layout *l = &rt->layout;
	bool coro = ti->addr == rt->types[PL_T_CORO], agen = ti->addr == rt->types[PL_T_ASYNC_GEN];
	const struct field_label f[] = {
		{ l->gen_frame, "gi_frame" }, { l->gen_code, "gi_code" },
		{ l->gen_name, "__name__" }, { l->gen_qualname, "__qualname__" },
		{ l->gen_exc_type, "gi_exc_state.type" }, { l->gen_exc_value, "gi_exc_state.value" },
		{ l->gen_exc_traceback, "gi_exc_state.traceback" },
		{ coro ? l->coro_origin : -1, "cr_origin" },
		{ agen ? l->asyncgen_finalizer : -1, "ag_finalizer" },
		{ coro || agen ? l->gen_origin_or_finalizer : -1, coro ? "cr_origin" : "ag_finalizer" },
	};
	fields(v, obj, f, PL_ARRAY_SIZE(f));
	if (v->stopped || l->gen_iframe < 0)
		return NULL;
	int8_t state = l->gen_finished;
	pl_target_read_ok(rt->target, obj + (uint64_t)l->gen_frame_state, &state, 1);
	if (state >= l->gen_finished)
		return NULL;
	struct pl_frame fr;
	struct pl_error *err = pl_frame_read(rt, obj + (uint64_t)l->gen_iframe,
					     state == l->gen_executing, &fr);
	return err ? err : frame_contents(v, &fr);
}

/* Where a static type of 3.12+ keeps its dict and subclasses: the interpreter's state of it
 * (tp_subclasses holds its index + 1 there). False if TYPE is not such a type. */
static bool static_type_state(struct pl_runtime *rt, uint64_t type, uint64_t interp,
			      uint64_t *dict_ret, uint64_t *subclasses_ret)
{
	const struct pl_layout *l = &rt->layout;
	uint64_t index;
	if (!pl_target_u64(rt->target, type + (uint64_t)l->type_subclasses, &index) || index == 0 ||
	    index > 4096)
		return false;
	index--;
	struct {
		int64_t array, size, type, dict, subclasses;
	} where[] = {
		{ l->interp_types_builtins, l->size_static_builtin_state, l->static_builtin_state_type,
		  l->static_builtin_state_dict, l->static_builtin_state_subclasses },
		{ l->interp_types_builtins_initialized, l->size_managed_static_type_state,
		  l->managed_static_type_state_type, l->managed_static_type_state_dict,
		  l->managed_static_type_state_subclasses },
		{ l->interp_types_for_extensions_initialized, l->size_managed_static_type_state,
		  l->managed_static_type_state_type, l->managed_static_type_state_dict,
		  l->managed_static_type_state_subclasses },
	};
	for (size_t i = 0; i < PL_ARRAY_SIZE(where); i++) {
		if (where[i].array < 0 || where[i].size <= 0 || where[i].type < 0)
			continue;
		uint64_t state = interp + (uint64_t)where[i].array + index * (uint64_t)where[i].size, t;
		if (pl_target_u64(rt->target, state + (uint64_t)where[i].type, &t) && t == type &&
		    pl_target_u64(rt->target, state + (uint64_t)where[i].dict, dict_ret) &&
		    pl_target_u64(rt->target, state + (uint64_t)where[i].subclasses, subclasses_ret))
			return true;
	}
	return false;
}

uint64_t pl_refs_subclasses(struct pl_refs *r, uint64_t type)
{
	struct pl_runtime *rt = r->rt;
	const struct pl_layout *l = &rt->layout;
	uint64_t flags = pl_runtime_field(rt, type, l->type_flags), dict, subclasses;
	if ((flags & PL_TPFLAGS_HEAPTYPE) || l->version_hex < 0x030c0000)
		return pl_runtime_field(rt, type, l->type_subclasses);
	for (size_t i = 0; r->heap && i < r->heap->ninterpreters; i++)
		if (static_type_state(rt, type, r->heap->interps[i], &dict, &subclasses))
			return subclasses;
	return 0;
}

/* A type object. Static types of 3.12+ keep their dict in each interpreter, not in tp_dict. */
static void type_refs(struct visit *v, uint64_t obj)
{
	struct pl_runtime *rt = v->rt;
	const struct pl_layout *l = &rt->layout;
	uint64_t flags = 0, dict = 0, subclasses = 0;
	pl_target_u64(rt->target, obj + (uint64_t)l->type_flags, &flags);
	pl_target_u64(rt->target, obj + (uint64_t)l->type_dict, &dict);
	bool heap = flags & PL_TPFLAGS_HEAPTYPE;
	if (heap || dict || l->version_hex < 0x030c0000) {
		emit(v, dict, "__dict__", PL_REF_STRONG);
		field(v, obj, l->type_subclasses, "__subclasses__");
	} else { /* a static type of 3.12+: its state in every interpreter */
		for (size_t i = 0; v->r->heap && i < v->r->heap->ninterpreters && !v->stopped; i++)
			if (static_type_state(rt, obj, v->r->heap->interps[i], &dict, &subclasses)) {
				emit(v, dict, "__dict__", PL_REF_STRONG);
				emit(v, subclasses, "__subclasses__", PL_REF_STRONG);
			}
	}
	const struct field_label f[] = {
		{ l->type_mro, "__mro__" }, { l->type_bases, "__bases__" },
		{ l->type_base, "__base__" }, { l->type_cache, "tp_cache" },
		{ heap ? l->heaptype_name : -1, "__name__" },
		{ heap ? l->heaptype_qualname : -1, "__qualname__" },
		{ heap ? l->heaptype_slots : -1, "__slots__" },
		{ heap ? l->heaptype_module : -1, "ht_module" },
	};
	fields(v, obj, f, PL_ARRAY_SIZE(f));
}

/* The fixed reference fields of the kinds that have nothing else. */
static void fixed_refs(struct visit *v, uint64_t obj, const struct pl_typeinfo *ti)
{
	const struct pl_layout *l = &v->rt->layout;
	const struct field_label function[] = {
		{ l->func_code, "__code__" },	    { l->func_globals, "__globals__" },
		{ l->func_builtins, "__builtins__" }, { l->func_name, "__name__" },
		{ l->func_qualname, "__qualname__" }, { l->func_defaults, "__defaults__" },
		{ l->func_kwdefaults, "__kwdefaults__" }, { l->func_closure, "__closure__" },
		{ l->func_doc, "__doc__" },	    { l->func_dict, "__dict__" },
		{ l->func_module, "__module__" },   { l->func_annotations, "__annotations__" },
		{ l->func_annotate, "__annotate__" }, { l->func_typeparams, "__type_params__" },
	};
	const struct field_label cell[] = { { l->cell_ref, "cell_contents" } };
	const struct field_label method[] = { { l->method_func, "__func__" },
					      { l->method_self, "__self__" },
					      { l->method_class, "im_class" } }; /* 2.7 */
	const struct field_label class[] = { { l->class_bases, "__bases__" },
					     { l->class_dict, "__dict__" },
					     { l->class_name, "__name__" },
					     { l->class_getattr, "__getattr__" },
					     { l->class_setattr, "__setattr__" },
					     { l->class_delattr, "__delattr__" } };
	const struct field_label instance[] = { { l->instance_class, "__class__" },
						{ l->instance_dict, "__dict__" } };
	const struct field_label classmethod[] = { { l->classmethod_callable, "__func__" },
						   { l->classmethod_dict, "__dict__" } };
	const struct field_label staticmethod[] = { { l->staticmethod_callable, "__func__" },
						    { l->staticmethod_dict, "__dict__" } };
	const struct field_label property[] = { { l->property_get, "fget" },
						{ l->property_set, "fset" },
						{ l->property_del, "fdel" },
						{ l->property_doc, "__doc__" },
						{ l->property_name, "__name__" } };
	const struct field_label cfunction[] = { { l->cfunction_self, "__self__" },
						 { l->cfunction_module, "__module__" },
						 { ti->cmethod ? l->cmethod_class : -1, "defining class" } };
	const struct field_label descriptor[] = { { l->descr_type, "__objclass__" },
						  { l->descr_name, "__name__" },
						  { l->descr_qualname, "__qualname__" } };
	const struct field_label mappingproxy[] = { { l->mappingproxy_mapping, "mapping" },
						    { l->dictproxy_dict, "mapping" } }; /* 2.7 */
	const struct field_label methodwrapper[] = { { l->methodwrapper_descr, "descriptor" },
						     { l->methodwrapper_self, "__self__" } };
	const struct field_label exception[] = {
		{ l->exc_args, "args" },	       { l->exc_notes, "__notes__" },
		{ l->exc_traceback, "__traceback__" }, { l->exc_context, "__context__" },
		{ l->exc_cause, "__cause__" },	       { l->exc_dict, "__dict__" },
		{ l->exc_message, "message" }, /* 2.7 */
	};
	const struct field_label traceback[] = { { l->traceback_next, "tb_next" },
						 { l->traceback_frame, "tb_frame" } };
	const struct field_label partial[] = { { l->partial_fn, "func" },
					       { l->partial_args, "args" },
					       { l->partial_kw, "keywords" },
					       { l->partial_dict, "__dict__" } };
	const struct field_label code[] = {
		{ l->code_consts, "co_consts" },	     { l->code_names, "co_names" },
		{ l->code_varnames, "co_varnames" },	     { l->code_cellvars, "co_cellvars" },
		{ l->code_freevars, "co_freevars" },	     { l->code_localsplusnames, "co_localsplusnames" },
		{ l->code_localspluskinds, "co_localspluskinds" }, { l->code_filename, "co_filename" },
		{ l->code_name, "co_name" },		     { l->code_qualname, "co_qualname" },
		{ l->code_code, "co_code" },		     { l->code_lnotab, "co_lnotab" },
		{ l->code_linetable, "co_linetable" },	     { l->code_exceptiontable, "co_exceptiontable" },
	};
#define CASE(k, table) \
	case k: fields(v, obj, table, PL_ARRAY_SIZE(table)); break;
	switch (ti->kind) {
	CASE(PL_KIND_FUNCTION, function)
	CASE(PL_KIND_CELL, cell)
	CASE(PL_KIND_METHOD, method)
	CASE(PL_KIND_CLASS, class)
	CASE(PL_KIND_INSTANCE, instance)
	CASE(PL_KIND_CLASSMETHOD, classmethod)
	CASE(PL_KIND_STATICMETHOD, staticmethod)
	CASE(PL_KIND_PROPERTY, property)
	CASE(PL_KIND_CFUNCTION, cfunction)
	CASE(PL_KIND_DESCRIPTOR, descriptor)
	CASE(PL_KIND_MAPPINGPROXY, mappingproxy)
	CASE(PL_KIND_METHODWRAPPER, methodwrapper)
	CASE(PL_KIND_EXCEPTION, exception)
	CASE(PL_KIND_TRACEBACK, traceback)
	CASE(PL_KIND_PARTIAL, partial)
	CASE(PL_KIND_CODE, code)
	case PL_KIND_WEAKREF:
		field_as(v, obj, l->weakref_object, "referent", PL_REF_WEAK);
		field(v, obj, l->weakref_callback, "__callback__");
		break;
	default:
		break;
	}
#undef CASE
}

enum { MAX_MODULE_STATE = 1 << 16, MAX_LRU_ENTRIES = 1 << 24, MAX_C_ITEMS = 1 << 20 };

/* Index of the first element of the sorted V[0..N) not below KEY. */
static size_t lower_bound(const uint64_t *v, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Did the agent's call to the object's tp_traverse visit WORD? */
static bool was_traversed(struct visit *v, uint64_t word)
{
	if (!v->ntraversed)
		return false;
	if (!v->traversed_sorted && (v->traversed_sorted = malloc(v->ntraversed * sizeof(uint64_t)))) {
		memcpy(v->traversed_sorted, v->traversed, v->ntraversed * sizeof(uint64_t));
		pl_sort(v->traversed_sorted, v->ntraversed, sizeof(uint64_t), pl_u64_cmp);
	}
	if (v->traversed_sorted) {
		size_t k = lower_bound(v->traversed_sorted, v->ntraversed, word);
		return k < v->ntraversed && v->traversed_sorted[k] == word;
	}
	for (size_t k = 0; k < v->ntraversed; k++) /* out of memory: the slow way */
		if (v->traversed[k] == word)
			return true;
	return false;
}

/* The word at BASE + OFF (memory OWNER holds), emitted as a conservative reference labelled
 * PREFIX+0xOFF if it is the address of an object other than OWNER: a tracked one, or, if
 * UNTRACKED, a live one the collector does not track (a module's C state holding a dict of
 * constants: the graph adds it). Only words of memory that a tp_traverse covers may name
 * untracked objects (module states, GC objects): the in-process census finds those, and a
 * word of a plain C struct is too often not a reference. A word pointing back at its owner is
 * a link of a structure inside it (an empty lru_cache's list head), not a reference that
 * could keep it alive. */
static void conservative_word(struct visit *v, uint64_t base, uint64_t off, uint64_t owner,
			      const char *prefix, bool untracked)
{
	uint64_t word;
	long i;
	if (!pl_target_u64(v->rt->target, base + off, &word) || word == owner || !word)
		return;
	if (was_traversed(v, word)) /* the agent gave it exactly */
		return;
	i = pl_heap_find_object(v->r->heap, word);
	if (i >= 0 ? !untracked && !pl_heap_is_tracked(v->r->heap, (size_t)i)
		   : !untracked || !pl_py_is_untracked_object(v->rt, word))
		return;
	char label[64];
	snprintf(label, sizeof(label), "%s+0x%llx", prefix, (unsigned long long)off);
	emit(v, word, label, PL_REF_CONSERVATIVE);
}

/* An lru_cache wrapper: the keys and results of its entries, which live in a list of C
 * structs that are not on the GC lists (the words after the list head are scanned). */
static void lru_refs(struct visit *v, uint64_t obj)
{
	const struct pl_layout *l = &v->rt->layout;
	uint64_t elem = 0;
	const struct field_label f[] = {
		{ l->lru_cache, "cache" },	       { l->lru_func, "__wrapped__" },
		{ l->lru_maxsize_o, "maxsize" },       { l->lru_kwd_mark, "kwd_mark" },
		{ l->lru_elem_type, "lru_list_elem_type" }, { l->lru_cache_info_type, "cache_info_type" },
		{ l->lru_dict, "__dict__" },
	};
	fields(v, obj, f, PL_ARRAY_SIZE(f));
	pl_target_u64(v->rt->target, obj + (uint64_t)l->lru_root_next, &elem);
	for (uint64_t n = 0; elem && elem != obj && n < MAX_LRU_ENTRIES && !v->stopped; n++) {
		long i = v->r->heap ? pl_heap_find_object(v->r->heap, elem) : -1;
		if (i >= 0 && pl_heap_is_tracked(v->r->heap, (size_t)i)) {
			emit(v, elem, "cache entry", PL_REF_STRONG); /* 3.6: entries are objects */
		} else {
			field(v, elem, l->lru_elem_key, "cache key");
			field(v, elem, l->lru_elem_result, "cache result");
			field(v, elem, l->object_type, "cache entry's type"); /* a heap type from 3.10 on */
		}
		if (!pl_target_u64(v->rt->target, elem + (uint64_t)l->lru_elem_next, &elem))
			break;
	}
}


/* The C state of the module at OBJ: its address and size (scans read at most MAX_MODULE_STATE
 * bytes of it), from
 * md_state_size (3.15+) or its def's m_size. False if it has none. */
static bool module_state(struct pl_runtime *rt, uint64_t obj, uint64_t *state_ret, int64_t *size_ret)
{
	const struct pl_layout *l = &rt->layout;
	struct pl_target *t = rt->target;
	uint64_t def = 0;
	int64_t size = 0;
	if (l->module_state < 0 || /* 2.7: no C state */
	    !pl_target_u64(t, obj + (uint64_t)l->module_state, state_ret) || !*state_ret)
		return false;
	if (l->module_state_size >= 0) {
		if (!pl_target_read_ok(t, obj + (uint64_t)l->module_state_size, &size, 8))
			return false;
	} else if (!pl_target_u64(t, obj + (uint64_t)l->module_def, &def) || !def ||
		   !pl_target_read_ok(t, def + (uint64_t)l->moduledef_size, &size, 8)) {
		return false;
	}
	*size_ret = size;
	return size > 0;
}

/* atexit's C state through 3.9: the functions registered, and their arguments, in an array
 * of pointers to C structs (from 3.10 they are the interpreter's). */
static void atexit_refs(struct visit *v, uint64_t obj, uint64_t state)
{
	const struct pl_layout *l = &v->rt->layout;
	struct pl_target *t = v->rt->target;
	char name[16] = "";
	uint64_t array = 0, cb = 0;
	int32_t n = 0, len = 0;
	if (l->atexit_callbacks < 0 || l->atexit_ncallbacks < 0 || l->atexit_callback_len < 0 ||
	    !pl_module_def_name(v->rt, obj, name, sizeof(name)) || strcmp(name, "atexit") != 0 ||
	    !pl_target_u64(t, state + (uint64_t)l->atexit_callbacks, &array) ||
	    !pl_target_read_ok(t, state + (uint64_t)l->atexit_ncallbacks, &n, 4) ||
	    !pl_target_read_ok(t, state + (uint64_t)l->atexit_callback_len, &len, 4) || n > len)
		return;
	const struct field_label f[] = { { l->atexit_callback_func, "atexit callback" },
					 { l->atexit_callback_args, "atexit callback's args" },
					 { l->atexit_callback_kwargs, "atexit callback's kwargs" } };
	for (int32_t i = 0; array && i < n && i < MAX_ATEXIT && !v->stopped; i++)
		if (pl_target_u64(t, array + 8 * (uint64_t)i, &cb) && cb)
			fields(v, cb, f, PL_ARRAY_SIZE(f));
}

/* A module: its dict and name, and the objects its C state holds: by name where the DWARF of
 * the extension says which struct the state is, else scanned conservatively. */
static void module_refs(struct visit *v, uint64_t obj)
{
	const struct pl_layout *l = &v->rt->layout;
	field(v, obj, l->module_dict, "__dict__");
	field(v, obj, l->module_name, "__name__");
	uint64_t state = 0;
	int64_t size = 0;
	if (!v->r->heap || !module_state(v->rt, obj, &state, &size))
		return;
	atexit_refs(v, obj, state);
	const struct pl_state_layout *sl = pl_module_state_layout(v->rt, obj, size);
	if (!sl) { /* no DWARF of the extension here: every word is a guess */
		for (int64_t off = 0; off + 8 <= size && off < MAX_MODULE_STATE && !v->stopped; off += 8)
			conservative_word(v, state, (uint64_t)off, obj, "module state ", true);
		return;
	}
	char label[LABEL_MAX] = "";
	for (size_t i = 0; i < sl->n && !v->stopped; i++) {
		const struct pl_state_member *m = &sl->members[i];
		for (uint32_t k = 0; k < m->count && m->off >= 0 && (int64_t)k < (size - m->off) / 8; k++) {
			if (v->labels && m->count > 1)
				snprintf(label, sizeof(label), "md_state->%s[%u]", m->name, k);
			else if (v->labels)
				snprintf(label, sizeof(label), "md_state->%s", m->name);
			if (!field(v, state, m->off + 8 * (int64_t)k, label))
				return;
		}
	}
}

/* A stdlib C type of c_types.c: its fields, then its items. */
static void c_fields_refs(struct visit *v, uint64_t obj, const struct pl_c_type *t)
{
	const struct pl_layout *l = &v->rt->layout;
	struct pl_target *tg = v->rt->target;
	for (size_t i = 0; i < PL_C_FIELDS && t->fields[i].label; i++)
		if (l->version_hex >= t->fields[i].since &&
		    !field(v, obj, pl_c_offset(l, t->fields[i].member), t->fields[i].label))
			return;
	int64_t items = t->count_kind == PL_C_COUNT_NONE ? -1 : pl_c_offset(l, t->items);
	uint64_t n = 0;
	int32_t n32 = 0;
	int64_t nsize = 0;
	if (items < 0)
		return;
	if (t->count_kind == PL_C_COUNT_FIXED)
		n = t->count;
	else if (t->count_kind == PL_C_COUNT_INT32 && pl_c_offset(l, t->count) >= 0 &&
		 pl_target_read_ok(tg, obj + (uint64_t)pl_c_offset(l, t->count), &n32, 4) && n32 > 0)
		n = (uint64_t)n32;
	else if (t->count_kind == PL_C_COUNT_SIZE &&
		 pl_target_read_ok(tg, obj + (uint64_t)l->varobject_size, &nsize, 8))
		n = pl_magnitude(nsize);
	if (n > MAX_C_ITEMS)
		n = MAX_C_ITEMS;
	char label[LABEL_MAX];
	for (uint64_t i = 0; i < n && !v->stopped; i++) {
		if (v->labels)
			snprintf(label, sizeof(label), t->item_label, (unsigned long long)i);
		if (!field(v, obj, items + (int64_t)(8 * i), v->labels ? label : ""))
			return;
	}
}

/* A capsule: the objects in the C API struct it points to, for the capsules whose struct the
 * layout knows (3.13+ capsules visit them through their traverse function). */
static void capsule_refs(struct visit *v, uint64_t obj)
{
	const struct pl_layout *l = &v->rt->layout;
	uint64_t name = 0, api = 0;
	char s[32] = "";
	if (l->capsule_name < 0 || l->capsule_pointer < 0 ||
	    !pl_target_u64(v->rt->target, obj + (uint64_t)l->capsule_name, &name) || !name ||
	    !pl_target_u64(v->rt->target, obj + (uint64_t)l->capsule_pointer, &api) || !api)
		return;
	pl_error_destroy(pl_target_read_cstr(v->rt->target, name, s, sizeof(s), NULL));
	if (strcmp(s, "_socket.CAPI") == 0) {
		const struct field_label f[] = { { l->socketapi_sock_type, "Sock_Type" },
						 { l->socketapi_error, "error" },
						 { l->socketapi_timeout_error, "timeout_error" } };
		fields(v, api, f, PL_ARRAY_SIZE(f));
	}
}

/* The references of OBJ's kind. */
static struct pl_error *kind_refs(struct visit *v, uint64_t obj, const struct pl_typeinfo *ti)
{
	const struct pl_layout *l = &v->rt->layout;
	uint64_t n = 0, items = 0;
	switch (ti->kind) {
	case PL_KIND_LIST:
		if (!pl_target_u64(v->rt->target, obj + (uint64_t)l->varobject_size, &n) ||
		    !pl_target_u64(v->rt->target, obj + (uint64_t)l->list_items, &items))
			return pl_error_fault(obj, "list object");
		return word_items(v, items, n, "[%llu]", false);
	case PL_KIND_TUPLE:
		if (!pl_target_u64(v->rt->target, obj + (uint64_t)l->varobject_size, &n))
			return pl_error_fault(obj, "tuple object");
		if (ti->tuple_fields > n && n < PL_MAX_LIST_ITEMS) /* a struct sequence's hidden items */
			n = ti->tuple_fields;
		return word_items(v, obj + (uint64_t)l->tuple_items, n, "[%llu]", false);
	case PL_KIND_DICT:
		return dict_refs(v, obj);
	case PL_KIND_ODICT:
		return odict_refs(v, obj);
	case PL_KIND_SET:
		return set_refs(v, obj);
	case PL_KIND_DEQUE:
		return deque_refs(v, obj);
	case PL_KIND_FRAME:
		return frame_object_refs(v, obj);
	case PL_KIND_GENERATOR:
		return generator_refs(v, obj, ti);
	case PL_KIND_TYPE:
		type_refs(v, obj);
		return NULL;
	case PL_KIND_MODULE:
		module_refs(v, obj);
		return NULL;
	case PL_KIND_LRU_CACHE:
		lru_refs(v, obj);
		return NULL;
	case PL_KIND_C_FIELDS:
		c_fields_refs(v, obj, ti->ctype);
		return NULL;
	case PL_KIND_CAPSULE:
		capsule_refs(v, obj);
		return NULL;
	default:
		fixed_refs(v, obj, ti);
		return NULL;
	}
}

/* Members after what the kind covers: __slots__ and C members, labelled by name. */
static void member_refs(struct visit *v, uint64_t obj, const struct pl_typeinfo *ti)
{
	for (size_t i = 0; i < ti->nmembers && !v->stopped; i++) {
		char label[LABEL_MAX] = "", name[KEY_SHOWN];
		if (ti->members[i].borrowed)
			continue;
		if (v->labels && !pl_target_read_cstr(v->rt->target, ti->members[i].name, name,
						      sizeof(name), NULL))
			snprintf(label, sizeof(label), ".%s", name);
		field(v, obj, ti->members[i].offset, label);
	}
}

/* The words no decoder explains that hold the address of an object (see conservative_word). */
static void conservative_refs(struct visit *v, uint64_t obj, const struct pl_typeinfo *ti)
{
	const struct pl_heap *h = v->r->heap;
	if (!h)
		return;
	uint64_t n = ti->nscan, count = 0;
	if (ti->scan_items) {
		pl_target_u64(v->rt->target, obj + (uint64_t)v->rt->layout.varobject_size, &count);
		if (count > 4096)
			count = 4096;
	}
	for (uint64_t i = 0; i < n + count && !v->stopped; i++)
		conservative_word(v, obj, i < n ? ti->scan[i] : ti->basicsize + 8 * (i - n), obj, "",
				  ti->flags & PL_TPFLAGS_HAVE_GC);
}

/* Where OBJ keeps its attributes, if outside what its kind decodes: a dict, or values stored
 * without one (3.11 values pointer, 3.12 tagged word, 3.13+ inline values). */
static struct pl_error *attribute_refs(struct visit *v, uint64_t obj, const struct pl_typeinfo *ti)
{
	const struct pl_layout *l = &v->rt->layout;
	struct pl_target *t = v->rt->target;
	uint64_t dict = 0, values = 0;
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
			/* a dict made of the inline values shares them: they are reached through it,
			 * as tp_traverse has it since gh-130327 (3.13.0 visited the values) */
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
		uint64_t items = pl_magnitude(n);
		if (items < (1ull << 32)) {
			uint64_t size = (ti->basicsize + items * ti->itemsize + 7) & ~(uint64_t)7;
			pl_target_u64(t, obj + size + (uint64_t)ti->dictoffset, &dict);
		}
	}
	if (dict) {
		emit(v, dict, "__dict__", PL_REF_STRONG);
		return NULL;
	}
	if (!values || !ti->cached_keys)
		return NULL;
	v->attrs = true;
	return pl_py_values_each(v->rt, ti->cached_keys, values, visit_entry, v);
}

/* Where in OBJ (or, for a module, in its C state) the word TARGET is, as a label: "+0x48",
 * "module state +0x10"; or "(tp_traverse)" if it is held elsewhere (memory the object owns). */
static void agent_label(struct visit *v, uint64_t obj, const struct pl_typeinfo *ti, uint64_t target,
			char *label, size_t size)
{
	struct pl_target *t = v->rt->target;
	uint64_t word, n = ti->basicsize < (1u << 16) ? ti->basicsize / 8 : 0;
	for (uint64_t i = 2; i < n; i++)
		if (pl_target_u64(t, obj + 8 * i, &word) && word == target) {
			snprintf(label, size, "+0x%llx", (unsigned long long)(8 * i));
			return;
		}
	uint64_t state = 0;
	int64_t state_size = 0;
	if (ti->kind == PL_KIND_MODULE && module_state(v->rt, obj, &state, &state_size))
		for (int64_t off = 0; off + 8 <= state_size && off < MAX_MODULE_STATE; off += 8)
			if (pl_target_u64(t, state + (uint64_t)off, &word) && word == target) {
				snprintf(label, size, "module state +0x%llx", (unsigned long long)off);
				return;
			}
	snprintf(label, size, "(tp_traverse)");
}

/* The references the agent's call to OBJ's tp_traverse recorded that no decoder emitted: exact
 * where the read-only path would scan conservatively. Counted as a multiset: a target the
 * decoders emitted twice covers two of the agent's visits to it, no more. */
static void agent_refs(struct visit *v, uint64_t obj, const struct pl_typeinfo *ti,
		       const uint64_t *edges, size_t n)
{
	pl_sort(v->emitted, v->nemitted, sizeof(*v->emitted), pl_u64_cmp);
	bool dedupe = v->agent;
	v->agent = false;
	uint8_t *used = dedupe && v->nemitted ? calloc(v->nemitted, 1) : NULL;
	for (size_t i = 0; i < n && !v->stopped; i++) {
		if (used) {
			size_t k = lower_bound(v->emitted, v->nemitted, edges[i]);
			while (k < v->nemitted && v->emitted[k] == edges[i] && used[k])
				k++;
			if (k < v->nemitted && v->emitted[k] == edges[i]) {
				used[k] = 1;
				continue;
			}
		}
		char label[LABEL_MAX] = "";
		if (v->labels)
			agent_label(v, obj, ti, edges[i], label, sizeof(label));
		emit(v, edges[i], label, PL_REF_STRONG);
	}
	free(used);
}

struct pl_error *pl_refs_typeinfo(struct pl_refs *r, uint64_t obj, const struct pl_typeinfo **ret,
				  uint64_t *type_ret)
{
	uint64_t type;
	if (!pl_target_u64(r->rt->target, obj + (uint64_t)r->rt->layout.object_type, &type))
		return pl_error_fault(obj, "object header");
	if (type_ret)
		*type_ret = type;
	return pl_types_get(r->types, type, ret);
}

struct pl_error *pl_refs_each(struct pl_refs *r, uint64_t obj, bool labels, pl_ref_fn *fn,
			      void *arg)
{
	struct pl_runtime *rt = r->rt;
	uint64_t type;
	const struct pl_typeinfo *ti;
	struct pl_error *err = pl_refs_typeinfo(r, obj, &ti, &type);
	if (err)
		return err;
	size_t nagent = 0;
	const uint64_t *agent = r->agent ? pl_agent_edges_of(r->agent, obj, &nagent) : NULL;
	/* in-process, what tp_traverse visited is exact; the words it does not visit stay guesses
	 * (a module's state or a C struct may hold objects its traverse leaves out) */
	struct visit v = { .r = r, .rt = rt, .fn = fn, .arg = arg, .labels = labels, .agent = agent != NULL,
			   .traversed = agent, .ntraversed = nagent };
	if (ti->holds_type)
		emit(&v, type, "__class__", PL_REF_STRONG);
	if (!v.stopped)
		err = kind_refs(&v, obj, ti);
	/* a broken part ends that part only: the object's other references still count */
	if (!v.stopped)
		member_refs(&v, obj, ti);
	if (!v.stopped)
		conservative_refs(&v, obj, ti);
	if (!v.stopped && ti->own_dict) {
		struct pl_error *more = attribute_refs(&v, obj, ti);
		if (!err)
			err = more;
		else
			pl_error_destroy(more);
	}
	if (!v.stopped && agent)
		agent_refs(&v, obj, ti, agent, nagent);
	free(v.emitted);
	free(v.traversed_sorted);
	return err;
}

struct pl_error *pl_refs_frame_each(struct pl_refs *r, uint64_t frame, bool labels,
				    pl_ref_fn *fn, void *arg)
{
	struct pl_runtime *rt = r->rt;
	const struct pl_layout *l = &rt->layout;
	struct visit v = { .r = r, .rt = rt, .fn = fn, .arg = arg, .labels = labels };
	struct pl_frame f;
	struct pl_error *err = pl_frame_read(rt, frame, true, &f);
	if (err)
		return err;
	if (f.owner == PL_FRAME_OWNED_BY_GENERATOR && l->gen_iframe >= 0) {
		emit(&v, frame - (uint64_t)l->gen_iframe, "running generator", PL_REF_STRONG);
		return NULL;
	}
	if (f.owner == PL_FRAME_OWNED_BY_FRAME_OBJECT && l->frameobj_frame_data >= 0) {
		emit(&v, frame - (uint64_t)l->frameobj_frame_data, "frame object", PL_REF_STRONG);
		return NULL;
	}
	if (f.owner >= PL_FRAME_OWNED_BY_C)
		return NULL;
	return frame_contents(&v, &f);
}

struct attr_find {
	char want[LABEL_MAX];
	uint64_t value;
};

static bool attr_visit(void *arg, uint64_t target, const char *label, enum pl_ref_kind kind)
{
	struct attr_find *a = arg;
	if (kind == PL_REF_STRONG && strcmp(label, a->want) == 0) {
		a->value = target;
		return false;
	}
	return true;
}

uint64_t pl_refs_attribute(struct pl_refs *r, uint64_t obj, const char *name)
{
	struct attr_find a = { .value = 0 };
	snprintf(a.want, sizeof(a.want), ".%s", name);
	pl_error_destroy(pl_refs_each(r, obj, true, attr_visit, &a));
	if (a.value)
		return a.value;
	/* a dict of its own: look the name up there */
	snprintf(a.want, sizeof(a.want), "__dict__");
	pl_error_destroy(pl_refs_each(r, obj, true, attr_visit, &a));
	uint64_t dict = a.value, value = 0;
	if (dict)
		pl_error_destroy(pl_py_dict_get_str(r->rt, dict, name, &value));
	return value;
}
