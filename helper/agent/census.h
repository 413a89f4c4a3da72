/* SPDX-License-Identifier: MIT */
/* census.h - the in-process census (task PL_AGENT_CENSUS of agent_abi.h). */
#ifndef PL_AGENT_CENSUS_H
#define PL_AGENT_CENSUS_H

#include "agent_abi.h"
#include "agent_out.h"

/* Walk the lists of REQ, size every object and find the untracked ones their references (and
 * the roots') reach, writing a record of each to OUT. Returns an enum pl_agent_status, and
 * says why in REQ. */
long pl_agent_census(struct pl_agent_request *req, struct pl_agent_words *out);

#endif
