/* SPDX-License-Identifier: MIT */
/* layout_select.c - which layout a runtime is read with, and why we believe it: DWARF of the
 * binary, else of its separate debug file, else the nearest built-in table; then the build's
 * own _Py_DebugOffsets (3.13+) where they disagree; each candidate is checked against the heap
 * and the one the heap accepts is used, with a warning naming any disagreement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "runtime/layout_select.h"
#include "runtime/layout_tables.h"
#include "runtime/pyread.h"

/* The GC state fields that the way this version keeps its GC state needs. */
static struct pl_error *check_gc_fields(const struct pl_runtime *rt)
{
	const struct pl_layout *l = &rt->layout;
	if (!rt->runtime_addr)
		return NULL; /* 3.6: static variables */
	const char *missing = l->runtime_interpreters_head < 0 ? "_PyRuntimeState.interpreters.head"
			    : l->gc_generations < 0 && l->gc_young < 0 ? "_gc_runtime_state.generations"
			    : l->gc_garbage < 0 ? "_gc_runtime_state.garbage"
			    : l->gc_collecting < 0 ? "_gc_runtime_state.collecting"
			    : l->interp_gc < 0 && l->runtime_gc < 0 ? "PyInterpreterState.gc"
			    : NULL;
	if (missing)
		return pl_error_create(PL_ERR_LOOKUP, "the layout of %s lacks %s", rt->image_path,
				       missing);
	return NULL;
}

/* Each GC list head of the first interpreter must link back: head->next->prev == head. This is
 * what tells a wrong GC-state offset from a right one. While a collection runs, the prev links
 * of the objects it collects hold reference counts: then one head that links back is enough. */
static struct pl_error *validate_gc_heads(struct pl_runtime *rt, uint64_t interp)
{
	const struct pl_layout *l = &rt->layout;
	struct pl_gc_where g;
	struct pl_error *err = pl_runtime_gc_where(rt, interp, &g);
	if (err)
		return pl_error_wrap(err, "checking the layout");
	int32_t collecting = 0;
	if (g.collecting && !pl_target_read_ok(rt->target, g.collecting, &collecting, 4))
		collecting = 0;
	uint64_t heads[4] = { g.gen0, g.gen0 + (uint64_t)l->size_gc_generation,
			      g.gen0 + 2 * (uint64_t)l->size_gc_generation, g.permanent };
	int good = 0, unlinked = -1;
	for (int i = 0; i < 4; i++) {
		uint64_t next, back;
		if (!heads[i])
			continue;
		if (!pl_target_u64(rt->target, heads[i], &next) ||
		    !pl_target_u64(rt->target, (next & l->gc_next_mask) + 8, &back))
			return pl_error_create(PL_ERR_BAD_DATA,
					       "layout check failed: GC list head %d at 0x%llx cannot "
					       "be followed", i, (unsigned long long)heads[i]);
		if ((back & l->gc_next_mask) == heads[i])
			good++;
		else if (unlinked < 0)
			unlinked = i;
	}
	if (unlinked >= 0 && !(collecting == 1 && good > 0))
		return pl_error_create(PL_ERR_BAD_DATA,
				       "layout check failed: GC list head %d at 0x%llx does not "
				       "link back (wrong layout for this build?)", unlinked,
				       (unsigned long long)heads[unlinked]);
	return NULL;
}

/* sys.version, read through interp->sysdict, must start with the version we detected: this
 * exercises the interpreter, dict and str fields. Kept in rt->sys_version when it does. */
static struct pl_error *validate_sys_version(struct pl_runtime *rt, uint64_t interp)
{
	const struct pl_layout *l = &rt->layout;
	uint64_t sysdict, type, str;
	char text[64], want[16];
	if (!pl_target_u64(rt->target, interp + (uint64_t)l->interp_sysdict, &sysdict) ||
	    !pl_target_u64(rt->target, sysdict + (uint64_t)l->object_type, &type) ||
	    type != rt->types[PL_T_DICT])
		return pl_error_create(PL_ERR_BAD_DATA,
				       "layout check failed: the interpreter's sys dict is not a dict");
	struct pl_error *err = pl_py_dict_get_str(rt, sysdict, "version", &str);
	if (!err && !str)
		err = pl_error_create(PL_ERR_BAD_DATA, "no 'version' in the sys dict");
	if (!err)
		err = pl_py_str(rt, str, text, sizeof(text));
	if (err)
		return pl_error_wrap(err, "layout check failed: reading sys.version");
	uint64_t v = l->version_hex;
	int n = snprintf(want, sizeof(want), "%u.%u.", (unsigned)(v >> 24) & 0xff,
			 (unsigned)(v >> 16) & 0xff);
	if (strncmp(text, want, (size_t)n) != 0)
		return pl_error_create(PL_ERR_BAD_DATA,
				       "layout check failed: sys.version is \"%.20s\", not %s*", text,
				       want);
	memcpy(rt->sys_version, text, sizeof(rt->sys_version));
	return NULL;
}

/* The layout must explain what we see: type(type) is type, the interpreter list starts, every GC
 * list head links back, and sys.version reads as the version we detected. */
static struct pl_error *validate_layout(struct pl_runtime *rt)
{
	const struct pl_layout *l = &rt->layout;
	uint64_t tt;
	struct pl_error *err = pl_target_read(rt->target, rt->types[PL_T_TYPE] + (uint64_t)l->object_type,
					      &tt, 8, "PyType_Type.ob_type");
	if (err)
		return pl_error_wrap(err, "checking the layout");
	if (tt != rt->types[PL_T_TYPE])
		return pl_error_create(PL_ERR_BAD_DATA,
				       "layout check failed: type(type) is 0x%llx, not PyType_Type "
				       "at 0x%llx (wrong binary for this core, or a layout bug)",
				       (unsigned long long)tt, (unsigned long long)rt->types[PL_T_TYPE]);
	uint64_t head;
	err = pl_target_read(rt->target, rt->interp_head_addr, &head, 8, "the interpreter list head");
	if (err)
		return pl_error_wrap(err, "checking the layout");
	if (head == 0)
		return pl_error_create(PL_ERR_BAD_DATA,
				       "the Python runtime has no interpreter (not yet initialised, "
				       "or already finalised)");
	if ((err = validate_gc_heads(rt, head)))
		return err;
	return validate_sys_version(rt, head);
}

/* Fill rt->layout: DWARF of the file, else of DEBUG_FILE (may be NULL), else a built-in table
 * (*TABLE_RET is then set, so that a failed heap check can say which table did not fit). */
static struct pl_error *load_layout(struct pl_runtime *rt, bool has_dwarf, const char *debug_file,
				    const char *debug_dir, const struct pl_layout_table **table_ret)
{
	uint64_t version = rt->layout.version_hex;
	const char *dwarf_file = has_dwarf ? rt->image_path : debug_file;
	if (dwarf_file) {
		if (has_dwarf)
			snprintf(rt->layout_source, sizeof(rt->layout_source), "DWARF");
		else
			snprintf(rt->layout_source, sizeof(rt->layout_source), "DWARF of %s",
				 debug_file);
		struct pl_error *err = pl_layout_from_dwarf(dwarf_file, &rt->layout);
		rt->layout.version_hex = version;
		if (!err || err == &pl_enomem || !pl_layout_table_find(version))
			return err;
		/* A damaged debug file: the built-in table serves, with a warning. */
		pl_text_add_line(&rt->warnings, "%s; using the built-in layout instead", err->message);
		pl_error_destroy(err);
	}
	const struct pl_layout_table *table = pl_layout_table_find(version);
	if (!table)
		return pl_error_create(PL_ERR_LOOKUP,
				       "Python %s in %s has no debug information (DWARF), no separate "
				       "debug file was found (looked in %s), and pyleaks has no "
				       "built-in layout for Python %u.%u", rt->version, rt->image_path,
				       debug_dir ? debug_dir : "/usr/lib/debug",
				       (unsigned)(version >> 24) & 0xff, (unsigned)(version >> 16) & 0xff);
	rt->layout = table->layout;
	rt->layout.version_hex = version;
	snprintf(rt->layout_source, sizeof(rt->layout_source), "built-in table of %s",
		 table->origin);
	*table_ret = table;
	return NULL;
}

#define CROSS_FIELD(id, type, path, required) \
	if (a->id >= 0 && a->id != b->id)      \
		pl_strbuf_printf(&sb, "%s%s", sb.len ? ", " : "", #id);
#define CROSS_SIZE(id, type, required)                        \
	if (a->size_##id >= 0 && a->size_##id != b->size_##id) \
		pl_strbuf_printf(&sb, "%s%s", sb.len ? ", " : "", "sizeof " #id);

/* DWARF was used and accepted: say so if the built-in table of the same release disagrees on a
 * field the DWARF has (the tables also hold the structs of extension modules, which the
 * runtime's DWARF does not describe where they are modules of their own). */
static void cross_check_table(struct pl_runtime *rt)
{
	const struct pl_layout_table *table = pl_layout_table_find(rt->layout.version_hex);
	if (!table || table->version_hex != rt->layout.version_hex)
		return;
	const struct pl_layout *a = &rt->layout, *b = &table->layout;
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	PL_LAYOUT_FIELDS(CROSS_FIELD, CROSS_SIZE)
	if (sb.len)
		pl_text_add_line(&rt->warnings,
				 "the built-in table of %s disagrees with DWARF on %s; using DWARF, "
				 "which the heap check accepted", table->origin, sb.data);
	pl_strbuf_deinit(&sb);
}

/* Layout fields that _Py_DebugOffsets also states, and where in it. */
#define PL_DEBUG_OFFSET_PAIRS(X)                                                              \
	X(runtime_interpreters_head, dbg_runtime_interpreters_head)                           \
	X(interp_next, dbg_interp_next) X(interp_gc, dbg_interp_gc)                           \
	X(interp_sysdict, dbg_interp_sysdict) X(object_type, dbg_object_type)                 \
	X(type_name, dbg_type_name) X(type_flags, dbg_type_flags)                             \
	X(list_items, dbg_list_items) X(dict_keys, dbg_dict_keys)                             \
	X(dict_values, dbg_dict_values) X(unicode_length, dbg_unicode_length)                 \
	X(unicode_state, dbg_unicode_state) X(size_ascii_object, dbg_ascii_object_size)       \
	X(gc_collecting, dbg_gc_collecting)

#define DEBUG_PAIR(field, where)                                                              \
	if (l->where >= 0) {                                                                  \
		uint64_t v;                                                                   \
		if (pl_target_u64(rt->target, rt->runtime_addr + (uint64_t)l->where, &v) &&  \
		    v < (1u << 24) && (int64_t)v != l->field) {                               \
			pl_strbuf_printf(&diff, "%s%s (%lld, debug offsets %llu)",            \
					 diff.len ? ", " : "", #field, (long long)l->field,   \
					 (unsigned long long)v);                              \
			alt->field = (int64_t)v;                                              \
		}                                                                             \
	}

/* 3.13+: the build's own _Py_DebugOffsets at the start of _PyRuntime. Refuses free-threaded
 * builds; fills *ALT with the layout as the debug offsets state it and *DIFF_RET (caller frees)
 * with the fields that differ, or NULL if none. */
static struct pl_error *read_debug_offsets(struct pl_runtime *rt, struct pl_layout *alt,
					   char **diff_ret)
{
	const struct pl_layout *l = &rt->layout;
	*alt = *l;
	*diff_ret = NULL;
	char cookie[8];
	if (l->dbg_version < 0 || !rt->runtime_addr)
		return NULL; /* this version has no debug offsets */
	if (pl_target_lost(rt->target, rt->runtime_addr))
		return NULL; /* the core lost it: salvage says so */
	if (!pl_target_read_ok(rt->target, rt->runtime_addr, cookie, sizeof(cookie)) ||
	    memcmp(cookie, "xdebugpy", 8) != 0) {
		pl_text_add_line(&rt->warnings, "%s: _PyRuntime does not start with the "
						 "_Py_DebugOffsets cookie", rt->image_path);
		return NULL;
	}
	uint64_t version = 0, ft = 0;
	pl_target_u64(rt->target, rt->runtime_addr + (uint64_t)l->dbg_version, &version);
	if (l->dbg_free_threaded >= 0 &&
	    pl_target_u64(rt->target, rt->runtime_addr + (uint64_t)l->dbg_free_threaded, &ft) && ft)
		return pl_error_create(PL_ERR_VERSION,
				       "Python %s in %s is a free-threaded build, which pyleaks does "
				       "not support yet", rt->version, rt->image_path);
	if ((version & 0xffffff00) != (l->version_hex & 0xffffff00)) {
		char v[32];
		snprintf(v, sizeof(v), "0x%08llx", (unsigned long long)version);
		pl_text_add_line(&rt->warnings, "_Py_DebugOffsets says version %s, Py_Version says %s",
				 v, rt->version);
	}
	struct pl_strbuf diff;
	pl_strbuf_init(&diff);
	PL_DEBUG_OFFSET_PAIRS(DEBUG_PAIR)
	*diff_ret = diff.len ? pl_strbuf_finish(&diff, NULL) : NULL;
	pl_strbuf_deinit(&diff);
	return NULL;
}

/* Where the layout and the debug offsets disagree, use whichever the heap accepts, preferring
 * the debug offsets (the build's own statement). */
static struct pl_error *reconcile_debug_offsets(struct pl_runtime *rt)
{
	struct pl_layout alt;
	char *diff;
	struct pl_error *err = read_debug_offsets(rt, &alt, &diff);
	if (err || !diff)
		return err;
	struct pl_layout mine = rt->layout;
	rt->layout = alt;
	rt->interp_head_addr = rt->runtime_addr + (uint64_t)alt.runtime_interpreters_head;
	err = validate_layout(rt);
	if (!err) {
		pl_text_add_line(&rt->warnings,
				 "%s and _Py_DebugOffsets disagree on %s; using the debug offsets, "
				 "which the heap check accepted", rt->layout_source, diff);
		strncat(rt->layout_source, " with _Py_DebugOffsets",
			sizeof(rt->layout_source) - strlen(rt->layout_source) - 1);
	} else {
		pl_error_destroy(err);
		rt->layout = mine;
		rt->interp_head_addr = rt->runtime_addr + (uint64_t)mine.runtime_interpreters_head;
		pl_text_add_line(&rt->warnings,
				 "%s and _Py_DebugOffsets disagree on %s; the heap check refused the "
				 "debug offsets", rt->layout_source, diff);
	}
	free(diff);
	return NULL;
}

struct pl_error *pl_layout_select(struct pl_runtime *rt, bool has_dwarf, const char *debug_file,
				  const char *debug_dir)
{
	const struct pl_layout_table *table = NULL;
	struct pl_error *err;
	if ((err = load_layout(rt, has_dwarf, debug_file, debug_dir, &table)) ||
	    (err = pl_layout_derive_rules(&rt->layout)) || (err = check_gc_fields(rt)))
		return err;
	if (rt->runtime_addr)
		rt->interp_head_addr = rt->runtime_addr + (uint64_t)rt->layout.runtime_interpreters_head;
	if ((err = reconcile_debug_offsets(rt)))
		return err;
	if ((err = validate_layout(rt))) {
		if (err->code == PL_ERR_FAULT && pl_target_lost(rt->target, rt->interp_head_addr)) {
			/* a core cut short before the runtime's data: nothing to check the layout
			 * against, and no list to walk; the heap is salvaged instead */
			pl_error_destroy(err);
			rt->salvaged = true;
			return NULL;
		}
		if (table)
			err = pl_error_wrap(err, "the built-in layout of Python %s does not fit this "
						 "Python %s build (%s)", table->origin, rt->version,
					    rt->image_path);
		return err;
	}
	if (!table)
		cross_check_table(rt);
	return NULL;
}
