/* SPDX-License-Identifier: MIT */
/* layout.c - the version rules of struct pl_layout that are not offsets, and layout dumps.
 * Every "which version does what" decision of the walker is made here, once, as data. */
#include <stdio.h>
#include <string.h>

#include "base/internal.h"
#include "runtime/layout.h"

/* Oldest and first-unsupported PY_VERSION_HEX (major.minor only) of Python 3, and Python 2's
 * one supported release family, 2.7. */
enum { PL_VERSION_MIN = 0x03060000, PL_VERSION_END = 0x03100000, PL_VERSION_27 = 0x02070000 };

struct pl_error *pl_layout_check_version(uint64_t v)
{
	unsigned major = (unsigned)(v >> 24) & 0xff, minor = (unsigned)(v >> 16) & 0xff;
	if ((v < PL_VERSION_MIN || v >= PL_VERSION_END) && (v & 0xffff0000) != PL_VERSION_27)
		return pl_error_create(PL_ERR_VERSION,
				       "Python %u.%u is not supported (supported: 2.7, and 3.6 to 3.15)",
				       major, minor);
	unsigned level = (unsigned)(v >> 4) & 0xf;
	if (level != 0xf)
		return pl_error_create(PL_ERR_VERSION,
				       "Python %u.%u.%u is a pre-release (%s); only final releases "
				       "are supported", major, minor, (unsigned)(v >> 8) & 0xff,
				       level == 0xa ? "alpha" : level == 0xb ? "beta" : "candidate");
	return NULL;
}

struct pl_error *pl_layout_derive_rules(struct pl_layout *l)
{
	uint64_t v = l->version_hex;
	struct pl_error *err = pl_layout_check_version(v);
	if (err)
		return err;
	/* Pre-header: 3.11 puts dict and values pointers before the GC head of MANAGED_DICT
	 * objects; 3.12+ the dict-or-values word and the weakref list for either flag. */
	l->preheader_size = 0;
	l->preheader_flags = 0;
	if (v >= 0x030b0000) {
		l->preheader_size = 16;
		l->preheader_flags = PL_TPFLAGS_MANAGED_DICT;
		if (v >= 0x030c0000)
			l->preheader_flags |= PL_TPFLAGS_MANAGED_WEAKREF;
	}
	l->dict_keys_have_kind = l->dictkeys_kind >= 0;
	l->dict_values_items = v >= 0x030d0000 ? 8 : 0; /* 3.13: PyDictValues header */
	l->managed_dict = v >= 0x030d0000   ? PL_MANAGED_DICT_313
			: v >= 0x030c0000   ? PL_MANAGED_DICT_312
			: v >= 0x030b0000   ? PL_MANAGED_DICT_311
					    : PL_MANAGED_DICT_NONE;
	l->gc_next_mask = ~(uint64_t)3;
	l->gc_refs_shift = v >= 0x03000000 ? 1 : 0;
	l->stackrefs = v >= 0x030e0000;
	l->stackref_wrapped = v >= 0x030f0000;
	/* PyFrameState: 3.11 - 3.14 run from CREATED -3 to EXECUTING 0, COMPLETED 1, CLEARED 4;
	 * 3.15 from CREATED 0 to EXECUTING 4 and CLEARED 5 */
	l->gen_executing = v >= 0x030f0000 ? 4 : 0;
	l->gen_finished = v >= 0x030f0000 ? 5 : 1;
	return NULL;
}

#define DUMP_FIELD(id, type, path, required) \
	fprintf(f, "%-28s %-20s %-26s %lld\n", #id, type, path, (long long)l->id);
#define DUMP_SIZE(id, type, required) \
	fprintf(f, "%-28s %-20s %-26s %lld\n", "size_" #id, type, "sizeof", (long long)l->size_##id);

void pl_layout_dump(const struct pl_layout *l, void *file)
{
	FILE *f = file;
	fprintf(f, "# layout of Python 0x%08llx\n", (unsigned long long)l->version_hex);
	PL_LAYOUT_FIELDS(DUMP_FIELD, DUMP_SIZE)
}
