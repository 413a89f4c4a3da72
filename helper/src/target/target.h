/* SPDX-License-Identifier: MIT */
/* target.h - where target memory comes from: "read N bytes at address A" over a set of
 * segments, whatever the source (a core file and the files it mapped, or a live process).
 * Reads never fault: an address no segment covers is a PL_ERR_FAULT error. */
#ifndef PL_TARGET_H
#define PL_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/error.h"

struct pl_target;

/* Reads LEN bytes of segment memory at ADDR (inside the segment) into BUF; returns 0 on
 * success, -1 if those bytes cannot be had. */
typedef int pl_segment_read_fn(void *arg, uint64_t addr, void *buf, size_t len);

struct pl_segment {
	uint64_t lo, hi;          /* [lo, hi) in the target's address space */
	const uint8_t *data;      /* bytes of lo..hi, if they sit in our memory (mmap) */
	pl_segment_read_fn *read; /* otherwise this is called */
	void *arg;
};

/* A file mapped by the target, as named by the target (NT_FILE note or /proc/PID/maps). */
struct pl_mapping {
	uint64_t lo, hi;      /* address range of this mapping */
	uint64_t offset;      /* file offset mapped at lo */
	char *name;           /* path as the target knew it */
	char *local_path;     /* where we found it on this machine, or NULL if we did not */
};

enum pl_target_kind { PL_TARGET_CORE = 1, PL_TARGET_PID = 2, PL_TARGET_REMOTE = 3 };

struct pl_target {
	enum pl_target_kind kind;
	char *description;             /* "core file /x/core.123" or "process 123" */
	const char *mode;              /* "read-only", or "in-process" once the agent's edges
					* are in (a static string) */
	struct pl_segment *segs;       /* primary memory, sorted by lo, non-overlapping */
	size_t nsegs;
	struct pl_segment *fallback;   /* file-backed bytes the primary lacks, sorted by lo */
	size_t nfallback;
	struct pl_segment *restored;   /* salvage: bytes rebuilt from the files where a cut core
					* lost them (static type objects), sorted by lo */
	size_t nrestored;
	uint8_t **restored_blocks;     /* what they point into (owned) */
	size_t nrestored_blocks;
	struct pl_mapping *maps;       /* mapped files, sorted by lo */
	size_t nmaps;
	uint64_t exe_phdr;             /* AT_PHDR of the executable, 0 if unknown */
	char *warnings;                /* things the user should know (truncated core, ...) */
	size_t last_seg;               /* lookup cache */
	void (*deinit)(struct pl_target *t); /* frees the source's own resources */
	/* live processes: read memory mapped after the target was opened, uncached */
	int (*read_fresh)(struct pl_target *t, uint64_t addr, void *buf, size_t len);
	void *priv;
};

/* Open a core file. EXE (may be NULL) replaces the executable named in the core; SYSROOT (may be
 * NULL) is prefixed to every file path the core names. On success *RET owns a new target. */
struct pl_error *pl_target_core_create(const char *core_path, const char *exe, const char *sysroot,
				       struct pl_target **ret);

/* Read a stopped live process through /proc/PID/mem (never written). SYSROOT as above. */
struct pl_error *pl_target_pid_create(int pid, const char *sysroot, struct pl_target **ret);

/* A target read only through READ(ARG, addr, buf, len) (0 on success; a remote process, read
 * by gdb), with the mappings MAPS in the format of /proc/PID/maps and AT_PHDR (0 if unknown).
 * DESCRIPTION names it ("remote process 123"). SYSROOT as above. */
struct pl_error *pl_target_remote_create(const char *description, const char *maps,
					 uint64_t at_phdr, pl_segment_read_fn *read, void *arg,
					 const char *sysroot, struct pl_target **ret);

/* Free a target; NULL is accepted. */
void pl_target_destroy(struct pl_target *t);

/* Read LEN bytes at ADDR into BUF. Fails with PL_ERR_FAULT naming WHAT (may be NULL) if any byte
 * is not available. */
struct pl_error *pl_target_read(struct pl_target *t, uint64_t addr, void *buf, size_t len,
				const char *what);

/* pl_target_read_ok where the bytes are not all in the segment of the last read. */
bool pl_target_read_slow(struct pl_target *t, uint64_t addr, void *buf, size_t len);

/* Like pl_target_read, but only says whether it worked. For hot loops that report their own
 * error. Bytes in the segment of the last read, when it sits in our memory, are copied at
 * once: most reads of a heap walk are. */
static inline bool pl_target_read_ok(struct pl_target *t, uint64_t addr, void *buf, size_t len)
{
	if (t->last_seg < t->nsegs) {
		const struct pl_segment *s = &t->segs[t->last_seg];
		if (s->data && addr >= s->lo && addr < s->hi && len <= s->hi - addr) {
			memcpy(buf, s->data + (addr - s->lo), len);
			return true;
		}
	}
	return pl_target_read_slow(t, addr, buf, len);
}

/* Read LEN bytes at ADDR of memory the process mapped since the target was opened (what the
 * in-process agent wrote), past the segments and their cache. Live processes only. */
struct pl_error *pl_target_read_fresh(struct pl_target *t, uint64_t addr, void *buf, size_t len,
				      const char *what);

/* Read one little-endian 64-bit word. */
static inline bool pl_target_u64(struct pl_target *t, uint64_t addr, uint64_t *ret)
{
	return pl_target_read_ok(t, addr, ret, sizeof(*ret));
}

/* Read a NUL-terminated string of at most MAX-1 bytes into BUF (size MAX). The result is
 * truncated (and still terminated) if no NUL comes first. */
struct pl_error *pl_target_read_cstr(struct pl_target *t, uint64_t addr, char *buf, size_t max,
				     const char *what);

/* Whether mapping I is the first of its file found on this machine: its mappings are sorted
 * by address, so a file's come one after another; to visit each mapped file once. */
bool pl_target_mapping_starts_file(const struct pl_target *t, size_t i);

/* Whether ADDR lies in memory the target had but lost (a core cut short there). */
bool pl_target_lost(const struct pl_target *t, uint64_t addr);

/* Bytes of memory the target had but lost. */
uint64_t pl_target_lost_bytes(const struct pl_target *t);

/* Salvage: let reads of lost memory in SEGS (N of them, sorted, non-overlapping, pointing into
 * the NBLOCKS malloc'd BLOCKS) be served from them: bytes rebuilt from the files. The target
 * owns SEGS, BLOCKS and each block. */
void pl_target_set_restored(struct pl_target *t, struct pl_segment *segs, size_t n,
			    uint8_t **blocks, size_t nblocks);

/* Total bytes of primary memory: an upper bound on how many objects the target can hold. */
uint64_t pl_target_memory_size(const struct pl_target *t);

/* Helpers for target sources. */
/* The primary segment holding ADDR, or NULL. */
struct pl_segment *pl_target_segment_at(struct pl_target *t, uint64_t addr);
/* A new target of KIND with a zeroed private part of PRIV_SIZE bytes that DEINIT frees; NULL if
 * out of memory. */
struct pl_target *pl_target_new(enum pl_target_kind kind, size_t priv_size,
				 void (*deinit)(struct pl_target *t));
struct pl_error *pl_target_add_segment(struct pl_segment **segs, size_t *nsegs, size_t *cap,
				       const struct pl_segment *seg);
void pl_target_sort_segments(struct pl_segment *segs, size_t n);
void pl_target_sort_mappings(struct pl_mapping *maps, size_t n);
/* Add one line in the format of /proc/PID/maps ("lo-hi perms offset dev inode path"): a
 * segment read by READ(ARG, ...) if it is readable, and a mapping if it names a file. Lines
 * that do not parse are skipped. SEG_CAP and MAP_CAP are the arrays' capacities. */
struct pl_error *pl_target_add_maps_line(struct pl_target *t, const char *line,
					 pl_segment_read_fn *read, void *arg, size_t *seg_cap,
					 size_t *map_cap);
/* Append a mapping of NAME (copied) at LO..HI from file offset OFFSET; MAP_CAP is the array's
 * capacity. */
struct pl_error *pl_target_add_mapping(struct pl_target *t, size_t *map_cap, uint64_t lo,
				       uint64_t hi, uint64_t offset, const char *name);
/* After the last line: find each mapped file under SYSROOT (may be NULL), sort. */
struct pl_error *pl_target_finish_maps(struct pl_target *t, const char *sysroot);
/* Path of a file named by the target, with SYSROOT (may be NULL) in front; caller frees. */
char *pl_target_local_path(const char *sysroot, const char *name);

#endif
