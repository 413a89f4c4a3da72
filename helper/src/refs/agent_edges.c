/* SPDX-License-Identifier: MIT */
/* agent_edges.c - the in-process agent's request, and the references it recorded (see
 * agent_edges.h). */
#include <stdlib.h>
#include <string.h>

#include "agent_abi.h"
#include "base/addr_set.h"
#include "base/internal.h"
#include "refs/agent_edges.h"

/* Does the read-only path only scan instances of a type of this info conservatively, in part? */
static bool scanned(const struct pl_typeinfo *ti)
{
	return ti->nscan > 0 || ti->scan_items || ti->kind == PL_KIND_MODULE;
}

struct pl_error *pl_agent_request_init(struct pl_runtime *rt, const struct pl_heap *h,
				       enum pl_agent_task task, struct pl_agent_request *req)
{
	const struct pl_layout *l = &rt->layout;
	memset(req, 0, sizeof(*req));
	req->magic = PL_AGENT_MAGIC;
	req->abi = PL_AGENT_ABI;
	req->task = task;
	req->gc_head_size = (uint64_t)l->size_gc_head;
	req->gc_next_mask = l->gc_next_mask;
	req->ob_type = (uint64_t)l->object_type;
	req->tp_traverse = (uint64_t)l->type_flags + 16; /* tp_flags, tp_doc, tp_traverse: every 3.x */
	req->max_objects = pl_target_memory_size(rt->target) / 16 + 1;
	for (size_t i = 0; i < h->ninterpreters; i++) {
		struct pl_gc_where g;
		struct pl_error *err = pl_runtime_gc_where(rt, h->interps[i], &g);
		if (err)
			return err;
		for (int gen = 0; gen < 4; gen++) {
			uint64_t head = gen < 3 ? g.gen0 + (uint64_t)gen * (uint64_t)l->size_gc_generation
						: g.permanent;
			if (req->nlists == PL_AGENT_MAX_LISTS)
				return pl_error_create(PL_ERR_LIMIT, "more interpreters than the "
							"in-process agent walks (%d lists)", PL_AGENT_MAX_LISTS);
			/* 3.6 has no permanent generation: an empty list stands in for it */
			req->lists[req->nlists++] = head ? head : 0;
		}
		if (l->interp_gc < 0) /* 3.6 - 3.8: one GC state for the process */
			break;
	}
	return NULL;
}

struct pl_error *pl_agent_request_build(struct pl_runtime *rt, const struct pl_heap *h,
					struct pl_types *types, bool all, uint8_t **bytes,
					size_t *len)
{
	struct pl_agent_request req;
	struct pl_error *err = pl_agent_request_init(rt, h, PL_AGENT_EDGES, &req);
	if (err)
		return err;
	req.all = all;
	uint64_t *want = malloc((h->ntypes + 1) * sizeof(*want));
	if (!want)
		return &pl_enomem;
	size_t n = 0;
	for (size_t t = 0; !all && t < h->ntypes; t++) {
		const struct pl_typeinfo *ti;
		err = pl_types_get(types, h->types[t].addr, &ti);
		if (err)
			pl_error_destroy(err); /* an unreadable type: its objects stay read-only */
		else if (scanned(ti))
			want[n++] = h->types[t].addr;
	}
	pl_sort(want, n, sizeof(*want), pl_u64_cmp);
	req.ntypes = n;
	req.types_offset = sizeof(req);
	*len = sizeof(req) + n * sizeof(*want);
	*bytes = malloc(*len);
	if (!*bytes) {
		free(want);
		return &pl_enomem;
	}
	memcpy(*bytes, &req, sizeof(req));
	memcpy(*bytes + sizeof(req), want, n * sizeof(*want));
	free(want);
	return NULL;
}

void pl_agent_edges_destroy(struct pl_agent_edges *e)
{
	if (!e)
		return;
	free(e->words);
	free(e->records);
	free(e->index);
	free(e);
}

struct pl_error *pl_agent_answer_check(const struct pl_agent_request *r, enum pl_agent_task task,
				       const char *what)
{
	if (r->magic != PL_AGENT_MAGIC || r->abi != PL_AGENT_ABI || r->nlists > PL_AGENT_MAX_LISTS ||
	    r->task != task)
		return pl_error_create(PL_ERR_BAD_DATA, "the in-process %s's answer is not one", what);
	if (r->status != PL_AGENT_OK) {
		char message[PL_AGENT_MESSAGE + 1];
		memcpy(message, r->message, PL_AGENT_MESSAGE);
		message[PL_AGENT_MESSAGE] = '\0';
		return pl_error_create(PL_ERR_BAD_DATA, "the in-process %s failed: %s", what, message);
	}
	return NULL;
}

/* The agent's status and counts against the read-only walk of the same stop. */
static struct pl_error *check_request(const struct pl_heap *h, const struct pl_agent_request *r)
{
	struct pl_error *err = pl_agent_answer_check(r, PL_AGENT_EDGES, "agent");
	if (err)
		return err;
	uint64_t seen[4] = { 0 };
	for (size_t i = 0; i < r->nlists; i++)
		seen[i % 4] += r->counts[i];
	for (int gen = 0; gen < 4; gen++)
		if (seen[gen] != h->gen_count[gen])
			return pl_error_create(PL_ERR_BAD_DATA, "the in-process walk saw %llu objects in "
						"generation %d where the read-only walk saw %llu: the "
						"process changed under it", (unsigned long long)seen[gen], gen,
						(unsigned long long)h->gen_count[gen]);
	return NULL;
}

struct pl_error *pl_agent_edges_create(const struct pl_heap *h, const void *req, size_t req_len,
				       const void *out, size_t out_len, struct pl_agent_edges **ret)
{
	struct pl_agent_request r;
	if (req_len < sizeof(r) || (out_len && !out) || out_len % 8)
		return pl_error_create(PL_ERR_BAD_DATA, "the in-process agent's answer is cut short");
	memcpy(&r, req, sizeof(r));
	struct pl_error *err = check_request(h, &r);
	if (err)
		return err;
	struct pl_agent_edges *e = calloc(1, sizeof(*e));
	if (!e)
		return &pl_enomem;
	e->nwords = out_len / 8;
	e->words = malloc((e->nwords + 1) * 8);
	size_t cap = r.objects < e->nwords / 2 + 1 ? (size_t)r.objects : e->nwords / 2 + 1;
	e->records = malloc((cap + 1) * sizeof(*e->records));
	if (!e->words || !e->records) {
		pl_agent_edges_destroy(e);
		return &pl_enomem;
	}
	if (out_len)
		memcpy(e->words, out, out_len);
	/* records: address, count, references; each count checked against what is left */
	for (size_t at = 0; at < e->nwords;) {
		if (e->nwords - at < 2 || e->words[at + 1] > e->nwords - at - 2 || e->nrecords == cap) {
			pl_agent_edges_destroy(e);
			return pl_error_create(PL_ERR_BAD_DATA, "the in-process agent's output is broken "
						"at word %zu", at);
		}
		e->records[e->nrecords++] = (struct pl_agent_record){ e->words[at], at + 2, e->words[at + 1] };
		e->edges += e->words[at + 1];
		at += 2 + e->words[at + 1];
	}
	e->index_cap = pl_addr_index_cap(e->nrecords);
	e->index = pl_addr_index(e->records, sizeof(*e->records), e->nrecords, e->index_cap);
	if (!e->index) {
		pl_agent_edges_destroy(e);
		return &pl_enomem;
	}
	*ret = e;
	return NULL;
}

const uint64_t *pl_agent_edges_of(const struct pl_agent_edges *e, uint64_t obj, size_t *n)
{
	if (!e || !e->index)
		return NULL;
	for (size_t s = pl_addr_hash(obj, e->index_cap);; s = (s + 1) & (e->index_cap - 1)) {
		uint32_t v = e->index[s];
		if (!v)
			return NULL;
		if (e->records[v - 1].addr == obj) {
			*n = e->records[v - 1].count;
			return e->words + e->records[v - 1].start;
		}
	}
}
