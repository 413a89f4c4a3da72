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

/* The arrays of one breadth-first search over G's nodes. */
struct bfs {
	uint32_t *parent; /* UINT32_MAX: not reached yet */
	uint32_t *depth;
	uint32_t *queue;
	size_t head, tail;
};

static struct pl_error *bfs_init(struct bfs *b, size_t n)
{
	size_t size = (n ? n : 1) * sizeof(uint32_t);
	b->parent = malloc(size);
	b->depth = malloc(size);
	b->queue = malloc(size);
	b->head = b->tail = 0;
	if (!b->parent || !b->depth || !b->queue)
		return &pl_enomem;
	for (size_t i = 0; i < n; i++)
		b->parent[i] = UINT32_MAX;
	return NULL;
}

static void bfs_deinit(struct bfs *b)
{
	free(b->parent);
	free(b->depth);
	free(b->queue);
}

/* Reach V from U (or start at V when U == V). */
static void bfs_push(struct bfs *b, uint32_t u, uint32_t v)
{
	b->parent[v] = u;
	b->depth[v] = u == v ? 0 : b->depth[u] + 1;
	b->queue[b->tail++] = v;
}

static bool is_root(const struct pl_runtime *rt, const struct pl_graph *g, uint32_t node)
{
	const struct pl_heap *h = g->heap;
	return h->types[h->objects[node].type].addr == rt->module_type;
}

struct pl_error *pl_paths_from_roots(const struct pl_runtime *rt, const struct pl_graph *g,
				     unsigned max_depth, uint32_t **parent_ret)
{
	struct bfs b;
	struct pl_error *err = bfs_init(&b, g->n);
	if (err) {
		bfs_deinit(&b);
		return err;
	}
	for (size_t i = 0; i < g->n; i++)
		if (is_root(rt, g, (uint32_t)i))
			bfs_push(&b, (uint32_t)i, (uint32_t)i);
	while (b.head < b.tail) {
		uint32_t u = b.queue[b.head++];
		if (b.depth[u] >= max_depth)
			continue;
		for (uint64_t k = g->fwd_off[u]; k < g->fwd_off[u + 1]; k++)
			if (b.parent[g->fwd[k]] == UINT32_MAX)
				bfs_push(&b, u, g->fwd[k]);
	}
	*parent_ret = b.parent;
	b.parent = NULL;
	bfs_deinit(&b);
	return NULL;
}

struct pl_error *pl_paths_find(const struct pl_runtime *rt, const struct pl_graph *g,
			       uint32_t target, unsigned max_depth, unsigned max_chains,
			       struct pl_chain **chains_ret, size_t *n_ret)
{
	struct bfs b;
	struct pl_chain *chains = calloc(max_chains ? max_chains : 1, sizeof(*chains));
	size_t nchains = 0;
	struct pl_error *err = bfs_init(&b, g->n);
	if (!err && !chains)
		err = &pl_enomem;
	if (!err)
		bfs_push(&b, target, target);
	while (!err && b.head < b.tail && nchains < max_chains) {
		uint32_t u = b.queue[b.head++];
		if (u != target && is_root(rt, g, u)) {
			struct pl_chain *c = &chains[nchains];
			c->len = b.depth[u] + 1;
			c->nodes = malloc(c->len * sizeof(*c->nodes));
			if (!c->nodes) {
				err = &pl_enomem;
				break;
			}
			uint32_t v = u;
			for (size_t k = 0; k < c->len; k++, v = b.parent[v])
				c->nodes[k] = v;
			nchains++;
			continue; /* a root ends the chain: do not go past it */
		}
		if (b.depth[u] >= max_depth)
			continue;
		for (uint64_t k = g->rev_off[u]; k < g->rev_off[u + 1]; k++)
			if (b.parent[g->rev[k]] == UINT32_MAX)
				bfs_push(&b, u, g->rev[k]);
	}
	bfs_deinit(&b);
	if (err) {
		pl_chains_destroy(chains, nchains);
		return err;
	}
	*chains_ret = chains;
	*n_ret = nchains;
	return NULL;
}
