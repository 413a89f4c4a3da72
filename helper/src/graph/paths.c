/* SPDX-License-Identifier: MIT */
/* paths.c - reachability from the roots and referrer chains (see paths.h). */
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "graph/paths.h"

enum {
	MAX_CUTS_LISTED = 8,
	MAX_CLASSIFIED = 100000,  /* referrers of a target whose fate is worked out */
	MAX_WALK = 1 << 26,       /* steps up the root tree while classifying, in all */
	DIST_BUCKETS = 64,
};

/* A breadth-first search's queue over the graph's nodes. */
struct queue {
	uint32_t *v;
	size_t head, tail;
};

static bool is_module(const struct pl_runtime *rt, const struct pl_graph *g, uint32_t v)
{
	const struct pl_heap *h = g->heap;
	return v < g->n && h->types[h->objects[v].type].addr == rt->types[PL_T_MODULE];
}

bool pl_paths_is_root(const struct pl_runtime *rt, const struct pl_graph *g,
		      const struct pl_reach *reach, uint32_t v)
{
	return pl_graph_root_of(g, v) || is_module(rt, g, v) || (reach && reach->held[v]);
}

enum pl_root_kind pl_paths_root_kind(const struct pl_runtime *rt, const struct pl_graph *g,
				     uint32_t v)
{
	const struct pl_root *root = pl_graph_root_of(g, v);
	if (root)
		return root->kind;
	return is_module(rt, g, v) ? PL_ROOT_MODULE : PL_ROOT_HELD_FROM_C;
}

void pl_reach_destroy(struct pl_reach *reach)
{
	if (!reach)
		return;
	free(reach->parent);
	free(reach->dist);
	free(reach->held);
	free(reach);
}

uint32_t pl_reach_root(const struct pl_reach *reach, uint32_t v)
{
	for (uint64_t steps = 0; reach->parent[v] != v && steps < UINT32_MAX; steps++)
		v = reach->parent[v];
	return v;
}

uint32_t *pl_reach_path(const struct pl_reach *reach, uint32_t v, size_t *len_ret)
{
	size_t len = (size_t)reach->dist[v] + 1;
	uint32_t *path = malloc(len * sizeof(*path));
	if (!path)
		return NULL;
	for (size_t k = len; k > 0; k--, v = reach->parent[v])
		path[k - 1] = v;
	*len_ret = len;
	return path;
}

static void reach_push(struct pl_reach *r, struct queue *q, uint32_t from, uint32_t v)
{
	r->parent[v] = from;
	r->dist[v] = from == v ? 0 : r->dist[from] + 1;
	q->v[q->tail++] = v;
}

/* Breadth-first from what is queued, through nodes not reached yet. */
static void reach_spread(const struct pl_graph *g, struct pl_reach *r, struct queue *q)
{
	while (q->head < q->tail) {
		uint32_t u = q->v[q->head++];
		for (uint64_t k = g->fwd_off[u]; k < g->fwd_off[u + 1]; k++)
			if (r->parent[g->fwd[k]] == PL_UNREACHED)
				reach_push(r, q, u, g->fwd[k]);
	}
}

struct pl_error *pl_reach_create(const struct pl_runtime *rt, const struct pl_graph *g,
				 struct pl_reach **ret)
{
	size_t total = g->n + g->nroots;
	struct pl_reach *r = calloc(1, sizeof(*r));
	struct queue q = { 0 };
	if (r) {
		r->parent = malloc((total ? total : 1) * sizeof(*r->parent));
		r->dist = malloc((total ? total : 1) * sizeof(*r->dist));
		r->held = calloc(total ? total : 1, 1);
		q.v = malloc((total ? total : 1) * sizeof(*q.v));
	}
	if (!r || !r->parent || !r->dist || !r->held || !q.v) {
		free(q.v);
		pl_reach_destroy(r);
		return &pl_enomem;
	}
	memset(r->parent, 0xff, total * sizeof(*r->parent));
	/* modules first, then the virtual roots in kind order: ties go to the plainer root */
	for (size_t i = 0; i < g->n; i++)
		if (is_module(rt, g, (uint32_t)i))
			reach_push(r, &q, (uint32_t)i, (uint32_t)i);
	for (size_t k = 0; k < g->nframe_roots; k++)
		reach_push(r, &q, g->frame_roots[k].node, g->frame_roots[k].node);
	for (int kind = PL_ROOT_THREAD; kind <= PL_ROOT_TYPE; kind++)
		for (size_t k = 0; k < g->nroots; k++)
			if ((int)g->roots->v[k].kind == kind)
				reach_push(r, &q, (uint32_t)(g->n + k), (uint32_t)(g->n + k));
	reach_spread(g, r, &q);
	/* what no root reaches but something outside the heap holds: tracked objects only, as
	 * untracked ones (strings, numbers) are also held by what pyleaks does not decode
	 * (code objects' constants, C statics, interned tables) */
	for (size_t i = 0; i < g->heap->ntracked; i++)
		if (r->parent[i] == PL_UNREACHED && pl_graph_excess(g, (uint32_t)i) > 0) {
			r->held[i] = 1;
			reach_push(r, &q, (uint32_t)i, (uint32_t)i);
		}
	reach_spread(g, r, &q);
	for (size_t i = 0; i < g->heap->ntracked; i++)
		r->nunreached += r->parent[i] == PL_UNREACHED;
	free(q.v);
	*ret = r;
	return NULL;
}

void pl_paths_destroy(struct pl_paths *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nchains; i++)
		free(p->chains[i].nodes);
	free(p->chains);
	free(p->cuts);
	free(p);
}

/* The state of one backward search. */
struct search {
	const struct pl_graph *g;
	const struct pl_reach *reach;
	uint32_t *parent;    /* toward the target; PL_UNREACHED: not seen */
	uint32_t *depth;
	struct queue q;
	uint32_t *pick;      /* referrers chosen when a node's are capped */
	struct pl_paths *out;
};

static void search_push(struct search *s, uint32_t from, uint32_t v)
{
	s->parent[v] = from;
	s->depth[v] = from == v ? 0 : s->depth[from] + 1;
	s->q.v[s->q.tail++] = v;
}

static uint32_t dist_bucket(const struct pl_reach *reach, uint32_t v)
{
	uint32_t d = reach->parent[v] == PL_UNREACHED ? DIST_BUCKETS - 1 : reach->dist[v];
	return d < DIST_BUCKETS - 1 ? d : DIST_BUCKETS - 1;
}

static void note_cut(struct pl_paths *p, uint32_t node, uint64_t referrers, uint64_t followed)
{
	if (p->ncuts < MAX_CUTS_LISTED)
		p->cuts[p->ncuts++] = (struct pl_cut){ node, referrers, followed };
	else
		p->more_cuts++;
}

/* Can referrer V, DEPTH references from the target, be on a chain of at most MAX_DEPTH? Only
 * if a root reaches it (the forward search's distance is the shortest way there). */
static bool can_reach_root(const struct search *s, uint32_t v, uint32_t depth, unsigned max_depth)
{
	return s->reach->parent[v] != PL_UNREACHED && (uint64_t)s->reach->dist[v] + depth <= max_depth;
}

/* Follow U's referrers not seen yet that can still be on a chain short enough; past CAP of
 * them, those nearest a root (by the forward search's distances), found in two passes over a
 * histogram of distances. */
static void expand(struct search *s, uint32_t u, unsigned cap, unsigned max_depth)
{
	const struct pl_graph *g = s->g;
	uint64_t lo = g->rev_off[u], hi = g->rev_off[u + 1], fresh = 0;
	uint32_t depth = s->depth[u] + 1;
	for (uint64_t k = lo; k < hi; k++)
		fresh += s->parent[g->rev[k]] == PL_UNREACHED && can_reach_root(s, g->rev[k], depth, max_depth);
	if (fresh <= cap) {
		for (uint64_t k = lo; k < hi; k++)
			if (s->parent[g->rev[k]] == PL_UNREACHED &&
			    can_reach_root(s, g->rev[k], depth, max_depth))
				search_push(s, u, g->rev[k]);
		return;
	}
	uint64_t count[DIST_BUCKETS] = { 0 }, taken = 0;
	for (uint64_t k = lo; k < hi; k++)
		if (s->parent[g->rev[k]] == PL_UNREACHED && can_reach_root(s, g->rev[k], depth, max_depth))
			count[dist_bucket(s->reach, g->rev[k])]++;
	uint32_t limit = 0;
	for (uint64_t sum = 0; limit < DIST_BUCKETS && sum + count[limit] < cap; limit++)
		sum += count[limit];
	/* all of the buckets below LIMIT, then bucket LIMIT until the cap */
	for (int pass = 0; pass < 2 && taken < cap; pass++)
		for (uint64_t k = lo; k < hi && taken < cap; k++) {
			uint32_t v = g->rev[k];
			if (s->parent[v] != PL_UNREACHED || !can_reach_root(s, v, depth, max_depth))
				continue;
			uint32_t b = dist_bucket(s->reach, v);
			if (pass == 0 ? b < limit : b == limit) {
				search_push(s, u, v);
				taken++;
			}
		}
	note_cut(s->out, u, fresh, taken);
}

static struct pl_error *add_chain(struct search *s, uint32_t root)
{
	struct pl_paths *p = s->out;
	struct pl_chain *c = &p->chains[p->nchains];
	c->len = s->depth[root] + 1;
	c->nodes = malloc(c->len * sizeof(*c->nodes));
	if (!c->nodes)
		return &pl_enomem;
	uint32_t v = root;
	for (size_t k = 0; k < c->len; k++, v = s->parent[v])
		c->nodes[k] = v;
	p->nchains++;
	return NULL;
}

/* What became of each referrer of TARGET: on a chain, a cold trail (its path from a root, in
 * the forward search, passes through TARGET itself: it only leads back around a cycle),
 * another way to a root, or reached from no root. */
static void classify_referrers(struct search *s, uint32_t target)
{
	const struct pl_graph *g = s->g;
	const struct pl_reach *reach = s->reach;
	struct pl_paths *p = s->out;
	uint64_t lo = g->rev_off[target], hi = g->rev_off[target + 1], walked = 0;
	p->referrers = hi - lo;
	for (uint64_t k = lo; k < hi; k++) {
		uint32_t r = g->rev[k];
		if (k - lo >= MAX_CLASSIFIED || walked >= MAX_WALK) {
			p->unclassified = hi - k;
			break;
		}
		bool direct = false;
		for (size_t i = 0; i < p->nchains && !direct; i++)
			direct = p->chains[i].len >= 2 && p->chains[i].nodes[p->chains[i].len - 2] == r;
		if (direct) {
			p->on_chains++;
			continue;
		}
		if (reach->parent[r] == PL_UNREACHED) {
			p->unreached++;
			continue;
		}
		bool cold = false;
		for (uint32_t v = r; walked < MAX_WALK && !cold; walked++) {
			cold = v == target;
			if (reach->parent[v] == v)
				break;
			v = reach->parent[v];
		}
		if (cold)
			p->cold++;
		else
			p->other++;
	}
}

/* Chains of equal length: the plainer root first (module, thread, interpreter, type, C). */
static int chain_rank(const struct pl_runtime *rt, const struct pl_graph *g,
		      const struct pl_chain *c)
{
	return (int)c->len * 8 + (int)pl_paths_root_kind(rt, g, c->nodes[0]);
}

static void sort_chains(const struct pl_runtime *rt, const struct pl_graph *g, struct pl_paths *p)
{
	for (size_t a = 1; a < p->nchains; a++)
		for (size_t b = a; b > 0 && chain_rank(rt, g, &p->chains[b]) <
						    chain_rank(rt, g, &p->chains[b - 1]); b--) {
			struct pl_chain tmp = p->chains[b];
			p->chains[b] = p->chains[b - 1];
			p->chains[b - 1] = tmp;
		}
}

struct pl_error *pl_paths_find(const struct pl_runtime *rt, const struct pl_graph *g,
			       const struct pl_reach *reach, uint32_t target, unsigned max_depth,
			       unsigned max_chains, unsigned max_fan_in, struct pl_paths **ret)
{
	size_t total = g->n + g->nroots;
	struct search s = { .g = g, .reach = reach };
	struct pl_paths *p = s.out = calloc(1, sizeof(*p));
	struct pl_error *err = NULL;
	if (p) {
		p->chains = calloc(max_chains ? max_chains : 1, sizeof(*p->chains));
		p->cuts = calloc(MAX_CUTS_LISTED, sizeof(*p->cuts));
		s.parent = malloc(total * sizeof(*s.parent));
		s.depth = malloc(total * sizeof(*s.depth));
		s.q.v = malloc(total * sizeof(*s.q.v));
	}
	if (!p || !p->chains || !p->cuts || !s.parent || !s.depth || !s.q.v)
		err = &pl_enomem;
	if (!err) {
		memset(s.parent, 0xff, total * sizeof(*s.parent));
		search_push(&s, target, target);
		if (pl_paths_is_root(rt, g, reach, target) && max_chains)
			err = add_chain(&s, target); /* a root itself: a chain of no references */
	}
	while (!err && s.q.head < s.q.tail && p->nchains < max_chains) {
		uint32_t u = s.q.v[s.q.head++];
		if (u != target && pl_paths_is_root(rt, g, reach, u)) {
			err = add_chain(&s, u);
			continue; /* a root ends the chain: do not go past it */
		}
		if (s.depth[u] >= max_depth)
			continue;
		expand(&s, u, max_fan_in, max_depth);
	}
	if (!err) {
		sort_chains(rt, g, p);
		classify_referrers(&s, target);
	}
	free(s.parent);
	free(s.depth);
	free(s.q.v);
	if (err) {
		pl_paths_destroy(p);
		return err;
	}
	*ret = p;
	return NULL;
}
