/* SPDX-License-Identifier: MIT */
/* agent_edges.h - in-process mode: the request libpyleaks gives the agent loaded into the
 * stopped process (the collector's lists to walk, and the types whose instances to traverse:
 * those the read-only decoders can only scan conservatively), and the references the agent's
 * calls to each object's own tp_traverse recorded, looked up by object address. The agent's
 * output is untrusted bytes like any other read from the target: every count is checked against
 * the size it came in. */
#ifndef PL_AGENT_EDGES_H
#define PL_AGENT_EDGES_H

#include <stddef.h>
#include <stdint.h>

#include "agent_abi.h"
#include "base/error.h"
#include "heap/heap.h"
#include "refs/typeinfo.h"
#include "runtime/runtime.h"

struct pl_agent_record {
	uint64_t addr;    /* the object */
	uint64_t start;   /* its references: words[start, start + count) */
	uint64_t count;
};

struct pl_agent_edges {
	uint64_t *words;
	size_t nwords;
	struct pl_agent_record *records;
	size_t nrecords;
	uint32_t *index;  /* pl_addr_index over records */
	size_t index_cap;
	uint64_t edges;   /* references in all */
};

/* The fields of the request (agent_abi.h) for TASK that both tasks share: the layout basics and
 * the collector's lists of the interpreters of heap H (walked or bare) of RT. */
struct pl_error *pl_agent_request_init(struct pl_runtime *rt, const struct pl_heap *h,
				       enum pl_agent_task task, struct pl_agent_request *req);

/* The request (agent_abi.h) for heap H of RT: its collector lists, and, unless ALL, the types
 * whose instances the read-only decoders scan conservatively (TYPES gives each type's info).
 * *BYTES (LEN long) is malloc'd. */
struct pl_error *pl_agent_request_build(struct pl_runtime *rt, const struct pl_heap *h,
					struct pl_types *types, bool all, uint8_t **bytes,
					size_t *len);

/* Is R the agent's answer to a request for TASK, and does it say the work was done? WHAT names
 * the task in the error (with the agent's own message when it failed). */
struct pl_error *pl_agent_answer_check(const struct pl_agent_request *r, enum pl_agent_task task,
				       const char *what);

/* Check what the agent left in the request REQ (REQ_LEN bytes: its status and per-list counts,
 * which must be the counts of heap H, walked read-only on the same stop) and take its output
 * OUT (OUT_LEN bytes). *RET is freed with pl_agent_edges_destroy. */
struct pl_error *pl_agent_edges_create(const struct pl_heap *h, const void *req, size_t req_len,
				       const void *out, size_t out_len, struct pl_agent_edges **ret);
void pl_agent_edges_destroy(struct pl_agent_edges *e);

/* The references the agent recorded for the object at OBJ (*N of them), or NULL if it did not
 * traverse it. */
const uint64_t *pl_agent_edges_of(const struct pl_agent_edges *e, uint64_t obj, size_t *n);

#endif
