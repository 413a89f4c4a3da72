/* SPDX-License-Identifier: MIT */
/* addr_set.c - sets of target addresses, kept at most half full, and indexes keyed by them
 * (see addr_set.h). */
#include <stdlib.h>
#include <string.h>

#include "base/addr_set.h"
#include "base/internal.h"

static int grow(struct pl_addr_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	uint64_t *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->slots[i])
			continue;
		size_t k = pl_addr_hash(s->slots[i], cap);
		while (slots[k])
			k = (k + 1) & (cap - 1);
		slots[k] = s->slots[i];
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

int pl_addr_set_add(struct pl_addr_set *s, uint64_t addr)
{
	if ((s->n + 1) * 2 > s->cap && grow(s))
		return -1;
	size_t k = pl_addr_hash(addr, s->cap);
	for (; s->slots[k]; k = (k + 1) & (s->cap - 1))
		if (s->slots[k] == addr)
			return 0;
	s->slots[k] = addr;
	s->n++;
	return 1;
}

void pl_addr_set_free(struct pl_addr_set *s)
{
	free(s->slots);
	s->slots = NULL;
	s->n = s->cap = 0;
}

uint32_t *pl_addr_index(const void *base, size_t stride, size_t n, size_t cap)
{
	if (n >= cap || n > UINT32_MAX - 1)
		return NULL;
	uint32_t *idx = calloc(cap, sizeof(*idx));
	if (!idx)
		return NULL;
	pl_prefault(idx, cap * sizeof(*idx));
	/* each insert misses the cache: fetch the slot of the one AHEAD inserts later meanwhile */
	enum { AHEAD = 16 };
	for (size_t i = 0; i < n; i++) {
		uint64_t addr;
		if (i + AHEAD < n) {
			memcpy(&addr, (const char *)base + (i + AHEAD) * stride, sizeof(addr));
			__builtin_prefetch(&idx[pl_addr_hash(addr, cap)], 1);
		}
		memcpy(&addr, (const char *)base + i * stride, sizeof(addr));
		size_t s = pl_addr_hash(addr, cap);
		while (idx[s])
			s = (s + 1) & (cap - 1);
		idx[s] = (uint32_t)i + 1;
	}
	return idx;
}

size_t pl_addr_index_cap(size_t n)
{
	size_t cap = 1024;
	while (cap < 2 * n)
		cap *= 2;
	return cap;
}

int pl_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}
