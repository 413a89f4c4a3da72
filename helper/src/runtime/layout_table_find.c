/* SPDX-License-Identifier: MIT */
/* layout_table_find.c - choosing a built-in layout table for a version (see layout_tables.h). */
#include "runtime/layout_tables.h"

/* Releases whose layouts may stand in for each other: the same minor version, except that
 * 3.14.0 - 3.14.4 (incremental GC) and 3.14.5+ (generational again) are apart. */
static uint64_t layout_family(uint64_t version_hex)
{
	uint64_t minor = version_hex >> 16, micro = (version_hex >> 8) & 0xff;
	return minor << 1 | (minor == 0x030e && micro < 5);
}

const struct pl_layout_table *pl_layout_table_find(uint64_t version_hex)
{
	const struct pl_layout_table *best = NULL;
	uint64_t family = layout_family(version_hex), micro = (version_hex >> 8) & 0xff, best_dist = 0;
	for (size_t i = 0; i < pl_layout_tables_count; i++) {
		const struct pl_layout_table *t = &pl_layout_tables[i];
		if (layout_family(t->version_hex) != family)
			continue;
		uint64_t m = (t->version_hex >> 8) & 0xff;
		uint64_t dist = m > micro ? m - micro : micro - m;
		if (!best || dist < best_dist || (dist == best_dist && m > micro)) {
			best = t;
			best_dist = dist;
		}
	}
	return best;
}
