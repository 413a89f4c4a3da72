/* SPDX-License-Identifier: MIT */
/* graph.c - building the forward and reverse reference arrays of a walked heap (see graph.h).
 * Edges to objects that are not tracked (str, int, atomic containers) are left out: they
 * cannot hold tracked objects, so no referrer chain passes through them. */
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "internal.h"
#include "refs.h"

void pl_graph_destroy(struct pl_graph *g)
{
	if (!g)
		return;
	free(g->fwd_off);
	free(g->fwd);
	free(g->rev_off);
	free(g->rev);
	free(g->index);
	free(g);
}

long pl_graph_node(const struct pl_graph *g, uint64_t addr)
{
	if (!g->index_cap)
		return -1;
	for (size_t s = pl_addr_hash(addr, g->index_cap);; s = (s + 1) & (g->index_cap - 1)) {
		uint32_t v = g->index[s];
		if (!v)
			return -1;
		if (g->heap->objects[v - 1].addr == addr)
			return (long)v - 1;
	}
}

static struct pl_error *build_index(struct pl_graph *g)
{
	size_t cap = 1024;
	while (cap < g->n * 2)
		cap *= 2;
	g->index = calloc(cap, sizeof(*g->index));
	if (!g->index)
		return &pl_enomem;
	g->index_cap = cap;
	for (size_t i = 0; i < g->n; i++) {
		size_t s = pl_addr_hash(g->heap->objects[i].addr, cap);
		while (g->index[s])
			s = (s + 1) & (cap - 1);
		g->index[s] = (uint32_t)i + 1;
	}
	return NULL;
}

struct edge_sink {
	struct pl_graph *g;
	uint32_t *edges;
	uint64_t n, cap;
	bool failed;
};

static bool add_edge(void *arg, uint64_t target, const char *label)
{
	(void)label;
	struct edge_sink *e = arg;
	long node = pl_graph_node(e->g, target);
	if (node < 0)
		return true;
	if (e->n == e->cap) {
		uint64_t cap = e->cap ? e->cap * 2 : 1 << 20;
		uint32_t *n = realloc(e->edges, cap * sizeof(*n));
		if (!n)
			return !(e->failed = true);
		e->edges = n;
		e->cap = cap;
	}
	e->edges[e->n++] = (uint32_t)node;
	return true;
}

struct pl_error *pl_graph_create(struct pl_runtime *rt, const struct pl_heap *h,
				 struct pl_graph **ret)
{
	if (h->nobjects >= UINT32_MAX)
		return pl_error_create(PL_ERR_LIMIT, "more than %u objects", UINT32_MAX - 1);
	struct pl_graph *g = calloc(1, sizeof(*g));
	if (!g)
		return &pl_enomem;
	g->heap = h;
	g->n = h->nobjects;
	struct edge_sink e = { .g = g };
	struct pl_error *err = build_index(g);
	g->fwd_off = calloc(g->n + 1, sizeof(*g->fwd_off));
	g->rev_off = calloc(g->n + 1, sizeof(*g->rev_off));
	if (!err && (!g->fwd_off || !g->rev_off))
		err = &pl_enomem;
	for (size_t i = 0; !err && i < g->n; i++) {
		g->fwd_off[i] = e.n;
		struct pl_error *one = pl_refs_each(rt, h->objects[i].addr, false, add_edge, &e);
		if (one) { /* a broken object: keep going, count it */
			g->unreadable++;
			pl_error_destroy(one);
		}
		if (e.failed)
			err = &pl_enomem;
	}
	if (!err) {
		g->fwd_off[g->n] = e.n;
		g->fwd = e.edges ? e.edges : malloc(sizeof(*g->fwd));
		e.edges = NULL;
		g->rev = malloc((e.n ? e.n : 1) * sizeof(*g->rev));
		if (!g->fwd || !g->rev)
			err = &pl_enomem;
	}
	if (!err) {
		/* reverse: count in-degrees, prefix sums, then fill */
		for (uint64_t k = 0; k < e.n; k++)
			g->rev_off[g->fwd[k] + 1]++;
		for (size_t i = 0; i < g->n; i++)
			g->rev_off[i + 1] += g->rev_off[i];
		uint64_t *fill = malloc((g->n + 1) * sizeof(*fill));
		if (!fill) {
			err = &pl_enomem;
		} else {
			memcpy(fill, g->rev_off, (g->n + 1) * sizeof(*fill));
			for (size_t i = 0; i < g->n; i++)
				for (uint64_t k = g->fwd_off[i]; k < g->fwd_off[i + 1]; k++)
					g->rev[fill[g->fwd[k]]++] = (uint32_t)i;
			free(fill);
		}
	}
	free(e.edges);
	if (err) {
		pl_graph_destroy(g);
		return err;
	}
	*ret = g;
	return NULL;
}
