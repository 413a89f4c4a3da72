/* SPDX-License-Identifier: MIT */
/* agent.c - the in-process agent: a small shared object, linked with libc alone, that gdb loads
 * into a stopped CPython process (dlopen) and calls once per stop. It walks the collector's
 * lists in place and, for the objects asked for, calls each one's own tp_traverse, recording
 * the addresses it visits in a buffer it maps itself. It allocates nothing with malloc, takes
 * no lock, runs no Python code, changes no object, and calls nothing of the process but the
 * tp_traverse functions (which only read). Every loop is capped: a broken list ends the walk
 * with a status, not a hang. gdb calls it with unwindonsignal on: a fault unwinds the call. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "agent_abi.h"

#define AGENT_API __attribute__((visibility("default")))

typedef int (*visitproc)(void *object, void *arg);
typedef int (*traverseproc)(void *self, visitproc visit, void *arg);

enum { FIRST_MAPPING = 16 << 20 }; /* bytes; grown by doubling */

struct out {
	struct pl_agent_request *req;
	uint64_t *words;
	size_t used, cap;  /* in words */
	int failed;
};

static int grow(struct out *o, size_t need)
{
	size_t cap = o->cap;
	while (cap - o->used < need)
		cap *= 2;
	void *p = mremap(o->words, o->cap * 8, cap * 8, MREMAP_MAYMOVE);
	if (p == MAP_FAILED) {
		o->failed = 1;
		return -1;
	}
	o->words = p;
	o->cap = cap;
	return 0;
}

static int put(struct out *o, uint64_t word)
{
	if (o->used == o->cap && grow(o, 1) != 0)
		return -1;
	o->words[o->used++] = word;
	return 0;
}

/* tp_traverse's callback: note one reference of the current record. */
static int visit(void *object, void *arg)
{
	struct out *o = arg;
	if (!object)
		return 0;
	if (put(o, (uint64_t)(uintptr_t)object) != 0)
		return 1; /* stop this traverse; the status says why */
	o->req->edges++;
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

/* Traverse the object OBJ of type TYPE into O: its record is its address, then the count of
 * references (filled in after), then the references. */
static void record(struct out *o, uint64_t obj, uint64_t type)
{
	const struct pl_agent_request *req = o->req;
	traverseproc traverse = *(traverseproc *)(uintptr_t)(type + req->tp_traverse);
	if (!traverse)
		return;
	if (put(o, obj) != 0 || put(o, 0) != 0)
		return;
	size_t count_at = o->used - 1;
	traverse((void *)(uintptr_t)obj, visit, o);
	o->words[count_at] = o->used - count_at - 1;
	o->req->objects++;
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

AGENT_API long pyleaks_agent_run(struct pl_agent_request *req);
AGENT_API long pyleaks_agent_release(struct pl_agent_request *req);

long pyleaks_agent_run(struct pl_agent_request *req)
{
	if (!req || req->magic != PL_AGENT_MAGIC || req->abi != PL_AGENT_ABI ||
	    req->nlists > PL_AGENT_MAX_LISTS || req->gc_head_size > 64 || req->ob_type > 64 ||
	    req->tp_traverse > 1024 || (!req->all && req->ntypes && req->types_offset < sizeof(*req))) {
		if (req)
			say(req, PL_AGENT_BAD_REQUEST, "the request does not fit this agent");
		return PL_AGENT_BAD_REQUEST;
	}
	const uint64_t *types = (const uint64_t *)((const char *)req + req->types_offset);
	req->out = req->out_used = req->out_mapped = req->objects = req->edges = 0;
	struct out o = { .req = req, .cap = FIRST_MAPPING / 8 };
	o.words = mmap(NULL, FIRST_MAPPING, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (o.words == MAP_FAILED) {
		say(req, PL_AGENT_NO_MEMORY, "mmap failed");
		return PL_AGENT_NO_MEMORY;
	}
	long status = PL_AGENT_OK;
	for (uint64_t l = 0; l < req->nlists && !o.failed; l++) {
		uint64_t head = req->lists[l], g, n = 0;
		req->counts[l] = 0;
		if (!head) /* no such list (3.6 has no permanent generation) */
			continue;
		g = *(uint64_t *)(uintptr_t)head & req->gc_next_mask;
		for (; g != head && g && !o.failed; n++) {
			if (n >= req->max_objects) {
				status = PL_AGENT_LIST_BROKEN;
				break;
			}
			uint64_t obj = g + req->gc_head_size;
			uint64_t type = *(uint64_t *)(uintptr_t)(obj + req->ob_type);
			if (type && wanted(req, types, type))
				record(&o, obj, type);
			g = *(uint64_t *)(uintptr_t)g & req->gc_next_mask;
		}
		if (!g)
			status = PL_AGENT_LIST_BROKEN;
		req->counts[l] = n;
	}
	req->out = (uint64_t)(uintptr_t)o.words;
	req->out_used = o.used * 8;
	req->out_mapped = o.cap * 8;
	if (o.failed)
		status = PL_AGENT_NO_MEMORY;
	say(req, status, status == PL_AGENT_OK ? "ok"
			 : status == PL_AGENT_NO_MEMORY ? "out of memory for the output (mremap failed)"
							: "a collector list is broken (it does not come back to its head)");
	return status;
}

long pyleaks_agent_release(struct pl_agent_request *req)
{
	if (!req || req->magic != PL_AGENT_MAGIC || !req->out)
		return -1;
	long rc = munmap((void *)(uintptr_t)req->out, req->out_mapped);
	req->out = req->out_used = req->out_mapped = 0;
	return rc;
}
