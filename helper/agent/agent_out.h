/* SPDX-License-Identifier: MIT */
/* agent_out.h - the agent's mappings (never malloc), and its growing arrays of words in them:
 * the output gdb reads back, the census's stack and tallies. */
#ifndef PL_AGENT_OUT_H
#define PL_AGENT_OUT_H

#include <stddef.h>
#include <stdint.h>

struct pl_agent_words {
	uint64_t *words;
	size_t used, cap;  /* in words */
	int failed;        /* a mapping could not grow: what is here is cut short */
};

/* Map the first FIRST bytes; -1 if mmap fails. */
int pl_agent_words_init(struct pl_agent_words *w, size_t first);

/* Make room for NEED more words (doubling); -1 (and failed set) if the mapping cannot grow. */
int pl_agent_words_grow(struct pl_agent_words *w, size_t need);

/* Append WORD; -1 (and failed set) if the mapping cannot grow. */
static inline int pl_agent_put(struct pl_agent_words *w, uint64_t word)
{
	if (w->used == w->cap && pl_agent_words_grow(w, 1) != 0)
		return -1;
	w->words[w->used++] = word;
	return 0;
}

/* A new private mapping of BYTES, on huge pages where the kernel has them, its pages faulted
 * in at once; NULL if mmap fails. */
void *pl_agent_map(size_t bytes);

/* Unmap W. */
void pl_agent_words_free(struct pl_agent_words *w);

#endif
