/* SPDX-License-Identifier: MIT */
/* agent_abi.h - what libpyleaks (in gdb) and the in-process agent (libpyleaks-agent.so, loaded
 * into the stopped process) exchange. gdb writes a request into a buffer it maps in the
 * process, calls pyleaks_agent_run(request) there, reads the request back (its "out" fields)
 * and the output the agent mapped, then calls pyleaks_agent_release(request). Plain fixed-size
 * fields only: the two sides are separate builds, and neither trusts the other's numbers.
 *
 * The output, in the agent's own mapping: for each object it traversed, its address, the
 * number of references its tp_traverse visited, and their addresses; all uint64_t. */
#ifndef PL_AGENT_ABI_H
#define PL_AGENT_ABI_H

#include <stdint.h>

#define PL_AGENT_MAGIC 0x3151455241594c50ull /* "PLYAREQ1" */
#define PL_AGENT_ABI 1

enum {
	PL_AGENT_MAX_LISTS = 64,      /* GC list heads: 4 per interpreter */
	PL_AGENT_MESSAGE = 128,
};

enum pl_agent_status {
	PL_AGENT_OK = 0,
	PL_AGENT_BAD_REQUEST = -1,    /* wrong magic, ABI or numbers */
	PL_AGENT_NO_MEMORY = -2,      /* mmap or mremap failed */
	PL_AGENT_LIST_BROKEN = -3,    /* a list did not come back to its head in time */
};

struct pl_agent_request {
	uint64_t magic, abi;
	/* in: what to walk */
	uint64_t nlists;
	uint64_t lists[PL_AGENT_MAX_LISTS]; /* addresses of the GC list heads (bare PyGC_Head) */
	uint64_t gc_head_size;              /* from a PyGC_Head to its object */
	uint64_t gc_next_mask;              /* the bits of _gc_next that are the address */
	uint64_t ob_type;                   /* offsetof(PyObject, ob_type) */
	uint64_t tp_traverse;               /* offsetof(PyTypeObject, tp_traverse) */
	uint64_t max_objects;               /* per list: more means the list is broken */
	uint64_t all;                       /* 1: traverse every object; 0: those whose type is in */
	uint64_t ntypes, types_offset;      /* a sorted array of type addresses at request +
					     * types_offset, ntypes long */
	/* out: what the agent did */
	int64_t status;                     /* enum pl_agent_status */
	uint64_t out, out_used, out_mapped; /* the output mapping: address, bytes written, mapped */
	uint64_t objects, edges;            /* records and references in the output */
	uint64_t counts[PL_AGENT_MAX_LISTS]; /* objects on each list */
	char message[PL_AGENT_MESSAGE];
};

#endif
