/* SPDX-License-Identifier: MIT */
/* seen.c - the census's set of untracked objects found, a bitmap per 256 KiB of addresses
 * (see seen.h). */
#include <string.h>
#include <sys/mman.h>

#include "agent_out.h"
#include "seen.h"

enum { FIRST_SLOTS = 1 << 10, SLAB = 2 << 20 /* bytes: 511 bitmaps and the link */ };

int pl_seen_init(struct pl_seen *s, size_t max_spans)
{
	memset(s, 0, sizeof(*s));
	s->max_spans = max_spans;
	s->cap = FIRST_SLOTS;
	s->slots = pl_agent_map(s->cap * sizeof(*s->slots));
	return s->slots ? 0 : -1;
}

static int grow_slots(struct pl_seen *s)
{
	size_t cap = s->cap * 2;
	struct pl_agent_seen_slot *n = pl_agent_map(cap * sizeof(*n));
	if (!n)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->slots[i].span)
			continue;
		size_t j = pl_agent_seen_slot_of(s->slots[i].span, cap);
		while (n[j].span)
			j = (j + 1) & (cap - 1);
		n[j] = s->slots[i];
	}
	munmap(s->slots, s->cap * sizeof(*s->slots));
	s->slots = n;
	s->cap = cap;
	return 0;
}

/* A zeroed bitmap, cut from the current slab or a new one. */
static uint64_t *new_bitmap(struct pl_seen *s)
{
	if (!s->slab || s->slab_used + PL_SEEN_BITMAP > SLAB) {
		uint8_t *slab = pl_agent_map(SLAB);
		if (!slab)
			return NULL;
		*(void **)slab = s->slabs;
		s->slabs = slab;
		s->slab = slab;
		s->slab_used = PL_SEEN_BITMAP; /* the first bitmap's room holds the link */
	}
	uint64_t *bits = (uint64_t *)(s->slab + s->slab_used);
	s->slab_used += PL_SEEN_BITMAP;
	return bits;
}

uint64_t *pl_seen_word(struct pl_seen *s, uint64_t addr)
{
	uint64_t span = pl_agent_seen_span(addr);
	size_t word = (size_t)pl_agent_seen_word(addr);
	size_t i = pl_agent_seen_slot_of(span, s->cap);
	for (; s->slots[i].span; i = (i + 1) & (s->cap - 1))
		if (s->slots[i].span == span)
			return (uint64_t *)(uintptr_t)s->slots[i].bits + word;
	if (s->nspans >= s->max_spans)
		return NULL;
	uint64_t *bits = new_bitmap(s);
	if (!bits)
		return NULL;
	if ((s->nspans + 1) * 2 > s->cap) {
		if (grow_slots(s) != 0)
			return NULL; /* the bitmap stays in its slab, unused */
		for (i = pl_agent_seen_slot_of(span, s->cap); s->slots[i].span; i = (i + 1) & (s->cap - 1))
			;
	}
	s->slots[i] = (struct pl_agent_seen_slot){ span, (uint64_t)(uintptr_t)bits };
	s->nspans++;
	return bits + word;
}

void pl_seen_unmap(uint64_t slots, uint64_t cap, uint64_t slabs)
{
	void *slab = (void *)(uintptr_t)slabs;
	for (size_t n = 0; slab && n < ((size_t)1 << 32); n++) {
		void *next = *(void **)slab;
		munmap(slab, SLAB);
		slab = next;
	}
	if (slots)
		munmap((void *)(uintptr_t)slots, cap * sizeof(struct pl_agent_seen_slot));
}

void pl_seen_free(struct pl_seen *s)
{
	pl_seen_unmap((uint64_t)(uintptr_t)s->slots, s->cap, (uint64_t)(uintptr_t)s->slabs);
	memset(s, 0, sizeof(*s));
}
