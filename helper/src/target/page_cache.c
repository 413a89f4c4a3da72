/* SPDX-License-Identifier: MIT */
/* page_cache.c - a direct-mapped cache of target pages in front of a slow read (see
 * page_cache.h). */
#include <stdlib.h>
#include <string.h>

#include "target/page_cache.h"

enum { SMALL_PAGE = 4096 }; /* mappings start and end on these */

struct pl_error *pl_page_cache_init(struct pl_page_cache *c, size_t page, size_t npages,
				    pl_segment_read_fn *fill, void *fill_arg)
{
	memset(c, 0, sizeof(*c));
	c->page = page;
	c->npages = npages;
	c->fill = fill;
	c->fill_arg = fill_arg;
	c->lo = calloc(npages, sizeof(*c->lo));
	c->hi = calloc(npages, sizeof(*c->hi));
	c->data = malloc(npages * page);
	if (!c->lo || !c->hi || !c->data) {
		pl_page_cache_deinit(c);
		return &pl_enomem;
	}
	return NULL;
}

void pl_page_cache_deinit(struct pl_page_cache *c)
{
	free(c->lo);
	free(c->hi);
	free(c->data);
	c->lo = c->hi = NULL;
	c->data = NULL;
}

/* The slot holding [ADDR, ADDR + LEN) (inside one page), filled if need be; NULL if the bytes
 * cannot be had. */
static const uint8_t *slot_for(struct pl_page_cache *c, uint64_t addr, size_t len, size_t *slot)
{
	uint64_t page_addr = addr & ~(uint64_t)(c->page - 1);
	size_t s = (size_t)((page_addr / c->page) % c->npages);
	uint8_t *data = c->data + s * c->page;
	*slot = s;
	if (c->lo[s] <= addr && addr + len <= c->hi[s] && c->hi[s] - c->lo[s] <= c->page &&
	    c->lo[s] >= page_addr && c->hi[s] <= page_addr + c->page)
		return data + (addr - page_addr);
	c->lo[s] = c->hi[s] = 0;
	/* the whole page; or, where it runs past a mapping, the small pages the read needs */
	uint64_t lo = page_addr, hi = page_addr + c->page;
	if (c->fill(c->fill_arg, lo, data, c->page) != 0) {
		lo = addr & ~(uint64_t)(SMALL_PAGE - 1);
		hi = (addr + len + SMALL_PAGE - 1) & ~(uint64_t)(SMALL_PAGE - 1);
		if (c->fill(c->fill_arg, lo, data + (lo - page_addr), (size_t)(hi - lo)) != 0)
			return NULL;
	}
	c->lo[s] = lo;
	c->hi[s] = hi;
	return data + (addr - page_addr);
}

int pl_page_cache_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct pl_page_cache *c = arg;
	if (len > 4 * c->page) /* large reads bypass the cache */
		return c->fill(c->fill_arg, addr, buf, len);
	uint8_t *out = buf;
	while (len > 0) {
		uint64_t page_end = (addr & ~(uint64_t)(c->page - 1)) + c->page;
		size_t chunk = page_end - addr < len ? (size_t)(page_end - addr) : len;
		size_t slot;
		const uint8_t *p = slot_for(c, addr, chunk, &slot);
		if (!p)
			return -1;
		memcpy(out, p, chunk);
		out += chunk;
		addr += chunk;
		len -= chunk;
	}
	return 0;
}
