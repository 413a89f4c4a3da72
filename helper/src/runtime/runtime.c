/* SPDX-License-Identifier: MIT */
/* runtime.c - locating CPython in a target: the mapped file that defines _PyRuntime, its load
 * bias, the exact version, the layout, and a check of that layout against live data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "runtime/layout_select.h"
#include "runtime/module_states.h"
#include "runtime/restore_data.h"
#include "runtime/pyread.h"
#include "runtime/runtime.h"
#include "target/core_link_map.h"
#include "target/elf_image.h"

void pl_runtime_destroy(struct pl_runtime *rt)
{
	if (!rt)
		return;
	free(rt->image_path);
	free(rt->warnings);
	free(rt->debug_dir);
	pl_module_states_destroy(rt->module_states);
	free(rt);
}

/* Order in which mapped files are tried: libpython first, then the executable, then the rest. */
static int candidate_rank(const struct pl_target *t, const struct pl_mapping *m)
{
	const char *base = strrchr(m->name, '/');
	base = base ? base + 1 : m->name;
	if (strncmp(base, "libpython", 9) == 0)
		return 0;
	if (t->exe_phdr >= m->lo && t->exe_phdr < m->hi)
		return 1;
	if (strncmp(base, "python", 6) == 0)
		return 1;
	return 2;
}

/* Lowest-offset mapping of the file named NAME. */
static const struct pl_mapping *first_mapping_of(const struct pl_target *t, const char *name)
{
	const struct pl_mapping *best = NULL;
	for (size_t i = 0; i < t->nmaps; i++)
		if (strcmp(t->maps[i].name, name) == 0 && (!best || t->maps[i].offset < best->offset))
			best = &t->maps[i];
	return best;
}

/* The version in a file name such as libpython3.13t.so.1.0 or python3.12: true if there is one;
 * *FREE_THREADED_RET says whether the name carries the free-threaded "t". */
static bool version_from_name(const char *path, unsigned *major, unsigned *minor,
			      bool *free_threaded_ret)
{
	const char *base = strrchr(path, '/');
	char flag = 0;
	base = base ? base + 1 : path;
	if (strncmp(base, "lib", 3) == 0)
		base += 3;
	if (sscanf(base, "python%u.%u%c", major, minor, &flag) < 2)
		return false;
	*free_threaded_ret = flag == 't';
	return true;
}

/* A VERSION error if T maps a Python too old to have _PyRuntime (2.x, 3.6), else NULL. */
static struct pl_error *python_without_runtime(const struct pl_target *t)
{
	for (size_t i = 0; i < t->nmaps; i++) {
		unsigned major, minor;
		bool ft;
		if (version_from_name(t->maps[i].name, &major, &minor, &ft)) {
			uint64_t hex = ((uint64_t)major << 24) | ((uint64_t)minor << 16) | 0xf0;
			struct pl_error *err = pl_layout_check_version(hex);
			if (err)
				return err;
		}
	}
	return NULL;
}

/* Look for _PyRuntime in the mapped files; on success *IMG_RET is open and *MAP_RET is its
 * first mapping. */
static struct pl_error *find_runtime_image(struct pl_target *t, struct pl_elf_image **img_ret,
					   const struct pl_mapping **map_ret)
{
	for (int rank = 0; rank <= 2; rank++) {
		for (size_t i = 0; i < t->nmaps; i++) {
			const struct pl_mapping *m = &t->maps[i];
			if (!m->local_path || candidate_rank(t, m) != rank ||
			    first_mapping_of(t, m->name) != m)
				continue;
			struct pl_elf_image *img;
			struct pl_error *err = pl_elf_image_create(m->local_path, &img);
			if (err) {
				pl_error_destroy(err);
				continue;
			}
			uint64_t v;
			/* _PyRuntime from 3.7 on; 3.6 (and 2.7, refused later) only have the
			 * generation pointer of the collector. */
			if (pl_elf_image_symbol(img, "_PyRuntime", &v, NULL) ||
			    pl_elf_image_symbol(img, "_PyGC_generation0", &v, NULL)) {
				*img_ret = img;
				*map_ret = m;
				return NULL;
			}
			pl_elf_image_destroy(img);
		}
	}
	struct pl_error *err = python_without_runtime(t);
	if (err)
		return err;
	if (t->nmaps == 0)
		return pl_error_create(PL_ERR_BAD_DATA,
				       "%s lists no mapped files, so the Python runtime cannot be "
				       "found (%s)", t->description,
				       t->warnings ? t->warnings : "no NT_FILE note");
	if (t->warnings)
		return pl_error_create(PL_ERR_LOOKUP,
				       "no Python runtime found in %s: no mapped file defines "
				       "_PyRuntime (%s; use --exe or --sysroot to point at them)",
				       t->description, t->warnings);
	return pl_error_create(PL_ERR_LOOKUP,
			       "no Python runtime found in %s: none of its %zu mapped files "
			       "defines _PyRuntime (is it a CPython 3 process?)",
			       t->description, t->nmaps);
}

/* Address of symbol NAME in the target, from IMG's symbols or its separate debug file DBG (may be
 * NULL; a debug file keeps the symbol table that strip removed). False if neither defines it. */
static bool find_symbol(const struct pl_runtime *rt, struct pl_elf_image *img,
			struct pl_elf_image *dbg, const char *name, uint64_t *ret)
{
	uint64_t v;
	if (!pl_elf_image_symbol(img, name, &v, NULL) &&
	    (!dbg || !pl_elf_image_symbol(dbg, name, &v, NULL)))
		return false;
	*ret = v + rt->bias;
	return true;
}

/* find_symbol, where the symbol is required: an error naming it. */
static struct pl_error *symbol_addr(struct pl_runtime *rt, struct pl_elf_image *img,
				    struct pl_elf_image *dbg, const char *name, uint64_t *ret)
{
	if (!find_symbol(rt, img, dbg, name, ret))
		return pl_error_create(PL_ERR_LOOKUP, "%s does not define %s", rt->image_path, name);
	return NULL;
}

#define PL_BUILTIN_TYPE_SYMBOL(id, symbol, required) { PL_T_##id, symbol, required },
static const struct {
	enum pl_builtin_type id;
	const char *symbol;
	int required; /* true, false or PL_PY3 */
} builtin_type_symbols[] = { PL_BUILTIN_TYPES(PL_BUILTIN_TYPE_SYMBOL) };

/* rt->types from the symbols; a missing required one is an error. */
static struct pl_error *find_builtin_types(struct pl_runtime *rt, struct pl_elf_image *img,
					   struct pl_elf_image *dbg)
{
	bool py2 = rt->layout.version_hex < 0x03000000;
	for (size_t i = 0; i < PL_ARRAY_SIZE(builtin_type_symbols); i++) {
		struct pl_error *err = symbol_addr(rt, img, dbg, builtin_type_symbols[i].symbol,
						   &rt->types[builtin_type_symbols[i].id]);
		int required = builtin_type_symbols[i].required;
		if (err && (required == true || (required == PL_PY3 && !py2)))
			return err;
		pl_error_destroy(err);
	}
	return NULL;
}

/* The exact version: Py_Version (3.11+), else the PY_VERSION literal in .rodata, else the
 * version in the library's file name (the micro level is then refined from sys.version once
 * the layout is known). A free-threaded name ("3.13t") is refused. */
static struct pl_error *detect_version(struct pl_runtime *rt, struct pl_elf_image *img)
{
	uint64_t v;
	bool ft = false;
	if (pl_elf_image_symbol(img, "Py_Version", &v, NULL)) {
		uint64_t hex;
		struct pl_error *err = pl_target_read(rt->target, v + rt->bias, &hex, 8, "Py_Version");
		if (err)
			return err;
		rt->layout.version_hex = hex & 0xffffffff;
		rt->have_exact_version = true;
	}
	unsigned major, minor, micro;
	bool named = version_from_name(rt->image_path, &major, &minor, &ft);
	unsigned lit_major = 0; /* the major version of a PY_VERSION literal found, else 0 */
	if (!rt->have_exact_version) {
		if (pl_elf_image_version_string(img, 3, 6, 14, &minor, &micro))
			lit_major = 3;
		else if ((!named || major == 2) && /* never a python3.X library taken for 2.7 */
			 pl_elf_image_version_string(img, 2, 7, 7, &minor, &micro))
			lit_major = 2;
	}
	if (lit_major) {
		/* the PY_VERSION literal: exact, and needs no name */
		rt->layout.version_hex = ((uint64_t)lit_major << 24) | ((uint64_t)minor << 16) |
					 ((uint64_t)micro << 8) | 0xf0;
	} else if (!rt->have_exact_version) {
		if (!named)
			return pl_error_create(PL_ERR_VERSION,
					       "cannot tell the Python version of %s (no Py_Version "
					       "symbol, no version in its name)", rt->image_path);
		rt->layout.version_hex = ((uint64_t)major << 24) | ((uint64_t)minor << 16) | 0xf0;
	}
	uint64_t h = rt->layout.version_hex;
	snprintf(rt->version, sizeof(rt->version), "%u.%u.%u", (unsigned)(h >> 24) & 0xff,
		 (unsigned)(h >> 16) & 0xff, (unsigned)(h >> 8) & 0xff);
	if (named && ft)
		return pl_error_create(PL_ERR_VERSION,
				       "Python %s in %s is a free-threaded build, which pyleaks does "
				       "not support yet", rt->version, rt->image_path);
	return NULL;
}

struct pl_error *pl_runtime_gc_where(const struct pl_runtime *rt, uint64_t interp,
				     struct pl_gc_where *ret)
{
	const struct pl_layout *l = &rt->layout;
	if (!rt->runtime_addr) { /* 3.6: static variables of gcmodule.c, no permanent generation */
		*ret = (struct pl_gc_where){ .garbage = rt->gc_static_garbage,
					     .collecting = rt->gc_static_collecting,
					     .enabled = rt->gc_static_enabled,
					     .debug = rt->gc_static_debug };
		if (!pl_target_u64(rt->target, rt->gc_static_gen0, &ret->gen0))
			return pl_error_fault(rt->gc_static_gen0, "_PyGC_generation0");
		return NULL;
	}
	uint64_t gcstate = l->interp_gc >= 0 ? interp + (uint64_t)l->interp_gc
					     : rt->runtime_addr + (uint64_t)l->runtime_gc;
	*ret = (struct pl_gc_where){
		/* 3.14.0 - 3.14.4 have young, old[0], old[1] where the generations are */
		.gen0 = gcstate + (uint64_t)(l->gc_generations >= 0 ? l->gc_generations : l->gc_young),
		.permanent = l->gc_permanent >= 0 ? gcstate + (uint64_t)l->gc_permanent : 0,
		.garbage = gcstate + (uint64_t)l->gc_garbage,
		.callbacks = l->gc_callbacks >= 0 ? gcstate + (uint64_t)l->gc_callbacks : 0,
		.collecting = gcstate + (uint64_t)l->gc_collecting,
		.enabled = l->gc_enabled >= 0 ? gcstate + (uint64_t)l->gc_enabled : 0,
		.debug = l->gc_debug >= 0 ? gcstate + (uint64_t)l->gc_debug : 0,
	};
	/* Prefer the generation0 pointer where there is one: some builds (Debian's 3.13) do not
	 * place the generations where the struct offset says. */
	uint64_t p;
	if (l->gc_generation0 >= 0 &&
	    pl_target_u64(rt->target, gcstate + (uint64_t)l->gc_generation0, &p) && p)
		ret->gen0 = p;
	return NULL;
}

/* The static variable that FUNCTION (a getter exported in .dynsym) returns, from its code:
 * x86-64 `mov disp32(%rip),%rax; ret`, as gcc compiles `return interp_head;`, after an
 * `endbr64` where the build has control-flow protection (-fcf-protection). A stripped build
 * keeps the getter where strip removed the variable's symbol. False if the code is not that. */
static bool getter_variable(struct pl_runtime *rt, struct pl_elf_image *img, const char *function,
			    uint64_t *ret)
{
	static const uint8_t endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
	uint64_t fn;
	uint8_t *code;
	if (!pl_elf_image_symbol(img, function, &fn, NULL))
		return false;
	struct pl_error *err = pl_elf_image_loaded_bytes(img, rt->bias, fn, 12, &code);
	if (err) {
		pl_error_destroy(err);
		return false;
	}
	size_t at = memcmp(code, endbr64, sizeof(endbr64)) == 0 ? sizeof(endbr64) : 0;
	const uint8_t *mov = code + at;
	bool ok = mov[0] == 0x48 && mov[1] == 0x8b && mov[2] == 0x05 && mov[7] == 0xc3;
	if (ok) {
		int32_t disp;
		memcpy(&disp, mov + 3, sizeof(disp)); /* little-endian, as the code is x86-64 */
		*ret = fn + at + 7 + (uint64_t)(int64_t)disp + rt->bias;
	}
	free(code);
	return ok;
}

/* Where the interpreters and the GC state hang from: _PyRuntime, or 3.6's static variables. */
static struct pl_error *find_roots(struct pl_runtime *rt, struct pl_elf_image *img,
				   struct pl_elf_image *dbg)
{
	if (pl_elf_image_symbol(img, "_PyRuntime", &rt->runtime_addr, NULL)) {
		rt->runtime_addr += rt->bias;
		return NULL;
	}
	rt->runtime_addr = 0;
	struct pl_error *err;
	if ((err = symbol_addr(rt, img, dbg, "_PyGC_generation0", &rt->gc_static_gen0)) ||
	    ((err = symbol_addr(rt, img, dbg, "interp_head", &rt->interp_head_addr)) &&
	     !getter_variable(rt, img, "PyInterpreterState_Head", &rt->interp_head_addr)))
		return pl_error_wrap(err, "finding the static GC state of Python %s (it needs the "
					  "symbol table, or an x86-64 PyInterpreterState_Head whose "
					  "code says where interp_head is)", rt->version);
	pl_error_destroy(err); /* NULL, or interp_head came from its getter: a stripped build */
	if (!find_symbol(rt, img, dbg, "garbage", &rt->gc_static_garbage)) {
		rt->gc_static_garbage = 0;
		pl_text_add_line(&rt->warnings, "gc.garbage is not listed: %s defines no symbol "
				 "`garbage` (a static variable, stripped; its objects are counted with "
				 "their generation)", rt->image_path);
	}
	/* only reported: their absence costs a line of the report, not the walk */
	const struct {
		const char *name;
		uint64_t *addr;
	} optional[] = { { "collecting", &rt->gc_static_collecting },
			 { "enabled", &rt->gc_static_enabled },
			 { "debug", &rt->gc_static_debug } };
	for (size_t i = 0; i < PL_ARRAY_SIZE(optional); i++)
		if (!find_symbol(rt, img, dbg, optional[i].name, optional[i].addr))
			*optional[i].addr = 0;
	if (!rt->gc_static_collecting)
		pl_text_add_line(&rt->warnings, "%s defines no symbol `collecting`: whether a "
				 "collection was running when it stopped is not known",
				 rt->image_path);
	return NULL;
}

/* A separate debug file for IMG: by build-id under DEBUG_DIR, or by .gnu_debuglink beside the
 * file, in its .debug/ folder, or under DEBUG_DIR. Writes the path to BUF; false if none has
 * DWARF. */
static bool find_debug_file(struct pl_elf_image *img, const char *debug_dir, char *buf, size_t max)
{
	char id[256], link[256], dir[PL_MAX_PATH];
	const char *path = pl_elf_image_path(img);
	const char *slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	char candidates[4][PL_MAX_PATH + 512];
	int n = 0;
	if (pl_elf_image_build_id(img, id, sizeof(id)) && strlen(id) > 2)
		snprintf(candidates[n++], sizeof(candidates[0]), "%s/.build-id/%.2s/%s.debug",
			 debug_dir, id, id + 2);
	if (pl_elf_image_debuglink(img, link, sizeof(link))) {
		snprintf(candidates[n++], sizeof(candidates[0]), "%s/%s", dir, link);
		snprintf(candidates[n++], sizeof(candidates[0]), "%s/.debug/%s", dir, link);
		snprintf(candidates[n++], sizeof(candidates[0]), "%s%s/%s", debug_dir, dir, link);
	}
	for (int i = 0; i < n; i++) {
		if (strcmp(candidates[i], path) == 0)
			continue;
		struct pl_elf_image *dbg;
		struct pl_error *err = pl_elf_image_create(candidates[i], &dbg);
		if (err) {
			pl_error_destroy(err);
			continue;
		}
		bool ok = pl_elf_image_has_dwarf(dbg);
		pl_elf_image_destroy(dbg);
		size_t len = strlen(candidates[i]);
		if (ok && len < max) {
			memcpy(buf, candidates[i], len + 1);
			return true;
		}
	}
	return false;
}

/* The stdlib extension modules whose own structs layout_fields.h names (refs/c_types.c). */
static const char *const extension_modules[] = { "_asyncio.", "_sqlite3.", "_socket.", "array.",
						 "_json.", "_struct.",
						 /* 2.7 builds these as shared objects */
						 "_collections.", "itertools.", "operator.",
						 "_functools." };

const char *pl_runtime_dwarf_file(const struct pl_runtime *rt, struct pl_elf_image *img, char *buf,
				  size_t max)
{
	if (pl_elf_image_has_dwarf(img))
		return pl_elf_image_path(img);
	return find_debug_file(img, rt->debug_dir, buf, max) ? buf : NULL;
}

/* Fill the layout's fields of extension modules' structs from the DWARF of those the target
 * mapped (the file's own, or its separate debug file): where the build compiled them into
 * the runtime, its DWARF had them already. A module without DWARF keeps them missing (its
 * objects' words are scanned conservatively). */
static void add_extension_layouts(struct pl_runtime *rt)
{
	const struct pl_target *t = rt->target;
	for (size_t i = 0; i < t->nmaps; i++) {
		const char *path = t->maps[i].local_path, *base;
		bool wanted = false;
		if (!pl_target_mapping_starts_file(t, i))
			continue;
		base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		for (size_t k = 0; k < PL_ARRAY_SIZE(extension_modules); k++)
			wanted |= strncmp(base, extension_modules[k], strlen(extension_modules[k])) == 0;
		struct pl_elf_image *img = NULL;
		struct pl_error *err = wanted ? pl_elf_image_create(path, &img) : NULL;
		char debug_file[PL_MAX_PATH];
		if (img && !err) {
			const char *dwarf = pl_runtime_dwarf_file(rt, img, debug_file, sizeof(debug_file));
			err = dwarf ? pl_layout_add_dwarf(dwarf, &rt->layout) : NULL;
		}
		pl_error_destroy(err); /* a module's DWARF is a bonus: without it, scanning */
		pl_elf_image_destroy(img);
	}
}

/* Warn if the file found on this machine is not the one the process mapped: the build-id in
 * the target's memory (the ELF header page at the file's first mapping) differs. */
static void check_build_id(struct pl_runtime *rt, struct pl_elf_image *img,
			   const struct pl_mapping *m)
{
	char mapped[160], here[160];
	if (m->offset != 0 || !pl_memory_build_id(rt->target, m->lo, mapped, sizeof(mapped)) ||
	    !pl_elf_image_build_id(img, here, sizeof(here)) || strcmp(mapped, here) == 0)
		return;
	pl_text_add_line(&rt->warnings, "%s is not the file the process mapped (build-id %s in "
			 "its memory, %s on this machine): symbols and layouts from it may be "
			 "wrong", m->local_path, mapped, here);
}

/* Before 3.11 there is no Py_Version: take the patch level from sys.version of the main
 * interpreter, which the layout check has read. Leaves the version as it is if that fails. */
static void refine_version_from_sys(struct pl_runtime *rt)
{
	const struct pl_layout *l = &rt->layout;
	unsigned major, minor, micro;
	if (sscanf(rt->sys_version, "%u.%u.%u", &major, &minor, &micro) != 3 ||
	    major != ((l->version_hex >> 24) & 0xff) || minor != ((l->version_hex >> 16) & 0xff) ||
	    micro > 255)
		return;
	rt->layout.version_hex = (l->version_hex & ~(uint64_t)0xff00) | ((uint64_t)micro << 8);
	snprintf(rt->version, sizeof(rt->version), "%u.%u.%u", major, minor, micro);
}

static bool target_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	return pl_target_read_ok(ctx, addr, buf, n);
}

/* The object rules of RT: its layout, its target, and the builtin types with a __sizeof__ of
 * their own. */
static void init_rules(struct pl_runtime *rt)
{
	static const struct {
		enum pl_builtin_type type;
		enum pl_size_kind kind;
	} kinds[] = {
		{ PL_T_LIST, PL_SIZE_LIST },	     { PL_T_DICT, PL_SIZE_DICT },
		{ PL_T_ODICT, PL_SIZE_ODICT },	     { PL_T_SET, PL_SIZE_SET },
		{ PL_T_FROZENDICT, PL_SIZE_DICT },   { PL_T_FROZENSET, PL_SIZE_SET },
		{ PL_T_BYTEARRAY, PL_SIZE_BYTEARRAY }, { PL_T_UNICODE, PL_SIZE_STR },
		{ PL_T_LONG, PL_SIZE_INT },	     { PL_T_TYPE, PL_SIZE_TYPE },
		{ PL_T_CODE, PL_SIZE_CODE },	     { PL_T_FRAME, PL_SIZE_FRAME },
		{ PL_T_GEN, PL_SIZE_GENERATOR },     { PL_T_CORO, PL_SIZE_GENERATOR },
		{ PL_T_ASYNC_GEN, PL_SIZE_GENERATOR },
	};
	_Static_assert(PL_ARRAY_SIZE(kinds) <= PL_RULES_BUILTINS, "room for the builtin kinds");
	struct pl_object_rules *r = &rt->rules;
	r->l = &rt->layout;
	r->read = target_read;
	r->ctx = rt->target;
	r->nbuiltins = 0;
	for (size_t i = 0; i < PL_ARRAY_SIZE(kinds); i++)
		if (rt->types[kinds[i].type])
			r->builtins[r->nbuiltins++] = (struct pl_rules_builtin){ rt->types[kinds[i].type],
										  kinds[i].kind };
}

struct pl_error *pl_runtime_create(struct pl_target *t, const char *debug_dir,
				   struct pl_runtime **ret)
{
	struct pl_runtime *rt = calloc(1, sizeof(*rt));
	if (!rt)
		return &pl_enomem;
	rt->target = t;
	if (!(rt->debug_dir = strdup(debug_dir ? debug_dir : "/usr/lib/debug"))) {
		free(rt);
		return &pl_enomem;
	}
	struct pl_elf_image *img = NULL, *dbg = NULL;
	char debug_file[PL_MAX_PATH];
	const struct pl_mapping *m = NULL;
	uint64_t vaddr = 0;
	struct pl_error *err = find_runtime_image(t, &img, &m);
	if (err)
		goto fail;
	rt->image_path = strdup(m->local_path);
	if (!rt->image_path) {
		err = &pl_enomem;
		goto fail;
	}
	if (!pl_elf_image_vaddr_of_offset(img, m->offset, &vaddr)) {
		err = pl_error_create(PL_ERR_BAD_DATA,
				      "%s does not match the core: no load segment at file offset "
				      "0x%llx", m->local_path, (unsigned long long)m->offset);
		goto fail;
	}
	rt->bias = m->lo - vaddr;
	check_build_id(rt, img, m);
	if ((err = detect_version(rt, img)) ||
	    (err = pl_layout_check_version(rt->layout.version_hex)))
		goto fail;
	if (!pl_elf_image_has_dwarf(img) &&
	    find_debug_file(img, rt->debug_dir, debug_file, sizeof(debug_file))) {
		if ((err = pl_elf_image_create(debug_file, &dbg)))
			goto fail;
	}
	if ((err = find_roots(rt, img, dbg)) || (err = find_builtin_types(rt, img, dbg)))
		goto fail;
	init_rules(rt); /* the layout it points to is filled below */
	uint64_t dummy_var;
	if (rt->layout.version_hex >= 0x03000000 && /* 2.7's Py_REF_DEBUG one is a function */
	    find_symbol(rt, img, dbg, "_PySet_Dummy", &dummy_var))
		pl_target_u64(t, dummy_var, &rt->set_dummy); /* in .data: in the core */
	else if (pl_elf_image_file_symbol(img, "setobject.c", "dummy", &dummy_var) ||
		 (dbg && pl_elf_image_file_symbol(dbg, "setobject.c", "dummy", &dummy_var)))
		pl_target_u64(t, dummy_var + rt->bias, &rt->set_dummy); /* 2.7: a static */
	else
		rt->set_dummy = 1; /* matches no object; a stripped 2.7's is told by its hash (refs.c) */
	if ((err = pl_layout_select(rt, pl_elf_image_has_dwarf(img), dbg ? debug_file : NULL,
				    debug_dir)) ||
	    (rt->salvaged && (err = pl_runtime_restore_data(rt, img))))
		goto fail;
	add_extension_layouts(rt);
	if (rt->layout.version_hex < 0x03000000) { /* 2.7's Py_UNICODE: its functions say which */
		uint64_t any;
		rt->layout.unicode2_width =
			pl_elf_image_symbol(img, "PyUnicodeUCS2_FromString", &any, NULL) ? 2 : 4;
	}
	if (!rt->have_exact_version)
		refine_version_from_sys(rt);
	pl_elf_image_destroy(img);
	pl_elf_image_destroy(dbg);
	*ret = rt;
	return NULL;
fail:;
	bool found = img != NULL;
	pl_elf_image_destroy(img);
	pl_elf_image_destroy(dbg);
	pl_runtime_destroy(rt);
	if (found && t->warnings && err != &pl_enomem) {
		/* The runtime was found, so a later failure is likely explained by the warnings. */
		struct pl_error *why = pl_error_create(err->code, "%s (%s)", err->message, t->warnings);
		if (why != &pl_enomem) {
			pl_error_destroy(err);
			err = why;
		}
	}
	return err;
}
