/* SPDX-License-Identifier: MIT */
/* heap.h - the object table: first the walk of every GC list of every interpreter (three
 * generations and the permanent one), then the objects the collector does not track (str,
 * bytes, int, untracked tuples and dicts, ...) as the references of the tracked ones reach
 * them (added by the graph stage); a type table with per-type counts and sizes
 * (sys.getsizeof), per-generation totals, and the contents of gc.garbage. */
#ifndef PL_HEAP_H
#define PL_HEAP_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "base/internal.h"
#include "runtime/object_rules.h"
#include "runtime/runtime.h"

enum { PL_GENERATIONS = 4 }; /* 0, 1, 2 and the permanent generation (gc.freeze) */
enum { PL_GEN_UNTRACKED = PL_GENERATIONS }; /* pl_object.gen of an untracked object */

struct pl_object {
	uint64_t addr;
	uint64_t size;   /* sys.getsizeof */
	uint32_t type;   /* index into heap->types */
	uint8_t gen;     /* 0..2, 3 = permanent, PL_GEN_UNTRACKED */
};

struct pl_type {
	uint64_t addr;
	char *name;      /* "dict", "module.Qualname" */
	struct pl_size_type sizing;  /* flags, sizes and __sizeof__ of its instances */
	uint64_t count;  /* tracked instances */
	uint64_t size;   /* their size (sys.getsizeof) */
	uint64_t ucount; /* untracked instances */
	uint64_t usize;  /* their size */
	bool valid;      /* a readable type object; else its name is "<invalid type 0x...>" */
};

struct pl_garbage {
	uint64_t addr;
	uint32_t type;
};

/* The collector's state (of the first interpreter walked). A field it cannot read is -1. */
struct pl_gc_state {
	int enabled;              /* gc.isenabled() */
	int64_t debug;            /* gc.get_debug() flags */
	int64_t threshold[3];     /* gc.get_threshold() */
	int64_t count[3];         /* gc.get_count() */
	int collecting;           /* a collection was running */
};

/* gc.DEBUG_* flags. */
enum { PL_GC_DEBUG_STATS = 1, PL_GC_DEBUG_COLLECTABLE = 2, PL_GC_DEBUG_UNCOLLECTABLE = 4,
       PL_GC_DEBUG_SAVEALL = 32 };

/* Called now and then during the walk: objects seen so far, and the generation being walked. */
typedef int pl_progress_fn(void *arg, uint64_t objects, int gen);

struct pl_heap {
	struct pl_object *objects; /* the tracked ones first, then the untracked ones */
	size_t nobjects, objects_cap;
	size_t ntracked;          /* objects on the GC lists: objects[0 .. ntracked) */
	struct pl_type *types;
	size_t ntypes, types_cap;
	uint32_t *type_index;     /* open-addressing hash: type addr -> index + 1 */
	size_t type_index_cap;
	uint32_t *object_index;   /* open-addressing hash: object addr -> index + 1, once built */
	size_t object_index_cap;
	uint64_t gen_count[PL_GENERATIONS];
	uint64_t gen_size[PL_GENERATIONS];
	uint64_t total_size;      /* of the tracked objects */
	uint64_t untracked_size;  /* of the untracked objects */
	/* objects counted in their types and generations but not in the table: the in-process
	 * census's tallies (pl_heap_add_tally); the table then holds only what was found after */
	uint64_t unlisted_tracked, unlisted_untracked;
	uint64_t memory_size;     /* of the target: no object is bigger */
	struct pl_garbage *garbage;
	size_t ngarbage;
	uint64_t garbage_list;    /* the first interpreter's gc.garbage list, or 0 */
	bool garbage_unknown;     /* gc.garbage could not be read (a stripped 2.7/3.6, a salvaged
				   * or damaged core): not known to be empty */
	uint64_t *interps;        /* the interpreters walked (PyInterpreterState addresses) */
	size_t ninterpreters;
	int collecting;           /* a collection was running when the target stopped */
	struct pl_gc_state gc;
	char *warnings;           /* what went wrong where the walk had to stop early */
};

/* A GC list only a debugger sees (a running collection's local list; pyleaks_add_gc_list). */
enum { PL_MAX_EXTRA_LISTS = 8 };
struct pl_extra_list {
	uint64_t head;
	int gen;               /* the generation its objects are counted in */
	char what[64];         /* "unreachable in gc_collect_main" */
};

/* Walk the heap of RT: the lists of every interpreter, then the N lists EXTRA. Problems with
 * single lists (broken links, unreadable memory) end that list and are reported in
 * heap->warnings; the walk goes on. *RET is freed with pl_heap_destroy. PROGRESS may be NULL. */
struct pl_error *pl_heap_create(struct pl_runtime *rt, const struct pl_extra_list *extra, size_t n,
				pl_progress_fn *progress, void *progress_arg, struct pl_heap **ret);
void pl_heap_destroy(struct pl_heap *h);

/* The heap of RT without its objects: the interpreters, the collector's state and gc.garbage,
 * for the in-process census to fill in with pl_heap_add_counted. */
struct pl_error *pl_heap_create_bare(struct pl_runtime *rt, struct pl_heap **ret);

/* Make room for N more objects in the table at once. */
struct pl_error *pl_heap_reserve(struct pl_heap *h, uint64_t n);

/* Add the object at ADDR of the type at TYPE, SIZE bytes (capped at the target's memory), in
 * generation GEN (PL_GEN_UNTRACKED for an untracked one): the tracked ones first. */
struct pl_error *pl_heap_add_counted(struct pl_heap *h, struct pl_runtime *rt, uint64_t addr,
				     uint64_t type, uint64_t size, int gen);

/* Count N objects of the type at TYPE, SIZE bytes together, in generation GEN
 * (PL_GEN_UNTRACKED), without a record of each (the in-process census's tallies). */
struct pl_error *pl_heap_add_tally(struct pl_heap *h, struct pl_runtime *rt, uint64_t type, int gen,
				   uint64_t n, uint64_t size);

/* Objects on the GC lists, and all objects, listed in the table or counted in a tally. */
static inline uint64_t pl_heap_tracked(const struct pl_heap *h)
{
	return h->ntracked + h->unlisted_tracked;
}

static inline uint64_t pl_heap_all(const struct pl_heap *h)
{
	return h->nobjects + h->unlisted_tracked + h->unlisted_untracked;
}

/* Is every object of H in its table (not only counted in a tally)? */
static inline bool pl_heap_listed(const struct pl_heap *h)
{
	return !h->unlisted_tracked && !h->unlisted_untracked;
}

/* Build the table that finds objects by address (once; later calls do nothing). */
struct pl_error *pl_heap_index_objects(struct pl_heap *h);

/* Add the untracked object at ADDR (not in the table yet; the index kept, if built), if it
 * looks like a live one: aligned, with a readable header, a reference count and a type that is
 * a type; static types are not (they live in their binary and are roots). Its index in
 * h->objects, or -1 if it is not one (*ERR stays NULL) or on failure (*ERR set). */
long pl_heap_add_untracked(struct pl_heap *h, struct pl_runtime *rt, uint64_t addr,
			   struct pl_error **err);

/* Index of the object at ADDR in h->objects, or -1 if there is none (or the table is not
 * built yet). */
static inline long pl_heap_find_object(const struct pl_heap *h, uint64_t addr)
{
	if (!h->object_index_cap)
		return -1;
	for (size_t s = pl_addr_hash(addr, h->object_index_cap);; s = (s + 1) & (h->object_index_cap - 1)) {
		uint32_t v = h->object_index[s];
		if (!v)
			return -1;
		if (h->objects[v - 1].addr == addr)
			return (long)v - 1;
	}
}

/* Index of the type at ADDR in the type table (the type of an object in the table), or -1. */
long pl_heap_type_at(const struct pl_heap *h, uint64_t addr);

/* Is object I on the GC lists? */
static inline bool pl_heap_is_tracked(const struct pl_heap *h, size_t i)
{
	return i < h->ntracked;
}

#endif
