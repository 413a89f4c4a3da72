/* SPDX-License-Identifier: MIT */
/* addr_set.c - a set of target addresses (see addr_set.h), kept at most half full. */
#include <stdlib.h>

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
