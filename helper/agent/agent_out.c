/* SPDX-License-Identifier: MIT */
/* agent_out.c - the agent's mappings and its growing arrays of words (see agent_out.h). */
#include <sys/mman.h>

#include "agent_out.h"

/* Fault in the pages of [P, P + N) at once: one call instead of a fault per page, which costs
 * most on virtual machines. A kernel without MADV_POPULATE_WRITE (before 5.14) faults them in
 * as they are written, as before. */
static void prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	(void)madvise(p, n, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}

/* Ask for huge pages for the whole mapping P (N bytes), where the kernel has them: a fault per
 * 2 MiB instead of per page. The whole mapping: advice on a part would split it, and mremap
 * cannot grow a mapping across the split. */
static void huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	(void)madvise(p, n, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

void *pl_agent_map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	huge(p, bytes);
	prefault(p, bytes);
	return p;
}

int pl_agent_words_init(struct pl_agent_words *w, size_t first)
{
	w->used = 0;
	w->failed = 0;
	w->cap = first / 8;
	w->words = pl_agent_map(first);
	if (!w->words) {
		w->cap = 0;
		w->failed = 1;
		return -1;
	}
	return 0;
}

int pl_agent_words_grow(struct pl_agent_words *w, size_t need)
{
	size_t cap = w->cap;
	while (cap - w->used < need)
		cap *= 2;
	void *p = mremap(w->words, w->cap * 8, cap * 8, MREMAP_MAYMOVE);
	if (p == MAP_FAILED) {
		w->failed = 1;
		return -1;
	}
	huge(p, cap * 8);
	prefault((char *)p + w->cap * 8, (cap - w->cap) * 8);
	w->words = p;
	w->cap = cap;
	return 0;
}

void pl_agent_words_free(struct pl_agent_words *w)
{
	if (w->words)
		munmap(w->words, w->cap * 8);
	w->words = NULL;
	w->cap = w->used = 0;
}
