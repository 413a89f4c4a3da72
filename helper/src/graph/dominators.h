/* SPDX-License-Identifier: MIT */
/* dominators.h - the dominator tree of the reference graph from its roots, and what each
 * object retains: the bytes and objects that would be freed with it, because every way to
 * them from a root passes through it (Eclipse MAT's retained heap). One super root holds
 * every root (virtual roots, modules, objects held from C, frame objects on a thread's
 * stack); objects no root reaches (kept by cycles alone) are not in the tree. Semi-NCA
 * (Georgiadis, Tarjan, Werneck), without recursion: near-linear on real heaps. */
#ifndef PL_DOMINATORS_H
#define PL_DOMINATORS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "graph/graph.h"
#include "graph/paths.h"
#include "runtime/runtime.h"

#define PL_DOM_SUPER (UINT32_MAX - 1) /* the immediate dominator of the roots */

struct pl_dominators {
	uint32_t *idom;      /* per node: its immediate dominator, PL_DOM_SUPER for a root,
			      * PL_UNREACHED if no root reaches it */
	uint64_t *retained;  /* per node: bytes it retains, its own included */
	uint32_t *retained_objects; /* per node: objects it retains, itself included (saturated) */
	uint32_t *child_off; /* dominator tree children of node v: child[child_off[v] ..
			      * child_off[v + 1]), the roots' under node n + nroots */
	uint32_t *child;
	uint64_t total;      /* bytes of every node the roots reach */
	size_t nreached;
};

/* The dominator tree of G from the roots REACH names. *RET is freed with
 * pl_dominators_destroy. PROGRESS (may be NULL) is called now and then. */
struct pl_error *pl_dominators_create(const struct pl_runtime *rt, const struct pl_graph *g,
				      const struct pl_reach *reach, struct pl_dominators **ret);
void pl_dominators_destroy(struct pl_dominators *d);

/* Node V's dominator-tree children. */
static inline const uint32_t *pl_dom_children(const struct pl_dominators *d, size_t v, size_t *n)
{
	*n = d->child_off[v + 1] - d->child_off[v];
	return d->child + d->child_off[v];
}

#endif
