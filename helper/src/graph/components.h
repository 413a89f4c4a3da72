/* SPDX-License-Identifier: MIT */
/* components.h - the strongly connected components of a set of nodes (Tarjan's algorithm
 * with explicit stacks) and groups of them. Each node of the set belongs to the first cycle
 * (a component of two nodes or more, or one that holds itself) that reaches it, breadth
 * first; a node no cycle reaches stands for itself. Components are grouped by the types of
 * their members (what a group of cycles is made of), each group with what its components
 * keep. What unreachable cycles and gc.garbage are reported as. */
#ifndef PL_COMPONENTS_H
#define PL_COMPONENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "graph/graph.h"
#include "graph/tally.h"

struct pl_component_group {
	struct pl_tally members;  /* the components' own members by type (tracked ones; untracked
				   * ones if none is tracked), most bytes first */
	uint64_t components;      /* how many components */
	uint64_t objects, bytes;  /* every node the components keep, and their bytes */
	uint8_t max_gen;          /* the oldest generation a tracked member is in (0 - 3) */
	bool cycles;              /* its components are cycles */
};

/* The groups of the set IN_SET (per node, 1 if in it) of G. CANON maps heap types to the
 * first of their name; BYTES (per node; NULL: each node's own size) is what a node counts
 * for. *RET is freed with pl_component_groups_free. */
struct pl_error *pl_component_groups(const struct pl_graph *g, const uint32_t *canon,
				     const uint8_t *in_set, const uint64_t *bytes,
				     struct pl_component_group **ret, size_t *n_ret);
void pl_component_groups_free(struct pl_component_group *v, size_t n);

#endif
