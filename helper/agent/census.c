/* SPDX-License-Identifier: MIT */
/* census.c - the in-process census: the collector's lists walked in place, every object sized
 * by the rules libpyleaks sizes with (object_rules.c, compiled in), and the objects the
 * collector does not track found as libpyleaks' graph finds them: through each object's own
 * tp_traverse, the fields the read-only decoders read beyond it (the request's extras, a
 * dict's keys) and what the roots hold. Reads its own address space; allocates nothing but
 * mappings; calls nothing of the process but tp_traverse functions, never on a static type or
 * a static struct sequence (3.12's structseq_traverse reads the interpreter's state there). */
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>

#include "census.h"
#include "seen.h"
#include "runtime/object_rules.h"

typedef int (*visitproc)(void *object, void *arg);
typedef int (*traverseproc)(void *self, visitproc visit, void *arg);

enum { FIRST_TYPES = 1 << 12, FIRST_STACK = 1 << 20, FIRST_TALLIES = 1 << 18 /* bytes */ };
enum { BATCH = 64 }; /* references whose headers are fetched together */
#define MAX_DICT_ENTRIES (UINT64_C(1) << 32)

/* What the census needs of a type, read once. */
struct type_entry {
	uint64_t type;          /* 0: an empty slot */
	uint64_t flags;
	traverseproc traverse;
	struct pl_size_type size;
	int32_t extra;          /* index into the request's extras, or -1 */
	bool structseq;         /* a static tuple subclass with a traverse of its own */
	bool meta;              /* its instances are types */
	uint32_t tally;         /* its struct pl_agent_tally in the census's tallies */
	uint64_t listed;        /* tally: records written */
};

struct census {
	struct pl_agent_request *req;
	const struct pl_layout *l;
	struct pl_object_rules rules;
	struct pl_agent_words *out;
	struct type_entry *types;  /* open addressing on the type's address */
	size_t types_cap, ntypes;
	size_t last;               /* the slot of the type found last (objects come in runs) */
	struct pl_agent_words tallies; /* a struct pl_agent_tally per type, in its words */
	struct pl_seen seen;       /* the untracked objects found */
	struct pl_agent_words stack; /* untracked objects whose references are still to read */
	int32_t heaptype_extra;    /* the extra of every heap type object, or -1 */
	long status;
	uint64_t batch[BATCH];     /* references visited, not considered yet */
	size_t nbatch;
};

static bool self_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	(void)ctx;
	if (!addr)
		return false;
	memcpy(buf, (const void *)(uintptr_t)addr, n);
	return true;
}

static inline uint64_t word_at(uint64_t addr)
{
	return *(const uint64_t *)(uintptr_t)addr;
}

static inline size_t slot_of(uint64_t addr, size_t cap)
{
	return (size_t)(((addr >> 3) * UINT64_C(0x9E3779B97F4A7C15)) >> 29) & (cap - 1);
}

static void fail(struct census *c, long status)
{
	if (c->status == PL_AGENT_OK)
		c->status = status;
}

static struct type_entry *type_slot(struct type_entry *types, size_t cap, uint64_t type)
{
	size_t s = slot_of(type, cap);
	while (types[s].type && types[s].type != type)
		s = (s + 1) & (cap - 1);
	return &types[s];
}

/* The entry of the type at TYPE, read on first sight; NULL if out of memory. */
static struct type_entry *type_get(struct census *c, uint64_t type)
{
	if (c->types[c->last].type == type)
		return &c->types[c->last];
	struct type_entry *e = type_slot(c->types, c->types_cap, type);
	if (e->type) {
		c->last = (size_t)(e - c->types);
		return e;
	}
	enum { TALLY_WORDS = sizeof(struct pl_agent_tally) / 8 };
	if (c->ntypes >= UINT32_MAX || (c->tallies.cap - c->tallies.used < TALLY_WORDS &&
					  pl_agent_words_grow(&c->tallies, TALLY_WORDS)))
		return NULL;
	if ((c->ntypes + 1) * 2 > c->types_cap) {
		size_t cap = c->types_cap * 2;
		struct type_entry *n = pl_agent_map(cap * sizeof(*n));
		if (!n)
			return NULL;
		for (size_t i = 0; i < c->types_cap; i++)
			if (c->types[i].type)
				*type_slot(n, cap, c->types[i].type) = c->types[i];
		munmap(c->types, c->types_cap * sizeof(*n));
		c->types = n;
		c->types_cap = cap;
		e = type_slot(c->types, c->types_cap, type);
	}
	const struct pl_layout *l = c->l;
	const struct pl_agent_request *req = c->req;
	e->type = type;
	e->flags = word_at(type + (uint64_t)l->type_flags);
	e->traverse = *(traverseproc *)(uintptr_t)(type + req->tp_traverse);
	e->size = (struct pl_size_type){ e->flags, word_at(type + (uint64_t)l->type_basicsize),
					 word_at(type + (uint64_t)l->type_itemsize),
					 pl_rules_size_kind(&c->rules, type) };
	e->extra = -1;
	for (uint64_t i = 0; i < req->nextras; i++)
		if (req->extras[i].type == type)
			e->extra = (int32_t)i;
	e->structseq = (e->flags & PL_TPFLAGS_TUPLE_SUBCLASS) && !(e->flags & PL_TPFLAGS_HEAPTYPE) &&
		       type != req->tuple_type &&
		       (uint64_t)(uintptr_t)e->traverse != req->tuple_traverse;
	e->meta = (e->flags & PL_TPFLAGS_TYPE_SUBCLASS) != 0;
	e->tally = (uint32_t)c->ntypes++;
	uint64_t *t = c->tallies.words + c->tallies.used;
	memset(t, 0, sizeof(struct pl_agent_tally));
	t[0] = type;
	c->tallies.used += TALLY_WORDS;
	return e;
}

static bool is_tracked(const struct census *c, uint64_t obj, const struct type_entry *e)
{
	if (!(e->flags & PL_TPFLAGS_HAVE_GC))
		return false;
	const struct pl_layout *l = c->l;
	return !pl_gc_says_untracked(l, word_at(obj - (uint64_t)l->size_gc_head +
						 (uint64_t)pl_gc_state_offset(l)));
}

/* Count the object at OBJ, of the type of E, in generation GEN (PL_AGENT_UNTRACKED), SIZE
 * bytes: its record, or with a tally its type's count and a record while the type has few. */
static void record(struct census *c, struct type_entry *e, uint64_t obj, uint64_t gen,
		   uint64_t size)
{
	if (c->req->tally) {
		/* no object is bigger than the process's memory (max_untracked is a sixteenth) */
		if (size / 16 > c->req->max_untracked)
			size = c->req->max_untracked * 16;
		struct pl_agent_tally *t = (struct pl_agent_tally *)c->tallies.words + e->tally;
		t->count[gen]++;
		t->size[gen] += size;
		if (e->listed >= c->req->list_max)
			return;
		e->listed++;
	}
	if (pl_agent_put(c->out, obj) || pl_agent_put(c->out, e->type | gen) ||
	    pl_agent_put(c->out, size))
		fail(c, PL_AGENT_NO_MEMORY);
}

/* The type entry of the object a reference names, if it is one the collector does not track
 * and that lives in the heap; NULL otherwise (or out of memory: the status says so). */
static struct type_entry *untracked_type(struct census *c, uint64_t obj)
{
	const struct pl_layout *l = c->l;
	if (!obj || obj % 8 || c->status != PL_AGENT_OK)
		return NULL;
	uint64_t type = word_at(obj + (uint64_t)l->object_type);
	if (!type || type % 8)
		return NULL;
	struct type_entry *e = type_get(c, type);
	if (!e) {
		fail(c, PL_AGENT_NO_MEMORY);
		return NULL;
	}
	if (is_tracked(c, obj, e) || !word_at(obj + (uint64_t)l->object_refcnt))
		return NULL;
	/* a static type lives in its binary, not the heap: a root of its own */
	if (e->meta && !(word_at(obj + (uint64_t)l->type_flags) & PL_TPFLAGS_HEAPTYPE))
		return NULL;
	return e;
}

/* The untracked object OBJ, of the type of E, its word in the seen set at WORD (NULL: out of
 * memory): if it is new, size it, record it and queue it to read its references. */
static void admit(struct census *c, uint64_t obj, struct type_entry *e, uint64_t *word)
{
	uint64_t bit = pl_agent_seen_bit(obj);
	if (!word) {
		fail(c, PL_AGENT_NO_MEMORY);
		return;
	}
	if (*word & bit)
		return;
	*word |= bit;
	if (++c->seen.n > c->req->max_untracked) {
		fail(c, PL_AGENT_TOO_MANY);
		return;
	}
	record(c, e, obj, PL_AGENT_UNTRACKED, pl_rules_size_of(&c->rules, &e->size, obj));
	if (pl_agent_put(&c->stack, obj))
		fail(c, PL_AGENT_NO_MEMORY);
}

/* An object a reference names. */
static void consider(struct census *c, uint64_t obj)
{
	struct type_entry *e = untracked_type(c, obj);
	if (e)
		admit(c, obj, e, pl_seen_word(&c->seen, obj));
}

/* Consider the references batched, in three passes so that the cache misses of one object's
 * references overlap (they are most of the census's time): their headers are fetched; those
 * of untracked objects have their words in the seen set fetched; then they are admitted. */
static void flush(struct census *c)
{
	size_t gch = (size_t)c->l->size_gc_head, n = 0;
	uint64_t types[BATCH], *words[BATCH];
	for (size_t i = 0; i < c->nbatch; i++)
		if (c->batch[i] > gch)
			__builtin_prefetch((const char *)(uintptr_t)c->batch[i] - gch);
	for (size_t i = 0; i < c->nbatch; i++) {
		struct type_entry *e = untracked_type(c, c->batch[i]);
		if (!e)
			continue;
		words[n] = pl_seen_word(&c->seen, c->batch[i]);
		if (words[n])
			__builtin_prefetch(words[n]);
		types[n] = e->type; /* the entry moves if the table grows meanwhile */
		c->batch[n++] = c->batch[i];
	}
	for (size_t i = 0; i < n && c->status == PL_AGENT_OK; i++) {
		struct type_entry *e = type_get(c, types[i]);
		if (e)
			admit(c, c->batch[i], e, words[i]);
	}
	c->nbatch = 0;
}

static int visit(void *object, void *arg)
{
	struct census *c = arg;
	if (c->nbatch == BATCH)
		flush(c);
	c->batch[c->nbatch++] = (uint64_t)(uintptr_t)object;
	return c->status != PL_AGENT_OK;
}

static void extra_fields(struct census *c, uint64_t obj, const struct pl_agent_extra *x)
{
	for (uint64_t i = 0; i < x->nfields && i < PL_AGENT_EXTRA_FIELDS; i++)
		if (x->fields[i] >= 0)
			consider(c, word_at(obj + (uint64_t)x->fields[i]));
}

/* The keys of the dict at OBJ whose value is set: its tp_traverse skips str keys. */
static void dict_keys(struct census *c, uint64_t obj)
{
	struct pl_dict_shape s;
	if (pl_rules_dict_shape(&c->rules, obj, MAX_DICT_ENTRIES, &s) != PL_DICT_SHAPE_OK)
		return;
	for (uint64_t i = 0; i < s.nentries && c->status == PL_AGENT_OK; i++) {
		uint64_t entry = s.entries + i * s.entry_size;
		uint64_t value = s.values ? word_at(s.values + 8 * i) : word_at(entry + s.value_off);
		if (value)
			consider(c, word_at(entry + s.key_off));
	}
}

/* What the object at OBJ (of the type of ENTRY) holds. ENTRY is copied first: the table moves
 * when a type seen first below makes it grow. */
static void references(struct census *c, uint64_t obj, const struct type_entry *entry)
{
	const struct pl_agent_request *req = c->req;
	const struct type_entry copy = *entry, *e = &copy;
	if (e->structseq) { /* its items, as a tuple's */
		uint64_t n = word_at(obj + (uint64_t)c->l->varobject_size);
		for (uint64_t i = 0; i < n && i < 4096; i++)
			consider(c, word_at(obj + (uint64_t)c->l->tuple_items + 8 * i));
	} else if ((e->flags & PL_TPFLAGS_HAVE_GC) && e->traverse) {
		e->traverse((void *)(uintptr_t)obj, visit, c);
		flush(c);
	}
	if (e->extra >= 0)
		extra_fields(c, obj, &req->extras[e->extra]);
	if (e->meta && c->heaptype_extra >= 0 &&
	    (word_at(obj + (uint64_t)c->l->type_flags) & PL_TPFLAGS_HEAPTYPE))
		extra_fields(c, obj, &req->extras[c->heaptype_extra]);
	if ((e->flags & PL_TPFLAGS_DICT_SUBCLASS) || e->size.kind == PL_SIZE_DICT ||
	    e->size.kind == PL_SIZE_ODICT) /* 3.15's frozendict is a dict, not a subclass */
		dict_keys(c, obj);
	/* a managed dict at -24: 3.13.0's traverse visits only its values */
	if (c->l->managed_dict != PL_MANAGED_DICT_NONE && (e->flags & PL_TPFLAGS_MANAGED_DICT)) {
		uint64_t dict = word_at(obj - 24);
		if (!(dict & 1))
			consider(c, dict);
	}
}

/* Walk list L (its head at HEAD) of generation GEN; the number of objects on it. */
static uint64_t walk_list(struct census *c, uint64_t head, uint64_t gen)
{
	const struct pl_agent_request *req = c->req;
	uint64_t gch = (uint64_t)c->l->size_gc_head, n = 0;
	uint64_t g = word_at(head) & req->gc_next_mask;
	for (; g != head && c->status == PL_AGENT_OK; n++) {
		if (!g || n >= req->max_objects) {
			fail(c, PL_AGENT_LIST_BROKEN);
			break;
		}
		uint64_t obj = g + gch, type = word_at(obj + (uint64_t)c->l->object_type);
		struct type_entry *e = type ? type_get(c, type) : NULL;
		if (!e) {
			fail(c, type ? PL_AGENT_NO_MEMORY : PL_AGENT_LIST_BROKEN);
			break;
		}
		record(c, e, obj, gen, pl_rules_size_of(&c->rules, &e->size, obj));
		references(c, obj, e);
		g = word_at(g) & req->gc_next_mask;
	}
	return n;
}

static bool request_fits(const struct pl_agent_request *req)
{
	return req->layout_size == sizeof(struct pl_layout) &&
	       req->layout_hash == pl_layout_abi_hash() && req->layout_offset >= sizeof(*req) &&
	       req->layout_offset % 8 == 0 && req->nbuiltins <= PL_AGENT_BUILTINS &&
	       req->nextras <= PL_AGENT_EXTRAS && (!req->nroots || req->roots_offset >= sizeof(*req)) &&
	       req->roots_offset % 8 == 0 && req->tally <= 1;
}

/* Census with a tally: a struct pl_agent_tally per type counted, after the records. */
static void put_tallies(struct census *c)
{
	const struct pl_agent_tally *t = (const struct pl_agent_tally *)c->tallies.words;
	c->req->tallies_at = c->out->used * 8;
	for (size_t i = 0; i < c->ntypes && c->status == PL_AGENT_OK; i++) {
		uint64_t any = 0;
		for (int g = 0; g <= PL_AGENT_UNTRACKED; g++)
			any |= t[i].count[g];
		if (!any)
			continue;
		const uint64_t *w = (const uint64_t *)&t[i];
		for (size_t k = 0; k < sizeof(*t) / 8; k++)
			if (pl_agent_put(c->out, w[k]))
				fail(c, PL_AGENT_NO_MEMORY);
		c->req->ntallies++;
	}
}

long pl_agent_census(struct pl_agent_request *req, struct pl_agent_words *out)
{
	if (!request_fits(req))
		return PL_AGENT_BAD_REQUEST;
	struct census c = { .req = req, .out = out, .heaptype_extra = -1, .status = PL_AGENT_OK };
	c.l = (const struct pl_layout *)((const char *)req + req->layout_offset);
	c.rules = (struct pl_object_rules){ .l = c.l, .read = self_read, .ctx = NULL };
	for (uint64_t i = 0; i < req->nbuiltins; i++)
		c.rules.builtins[c.rules.nbuiltins++] = (struct pl_rules_builtin){
			req->builtins[i].type, (uint32_t)req->builtins[i].kind };
	for (uint64_t i = 0; i < req->nextras; i++)
		if (!req->extras[i].type)
			c.heaptype_extra = (int32_t)i;
	c.types_cap = FIRST_TYPES;
	c.types = pl_agent_map(c.types_cap * sizeof(*c.types));
	/* at most a bitmap per 256 KiB of the process's memory (max_untracked is a sixteenth of
	 * it) and one more per mapping */
	if (!c.types || pl_seen_init(&c.seen, (req->max_untracked >> (PL_SEEN_SPAN_SHIFT - 4)) + 65536) ||
	    pl_agent_words_init(&c.stack, FIRST_STACK) || pl_agent_words_init(&c.tallies, FIRST_TALLIES))
		fail(&c, PL_AGENT_NO_MEMORY);
	for (uint64_t i = 0; i < req->nlists && c.status == PL_AGENT_OK; i++)
		req->counts[i] = req->lists[i] ? walk_list(&c, req->lists[i], i % 4) : 0;
	req->tracked = 0;
	for (uint64_t i = 0; i < req->nlists; i++)
		req->tracked += req->counts[i];
	const uint64_t *roots = (const uint64_t *)((const char *)req + req->roots_offset);
	for (uint64_t i = 0; i < req->nroots && c.status == PL_AGENT_OK; i++)
		consider(&c, roots[i]);
	while (c.stack.used && c.status == PL_AGENT_OK) {
		uint64_t obj = c.stack.words[--c.stack.used];
		struct type_entry *e = type_get(&c, word_at(obj + (uint64_t)c.l->object_type));
		if (!e)
			fail(&c, PL_AGENT_NO_MEMORY);
		else
			references(&c, obj, e);
	}
	req->untracked = c.seen.n;
	req->objects = out->used / 3;
	if (req->tally && c.status == PL_AGENT_OK)
		put_tallies(&c);
	if (c.types)
		munmap(c.types, c.types_cap * sizeof(*c.types));
	if (c.status == PL_AGENT_OK) { /* kept for gdb's questions until release */
		req->seen_slots = (uint64_t)(uintptr_t)c.seen.slots;
		req->seen_cap = c.seen.cap;
		req->seen_slabs = (uint64_t)(uintptr_t)c.seen.slabs;
	} else {
		pl_seen_free(&c.seen);
	}
	pl_agent_words_free(&c.stack);
	pl_agent_words_free(&c.tallies);
	if (out->failed)
		fail(&c, PL_AGENT_NO_MEMORY);
	return c.status;
}
