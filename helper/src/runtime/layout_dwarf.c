/* SPDX-License-Identifier: MIT */
/* layout_dwarf.c - fills struct pl_layout from DWARF with libdwarf: finds each struct named in
 * layout_fields.h (by typedef or tag), then the offsets of member paths and struct sizes.
 * Scans top-level DIEs of each compile unit once and stops as soon as every type is found;
 * the layouts read are kept per file for the next sessions of the process, and on disk for
 * the next runs (layout_cache.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/internal.h"
#include "runtime/dwarf_die.h"
#include "runtime/layout.h"
#include "runtime/layout_cache.h"

/* libdwarf's functions (dwarf_lib.h); the same table for every caller, set before any use. */
static const struct pl_dwarf_lib *dw;

enum { DW_MAX_TYPES = 256 };

struct dw_type {
	const char *name;     /* typedef or tag name from layout_fields.h */
	char tag_alias[128];  /* tag to look for when the typedef pointed at a declaration */
	Dwarf_Off struct_off; /* global offset of the complete struct/union DIE, 0 if not found */
};

struct dw_ctx {
	struct pl_dw d;
	struct dw_type types[DW_MAX_TYPES];
	size_t ntypes, nfound;
};

static struct dw_type *dw_type_slot(struct dw_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->ntypes; i++)
		if (strcmp(c->types[i].name, name) == 0)
			return &c->types[i];
	if (c->ntypes == DW_MAX_TYPES)
		return NULL;
	c->types[c->ntypes].name = name;
	return &c->types[c->ntypes++];
}

static void dw_found(struct dw_ctx *c, struct dw_type *t, Dwarf_Die sdie)
{
	Dwarf_Error err = NULL;
	Dwarf_Off off;
	if (t->struct_off == 0 && dw->dwarf_dieoffset(sdie, &off, &err) == DW_DLV_OK) {
		t->struct_off = off;
		c->nfound++;
	}
	pl_dw_drop_error(&c->d, &err);
}

/* Look at one top-level DIE: a struct/union or typedef some wanted type is named by. */
static void dw_consider(struct dw_ctx *c, Dwarf_Die die)
{
	Dwarf_Half tag = 0;
	Dwarf_Error err = NULL;
	if (dw->dwarf_tag(die, &tag, &err) != DW_DLV_OK) {
		pl_dw_drop_error(&c->d, &err);
		return;
	}
	if (tag != DW_TAG_typedef && !pl_dw_is_struct_tag(tag))
		return;
	const char *name = pl_dw_name(&c->d, die);
	if (!name)
		return;
	for (size_t i = 0; i < c->ntypes; i++) {
		struct dw_type *t = &c->types[i];
		if (t->struct_off)
			continue;
		bool by_name = strcmp(t->name, name) == 0;
		bool by_alias = t->tag_alias[0] && strcmp(t->tag_alias, name) == 0;
		if (!by_name && !by_alias)
			continue;
		if (pl_dw_is_struct_tag(tag)) {
			if (pl_dw_is_definition(&c->d, die))
				dw_found(c, t, die);
			continue;
		}
		if (!by_name)
			continue;
		Dwarf_Die sdie = pl_dw_strip_to_struct(&c->d, pl_dw_ref(&c->d, die, DW_AT_type));
		if (!sdie)
			continue;
		if (pl_dw_is_definition(&c->d, sdie)) {
			dw_found(c, t, sdie);
		} else {
			const char *tag_name = pl_dw_name(&c->d, sdie);
			if (tag_name)
				snprintf(t->tag_alias, sizeof(t->tag_alias), "%s", tag_name);
		}
		dw->dwarf_dealloc_die(sdie);
	}
}

/* Scan the top-level DIEs of every compile unit until every wanted type is found. */
static void dw_scan(struct dw_ctx *c)
{
	for (;;) {
		Dwarf_Unsigned next_off = 0;
		Dwarf_Half cu_type = 0;
		Dwarf_Error err = NULL;
		int rc = dw->dwarf_next_cu_header_d(c->d.dbg, true, NULL, NULL, NULL, NULL, NULL, NULL,
						NULL, NULL, &next_off, &cu_type, &err);
		if (rc != DW_DLV_OK) {
			pl_dw_drop_error(&c->d, &err);
			return;
		}
		if (c->nfound == c->ntypes)
			return;
		Dwarf_Die cu = NULL, die = NULL;
		if (dw->dwarf_siblingof_b(c->d.dbg, NULL, true, &cu, &err) != DW_DLV_OK) {
			pl_dw_drop_error(&c->d, &err);
			continue;
		}
		if (dw->dwarf_child(cu, &die, &err) != DW_DLV_OK)
			die = NULL;
		pl_dw_drop_error(&c->d, &err);
		for (size_t n = 0; die && n < PL_DW_MAX_CHILDREN; n++) {
			dw_consider(c, die);
			Dwarf_Die sib = NULL;
			if (dw->dwarf_siblingof_b(c->d.dbg, die, true, &sib, &err) != DW_DLV_OK)
				sib = NULL;
			pl_dw_drop_error(&c->d, &err);
			dw->dwarf_dealloc_die(die);
			die = sib;
		}
		if (die)
			dw->dwarf_dealloc_die(die);
		dw->dwarf_dealloc_die(cu);
	}
}

/* Offset of the member named NAME (of length LEN) in struct SDIE, searching unnamed struct/union
 * members too. On success *TYPE_RET is the member's DIE type stripped to a struct (may be NULL;
 * caller deallocs). */
static bool dw_find_member(struct dw_ctx *c, Dwarf_Die sdie, const char *name, size_t len,
			   int depth, int64_t *off_ret, Dwarf_Die *type_ret)
{
	Dwarf_Die m = NULL;
	Dwarf_Error err = NULL;
	bool found = false;
	if (depth > PL_DW_MAX_DEPTH || dw->dwarf_child(sdie, &m, &err) != DW_DLV_OK) {
		pl_dw_drop_error(&c->d, &err);
		return false;
	}
	for (size_t n = 0; m && !found && n < PL_DW_MAX_CHILDREN; n++) {
		Dwarf_Half tag = 0;
		if (dw->dwarf_tag(m, &tag, &err) == DW_DLV_OK && tag == DW_TAG_member) {
			const char *mname = pl_dw_name(&c->d, m);
			int64_t off;
			if (mname && strlen(mname) == len && strncmp(mname, name, len) == 0) {
				if (pl_dw_member_offset(&c->d, m, &off)) {
					*off_ret = off;
					*type_ret = pl_dw_strip_to_struct(&c->d, pl_dw_ref(&c->d, m, DW_AT_type));
					found = true;
				}
			} else if (!mname && pl_dw_member_offset(&c->d, m, &off)) {
				Dwarf_Die inner = pl_dw_strip_to_struct(&c->d, pl_dw_ref(&c->d, m, DW_AT_type));
				int64_t ioff;
				if (inner && dw_find_member(c, inner, name, len, depth + 1, &ioff,
							    type_ret)) {
					*off_ret = off + ioff;
					found = true;
				}
				if (inner)
					dw->dwarf_dealloc_die(inner);
			}
		}
		pl_dw_drop_error(&c->d, &err);
		Dwarf_Die sib = NULL;
		if (dw->dwarf_siblingof_b(c->d.dbg, m, true, &sib, &err) != DW_DLV_OK)
			sib = NULL;
		pl_dw_drop_error(&c->d, &err);
		dw->dwarf_dealloc_die(m);
		m = sib;
	}
	if (m)
		dw->dwarf_dealloc_die(m);
	return found;
}

static Dwarf_Die dw_struct_die(struct dw_ctx *c, const char *type_name)
{
	struct dw_type *t = dw_type_slot(c, type_name);
	Dwarf_Die die = NULL;
	Dwarf_Error err = NULL;
	if (!t || !t->struct_off)
		return NULL;
	if (dw->dwarf_offdie_b(c->d.dbg, t->struct_off, true, &die, &err) != DW_DLV_OK)
		die = NULL;
	pl_dw_drop_error(&c->d, &err);
	return die;
}

/* Offset of the member path ("a.b") in the named type, or -1. */
static int64_t dw_path_offset(struct dw_ctx *c, const char *type_name, const char *path)
{
	Dwarf_Die cur = dw_struct_die(c, type_name);
	int64_t total = 0;
	while (cur) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		int64_t off;
		Dwarf_Die next = NULL;
		bool ok = dw_find_member(c, cur, path, len, 0, &off, &next);
		dw->dwarf_dealloc_die(cur);
		cur = NULL;
		if (!ok) {
			if (next)
				dw->dwarf_dealloc_die(next);
			return -1;
		}
		total += off;
		if (!dot) {
			if (next)
				dw->dwarf_dealloc_die(next);
			return total;
		}
		cur = next;
		path = dot + 1;
	}
	return -1;
}

static int64_t dw_type_size(struct dw_ctx *c, const char *type_name)
{
	Dwarf_Die die = dw_struct_die(c, type_name);
	if (!die)
		return -1;
	int64_t out = pl_dw_byte_size(&c->d, die);
	dw->dwarf_dealloc_die(die);
	return out;
}

#define DW_WANT_FIELD(id, type, path, required) overflow |= !dw_type_slot(&c, type);
#define DW_WANT_SIZE(id, type, required) overflow |= !dw_type_slot(&c, type);
#define DW_FILL_FIELD(id, type, path, required) l->id = dw_path_offset(&c, type, path);
#define DW_FILL_SIZE(id, type, required) l->size_##id = dw_type_size(&c, type);
#define DW_CHECK_FIELD(id, type, path, required)                                               \
	if (l->id < 0 && ((required) == true || ((required) == PL_PY3 && !py2)))               \
		dw_note_missing(missing, sizeof(missing), type "." path);
#define DW_CHECK_SIZE(id, type, required)                                                      \
	if (l->size_##id < 0 && ((required) == true || ((required) == PL_PY3 && !py2)))        \
		dw_note_missing(missing, sizeof(missing), "sizeof(" type ")");

static void dw_note_missing(char *buf, size_t size, const char *what)
{
	size_t n = strlen(buf);
	if (n + 3 < size)
		snprintf(buf + n, size - n, "%s%s", n ? ", " : "", what);
}

/* Layouts read before, per file (device, inode, size, modification time): gdb opens a new
 * session at every stop of a process, and reading DWARF costs more than the rest of opening. */
enum { DW_CACHE = 8 };
static struct dw_cached {
	struct stat st;
	struct pl_layout layout;
} dw_cache[DW_CACHE];
static size_t dw_cached_n, dw_cache_next;
static pthread_mutex_t dw_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static struct dw_cached *dw_cache_find(const struct stat *st)
{
	for (size_t i = 0; i < dw_cached_n; i++)
		if (pl_same_stat(&dw_cache[i].st, st))
			return &dw_cache[i];
	return NULL;
}

static struct pl_error *dw_read_layout(const char *path, struct pl_layout *l, bool partial);

/* Is PATH still the file ST describes? */
static bool same_file(const char *path, const struct stat *st)
{
	struct stat now;
	return stat(path, &now) == 0 && pl_same_stat(&now, st);
}

/* The layout of PATH: from the cache, else read (PARTIAL: nothing is required of it). The
 * cache keeps a file's layout whichever way it was asked for: a file is either a runtime or
 * an extension module, never both. */
static struct pl_error *dw_layout(const char *path, struct pl_layout *l, bool partial)
{
	struct stat st;
	bool have_stat = stat(path, &st) == 0;
	struct pl_error *err;
	if (have_stat) {
		pthread_mutex_lock(&dw_cache_lock);
		struct dw_cached *e = dw_cache_find(&st);
		if (e)
			*l = e->layout;
		pthread_mutex_unlock(&dw_cache_lock);
		if (e)
			return NULL;
	}
	if (have_stat && pl_layout_cache_load(path, &st, partial, l))
		err = NULL;
	else if (!(err = dw_read_layout(path, l, partial)) && have_stat && same_file(path, &st))
		pl_layout_cache_store(path, &st, partial, l); /* not if replaced while read */
	if (err || !have_stat)
		return err;
	pthread_mutex_lock(&dw_cache_lock);
	if (!dw_cache_find(&st)) {
		struct dw_cached *e = &dw_cache[dw_cache_next];
		*e = (struct dw_cached){ .st = st, .layout = *l };
		dw_cache_next = (dw_cache_next + 1) % DW_CACHE;
		if (dw_cached_n < DW_CACHE)
			dw_cached_n++;
	}
	pthread_mutex_unlock(&dw_cache_lock);
	return NULL;
}

struct pl_error *pl_layout_from_dwarf(const char *path, struct pl_layout *l)
{
	return dw_layout(path, l, false);
}

#define DW_ADD_FIELD(id, type, path, required) \
	if (l->id < 0)                         \
		l->id = x.id;
#define DW_ADD_SIZE(id, type, required) \
	if (l->size_##id < 0)           \
		l->size_##id = x.size_##id;

struct pl_error *pl_layout_add_dwarf(const char *path, struct pl_layout *l)
{
	struct pl_layout x;
	struct pl_error *err = dw_layout(path, &x, true);
	if (err)
		return err;
	PL_LAYOUT_FIELDS(DW_ADD_FIELD, DW_ADD_SIZE)
	return NULL;
}

static struct pl_error *dw_read_layout(const char *path, struct pl_layout *l, bool partial)
{
	struct dw_ctx c;
	memset(&c, 0, sizeof(c));
	Dwarf_Error err = NULL;
	struct pl_error *load_err = NULL;
	if (!(dw = pl_dwarf_lib(&load_err)))
		return load_err;
	c.d.lib = dw;
	int rc = dw->dwarf_init_path(path, NULL, 0, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL,
				     &c.d.dbg, NULL, 0, NULL, &err);
	if (rc != DW_DLV_OK) {
		if (rc == DW_DLV_ERROR)
			dw->dwarf_dealloc_error(NULL, err);
		return pl_error_create(PL_ERR_LOOKUP, "%s has no DWARF debug information", path);
	}
	bool overflow = false;
	PL_LAYOUT_FIELDS(DW_WANT_FIELD, DW_WANT_SIZE)
	if (overflow) { /* a bug of ours: layout_fields.h outgrew the table */
		dw->dwarf_finish(c.d.dbg, &err);
		return pl_error_create(PL_ERR_LIMIT, "layout_fields.h names more than %d types",
				       DW_MAX_TYPES);
	}
	dw_scan(&c);
	if (c.nfound == 0) {
		dw->dwarf_finish(c.d.dbg, &err);
		return pl_error_create(PL_ERR_LOOKUP,
				       "%s has no DWARF debug information about CPython's types", path);
	}
	char missing[1024] = "";
	PL_LAYOUT_FIELDS(DW_FILL_FIELD, DW_FILL_SIZE)
	/* Python 2.7: a str that is bytes (PyStringObject), and no PEP 393 strings */
	bool py2 = l->string_sval >= 0 && l->size_ascii_object < 0;
	PL_LAYOUT_FIELDS(DW_CHECK_FIELD, DW_CHECK_SIZE)
	dw->dwarf_finish(c.d.dbg, &err);
	if (missing[0] && !partial)
		return pl_error_create(PL_ERR_LOOKUP, "DWARF of %s lacks %s", path, missing);
	return NULL;
}
