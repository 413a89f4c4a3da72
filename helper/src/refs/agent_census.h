/* SPDX-License-Identifier: MIT */
/* agent_census.h - in-process mode's census: the request that has the agent loaded into the
 * stopped process count every object where it lies (the collector's lists, the layout and the
 * builtin types sizes need, the fields the read-only decoders read beyond tp_traverse, and what
 * the roots hold), and the heap made of its records: the same object table the read-only walk
 * and graph build, without reading the heap from outside. The agent's output is untrusted
 * bytes like any other read from the target. */
#ifndef PL_AGENT_CENSUS_H
#define PL_AGENT_CENSUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "heap/heap.h"
#include "runtime/runtime.h"

/* The census request for RT, whose interpreters BARE (pl_heap_create_bare) holds: with TALLY,
 * for per-type tallies instead of a record per object (the census alone, no object's
 * identity). *BYTES (LEN long) is malloc'd. */
struct pl_error *pl_agent_census_request(struct pl_runtime *rt, const struct pl_heap *bare,
					 bool tally, uint8_t **bytes, size_t *len);

/* Check what the agent left in the request REQ (REQ_LEN bytes, read back from the process,
 * before the agent is released; asked for tallies if TALLY) and take its census into BARE: its records (read a chunk at
 * a time; tracked ones first) or its tallies (BARE's objects then unlisted, pl_heap_listed);
 * then add the untracked objects the agent cannot see, read read-only (those only a module's
 * C state holds, or only a root found through the census's own types and modules). Fails
 * with PL_ERR_LIMIT if a tally did not list all the objects read on top of it. */
struct pl_error *pl_agent_census_take(struct pl_runtime *rt, struct pl_heap *bare, bool tally,
				      const void *req, size_t req_len);

#endif
