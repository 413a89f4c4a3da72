/* SPDX-License-Identifier: MIT */
/* addr_set.h - a set of target addresses (non-zero), open addressing: to visit each object,
 * type or node once. */
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

#endif
