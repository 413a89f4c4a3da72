/* SPDX-License-Identifier: MIT */
/* components.c - strongly connected components of a set of nodes and their groups (see
 * components.h). Linear in the set and its edges; nothing recurses. */
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "graph/components.h"

#define NONE UINT32_MAX
#define ON_STACK (UINT32_MAX - 1)

enum { KEY_TYPES = 8 }; /* types that key a group */

void pl_component_groups_free(struct pl_component_group *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		pl_tally_free(&v[i].members);
	free(v);
}

/* COMP[v] for each node of the set: its component (Tarjan's algorithm, explicit stacks). */
static struct pl_error *components(const struct pl_graph *g, const uint8_t *in_set, uint32_t *comp,
				   size_t *ncomp_ret)
{
	size_t n = g->n, ncomp = 0;
	uint32_t *idx = malloc(n * sizeof(*idx)), *low = malloc(n * sizeof(*low));
	uint32_t *stack = malloc(n * sizeof(*stack)), *call = malloc(n * sizeof(*call));
	uint64_t *edge = malloc(n * sizeof(*edge));
	struct pl_error *err = idx && low && stack && call && edge ? NULL : &pl_enomem;
	if (!err)
		memset(idx, 0xff, n * sizeof(*idx));
	uint32_t counter = 0;
	size_t sp = 0, cp = 0;
	for (uint32_t root = 0; !err && root < n; root++) {
		if (!in_set[root] || idx[root] != NONE)
			continue;
		idx[root] = low[root] = counter++;
		stack[sp++] = root;
		comp[root] = ON_STACK;
		call[cp] = root;
		edge[cp++] = g->fwd_off[root];
		while (cp) {
			uint32_t u = call[cp - 1];
			if (edge[cp - 1] < g->fwd_off[u + 1]) {
				uint32_t w = g->fwd[edge[cp - 1]++];
				if (w >= n || !in_set[w])
					continue;
				if (idx[w] == NONE) {
					idx[w] = low[w] = counter++;
					stack[sp++] = w;
					comp[w] = ON_STACK;
					call[cp] = w;
					edge[cp++] = g->fwd_off[w];
				} else if (comp[w] == ON_STACK && idx[w] < low[u]) {
					low[u] = idx[w];
				}
				continue;
			}
			cp--;
			if (cp && low[u] < low[call[cp - 1]])
				low[call[cp - 1]] = low[u];
			if (low[u] == idx[u]) {
				uint32_t w;
				do {
					w = stack[--sp];
					comp[w] = (uint32_t)ncomp;
				} while (w != u);
				ncomp++;
			}
		}
	}
	free(idx);
	free(low);
	free(stack);
	free(call);
	free(edge);
	*ncomp_ret = ncomp;
	return err;
}

/* Does node V, alone in its component, hold itself? */
static bool holds_itself(const struct pl_graph *g, uint32_t v)
{
	for (uint64_t e = g->fwd_off[v]; e < g->fwd_off[v + 1]; e++)
		if (g->fwd[e] == v)
			return true;
	return false;
}

/* OWNER[v] for each node of the set: the component that keeps it. The cycles first,
 * breadth-first from all of them at once; then each node no cycle reaches, in order, for
 * itself and what it alone reaches. CYCLE[c]: component c is a cycle. */
static struct pl_error *owners(const struct pl_graph *g, const uint8_t *in_set,
			       const uint32_t *comp, const uint8_t *cycle, uint32_t *owner)
{
	uint32_t *queue = malloc((g->n ? g->n : 1) * sizeof(*queue));
	if (!queue)
		return &pl_enomem;
	size_t head = 0, tail = 0;
	for (uint32_t v = 0; v < g->n; v++) {
		owner[v] = NONE;
		if (in_set[v] && cycle[comp[v]]) {
			owner[v] = comp[v];
			queue[tail++] = v;
		}
	}
	for (uint32_t start = 0; start <= g->n; start++) {
		while (head < tail) {
			uint32_t u = queue[head++];
			for (uint64_t e = g->fwd_off[u]; e < g->fwd_off[u + 1]; e++) {
				uint32_t w = g->fwd[e];
				if (w < g->n && in_set[w] && owner[w] == NONE) {
					owner[w] = owner[u];
					queue[tail++] = w;
				}
			}
		}
		if (start < g->n && in_set[start] && owner[start] == NONE) {
			owner[start] = comp[start];
			queue[tail++] = start;
		}
	}
	free(queue);
	return NULL;
}

/* Groups, keyed by the sorted types of their components' members. */
struct index {
	uint32_t *keys;      /* KEY_TYPES per group, plus the cycle flag */
	uint32_t *slots;     /* open addressing: group + 1 */
	size_t cap;
};

static uint64_t key_hash(const uint32_t *key)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i <= KEY_TYPES; i++)
		h = (h ^ key[i]) * 1099511628211ull;
	return h;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The group of KEY: found, or added to *V (of *N, room *CAP); -1 if out of memory. */
static long group_of(struct index *ix, const uint32_t *key, struct pl_component_group **v,
		     size_t *n, size_t *cap)
{
	size_t kw = KEY_TYPES + 1;
	if ((*n + 1) * 2 > ix->cap) {
		size_t ncap = ix->cap ? 2 * ix->cap : 256;
		uint32_t *slots = calloc(ncap, sizeof(*slots));
		if (!slots)
			return -1;
		for (size_t i = 0; i < *n; i++) {
			size_t s = key_hash(ix->keys + i * kw) & (ncap - 1);
			while (slots[s])
				s = (s + 1) & (ncap - 1);
			slots[s] = (uint32_t)i + 1;
		}
		free(ix->slots);
		ix->slots = slots;
		ix->cap = ncap;
	}
	size_t s = key_hash(key) & (ix->cap - 1);
	for (; ix->slots[s]; s = (s + 1) & (ix->cap - 1))
		if (memcmp(ix->keys + (ix->slots[s] - 1) * kw, key, kw * sizeof(*key)) == 0)
			return ix->slots[s] - 1;
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		struct pl_component_group *more = realloc(*v, ncap * sizeof(*more));
		uint32_t *keys = realloc(ix->keys, ncap * kw * sizeof(*keys));
		if (more)
			*v = more;
		if (keys)
			ix->keys = keys;
		if (!more || !keys)
			return -1;
		*cap = ncap;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	memcpy(ix->keys + *n * kw, key, kw * sizeof(*key));
	ix->slots[s] = (uint32_t)*n + 1;
	return (long)(*n)++;
}

struct pl_error *pl_component_groups(const struct pl_graph *g, const uint32_t *canon,
				     const uint8_t *in_set, const uint64_t *bytes,
				     struct pl_component_group **ret, size_t *n_ret)
{
	const struct pl_heap *h = g->heap;
	size_t n = g->n, ncomp = 0, ngroups = 0, cap = 0;
	struct pl_component_group *groups = NULL;
	struct index ix = { 0 };
	struct pl_tally t = { 0 };
	*ret = NULL;
	*n_ret = 0;
	if (!n)
		return NULL;
	uint32_t *comp = malloc(n * sizeof(*comp)), *owner = malloc(n * sizeof(*owner));
	uint32_t *start = NULL, *order = NULL, *size = NULL;
	uint8_t *cycle = NULL;
	struct pl_error *err = comp && owner ? components(g, in_set, comp, &ncomp) : &pl_enomem;
	if (!err && (!(size = calloc(ncomp + 1, sizeof(*size))) || !(cycle = calloc(ncomp + 1, 1))))
		err = &pl_enomem;
	for (uint32_t v = 0; !err && v < n; v++)
		if (in_set[v] && ++size[comp[v]] >= 2)
			cycle[comp[v]] = 1;
	for (uint32_t v = 0; !err && v < n; v++)
		if (in_set[v] && size[comp[v]] == 1 && holds_itself(g, v))
			cycle[comp[v]] = 1;
	if (!err)
		err = owners(g, in_set, comp, cycle, owner);
	/* the nodes each component keeps, together: counting sort on the owner */
	if (!err && (!(start = calloc(ncomp + 2, sizeof(*start))) || !(order = malloc(n * sizeof(*order)))))
		err = &pl_enomem;
	for (uint32_t v = 0; !err && v < n; v++)
		if (in_set[v])
			start[owner[v] + 2]++;
	for (size_t c = 0; !err && c < ncomp; c++)
		start[c + 2] += start[c + 1];
	for (uint32_t v = 0; !err && v < n; v++)
		if (in_set[v])
			order[start[owner[v] + 1]++] = v;
	for (size_t c = 0; !err && c < ncomp; c++) {
		if (start[c] == start[c + 1])
			continue; /* kept by another component */
		uint64_t objects = 0, sum = 0;
		uint8_t gen = 0;
		bool tracked = false;
		pl_tally_clear(&t);
		for (uint32_t k = start[c]; k < start[c + 1]; k++) {
			uint32_t v = order[k];
			objects++;
			sum += bytes ? bytes[v] : h->objects[v].size;
			tracked |= comp[v] == c && pl_heap_is_tracked(h, v);
		}
		/* the component's own members make its key: the tracked ones if any */
		for (uint32_t k = start[c]; k < start[c + 1] && !err; k++) {
			uint32_t v = order[k];
			if (comp[v] != c || (tracked && !pl_heap_is_tracked(h, v)))
				continue;
			if (pl_heap_is_tracked(h, v) && h->objects[v].gen < 4 && h->objects[v].gen > gen)
				gen = h->objects[v].gen;
			if (!pl_tally_add(&t, canon[h->objects[v].type], v, 1,
					  bytes ? bytes[v] : h->objects[v].size))
				err = &pl_enomem;
		}
		uint32_t key[KEY_TYPES + 1];
		size_t nk = 0;
		for (size_t i = 0; i < t.n && nk < KEY_TYPES; i++)
			key[nk++] = t.v[i].type;
		pl_sort(key, nk, sizeof(*key), u32_cmp);
		while (nk < KEY_TYPES)
			key[nk++] = NONE;
		key[KEY_TYPES] = cycle[c];
		long gi = err ? -1 : group_of(&ix, key, &groups, &ngroups, &cap);
		if (gi < 0) {
			err = err ? err : &pl_enomem;
			break;
		}
		struct pl_component_group *grp = &groups[gi];
		grp->components++;
		grp->objects += objects;
		grp->bytes += sum;
		grp->cycles = cycle[c];
		if (gen > grp->max_gen)
			grp->max_gen = gen;
		for (size_t i = 0; i < t.n && !err; i++)
			if (!pl_tally_add(&grp->members, t.v[i].type, t.v[i].example, t.v[i].count,
					  t.v[i].bytes))
				err = &pl_enomem;
	}
	for (size_t i = 0; !err && i < ngroups; i++)
		pl_tally_sort(&groups[i].members);
	pl_tally_free(&t);
	free(ix.keys);
	free(ix.slots);
	free(comp);
	free(owner);
	free(start);
	free(order);
	free(size);
	free(cycle);
	if (err) {
		pl_component_groups_free(groups, ngroups);
		return err;
	}
	*ret = groups;
	*n_ret = ngroups;
	return NULL;
}
