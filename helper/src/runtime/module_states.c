/* SPDX-License-Identifier: MIT */
/* module_states.c - the layouts of extension modules' C states in one target (module_states.h).
 * A module's functions are found in its PyModuleDef (m_traverse, m_clear, m_free, the exec
 * slots) or, from 3.15, in the module object itself (md_state_traverse, ...); the mapped file
 * that holds the first of them, its load bias and its DWARF (its own, or a separate debug
 * file) give the struct they take the state as (state_dwarf.c). A file without DWARF here
 * (a stripped build) is answered by the built-in tables generated from the DWARF of the same
 * release, by module name and state size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "runtime/layout_tables.h"
#include "runtime/module_states.h"
#include "runtime/pyread.h"
#include "runtime/runtime.h"
#include "target/elf_image.h"

enum { MAX_SLOTS = 32, PY_MOD_EXEC = 2, MAX_ENTRIES = 4096 };

/* A mapped file some module's functions are in. */
struct state_file {
	char *path;                 /* local path, as the target's mappings name it */
	uint64_t bias;              /* load bias */
	struct pl_state_dwarf *dwarf; /* NULL: the file has no DWARF here */
};

/* One module's answer, by the address of its first function and its state's size. */
struct state_entry {
	uint64_t first_pc;
	int64_t size;
	bool found;
	struct pl_state_layout layout;
};

struct pl_module_states {
	struct state_file *files;
	size_t nfiles;
	struct state_entry **entries; /* each apart: the layouts handed out stay put */
	size_t nentries;
};

void pl_module_states_destroy(struct pl_module_states *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].path);
		pl_state_dwarf_close(s->files[i].dwarf);
	}
	for (size_t i = 0; i < s->nentries; i++) {
		pl_state_layout_free(&s->entries[i]->layout);
		free(s->entries[i]);
	}
	free(s->files);
	free(s->entries);
	free(s);
}

/* MODULE's definition: md_def, or from 3.15 md_token where it is one; 0 if it has none. */
static uint64_t module_def(struct pl_runtime *rt, uint64_t module)
{
	const struct pl_layout *l = &rt->layout;
	uint8_t is_def = 0;
	if (l->module_def >= 0)
		return pl_runtime_field(rt, module, l->module_def);
	if (l->module_token_is_def < 0 ||
	    !pl_target_read_ok(rt->target, module + (uint64_t)l->module_token_is_def, &is_def, 1))
		return 0;
	return is_def ? pl_runtime_field(rt, module, l->module_token) : 0;
}

size_t pl_moduledef_functions(const struct pl_layout *l, pl_state_read_fn *read, void *arg,
			      uint64_t def, uint64_t *pcs)
{
	const int64_t fields[] = { l->moduledef_traverse, l->moduledef_clear, l->moduledef_free };
	uint64_t slots = 0;
	size_t n = 0;
	for (size_t i = 0; i < PL_ARRAY_SIZE(fields); i++)
		if (fields[i] >= 0 && read(arg, def + (uint64_t)fields[i], &pcs[n], 8) && pcs[n])
			n++;
	if (l->moduledef_slots < 0 || l->size_moduledef_slot <= 0 || l->moduledef_slot_id < 0 ||
	    l->moduledef_slot_value < 0 || !read(arg, def + (uint64_t)l->moduledef_slots, &slots, 8))
		return n;
	for (int i = 0; slots && i < MAX_SLOTS && n < PL_STATE_MAX_PCS; i++) {
		uint64_t slot = slots + (uint64_t)i * (uint64_t)l->size_moduledef_slot;
		int32_t id = 0;
		if (!read(arg, slot + (uint64_t)l->moduledef_slot_id, &id, 4) || id == 0)
			break;
		if (id == PY_MOD_EXEC && read(arg, slot + (uint64_t)l->moduledef_slot_value, &pcs[n], 8) &&
		    pcs[n])
			n++;
	}
	return n;
}

static bool target_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return pl_target_read_ok(arg, addr, buf, len);
}

/* The addresses of MODULE's functions that take its state, first the traverse; their count. */
static size_t module_functions(struct pl_runtime *rt, uint64_t module, uint64_t *pcs)
{
	const struct pl_layout *l = &rt->layout;
	if (l->module_state_traverse < 0) {
		uint64_t def = module_def(rt, module);
		return def ? pl_moduledef_functions(l, target_read, rt->target, def, pcs) : 0;
	}
	/* 3.15+: in the module object */
	const int64_t fields[] = { l->module_state_traverse, l->module_state_clear,
				   l->module_state_free, l->module_exec };
	size_t n = 0;
	for (size_t i = 0; i < PL_ARRAY_SIZE(fields); i++)
		if ((pcs[n] = pl_runtime_field(rt, module, fields[i])))
			n++;
	return n;
}

bool pl_module_def_name(struct pl_runtime *rt, uint64_t module, char *buf, size_t max)
{
	uint64_t def = module_def(rt, module);
	uint64_t name = def ? pl_runtime_field(rt, def, rt->layout.moduledef_name) : 0;
	struct pl_error *err = name ? pl_target_read_cstr(rt->target, name, buf, max, NULL) : NULL;
	pl_error_destroy(err);
	return name && !err;
}

/* The mapping of the target that holds PC, or NULL. */
static const struct pl_mapping *mapping_of(const struct pl_target *t, uint64_t pc, size_t *index)
{
	for (size_t i = 0; i < t->nmaps; i++)
		if (t->maps[i].lo <= pc && pc < t->maps[i].hi && t->maps[i].local_path) {
			*index = i;
			return &t->maps[i];
		}
	return NULL;
}

/* The file whose mapping I of the target is, opened once per runtime; NULL if it cannot be. */
static struct state_file *file_of(struct pl_runtime *rt, struct pl_module_states *s, size_t i)
{
	const struct pl_target *t = rt->target;
	const char *path = t->maps[i].local_path;
	for (size_t k = 0; k < s->nfiles; k++)
		if (strcmp(s->files[k].path, path) == 0)
			return &s->files[k];
	while (i > 0 && !pl_target_mapping_starts_file(t, i))
		i--;
	struct state_file *more = realloc(s->files, (s->nfiles + 1) * sizeof(*more));
	if (!more)
		return NULL;
	s->files = more;
	struct state_file *f = &s->files[s->nfiles];
	*f = (struct state_file){ .path = strdup(path) };
	if (!f->path)
		return NULL;
	s->nfiles++;
	struct pl_elf_image *img = NULL;
	struct pl_error *err = pl_elf_image_create(path, &img);
	uint64_t vaddr;
	char debug_file[PL_MAX_PATH];
	if (!err && pl_elf_image_vaddr_of_offset(img, t->maps[i].offset, &vaddr)) {
		f->bias = t->maps[i].lo - vaddr;
		const char *dwarf = pl_runtime_dwarf_file(rt, img, debug_file, sizeof(debug_file));
		err = dwarf ? pl_state_dwarf_open(dwarf, &f->dwarf) : NULL;
	}
	pl_error_destroy(err); /* without DWARF here, the module's state is scanned */
	pl_elf_image_destroy(img);
	return f;
}

/* The layout of MODULE's state in the built-in tables (layout_tables.h), by its definition's
 * name (else the module's) and the state's size; false if they have none. */
static bool table_layout(struct pl_runtime *rt, uint64_t module, int64_t size,
			 struct pl_state_layout *ret)
{
	const struct pl_layout *l = &rt->layout;
	char name[PL_STATE_LABEL] = "";
	struct pl_error *err = pl_module_def_name(rt, module, name, sizeof(name))
				       ? NULL
				       : pl_py_str(rt, pl_runtime_field(rt, module, l->module_name), name,
						   sizeof(name));
	const struct pl_state_table *t = err ? NULL : pl_state_table_find(l->version_hex, name, size);
	pl_error_destroy(err);
	if (!t)
		return false;
	*ret = (struct pl_state_layout){ .n = t->n };
	if (t->n && !(ret->members = calloc(t->n, sizeof(*ret->members))))
		return false;
	for (size_t i = 0; i < t->n; i++) {
		ret->members[i].off = t->members[i].off;
		ret->members[i].count = t->members[i].count;
		snprintf(ret->members[i].name, sizeof(ret->members[i].name), "%s", t->members[i].name);
	}
	return true;
}

/* Read the layout of MODULE's state from the DWARF of the file of its functions, else from
 * the built-in tables: false where nothing says it. */
static bool read_layout(struct pl_runtime *rt, struct pl_module_states *s, uint64_t module,
			const uint64_t *pcs, size_t npcs, int64_t size, struct pl_state_layout *ret)
{
	size_t i;
	const struct pl_mapping *m = mapping_of(rt->target, pcs[0], &i);
	struct state_file *f = m ? file_of(rt, s, i) : NULL;
	if (!f || !f->dwarf)
		return table_layout(rt, module, size, ret);
	uint64_t file_pcs[PL_STATE_MAX_PCS];
	size_t n = 0;
	for (size_t k = 0; k < npcs; k++) { /* those in the same file */
		size_t j;
		const struct pl_mapping *mk = mapping_of(rt->target, pcs[k], &j);
		if (mk && strcmp(mk->local_path, f->path) == 0)
			file_pcs[n++] = pcs[k] - f->bias;
	}
	struct pl_error *err = pl_state_dwarf_layout(f->dwarf, rt->layout.version_hex, file_pcs, n, size, ret);
	if (!err)
		return true;
	pl_error_destroy(err); /* e.g. only a clone of the function has DWARF */
	return table_layout(rt, module, size, ret);
}

const struct pl_state_layout *pl_module_state_layout(struct pl_runtime *rt, uint64_t module,
						     int64_t size)
{
	uint64_t pcs[PL_STATE_MAX_PCS];
	size_t npcs = module_functions(rt, module, pcs);
	if (!npcs)
		return NULL;
	struct pl_module_states *s = rt->module_states;
	if (!s && !(s = rt->module_states = calloc(1, sizeof(*s))))
		return NULL;
	for (size_t i = 0; i < s->nentries; i++)
		if (s->entries[i]->first_pc == pcs[0] && s->entries[i]->size == size)
			return s->entries[i]->found ? &s->entries[i]->layout : NULL;
	if (s->nentries == MAX_ENTRIES)
		return NULL;
	struct state_entry **more = realloc(s->entries, (s->nentries + 1) * sizeof(*more));
	if (!more)
		return NULL;
	s->entries = more;
	struct state_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	s->entries[s->nentries++] = e;
	e->first_pc = pcs[0];
	e->size = size;
	e->found = read_layout(rt, s, module, pcs, npcs, size, &e->layout);
	return e->found ? &e->layout : NULL;
}
