/* SPDX-License-Identifier: MIT */
/* object_rules.h - the rules that read one object through a reader: its size as
 * sys.getsizeof gives it (the formula of the __sizeof__ its type inherits, plus the GC header
 * and pre-header getsizeof adds, version by version) and where a dict's entries are. The
 * reader is a function: libpyleaks reads through the target; the in-process agent, whose
 * census is to size objects where they are (issue #8), can read its own address space with
 * the same rules, so that a size is computed one way. Needs libc alone. */
#ifndef PL_OBJECT_RULES_H
#define PL_OBJECT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/layout.h"

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

/* Copy N bytes at ADDR of the heap's memory into BUF; false if they cannot be read. */
typedef bool pl_read_fn(void *ctx, uint64_t addr, void *buf, size_t n);

enum { PL_RULES_BUILTINS = 16 };

/* A reader and what the rules need to know of its process: the layout, and the builtin types
 * that have a __sizeof__ of their own (with the kind each gives). */
struct pl_object_rules {
	const struct pl_layout *l;
	pl_read_fn *read;
	void *ctx;
	struct pl_rules_builtin {
		uint64_t type;
		uint32_t kind; /* enum pl_size_kind */
	} builtins[PL_RULES_BUILTINS];
	uint32_t nbuiltins;
};

/* The size kind of the type at TYPE. */
enum pl_size_kind pl_rules_size_kind(const struct pl_object_rules *r, uint64_t type);

/* sys.getsizeof of the object at OBJ, of a type described by TY. Fields that cannot be read
 * count as empty: the size is then the type's basic size and headers. A count read from the
 * object is capped before it is multiplied: a broken object gives a wrong size, never an
 * overflow. */
uint64_t pl_rules_size_of(const struct pl_object_rules *r, const struct pl_size_type *ty, uint64_t obj);

/* Where the entries of a dict are. */
struct pl_dict_shape {
	uint64_t entries;   /* address of entry 0 */
	uint64_t nentries;
	uint64_t entry_size;
	uint64_t key_off, value_off;
	uint64_t values;    /* split table: address of value 0 (value i belongs to entry i), else 0 */
};

enum pl_dict_shape_status {
	PL_DICT_SHAPE_OK = 0,
	PL_DICT_SHAPE_UNREADABLE = -1, /* the dict or its keys object cannot be read */
	PL_DICT_SHAPE_BAD_SIZE = -2,   /* the keys object claims an impossible size */
	PL_DICT_SHAPE_TOO_MANY = -3,   /* more entries than its size, or than MAX */
};

/* The shape of the entries of the keys object at KEYS, VALUES being the address of a split
 * table's value 0 (or 0); at most MAX entries. */
enum pl_dict_shape_status pl_rules_keys_shape(const struct pl_object_rules *r, uint64_t keys,
					      uint64_t values, uint64_t max, struct pl_dict_shape *s);

/* The shape of the dict object at DICT. */
enum pl_dict_shape_status pl_rules_dict_shape(const struct pl_object_rules *r, uint64_t dict,
					      uint64_t max, struct pl_dict_shape *s);

#endif
