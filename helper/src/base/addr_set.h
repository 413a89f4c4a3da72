/* SPDX-License-Identifier: MIT */
/* addr_set.h - sets of target addresses and indexes keyed by them, open addressing: a set to
 * visit each object, type or node once; an index over records that start with their address
 * (the heap's types and objects, a snapshot's addresses). */
#ifndef PL_ADDR_SET_H
#define PL_ADDR_SET_H

#include <stddef.h>
#include <stdint.h>

struct pl_addr_set {
	uint64_t *slots;  /* 0: empty */
	size_t n, cap;
};

/* Add ADDR (not 0): 1 if it is new, 0 if it was there, -1 if out of memory. */
int pl_addr_set_add(struct pl_addr_set *s, uint64_t addr);
void pl_addr_set_free(struct pl_addr_set *s);

/* An index of CAP slots (a power of two, more than N) over N records of STRIDE bytes at BASE,
 * each starting with its uint64_t address: slot -> record index + 1, 0 for an empty slot.
 * NULL if out of memory. */
uint32_t *pl_addr_index(const void *base, size_t stride, size_t n, size_t cap);

/* The order of two uint64_t (addresses), for qsort and bsearch. */
int pl_u64_cmp(const void *a, const void *b);

/* The smallest index capacity that keeps N records at most half full. */
size_t pl_addr_index_cap(size_t n);

#endif
