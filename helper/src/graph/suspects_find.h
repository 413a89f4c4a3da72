/* SPDX-License-Identifier: MIT */
/* suspects_find.h - the work the searches for suspects share (suspects.c, accumulation.c):
 * the graph and its analyses, types merged by name, the nodes that never hold a pile, and
 * the suspects found so far. Not for other stages. */
#ifndef PL_SUSPECTS_FIND_H
#define PL_SUSPECTS_FIND_H

#include <stdbool.h>
#include <stdint.h>

#include "graph/suspects.h"

struct pl_find {
	struct pl_labels *L;
	struct pl_runtime *rt;
	const struct pl_graph *g;
	const struct pl_heap *h;
	const struct pl_reach *reach;
	const struct pl_dominators *dom;
	uint32_t *canon;        /* heap type -> the first type of its name */
	uint8_t *excluded;      /* per node: never a holder (namespaces, modules, gc.garbage) */
	struct pl_suspects *out;
	size_t cap;
};

/* The type of node V, distinct classes of one name as one. */
static inline uint32_t pl_find_type(const struct pl_find *f, uint32_t v)
{
	return f->canon[f->h->objects[v].type];
}

/* Is node V a type object? */
bool pl_find_is_type(const struct pl_find *f, uint32_t v);

/* Is node V a thin wrapper, whose meaning is what it holds: a bound method, a tuple, list,
 * dict or set, a cell, a function (its closure)? */
bool pl_find_is_wrapper(const struct pl_find *f, uint32_t v);

/* A new suspect, zeroed (its nodes PL_UNREACHED); NULL if out of memory. */
struct pl_suspect *pl_find_add(struct pl_find *f);

/* The accumulation points (accumulation.c). */
struct pl_error *pl_find_accumulations(struct pl_find *f);

#endif
