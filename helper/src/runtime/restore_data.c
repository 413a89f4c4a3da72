/* SPDX-License-Identifier: MIT */
/* restore_data.c - salvage: where a core lost the writable data of the files the process
 * mapped (see restore_data.h), those bytes are rebuilt from each file as the loader leaves
 * them: the static type objects (name, sizes, flags, base and slots as compiled, with the
 * type PyType_Ready gives those compiled without one) and the static objects of 3.11+
 * (strings, code and tuples frozen into libpython) read as they were built. What the program
 * changed there after startup (the runtime's state, a type's dict and MRO) is not: it reads as
 * compiled, mostly empty. The rebuilt bytes serve only reads of memory the core lost. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/strbuf.h"
#include "runtime/restore_data.h"

enum { MAX_RESTORED = 256 << 20,  /* bytes of writable segments rebuilt, all files */
       MAX_FILES = 512 };          /* mapped files opened */

struct restore {
	struct pl_runtime *rt;
	struct pl_elf_image *img;   /* the file being rebuilt */
	const char *path;           /* where it is on this machine */
	bool runtime;               /* it is the runtime's: a failure is an error (else: skipped) */
	uint64_t bias;              /* its load bias */
	size_t first_block;         /* its first block in blocks */
	struct pl_segment *segs;    /* where the core lost the rebuilt bytes */
	size_t n, cap;
	uint8_t **blocks;           /* one a rebuilt load segment */
	uint64_t *block_lo, *block_hi;
	size_t nblocks, blocks_cap;
	uint64_t total;
	struct pl_error *err;
};

static bool keep_block(struct restore *r, uint8_t *data, uint64_t lo, uint64_t hi)
{
	if (r->nblocks == r->blocks_cap) {
		size_t cap = r->blocks_cap ? 2 * r->blocks_cap : 16;
		uint8_t **b = realloc(r->blocks, cap * sizeof(*b));
		if (b)
			r->blocks = b;
		uint64_t *l = realloc(r->block_lo, cap * sizeof(*l));
		if (l)
			r->block_lo = l;
		uint64_t *h = realloc(r->block_hi, cap * sizeof(*h));
		if (h)
			r->block_hi = h;
		if (!b || !l || !h) {
			r->err = &pl_enomem;
			return false;
		}
		r->blocks_cap = cap;
	}
	r->blocks[r->nblocks] = data;
	r->block_lo[r->nblocks] = lo;
	r->block_hi[r->nblocks++] = hi;
	return true;
}

/* One load segment of the current file: if writable and partly lost, rebuild it and keep the
 * pieces the core lost. */
static void restore_load(void *arg, uint64_t vaddr, uint64_t memsz, bool writable)
{
	struct restore *r = arg;
	struct pl_target *t = r->rt->target;
	uint64_t lo = r->bias + vaddr, hi = lo + memsz;
	if (r->err || !writable || !memsz || hi < lo)
		return;
	/* the segment must start in one of this file's own mappings (not where an ELF file was
	 * mapped as plain data, which would put its bytes on someone else's memory) */
	bool own = false;
	for (size_t i = 0; i < t->nmaps && !own; i++)
		own = t->maps[i].local_path && strcmp(t->maps[i].local_path, r->path) == 0 &&
		      t->maps[i].lo <= lo && lo < t->maps[i].hi;
	if (!own)
		return;
	bool lost = false;
	for (size_t i = 0; i < t->nsegs && !lost; i++)
		lost = t->segs[i].lo < hi && t->segs[i].hi > lo && pl_target_lost(t, t->segs[i].lo);
	if (!lost)
		return;
	if (memsz > MAX_RESTORED - r->total) {
		if (r->runtime)
			r->err = pl_error_create(PL_ERR_LIMIT, "the lost writable segments of the "
						 "mapped files are larger than %d MiB", MAX_RESTORED >> 20);
		return; /* another file's: left lost */
	}
	uint8_t *data = NULL;
	struct pl_error *err = pl_elf_image_loaded_bytes(r->img, r->bias, vaddr, memsz, &data);
	if (err) {
		if (r->runtime)
			r->err = err;
		else
			pl_error_destroy(err); /* another file's: left lost */
		return;
	}
	if (!keep_block(r, data, lo, hi)) {
		free(data);
		return;
	}
	r->total += memsz;
	for (size_t i = 0; i < t->nsegs && !r->err; i++) {
		const struct pl_segment *s = &t->segs[i];
		uint64_t a = s->lo > lo ? s->lo : lo, b = s->hi < hi ? s->hi : hi;
		if (a < b && pl_target_lost(t, s->lo))
			r->err = pl_target_add_segment(&r->segs, &r->n, &r->cap,
						       &(struct pl_segment){ .lo = a, .hi = b,
									     .data = data + (a - lo) });
	}
}

/* A static type of the current file (a symbol the size of a type object): compiled without a
 * type (PyVarObject_HEAD_INIT(NULL, 0), as extension modules do), it has the one PyType_Ready
 * gives it, `type`. */
static void ready_type(void *arg, uint64_t value)
{
	struct restore *r = arg;
	uint64_t addr = r->bias + value, off = (uint64_t)r->rt->layout.object_type, type;
	for (size_t i = r->first_block; i < r->nblocks; i++) {
		if (addr < r->block_lo[i] || addr >= r->block_hi[i] || r->block_hi[i] - addr < off + 8)
			continue; /* (a symbol's value is the file's: it may be anything) */
		uint8_t *word = r->blocks[i] + (addr - r->block_lo[i]) + off;
		memcpy(&type, word, 8);
		if (!type)
			memcpy(word, &r->rt->types[PL_T_TYPE], 8);
		return;
	}
}

/* Rebuild what the core lost of the file IMG, loaded at BIAS. */
static void restore_file(struct restore *r, struct pl_elf_image *img, const char *path, bool runtime,
			 uint64_t bias)
{
	r->img = img;
	r->path = path;
	r->runtime = runtime;
	r->bias = bias;
	r->first_block = r->nblocks;
	pl_elf_image_each_load(img, restore_load, r);
	if (!r->err && r->nblocks > r->first_block && r->rt->layout.size_type_object > 0)
		pl_elf_image_each_object(img, (uint64_t)r->rt->layout.size_type_object, ready_type, r);
}

/* Each other ELF file the target mapped (a regular file), once, at the bias its first mapping
 * gives; at most MAX_FILES are opened. */
static void restore_other_files(struct restore *r)
{
	struct pl_target *t = r->rt->target;
	size_t opened = 0;
	for (size_t i = 0; i < t->nmaps && !r->err && opened < MAX_FILES; i++) {
		const struct pl_mapping *m = &t->maps[i];
		struct stat st;
		if (!pl_target_mapping_starts_file(t, i) || strcmp(m->local_path, r->rt->image_path) == 0 ||
		    stat(m->local_path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		struct pl_elf_image *img = NULL;
		uint64_t vaddr;
		struct pl_error *not_elf = pl_elf_image_create(m->local_path, &img);
		opened++;
		if (not_elf) {
			pl_error_destroy(not_elf); /* a file that is not ELF has no data to rebuild */
			continue;
		}
		if (pl_elf_image_vaddr_of_offset(img, m->offset, &vaddr))
			restore_file(r, img, m->local_path, false, m->lo - vaddr);
		pl_elf_image_destroy(img);
	}
}

struct pl_error *pl_runtime_restore_data(struct pl_runtime *rt, struct pl_elf_image *img)
{
	rt->lost_bytes = pl_target_lost_bytes(rt->target);
	rt->memory_bytes = pl_target_memory_size(rt->target);
	struct restore r = { .rt = rt };
	restore_file(&r, img, rt->image_path, true, rt->bias);
	restore_other_files(&r);
	free(r.block_lo);
	free(r.block_hi);
	if (r.err) {
		for (size_t i = 0; i < r.nblocks; i++)
			free(r.blocks[i]);
		free(r.blocks);
		free(r.segs);
		return r.err;
	}
	pl_target_sort_segments(r.segs, r.n);
	pl_target_set_restored(rt->target, r.segs, r.n, r.blocks, r.nblocks);
	rt->restored_bytes = r.total;
	uint64_t tt = 0;
	if (!pl_target_u64(rt->target, rt->types[PL_T_TYPE] + (uint64_t)rt->layout.object_type, &tt) ||
	    tt != rt->types[PL_T_TYPE])
		pl_text_add_line(&rt->warnings, "salvage: the rebuilt PyType_Type is not its own type "
						"(0x%llx): type names may be wrong",
				 (unsigned long long)tt);
	return NULL;
}
