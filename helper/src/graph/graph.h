/* SPDX-License-Identifier: MIT */
/* graph.h - the strong references between the objects of a walked heap (the tracked ones and
 * every untracked one they reach) and from the roots outside it, forward and reverse, in
 * compact arrays (CSR). Node i < n is heap->objects[i]; node n + k is virtual root roots->v[k]. Labels are not stored; they are
 * recomputed from the referrer when a path is shown. Each reference counts once per time it is
 * held (a list holding x twice gives two edges), so in-degrees compare with reference counts. */
#ifndef PL_GRAPH_H
#define PL_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "heap/heap.h"
#include "refs/refs.h"
#include "refs/roots.h"

#define PL_REFCOUNT_UNKNOWN UINT32_MAX /* immortal or unreadable */

struct pl_graph {
	size_t n;            /* objects: heap->nobjects once built */
	size_t nroots;       /* virtual roots, nodes n .. n + nroots - 1 */
	uint64_t *fwd_off;   /* n + nroots + 1 offsets into fwd */
	uint32_t *fwd;       /* referred-to nodes */
	uint64_t *rev_off;   /* n + nroots + 1 offsets into rev */
	uint32_t *rev;       /* referring nodes */
	uint32_t *refcount;  /* n reference counts, saturated; PL_REFCOUNT_UNKNOWN if unknown */
	/* Frames on a thread's stack that are objects on the GC lists themselves (3.6 and 3.7
	 * frames, a running generator's frame): the object holds the frame's references and
	 * stands for its thread root, which has no edges of its own. Sorted by node. */
	struct pl_frame_root {
		uint32_t node, root;
	} *frame_roots;
	size_t nframe_roots;
	const struct pl_heap *heap;
	const struct pl_roots *roots;
	uint64_t unreadable; /* objects whose references could not be read */
};

/* Build the graph of H's objects (its object index built) and ROOTS (both kept, not owned),
 * with R's decoder; the untracked objects they reach are added to H on the way. *RET is freed
 * with pl_graph_destroy. PROGRESS (may be NULL) is called every million objects. */
struct pl_error *pl_graph_create(struct pl_refs *r, struct pl_heap *h,
				 const struct pl_roots *roots, int (*progress)(void *, uint64_t),
				 void *progress_arg, struct pl_graph **ret);
void pl_graph_destroy(struct pl_graph *g);

/* The node of the tracked object at ADDR, or -1 if it is not one. */
long pl_graph_node(const struct pl_graph *g, uint64_t addr);

/* Referrers of node V (in-degree). */
static inline uint64_t pl_graph_indegree(const struct pl_graph *g, uint32_t v)
{
	return g->rev_off[v + 1] - g->rev_off[v];
}

/* How many of V's references the graph does not explain (reference count minus in-degree),
 * or 0 if none or unknown. V must be an object node. */
static inline uint64_t pl_graph_excess(const struct pl_graph *g, uint32_t v)
{
	uint64_t rc = g->refcount[v], in = pl_graph_indegree(g, v);
	return rc != PL_REFCOUNT_UNKNOWN && rc > in ? rc - in : 0;
}

/* The virtual root node V is or stands for (a frame object on a thread's stack), or NULL. */
const struct pl_root *pl_graph_root_of(const struct pl_graph *g, uint32_t v);

#endif
