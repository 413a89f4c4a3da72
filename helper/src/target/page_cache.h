/* SPDX-License-Identifier: MIT */
/* page_cache.h - a direct-mapped cache of target pages in front of a slow read function (a
 * system call per read of /proc/PID/mem, a round trip per read of a remote target), so that a
 * heap walk's many small reads cost few slow ones. Each slot remembers which bytes of its page
 * it holds: a page that runs past the end of a mapping is filled as far as it can be. */
#ifndef PL_PAGE_CACHE_H
#define PL_PAGE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "target/target.h"

struct pl_page_cache {
	size_t page;               /* bytes per page, a power of two, a multiple of 4096 */
	size_t npages;             /* slots */
	uint64_t *lo, *hi;         /* per slot: the bytes [lo, hi) it holds (lo == hi: none) */
	uint8_t *data;             /* npages * page bytes */
	pl_segment_read_fn *fill;  /* the slow read */
	void *fill_arg;
};

/* A cache of NPAGES pages of PAGE bytes over FILL(FILL_ARG, ...). */
struct pl_error *pl_page_cache_init(struct pl_page_cache *c, size_t page, size_t npages,
				    pl_segment_read_fn *fill, void *fill_arg);
void pl_page_cache_deinit(struct pl_page_cache *c);

/* A pl_segment_read_fn over the cache C (ARG): LEN bytes at ADDR into BUF, 0 or -1. Large reads
 * go to the slow read at once. */
int pl_page_cache_read(void *arg, uint64_t addr, void *buf, size_t len);

#endif
