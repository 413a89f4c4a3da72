/* SPDX-License-Identifier: MIT */
/* gen_state_tables.c - writes helper/src/runtime/state_tables.c: for each build named, the
 * layout of every extension module's C state its DWARF gives (runtime/state_dwarf.c), as C data
 * for builds read without debug information.
 * Usage: gen_state_tables VERSION[@LABEL] FILE[=DWARF]... [-- VERSION[@LABEL] FILE...]...
 *        The first FILE of a build holds the runtime (its DWARF gives PyModuleDef's layout);
 *        each FILE (an ELF file: the runtime, the executable, an extension module) is searched
 *        for module definitions by its symbols (of DWARF's file where it is another).
 * `make regen-state-tables` runs it over the builds of the machine (helper/tools/state-sources). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/layout.h"
#include "runtime/module_states.h"
#include "runtime/state_dwarf.h"
#include "target/elf_image.h"

enum { MAX_NAME = 64, MAX_DEFS = 4096 };

struct entry {
	char module[MAX_NAME];
	int64_t size;
	struct pl_state_layout layout;
};

struct build {
	const char *name;          /* VERSION[@LABEL] */
	unsigned long version_hex;
	struct pl_layout l;
	struct entry *entries;
	size_t n;
};

struct file_ctx {
	struct build *b;
	struct pl_elf_image *data; /* the file loaded */
	struct pl_state_dwarf *dwarf;
	uint64_t defs[MAX_DEFS];
	size_t ndefs;
	int status;
};

static int parse_version(const char *s, unsigned long *hex)
{
	unsigned major, minor, micro;
	char tail = 0;
	int n = sscanf(s, "%u.%u.%u%c", &major, &minor, &micro, &tail);
	if (n < 3 || (n == 4 && tail != '@') || major > 255 || minor > 255 || micro > 255)
		return -1;
	*hex = ((unsigned long)major << 24) | ((unsigned long)minor << 16) |
	       ((unsigned long)micro << 8) | 0xf0;
	return 0;
}

static void collect_def(void *arg, uint64_t value)
{
	struct file_ctx *c = arg;
	for (size_t i = 0; i < c->ndefs; i++)
		if (c->defs[i] == value)
			return;
	if (c->ndefs < MAX_DEFS)
		c->defs[c->ndefs++] = value;
}

/* Is S made of the characters of names and member paths only ("_io", "round_map", "a[2].b")? */
static bool plain_text(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.[]", *s))
			return false;
	return true;
}

/* LEN bytes at link-time address ADDR of the ELF file ARG as the loader leaves them. */
static bool file_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	uint8_t *bytes = NULL;
	struct pl_error *err = pl_elf_image_loaded_bytes(arg, 0, addr, len, &bytes);
	if (err) {
		pl_error_destroy(err);
		return false;
	}
	memcpy(buf, bytes, len);
	free(bytes);
	return true;
}

/* The module definition at link-time address DEF of C's file, if it is one with a state. */
static void read_def(struct file_ctx *c, uint64_t def)
{
	const struct pl_layout *l = &c->b->l;
	uint64_t type = 1, name_at = 0, pcs[PL_STATE_MAX_PCS];
	int64_t size = 0;
	char name[MAX_NAME] = "";
	/* a definition's type is set when it is used: none in the file */
	if (!file_read(c->data, def + (uint64_t)l->object_type, &type, 8) || type ||
	    !file_read(c->data, def + (uint64_t)l->moduledef_size, &size, 8) || size <= 0 ||
	    size > (1 << 20) || !file_read(c->data, def + (uint64_t)l->moduledef_name, &name_at, 8) ||
	    !file_read(c->data, name_at, name, sizeof(name) - 1) ||
	    !plain_text(name)) /* it becomes a C string literal */
		return;
	size_t k = pl_moduledef_functions(l, file_read, c->data, def, pcs);
	struct pl_state_layout sl;
	struct pl_error *err = k ? pl_state_dwarf_layout(c->dwarf, c->b->version_hex, pcs, k, size, &sl)
				 : NULL;
	if (!k || err) {
		pl_error_destroy(err);
		return;
	}
	struct entry *more = realloc(c->b->entries, (c->b->n + 1) * sizeof(*more));
	if (!more) {
		c->status = 1;
		pl_state_layout_free(&sl);
		return;
	}
	c->b->entries = more;
	struct entry *e = &c->b->entries[c->b->n++];
	snprintf(e->module, sizeof(e->module), "%s", name);
	e->size = size;
	e->layout = sl;
}

/* Every module definition of ARG ("FILE[=DWARF]") into B. */
static int read_file(struct build *b, const char *arg)
{
	char path[4096];
	const char *eq = strchr(arg, '=');
	snprintf(path, sizeof(path), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
	const char *dwarf = eq ? eq + 1 : path;
	struct file_ctx c = { .b = b };
	struct pl_elf_image *syms = NULL;
	struct pl_error *err = pl_elf_image_create(path, &c.data);
	if (!err && eq)
		err = pl_elf_image_create(dwarf, &syms);
	if (!err)
		err = pl_state_dwarf_open(dwarf, &c.dwarf);
	if (err) {
		fprintf(stderr, "gen_state_tables: %s: %s\n", arg, err->message);
		pl_error_destroy(err);
		pl_elf_image_destroy(c.data);
		pl_elf_image_destroy(syms);
		return 1;
	}
	int64_t def_size = b->l.moduledef_free + 8;
	pl_elf_image_each_object(syms ? syms : c.data, (uint64_t)def_size, collect_def, &c);
	for (size_t i = 0; i < c.ndefs && !c.status; i++)
		read_def(&c, c.defs[i]);
	pl_state_dwarf_close(c.dwarf);
	pl_elf_image_destroy(c.data);
	pl_elf_image_destroy(syms);
	return c.status;
}

static int by_module(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->module, y->module);
	return c ? c : (x->size > y->size) - (x->size < y->size);
}

static bool same_layout(const struct entry *a, const struct entry *b)
{
	return a->layout.n == b->layout.n &&
	       (!a->layout.n || memcmp(a->layout.members, b->layout.members,
				       a->layout.n * sizeof(*a->layout.members)) == 0);
}

/* Is entry I of B one to write: its names plain, and no other definition of the build with
 * the same name and size says otherwise (a table could not tell them apart)? */
static bool wanted(const struct build *b, size_t i)
{
	const struct entry *e = &b->entries[i];
	for (size_t k = 0; k < e->layout.n; k++)
		if (!plain_text(e->layout.members[k].name))
			return false;
	for (size_t k = i; k-- > 0 && by_module(&b->entries[k], e) == 0;)
		if (!same_layout(&b->entries[k], e))
			return false;
	for (size_t k = i + 1; k < b->n && by_module(&b->entries[k], e) == 0; k++)
		if (!same_layout(&b->entries[k], e))
			return false;
	return true;
}

static void emit(const struct build *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct entry *e = &b->entries[i];
		if (!wanted(b, i) || (i > 0 && by_module(e, &b->entries[i - 1]) == 0))
			continue; /* unclear, or written already (one module in two files) */
		printf("\t{ 0x%08lx, \"%s\", \"%s\", %lld, %zu, ", b->version_hex, b->name, e->module,
		       (long long)e->size, e->layout.n);
		if (!e->layout.n) { /* a state without objects (C has no empty initializer) */
			printf("NULL },\n");
			continue;
		}
		printf("(const struct pl_state_table_member[]){\n");
		for (size_t k = 0; k < e->layout.n; k++)
			printf("\t\t{ %lld, %u, \"%s\" },\n", (long long)e->layout.members[k].off,
			       e->layout.members[k].count, e->layout.members[k].name);
		printf("\t} },\n");
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: gen_state_tables VERSION[@LABEL] FILE[=DWARF]... "
				"[-- VERSION[@LABEL] FILE[=DWARF]...]...\n");
		return 2;
	}
	struct build *builds = calloc((size_t)argc, sizeof(*builds));
	size_t nb = 0;
	int status = builds ? 0 : 1;
	/* Read every build first, so that a failure writes nothing. */
	for (int i = 1; i < argc && !status;) {
		struct build *b = &builds[nb++];
		b->name = argv[i];
		if (parse_version(argv[i], &b->version_hex)) {
			fprintf(stderr, "gen_state_tables: expected VERSION[@LABEL], got %s\n", argv[i]);
			status = 2;
			break;
		}
		if (++i >= argc || strcmp(argv[i], "--") == 0) {
			fprintf(stderr, "gen_state_tables: %s: no files\n", b->name);
			status = 2;
			break;
		}
		const char *eq = strchr(argv[i], '=');
		char first[4096];
		snprintf(first, sizeof(first), "%s", eq ? eq + 1 : argv[i]);
		struct pl_error *err = pl_layout_from_dwarf(first, &b->l);
		const struct pl_layout *l = &b->l;
		if (err || l->moduledef_name < 0 || l->moduledef_size < 0 || l->moduledef_slots < 0 ||
		    l->moduledef_traverse < 0 || l->moduledef_clear < 0 || l->moduledef_free < 0 ||
		    l->size_moduledef_slot < 16 || l->moduledef_slot_id < 0 ||
		    l->moduledef_slot_value < 0 || l->object_type < 0) {
			fprintf(stderr, "gen_state_tables: %s: %s\n", first,
				err ? err->message : "no PyModuleDef in its DWARF");
			pl_error_destroy(err);
			status = 1;
			break;
		}
		for (; i < argc && strcmp(argv[i], "--") != 0 && !status; i++)
			status = read_file(b, argv[i]);
		if (i < argc)
			i++; /* the "--" */
		if (b->n)
			qsort(b->entries, b->n, sizeof(*b->entries), by_module);
	}
	if (!status) {
		printf("/* SPDX-License-Identifier: MIT */\n"
		       "/* state_tables.c - GENERATED by helper/tools/gen_state_tables from the DWARF of the\n"
		       " * builds named below; do not edit. Regenerate with `make regen-state-tables`. */\n"
		       "#include \"runtime/layout_tables.h\"\n\n"
		       "const struct pl_state_table pl_state_tables[] = {\n");
		size_t total = 0;
		for (size_t i = 0; i < nb; i++) {
			emit(&builds[i]);
			for (size_t k = 0; k < builds[i].n; k++)
				total += wanted(&builds[i], k) &&
					 (k == 0 || by_module(&builds[i].entries[k], &builds[i].entries[k - 1]));
		}
		printf("\t{ 0, NULL, NULL, 0, 0, NULL }, /* end mark: C has no empty initializer */\n"
		       "};\n\nconst size_t pl_state_tables_count = %zu;\n", total);
	}
	for (size_t i = 0; i < nb; i++) {
		for (size_t k = 0; k < builds[i].n; k++)
			pl_state_layout_free(&builds[i].entries[k].layout);
		free(builds[i].entries);
	}
	free(builds);
	return status;
}
