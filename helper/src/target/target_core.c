/* SPDX-License-Identifier: MIT */
/* target_core.c - a core file as a target: its PT_LOAD segments, and for the bytes the core left
 * out (read-only file-backed pages), the files named in its NT_FILE note, found on this machine
 * (optionally under a sysroot, or with the executable given explicitly). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "target/core_link_map.h"
#include "target/target.h"

#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif

struct core_region {
	void *addr;
	size_t len;
	char *path;  /* the file mapped here, so that each file is mapped once */
};

struct core_priv {
	struct core_region *regions; /* every mmap we made: the core and the mapped files */
	size_t nregions, cap;
	const uint8_t *core;         /* the core file, mapped */
	size_t core_size;
};

static void core_deinit(struct pl_target *t)
{
	struct core_priv *p = t->priv;
	if (!p)
		return;
	for (size_t i = 0; i < p->nregions; i++) {
		munmap(p->regions[i].addr, p->regions[i].len);
		free(p->regions[i].path);
	}
	free(p->regions);
	free(p);
}

/* Map a whole file read-only, or find it mapped already; core_deinit unmaps it. */
static struct pl_error *core_map_file(struct core_priv *p, const char *path, bool populate,
				      const uint8_t **ret, size_t *size_ret)
{
	for (size_t i = 0; i < p->nregions; i++) {
		if (strcmp(p->regions[i].path, path) == 0) {
			*ret = p->regions[i].addr;
			*size_ret = p->regions[i].len;
			return NULL;
		}
	}
	char *path_copy = strdup(path);
	if (!path_copy)
		return &pl_enomem;
	struct pl_error *err = NULL;
	void *m = MAP_FAILED;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = pl_error_os(errno, "cannot open", path);
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		err = pl_error_os(errno, "cannot stat", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = pl_error_create(PL_ERR_USAGE, "%s is not a regular file", path);
		goto out;
	}
	if (st.st_size == 0) {
		err = pl_error_create(PL_ERR_BAD_DATA, "%s is empty", path);
		goto out;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | (populate ? MAP_POPULATE : 0), fd, 0);
	if (m == MAP_FAILED) {
		err = pl_error_os(errno, "cannot map", path);
		goto out;
	}
	if (p->nregions == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		struct core_region *n = realloc(p->regions, ncap * sizeof(*n));
		if (!n) {
			err = &pl_enomem;
			goto out;
		}
		p->regions = n;
		p->cap = ncap;
	}
	p->regions[p->nregions++] = (struct core_region){ m, (size_t)st.st_size, path_copy };
	*ret = m;
	*size_ret = (size_t)st.st_size;
	path_copy = NULL;
	m = MAP_FAILED;
out:
	if (fd >= 0)
		close(fd);
	if (m != MAP_FAILED)
		munmap(m, (size_t)st.st_size);
	free(path_copy);
	return err;
}

/* Check the ELF header; returns where the program header table starts and how many entries
 * it has (whole ones, inside the file). The table need not be aligned: its entries are
 * copied out one by one (core_phdr). */
static struct pl_error *core_check_header(const uint8_t *core, size_t size, const char *path,
					  uint64_t *phoff_ret, size_t *nphdrs_ret)
{
	if (size < sizeof(Elf64_Ehdr) || memcmp(core, ELFMAG, SELFMAG) != 0)
		return pl_error_create(PL_ERR_BAD_DATA, "%s is not a core file (no ELF header)", path);
	Elf64_Ehdr ehdr;
	memcpy(&ehdr, core, sizeof(ehdr));
	const Elf64_Ehdr *eh = &ehdr;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return pl_error_create(PL_ERR_BAD_DATA,
				       "%s is not a 64-bit little-endian ELF file; pyleaks reads "
				       "x86-64 cores", path);
	if (eh->e_type != ET_CORE)
		return pl_error_create(PL_ERR_BAD_DATA, "%s is an ELF file but not a core file", path);
	if (eh->e_machine != EM_X86_64)
		return pl_error_create(PL_ERR_BAD_DATA,
				       "%s is a core of machine type %u; pyleaks reads x86-64 cores",
				       path, eh->e_machine);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum == PN_XNUM || eh->e_phoff > size ||
	    (size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return pl_error_create(PL_ERR_BAD_DATA,
				       "%s: program headers are missing or cut off (truncated core?)",
				       path);
	*phoff_ret = eh->e_phoff;
	*nphdrs_ret = eh->e_phnum;
	return NULL;
}

/* Program header I of a table that core_check_header found whole. */
static Elf64_Phdr core_phdr(const uint8_t *core, uint64_t phoff, size_t i)
{
	Elf64_Phdr ph;
	memcpy(&ph, core + phoff + i * sizeof(ph), sizeof(ph));
	return ph;
}

/* Parse an NT_FILE note into t->maps. */
static struct pl_error *core_parse_nt_file(struct pl_target *t, const uint8_t *desc, size_t size)
{
	if (size < 16)
		return pl_error_create(PL_ERR_BAD_DATA, "NT_FILE note is too short");
	uint64_t count, page_size;
	memcpy(&count, desc, 8);
	memcpy(&page_size, desc + 8, 8);
	if (count > PL_MAX_MAPPED_FILES || (size - 16) / 24 < count)
		return pl_error_create(PL_ERR_BAD_DATA, "NT_FILE note claims %llu files",
				       (unsigned long long)count);
	if (page_size == 0 || page_size > (1u << 30))
		return pl_error_create(PL_ERR_BAD_DATA, "NT_FILE note has page size %llu",
				       (unsigned long long)page_size);
	t->maps = calloc(count ? count : 1, sizeof(*t->maps));
	if (!t->maps)
		return &pl_enomem;
	const char *names = (const char *)desc + 16 + count * 24;
	const char *end = (const char *)desc + size;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t v[3];
		memcpy(v, desc + 16 + i * 24, sizeof(v));
		if (names >= end)
			return pl_error_create(PL_ERR_BAD_DATA, "NT_FILE note names are cut off");
		size_t n = strnlen(names, (size_t)(end - names));
		if (names + n >= end)
			return pl_error_create(PL_ERR_BAD_DATA, "NT_FILE note names are cut off");
		if (v[0] >= v[1] || v[2] > UINT64_MAX / page_size) {
			names += n + 1;
			continue;
		}
		struct pl_mapping *m = &t->maps[t->nmaps];
		m->lo = v[0];
		m->hi = v[1];
		m->offset = v[2] * page_size;
		m->name = strndup(names, n);
		if (!m->name)
			return &pl_enomem;
		t->nmaps++;
		names += n + 1;
	}
	return NULL;
}

static void core_drop_maps(struct pl_target *t)
{
	for (size_t i = 0; i < t->nmaps; i++)
		free(t->maps[i].name);
	free(t->maps);
	t->maps = NULL;
	t->nmaps = 0;
}

static void core_parse_auxv(struct pl_target *t, const uint8_t *desc, size_t size)
{
	for (size_t off = 0; off + 16 <= size; off += 16) {
		uint64_t type, val;
		memcpy(&type, desc + off, 8);
		memcpy(&val, desc + off + 8, 8);
		if (type == AT_PHDR)
			t->exe_phdr = val;
		if (type == AT_NULL)
			break;
	}
}

static struct pl_error *core_parse_notes(struct pl_target *t, const uint8_t *note, size_t size)
{
	size_t off = 0;
	while (off + sizeof(Elf64_Nhdr) <= size) {
		Elf64_Nhdr nh;
		memcpy(&nh, note + off, sizeof(nh));
		off += sizeof(nh);
		size_t namesz = ((size_t)nh.n_namesz + 3) & ~(size_t)3;
		size_t descsz = ((size_t)nh.n_descsz + 3) & ~(size_t)3;
		if (namesz > size - off || descsz > size - off - namesz)
			break; /* a cut-off note: keep what we parsed */
		const uint8_t *desc = note + off + namesz;
		if (nh.n_type == NT_FILE && !t->maps) {
			struct pl_error *err = core_parse_nt_file(t, desc, nh.n_descsz);
			if (err && err->code == PL_ERR_NOMEM)
				return err;
			if (err) { /* damaged: the files are looked for in memory instead */
				pl_text_add_line(&t->warnings, "%s", err->message);
				pl_error_destroy(err);
				core_drop_maps(t);
			}
		} else if (nh.n_type == NT_AUXV) {
			core_parse_auxv(t, desc, nh.n_descsz);
		}
		off += namesz + descsz;
	}
	return NULL;
}

/* Is mapping M the executable's (it holds the program headers at AT_PHDR)? */
static bool core_mapping_is_exe(const struct pl_target *t, const struct pl_mapping *m)
{
	for (size_t i = 0; i < t->nmaps; i++) {
		const struct pl_mapping *o = &t->maps[i];
		if (t->exe_phdr >= o->lo && t->exe_phdr < o->hi)
			return strcmp(o->name, m->name) == 0;
	}
	return false;
}

/* Find each mapped file on this machine and add its bytes as fallback segments. */
static struct pl_error *core_add_file_segments(struct pl_target *t, struct core_priv *p,
					       const char *exe, const char *sysroot)
{
	size_t cap = 0;
	struct pl_strbuf missing;
	pl_strbuf_init(&missing);
	for (size_t i = 0; i < t->nmaps; i++) {
		struct pl_mapping *m = &t->maps[i];
		const uint8_t *data = NULL;
		size_t size = 0;
		char *path = (exe && core_mapping_is_exe(t, m)) ? strdup(exe)
							       : pl_target_local_path(sysroot, m->name);
		if (!path)
			return &pl_enomem;
		struct pl_error *err = core_map_file(p, path, false, &data, &size);
		if (err) {
			bool seen = strstr(missing.data ? missing.data : "", path) != NULL;
			if (!seen)
				pl_strbuf_printf(&missing, "%s%s", missing.len ? ", " : "", path);
			pl_error_destroy(err);
			free(path);
			continue;
		}
		m->local_path = path;
		if (m->offset >= size)
			continue;
		uint64_t len = m->hi - m->lo;
		if (len > size - m->offset)
			len = size - m->offset;
		struct pl_segment seg = { .lo = m->lo, .hi = m->lo + len, .data = data + m->offset };
		err = pl_target_add_segment(&t->fallback, &t->nfallback, &cap, &seg);
		if (err)
			return err;
	}
	if (missing.len)
		pl_text_add_line(&t->warnings, "files mapped by the core not found on this machine: %s",
				 missing.data);
	pl_strbuf_deinit(&missing);
	pl_target_sort_segments(t->fallback, t->nfallback);
	return NULL;
}

struct pl_error *pl_target_core_create(const char *core_path, const char *exe, const char *sysroot,
				       struct pl_target **ret)
{
	struct pl_target *t = pl_target_new(PL_TARGET_CORE, sizeof(struct core_priv), core_deinit);
	if (!t)
		return &pl_enomem;
	struct core_priv *p = t->priv;
	struct pl_error *err = NULL;
	if (asprintf(&t->description, "core file %s", core_path) < 0) {
		t->description = NULL;
		err = &pl_enomem;
		goto fail;
	}
	/* The heap walk touches most of the core: mapping it all at once is much cheaper than
	 * taking one page fault per page. */
	err = core_map_file(p, core_path, true, &p->core, &p->core_size);
	if (err)
		goto fail;
	uint64_t phoff = 0;
	size_t nph = 0;
	err = core_check_header(p->core, p->core_size, core_path, &phoff, &nph);
	if (err)
		goto fail;
	size_t cap = 0;
	bool truncated = false;
	for (size_t i = 0; i < nph; i++) {
		Elf64_Phdr ph = core_phdr(p->core, phoff, i);
		if (ph.p_type == PT_NOTE) {
			if (ph.p_offset >= p->core_size)
				continue;
			size_t sz = ph.p_filesz;
			if (sz > p->core_size - ph.p_offset)
				sz = p->core_size - ph.p_offset;
			err = core_parse_notes(t, p->core + ph.p_offset, sz);
			if (err)
				goto fail;
		}
		if (ph.p_type != PT_LOAD || ph.p_filesz == 0)
			continue;
		if (t->nsegs >= PL_MAX_CORE_SEGMENTS) {
			err = pl_error_create(PL_ERR_LIMIT, "core has more than %d segments",
					      PL_MAX_CORE_SEGMENTS);
			goto fail;
		}
		uint64_t filesz = ph.p_filesz, lo = ph.p_vaddr;
		if (lo + filesz < lo)
			continue;
		uint64_t have = 0; /* bytes of it the file still holds */
		if (ph.p_offset < p->core_size)
			have = filesz < p->core_size - ph.p_offset ? filesz
								       : p->core_size - ph.p_offset;
		if (have < filesz)
			truncated = true;
		/* A cut-off part stays as a segment without bytes: reads there fault instead of
		 * falling back to stale file contents. */
		struct pl_segment seg = { .lo = lo, .hi = lo + have };
		if (have) /* only then is p_offset known to lie inside the file */
			seg.data = p->core + ph.p_offset;
		struct pl_segment lost = { .lo = lo + have, .hi = lo + filesz };
		if ((have && (err = pl_target_add_segment(&t->segs, &t->nsegs, &cap, &seg))) ||
		    (have < filesz && (err = pl_target_add_segment(&t->segs, &t->nsegs, &cap, &lost))))
			goto fail;
	}
	if (t->nsegs == 0) {
		err = pl_error_create(PL_ERR_BAD_DATA, "%s holds no memory segments%s", core_path,
				      truncated ? " (the file is truncated)" : "");
		goto fail;
	}
	if (truncated)
		pl_text_add_line(&t->warnings, "the core file is truncated: memory past its end is "
						"missing, results are partial");
	pl_target_sort_segments(t->segs, t->nsegs);
	if (t->nmaps == 0 && (err = pl_core_maps_from_link_map(t, exe)))
		goto fail;
	pl_target_sort_mappings(t->maps, t->nmaps);
	err = core_add_file_segments(t, p, exe, sysroot);
	if (err)
		goto fail;
	*ret = t;
	return NULL;
fail:
	pl_target_destroy(t);
	return err;
}
