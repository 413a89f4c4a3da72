/* SPDX-License-Identifier: MIT */
/* dominators.c - semi-NCA over the reference graph (see dominators.h). Vertices are numbered
 * in the preorder of a depth-first search from the super root (number 0); every array of
 * the computation is indexed by that number, and no step recurses: the search and the path
 * compression keep explicit stacks. */
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "graph/dominators.h"

#define NONE UINT32_MAX

void pl_dominators_destroy(struct pl_dominators *d)
{
	if (!d)
		return;
	free(d->idom);
	free(d->retained);
	free(d->retained_objects);
	free(d->child_off);
	free(d->child);
	free(d);
}

/* The computation's arrays, by preorder number (pre: by node). */
struct snca {
	const struct pl_graph *g;
	uint32_t super;          /* the super root's node number: g->n + g->nroots */
	uint32_t *roots;         /* the super root's successors */
	size_t nroots;
	uint32_t *pre;           /* node -> preorder number, NONE if not reached */
	uint32_t *vertex;        /* preorder number -> node */
	uint32_t *parent;        /* in the search tree */
	uint32_t *semi, *label, *ancestor;
	uint32_t *stack, *stack_edge;
	size_t n;                /* vertices reached, the super root included */
};

/* Successor K of node U (the super root's are the roots); NONE past the last. */
static uint32_t successor(const struct snca *s, uint32_t u, uint32_t k)
{
	if (u == s->super)
		return k < s->nroots ? s->roots[k] : NONE;
	uint64_t at = s->g->fwd_off[u] + k;
	return at < s->g->fwd_off[u + 1] ? s->g->fwd[at] : NONE;
}

/* Depth-first search from the super root: preorder numbers and the search tree. */
static void search(struct snca *s)
{
	size_t top = 0;
	s->pre[s->super] = 0;
	s->vertex[0] = s->super;
	s->parent[0] = 0;
	s->n = 1;
	s->stack[top] = s->super;
	s->stack_edge[top++] = 0;
	while (top) {
		uint32_t u = s->stack[top - 1], v = successor(s, u, s->stack_edge[top - 1]++);
		if (v == NONE) {
			top--;
			continue;
		}
		if (s->pre[v] != NONE)
			continue;
		s->pre[v] = (uint32_t)s->n;
		s->vertex[s->n] = v;
		s->parent[s->n++] = s->pre[u];
		s->stack[top] = v;
		s->stack_edge[top++] = 0;
	}
}

/* Path compression from V up its linked ancestors, without recursion (the stack is free once
 * the search is done). */
static void compress(struct snca *s, uint32_t v)
{
	uint32_t *anc = s->ancestor, *label = s->label, *semi = s->semi;
	size_t top = 0;
	for (uint32_t x = v; anc[anc[x]] != NONE; x = anc[x])
		s->stack[top++] = x;
	while (top) {
		uint32_t y = s->stack[--top], a = anc[y];
		if (semi[label[a]] < semi[label[y]])
			label[y] = label[a];
		anc[y] = anc[a];
	}
}

/* Semidominators, then immediate dominators as nearest common ancestors; by preorder number,
 * written over parent[]. */
static void semi_nca(struct snca *s, const uint8_t *is_root)
{
	const struct pl_graph *g = s->g;
	for (size_t i = 0; i < s->n; i++) {
		s->semi[i] = s->label[i] = (uint32_t)i;
		s->ancestor[i] = NONE;
	}
	for (size_t i = s->n - 1; i >= 1; i--) {
		uint32_t w = s->vertex[i];
		if (is_root[w])
			s->semi[i] = 0; /* the super root holds it */
		for (uint64_t k = g->rev_off[w]; k < g->rev_off[w + 1] && s->semi[i]; k++) {
			uint32_t v = s->pre[g->rev[k]], u = v;
			if (v == NONE)
				continue; /* a referrer no root reaches */
			if (s->ancestor[v] != NONE) {
				compress(s, v);
				u = s->label[v];
			}
			if (s->semi[u] < s->semi[i])
				s->semi[i] = s->semi[u];
		}
		s->ancestor[i] = s->parent[i];
	}
	uint32_t *idom = s->parent; /* parent[i] is where idom[i]'s walk starts */
	for (size_t i = 1; i < s->n; i++)
		while (idom[i] > s->semi[i])
			idom[i] = idom[idom[i]];
}

/* The roots: what the super root holds. */
static struct pl_error *find_roots(struct snca *s, const struct pl_runtime *rt,
				   const struct pl_reach *reach, uint8_t *is_root)
{
	const struct pl_graph *g = s->g;
	for (uint32_t v = 0; v < s->super; v++)
		s->nroots += is_root[v] = pl_paths_is_root(rt, g, reach, v);
	s->roots = malloc((s->nroots ? s->nroots : 1) * sizeof(*s->roots));
	if (!s->roots)
		return &pl_enomem;
	size_t k = 0;
	for (uint32_t v = 0; v < s->super; v++)
		if (is_root[v])
			s->roots[k++] = v;
	return NULL;
}

/* The result by node: immediate dominators, retained sizes (children before parents: reverse
 * preorder), and the tree's children. */
static struct pl_error *results(struct snca *s, struct pl_dominators *d)
{
	const struct pl_graph *g = s->g;
	size_t total = s->super;
	d->idom = malloc((total ? total : 1) * sizeof(*d->idom));
	d->retained = calloc(total + 1, sizeof(*d->retained));
	d->retained_objects = calloc(total + 1, sizeof(*d->retained_objects));
	d->child_off = calloc(total + 3, sizeof(*d->child_off));
	d->child = malloc(s->n * sizeof(*d->child));
	if (!d->idom || !d->retained || !d->retained_objects || !d->child_off || !d->child)
		return &pl_enomem;
	memset(d->idom, 0xff, total * sizeof(*d->idom));
	const uint32_t *idom = s->parent;
	for (size_t i = 1; i < s->n; i++) {
		uint32_t v = s->vertex[i];
		d->idom[v] = idom[i] == 0 ? PL_DOM_SUPER : s->vertex[idom[i]];
		if (v < g->n) {
			d->retained[v] = g->heap->objects[v].size;
			d->retained_objects[v] = 1;
			d->total += g->heap->objects[v].size;
		}
	}
	for (size_t i = s->n - 1; i >= 1; i--) {
		uint32_t v = s->vertex[i], p = s->vertex[idom[i]];
		d->retained[p] += d->retained[v];
		uint64_t o = (uint64_t)d->retained_objects[p] + d->retained_objects[v];
		d->retained_objects[p] = o < UINT32_MAX ? (uint32_t)o : UINT32_MAX;
	}
	/* children, by counting sort on the dominator (the super root is node TOTAL) */
	for (size_t i = 1; i < s->n; i++)
		d->child_off[s->vertex[idom[i]] + 2]++;
	for (size_t v = 0; v <= total; v++)
		d->child_off[v + 2] += d->child_off[v + 1];
	for (size_t i = 1; i < s->n; i++)
		d->child[d->child_off[s->vertex[idom[i]] + 1]++] = s->vertex[i];
	d->nreached = s->n - 1;
	return NULL;
}

struct pl_error *pl_dominators_create(const struct pl_runtime *rt, const struct pl_graph *g,
				      const struct pl_reach *reach, struct pl_dominators **ret)
{
	size_t total = g->n + g->nroots;
	if (total + 1 >= NONE - 1)
		return pl_error_create(PL_ERR_LIMIT, "too many nodes for the dominator tree");
	struct pl_dominators *d = calloc(1, sizeof(*d));
	struct snca s = { .g = g, .super = (uint32_t)total };
	uint8_t *is_root = calloc(total + 1, 1);
	size_t words = total + 1;
	uint32_t **arrays[] = { &s.pre, &s.vertex, &s.parent, &s.semi, &s.label, &s.ancestor,
				&s.stack, &s.stack_edge };
	struct pl_error *err = d && is_root ? NULL : &pl_enomem;
	for (size_t i = 0; !err && i < PL_ARRAY_SIZE(arrays); i++)
		if (!(*arrays[i] = malloc(words * sizeof(uint32_t))))
			err = &pl_enomem;
	if (!err)
		err = find_roots(&s, rt, reach, is_root);
	if (!err) {
		memset(s.pre, 0xff, words * sizeof(*s.pre));
		search(&s);
		semi_nca(&s, is_root);
		err = results(&s, d);
	}
	for (size_t i = 0; i < PL_ARRAY_SIZE(arrays); i++)
		free(*arrays[i]);
	free(s.roots);
	free(is_root);
	if (err) {
		pl_dominators_destroy(d);
		return err;
	}
	*ret = d;
	return NULL;
}
