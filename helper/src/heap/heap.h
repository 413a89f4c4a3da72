/* SPDX-License-Identifier: MIT */
/* heap.h - the walk of every GC list of every interpreter (three generations and the
 * permanent one) into a compact object table, a type table with per-type count and shallow
 * size, per-generation totals, and the contents of gc.garbage. */
#ifndef PL_HEAP_H
#define PL_HEAP_H

#include <stdint.h>

#include "base/error.h"
#include "base/internal.h"
#include "runtime/runtime.h"

enum { PL_GENERATIONS = 4 }; /* 0, 1, 2 and the permanent generation (gc.freeze) */

struct pl_object {
	uint64_t addr;
	uint32_t type;   /* index into heap->types */
	uint8_t gen;     /* 0..2, 3 = permanent */
};

struct pl_type {
	uint64_t addr;
	char *name;      /* "dict", "module.Qualname" */
	uint64_t flags, basicsize, itemsize;
	uint64_t count;  /* tracked instances */
	uint64_t size;   /* their shallow size */
};

struct pl_garbage {
	uint64_t addr;
	uint32_t type;
};

/* Called now and then during the walk: objects seen so far, and the generation being walked. */
typedef void pl_progress_fn(void *arg, uint64_t objects, int gen);

struct pl_heap {
	struct pl_object *objects;
	size_t nobjects, objects_cap;
	struct pl_type *types;
	size_t ntypes, types_cap;
	uint32_t *type_index;     /* open-addressing hash: type addr -> index + 1 */
	size_t type_index_cap;
	uint32_t *object_index;   /* open-addressing hash: object addr -> index + 1, once built */
	size_t object_index_cap;
	uint64_t gen_count[PL_GENERATIONS];
	uint64_t gen_size[PL_GENERATIONS];
	uint64_t total_size;
	struct pl_garbage *garbage;
	size_t ngarbage;
	uint64_t *interps;        /* the interpreters walked (PyInterpreterState addresses) */
	size_t ninterpreters;
	int collecting;           /* a collection was running when the target stopped */
	char *warnings;           /* what went wrong where the walk had to stop early */
};

/* Walk the heap of RT. Problems with single lists (broken links, unreadable memory) end that
 * list and are reported in heap->warnings; the walk goes on. *RET is freed with
 * pl_heap_destroy. PROGRESS may be NULL. */
struct pl_error *pl_heap_create(struct pl_runtime *rt, pl_progress_fn *progress,
				void *progress_arg, struct pl_heap **ret);
void pl_heap_destroy(struct pl_heap *h);

/* Build the table that finds objects by address (once; later calls do nothing). */
struct pl_error *pl_heap_index_objects(struct pl_heap *h);

/* Index of the tracked object at ADDR in h->objects, or -1 if there is none (or the table is
 * not built yet). */
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

/* Index of the type at ADDR in the type table (a type with tracked instances), or -1. */
long pl_heap_type_at(const struct pl_heap *h, uint64_t addr);

/* Index of the type named NAME, or -1. */
long pl_heap_find_type(const struct pl_heap *h, const char *name);

#endif
