/* SPDX-License-Identifier: MIT */
/* graph.c - building the forward and reverse reference arrays of a walked heap (see graph.h).
 * An edge to an object that is not on the GC lists (str, bytes, int, a tuple or dict the
 * collector untracked) adds that object to the heap's table the first time, and its own
 * references are read in turn, so the graph holds all the memory the roots and the tracked
 * objects reach. Weak references are left out: they do not keep anything alive. */
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "graph/graph.h"

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
	pl_sort(g->frame_roots, g->nframe_roots, sizeof(*g->frame_roots), frame_root_cmp);
	return NULL;
}

long pl_graph_node(const struct pl_graph *g, uint64_t addr)
{
	return pl_heap_find_object(g->heap, addr);
}

/* A reference read but not looked up yet. */
struct pending {
	uint64_t target;
};

/* A growing array of edges, and where each node's start. */
struct edge_sink {
	struct pl_graph *g;
	struct pl_heap *heap;
	struct pl_runtime *rt;
	uint32_t *edges;
	uint64_t n, cap;
	uint64_t *off;       /* per node: index of its first edge */
	size_t noff, off_cap;
	struct pending *pending; /* the references of the node being read */
	uint64_t npending, pending_cap;
	struct pl_error *err;
};

static bool sink_grow(void **p, size_t each, uint64_t *cap, uint64_t want)
{
	if (want <= *cap)
		return true;
	uint64_t ncap = *cap ? *cap * 2 : 1 << 16;
	while (ncap < want)
		ncap *= 2;
	void *n = realloc(*p, ncap * each);
	if (!n)
		return false;
	*p = n;
	*cap = ncap;
	return true;
}

static bool add_edge(void *arg, uint64_t target, const char *label, enum pl_ref_kind kind)
{
	(void)label;
	struct edge_sink *e = arg;
	if (kind == PL_REF_WEAK)
		return true;
	if (!sink_grow((void **)&e->pending, sizeof(*e->pending), &e->pending_cap, e->npending + 1)) {
		e->err = &pl_enomem;
		return false;
	}
	e->pending[e->npending++] = (struct pending){ target };
	return true;
}

/* Look up the references of the node just read: their index slots are fetched ahead, all of
 * them at once, then the objects they name, then each is found (or, untracked, added). The
 * lookups are the graph build's cache misses: this way they overlap. */
static bool sink_flush(struct edge_sink *e)
{
	const struct pl_heap *h = e->heap;
	if (!e->npending || e->err)
		return !e->err;
	if (!sink_grow((void **)&e->edges, sizeof(*e->edges), &e->cap, e->n + e->npending)) {
		e->err = &pl_enomem;
		return false;
	}
	for (uint64_t i = 0; i < e->npending; i++)
		__builtin_prefetch(&h->object_index[pl_addr_hash(e->pending[i].target, h->object_index_cap)]);
	for (uint64_t i = 0; i < e->npending; i++) {
		uint32_t v = h->object_index[pl_addr_hash(e->pending[i].target, h->object_index_cap)];
		if (v)
			__builtin_prefetch(&h->objects[v - 1]);
	}
	for (uint64_t i = 0; i < e->npending && !e->err; i++) {
		const struct pending *p = &e->pending[i];
		long node = pl_heap_find_object(e->heap, p->target);
		if (node < 0) /* refs.c emits a conservative word only where it names an object */
			node = pl_heap_add_untracked(e->heap, e->rt, p->target, &e->err);
		if (node >= 0)
			e->edges[e->n++] = (uint32_t)node;
	}
	e->npending = 0;
	return !e->err;
}

/* Start the edges of the next node. */
static bool sink_node(struct edge_sink *e)
{
	uint64_t cap = e->off_cap;
	if (!sink_grow((void **)&e->off, sizeof(*e->off), &cap, e->noff + 2)) {
		e->err = &pl_enomem;
		return false;
	}
	e->off_cap = (size_t)cap;
	e->off[e->noff++] = e->n;
	return true;
}

/* Forward edges of every node: the tracked objects, then the untracked ones they reach, in
 * E; then the roots in R (their untracked objects join E too). The roots whose frame object
 * stands for them (OBJECT_FRAME[k] set) have none of their own. */
static struct pl_error *forward(struct pl_refs *r, struct pl_graph *g, struct edge_sink *e,
				struct edge_sink *roots, const uint8_t *object_frame,
				int (*progress)(void *, uint64_t), void *progress_arg)
{
	struct pl_heap *h = e->heap;
	size_t done = 0;
	/* every object the table holds, as it grows; the roots once the tracked ones are done */
	for (size_t i = 0, k = 0; i < h->nobjects || k < g->nroots;) {
		struct pl_error *one;
		if (i < h->nobjects && (i < h->ntracked || k == g->nroots)) {
			if (!sink_node(e))
				break;
			one = pl_refs_each(r, h->objects[i++].addr, false, add_edge, e);
			sink_flush(e);
		} else {
			if (!sink_node(roots))
				break;
			one = object_frame[k] ? NULL /* its frame object holds what it holds */
					      : pl_roots_each_ref(r, &g->roots->v[k], false, add_edge, roots);
			sink_flush(roots);
			k++;
			if (roots->err && !e->err)
				e->err = roots->err, roots->err = NULL;
		}
		if (one) { /* a broken object: keep going, count it */
			g->unreadable++;
			pl_error_destroy(one);
		}
		if (e->err)
			break;
		if (progress && ++done % PROGRESS_EVERY == 0 && progress(progress_arg, done))
			return pl_error_create(PL_ERR_INTERRUPTED, "interrupted");
	}
	if (e->err)
		return e->err;
	if (!sink_node(e) || !sink_node(roots))
		return e->err ? e->err : roots->err;
	return NULL;
}

/* The objects' reference counts, saturated. */
static struct pl_error *refcounts(struct pl_refs *r, struct pl_graph *g)
{
	g->refcount = malloc((g->n ? g->n : 1) * sizeof(*g->refcount));
	if (!g->refcount)
		return &pl_enomem;
	for (size_t i = 0; i < g->n; i++) {
		int64_t rc = pl_refs_refcount(r->rt, g->heap->objects[i].addr);
		g->refcount[i] = rc < 0 ? PL_REFCOUNT_UNKNOWN
			       : rc >= PL_REFCOUNT_UNKNOWN ? PL_REFCOUNT_UNKNOWN - 1 : (uint32_t)rc;
	}
	return NULL;
}

/* The objects' edges (E, with one offset per object and one past the end) and the roots'
 * (R) into one CSR array, the roots' last. */
static struct pl_error *join(struct pl_graph *g, struct edge_sink *e, struct edge_sink *r)
{
	size_t total = g->n + g->nroots;
	g->fwd = realloc(e->edges, ((e->n + r->n) ? e->n + r->n : 1) * sizeof(*g->fwd));
	if (!g->fwd)
		return &pl_enomem;
	e->edges = NULL;
	g->fwd_off = malloc((total + 1) * sizeof(*g->fwd_off));
	if (!g->fwd_off)
		return &pl_enomem;
	memcpy(g->fwd_off, e->off, g->n * sizeof(*g->fwd_off));
	for (size_t k = 0; k <= g->nroots; k++)
		g->fwd_off[g->n + k] = e->n + r->off[k];
	if (r->n)
		memcpy(g->fwd + e->n, r->edges, r->n * sizeof(*g->fwd));
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

struct pl_error *pl_graph_create(struct pl_refs *r, struct pl_heap *h,
				 const struct pl_roots *roots, int (*progress)(void *, uint64_t),
				 void *progress_arg, struct pl_graph **ret)
{
	if (h->nobjects + roots->n >= UINT32_MAX / 2)
		return pl_error_create(PL_ERR_LIMIT, "more than %u objects", UINT32_MAX / 2 - 1);
	if (!h->object_index_cap)
		return pl_error_create(PL_ERR_USAGE, "the heap's object index is not built");
	struct pl_graph *g = calloc(1, sizeof(*g));
	if (!g)
		return &pl_enomem;
	g->heap = h;
	g->roots = roots;
	g->nroots = roots->n;
	struct edge_sink e = { .g = g, .heap = h, .rt = r->rt }, rs = e;
	struct pl_error *err = NULL;
	uint8_t *object_frame = calloc(g->nroots ? g->nroots : 1, 1);
	if (!object_frame)
		err = &pl_enomem;
	if (!err)
		err = find_frame_roots(g);
	for (size_t i = 0; !err && i < g->nframe_roots; i++)
		object_frame[g->frame_roots[i].root] = 1;
	if (!err)
		err = forward(r, g, &e, &rs, object_frame, progress, progress_arg);
	free(object_frame);
	g->n = h->nobjects;
	if (!err && g->n + g->nroots >= UINT32_MAX / 2)
		err = pl_error_create(PL_ERR_LIMIT, "more than %u objects", UINT32_MAX / 2 - 1);
	if (!err)
		err = join(g, &e, &rs);
	free(e.edges);
	free(e.off);
	free(e.pending);
	free(rs.edges);
	free(rs.off);
	free(rs.pending);
	if (!err)
		err = refcounts(r, g);
	if (!err) {
		g->rev_off = calloc(g->n + g->nroots + 1, sizeof(*g->rev_off));
		err = g->rev_off ? reverse(g, g->fwd_off[g->n + g->nroots]) : &pl_enomem;
	}
	if (err) {
		pl_graph_destroy(g);
		return err;
	}
	*ret = g;
	return NULL;
}
