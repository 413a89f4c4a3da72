/* SPDX-License-Identifier: MIT */
/* elf_image.h - an ELF file on disk (the executable or a shared library the target mapped):
 * its symbols, its load segments and its identity (soname, build-id, DWARF presence). */
#ifndef PL_ELF_IMAGE_H
#define PL_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct pl_elf_image;

/* Open PATH. *RET is freed with pl_elf_image_destroy. */
struct pl_error *pl_elf_image_create(const char *path, struct pl_elf_image **ret);
void pl_elf_image_destroy(struct pl_elf_image *img);

/* Look NAME up in .dynsym, then .symtab. Returns false if it is not defined there. */
bool pl_elf_image_symbol(struct pl_elf_image *img, const char *name, uint64_t *value_ret,
			 uint64_t *size_ret);

/* The static variable NAME of the source file FILE (a local symbol of .symtab after FILE's
 * STT_FILE entry, as compilers order them); false if there is none. */
bool pl_elf_image_file_symbol(struct pl_elf_image *img, const char *file, const char *name,
			      uint64_t *value_ret);

/* The link-time address that file offset FILE_OFFSET (of a PT_LOAD) is loaded at, so that
 * bias = mapping address - this. Returns false if no PT_LOAD starts at that page. */
bool pl_elf_image_vaddr_of_offset(const struct pl_elf_image *img, uint64_t file_offset,
				  uint64_t *vaddr_ret);

/* The GNU build-id as lowercase hex into BUF (size MAX); false if it has none. */
bool pl_elf_image_build_id(struct pl_elf_image *img, char *buf, size_t max);

/* The file name in .gnu_debuglink into BUF (size MAX); false if it has none. */
bool pl_elf_image_debuglink(struct pl_elf_image *img, char *buf, size_t max);

/* The PY_VERSION literal ("3.10.13") in .rodata: a NUL-terminated "MAJOR.M.m" not preceded by
 * a digit or a dot (it is often the tail of a longer string such as a build path), with
 * MINOR_MIN <= M <= MINOR_MAX. True only if exactly one such version is there. */
bool pl_elf_image_version_string(struct pl_elf_image *img, unsigned major, unsigned minor_min,
				 unsigned minor_max, unsigned *minor_ret, unsigned *micro_ret);

/* Call FN(ARG, VALUE) for each object symbol defined in .dynsym or .symtab whose size is SIZE
 * (one value may come twice: once from each table). */
typedef void pl_elf_object_fn(void *arg, uint64_t value);
void pl_elf_image_each_object(struct pl_elf_image *img, uint64_t size, pl_elf_object_fn *fn,
			      void *arg);

/* Call FN(ARG, VADDR, MEMSZ, WRITABLE) for each load segment (link-time addresses). */
typedef void pl_elf_load_fn(void *arg, uint64_t vaddr, uint64_t memsz, bool writable);
void pl_elf_image_each_load(struct pl_elf_image *img, pl_elf_load_fn *fn, void *arg);

/* The LEN bytes at link-time address VADDR as the dynamic loader leaves them when it loads the
 * file at BIAS, before any code runs: the file's bytes (zeros past a segment's file part), with
 * the relative relocations and those against the file's own symbols applied (x86-64; others
 * are left 0). *RET is malloc'd. */
struct pl_error *pl_elf_image_loaded_bytes(struct pl_elf_image *img, uint64_t bias, uint64_t vaddr,
					   size_t len, uint8_t **ret);

/* The path it was opened from. */
const char *pl_elf_image_path(const struct pl_elf_image *img);
/* Whether it carries a .debug_info section. */
bool pl_elf_image_has_dwarf(const struct pl_elf_image *img);

#endif
