/* SPDX-License-Identifier: MIT */
/* labels.c - the labels of the graph's references, decoded again on demand and cached per
 * referrer; and the names of nodes (see labels.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "graph/labels.h"

enum { LABEL_CACHES = 64 }; /* referrers whose labels are kept at once */

/* The labelled references of one referrer, hashed by target. */
struct label_cache {
	uint32_t from;
	uint64_t *targets;
	char **labels;
	size_t n, cap;      /* entries, and the hash table's size (a power of two) */
	bool failed;
};

struct pl_labels {
	struct pl_refs *r;
	const struct pl_graph *g;
	struct label_cache cache[LABEL_CACHES];
};

static void label_cache_clear(struct label_cache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->labels ? c->labels[i] : NULL);
	free(c->targets);
	free(c->labels);
	memset(c, 0, sizeof(*c));
}

struct pl_error *pl_labels_create(struct pl_refs *r, const struct pl_graph *g,
				  struct pl_labels **ret)
{
	struct pl_labels *L = calloc(1, sizeof(*L));
	if (!L)
		return &pl_enomem;
	L->r = r;
	L->g = g;
	*ret = L;
	return NULL;
}

const struct pl_graph *pl_labels_graph(const struct pl_labels *L)
{
	return L->g;
}

struct pl_refs *pl_labels_refs(const struct pl_labels *L)
{
	return L->r;
}

void pl_labels_destroy(struct pl_labels *L)
{
	if (!L)
		return;
	for (size_t i = 0; i < LABEL_CACHES; i++)
		label_cache_clear(&L->cache[i]);
	free(L);
}

static bool label_cache_put(struct label_cache *c, uint64_t target, const char *label);

static bool label_cache_grow(struct label_cache *c)
{
	struct label_cache bigger = { .from = c->from, .cap = c->cap ? c->cap * 2 : 64 };
	bigger.targets = calloc(bigger.cap, sizeof(*bigger.targets));
	bigger.labels = calloc(bigger.cap, sizeof(*bigger.labels));
	if (!bigger.targets || !bigger.labels) {
		free(bigger.targets);
		free(bigger.labels);
		return false;
	}
	for (size_t i = 0; i < c->cap; i++)
		if (c->labels[i] && !label_cache_put(&bigger, c->targets[i], c->labels[i])) {
			label_cache_clear(&bigger);
			return false;
		}
	label_cache_clear(c);
	*c = bigger;
	return true;
}

/* Keep the first label seen for TARGET. */
static bool label_cache_put(struct label_cache *c, uint64_t target, const char *label)
{
	if ((c->n + 1) * 2 > c->cap && !label_cache_grow(c))
		return false;
	size_t s = pl_addr_hash(target, c->cap);
	while (c->labels[s]) {
		if (c->targets[s] == target)
			return true;
		s = (s + 1) & (c->cap - 1);
	}
	c->labels[s] = strdup(label);
	if (!c->labels[s])
		return false;
	c->targets[s] = target;
	c->n++;
	return true;
}

static bool label_cache_visit(void *arg, uint64_t target, const char *label, enum pl_ref_kind kind)
{
	struct label_cache *c = arg;
	if (kind == PL_REF_WEAK)
		return true;
	char marked[PL_LABEL_MAX];
	if (kind == PL_REF_CONSERVATIVE) {
		snprintf(marked, sizeof(marked), "%s (conservative)", label);
		label = marked;
	}
	if (!label_cache_put(c, target, label))
		return !(c->failed = true);
	return true;
}

uint64_t pl_node_address(const struct pl_graph *g, uint32_t v)
{
	if (v < g->n)
		return g->heap->objects[v].addr;
	const struct pl_root *root = &g->roots->v[v - g->n];
	return root->kind == PL_ROOT_TYPE ? root->type
	     : root->kind == PL_ROOT_THREAD ? (root->frame ? root->frame : root->tstate)
					    : root->interp;
}

const char *pl_node_name(const struct pl_graph *g, uint32_t v, char *buf, size_t max)
{
	uint64_t addr = pl_node_address(g, v);
	long t = v < g->n ? pl_heap_type_at(g->heap, addr) : -1;
	if (t >= 0)
		snprintf(buf, max, "class %s at 0x%" PRIx64, g->heap->types[t].name, addr);
	else
		snprintf(buf, max, "%s at 0x%" PRIx64, pl_node_type_name(g, v), addr);
	return buf;
}

const char *pl_node_type_name(const struct pl_graph *g, uint32_t v)
{
	if (v < g->n)
		return g->heap->types[g->heap->objects[v].type].name;
	return pl_root_kind_name(g->roots->v[v - g->n].kind);
}

void pl_labels_get(struct pl_labels *L, uint32_t from, uint32_t to, char *buf, size_t max)
{
	const struct pl_graph *g = L->g;
	struct label_cache *c = &L->cache[from % LABEL_CACHES];
	if (c->from != from || !c->cap) {
		label_cache_clear(c);
		c->from = from;
		struct pl_error *err = from < g->n
			? pl_refs_each(L->r, g->heap->objects[from].addr, true, label_cache_visit, c)
			: pl_roots_each_ref(L->r, &g->roots->v[from - g->n], true, label_cache_visit, c);
		pl_error_destroy(err);
	}
	const char *label = "?";
	uint64_t target = pl_node_address(g, to);
	if (c->cap)
		for (size_t s = pl_addr_hash(target, c->cap); c->labels[s]; s = (s + 1) & (c->cap - 1))
			if (c->targets[s] == target) {
				label = c->labels[s];
				break;
			}
	snprintf(buf, max, "%s", label);
}

