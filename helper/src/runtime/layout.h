/* SPDX-License-Identifier: MIT */
/* layout.h - the offsets and sizes of CPython's structs in one target, and the few version
 * rules that are not offsets (bit positions, encodings). Filled by a layout source (DWARF
 * today), then checked against the heap before anything trusts it. */
#ifndef PL_LAYOUT_H
#define PL_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "runtime/layout_fields.h"

struct pl_target;

#define PL_LAYOUT_MEMBER(id, type, path, required) int64_t id;
#define PL_LAYOUT_SIZE_MEMBER(id, type, required) int64_t size_##id;

/* Type flags we use (same bits in every supported version). */
enum {
	PL_TPFLAGS_MANAGED_DICT = 1ul << 4,   /* 3.11+ */
	PL_TPFLAGS_MANAGED_WEAKREF = 1ul << 3, /* 3.12+ */
	PL_TPFLAGS_INLINE_VALUES = 1ul << 2,  /* 3.13+ */
	PL_TPFLAGS_HEAPTYPE = 1ul << 9,
	PL_TPFLAGS_LIST_SUBCLASS = 1ul << 25,
	PL_TPFLAGS_TUPLE_SUBCLASS = 1ul << 26,
	PL_TPFLAGS_DICT_SUBCLASS = 1ul << 29,
	PL_TPFLAGS_HAVE_GC = 1ul << 14,
};
#define PL_TPFLAGS_TYPE_SUBCLASS (UINT64_C(1) << 31) /* instances are types (past an int) */
#define PL_MAX_REFCNT (UINT64_C(1) << 40) /* more is not a reference count (immortal ones are less) */

struct pl_layout {
	/* Offsets (PL_FIELD) and sizes (PL_SIZE); -1 where the target has no such field. */
	PL_LAYOUT_FIELDS(PL_LAYOUT_MEMBER, PL_LAYOUT_SIZE_MEMBER)
	/* Rules derived from the version, set by pl_layout_derive_rules(). */
	uint64_t version_hex;          /* PY_VERSION_HEX, e.g. 0x030c01f0 */
	uint64_t preheader_flags;      /* type flags meaning "16 bytes of pre-header before GC head" */
	int64_t preheader_size;        /* bytes of that pre-header */
	bool dict_keys_have_kind;      /* 3.11+: dk_kind, unicode entries */
	int64_t dict_values_items;     /* where a split dict's values start: 0, or 8 (3.13+) */
	enum pl_managed_dict {
		PL_MANAGED_DICT_NONE,  /* <= 3.10: tp_dictoffset only */
		PL_MANAGED_DICT_311,   /* dict at obj-24, values pointer at obj-32 */
		PL_MANAGED_DICT_312,   /* obj-24 holds a dict, or values + 1 (tagged) */
		PL_MANAGED_DICT_313,   /* dict at obj-24; else inline values at obj+basicsize */
	} managed_dict;
	uint64_t gc_next_mask;         /* mask for _gc_next pointers */
	bool stackrefs;                /* 3.14+: frame slots are tagged _PyStackRef words */
	bool stackref_wrapped;         /* 3.15+: a slot tagged 2 wraps a C pointer, not an object */
	int8_t gen_executing;          /* gi_frame_state of a running generator (3.11+) */
	int8_t gen_finished;           /* the lowest gi_frame_state of a finished one */
	int64_t unicode2_width;        /* 2.7: bytes per character of unicode (Py_UNICODE), else 0 */
	int8_t gc_refs_shift;          /* 3.6, 3.7 keep gc_refs shifted left by one; 2.7 does not */
};

/* Does the collector's header of an object say it is not tracked? WORD is the header's word at
 * pl_gc_state_offset(L) from its start: 2.7, 3.6 and 3.7 keep a state there (gc_refs; shifted
 * by one in 3.x), -2 when untracked; later versions clear _gc_next (the first word). */
static inline int64_t pl_gc_state_offset(const struct pl_layout *l)
{
	return l->size_gc_head >= 24 ? 16 : 0;
}
static inline bool pl_gc_says_untracked(const struct pl_layout *l, uint64_t word)
{
	return l->size_gc_head >= 24 ? (int64_t)word >> l->gc_refs_shift == -2 : word == 0;
}

/* A fingerprint of struct pl_layout, its size and its fields' names: libpyleaks hands its
 * layout whole to the in-process agent, a separate build that must have been made from the
 * same layout_fields.h. */
#define PL_LAYOUT_NAME(id, type, path, required) #id ","
#define PL_LAYOUT_SIZE_NAME(id, type, required) "size_" #id ","
static inline uint64_t pl_layout_abi_hash(void)
{
	static const char names[] = PL_LAYOUT_FIELDS(PL_LAYOUT_NAME, PL_LAYOUT_SIZE_NAME);
	uint64_t h = UINT64_C(1469598103934665603) ^ sizeof(struct pl_layout);
	for (const char *p = names; *p; p++)
		h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
	return h;
}

/* Fill L from DWARF in the ELF file at PATH. Missing required fields are an error naming them. */
struct pl_error *pl_layout_from_dwarf(const char *path, struct pl_layout *l);

/* Fill the fields of L that are still missing (-1) from the DWARF of PATH, an extension module
 * of the same build (its own structs: _asyncio's futures and tasks, ...). Fields L has are kept;
 * nothing is required of PATH. */
struct pl_error *pl_layout_add_dwarf(const char *path, struct pl_layout *l);

/* Fails with PL_ERR_VERSION, naming what is supported, for a PY_VERSION_HEX we do not support. */
struct pl_error *pl_layout_check_version(uint64_t version_hex);

/* Set the rules that follow from L->version_hex. Fails for versions we do not know. */
struct pl_error *pl_layout_derive_rules(struct pl_layout *l);

/* Write "name = value" lines of every field to F (for --dump-layout and tests). */
void pl_layout_dump(const struct pl_layout *l, void *file);

#endif
