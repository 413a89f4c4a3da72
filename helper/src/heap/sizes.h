/* SPDX-License-Identifier: MIT */
/* sizes.h - the size of one object as sys.getsizeof gives it, from the target's own fields:
 * the formula of the __sizeof__ its type inherits (a list's allocated item array, a dict's
 * keys and values tables, a set's table, a deque's blocks, a bytearray's buffer, the
 * characters of a str, the digits of an int, ...) plus the GC header and pre-header that
 * getsizeof adds, version by version. */
#ifndef PL_SIZES_H
#define PL_SIZES_H

#include <stdint.h>

#include "runtime/runtime.h"

/* Which __sizeof__ instances of a type use: that of the nearest type up its tp_base chain
 * that has its own. */
enum pl_size_kind {
	PL_SIZE_PLAIN,     /* object.__sizeof__: basic size plus items */
	PL_SIZE_LIST,
	PL_SIZE_DICT,
	PL_SIZE_ODICT,
	PL_SIZE_SET,
	PL_SIZE_DEQUE,
	PL_SIZE_BYTEARRAY,
	PL_SIZE_STR,
	PL_SIZE_INT,
	PL_SIZE_TYPE,
	PL_SIZE_CODE,
	PL_SIZE_FRAME,     /* frame objects */
	PL_SIZE_GENERATOR, /* generators, coroutines, async generators (3.11+: with their frame) */
	PL_SIZE_ARRAY,     /* array.array: its buffer */
	PL_SIZE_INDICES,   /* itertools.product, combinations, permutations: their index arrays */
};

/* What sizing needs of a type: its flags, basic and item sizes, and its kind. */
struct pl_size_type {
	uint64_t flags, basicsize, itemsize;
	enum pl_size_kind kind;
};

/* The size kind of the type at TYPE. */
enum pl_size_kind pl_size_kind_of(struct pl_runtime *rt, uint64_t type);

/* sys.getsizeof of the object at OBJ, of a type described by TY. Fields that cannot be read
 * count as empty: the size is then the type's basic size and headers. */
uint64_t pl_size_of(struct pl_runtime *rt, const struct pl_size_type *ty, uint64_t obj);

#endif
