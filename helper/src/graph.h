/* SPDX-License-Identifier: MIT */
/* graph.h - the references between the tracked objects of a walked heap, forward and reverse,
 * in compact arrays (CSR): node i is heap->objects[i]. Labels are not stored; they are
 * recomputed from the referrer when a path is shown. */
#ifndef PL_GRAPH_H
#define PL_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "heap.h"
#include "runtime.h"

struct pl_graph {
	size_t n;            /* nodes */
	uint64_t *fwd_off;   /* n + 1 offsets into fwd */
	uint32_t *fwd;       /* referred-to nodes */
	uint64_t *rev_off;   /* n + 1 offsets into rev */
	uint32_t *rev;       /* referring nodes */
	uint32_t *index;     /* open-addressing hash: object address -> node + 1 */
	size_t index_cap;
	const struct pl_heap *heap;
	uint64_t unreadable; /* objects whose references could not be read */
};

/* Build the graph of H's objects. *RET is freed with pl_graph_destroy. */
struct pl_error *pl_graph_create(struct pl_runtime *rt, const struct pl_heap *h,
				 struct pl_graph **ret);
void pl_graph_destroy(struct pl_graph *g);

/* The node of the object at ADDR, or -1 if it is not a tracked object. */
long pl_graph_node(const struct pl_graph *g, uint64_t addr);

#endif
