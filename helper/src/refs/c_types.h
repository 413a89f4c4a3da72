/* SPDX-License-Identifier: MIT */
/* c_types.h - the stdlib's C types whose references are plain fields (iterators, itertools,
 * contextvars, memoryview, abc's data, ...): one table, read by one decoder. Each field is a
 * layout offset (from DWARF or the built-in tables), labelled with its C field name, the name
 * tp_traverse gives it; a type whose fields this version lacks is left to the other decoders. */
#ifndef PL_C_TYPES_H
#define PL_C_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtime/layout.h"

enum { PL_C_FIELDS = 16 };

/* How many items follow at the items offset. */
enum pl_c_count {
	PL_C_COUNT_NONE,
	PL_C_COUNT_INT32,  /* the int at offset `count` */
	PL_C_COUNT_SIZE,   /* the object's ob_size */
	PL_C_COUNT_FIXED,  /* `count` of them (NULL ones are skipped) */
};

struct pl_c_type {
	const char *name;                  /* tp_name */
	struct {
		size_t member;             /* offsetof(struct pl_layout, the field's offset) */
		const char *label;
		uint64_t since;            /* PY_VERSION_HEX from which it holds an object (0:
					    * always; a field of that name may be a C array before) */
	} fields[PL_C_FIELDS];             /* up to the first with no label */
	size_t items;                      /* member of the items' offset, if counted */
	enum pl_c_count count_kind;
	size_t count;                      /* member of the count's offset, or the fixed count */
	const char *item_label;            /* "values[%llu]" */
};

/* The table entry for a C type named NAME whose fields this layout has, or NULL. */
const struct pl_c_type *pl_c_type_find(const char *name, const struct pl_layout *l);

/* The offset a table member names in L (-1: this version has no such field). */
static inline int64_t pl_c_offset(const struct pl_layout *l, size_t member)
{
	int64_t off;
	memcpy(&off, (const char *)l + member, sizeof(off));
	return off;
}

#endif
