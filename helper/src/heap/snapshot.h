/* SPDX-License-Identifier: MIT */
/* snapshot.h - the census and the identity (address and type name) of every object of a heap
 * at one moment, kept apart from the heap (it outlives the stop it was taken at, and can be
 * written to a file and read back), and the growth of a later heap since it: per type, the
 * count and size now, the change, and how many are new (not in the snapshot). */
#ifndef PL_SNAPSHOT_H
#define PL_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "heap/heap.h"

struct pl_snapshot_type {
	char *name;
	uint64_t count, size;
};

struct pl_snapshot {
	char *name;            /* what the user called it */
	char *target;          /* "core file ..." or "process 123" */
	char *python;          /* "3.12.1" */
	struct pl_snapshot_type *types; /* by name, each once */
	size_t ntypes;
	uint64_t *addrs;       /* every object's address */
	uint32_t *type_of;     /* ... and its type, an index into types */
	size_t nobjects;
	uint64_t size;         /* of every object */
	uint32_t *index;       /* open addressing on addrs: object + 1 (built when compared) */
	size_t index_cap;
};

/* The snapshot NAME of heap H (its untracked objects found already), of TARGET under PYTHON.
 * *RET is freed with pl_snapshot_destroy. */
struct pl_error *pl_snapshot_take(const struct pl_heap *h, const char *name, const char *target,
				  const char *python, struct pl_snapshot **ret);
void pl_snapshot_destroy(struct pl_snapshot *s);

/* Write S to PATH; read one back (every length in the file checked against its size). */
struct pl_error *pl_snapshot_save(const struct pl_snapshot *s, const char *path);
struct pl_error *pl_snapshot_load(const char *path, struct pl_snapshot **ret);

/* The growth of one type name since a snapshot. */
struct pl_growth_type {
	const char *name;      /* the heap's or the snapshot's */
	uint64_t count, size;  /* now */
	int64_t delta, size_delta;
	uint64_t new_objects;  /* objects now that the snapshot did not have */
	uint32_t type;         /* a heap type of this name, or UINT32_MAX if none is left */
};

struct pl_growth {
	struct pl_growth_type *v; /* most grown first (delta, then new, then name) */
	size_t n;
	uint64_t objects, size;   /* now */
	uint64_t new_objects;
};

/* The growth of heap H since S. *RET is freed with pl_growth_destroy. */
struct pl_error *pl_growth_since(const struct pl_heap *h, struct pl_snapshot *s,
				 struct pl_growth **ret);
void pl_growth_destroy(struct pl_growth *g);

/* Is the object at ADDR of type name NAME in S? (S's index built by pl_growth_since.) */
bool pl_snapshot_has(const struct pl_snapshot *s, uint64_t addr, const char *name);

#endif
