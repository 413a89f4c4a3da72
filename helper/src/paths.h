/* SPDX-License-Identifier: MIT */
/* paths.h - referrer chains: from an object back to the roots that keep it alive, shortest
 * first, by breadth-first search over the reverse graph (no recursion, bounded queues). Roots
 * so far: module objects. */
#ifndef PL_PATHS_H
#define PL_PATHS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "graph.h"
#include "runtime.h"

struct pl_chain {
	uint32_t *nodes; /* the root first, the target last */
	size_t len;
};

/* Up to MAX_CHAINS chains of at most MAX_DEPTH references from roots to node TARGET, each to
 * a different root, shortest first. *CHAINS_RET (free with pl_chains_destroy) may be empty. */
struct pl_error *pl_paths_find(const struct pl_runtime *rt, const struct pl_graph *g,
			       uint32_t target, unsigned max_depth, unsigned max_chains,
			       struct pl_chain **chains_ret, size_t *n_ret);
void pl_chains_destroy(struct pl_chain *chains, size_t n);

/* Shortest paths from the roots to every node, by one breadth-first search forward from all
 * roots at once: *PARENT_RET[v] is the node before v on its path (a root is its own parent),
 * UINT32_MAX if no root reaches v within MAX_DEPTH references. Caller frees. */
struct pl_error *pl_paths_from_roots(const struct pl_runtime *rt, const struct pl_graph *g,
				     unsigned max_depth, uint32_t **parent_ret);

#endif
