/* SPDX-License-Identifier: MIT */
/* layout_table_find.c - choosing a built-in layout table, or a module state's, for a version
 * (see layout_tables.h). */
#include <stdbool.h>
#include <string.h>

#include "runtime/layout_tables.h"

/* Releases whose layouts may stand in for each other: the same minor version, except that
 * 3.14.0 - 3.14.4 (incremental GC) and 3.14.5+ (generational again) are apart. */
static uint64_t layout_family(uint64_t version_hex)
{
	uint64_t minor = version_hex >> 16, micro = (version_hex >> 8) & 0xff;
	return minor << 1 | (minor == 0x030e && micro < 5);
}

/* Does a table of release CANDIDATE stand in for VERSION_HEX better than the best so far (none
 * if !HAVE_BEST; *BEST_DIST its distance, updated)? The same family, the nearest micro
 * release, a newer one on a tie. */
static bool nearer(uint64_t version_hex, uint64_t candidate, bool have_best, uint64_t *best_dist)
{
	if (layout_family(candidate) != layout_family(version_hex))
		return false;
	uint64_t micro = (version_hex >> 8) & 0xff, m = (candidate >> 8) & 0xff;
	uint64_t dist = m > micro ? m - micro : micro - m;
	if (have_best && dist > *best_dist)
		return false;
	if (have_best && dist == *best_dist && m <= micro)
		return false;
	*best_dist = dist;
	return true;
}

const struct pl_layout_table *pl_layout_table_find(uint64_t version_hex)
{
	const struct pl_layout_table *best = NULL;
	uint64_t best_dist = 0;
	for (size_t i = 0; i < pl_layout_tables_count; i++)
		if (nearer(version_hex, pl_layout_tables[i].version_hex, best, &best_dist))
			best = &pl_layout_tables[i];
	return best;
}

const struct pl_state_table *pl_state_table_find(uint64_t version_hex, const char *module,
						 int64_t size)
{
	const struct pl_state_table *best = NULL;
	uint64_t best_dist = 0;
	for (size_t i = 0; i < pl_state_tables_count; i++) {
		const struct pl_state_table *t = &pl_state_tables[i];
		if (t->size == size && strcmp(t->module, module) == 0 &&
		    nearer(version_hex, t->version_hex, best, &best_dist))
			best = t;
	}
	return best;
}
