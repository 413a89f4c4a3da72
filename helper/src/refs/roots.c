/* SPDX-License-Identifier: MIT */
/* roots.c - finding the virtual roots of a heap (see roots.h): interpreters from the heap walk,
 * threads from each interpreter's thread list, frames from each thread's stack, static types
 * from the types of tracked objects, their bases and the values of module dicts. Lists come
 * from the target: every walk is capped and a thread whose stack cannot be followed ends with
 * a warning, not an error. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr_set.h"
#include "base/internal.h"
#include "base/strbuf.h"
#include "refs/frames.h"
#include "refs/roots.h"
#include "runtime/pyread.h"

enum { MAX_THREADS = 1 << 16, MAX_FRAMES = 1 << 17, MAX_STATIC_TYPES = 1 << 16, MAX_BASES = 64 };


static const char *const root_kind_names[] = {
	[PL_ROOT_MODULE] = "module",	     [PL_ROOT_THREAD] = "thread",
	[PL_ROOT_INTERPRETER] = "interpreter", [PL_ROOT_TYPE] = "type",
	[PL_ROOT_HELD_FROM_C] = "held-from-c", [PL_ROOT_UNREACHED] = "unreached",
};

const char *pl_root_kind_name(enum pl_root_kind kind)
{
	return (size_t)kind < PL_ARRAY_SIZE(root_kind_names) ? root_kind_names[kind] : "?";
}

void pl_roots_destroy(struct pl_roots *roots)
{
	if (!roots)
		return;
	free(roots->v);
	free(roots->names);
	free(roots->warnings);
	free(roots);
}

struct collect {
	struct pl_refs *r;
	const struct pl_heap *h;
	struct pl_roots *roots;
	size_t cap;
	struct pl_addr_set types;  /* static types seen */
	const uint64_t *modules;   /* modules counted but not in the heap's table */
	size_t nmodules;
	bool failed;
};

static void add_root(struct collect *c, const struct pl_root *root)
{
	if (c->roots->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct pl_root *v = realloc(c->roots->v, cap * sizeof(*v));
		if (!v) {
			c->failed = true;
			return;
		}
		c->roots->v = v;
		c->cap = cap;
	}
	c->roots->v[c->roots->n++] = *root;
}

/* The frame a thread is running: a PyFrameObject before 3.11, a _PyInterpreterFrame after. */
static uint64_t running_frame(struct pl_runtime *rt, uint64_t tstate)
{
	const struct pl_layout *l = &rt->layout;
	if (l->tstate_frame >= 0)
		return pl_runtime_field(rt, tstate, l->tstate_frame);
	if (l->tstate_current_frame >= 0)
		return pl_runtime_field(rt, tstate, l->tstate_current_frame);
	uint64_t cframe = pl_runtime_field(rt, tstate, l->tstate_cframe);
	return cframe ? pl_runtime_field(rt, cframe, l->cframe_current_frame) : 0;
}

/* One root for the thread state and one for each frame on its stack. */
static void collect_thread(struct collect *c, struct pl_strbuf *warn, uint64_t interp,
			   uint64_t tstate)
{
	struct pl_runtime *rt = c->r->rt;
	add_root(c, &(struct pl_root){ .kind = PL_ROOT_THREAD, .interp = interp, .tstate = tstate });
	uint64_t frame = running_frame(rt, tstate);
	uint32_t depth = 0;
	for (; frame && depth < MAX_FRAMES && !c->failed; depth++) {
		struct pl_frame f;
		struct pl_error *err = pl_frame_read(rt, frame, true, &f);
		if (err) {
			pl_strbuf_printf(warn, "thread state 0x%" PRIx64 ": frame %u cannot be read (%s); "
					       "its stack is cut there\n", tstate, depth, err->message);
			pl_error_destroy(err);
			return;
		}
		if (f.owner < PL_FRAME_OWNED_BY_C)
			add_root(c, &(struct pl_root){ .kind = PL_ROOT_THREAD, .interp = interp,
						       .tstate = tstate, .frame = frame,
						       .depth = depth });
		frame = f.previous;
	}
	if (frame)
		pl_strbuf_printf(warn, "thread state 0x%" PRIx64 ": more than %d frames; the rest "
				       "are left out\n", tstate, MAX_FRAMES);
}

static void collect_threads(struct collect *c, struct pl_strbuf *warn, uint64_t interp)
{
	struct pl_runtime *rt = c->r->rt;
	const struct pl_layout *l = &rt->layout;
	uint64_t tstate = pl_runtime_field(rt, interp, l->interp_threads_head >= 0 ? l->interp_threads_head
									  : l->interp_tstate_head);
	size_t n = 0;
	for (; tstate && n < MAX_THREADS && !c->failed; n++) {
		collect_thread(c, warn, interp, tstate);
		tstate = pl_runtime_field(rt, tstate, l->tstate_next);
	}
	if (tstate)
		pl_strbuf_printf(warn, "interpreter 0x%" PRIx64 ": more than %d threads (a broken "
				       "list?); the rest are left out\n", interp, MAX_THREADS);
}

/* Add TYPE to the static types if it is one and is new. */
static void note_static_type(struct collect *c, uint64_t type)
{
	struct pl_runtime *rt = c->r->rt;
	uint64_t flags, meta;
	if (!type || c->types.n >= MAX_STATIC_TYPES ||
	    !pl_target_u64(rt->target, type + (uint64_t)rt->layout.type_flags, &flags) ||
	    (flags & PL_TPFLAGS_HEAPTYPE) ||
	    !pl_target_u64(rt->target, type + (uint64_t)rt->layout.object_type, &meta) ||
	    !meta)
		return;
	int added = pl_addr_set_add(&c->types, type);
	if (added <= 0) {
		c->failed |= added < 0;
		return;
	}
	add_root(c, &(struct pl_root){ .kind = PL_ROOT_TYPE, .type = type });
	/* its bases are static too */
	uint64_t base = type;
	for (int i = 0; i < MAX_BASES && (base = pl_runtime_field(rt, base, rt->layout.type_base)); i++)
		note_static_type(c, base);
}

/* Types named in a module's dict: a module is where a C type is reachable from. */
static bool module_value(void *arg, uint64_t key, uint64_t value)
{
	(void)key;
	struct collect *c = arg;
	struct pl_runtime *rt = c->r->rt;
	uint64_t type, flags;
	if (pl_target_u64(rt->target, value + (uint64_t)rt->layout.object_type, &type) &&
	    pl_target_u64(rt->target, type + (uint64_t)rt->layout.type_flags, &flags) &&
	    (flags & PL_TPFLAGS_TYPE_SUBCLASS))
		note_static_type(c, value);
	return !c->failed;
}

/* Every type readied in the process, static or not, is a subclass of object: walk the
 * subclasses of every type found (breadth-first, each once), noting the static ones. A
 * static type without instances and out of every module is still a root: it holds its
 * dict. */
struct subclass_walk {
	struct collect *c;
	uint64_t *queue;
	size_t n, cap, head;
	struct pl_addr_set seen;  /* the types queued */
};

static void walk_queue(struct subclass_walk *w, uint64_t type)
{
	if (!type || w->c->failed || w->n >= MAX_STATIC_TYPES * 4)
		return;
	int added = pl_addr_set_add(&w->seen, type);
	if (added <= 0) {
		w->c->failed |= added < 0;
		return;
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1024;
		uint64_t *queue = realloc(w->queue, cap * sizeof(*queue));
		if (!queue) {
			w->c->failed = true;
			return;
		}
		w->queue = queue;
		w->cap = cap;
	}
	w->queue[w->n++] = type;
}

static bool subclass_value(void *arg, uint64_t key, uint64_t value)
{
	(void)key;
	struct subclass_walk *w = arg;
	struct pl_runtime *rt = w->c->r->rt;
	walk_queue(w, pl_runtime_field(rt, value, rt->layout.weakref_object));
	return !w->c->failed;
}

static void collect_subclasses(struct collect *c)
{
	struct pl_runtime *rt = c->r->rt;
	struct subclass_walk w = { .c = c };
	walk_queue(&w, rt->types[PL_T_OBJECT]);
	while (w.head < w.n && !c->failed) {
		uint64_t type = w.queue[w.head++], dict = pl_refs_subclasses(c->r, type);
		note_static_type(c, type);
		if (dict && rt->layout.version_hex < 0x03000000) { /* 2.7: a list of weak references */
			uint64_t *refs = NULL;
			size_t n = 0;
			struct pl_error *err = pl_py_list_items(rt, dict, &refs, &n);
			for (size_t i = 0; !err && i < n && subclass_value(&w, 0, refs[i]); i++)
				;
			pl_error_destroy(err);
			free(refs);
		} else if (dict) {
			pl_error_destroy(pl_py_dict_each(rt, dict, subclass_value, &w));
		}
	}
	free(w.queue);
	pl_addr_set_free(&w.seen);
}

static void collect_static_types(struct collect *c)
{
	struct pl_runtime *rt = c->r->rt;
	const struct pl_heap *h = c->h;
	for (size_t i = 0; i < h->ntypes && !c->failed; i++) {
		note_static_type(c, h->types[i].addr);
		/* the static bases of heap types */
		uint64_t mro = pl_runtime_field(rt, h->types[i].addr, rt->layout.type_mro), n = 0;
		if (mro && pl_target_u64(rt->target, mro + (uint64_t)rt->layout.varobject_size, &n))
			for (uint64_t k = 0; k < n && k < 256; k++)
				note_static_type(c, pl_runtime_field(rt, mro, rt->layout.tuple_items + 8 * (int64_t)k));
	}
	collect_subclasses(c);
	for (size_t i = 0; i < h->nobjects + c->nmodules && !c->failed; i++) {
		if (i < h->nobjects && h->types[h->objects[i].type].addr != rt->types[PL_T_MODULE])
			continue;
		uint64_t module = i < h->nobjects ? h->objects[i].addr : c->modules[i - h->nobjects];
		uint64_t dict = pl_runtime_field(rt, module, rt->layout.module_dict);
		if (dict)
			pl_error_destroy(pl_py_dict_each(rt, dict, module_value, c));
	}
}

/* The modules dict of INTERP (sys.modules). */
static uint64_t modules_of(struct pl_runtime *rt, uint64_t interp)
{
	const struct pl_layout *l = &rt->layout;
	return pl_runtime_field(rt, interp, l->interp_modules >= 0 ? l->interp_modules
							   : l->interp_imports_modules);
}

struct names_acc {
	struct pl_refs *r;
	struct pl_roots *roots;
	uint64_t interp;
	size_t cap;
};

static bool thread_entry(void *arg, uint64_t key, uint64_t value)
{
	struct names_acc *a = arg;
	struct pl_roots *roots = a->roots;
	int64_t ident;
	if (!pl_py_int(a->r->rt, key, &ident))
		return true;
	if (roots->nnames == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct pl_thread_name *n = realloc(roots->names, cap * sizeof(*n));
		if (!n)
			return false;
		roots->names = n;
		a->cap = cap;
	}
	struct pl_thread_name *t = &roots->names[roots->nnames++];
	t->interp = a->interp;
	t->ident = (uint64_t)ident;
	uint64_t name = pl_refs_attribute(a->r, value, "_name");
	if (!name && a->r->rt->layout.version_hex < 0x03000000) /* 2.7's Thread: self.__name */
		name = pl_refs_attribute(a->r, value, "_Thread__name");
	pl_py_str_or(a->r->rt, name, t->name, sizeof(t->name), "");
	return roots->nnames < MAX_THREADS;
}

/* Thread names from threading._active ({ident: Thread}) of each interpreter. */
static void collect_thread_names(struct pl_refs *r, const struct pl_heap *h, struct pl_roots *roots)
{
	struct names_acc a = { .r = r, .roots = roots };
	for (size_t i = 0; i < h->ninterpreters; i++) {
		uint64_t modules = modules_of(r->rt, h->interps[i]), threading = 0, active = 0;
		if (!modules || pl_py_dict_get_str(r->rt, modules, "threading", &threading) || !threading)
			continue;
		uint64_t dict = pl_runtime_field(r->rt, threading, r->rt->layout.module_dict);
		if (!dict || pl_py_dict_get_str(r->rt, dict, "_active", &active) || !active)
			continue;
		a.interp = h->interps[i];
		pl_error_destroy(pl_py_dict_each(r->rt, active, thread_entry, &a));
	}
}

struct pl_error *pl_roots_create(struct pl_refs *r, const struct pl_heap *h,
				 const uint64_t *modules, size_t nmodules, struct pl_roots **ret)
{
	struct pl_roots *roots = calloc(1, sizeof(*roots));
	if (!roots)
		return &pl_enomem;
	struct collect c = { .r = r, .h = h, .roots = roots, .modules = modules, .nmodules = nmodules };
	struct pl_strbuf warn;
	pl_strbuf_init(&warn);
	for (size_t i = 0; i < h->ninterpreters && !c.failed; i++) {
		add_root(&c, &(struct pl_root){ .kind = PL_ROOT_INTERPRETER, .interp = h->interps[i] });
		collect_threads(&c, &warn, h->interps[i]);
	}
	collect_static_types(&c);
	pl_addr_set_free(&c.types);
	collect_thread_names(r, h, roots);
	roots->warnings = warn.len ? pl_strbuf_finish(&warn, NULL) : NULL;
	pl_strbuf_deinit(&warn);
	if (c.failed) {
		pl_roots_destroy(roots);
		return &pl_enomem;
	}
	*ret = roots;
	return NULL;
}

/* The fields of a thread state that hold objects. */
static void thread_state_refs(struct pl_runtime *rt, uint64_t tstate, bool labels, pl_ref_fn *fn,
			      void *arg)
{
	const struct pl_layout *l = &rt->layout;
	const struct {
		int64_t off;
		const char *label;
	} f[] = {
		{ l->tstate_dict, "thread dict" },
		{ l->tstate_context, "contextvars context" },
		{ l->tstate_async_exc, "async exception" },
		{ l->tstate_curexc_value, "exception being raised" },
		{ l->tstate_curexc_traceback, "its traceback" },
		{ l->tstate_current_exception, "exception being raised" },
		{ l->tstate_exc_value, "exception being handled" },
		{ l->tstate_exc_traceback, "its traceback" },
		{ l->tstate_exc_state_value, "exception being handled" },
		{ l->tstate_exc_state_traceback, "its traceback" },
	};
	for (size_t i = 0; i < PL_ARRAY_SIZE(f); i++) {
		uint64_t p = pl_runtime_field(rt, tstate, f[i].off);
		if (p && !fn(arg, p, labels ? f[i].label : "", PL_REF_STRONG))
			return;
	}
}

static void interpreter_refs(struct pl_runtime *rt, uint64_t interp, bool labels, pl_ref_fn *fn,
			     void *arg)
{
	const struct pl_layout *l = &rt->layout;
	struct pl_gc_where g = { 0 };
	pl_error_destroy(pl_runtime_gc_where(rt, interp, &g));
	const struct {
		uint64_t at;
		const char *label;
	} f[] = {
		{ l->interp_modules >= 0 ? interp + (uint64_t)l->interp_modules : 0, "sys.modules" },
		{ l->interp_imports_modules >= 0 ? interp + (uint64_t)l->interp_imports_modules : 0,
		  "sys.modules" },
		{ interp + (uint64_t)l->interp_sysdict, "sys.__dict__" },
		{ interp + (uint64_t)l->interp_builtins, "builtins.__dict__" },
		{ l->interp_importlib >= 0 ? interp + (uint64_t)l->interp_importlib : 0, "importlib" },
		{ l->interp_imports_importlib >= 0 ? interp + (uint64_t)l->interp_imports_importlib : 0,
		  "importlib" },
		{ l->interp_dict >= 0 ? interp + (uint64_t)l->interp_dict : 0, "interpreter dict" },
		{ l->interp_builtins_copy >= 0 ? interp + (uint64_t)l->interp_builtins_copy : 0,
		  "builtins copy" },
		{ l->interp_codec_search_path >= 0 ? interp + (uint64_t)l->interp_codec_search_path : 0,
		  "codec search path" },
		{ l->interp_codecs_search_path >= 0 ? interp + (uint64_t)l->interp_codecs_search_path : 0,
		  "codec search path" },
		{ g.garbage, "gc.garbage" },
		{ g.callbacks, "gc.callbacks" },
	};
	for (size_t i = 0; i < PL_ARRAY_SIZE(f); i++) {
		uint64_t p = 0;
		if (f[i].at && pl_target_u64(rt->target, f[i].at, &p) && p &&
		    !fn(arg, p, labels ? f[i].label : "", PL_REF_STRONG))
			return;
	}
}

struct pl_error *pl_roots_each_ref(struct pl_refs *r, const struct pl_root *root, bool labels,
				   pl_ref_fn *fn, void *arg)
{
	switch (root->kind) {
	case PL_ROOT_THREAD:
		if (root->frame)
			return pl_refs_frame_each(r, root->frame, labels, fn, arg);
		thread_state_refs(r->rt, root->tstate, labels, fn, arg);
		return NULL;
	case PL_ROOT_INTERPRETER:
		interpreter_refs(r->rt, root->interp, labels, fn, arg);
		return NULL;
	case PL_ROOT_TYPE:
		return pl_refs_each(r, root->type, labels, fn, arg);
	default:
		return NULL;
	}
}

void pl_module_name(struct pl_runtime *rt, uint64_t module, char *buf, size_t max)
{
	uint64_t name = pl_runtime_field(rt, module, rt->layout.module_name);
	uint64_t dict = pl_runtime_field(rt, module, rt->layout.module_dict);
	if (rt->layout.module_name < 0 && dict) /* 2.7: only its dict's __name__ says */
		pl_error_destroy(pl_py_dict_get_str(rt, dict, "__name__", &name));
	pl_py_str_or(rt, name, buf, max, "?");
}

void pl_root_thread_info(struct pl_refs *r, const struct pl_roots *roots,
			 const struct pl_root *root, struct pl_root_thread *ret)
{
	struct pl_runtime *rt = r->rt;
	const struct pl_layout *l = &rt->layout;
	memset(ret, 0, sizeof(*ret));
	ret->ident = pl_runtime_field(rt, root->tstate, l->tstate_thread_id);
	ret->native_id = pl_runtime_field(rt, root->tstate, l->tstate_native_thread_id);
	for (size_t i = 0; i < roots->nnames; i++)
		if (roots->names[i].interp == root->interp && roots->names[i].ident == ret->ident)
			snprintf(ret->name, sizeof(ret->name), "%s", roots->names[i].name);
	ret->main = rt->runtime_addr && ret->ident &&
		    pl_runtime_field(rt, rt->runtime_addr, l->runtime_main_thread) == ret->ident;
	struct pl_frame f;
	if (!root->frame)
		return;
	struct pl_error *err = pl_frame_read(rt, root->frame, true, &f);
	if (err) {
		pl_error_destroy(err);
		snprintf(ret->function, sizeof(ret->function), "?");
		return;
	}
	pl_frame_where(rt, &f, ret->function, sizeof(ret->function), ret->file, sizeof(ret->file),
		       &ret->line);
}

void pl_root_describe(struct pl_refs *r, const struct pl_roots *roots, const struct pl_root *root,
		      char *name, size_t name_max, char *where, size_t where_max)
{
	struct pl_runtime *rt = r->rt;
	where[0] = '\0';
	switch (root->kind) {
	case PL_ROOT_THREAD: {
		struct pl_root_thread t;
		pl_root_thread_info(r, roots, root, &t);
		char native[48] = "";
		if (t.native_id)
			snprintf(native, sizeof(native), ", native %" PRIu64, t.native_id);
		snprintf(name, name_max, "%sthread%s%s%s (ident 0x%" PRIx64 "%s)",
			 t.main && !t.name[0] ? "main " : "", t.name[0] ? " '" : "", t.name,
			 t.name[0] ? "'" : "", t.ident, native);
		if (root->frame)
			snprintf(where, where_max, "%s() at %s:%d", t.function, t.file, t.line);
		return;
	}
	case PL_ROOT_INTERPRETER: {
		int64_t id = -1;
		if (rt->layout.interp_id >= 0)
			pl_target_read_ok(rt->target, root->interp + (uint64_t)rt->layout.interp_id, &id, 8);
		if (id >= 0)
			snprintf(name, name_max, "interpreter %lld", (long long)id);
		else
			snprintf(name, name_max, "interpreter at 0x%" PRIx64, root->interp);
		return;
	}
	case PL_ROOT_TYPE: {
		char tp[PL_MAX_TYPE_NAME] = "?";
		uint64_t p = pl_runtime_field(rt, root->type, rt->layout.type_name);
		if (p)
			pl_error_destroy(pl_target_read_cstr(rt->target, p, tp, sizeof(tp), NULL));
		snprintf(name, name_max, "type %s", tp);
		return;
	}
	default:
		snprintf(name, name_max, "%s", pl_root_kind_name(root->kind));
		return;
	}
}
