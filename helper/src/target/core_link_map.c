/* SPDX-License-Identifier: MIT */
/* core_link_map.c - when a core's NT_FILE note is lost (gdb's gcore writes its notes last, so
 * a gcore core cut short has none) or damaged, find the files the process mapped the way gdb
 * does without it: the executable is the ELF object in the core's memory whose dynamic section
 * has a DT_DEBUG entry; that points at the dynamic linker's r_debug, whose r_map starts the
 * link_map chain of every loaded object (load bias l_addr, path l_name). Each object's
 * program headers, read from its ELF header page (which cores keep: coredump_filter bit 4),
 * give its mappings. Every address and count comes from the core: each is checked, every
 * loop capped. */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "target/core_link_map.h"

enum { LM_MAX_OBJECTS = 4096, LM_MAX_PHDRS = 256, LM_MAX_DYN = 4096, LM_PAGE = 4096 };

/* An ELF object loaded at BASE (the address of its ELF header): its program headers. */
struct lm_object {
	uint64_t base, bias;
	Elf64_Phdr ph[LM_MAX_PHDRS];
	size_t nph;
};

static bool lm_read_object(struct pl_target *t, uint64_t base, struct lm_object *o)
{
	Elf64_Ehdr eh;
	if (!pl_target_read_ok(t, base, &eh, sizeof(eh)) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || (eh.e_type != ET_DYN && eh.e_type != ET_EXEC) ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > LM_MAX_PHDRS ||
	    eh.e_phoff > LM_PAGE)
		return false;
	if (!pl_target_read_ok(t, base + eh.e_phoff, o->ph, eh.e_phnum * sizeof(Elf64_Phdr)))
		return false;
	o->base = base;
	o->nph = eh.e_phnum;
	/* the bias: where the first PT_LOAD (file offset 0, the header) landed less its vaddr */
	for (size_t i = 0; i < o->nph; i++)
		if (o->ph[i].p_type == PT_LOAD) {
			o->bias = base - (o->ph[i].p_vaddr & ~(uint64_t)(LM_PAGE - 1));
			return o->ph[i].p_offset < LM_PAGE;
		}
	return false;
}

/* The value of dynamic tag TAG of O, from its dynamic section in memory; 0 if none. */
static uint64_t lm_dynamic(struct pl_target *t, const struct lm_object *o, int64_t tag)
{
	for (size_t i = 0; i < o->nph; i++) {
		if (o->ph[i].p_type != PT_DYNAMIC)
			continue;
		uint64_t at = o->bias + o->ph[i].p_vaddr;
		for (size_t k = 0; k < LM_MAX_DYN; k++) {
			Elf64_Dyn d;
			if (!pl_target_read_ok(t, at + k * sizeof(d), &d, sizeof(d)) || d.d_tag == DT_NULL)
				return 0;
			if (d.d_tag == tag)
				return d.d_un.d_val;
		}
	}
	return 0;
}

/* The executable: from AT_PHDR where the auxiliary vector survived, else the ELF object at the
 * start of a core segment that has DT_DEBUG set. */
static bool lm_find_exe(struct pl_target *t, struct lm_object *exe)
{
	/* Where the program was started through the dynamic linker (ld.so PROGRAM), AT_PHDR
	 * names ld.so, which has no DT_DEBUG: then every segment is looked at. */
	for (int pass = t->exe_phdr ? 0 : 1; pass < 2; pass++)
		for (size_t i = 0; i < t->nsegs; i++) {
			uint64_t lo = t->segs[i].lo;
			if (pass == 0 && !(t->exe_phdr >= lo && t->exe_phdr - lo < LM_PAGE))
				continue;
			if (lm_read_object(t, lo, exe) && lm_dynamic(t, exe, DT_DEBUG))
				return true;
		}
	return false;
}

static struct pl_error *lm_add(struct pl_target *t, size_t *cap, const struct lm_object *o,
			       uint64_t bias, const char *name)
{
	for (size_t i = 0; i < o->nph; i++) {
		const Elf64_Phdr *p = &o->ph[i];
		if (t->nmaps >= PL_MAX_MAPPED_FILES)
			return NULL;
		if (p->p_type != PT_LOAD || p->p_memsz == 0 || p->p_memsz > (1ull << 40))
			continue;
		uint64_t lo = bias + (p->p_vaddr & ~(uint64_t)(LM_PAGE - 1));
		uint64_t hi = (bias + p->p_vaddr + p->p_memsz + LM_PAGE - 1) & ~(uint64_t)(LM_PAGE - 1);
		if (hi <= lo)
			continue;
		struct pl_error *err = pl_target_add_mapping(t, cap, lo, hi,
							     p->p_offset & ~(uint64_t)(LM_PAGE - 1), name);
		if (err)
			return err;
	}
	return NULL;
}

struct pl_error *pl_core_maps_from_link_map(struct pl_target *t, const char *exe)
{
	struct lm_object *o = malloc(sizeof(*o));
	if (!o)
		return &pl_enomem;
	size_t cap = 0, objects = 0;
	struct pl_error *err = NULL;
	const char *why = NULL;
	if (!lm_find_exe(t, o)) {
		why = "no executable with a DT_DEBUG entry in its memory";
		goto out;
	}
	if (!t->exe_phdr)
		t->exe_phdr = o->base + sizeof(Elf64_Ehdr);
	if (exe) {
		if ((err = lm_add(t, &cap, o, o->bias, exe)))
			goto out;
		objects++;
	}
	uint64_t r_debug = lm_dynamic(t, o, DT_DEBUG), lm = 0;
	if (!pl_target_u64(t, r_debug + 8, &lm)) { /* r_map */
		why = "the dynamic linker's r_debug cannot be read";
		goto out;
	}
	for (size_t n = 0; lm && n < LM_MAX_OBJECTS; n++) {
		uint64_t f[4]; /* l_addr, l_name, l_ld, l_next */
		char name[PL_MAX_PATH];
		if (!pl_target_read_ok(t, lm, f, sizeof(f)))
			break;
		lm = f[3];
		struct pl_error *unread = pl_target_read_cstr(t, f[1], name, sizeof(name), NULL);
		if (unread) {
			pl_error_destroy(unread);
			continue; /* its name cannot be read */
		}
		if (name[0] != '/')
			continue; /* the executable (""), the vDSO */
		/* its ELF header, at l_addr for a shared object (first PT_LOAD at vaddr 0) */
		if (!lm_read_object(t, f[0], o) || o->bias != f[0])
			continue; /* not there: its header page is not in the core */
		if ((err = lm_add(t, &cap, o, f[0], name)))
			goto out;
		objects++;
	}
out:
	free(o);
	if (err)
		return err;
	if (objects)
		pl_text_add_line(&t->warnings, "the core lists no mapped files (its NT_FILE note is "
				 "missing or damaged): %zu found from the dynamic linker's list in "
				 "its memory%s", objects,
				 exe ? "" : " (the executable's own path is not there: give --exe)");
	else
		pl_text_add_line(&t->warnings, "the core lists no mapped files (its NT_FILE note is "
				 "missing or damaged), and none were found in its memory: %s",
				 why ? why : "the dynamic linker's list names none whose header is in "
				 "the core");
	return NULL;
}

bool pl_memory_build_id(struct pl_target *t, uint64_t base, char *buf, size_t max)
{
	struct lm_object *o = malloc(sizeof(*o));
	bool found = false;
	if (!o || !lm_read_object(t, base, o))
		goto out;
	for (size_t i = 0; i < o->nph && !found; i++) {
		if (o->ph[i].p_type != PT_NOTE || o->ph[i].p_filesz > LM_PAGE * 16)
			continue;
		uint64_t at = o->bias + o->ph[i].p_vaddr, end = at + o->ph[i].p_filesz;
		for (int n = 0; n < 64 && at + sizeof(Elf64_Nhdr) <= end; n++) {
			Elf64_Nhdr nh;
			if (!pl_target_read_ok(t, at, &nh, sizeof(nh)) || nh.n_namesz > 64 ||
			    nh.n_descsz > 64)
				break;
			uint64_t desc = at + sizeof(nh) + ((nh.n_namesz + 3) & ~3u);
			uint8_t id[64];
			char name[4];
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    pl_target_read_ok(t, at + sizeof(nh), name, 4) && memcmp(name, "GNU", 4) == 0 &&
			    nh.n_descsz * 2 + 1 <= max && pl_target_read_ok(t, desc, id, nh.n_descsz)) {
				for (size_t k = 0; k < nh.n_descsz; k++)
					snprintf(buf + 2 * k, 3, "%02x", id[k]);
				found = nh.n_descsz > 0;
				break;
			}
			at = desc + ((nh.n_descsz + 3) & ~3u);
		}
	}
out:
	free(o);
	return found;
}
