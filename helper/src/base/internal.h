/* SPDX-License-Identifier: MIT */
/* internal.h - what every libpyleaks source file shares: the export marker, the
 * limits that cap loops over untrusted data, and small inline helpers.
 * Not for module interfaces: each module has its own header. */
#ifndef PL_INTERNAL_H
#define PL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#define PYLEAKS_API __attribute__((visibility("default")))

/* Limits on what we believe of the target. Every loop over target data is capped by one. */
enum {
	PL_MAX_INTERPRETERS = 4096,      /* interpreters followed through interp->next */
	PL_MAX_TYPE_NAME = 512,          /* bytes of a type or module name we copy */
	PL_MAX_DICT_ENTRIES = 1 << 24,   /* entries scanned in one dict */
	PL_MAX_LIST_ITEMS = 1 << 26,     /* items read from one list (gc.garbage) */
	PL_MAX_CORE_SEGMENTS = 1 << 20,  /* PT_LOAD segments in a core */
	PL_MAX_MAPPED_FILES = 1 << 16,   /* NT_FILE entries or /proc/PID/maps lines */
	PL_MAX_PATH = 4096,
};

#define PL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Do A and B describe the same file, unchanged (device, inode, size, modification time)? The
 * identity of what is read from a file once and kept (layouts, module states). */
static inline bool pl_same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Slot of an object address in an open-addressing table of CAP slots (a power of two). The
 * one hash of the tables keyed by target addresses (types, graph nodes, label caches). */
static inline size_t pl_addr_hash(uint64_t addr, size_t cap)
{
	return (size_t)(((addr >> 3) * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

/* The magnitude of a signed count read from the target (ob_size is negative for negative
 * ints): INT64_MIN has no negation as int64_t, so negate as unsigned. */
/* FNV-1a over N bytes at P, from H (PL_FNV_OFFSET to start afresh). */
#define PL_FNV_OFFSET UINT64_C(1469598103934665603)
static inline uint64_t pl_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * UINT64_C(1099511628211);
	return h;
}

static inline uint64_t pl_magnitude(int64_t n)
{
	return n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
}

/* qsort that accepts an empty array given as NULL (qsort itself may not be passed NULL, even
 * with no items). The one way arrays are sorted here. */
static inline void pl_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* Free the pointer held by a variable when it goes out of scope. */
#define _cleanup_free_ __attribute__((cleanup(pl_freep)))
void pl_freep(void *p);

/* Fault in the whole pages of the N bytes at P (memory just allocated) at once: one call
 * instead of a fault per page, which costs most on virtual machines. Only a hint: a kernel
 * without MADV_POPULATE_WRITE faults them in as they are written. */
void pl_prefault(void *p, size_t n);

#endif
