/* SPDX-License-Identifier: MIT */
/* agent_census.c - the in-process census's request, and the heap made of its records (see
 * agent_census.h). */
#include <stdlib.h>
#include <string.h>

#include "agent_abi.h"
#include "base/internal.h"
#include "refs/agent_census.h"
#include "refs/agent_edges.h"
#include "refs/refs.h"
#include "refs/roots.h"
#include "refs/typeinfo.h"
#include "target/target.h"

/* The addresses the roots hold, gathered. */
struct root_refs {
	uint64_t *v;
	size_t n, cap;
	bool failed;
};

static bool root_ref(void *arg, uint64_t target, const char *label, enum pl_ref_kind kind)
{
	(void)label;
	struct root_refs *r = arg;
	if (kind == PL_REF_WEAK || !target)
		return true;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		uint64_t *v = realloc(r->v, cap * sizeof(*v));
		if (!v) {
			r->failed = true;
			return false;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = target;
	return true;
}

/* What every root of RT holds (threads' frames, interpreters, static types). */
static struct pl_error *gather_roots(struct pl_runtime *rt, const struct pl_heap *bare,
				     struct root_refs *out)
{
	struct pl_refs *r = NULL;
	struct pl_roots *roots = NULL;
	struct pl_error *err = pl_refs_create(rt, bare, &r);
	if (!err)
		err = pl_roots_create(r, bare, &roots);
	for (size_t i = 0; !err && roots && i < roots->n; i++) {
		err = pl_roots_each_ref(r, &roots->v[i], false, root_ref, out);
		if (!err && out->failed)
			err = &pl_enomem;
	}
	pl_roots_destroy(roots);
	pl_refs_destroy(r);
	return err;
}

/* The fields the read-only decoders read that tp_traverse does not visit (refs.c): a code
 * object's (not a GC type up to 3.13), a module's name, a descriptor's names, and a heap
 * type's names, __slots__, module and subclasses. */
static void add_extras(struct pl_runtime *rt, struct pl_agent_request *req)
{
	const struct pl_layout *l = &rt->layout;
	const int64_t END = INT64_MIN; /* the end of a list of fields */
	const struct {
		uint64_t type;
		int64_t fields[PL_AGENT_EXTRA_FIELDS];
	} extras[] = {
		{ rt->types[PL_T_CODE],
		  { l->code_consts, l->code_names, l->code_varnames, l->code_cellvars, l->code_freevars,
		    l->code_localsplusnames, l->code_localspluskinds, l->code_filename, l->code_name,
		    l->code_qualname, l->code_code, l->code_lnotab, l->code_linetable,
		    l->code_exceptiontable, END } },
		{ rt->types[PL_T_MODULE], { l->module_dict, l->module_name, END } },
		{ rt->types[PL_T_METHOD_DESCR], { l->descr_name, l->descr_qualname, END } },
		{ rt->types[PL_T_CLASSMETHOD_DESCR], { l->descr_name, l->descr_qualname, END } },
		{ rt->types[PL_T_GETSET_DESCR], { l->descr_name, l->descr_qualname, END } },
		{ rt->types[PL_T_MEMBER_DESCR], { l->descr_name, l->descr_qualname, END } },
		{ rt->types[PL_T_WRAPPER_DESCR], { l->descr_name, l->descr_qualname, END } },
		{ 0, /* every heap type */
		  { l->heaptype_name, l->heaptype_qualname, l->heaptype_slots, l->heaptype_module,
		    l->type_subclasses, END } },
	};
	_Static_assert(PL_ARRAY_SIZE(extras) <= PL_AGENT_EXTRAS, "room for the extras");
	for (size_t i = 0; i < PL_ARRAY_SIZE(extras); i++) {
		if (i + 1 < PL_ARRAY_SIZE(extras) && !extras[i].type)
			continue; /* a type this build does not export: its objects have no extras */
		struct pl_agent_extra *x = &req->extras[req->nextras++];
		x->type = extras[i].type;
		for (size_t f = 0; f < PL_AGENT_EXTRA_FIELDS && extras[i].fields[f] != END; f++)
			if (extras[i].fields[f] >= 0) /* -1: not in this version */
				x->fields[x->nfields++] = extras[i].fields[f];
	}
}

struct pl_error *pl_agent_census_request(struct pl_runtime *rt, const struct pl_heap *bare,
					 uint8_t **bytes, size_t *len)
{
	const struct pl_layout *l = &rt->layout;
	struct pl_agent_request req;
	struct pl_error *err = pl_agent_request_init(rt, bare, PL_AGENT_CENSUS, &req);
	if (err)
		return err;
	req.layout_size = sizeof(*l);
	req.layout_hash = pl_layout_abi_hash();
	for (uint32_t i = 0; i < rt->rules.nbuiltins && i < PL_AGENT_BUILTINS; i++) {
		req.builtins[i].type = rt->rules.builtins[i].type;
		req.builtins[i].kind = rt->rules.builtins[i].kind;
		req.nbuiltins++;
	}
	add_extras(rt, &req);
	req.max_untracked = pl_target_memory_size(rt->target) / 16 + 1;
	req.tuple_type = rt->types[PL_T_TUPLE];
	pl_target_u64(rt->target, req.tuple_type + req.tp_traverse, &req.tuple_traverse);
	struct root_refs roots = { 0 };
	if ((err = gather_roots(rt, bare, &roots))) {
		free(roots.v);
		return err;
	}
	req.layout_offset = sizeof(req);
	req.roots_offset = req.layout_offset + (sizeof(*l) + 7) / 8 * 8;
	req.nroots = roots.n;
	*len = req.roots_offset + roots.n * sizeof(*roots.v);
	*bytes = calloc(1, *len);
	if (!*bytes) {
		free(roots.v);
		return &pl_enomem;
	}
	memcpy(*bytes, &req, sizeof(req));
	memcpy(*bytes + req.layout_offset, l, sizeof(*l));
	if (roots.n)
		memcpy(*bytes + req.roots_offset, roots.v, roots.n * sizeof(*roots.v));
	free(roots.v);
	return NULL;
}

enum { CHUNK_RECORDS = 1 << 15 }; /* read 768 KiB of records at a time */

/* Add the records at OUT in the process (N of them) of one kind: the tracked ones, or the
 * untracked ones; read a chunk at a time, so that no copy of them all is made. */
static struct pl_error *add_records(struct pl_runtime *rt, struct pl_heap *h, uint64_t out,
				    uint64_t n, bool tracked, uint64_t *buf, uint64_t *added)
{
	for (uint64_t at = 0; at < n; at += CHUNK_RECORDS) {
		uint64_t k = n - at < CHUNK_RECORDS ? n - at : CHUNK_RECORDS;
		struct pl_error *err = pl_target_read_fresh(rt->target, out + 24 * at, buf, 24 * k,
							    "the agent's census");
		for (uint64_t i = 0; !err && i < k; i++) {
			const uint64_t *rec = buf + 3 * i;
			uint64_t gen = rec[1] & 7, type = rec[1] & ~UINT64_C(7);
			if (gen > PL_AGENT_UNTRACKED || !rec[0] || rec[0] % 8 || !type)
				return pl_error_create(PL_ERR_BAD_DATA, "the in-process census's record "
							"%llu is broken", (unsigned long long)(at + i));
			if ((gen == PL_AGENT_UNTRACKED) == tracked)
				continue;
			err = pl_heap_add_counted(h, rt, rec[0], type, rec[2],
						  tracked ? (int)gen : PL_GEN_UNTRACKED);
			++*added;
		}
		if (err)
			return err;
	}
	return NULL;
}

struct pl_error *pl_agent_census_take(struct pl_runtime *rt, struct pl_heap *bare, const void *req,
				      size_t req_len)
{
	struct pl_agent_request r;
	if (req_len < sizeof(r))
		return pl_error_create(PL_ERR_BAD_DATA, "the in-process census's answer is cut short");
	memcpy(&r, req, sizeof(r));
	struct pl_error *err = pl_agent_answer_check(&r, PL_AGENT_CENSUS, "census");
	if (err)
		return err;
	/* the output's size is the process's word: no more records than its memory could hold */
	uint64_t n = r.out_used / 24;
	if (r.out_used % 24 || r.out_used > r.out_mapped || (r.out_used && !r.out) ||
	    n > pl_target_memory_size(rt->target) / 16 + 1 || n != r.objects)
		return pl_error_create(PL_ERR_BAD_DATA, "the in-process census says it wrote %llu "
					"bytes for %llu objects", (unsigned long long)r.out_used,
					(unsigned long long)r.objects);
	if (bare->nobjects)
		return pl_error_create(PL_ERR_USAGE, "the heap has objects already");
	uint64_t tracked = 0, untracked = 0;
	uint64_t *buf = malloc(24 * CHUNK_RECORDS);
	err = buf ? pl_heap_reserve(bare, n) : &pl_enomem;
	if (!err)
		err = add_records(rt, bare, r.out, n, true, buf, &tracked);
	if (!err)
		err = add_records(rt, bare, r.out, n, false, buf, &untracked);
	free(buf);
	if (!err && (tracked != r.tracked || untracked != r.untracked))
		err = pl_error_create(PL_ERR_BAD_DATA, "the in-process census says %llu tracked and "
					"%llu untracked objects, its records %llu and %llu",
					(unsigned long long)r.tracked, (unsigned long long)r.untracked,
					(unsigned long long)tracked, (unsigned long long)untracked);
	return err ? err : pl_heap_index_objects(bare);
}

/* What the agent cannot see, read read-only on top of its census: objects the collector does
 * not track that only a root found through the census's own types and modules holds (a static
 * type of an extension, named in a module's dict), or only fields that the read-only decoders
 * read and tp_traverse skips hold: a module's C state (scanned), a stdlib C type's fields
 * (c_types.c: 3.6's sqlite3.Connection has no tp_traverse), a capsule's C API, the words
 * scanned of a C type without a decoder. */
struct finish {
	struct pl_runtime *rt;
	struct pl_heap *h;
	uint64_t *queue;
	size_t n, cap;
	struct pl_error *err;
};

static bool finish_ref(void *arg, uint64_t target, const char *label, enum pl_ref_kind kind)
{
	(void)label;
	struct finish *f = arg;
	if (kind == PL_REF_WEAK || pl_heap_find_object(f->h, target) >= 0)
		return true;
	if (pl_heap_add_untracked(f->h, f->rt, target, &f->err) < 0)
		return !f->err;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		uint64_t *q = realloc(f->queue, cap * sizeof(*q));
		if (!q) {
			f->err = &pl_enomem;
			return false;
		}
		f->queue = q;
		f->cap = cap;
	}
	f->queue[f->n++] = target;
	return true;
}

/* Do the read-only decoders of objects of this type read more than its tp_traverse visits? */
static bool beyond_traverse(const struct pl_typeinfo *ti)
{
	return ti->kind == PL_KIND_MODULE || ti->kind == PL_KIND_C_FIELDS ||
	       ti->kind == PL_KIND_CAPSULE || ti->nscan > 0 || ti->scan_items;
}

struct pl_error *pl_agent_census_finish(struct pl_runtime *rt, struct pl_heap *h)
{
	struct finish f = { .rt = rt, .h = h };
	struct pl_refs *r = NULL;
	struct pl_roots *roots = NULL;
	struct pl_error *err = pl_refs_create(rt, h, &r);
	if (!err)
		err = pl_roots_create(r, h, &roots);
	for (size_t i = 0; !err && i < roots->n && !f.err; i++)
		err = pl_roots_each_ref(r, &roots->v[i], false, finish_ref, &f);
	/* per type: 0 not looked at, 1 read it too, 2 not */
	uint8_t *read_too = calloc(h->ntypes + 1, 1);
	size_t ntypes = h->ntypes, n = h->nobjects;
	if (!read_too && !err)
		err = &pl_enomem;
	for (size_t i = 0; !err && i < n && !f.err; i++) {
		uint32_t t = h->objects[i].type;
		if (t >= ntypes)
			continue; /* a type the finish found: its objects are read below */
		if (!read_too[t]) {
			const struct pl_typeinfo *ti;
			struct pl_error *e = pl_types_get(r->types, h->types[t].addr, &ti);
			read_too[t] = e ? 2 : beyond_traverse(ti) ? 1 : 2;
			pl_error_destroy(e);
		}
		if (read_too[t] == 1)
			err = pl_refs_each(r, h->objects[i].addr, false, finish_ref, &f);
	}
	free(read_too);
	while (!err && !f.err && f.n)
		err = pl_refs_each(r, f.queue[--f.n], false, finish_ref, &f);
	pl_roots_destroy(roots);
	pl_refs_destroy(r);
	free(f.queue);
	if (err && f.err && err != f.err)
		pl_error_destroy(f.err);
	return err ? err : f.err;
}
