/* SPDX-License-Identifier: MIT */
/* heap.c - walking the GC lists of every interpreter into the object and type tables.
 * Lists come from the target and are not trusted: every step checks the back link (which also
 * catches cycles that skip the list head) and the walk is capped by the target's memory size. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr_set.h"
#include "base/internal.h"
#include "base/strbuf.h"
#include "heap/heap.h"
#include "heap/salvage.h"
#include "runtime/pyread.h"

enum { PROGRESS_EVERY = 1 << 20 };

struct walk {
	struct pl_runtime *rt;
	struct pl_target *t;
	const struct pl_layout *l;
	struct pl_heap *h;
	pl_progress_fn *progress;
	void *progress_arg;
	uint64_t max_steps;
	bool strict;             /* check back links even while a collection runs */
	bool bare;               /* the lists are not walked (the in-process census counts them) */
	struct pl_strbuf warnings;
};

void pl_heap_destroy(struct pl_heap *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->ntypes; i++)
		free(h->types[i].name);
	free(h->types);
	free(h->type_index);
	free(h->object_index);
	free(h->objects);
	free(h->garbage);
	free(h->interps);
	free(h->warnings);
	free(h);
}

static struct pl_error *type_index_grow(struct pl_heap *h)
{
	size_t cap = h->type_index_cap ? h->type_index_cap * 2 : 1024;
	uint32_t *idx = pl_addr_index(h->types, sizeof(*h->types), h->ntypes, cap);
	if (!idx)
		return &pl_enomem;
	free(h->type_index);
	h->type_index = idx;
	h->type_index_cap = cap;
	return NULL;
}

/* Index of the type at ADDR in the type table, adding it on first sight; -1 if out of memory.
 * A type that cannot be read, or is not a type, is kept with its address for a name. */
static long type_index(struct pl_heap *h, struct pl_runtime *rt, uint64_t addr)
{
	long known = pl_heap_type_at(h, addr);
	if (known >= 0)
		return known;
	if (h->ntypes * 2 >= h->type_index_cap && type_index_grow(h))
		return -1;
	size_t s = pl_addr_hash(addr, h->type_index_cap);
	while (h->type_index[s])
		s = (s + 1) & (h->type_index_cap - 1);
	if (h->ntypes == h->types_cap) {
		size_t cap = h->types_cap ? h->types_cap * 2 : 256;
		struct pl_type *n = realloc(h->types, cap * sizeof(*n));
		if (!n)
			return -1;
		h->types = n;
		h->types_cap = cap;
	}
	struct pl_type *ty = &h->types[h->ntypes];
	memset(ty, 0, sizeof(*ty));
	ty->addr = addr;
	struct pl_size_type *z = &ty->sizing;
	const struct pl_layout *l = &rt->layout;
	uint64_t meta = 0, meta_flags = 0;
	bool ok = pl_target_u64(rt->target, addr + (uint64_t)l->object_type, &meta) &&
		  pl_target_u64(rt->target, meta + (uint64_t)l->type_flags, &meta_flags) &&
		  (meta_flags & PL_TPFLAGS_TYPE_SUBCLASS) && /* it is a type */
		  pl_target_u64(rt->target, addr + (uint64_t)l->type_flags, &z->flags) &&
		  pl_target_u64(rt->target, addr + (uint64_t)l->type_basicsize, &z->basicsize) &&
		  pl_target_u64(rt->target, addr + (uint64_t)l->type_itemsize, &z->itemsize) &&
		  z->basicsize < (1u << 24) && z->itemsize < (1u << 16);
	if (ok) {
		ty->name = pl_py_type_name(rt, addr, z->flags);
		z->kind = pl_rules_size_kind(&rt->rules, addr);
	} else if (asprintf(&ty->name, "<invalid type 0x%llx>", (unsigned long long)addr) < 0) {
		ty->name = NULL;
	}
	if (!ok)
		*z = (struct pl_size_type){ .kind = PL_SIZE_PLAIN };
	if (!ty->name)
		return -1;
	ty->valid = ok;
	h->type_index[s] = (uint32_t)h->ntypes + 1;
	return (long)h->ntypes++;
}

struct pl_error *pl_heap_reserve(struct pl_heap *h, uint64_t n)
{
	if (n >= UINT32_MAX / 2)
		return pl_error_create(PL_ERR_LIMIT, "more than %u objects", UINT32_MAX / 2 - 1);
	if (h->nobjects + n <= h->objects_cap)
		return NULL;
	size_t cap = h->nobjects + (size_t)n + 1;
	struct pl_object *more = realloc(h->objects, cap * sizeof(*more));
	if (!more)
		return &pl_enomem;
	pl_prefault(more + h->objects_cap, (cap - h->objects_cap) * sizeof(*more));
	h->objects = more;
	h->objects_cap = cap;
	return NULL;
}

/* Room for one more object in the table. */
static struct pl_error *objects_reserve(struct pl_heap *h)
{
	if (h->nobjects < h->objects_cap)
		return NULL;
	size_t cap = h->objects_cap ? h->objects_cap * 2 : 1 << 16;
	struct pl_object *n = realloc(h->objects, cap * sizeof(*n));
	if (!n)
		return &pl_enomem;
	h->objects = n;
	h->objects_cap = cap;
	return NULL;
}

/* sys.getsizeof of OBJ, of type TY; never more than the target's memory (a broken object
 * would claim anything). */
static uint64_t size_of(const struct pl_heap *h, struct pl_runtime *rt, const struct pl_type *ty,
			uint64_t obj)
{
	uint64_t size = pl_rules_size_of(&rt->rules, &ty->sizing, obj);
	return size < h->memory_size ? size : h->memory_size;
}

/* Count N objects of type TY, SIZE bytes together, of generation GEN (PL_GEN_UNTRACKED: ones
 * the collector does not track) in their type and generation. */
static void count_in(struct pl_heap *h, struct pl_type *ty, int gen, uint64_t n, uint64_t size)
{
	if (gen == PL_GEN_UNTRACKED) {
		ty->ucount += n;
		ty->usize += size;
		h->untracked_size += size;
		return;
	}
	ty->count += n;
	ty->size += size;
	h->gen_count[gen] += n;
	h->gen_size[gen] += size;
	h->total_size += size;
}

/* Append the object at ADDR, of type TI, SIZE bytes, of generation GEN to the table, and count
 * it in its type and generation. */
static struct pl_error *count_object(struct pl_heap *h, long ti, uint64_t addr, uint64_t size,
				     int gen)
{
	if (ti < 0 || objects_reserve(h))
		return &pl_enomem;
	h->objects[h->nobjects++] = (struct pl_object){ addr, size, (uint32_t)ti, (uint8_t)gen };
	count_in(h, &h->types[ti], gen, 1, size);
	return NULL;
}

static struct pl_error *add_object(struct walk *w, uint64_t obj, uint64_t type_addr, int gen)
{
	struct pl_heap *h = w->h;
	long ti = type_index(h, w->rt, type_addr);
	if (ti < 0)
		return &pl_enomem;
	if (count_object(h, ti, obj, size_of(h, w->rt, &h->types[ti], obj), gen))
		return &pl_enomem;
	if (w->progress && h->nobjects % PROGRESS_EVERY == 0 &&
	    w->progress(w->progress_arg, h->nobjects, gen))
		return pl_error_create(PL_ERR_INTERRUPTED, "interrupted");
	return NULL;
}

static const char *gen_name(int gen)
{
	static const char *names[] = { "generation 0", "generation 1", "generation 2",
				       "the permanent generation" };
	return names[gen];
}

/* Add the object whose GC head is at G; GC holds the first 32 bytes read from G (GC head and,
 * usually, the object header after it). */
static struct pl_error *add_gc_object(struct walk *w, uint64_t g, const uint64_t gc[4], int gen)
{
	const struct pl_layout *l = w->l;
	uint64_t gch = (uint64_t)l->size_gc_head, obj = g + gch;
	uint64_t type_addr, type_at = gch + (uint64_t)l->object_type;
	if (type_at + 8 <= 4 * sizeof(gc[0]) && type_at % 8 == 0)
		type_addr = gc[type_at / 8];
	else if (!pl_target_u64(w->t, obj + (uint64_t)l->object_type, &type_addr))
		type_addr = 0;
	return add_object(w, obj, type_addr, gen);
}

/* After the forward walk of a list broke past LAST (the last good node), walk it backwards from
 * HEAD through the prev links, checking each next link, until LAST: this recovers the objects
 * behind the break when only one link is damaged. */
static struct pl_error *walk_back(struct walk *w, uint64_t head, uint64_t last, uint64_t budget,
				  int gen, size_t interp)
{
	uint64_t mask = w->l->gc_next_mask, after = head, link[2], recovered = 0;
	if (!pl_target_read_ok(w->t, head, link, sizeof(link)))
		return NULL;
	uint64_t g = link[1] & mask;
	const char *why = NULL;
	for (uint64_t steps = 0; g != last; steps++) {
		uint64_t gc[4];
		if (g == head || steps >= budget) {
			why = "it loops";
			break;
		}
		if (!pl_target_read_ok(w->t, g, gc, sizeof(gc))) {
			why = "an object cannot be read";
			break;
		}
		if ((gc[0] & mask) != after) {
			why = "a next link does not match";
			break;
		}
		struct pl_error *err = add_gc_object(w, g, gc, gen);
		if (err)
			return err;
		recovered++;
		after = g;
		g = gc[1] & mask;
	}
	pl_strbuf_printf(&w->warnings,
			 "interpreter %zu: %s: %llu objects recovered by walking back from its "
			 "head%s%s\n", interp, gen_name(gen), (unsigned long long)recovered,
			 why ? "; stopped there too: " : " (only the broken link is lost)",
			 why ? why : "");
	return NULL;
}

/* Walk one circular GC list whose head (a bare PyGC_Head) is at HEAD. */
static struct pl_error *walk_list(struct walk *w, uint64_t head, int gen, size_t interp)
{
	const struct pl_layout *l = w->l;
	uint64_t mask = l->gc_next_mask, gch = (uint64_t)l->size_gc_head;
	uint64_t link[2];
	if (!pl_target_read_ok(w->t, head, link, sizeof(link))) {
		pl_strbuf_printf(&w->warnings, "interpreter %zu: cannot read the head of %s at 0x%llx\n",
				 interp, gen_name(gen), (unsigned long long)head);
		return NULL;
	}
	uint64_t prev = head, g = link[0] & mask, steps;
	bool broken = false;
	for (steps = 0; g != head; steps++) {
		if (steps >= w->max_steps) {
			pl_strbuf_printf(&w->warnings,
					 "interpreter %zu: %s is longer than the target's memory "
					 "allows; stopped after %llu objects\n",
					 interp, gen_name(gen), (unsigned long long)steps);
			return NULL;
		}
		uint64_t gc[4];
		if (!pl_target_read_ok(w->t, g, gc, sizeof(gc))) {
			pl_strbuf_printf(&w->warnings,
					 "interpreter %zu: %s broken: cannot read object at 0x%llx "
					 "after %llu objects\n", interp, gen_name(gen),
					 (unsigned long long)(g + gch), (unsigned long long)steps);
			broken = true;
			break;
		}
		if ((!w->h->collecting || w->strict) && (gc[1] & mask) != prev) {
			pl_strbuf_printf(&w->warnings,
					 "interpreter %zu: %s broken at 0x%llx: back link does not "
					 "match (after %llu objects)\n", interp, gen_name(gen),
					 (unsigned long long)g, (unsigned long long)steps);
			broken = true;
			break;
		}
		struct pl_error *err = add_gc_object(w, g, gc, gen);
		if (err)
			return err;
		prev = g;
		g = gc[0] & mask;
	}
	/* prev links hold reference counts while a collection runs: no way back then */
	if (broken && (!w->h->collecting || w->strict))
		return walk_back(w, head, prev, w->max_steps - steps, gen, interp);
	return NULL;
}

/* Read gc.garbage, the list whose address is in the word at WHERE. */
static struct pl_error *read_garbage(struct walk *w, uint64_t where, size_t interp)
{
	uint64_t list;
	if (!where || !pl_target_u64(w->t, where, &list)) {
		w->h->garbage_unknown = true;
		return NULL;
	}
	if (list == 0)
		return NULL;
	uint64_t *items;
	size_t n;
	struct pl_error *err = pl_py_list_items(w->rt, list, &items, &n);
	if (err) {
		pl_strbuf_printf(&w->warnings, "interpreter %zu: cannot read gc.garbage: %s\n", interp,
				 err->message);
		pl_error_destroy(err);
		w->h->garbage_unknown = true;
		return NULL;
	}
	struct pl_heap *h = w->h;
	if (!h->garbage_list)
		h->garbage_list = list;
	struct pl_garbage *g = realloc(h->garbage, (h->ngarbage + n + 1) * sizeof(*g));
	if (!g) {
		free(items);
		return &pl_enomem;
	}
	h->garbage = g;
	for (size_t i = 0; i < n; i++) {
		uint64_t type_addr = 0;
		pl_target_u64(w->t, items[i] + (uint64_t)w->l->object_type, &type_addr);
		long ti = type_index(h, w->rt, type_addr);
		if (ti < 0) {
			free(items);
			return &pl_enomem;
		}
		h->garbage[h->ngarbage++] = (struct pl_garbage){ items[i], (uint32_t)ti };
	}
	free(items);
	return NULL;
}

/* Read the collector's state (G: where it is) into h->gc. */
static void read_gc_state(struct walk *w, const struct pl_gc_where *g, int collecting)
{
	const struct pl_layout *l = w->l;
	struct pl_gc_state *s = &w->h->gc;
	int32_t v;
	s->collecting = collecting;
	s->enabled = g->enabled && pl_target_read_ok(w->t, g->enabled, &v, 4) ? v != 0 : -1;
	s->debug = g->debug && pl_target_read_ok(w->t, g->debug, &v, 4) ? v : -1;
	for (int i = 0; i < 3; i++) {
		uint64_t gen = g->gen0 + (uint64_t)i * (uint64_t)l->size_gc_generation;
		s->threshold[i] = s->count[i] = -1;
		if (l->generation_threshold >= 0 &&
		    pl_target_read_ok(w->t, gen + (uint64_t)l->generation_threshold, &v, 4))
			s->threshold[i] = v;
		if (l->generation_count >= 0 &&
		    pl_target_read_ok(w->t, gen + (uint64_t)l->generation_count, &v, 4))
			s->count[i] = v;
	}
}

/* Walk the lists of one GC state, then its gc.garbage. */
static struct pl_error *walk_gc(struct walk *w, uint64_t interp, size_t n)
{
	const struct pl_layout *l = w->l;
	struct pl_gc_where g;
	struct pl_error *err = pl_runtime_gc_where(w->rt, interp, &g);
	if (err)
		return err;
	int32_t collecting = 0;
	if (n == 0)
		read_gc_state(w, &g, g.collecting && pl_target_read_ok(w->t, g.collecting, &collecting, 4)
					     ? collecting != 0 : -1);
	if (g.collecting && pl_target_read_ok(w->t, g.collecting, &collecting, 4) && collecting) {
		w->h->collecting = 1;
		pl_strbuf_printf(&w->warnings, "interpreter %zu: a garbage collection was running "
					       "when the target stopped; counts may be incomplete\n", n);
	}
	for (int gen = 0; gen < 3 && !w->bare; gen++) {
		err = walk_list(w, g.gen0 + (uint64_t)gen * (uint64_t)l->size_gc_generation, gen, n);
		if (err)
			return err;
	}
	if (g.permanent && !w->bare && (err = walk_list(w, g.permanent, 3, n)))
		return err;
	return read_garbage(w, g.garbage, n);
}

/* Note the interpreter at INTERP in h->interps. */
static struct pl_error *add_interpreter(struct pl_heap *h, uint64_t interp)
{
	if ((h->ninterpreters & (h->ninterpreters - 1)) == 0) { /* 0, 1, 2, 4, ...: grow */
		uint64_t *more = realloc(h->interps, (h->ninterpreters ? 2 * h->ninterpreters : 1) *
							     sizeof(*more));
		if (!more)
			return &pl_enomem;
		h->interps = more;
	}
	h->interps[h->ninterpreters++] = interp;
	return NULL;
}

static struct pl_error *walk_interpreters(struct walk *w)
{
	const struct pl_layout *l = w->l;
	uint64_t interp;
	if (!pl_target_u64(w->t, w->rt->interp_head_addr, &interp))
		return pl_error_fault(w->rt->interp_head_addr, "the interpreter list head");
	if (l->interp_gc < 0) { /* 3.6 - 3.8: one GC state for the process */
		for (size_t n = 0; interp && n < PL_MAX_INTERPRETERS; n++) {
			struct pl_error *err = add_interpreter(w->h, interp);
			if (err)
				return err;
			if (!pl_target_u64(w->t, interp + (uint64_t)l->interp_next, &interp))
				break;
		}
		return walk_gc(w, 0, 0);
	}
	for (size_t n = 0; interp; n++) {
		if (n == PL_MAX_INTERPRETERS) {
			pl_strbuf_printf(&w->warnings, "more than %d interpreters; stopped there\n",
					 PL_MAX_INTERPRETERS);
			break;
		}
		struct pl_error *err = add_interpreter(w->h, interp);
		if (!err)
			err = walk_gc(w, interp, n);
		if (err)
			return err;
		if (!pl_target_u64(w->t, interp + (uint64_t)l->interp_next, &interp)) {
			pl_strbuf_printf(&w->warnings, "cannot read the next interpreter after %zu\n",
					 n + 1);
			break;
		}
	}
	return NULL;
}

static struct pl_error *salvaged_object(void *arg, uint64_t g)
{
	struct walk *w = arg;
	uint64_t gc[4];
	if (!pl_target_read_ok(w->t, g, gc, sizeof(gc))) /* the scan read the words it needs */
		return NULL;
	return add_gc_object(w, g, gc, 2);
}

/* The runtime's state is lost: the objects come from a scan of the memory left. */
static struct pl_error *walk_salvaged(struct walk *w)
{
	uint64_t scanned = 0;
	struct pl_gc_state *gc = &w->h->gc;
	gc->enabled = -1; /* the collector's state was in the memory lost */
	gc->debug = -1;
	w->h->garbage_unknown = true; /* gc.garbage with it */
	for (int i = 0; i < 3; i++)
		gc->threshold[i] = gc->count[i] = -1;
	struct pl_error *err = pl_salvage_scan(w->rt, salvaged_object, w, &scanned);
	if (err)
		return err;
	const double mib = 1024.0 * 1024.0;
	pl_strbuf_printf(&w->warnings,
			 "salvaged: the core lost %.1f MiB of its %.1f MiB of memory, the runtime's "
			 "own state among it (the core is cut short); %llu objects were found by "
			 "scanning the %.1f MiB left for objects on the collector's lists (their "
			 "generations cannot be known; what only lost memory, C code or the threads' "
			 "frames held is missing)\n", (double)w->rt->lost_bytes / mib,
			 (double)w->rt->memory_bytes / mib, (unsigned long long)w->h->nobjects,
			 (double)scanned / mib);
	return NULL;
}

/* The lists a debugger found: walked like a generation's, and said. */
static struct pl_error *walk_extra(struct walk *w, const struct pl_extra_list *extra, size_t n)
{
	for (size_t i = 0; i < n && i < PL_MAX_EXTRA_LISTS; i++) {
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen |= extra[j].head == extra[i].head;
		int gen = extra[i].gen >= 0 && extra[i].gen < 3 ? extra[i].gen : 2;
		if (seen || !extra[i].head)
			continue;
		size_t before = w->h->nobjects;
		/* a list the collector has finished with links both ways: checking that keeps a
		 * bad head from counting objects twice (one it is still building ends early) */
		w->strict = true;
		struct pl_error *err = walk_list(w, extra[i].head, gen, 0);
		w->strict = false;
		if (err)
			return err;
		if (w->h->nobjects > before)
			pl_strbuf_printf(&w->warnings,
					 "%zu objects are on the collector's own list '%s' (the "
					 "collection running holds them there): counted in %s, which it "
					 "collects\n", w->h->nobjects - before, extra[i].what,
					 gen_name(gen));
	}
	return NULL;
}

/* The walk of pl_heap_create; BARE: everything but the lists. */
static struct pl_error *heap_create(struct pl_runtime *rt, const struct pl_extra_list *extra, size_t n,
				    pl_progress_fn *progress, void *progress_arg, bool bare,
				    struct pl_heap **ret)
{
	struct pl_heap *h = calloc(1, sizeof(*h));
	if (!h)
		return &pl_enomem;
	struct walk w = { .rt = rt, .t = rt->target, .l = &rt->layout, .h = h,
			  .progress = progress, .progress_arg = progress_arg, .bare = bare };
	/* No list can hold more objects than the target has 16-byte GC heads. */
	h->memory_size = pl_target_memory_size(rt->target);
	w.max_steps = h->memory_size / 16 + 1;
	pl_strbuf_init(&w.warnings);
	struct pl_error *err = rt->salvaged ? (bare ? pl_error_create(PL_ERR_USAGE, "a salvaged "
							   "heap has no lists to count in place")
					 : walk_salvaged(&w))
				   : walk_interpreters(&w);
	if (!err && !rt->salvaged && !bare)
		err = walk_extra(&w, extra, n);
	if (err) {
		pl_strbuf_deinit(&w.warnings);
		pl_heap_destroy(h);
		return err;
	}
	h->ntracked = h->nobjects;
	uint64_t bad_types = 0, bad_objects = 0;
	for (size_t i = 0; i < h->ntypes; i++)
		if (!h->types[i].valid) {
			bad_types++;
			bad_objects += h->types[i].count;
		}
	if (bad_objects)
		pl_strbuf_printf(&w.warnings,
				 "%llu objects on the collector's lists have a type that is not a "
				 "readable type object (%llu such types; a broken heap?): they are "
				 "counted under \"<invalid type 0x...>\"\n",
				 (unsigned long long)bad_objects, (unsigned long long)bad_types);
	h->warnings = w.warnings.len ? pl_strbuf_finish(&w.warnings, NULL) : NULL;
	pl_strbuf_deinit(&w.warnings);
	*ret = h;
	return NULL;
}

struct pl_error *pl_heap_create(struct pl_runtime *rt, const struct pl_extra_list *extra, size_t n,
				pl_progress_fn *progress, void *progress_arg, struct pl_heap **ret)
{
	return heap_create(rt, extra, n, progress, progress_arg, false, ret);
}

struct pl_error *pl_heap_create_bare(struct pl_runtime *rt, struct pl_heap **ret)
{
	return heap_create(rt, NULL, 0, NULL, NULL, true, ret);
}

struct pl_error *pl_heap_add_counted(struct pl_heap *h, struct pl_runtime *rt, uint64_t addr,
				     uint64_t type, uint64_t size, int gen)
{
	if (gen < 0 || gen > PL_GEN_UNTRACKED || (gen != PL_GEN_UNTRACKED && h->ntracked != h->nobjects))
		return pl_error_create(PL_ERR_BAD_DATA, "an object counted out of order (generation %d)",
				       gen);
	struct pl_error *err = count_object(h, type_index(h, rt, type), addr,
					    size < h->memory_size ? size : h->memory_size, gen);
	if (!err && gen != PL_GEN_UNTRACKED)
		h->ntracked++;
	return err;
}

struct pl_error *pl_heap_add_tally(struct pl_heap *h, struct pl_runtime *rt, uint64_t type, int gen,
				   uint64_t n, uint64_t size)
{
	if (!n)
		return NULL;
	/* no more objects than the memory holds, none bigger than it */
	if (gen < 0 || gen > PL_GEN_UNTRACKED || n > h->memory_size / 16 + 1 ||
	    size / n > h->memory_size)
		return pl_error_create(PL_ERR_BAD_DATA, "a tally of %llu objects of %llu bytes in "
				       "generation %d", (unsigned long long)n,
				       (unsigned long long)size, gen);
	long ti = type_index(h, rt, type);
	if (ti < 0)
		return &pl_enomem;
	count_in(h, &h->types[ti], gen, n, size);
	if (gen == PL_GEN_UNTRACKED)
		h->unlisted_untracked += n;
	else
		h->unlisted_tracked += n;
	return NULL;
}

/* (Re)build the address index of the objects with room for twice their number. */
static struct pl_error *object_index_build(struct pl_heap *h, size_t n)
{
	if (n >= UINT32_MAX / 2)
		return pl_error_create(PL_ERR_LIMIT, "more than %u objects", UINT32_MAX / 2 - 1);
	size_t cap = 1024;
	while (cap < n * 2)
		cap *= 2;
	uint32_t *idx = pl_addr_index(h->objects, sizeof(*h->objects), h->nobjects, cap);
	if (!idx)
		return &pl_enomem;
	free(h->object_index);
	h->object_index = idx;
	h->object_index_cap = cap;
	return NULL;
}

struct pl_error *pl_heap_index_objects(struct pl_heap *h)
{
	return h->object_index_cap ? NULL : object_index_build(h, h->nobjects);
}

long pl_heap_add_untracked(struct pl_heap *h, struct pl_runtime *rt, uint64_t addr,
			   struct pl_error **err)
{
	uint64_t type_addr, refcnt;
	*err = NULL;
	/* a live object has a reference (a count of 0: freed, or a frame kept for reuse) */
	if (!addr || addr % 8 ||
	    !pl_target_u64(rt->target, addr + (uint64_t)rt->layout.object_refcnt, &refcnt) ||
	    !refcnt ||
	    !pl_target_u64(rt->target, addr + (uint64_t)rt->layout.object_type, &type_addr) ||
	    !type_addr || type_addr % 8)
		return -1;
	long ti = type_index(h, rt, type_addr);
	if (ti < 0) {
		*err = &pl_enomem;
		return -1;
	}
	struct pl_type *ty = &h->types[ti];
	uint64_t flags = 0;
	if (!ty->valid)
		return -1;
	/* a static type lives in its binary, not the heap, and is a root of its own */
	if (ty->sizing.kind == PL_SIZE_TYPE &&
	    (!pl_target_u64(rt->target, addr + (uint64_t)rt->layout.type_flags, &flags) ||
	     !(flags & PL_TPFLAGS_HEAPTYPE)))
		return -1;
	/* keep the index, if there is one yet, at most half full */
	if (h->object_index_cap && (h->nobjects + 1) * 2 > h->object_index_cap &&
	    (*err = object_index_build(h, h->object_index_cap)))
		return -1;
	size_t i = h->nobjects;
	if ((*err = count_object(h, ti, addr, size_of(h, rt, ty, addr), PL_GEN_UNTRACKED)))
		return -1;
	if (!h->object_index_cap)
		return (long)i;
	size_t s = pl_addr_hash(addr, h->object_index_cap);
	while (h->object_index[s])
		s = (s + 1) & (h->object_index_cap - 1);
	h->object_index[s] = (uint32_t)i + 1;
	return (long)i;
}

long pl_heap_type_at(const struct pl_heap *h, uint64_t addr)
{
	if (!h->type_index_cap)
		return -1;
	for (size_t s = pl_addr_hash(addr, h->type_index_cap); h->type_index[s];
	     s = (s + 1) & (h->type_index_cap - 1))
		if (h->types[h->type_index[s] - 1].addr == addr)
			return h->type_index[s] - 1;
	return -1;
}
