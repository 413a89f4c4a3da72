/* SPDX-License-Identifier: MIT */
/* tally.h - objects counted by type: how many, the bytes they retain, one of them. What
 * the suspects are made of: the items of a container, the members of a group of cycles. */
#ifndef PL_TALLY_H
#define PL_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pl_tally_entry {
	uint32_t type;       /* a heap type */
	uint32_t example;    /* one of them (a graph node) */
	uint64_t count;
	uint64_t bytes;
};

struct pl_tally {
	struct pl_tally_entry *v;
	size_t n, cap;
	uint32_t *index;     /* open addressing on the type: entry + 1 */
	size_t index_cap;
};

/* Add COUNT objects of TYPE retaining BYTES (EXAMPLE one of them). False if out of memory. */
bool pl_tally_add(struct pl_tally *t, uint32_t type, uint32_t example, uint64_t count,
		  uint64_t bytes);

/* Empty T, keeping its room. */
void pl_tally_clear(struct pl_tally *t);
void pl_tally_free(struct pl_tally *t);

/* The entry with the most bytes, or NULL if T is empty. */
const struct pl_tally_entry *pl_tally_top(const struct pl_tally *t);

/* Sort the entries, most bytes first. */
void pl_tally_sort(struct pl_tally *t);

#endif
