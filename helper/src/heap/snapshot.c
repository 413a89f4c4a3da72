/* SPDX-License-Identifier: MIT */
/* snapshot.c - snapshots of a heap, their file, and the growth since one (see snapshot.h).
 * A snapshot file is read as untrusted input: every count and length is checked against what
 * is left of the file before anything is allocated for it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr_set.h"
#include "base/internal.h"
#include "heap/snapshot.h"
#include "heap/type_names.h"

#define NONE UINT32_MAX

static const char MAGIC[16] = "PYLEAKS-SNAP\n\0\0\1"; /* the last byte: the format's version */

enum { MAX_STRING = 1 << 16 };

void pl_snapshot_destroy(struct pl_snapshot *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ntypes; i++)
		free(s->types[i].name);
	free(s->types);
	free(s->addrs);
	free(s->type_of);
	free(s->index);
	free(s->name);
	free(s->target);
	free(s->python);
	free(s);
}

/* An index of the strings NAMES[0..N): open addressing, entry + 1. */
struct name_index {
	uint32_t *slots;
	size_t cap;
};

static uint64_t str_hash(const char *s)
{
	return pl_fnv1a(PL_FNV_OFFSET, s, strlen(s));
}

static bool name_index_build(struct name_index *ix, const struct pl_snapshot_type *types, size_t n)
{
	ix->cap = 64;
	while (ix->cap < 2 * n)
		ix->cap *= 2;
	ix->slots = calloc(ix->cap, sizeof(*ix->slots));
	if (!ix->slots)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t s = str_hash(types[i].name) & (ix->cap - 1);
		while (ix->slots[s])
			s = (s + 1) & (ix->cap - 1);
		ix->slots[s] = (uint32_t)i + 1;
	}
	return true;
}

static uint32_t name_index_find(const struct name_index *ix, const struct pl_snapshot_type *types,
				const char *name)
{
	for (size_t s = str_hash(name) & (ix->cap - 1); ix->slots[s]; s = (s + 1) & (ix->cap - 1))
		if (strcmp(types[ix->slots[s] - 1].name, name) == 0)
			return ix->slots[s] - 1;
	return NONE;
}

struct pl_error *pl_snapshot_take(const struct pl_heap *h, const char *name, const char *target,
				  const char *python, struct pl_snapshot **ret)
{
	struct pl_snapshot *s = calloc(1, sizeof(*s));
	uint32_t *canon = pl_type_canon(h), *slot = malloc((h->ntypes + 1) * sizeof(*slot));
	struct pl_error *err = s && canon && slot ? NULL : &pl_enomem;
	if (!err) {
		s->name = strdup(name);
		s->target = strdup(target);
		s->python = strdup(python);
		s->types = calloc(h->ntypes + 1, sizeof(*s->types));
		s->addrs = malloc((h->nobjects + 1) * sizeof(*s->addrs));
		s->type_of = malloc((h->nobjects + 1) * sizeof(*s->type_of));
		if (!s->name || !s->target || !s->python || !s->types || !s->addrs || !s->type_of)
			err = &pl_enomem;
	}
	/* one snapshot type per name */
	for (size_t t = 0; !err && t < h->ntypes; t++) {
		if (canon[t] != t) {
			slot[t] = slot[canon[t]];
			continue;
		}
		slot[t] = (uint32_t)s->ntypes;
		if (!(s->types[s->ntypes++].name = strdup(h->types[t].name)))
			err = &pl_enomem;
	}
	for (size_t i = 0; !err && i < h->nobjects; i++) {
		const struct pl_object *o = &h->objects[i];
		struct pl_snapshot_type *st = &s->types[slot[o->type]];
		st->count++;
		st->size += o->size;
		s->size += o->size;
		s->addrs[i] = o->addr;
		s->type_of[i] = slot[o->type];
	}
	free(canon);
	free(slot);
	if (err) {
		pl_snapshot_destroy(s);
		return err;
	}
	s->nobjects = h->nobjects;
	*ret = s;
	return NULL;
}

/* Build the index of the snapshot's addresses (once); false if out of memory. */
static bool index_build(struct pl_snapshot *s)
{
	if (s->index)
		return true;
	size_t cap = pl_addr_index_cap(s->nobjects);
	s->index = pl_addr_index(s->addrs, sizeof(*s->addrs), s->nobjects, cap);
	s->index_cap = s->index ? cap : 0;
	return s->index != NULL;
}

/* The file: MAGIC; u64 counts of types and objects; three strings (name, target, python);
 * per type its name, count and size; per object its address and type. Strings are a u32
 * length and the bytes; numbers little-endian. */
static bool put(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n;
}

static bool put_string(FILE *f, const char *s)
{
	uint32_t n = (uint32_t)strlen(s);
	return put(f, &n, sizeof(n)) && put(f, s, n);
}

struct pl_error *pl_snapshot_save(const struct pl_snapshot *s, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return pl_error_os(errno, "cannot write", path);
	uint64_t counts[2] = { s->ntypes, s->nobjects };
	bool ok = put(f, MAGIC, sizeof(MAGIC)) && put(f, counts, sizeof(counts)) &&
		  put_string(f, s->name) && put_string(f, s->target) && put_string(f, s->python);
	for (size_t i = 0; ok && i < s->ntypes; i++)
		ok = put_string(f, s->types[i].name) && put(f, &s->types[i].count, 8) &&
		     put(f, &s->types[i].size, 8);
	ok = ok && put(f, s->addrs, s->nobjects * sizeof(*s->addrs)) &&
	     put(f, s->type_of, s->nobjects * sizeof(*s->type_of));
	int saved = errno;
	if (fclose(f) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	return ok ? NULL : pl_error_os(saved, "cannot write", path);
}

/* Reading a snapshot file: a cursor over its bytes. */
struct reader {
	const uint8_t *p;
	size_t left;
};

static bool take(struct reader *r, void *out, size_t n)
{
	if (n > r->left)
		return false;
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

static char *take_string(struct reader *r)
{
	uint32_t n;
	if (!take(r, &n, sizeof(n)) || n > MAX_STRING || n > r->left)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	memcpy(s, r->p, n);
	s[n] = '\0';
	r->p += n;
	r->left -= n;
	return s;
}

/* The snapshot in the bytes [DATA, DATA + SIZE) of the file PATH. */
static struct pl_error *parse(const uint8_t *data, size_t size, const char *path,
			      struct pl_snapshot **ret)
{
	struct reader r = { data, size };
	char magic[sizeof(MAGIC)];
	uint64_t counts[2];
	if (!take(&r, magic, sizeof(magic)) || memcmp(magic, MAGIC, sizeof(MAGIC) - 1) != 0)
		return pl_error_create(PL_ERR_BAD_DATA, "%s is not a pyleaks snapshot", path);
	if (magic[sizeof(MAGIC) - 1] != MAGIC[sizeof(MAGIC) - 1])
		return pl_error_create(PL_ERR_BAD_DATA, "%s is a snapshot of format %d; this pyleaks "
					"reads format %d", path, magic[sizeof(MAGIC) - 1],
					MAGIC[sizeof(MAGIC) - 1]);
	/* each type takes 20 bytes at least, each object 12: a count beyond the file is a lie */
	if (!take(&r, counts, sizeof(counts)) || counts[0] > r.left / 20 || counts[1] > r.left / 12 ||
	    counts[1] >= UINT32_MAX)
		return pl_error_create(PL_ERR_BAD_DATA, "%s: a broken snapshot (its counts do not fit "
					"its size)", path);
	struct pl_snapshot *s = calloc(1, sizeof(*s));
	if (!s)
		return &pl_enomem;
	bool ok = (s->name = take_string(&r)) && (s->target = take_string(&r)) &&
		  (s->python = take_string(&r)) &&
		  (s->types = calloc(counts[0] + 1, sizeof(*s->types))) &&
		  (s->addrs = malloc((counts[1] + 1) * sizeof(*s->addrs))) &&
		  (s->type_of = malloc((counts[1] + 1) * sizeof(*s->type_of)));
	for (; ok && s->ntypes < counts[0]; s->ntypes++) {
		struct pl_snapshot_type *t = &s->types[s->ntypes];
		ok = (t->name = take_string(&r)) && take(&r, &t->count, 8) && take(&r, &t->size, 8);
	}
	ok = ok && take(&r, s->addrs, counts[1] * sizeof(*s->addrs)) &&
	     take(&r, s->type_of, counts[1] * sizeof(*s->type_of)) && r.left == 0;
	s->nobjects = ok ? counts[1] : 0;
	uint64_t *count = ok ? calloc(s->ntypes + 1, sizeof(*count)) : NULL;
	bool counted = count != NULL;
	for (size_t i = 0; counted && ok && i < s->nobjects; i++) { /* every object of one of its types */
		ok = s->type_of[i] < s->ntypes;
		if (ok)
			count[s->type_of[i]]++;
	}
	for (size_t t = 0; counted && ok && t < s->ntypes; t++) { /* as many as the census says */
		ok = count[t] == s->types[t].count && s->types[t].size <= UINT64_MAX - s->size;
		s->size += s->types[t].size;
	}
	free(count);
	if (!ok || !counted) {
		pl_snapshot_destroy(s);
		return ok ? &pl_enomem : pl_error_create(PL_ERR_BAD_DATA, "%s: a broken snapshot", path);
	}
	*ret = s;
	return NULL;
}

struct pl_error *pl_snapshot_load(const char *path, struct pl_snapshot **ret)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return pl_error_os(errno, "cannot read", path);
	uint8_t *data = NULL;
	size_t size = 0, cap = 0;
	struct pl_error *err = NULL;
	for (;;) {
		if (size == cap) {
			cap = cap ? 2 * cap : 1 << 20;
			uint8_t *more = realloc(data, cap);
			if (!more) {
				err = &pl_enomem;
				break;
			}
			data = more;
		}
		size_t got = fread(data + size, 1, cap - size, f);
		size += got;
		if (got == 0) {
			if (ferror(f))
				err = pl_error_os(errno, "cannot read", path);
			break;
		}
	}
	fclose(f);
	if (!err)
		err = parse(data, size, path, ret);
	free(data);
	return err;
}

void pl_growth_destroy(struct pl_growth *g)
{
	if (!g)
		return;
	free(g->v);
	free(g);
}

/* The snapshot's object at ADDR, or NONE. */
static uint32_t snapshot_find(const struct pl_snapshot *s, uint64_t addr)
{
	for (size_t k = pl_addr_hash(addr, s->index_cap); s->index[k]; k = (k + 1) & (s->index_cap - 1))
		if (s->addrs[s->index[k] - 1] == addr)
			return s->index[k] - 1;
	return NONE;
}

bool pl_snapshot_has(const struct pl_snapshot *s, uint64_t addr, const char *name)
{
	uint32_t i = s->index ? snapshot_find(s, addr) : NONE;
	return i != NONE && strcmp(s->types[s->type_of[i]].name, name) == 0;
}

static int growth_cmp(const void *a, const void *b)
{
	const struct pl_growth_type *x = a, *y = b;
	if (x->delta != y->delta)
		return x->delta > y->delta ? -1 : 1;
	if (x->new_objects != y->new_objects)
		return x->new_objects > y->new_objects ? -1 : 1;
	return strcmp(x->name, y->name);
}

struct pl_error *pl_growth_since(const struct pl_heap *h, struct pl_snapshot *s,
				 struct pl_growth **ret)
{
	struct name_index ix = { 0 };
	uint32_t *canon = pl_type_canon(h), *snap_type = malloc((h->ntypes + 1) * sizeof(*snap_type));
	uint8_t *seen = calloc(s->ntypes + 1, 1);
	struct pl_growth *g = calloc(1, sizeof(*g));
	struct pl_growth_type *by_type = calloc(h->ntypes + 1, sizeof(*by_type));
	struct pl_error *err = canon && snap_type && seen && g && by_type &&
				       name_index_build(&ix, s->types, s->ntypes) && index_build(s)
			       ? NULL : &pl_enomem;
	for (size_t t = 0; !err && t < h->ntypes; t++)
		snap_type[t] = name_index_find(&ix, s->types, h->types[t].name);
	/* each lookup misses the cache three times: fetch the index slot of the object AHEAD on,
	 * and the entry of the one NEAR on, meanwhile */
	enum { AHEAD = 16, NEAR = 8 };
	for (size_t i = 0; !err && i < h->nobjects; i++) {
		const struct pl_object *o = &h->objects[i];
		if (i + AHEAD < h->nobjects)
			__builtin_prefetch(&s->index[pl_addr_hash(o[AHEAD].addr, s->index_cap)]);
		if (i + NEAR < h->nobjects) {
			uint32_t v = s->index[pl_addr_hash(o[NEAR].addr, s->index_cap)];
			if (v) {
				__builtin_prefetch(&s->addrs[v - 1]);
				__builtin_prefetch(&s->type_of[v - 1]);
			}
		}
		struct pl_growth_type *x = &by_type[canon[o->type]];
		x->count++;
		x->size += o->size;
		uint32_t k = snapshot_find(s, o->addr);
		if (k == NONE || s->type_of[k] != snap_type[o->type])
			x->new_objects++;
	}
	if (!err && !(g->v = calloc(h->ntypes + s->ntypes + 1, sizeof(*g->v))))
		err = &pl_enomem;
	for (size_t t = 0; !err && t < h->ntypes; t++) {
		struct pl_growth_type *x = &by_type[t];
		if (canon[t] != t || !x->count)
			continue;
		uint32_t k = snap_type[t];
		uint64_t was = k == NONE ? 0 : s->types[k].count, was_size = k == NONE ? 0 : s->types[k].size;
		if (k != NONE)
			seen[k] = 1;
		x->name = h->types[t].name;
		x->type = (uint32_t)t;
		x->delta = (int64_t)x->count - (int64_t)was;
		x->size_delta = (int64_t)x->size - (int64_t)was_size;
		g->objects += x->count;
		g->size += x->size;
		g->new_objects += x->new_objects;
		g->v[g->n++] = *x;
	}
	for (size_t k = 0; !err && k < s->ntypes; k++) /* the types that are gone */
		if (!seen[k] && s->types[k].count)
			g->v[g->n++] = (struct pl_growth_type){
				.name = s->types[k].name, .delta = -(int64_t)s->types[k].count,
				.size_delta = -(int64_t)s->types[k].size, .type = NONE };
	free(ix.slots);
	free(canon);
	free(snap_type);
	free(seen);
	free(by_type);
	if (err) {
		pl_growth_destroy(g);
		return err;
	}
	pl_sort(g->v, g->n, sizeof(*g->v), growth_cmp);
	*ret = g;
	return NULL;
}
