/* SPDX-License-Identifier: MIT */
/* elf_image.c - symbols and load segments of an ELF file on disk, read with libelf. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/internal.h"
#include "target/elf_image.h"

struct pl_elf_image {
	char *path;
	int fd;
	Elf *elf;
	Elf_Scn *dynsym, *symtab, *debuglink;
	bool has_dwarf;
};

void pl_elf_image_destroy(struct pl_elf_image *img)
{
	if (!img)
		return;
	if (img->elf)
		elf_end(img->elf);
	if (img->fd >= 0)
		close(img->fd);
	free(img->path);
	free(img);
}

struct pl_error *pl_elf_image_create(const char *path, struct pl_elf_image **ret)
{
	struct pl_elf_image *img = calloc(1, sizeof(*img));
	if (!img)
		return &pl_enomem;
	img->fd = -1;
	struct pl_error *err = NULL;
	img->path = strdup(path);
	if (!img->path) {
		err = &pl_enomem;
		goto fail;
	}
	elf_version(EV_CURRENT);
	img->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (img->fd < 0) {
		err = pl_error_os(errno, "cannot open", path);
		goto fail;
	}
	img->elf = elf_begin(img->fd, ELF_C_READ_MMAP, NULL);
	if (!img->elf || elf_kind(img->elf) != ELF_K_ELF) {
		err = pl_error_create(PL_ERR_BAD_DATA, "%s is not an ELF file", path);
		goto fail;
	}
	size_t shstrndx;
	if (elf_getshdrstrndx(img->elf, &shstrndx) != 0)
		shstrndx = 0;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(img->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_DYNSYM)
			img->dynsym = scn;
		else if (sh.sh_type == SHT_SYMTAB)
			img->symtab = scn;
		const char *name = shstrndx ? elf_strptr(img->elf, shstrndx, sh.sh_name) : NULL;
		if (name && strcmp(name, ".debug_info") == 0 && sh.sh_type != SHT_NOBITS)
			img->has_dwarf = true;
		if (name && strcmp(name, ".gnu_debuglink") == 0)
			img->debuglink = scn;
	}
	*ret = img;
	return NULL;
fail:
	pl_elf_image_destroy(img);
	return err;
}

/* The symbol NAME in SCN; if FILE is not NULL, only a local one after an STT_FILE symbol whose
 * base name is FILE and before the next (the static variable NAME of that source file). */
static bool scn_symbol(Elf *elf, Elf_Scn *scn, const char *file, const char *name,
		       uint64_t *value_ret, uint64_t *size_ret)
{
	GElf_Shdr sh;
	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_entsize == 0)
		return false;
	Elf_Data *data = elf_getdata(scn, NULL);
	if (!data)
		return false;
	size_t n = sh.sh_size / sh.sh_entsize;
	bool in_file = !file;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		const char *s = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (file && GELF_ST_TYPE(sym.st_info) == STT_FILE) { /* "setobject.c", "Objects/setobject.c" */
			const char *base = s ? strrchr(s, '/') : NULL;
			in_file = s && strcmp(base ? base + 1 : s, file) == 0;
			continue;
		}
		if (!in_file || sym.st_shndx == SHN_UNDEF ||
		    (file && GELF_ST_BIND(sym.st_info) != STB_LOCAL))
			continue;
		if (s && strcmp(s, name) == 0) {
			*value_ret = sym.st_value;
			if (size_ret)
				*size_ret = sym.st_size;
			return true;
		}
	}
	return false;
}

bool pl_elf_image_symbol(struct pl_elf_image *img, const char *name, uint64_t *value_ret,
			 uint64_t *size_ret)
{
	return scn_symbol(img->elf, img->dynsym, NULL, name, value_ret, size_ret) ||
	       scn_symbol(img->elf, img->symtab, NULL, name, value_ret, size_ret);
}

bool pl_elf_image_file_symbol(struct pl_elf_image *img, const char *file, const char *name,
			      uint64_t *value_ret)
{
	return scn_symbol(img->elf, img->symtab, file, name, value_ret, NULL);
}

bool pl_elf_image_vaddr_of_offset(const struct pl_elf_image *img, uint64_t file_offset,
				  uint64_t *vaddr_ret)
{
	size_t n;
	if (elf_getphdrnum(img->elf, &n) != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(img->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		uint64_t align = ph.p_align > 1 ? ph.p_align : 1;
		if (align > 4096)
			align = 4096; /* the kernel maps pages; NT_FILE offsets are page-aligned */
		uint64_t page_off = ph.p_offset & ~(align - 1);
		if (page_off == file_offset) {
			*vaddr_ret = ph.p_vaddr & ~(align - 1);
			return true;
		}
	}
	return false;
}

bool pl_elf_image_build_id(struct pl_elf_image *img, char *buf, size_t max)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(img->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;
		while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) != 0)
				continue;
			if (nh.n_descsz == 0 || nh.n_descsz * 2 + 1 > max)
				return false;
			const unsigned char *d = (const unsigned char *)data->d_buf + desc_off;
			for (size_t i = 0; i < nh.n_descsz; i++)
				snprintf(buf + 2 * i, 3, "%02x", d[i]);
			return true;
		}
	}
	return false;
}

bool pl_elf_image_debuglink(struct pl_elf_image *img, char *buf, size_t max)
{
	Elf_Data *data = img->debuglink ? elf_getdata(img->debuglink, NULL) : NULL;
	if (!data || !data->d_buf || data->d_size == 0)
		return false;
	size_t n = strnlen(data->d_buf, data->d_size);
	if (n == 0 || n >= data->d_size || n + 1 > max || strchr(data->d_buf, '/'))
		return false;
	memcpy(buf, data->d_buf, n + 1);
	return true;
}

/* Parse "MAJOR.M.m\0" at P (END bounds it); returns false if it is not one. */
static bool parse_version_literal(const char *p, const char *end, unsigned major, unsigned *minor,
				  unsigned *micro)
{
	unsigned v[2] = { 0, 0 };
	if (end - p < 6 || p[0] != (char)('0' + major) || p[1] != '.')
		return false;
	p += 2;
	for (int part = 0; part < 2; part++) {
		int digits = 0;
		while (p < end && *p >= '0' && *p <= '9' && digits < 3) {
			v[part] = v[part] * 10 + (unsigned)(*p - '0');
			p++, digits++;
		}
		if (digits == 0 || digits > 2 || p >= end)
			return false;
		if (part == 0 && *p++ != '.')
			return false;
	}
	if (*p != '\0')
		return false;
	*minor = v[0];
	*micro = v[1];
	return true;
}

bool pl_elf_image_version_string(struct pl_elf_image *img, unsigned major, unsigned minor_min,
				 unsigned minor_max, unsigned *minor_ret, unsigned *micro_ret)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(img->elf, &shstrndx) != 0)
		return false;
	Elf_Scn *scn = NULL;
	bool found = false;
	while ((scn = elf_nextscn(img->elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(name = elf_strptr(img->elf, shstrndx, sh.sh_name)) || strcmp(name, ".rodata") != 0)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			continue;
		const char *p = data->d_buf, *end = p + data->d_size;
		for (const char *q = p; q + 6 <= end; q++) {
			unsigned minor, micro;
			if (*q != (char)('0' + major) ||
			    (q > p && ((q[-1] >= '0' && q[-1] <= '9') || q[-1] == '.')) ||
			    !parse_version_literal(q, end, major, &minor, &micro) || minor < minor_min ||
			    minor > minor_max)
				continue;
			if (found && (minor != *minor_ret || micro != *micro_ret))
				return false; /* two different versions: ambiguous */
			*minor_ret = minor;
			*micro_ret = micro;
			found = true;
		}
	}
	return found;
}

static void scn_each_object(Elf_Scn *scn, uint64_t size, pl_elf_object_fn *fn, void *arg)
{
	GElf_Shdr sh;
	Elf_Data *data;
	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_entsize == 0 || !(data = elf_getdata(scn, NULL)))
		return;
	size_t n = sh.sh_size / sh.sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		if (gelf_getsym(data, (int)i, &sym) && sym.st_shndx != SHN_UNDEF &&
		    GELF_ST_TYPE(sym.st_info) == STT_OBJECT && sym.st_size == size)
			fn(arg, sym.st_value);
	}
}

void pl_elf_image_each_object(struct pl_elf_image *img, uint64_t size, pl_elf_object_fn *fn,
			      void *arg)
{
	scn_each_object(img->dynsym, size, fn, arg);
	scn_each_object(img->symtab, size, fn, arg);
}

void pl_elf_image_each_load(struct pl_elf_image *img, pl_elf_load_fn *fn, void *arg)
{
	size_t n;
	if (elf_getphdrnum(img->elf, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(img->elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    ph.p_vaddr + ph.p_memsz >= ph.p_vaddr)
			fn(arg, ph.p_vaddr, ph.p_memsz, (ph.p_flags & PF_W) != 0);
	}
}

/* The value a relocation of TYPE against symbol SYM (of the table at SYMDATA) with ADDEND
 * stores, loaded at BIAS; false for a type we do not apply or a symbol defined elsewhere. */
static bool reloc_value(Elf_Data *symdata, uint64_t type, uint64_t sym, int64_t addend,
			uint64_t bias, uint64_t *ret)
{
	GElf_Sym s;
	if (type == R_X86_64_RELATIVE) {
		*ret = bias + (uint64_t)addend;
		return true;
	}
	if ((type != R_X86_64_64 && type != R_X86_64_GLOB_DAT) || !symdata ||
	    !gelf_getsym(symdata, (int)sym, &s) || s.st_shndx == SHN_UNDEF ||
	    GELF_ST_TYPE(s.st_info) == STT_GNU_IFUNC) /* (the loader would call the resolver) */
		return false;
	*ret = (s.st_shndx == SHN_ABS ? 0 : bias) + s.st_value + (type == R_X86_64_64 ? (uint64_t)addend : 0);
	return true;
}

/* Apply the relocations of every SHT_RELA section that fall in BUF (VADDR .. + LEN). */
static void apply_relocations(struct pl_elf_image *img, uint64_t bias, uint64_t vaddr, uint8_t *buf,
			      size_t len)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(img->elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || sh.sh_entsize == 0 ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		Elf_Scn *symscn = elf_getscn(img->elf, sh.sh_link);
		Elf_Data *symdata = symscn ? elf_getdata(symscn, NULL) : NULL;
		size_t n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < n; i++) {
			GElf_Rela r;
			uint64_t v;
			if (!gelf_getrela(data, (int)i, &r) || r.r_offset < vaddr || len < 8 ||
			    r.r_offset - vaddr > len - 8 ||
			    !reloc_value(symdata, GELF_R_TYPE(r.r_info), GELF_R_SYM(r.r_info), r.r_addend,
					 bias, &v))
				continue;
			memcpy(buf + (r.r_offset - vaddr), &v, 8);
		}
	}
}

struct pl_error *pl_elf_image_loaded_bytes(struct pl_elf_image *img, uint64_t bias, uint64_t vaddr,
					   size_t len, uint8_t **ret)
{
	GElf_Ehdr eh;
	size_t nph, fsize = 0;
	const uint8_t *file = (const uint8_t *)elf_rawfile(img->elf, &fsize);
	if (!gelf_getehdr(img->elf, &eh) || elf_getphdrnum(img->elf, &nph) != 0 || !file)
		return pl_error_create(PL_ERR_BAD_DATA, "%s: cannot read its load segments", img->path);
	if (eh.e_machine != EM_X86_64)
		return pl_error_create(PL_ERR_BAD_DATA, "%s: relocations of machine %u are not "
					"supported", img->path, (unsigned)eh.e_machine);
	uint8_t *buf = calloc(1, len ? len : 1);
	if (!buf)
		return &pl_enomem;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(img->elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    ph.p_offset > fsize || ph.p_filesz > fsize - ph.p_offset ||
		    ph.p_vaddr + ph.p_filesz < ph.p_vaddr || vaddr + len < vaddr)
			continue;
		uint64_t lo = vaddr > ph.p_vaddr ? vaddr : ph.p_vaddr;
		uint64_t hi = ph.p_vaddr + ph.p_filesz < vaddr + len ? ph.p_vaddr + ph.p_filesz
								       : vaddr + len;
		if (lo < hi)
			memcpy(buf + (lo - vaddr), file + ph.p_offset + (lo - ph.p_vaddr), hi - lo);
	}
	apply_relocations(img, bias, vaddr, buf, len);
	*ret = buf;
	return NULL;
}

const char *pl_elf_image_path(const struct pl_elf_image *img)
{
	return img->path;
}

bool pl_elf_image_has_dwarf(const struct pl_elf_image *img)
{
	return img->has_dwarf;
}
