/* SPDX-License-Identifier: MIT */
/* paths.h - who keeps what alive. Once per graph, one breadth-first search forward from every
 * root at once (modules, thread frames, interpreters, static types) gives each object its
 * shortest path from a root; objects no root reaches but whose reference count exceeds the
 * references the heap explains are then roots themselves (held from C), and a second search
 * from them reaches what they hold; what is left is kept alive only by reference cycles. For
 * one object, a breadth-first search backwards gives chains to different roots, shortest
 * first, and says what became of the object's other referrers. No recursion; every search is
 * bounded by the graph's size. */
#ifndef PL_PATHS_H
#define PL_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "graph/graph.h"
#include "runtime/runtime.h"

#define PL_UNREACHED UINT32_MAX /* not reached from any root */

/* Shortest paths from the roots to every node. */
struct pl_reach {
	uint32_t *parent;   /* the node before v on its path; v itself for a root; PL_UNREACHED */
	uint32_t *dist;     /* references from its root */
	uint8_t *held;      /* 1 for objects that are roots because they are held from C */
	uint64_t nunreached; /* tracked objects no root reaches: kept alive only by cycles */
};

struct pl_error *pl_reach_create(const struct pl_runtime *rt, const struct pl_graph *g,
				 struct pl_reach **ret);
void pl_reach_destroy(struct pl_reach *reach);

/* The root whose path reaches V (V must be reached). */
uint32_t pl_reach_root(const struct pl_reach *reach, uint32_t v);

/* The shortest path from a root to V (V must be reached), root first: *LEN_RET nodes, caller
 * frees; NULL if out of memory. */
uint32_t *pl_reach_path(const struct pl_reach *reach, uint32_t v, size_t *len_ret);

/* Is node V a root that a chain ends at (a virtual root, a module, or held from C)? */
bool pl_paths_is_root(const struct pl_runtime *rt, const struct pl_graph *g,
		      const struct pl_reach *reach, uint32_t v);

/* The kind of root V is (V must be one). */
enum pl_root_kind pl_paths_root_kind(const struct pl_runtime *rt, const struct pl_graph *g,
				     uint32_t v);

struct pl_chain {
	uint32_t *nodes; /* the root first, the target last */
	size_t len;
};

/* A node with more referrers that could lead to a root in time than the fan-in cap: how
 * many, and how many were followed. */
struct pl_cut {
	uint32_t node;
	uint64_t referrers, followed;
};

struct pl_paths {
	struct pl_chain *chains;
	size_t nchains;
	struct pl_cut *cuts;     /* the first few cuts */
	size_t ncuts;
	uint64_t more_cuts;      /* cuts not listed */
	/* the target's referrers: on a chain shown; cold trails (their way to a root leads back
	 * through the target: a cycle); another way to a root, not shown; reached from no root;
	 * not looked at (beyond what is classified) */
	uint64_t referrers, on_chains, cold, other, unreached, unclassified;
};

/* Up to MAX_CHAINS chains of at most MAX_DEPTH references from roots (each a different one) to
 * node TARGET, shortest first. A referrer is followed only if a root reaches it close enough
 * for a chain within MAX_DEPTH (the forward search's distances say so exactly); from each node
 * at most MAX_FAN_IN of those (the nearest a root). *RET is freed with pl_paths_destroy. */
struct pl_error *pl_paths_find(const struct pl_runtime *rt, const struct pl_graph *g,
			       const struct pl_reach *reach, uint32_t target, unsigned max_depth,
			       unsigned max_chains, unsigned max_fan_in, struct pl_paths **ret);
void pl_paths_destroy(struct pl_paths *p);

#endif
