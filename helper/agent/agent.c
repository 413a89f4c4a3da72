/* SPDX-License-Identifier: MIT */
/* agent.c - the in-process agent: a small shared object, linked with libc alone, that gdb loads
 * into a stopped CPython process (dlopen) and calls once per task. Its two tasks (agent_abi.h):
 * walk the collector's lists in place and record, for the objects asked for, what their own
 * tp_traverse visits; or take the whole census there (census.c). It allocates nothing with
 * malloc, takes no lock, runs no Python code, changes no object, and calls nothing of the
 * process but the tp_traverse functions (which only read). Every loop is capped: a broken list
 * ends the walk with a status, not a hang. gdb calls it with unwindonsignal on: a fault unwinds
 * the call. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "agent_abi.h"
#include "agent_out.h"
#include "census.h"
#include "seen.h"

#define AGENT_API __attribute__((visibility("default")))

typedef int (*visitproc)(void *object, void *arg);
typedef int (*traverseproc)(void *self, visitproc visit, void *arg);

enum { FIRST_MAPPING = 16 << 20 }; /* bytes; grown by doubling */

struct edges {
	struct pl_agent_request *req;
	struct pl_agent_words *out;
};

/* tp_traverse's callback: note one reference of the current record. */
static int visit(void *object, void *arg)
{
	struct edges *e = arg;
	if (!object)
		return 0;
	if (pl_agent_put(e->out, (uint64_t)(uintptr_t)object) != 0)
		return 1; /* stop this traverse; the status says why */
	e->req->edges++;
	return 0;
}

static int wanted(const struct pl_agent_request *req, const uint64_t *types, uint64_t type)
{
	if (req->all)
		return 1;
	uint64_t lo = 0, hi = req->ntypes;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (types[mid] == type)
			return 1;
		if (types[mid] < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Traverse the object OBJ of type TYPE into E's output: its record is its address, then the
 * count of references (filled in after), then the references. */
static void record(struct edges *e, uint64_t obj, uint64_t type)
{
	const struct pl_agent_request *req = e->req;
	traverseproc traverse = *(traverseproc *)(uintptr_t)(type + req->tp_traverse);
	if (!traverse)
		return;
	if (pl_agent_put(e->out, obj) != 0 || pl_agent_put(e->out, 0) != 0)
		return;
	size_t count_at = e->out->used - 1;
	traverse((void *)(uintptr_t)obj, visit, e);
	e->out->words[count_at] = e->out->used - count_at - 1;
	e->req->objects++;
}

/* Task PL_AGENT_EDGES: walk every list, traversing the objects of the types asked for. */
static long edges(struct pl_agent_request *req, struct pl_agent_words *out)
{
	if (!req->all && req->ntypes && req->types_offset < sizeof(*req))
		return PL_AGENT_BAD_REQUEST;
	const uint64_t *types = (const uint64_t *)((const char *)req + req->types_offset);
	struct edges e = { req, out };
	long status = PL_AGENT_OK;
	for (uint64_t l = 0; l < req->nlists && !out->failed; l++) {
		uint64_t head = req->lists[l], g, n = 0;
		req->counts[l] = 0;
		if (!head) /* no such list (3.6 has no permanent generation) */
			continue;
		g = *(uint64_t *)(uintptr_t)head & req->gc_next_mask;
		for (; g != head && g && !out->failed; n++) {
			if (n >= req->max_objects) {
				status = PL_AGENT_LIST_BROKEN;
				break;
			}
			uint64_t obj = g + req->gc_head_size;
			uint64_t type = *(uint64_t *)(uintptr_t)(obj + req->ob_type);
			if (type && wanted(req, types, type))
				record(&e, obj, type);
			g = *(uint64_t *)(uintptr_t)g & req->gc_next_mask;
		}
		if (!g)
			status = PL_AGENT_LIST_BROKEN;
		req->counts[l] = n;
	}
	return status;
}

static void say(struct pl_agent_request *req, int64_t status, const char *message)
{
	req->status = status;
	size_t n = strlen(message);
	if (n >= sizeof(req->message))
		n = sizeof(req->message) - 1;
	memcpy(req->message, message, n);
	req->message[n] = '\0';
}

static const char *status_text(long status)
{
	switch (status) {
	case PL_AGENT_OK:
		return "ok";
	case PL_AGENT_BAD_REQUEST:
		return "the request does not fit this agent (another build of pyleaks?)";
	case PL_AGENT_NO_MEMORY:
		return "out of memory for the output (mmap or mremap failed)";
	case PL_AGENT_LIST_BROKEN:
		return "a collector list is broken (it does not come back to its head)";
	case PL_AGENT_TOO_MANY:
		return "more untracked objects than the process's memory could hold: something loops";
	default:
		return "unknown status";
	}
}

AGENT_API long pyleaks_agent_run(struct pl_agent_request *req);
AGENT_API long pyleaks_agent_release(struct pl_agent_request *req);

long pyleaks_agent_run(struct pl_agent_request *req)
{
	if (!req || req->magic != PL_AGENT_MAGIC || req->abi != PL_AGENT_ABI ||
	    req->nlists > PL_AGENT_MAX_LISTS || req->gc_head_size > 64 || req->ob_type > 64 ||
	    req->tp_traverse > 1024 || (req->task != PL_AGENT_EDGES && req->task != PL_AGENT_CENSUS)) {
		if (req)
			say(req, PL_AGENT_BAD_REQUEST, status_text(PL_AGENT_BAD_REQUEST));
		return PL_AGENT_BAD_REQUEST;
	}
	req->out = req->out_used = req->out_mapped = req->objects = req->edges = 0;
	req->tracked = req->untracked = 0;
	req->ntallies = req->tallies_at = req->seen_slots = req->seen_cap = req->seen_slabs = 0;
	struct pl_agent_words out;
	if (pl_agent_words_init(&out, FIRST_MAPPING) != 0) {
		say(req, PL_AGENT_NO_MEMORY, status_text(PL_AGENT_NO_MEMORY));
		return PL_AGENT_NO_MEMORY;
	}
	long status = req->task == PL_AGENT_CENSUS ? pl_agent_census(req, &out) : edges(req, &out);
	if (out.failed && status == PL_AGENT_OK)
		status = PL_AGENT_NO_MEMORY;
	req->out = (uint64_t)(uintptr_t)out.words;
	req->out_used = out.used * 8;
	req->out_mapped = out.cap * 8;
	say(req, status, status_text(status));
	return status;
}

long pyleaks_agent_release(struct pl_agent_request *req)
{
	if (!req || req->magic != PL_AGENT_MAGIC)
		return -1;
	pl_seen_unmap(req->seen_slots, req->seen_cap, req->seen_slabs);
	req->seen_slots = req->seen_cap = req->seen_slabs = 0;
	if (!req->out)
		return -1;
	long rc = munmap((void *)(uintptr_t)req->out, req->out_mapped);
	req->out = req->out_used = req->out_mapped = 0;
	return rc;
}
