/* SPDX-License-Identifier: MIT */
/* graph.c - building the forward and reverse reference arrays of a walked heap (see graph.h).
 * Edges to objects that are not tracked (str, int, atomic containers) are left out: they
 * cannot hold tracked objects, so no referrer chain passes through them. Weak references are
 * left out: they do not keep anything alive. */
#include <stdlib.h>
#include <string.h>

#include "graph/graph.h"
#include "base/internal.h"

enum { PROGRESS_EVERY = 1 << 20 };

void pl_graph_destroy(struct pl_graph *g)
{
	if (!g)
		return;
	free(g->fwd_off);
	free(g->fwd);
	free(g->rev_off);
	free(g->rev);
	free(g->refcount);
	free(g->frame_roots);
	free(g);
}

const struct pl_root *pl_graph_root_of(const struct pl_graph *g, uint32_t v)
{
	if (v >= g->n)
		return &g->roots->v[v - g->n];
	size_t lo = 0, hi = g->nframe_roots;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->frame_roots[mid].node == v)
			return &g->roots->v[g->frame_roots[mid].root];
		if (g->frame_roots[mid].node < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int frame_root_cmp(const void *a, const void *b)
{
	const struct pl_frame_root *x = a, *y = b;
	return (x->node > y->node) - (x->node < y->node);
}

/* The thread frame roots whose frame is a tracked object: that object stands for them. */
static struct pl_error *find_frame_roots(struct pl_graph *g)
{
	g->frame_roots = malloc((g->nroots ? g->nroots : 1) * sizeof(*g->frame_roots));
	if (!g->frame_roots)
		return &pl_enomem;
	for (size_t k = 0; k < g->nroots; k++) {
		const struct pl_root *r = &g->roots->v[k];
		long node = r->kind == PL_ROOT_THREAD && r->frame ? pl_heap_find_object(g->heap, r->frame) : -1;
		if (node >= 0)
			g->frame_roots[g->nframe_roots++] = (struct pl_frame_root){ (uint32_t)node, (uint32_t)k };
	}
	qsort(g->frame_roots, g->nframe_roots, sizeof(*g->frame_roots), frame_root_cmp);
	return NULL;
}

long pl_graph_node(const struct pl_graph *g, uint64_t addr)
{
	return pl_heap_find_object(g->heap, addr);
}

struct edge_sink {
	struct pl_graph *g;
	uint32_t *edges;
	uint64_t n, cap;
	bool failed;
};

static bool add_edge(void *arg, uint64_t target, const char *label, enum pl_ref_kind kind)
{
	(void)label;
	struct edge_sink *e = arg;
	if (kind == PL_REF_WEAK)
		return true;
	long node = pl_heap_find_object(e->g->heap, target);
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

/* Forward edges of every node, and the objects' reference counts. The roots whose frame
 * object stands for them (OBJECT_FRAME[k] set) have none of their own. */
static struct pl_error *forward(struct pl_refs *r, struct pl_graph *g, struct edge_sink *e,
				const uint8_t *object_frame, void (*progress)(void *, uint64_t),
				void *progress_arg)
{
	size_t total = g->n + g->nroots;
	for (size_t i = 0; i < total; i++) {
		g->fwd_off[i] = e->n;
		struct pl_error *one;
		if (i < g->n) {
			uint64_t addr = g->heap->objects[i].addr;
			int64_t rc = pl_refs_refcount(r->rt, addr);
			g->refcount[i] = rc < 0 ? PL_REFCOUNT_UNKNOWN
				       : rc >= PL_REFCOUNT_UNKNOWN ? PL_REFCOUNT_UNKNOWN - 1 : (uint32_t)rc;
			one = pl_refs_each(r, addr, false, add_edge, e);
		} else if (object_frame[i - g->n]) {
			one = NULL; /* its frame object holds what it holds */
		} else {
			one = pl_roots_each_ref(r, &g->roots->v[i - g->n], false, add_edge, e);
		}
		if (one) { /* a broken object: keep going, count it */
			g->unreadable++;
			pl_error_destroy(one);
		}
		if (e->failed)
			return &pl_enomem;
		if (progress && i % PROGRESS_EVERY == PROGRESS_EVERY - 1)
			progress(progress_arg, i + 1);
	}
	g->fwd_off[total] = e->n;
	return NULL;
}

/* Reverse edges: count in-degrees, prefix sums, then fill. */
static struct pl_error *reverse(struct pl_graph *g, uint64_t nedges)
{
	size_t total = g->n + g->nroots;
	g->rev = malloc((nedges ? nedges : 1) * sizeof(*g->rev));
	uint64_t *fill = malloc((total + 1) * sizeof(*fill));
	if (!g->rev || !fill) {
		free(fill);
		return &pl_enomem;
	}
	for (uint64_t k = 0; k < nedges; k++)
		g->rev_off[g->fwd[k] + 1]++;
	for (size_t i = 0; i < total; i++)
		g->rev_off[i + 1] += g->rev_off[i];
	memcpy(fill, g->rev_off, (total + 1) * sizeof(*fill));
	for (size_t i = 0; i < total; i++)
		for (uint64_t k = g->fwd_off[i]; k < g->fwd_off[i + 1]; k++)
			g->rev[fill[g->fwd[k]]++] = (uint32_t)i;
	free(fill);
	return NULL;
}

struct pl_error *pl_graph_create(struct pl_refs *r, const struct pl_heap *h,
				 const struct pl_roots *roots, void (*progress)(void *, uint64_t),
				 void *progress_arg, struct pl_graph **ret)
{
	if (h->nobjects + roots->n >= UINT32_MAX / 2)
		return pl_error_create(PL_ERR_LIMIT, "more than %u objects", UINT32_MAX / 2 - 1);
	struct pl_graph *g = calloc(1, sizeof(*g));
	if (!g)
		return &pl_enomem;
	g->heap = h;
	g->roots = roots;
	g->n = h->nobjects;
	g->nroots = roots->n;
	size_t total = g->n + g->nroots;
	struct edge_sink e = { .g = g };
	struct pl_error *err = NULL;
	if (!h->object_index_cap && h->nobjects)
		err = pl_error_create(PL_ERR_USAGE, "the heap's object index is not built");
	g->fwd_off = calloc(total + 1, sizeof(*g->fwd_off));
	g->rev_off = calloc(total + 1, sizeof(*g->rev_off));
	g->refcount = malloc((g->n ? g->n : 1) * sizeof(*g->refcount));
	if (!err && (!g->fwd_off || !g->rev_off || !g->refcount))
		err = &pl_enomem;
	uint8_t *object_frame = calloc(g->nroots ? g->nroots : 1, 1);
	if (!err && !object_frame)
		err = &pl_enomem;
	if (!err)
		err = find_frame_roots(g);
	for (size_t i = 0; !err && i < g->nframe_roots; i++)
		object_frame[g->frame_roots[i].root] = 1;
	if (!err)
		err = forward(r, g, &e, object_frame, progress, progress_arg);
	free(object_frame);
	if (!err) {
		/* give back what the doubling left unused */
		uint32_t *fit = realloc(e.edges, (e.n ? e.n : 1) * sizeof(*fit));
		g->fwd = fit ? fit : e.edges;
		e.edges = NULL;
		if (!g->fwd)
			err = &pl_enomem;
	}
	if (!err)
		err = reverse(g, e.n);
	free(e.edges);
	if (err) {
		pl_graph_destroy(g);
		return err;
	}
	*ret = g;
	return NULL;
}
