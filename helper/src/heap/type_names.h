/* SPDX-License-Identifier: MIT */
/* type_names.h - from the name a user types to the types of the heap it means: a full name
 * ("__main__.Session", "dict"), or a bare class name ("Session", "Geometry.Point") when it
 * is the end of one full name only. Distinct classes may share a full name (classes made in a
 * function, ABCs made per module): a name means all of them. */
#ifndef PL_TYPE_NAMES_H
#define PL_TYPE_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "heap/heap.h"

/* The types a name means, among those with instances. */
struct pl_type_set {
	uint8_t *member;   /* per heap type: 1 if it is one of them */
	size_t n;          /* how many types */
	uint32_t first;    /* one of them, for its name */
	uint64_t count;    /* their instances, tracked and untracked */
};

/* The types NAME means. Fails with PL_ERR_LOOKUP if it means none (suggesting names that
 * look alike) or is the end of several different full names (listing them). Free *RET with
 * pl_type_set_deinit. */
struct pl_error *pl_type_set_of(const struct pl_heap *h, const char *name, struct pl_type_set *ret);
void pl_type_set_deinit(struct pl_type_set *s);

/* "__main__.Session", or "__main__.Session (3 distinct classes of that name)", into BUF. */
const char *pl_type_set_name(const struct pl_heap *h, const struct pl_type_set *s, char *buf,
			     size_t max);

/* Per heap type, the first type of the same name (caller frees; NULL if out of memory): where
 * types are grouped by what people read, distinct classes of one name are one. */
uint32_t *pl_type_canon(const struct pl_heap *h);

/* The names that complete PREFIX, one per line, sorted: full names of the types with
 * instances, and the ends of them (a class's qualified name without its module). *OUT
 * (caller frees) is "" if none. */
struct pl_error *pl_type_names_completing(const struct pl_heap *h, const char *prefix, char **out);

#endif
