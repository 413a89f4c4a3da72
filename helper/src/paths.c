/* SPDX-License-Identifier: MIT */
/* paths.c - breadth-first search backwards from a target to roots (see paths.h). */
#include <stdlib.h>

#include "internal.h"
#include "paths.h"

void pl_chains_destroy(struct pl_chain *chains, size_t n)
{
	for (size_t i = 0; chains && i < n; i++)
		free(chains[i].nodes);
	free(chains);
}

static bool is_root(const struct pl_runtime *rt, const struct pl_graph *g, uint32_t node)
{
	const struct pl_heap *h = g->heap;
	return h->types[h->objects[node].type].addr == rt->module_type;
}

struct pl_error *pl_paths_from_roots(const struct pl_runtime *rt, const struct pl_graph *g,
				     unsigned max_depth, uint32_t **parent_ret)
{
	uint32_t *parent = malloc((g->n ? g->n : 1) * sizeof(*parent));
	uint32_t *depth = malloc((g->n ? g->n : 1) * sizeof(*depth));
	uint32_t *queue = malloc((g->n ? g->n : 1) * sizeof(*queue));
	if (!parent || !depth || !queue) {
		free(parent);
		free(depth);
		free(queue);
		return &pl_enomem;
	}
	size_t head = 0, tail = 0;
	for (size_t i = 0; i < g->n; i++) {
		parent[i] = UINT32_MAX;
		if (is_root(rt, g, (uint32_t)i)) {
			parent[i] = (uint32_t)i;
			depth[i] = 0;
			queue[tail++] = (uint32_t)i;
		}
	}
	while (head < tail) {
		uint32_t u = queue[head++];
		if (depth[u] >= max_depth)
			continue;
		for (uint64_t k = g->fwd_off[u]; k < g->fwd_off[u + 1]; k++) {
			uint32_t v = g->fwd[k];
			if (parent[v] != UINT32_MAX)
				continue;
			parent[v] = u;
			depth[v] = depth[u] + 1;
			queue[tail++] = v;
		}
	}
	free(depth);
	free(queue);
	*parent_ret = parent;
	return NULL;
}

struct pl_error *pl_paths_find(const struct pl_runtime *rt, const struct pl_graph *g,
			       uint32_t target, unsigned max_depth, unsigned max_chains,
			       struct pl_chain **chains_ret, size_t *n_ret)
{
	uint32_t *parent = malloc(g->n * sizeof(*parent)); /* next node towards the target */
	uint32_t *depth = malloc(g->n * sizeof(*depth));
	uint32_t *queue = malloc(g->n * sizeof(*queue));
	struct pl_chain *chains = calloc(max_chains ? max_chains : 1, sizeof(*chains));
	size_t nchains = 0;
	struct pl_error *err = NULL;
	if (!parent || !depth || !queue || !chains) {
		err = &pl_enomem;
		goto out;
	}
	for (size_t i = 0; i < g->n; i++)
		parent[i] = UINT32_MAX;
	size_t head = 0, tail = 0;
	parent[target] = target;
	depth[target] = 0;
	queue[tail++] = target;
	while (head < tail && nchains < max_chains) {
		uint32_t u = queue[head++];
		if (u != target && is_root(rt, g, u)) {
			struct pl_chain *c = &chains[nchains];
			c->len = depth[u] + 1;
			c->nodes = malloc(c->len * sizeof(*c->nodes));
			if (!c->nodes) {
				err = &pl_enomem;
				goto out;
			}
			uint32_t v = u;
			for (size_t k = 0; k < c->len; k++, v = parent[v])
				c->nodes[k] = v;
			nchains++;
			continue; /* a root ends the chain: do not go past it */
		}
		if (depth[u] >= max_depth)
			continue;
		for (uint64_t k = g->rev_off[u]; k < g->rev_off[u + 1]; k++) {
			uint32_t r = g->rev[k];
			if (parent[r] != UINT32_MAX)
				continue;
			parent[r] = u;
			depth[r] = depth[u] + 1;
			queue[tail++] = r;
		}
	}
out:
	free(parent);
	free(depth);
	free(queue);
	if (err) {
		pl_chains_destroy(chains, nchains);
		return err;
	}
	*chains_ret = chains;
	*n_ret = nchains;
	return NULL;
}
