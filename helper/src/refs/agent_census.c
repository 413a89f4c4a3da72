/* SPDX-License-Identifier: MIT */
/* agent_census.c - the in-process census's request, and the heap made of its records (see
 * agent_census.h). */
#include <stdlib.h>
#include <string.h>

#include "agent_abi.h"
#include "base/addr_set.h"
#include "base/internal.h"
#include "refs/agent_census.h"
#include "refs/agent_edges.h"
#include "refs/refs.h"
#include "refs/roots.h"
#include "refs/typeinfo.h"
#include "runtime/pyread.h"
#include "target/target.h"

/* With a tally, the objects of each type the agent lists at most: enough for every module,
 * capsule and C type read on top of the census in a usual process (the finish refuses a
 * tally that did not list all of them: the census is then asked for a record of each). */
enum { LIST_MAX = 4096 };

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
		err = pl_roots_create(r, bare, NULL, 0, &roots);
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
					 bool tally, uint8_t **bytes, size_t *len)
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
	req.tally = tally;
	req.list_max = LIST_MAX;
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

/* What the agent's answer holds besides the counts: with a tally, the objects it listed; and
 * the table of its set of the untracked objects it found (still mapped in the process). */
struct answer {
	struct pl_agent_request r;
	bool tally;
	uint64_t *listed;         /* address, type: the objects listed */
	size_t nlisted;
	struct pl_agent_seen_slot *slots; /* the seen set's table, read back */
	uint64_t seen_cap;
};

/* One record of the output, checked: its address, type and generation (PL_GEN_UNTRACKED). */
static struct pl_error *record_at(const uint64_t *rec, uint64_t i, uint64_t *type, int *gen)
{
	uint64_t g = rec[1] & 7;
	*type = rec[1] & ~UINT64_C(7);
	*gen = g == PL_AGENT_UNTRACKED ? PL_GEN_UNTRACKED : (int)g;
	if (g > PL_AGENT_UNTRACKED || !rec[0] || rec[0] % 8 || !*type)
		return pl_error_create(PL_ERR_BAD_DATA, "the in-process census's record %llu is "
				       "broken", (unsigned long long)i);
	return NULL;
}

/* Take the N records at OUT in the process, read a chunk at a time so that no copy of them
 * all is made: into the table, one kind at a time (the tracked ones, or the untracked ones),
 * or with a tally into A's list. */
static struct pl_error *take_records(struct pl_runtime *rt, struct pl_heap *h, struct answer *a,
				     uint64_t n, bool tracked, uint64_t *buf, uint64_t *added)
{
	for (uint64_t at = 0; at < n; at += CHUNK_RECORDS) {
		uint64_t k = n - at < CHUNK_RECORDS ? n - at : CHUNK_RECORDS;
		struct pl_error *err = pl_target_read_fresh(rt->target, a->r.out + 24 * at, buf, 24 * k,
							    "the agent's census");
		for (uint64_t i = 0; !err && i < k; i++) {
			const uint64_t *rec = buf + 3 * i;
			uint64_t type;
			int gen;
			if ((err = record_at(rec, at + i, &type, &gen)))
				break;
			if (a->tally) {
				a->listed[2 * a->nlisted] = rec[0];
				a->listed[2 * a->nlisted++ + 1] = type;
				continue;
			}
			if ((gen == PL_GEN_UNTRACKED) == tracked)
				continue;
			err = pl_heap_add_counted(h, rt, rec[0], type, rec[2], gen);
			++*added;
		}
		if (err)
			return err;
	}
	return NULL;
}

/* Take the tallies of A's answer into H. */
static struct pl_error *take_tallies(struct pl_runtime *rt, struct pl_heap *h, struct answer *a)
{
	const struct pl_agent_request *r = &a->r;
	struct pl_agent_tally *t = malloc(r->ntallies * sizeof(*t) + 1);
	struct pl_error *err = t ? pl_target_read_fresh(rt->target, r->out + r->tallies_at, t,
							r->ntallies * sizeof(*t), "the agent's tallies")
				 : &pl_enomem;
	uint64_t tracked = 0, untracked = 0;
	for (uint64_t i = 0; !err && i < r->ntallies; i++) {
		if (!t[i].type || t[i].type % 8) {
			err = pl_error_create(PL_ERR_BAD_DATA, "the in-process census's tally %llu is "
					      "broken", (unsigned long long)i);
			break;
		}
		for (int g = 0; !err && g <= PL_AGENT_UNTRACKED; g++) {
			int gen = g == PL_AGENT_UNTRACKED ? PL_GEN_UNTRACKED : g;
			err = pl_heap_add_tally(h, rt, t[i].type, gen, t[i].count[g], t[i].size[g]);
			*(gen == PL_GEN_UNTRACKED ? &untracked : &tracked) += t[i].count[g];
		}
		/* each count is at most the memory's objects (pl_heap_add_tally): no sum wraps */
		if (!err && (tracked > r->tracked || untracked > r->untracked))
			break;
	}
	free(t);
	if (!err && (tracked != r->tracked || untracked != r->untracked))
		err = pl_error_create(PL_ERR_BAD_DATA, "the in-process census says %llu tracked and "
				      "%llu untracked objects, its tallies %llu and %llu",
				      (unsigned long long)r->tracked, (unsigned long long)r->untracked,
				      (unsigned long long)tracked, (unsigned long long)untracked);
	return err;
}

/* Read the table of the agent's set of the untracked objects it found (left mapped). */
static struct pl_error *take_seen(struct pl_runtime *rt, struct answer *a)
{
	const struct pl_agent_request *r = &a->r;
	/* a power of two, at most a slot per 64 KiB of memory and some */
	a->seen_cap = r->seen_cap;
	if (!r->seen_slots || !a->seen_cap || (a->seen_cap & (a->seen_cap - 1)) ||
	    a->seen_cap > pl_target_memory_size(rt->target) / 65536 + (1u << 20))
		return pl_error_create(PL_ERR_BAD_DATA, "the in-process census's set of untracked "
				       "objects is not one (%llu slots)", (unsigned long long)a->seen_cap);
	if (!(a->slots = malloc(a->seen_cap * sizeof(*a->slots))))
		return &pl_enomem;
	return pl_target_read_fresh(rt->target, r->seen_slots, a->slots,
				    a->seen_cap * sizeof(*a->slots), "the agent's seen set");
}

/* Need the object at ADDR (one a reference names) not be added, as the agent counted it or
 * it is none to count? The agent walked every list (a tracked object is counted), and the
 * untracked ones it found are in its set. */
static bool agent_counted(struct pl_runtime *rt, const struct answer *a, uint64_t addr)
{
	if (!pl_py_is_untracked_object(rt, addr))
		return true;
	uint64_t span = pl_agent_seen_span(addr), word;
	uint64_t i = pl_agent_seen_slot_of(span, a->seen_cap);
	for (uint64_t n = 0; n < a->seen_cap && a->slots[i].span; n++, i = (i + 1) & (a->seen_cap - 1))
		if (a->slots[i].span == span) {
			uint64_t at = a->slots[i].bits + pl_agent_seen_word(addr) * 8;
			struct pl_error *err = pl_target_read_fresh(rt->target, at, &word, 8,
								    "the agent's seen set");
			if (err) { /* unreadable: take it as counted, never twice */
				pl_error_destroy(err);
				return true;
			}
			return (word & pl_agent_seen_bit(addr)) != 0;
		}
	return false;
}

static struct pl_error *census_finish(struct pl_runtime *rt, struct pl_heap *h, const struct answer *a);

/* Check the agent's answer REQ (REQ_LEN bytes) and take its objects into BARE: a record of
 * each, or its tallies; then what it cannot see (census_finish). */
struct pl_error *pl_agent_census_take(struct pl_runtime *rt, struct pl_heap *bare, bool tally,
				      const void *req, size_t req_len)
{
	struct answer a = { .listed = NULL };
	if (req_len < sizeof(a.r))
		return pl_error_create(PL_ERR_BAD_DATA, "the in-process census's answer is cut short");
	memcpy(&a.r, req, sizeof(a.r));
	const struct pl_agent_request *r = &a.r;
	struct pl_error *err = pl_agent_answer_check(r, PL_AGENT_CENSUS, "census");
	if (err)
		return err;
	a.tally = r->tally != 0;
	if (a.tally != tally)
		return pl_error_create(PL_ERR_BAD_DATA, "the in-process census answered %s where %s "
				       "was asked", a.tally ? "tallies" : "records",
				       tally ? "tallies" : "records");
	/* the output's size is the process's word: no more records than its memory could hold */
	uint64_t n = r->objects, max = pl_target_memory_size(rt->target) / 16 + 1;
	uint64_t records = a.tally ? r->tallies_at : r->out_used;
	if (records % 24 || r->out_used > r->out_mapped || (r->out_used && !r->out) || n > max ||
	    n != records / 24 || r->tally > 1 ||
	    (a.tally && (r->ntallies > max || r->tallies_at > r->out_used ||
			 (r->out_used - r->tallies_at) / sizeof(struct pl_agent_tally) != r->ntallies ||
			 (r->out_used - r->tallies_at) % sizeof(struct pl_agent_tally))))
		return pl_error_create(PL_ERR_BAD_DATA, "the in-process census says it wrote %llu "
					"bytes for %llu objects", (unsigned long long)r->out_used,
					(unsigned long long)r->objects);
	if (bare->nobjects)
		return pl_error_create(PL_ERR_USAGE, "the heap has objects already");
	uint64_t tracked = 0, untracked = 0;
	uint64_t *buf = malloc(24 * CHUNK_RECORDS);
	if (!buf)
		err = &pl_enomem;
	else if (a.tally)
		err = (a.listed = malloc(16 * n + 16)) ? NULL : &pl_enomem;
	else
		err = pl_heap_reserve(bare, n);
	if (!err)
		err = take_records(rt, bare, &a, n, true, buf, &tracked);
	if (!err && !a.tally)
		err = take_records(rt, bare, &a, n, false, buf, &untracked);
	free(buf);
	if (!err && !a.tally && (tracked != r->tracked || untracked != r->untracked))
		err = pl_error_create(PL_ERR_BAD_DATA, "the in-process census says %llu tracked and "
					"%llu untracked objects, its records %llu and %llu",
					(unsigned long long)r->tracked, (unsigned long long)r->untracked,
					(unsigned long long)tracked, (unsigned long long)untracked);
	if (!err && a.tally)
		err = take_tallies(rt, bare, &a);
	if (!err)
		err = take_seen(rt, &a);
	if (!err) /* the object index waits for a report that needs it */
		err = census_finish(rt, bare, &a);
	free(a.listed);
	free(a.slots);
	return err;
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
	const struct answer *a;
	struct pl_addr_set considered; /* what references named, looked at once */
	uint64_t *queue;
	size_t n, cap;
	struct pl_error *err;
};

static bool finish_ref(void *arg, uint64_t target, const char *label, enum pl_ref_kind kind)
{
	(void)label;
	struct finish *f = arg;
	if (kind == PL_REF_WEAK || !target)
		return true;
	int fresh = pl_addr_set_add(&f->considered, target);
	if (fresh < 0) {
		f->err = &pl_enomem;
		return false;
	}
	if (!fresh || agent_counted(f->rt, f->a, target))
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

/* The objects the census counted whose types' decoders read beyond tp_traverse: per type, 0
 * not looked at, 1 read it too, 2 not. A tally must have listed every one of them. */
struct read_too {
	uint8_t *of_type;
	uint64_t *listed;   /* tally: objects listed per type */
	size_t ntypes;      /* the types of the census (those the finish finds come after) */
};

/* Per type of the census T: is it read too? With a tally, before the finish adds anything:
 * were all its objects listed? */
static struct pl_error *read_too_type(struct pl_refs *r, struct read_too *too, uint32_t t,
				      const struct pl_heap *h, bool tally)
{
	if (too->of_type[t])
		return NULL;
	const struct pl_typeinfo *ti;
	struct pl_error *e = pl_types_get(r->types, h->types[t].addr, &ti);
	too->of_type[t] = e ? 2 : beyond_traverse(ti) ? 1 : 2;
	pl_error_destroy(e);
	uint64_t all = h->types[t].count + h->types[t].ucount;
	if (tally && too->of_type[t] == 1 && too->listed[t] < all)
		return pl_error_create(PL_ERR_LIMIT, "the in-process tally listed %llu of the %llu "
				       "objects of %s, which are read on top of it: the census "
				       "must list every object", (unsigned long long)too->listed[t],
				       (unsigned long long)all, h->types[t].name);
	return NULL;
}

static struct pl_error *census_finish(struct pl_runtime *rt, struct pl_heap *h, const struct answer *a)
{
	struct finish f = { .rt = rt, .h = h, .a = a };
	struct pl_refs *r = NULL;
	struct pl_roots *roots = NULL;
	struct read_too too = { .ntypes = h->ntypes };
	/* the objects to read too: the table's, or the tally's list (whose types are the table's) */
	size_t n = a->tally ? a->nlisted : h->nobjects, nmodules = 0;
	uint32_t *type_of = a->tally ? malloc(n * sizeof(*type_of) + 1) : NULL;
	/* a tally's modules (every one listed: they are read too) are not in the table */
	uint64_t *modules = a->tally ? malloc(n * sizeof(*modules) + 1) : NULL;
	too.of_type = calloc(too.ntypes + 1, 1);
	too.listed = calloc(too.ntypes + 1, sizeof(*too.listed));
	struct pl_error *err = too.of_type && too.listed && (!a->tally || (type_of && modules))
				       ? NULL : &pl_enomem;
	if (!err)
		err = pl_refs_create(rt, h, &r);
	for (size_t i = 0; !err && a->tally && i < n; i++) {
		long t = pl_heap_type_at(h, a->listed[2 * i + 1]);
		if (t < 0)
			err = pl_error_create(PL_ERR_BAD_DATA, "the in-process census listed an object "
					      "of a type it did not count");
		else
			too.listed[t]++;
		type_of[i] = (uint32_t)t;
		if (a->listed[2 * i + 1] == rt->types[PL_T_MODULE])
			modules[nmodules++] = a->listed[2 * i];
	}
	for (uint32_t t = 0; !err && a->tally && t < too.ntypes; t++)
		if (too.listed[t])
			err = read_too_type(r, &too, t, h, true);
	if (!err)
		err = pl_roots_create(r, h, modules, nmodules, &roots);
	free(modules);
	for (size_t i = 0; !err && i < roots->n && !f.err; i++)
		err = pl_roots_each_ref(r, &roots->v[i], false, finish_ref, &f);
	for (size_t i = 0; !err && i < n && !f.err; i++) {
		uint32_t t = a->tally ? type_of[i] : h->objects[i].type;
		if (t >= too.ntypes)
			continue; /* a type the finish found: its objects are read below */
		if ((err = read_too_type(r, &too, t, h, false)))
			break;
		if (too.of_type[t] == 1)
			err = pl_refs_each(r, a->tally ? a->listed[2 * i] : h->objects[i].addr, false,
					   finish_ref, &f);
	}
	free(too.of_type);
	free(too.listed);
	free(type_of);
	while (!err && !f.err && f.n)
		err = pl_refs_each(r, f.queue[--f.n], false, finish_ref, &f);
	pl_roots_destroy(roots);
	pl_refs_destroy(r);
	free(f.queue);
	pl_addr_set_free(&f.considered);
	if (err && f.err && err != f.err)
		pl_error_destroy(f.err);
	return err ? err : f.err;
}
