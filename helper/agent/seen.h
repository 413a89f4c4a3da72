/* SPDX-License-Identifier: MIT */
/* seen.h - the in-process census's set of the untracked objects it found: a bit per 8 bytes
 * of address space, in bitmaps of 256 KiB of addresses each, found through a small hash
 * table of those bitmaps. Objects lie close to the objects allocated with them, so one
 * object's references mostly land in a few bitmaps that stay in the cache (a hash set of
 * addresses costs a cache miss per object). In mappings of its own (never malloc). */
#ifndef PL_AGENT_SEEN_H
#define PL_AGENT_SEEN_H

#include <stddef.h>
#include <stdint.h>

#include "agent_abi.h"

enum {
	PL_SEEN_SPAN_SHIFT = PL_AGENT_SEEN_SHIFT, /* each bitmap covers 1 << 18 bytes of addresses */
	PL_SEEN_BITMAP = (1 << PL_SEEN_SPAN_SHIFT) / 8 / 8, /* bytes: 4 KiB */
};

struct pl_seen {
	struct pl_agent_seen_slot *slots; /* open addressing on the span (pl_agent_seen_slot_of) */
	size_t cap, nspans, max_spans;
	uint8_t *slab;           /* where the next bitmaps are cut from */
	size_t slab_used;
	void *slabs;             /* the slabs mapped, each linked to the one before by its first word */
	uint64_t n;              /* addresses in the set */
};

/* An empty set that takes at most MAX_SPANS bitmaps; -1 if mmap fails. */
int pl_seen_init(struct pl_seen *s, size_t max_spans);

/* The bitmap word of ADDR (a multiple of 8), its bitmap added if needed; NULL if out of
 * memory or past the set's limit. */
uint64_t *pl_seen_word(struct pl_seen *s, uint64_t addr);

/* Unmap everything. */
void pl_seen_free(struct pl_seen *s);

/* Unmap a set left mapped for gdb's side: its table of CAP slots and its chain of slabs. */
void pl_seen_unmap(uint64_t slots, uint64_t cap, uint64_t slabs);

#endif
