/* SPDX-License-Identifier: MIT */
/* tally.c - objects counted by type (see tally.h); a hash on the type keeps a container with
 * a million items of a few types linear. */
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "graph/tally.h"

static size_t slot_of(uint32_t type, size_t cap)
{
	return pl_addr_hash((uint64_t)type << 3, cap);
}

static bool reindex(struct pl_tally *t, size_t cap)
{
	uint32_t *idx = calloc(cap, sizeof(*idx));
	if (!idx)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		size_t s = slot_of(t->v[i].type, cap);
		while (idx[s])
			s = (s + 1) & (cap - 1);
		idx[s] = (uint32_t)i + 1;
	}
	free(t->index);
	t->index = idx;
	t->index_cap = cap;
	return true;
}

bool pl_tally_add(struct pl_tally *t, uint32_t type, uint32_t example, uint64_t count,
		  uint64_t bytes)
{
	if ((t->n + 1) * 2 > t->index_cap && !reindex(t, t->index_cap ? 2 * t->index_cap : 32))
		return false;
	size_t s = slot_of(type, t->index_cap);
	for (; t->index[s]; s = (s + 1) & (t->index_cap - 1)) {
		struct pl_tally_entry *e = &t->v[t->index[s] - 1];
		if (e->type == type) {
			e->count += count;
			e->bytes += bytes;
			return true;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct pl_tally_entry *v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return false;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n] = (struct pl_tally_entry){ type, example, count, bytes };
	t->index[s] = (uint32_t)++t->n;
	return true;
}

void pl_tally_clear(struct pl_tally *t)
{
	if (t->n && t->index)
		memset(t->index, 0, t->index_cap * sizeof(*t->index));
	t->n = 0;
}

void pl_tally_free(struct pl_tally *t)
{
	free(t->v);
	free(t->index);
	memset(t, 0, sizeof(*t));
}

const struct pl_tally_entry *pl_tally_top(const struct pl_tally *t)
{
	const struct pl_tally_entry *best = NULL;
	for (size_t i = 0; i < t->n; i++)
		if (!best || t->v[i].bytes > best->bytes)
			best = &t->v[i];
	return best;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct pl_tally_entry *x = a, *y = b;
	if (x->bytes != y->bytes)
		return (x->bytes < y->bytes) - (x->bytes > y->bytes);
	return (x->type > y->type) - (x->type < y->type);
}

void pl_tally_sort(struct pl_tally *t)
{
	pl_sort(t->v, t->n, sizeof(*t->v), entry_cmp);
	if (t->index_cap && !reindex(t, t->index_cap)) { /* the next add builds it again */
		free(t->index);
		t->index = NULL;
		t->index_cap = 0;
	}
}
