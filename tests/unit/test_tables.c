/* SPDX-License-Identifier: MIT */
/* test_tables.c - unit tests of choosing a built-in layout table: the same release if there is
 * one, else the nearest of the same minor, never across 3.14.4/3.14.5 (incremental vs
 * generational GC), none for a minor without tables. Uses the committed tables. */
#include <string.h>

#include "runtime/layout_tables.h"
#include "tap.h"

static void expect(uint64_t version, uint64_t want)
{
	const struct pl_layout_table *t = pl_layout_table_find(version);
	if (!want)
		TAP_OK(t == NULL, "0x%08llx: no table (got %s)", (unsigned long long)version,
		       t ? t->origin : "none");
	else
		TAP_OK(t && t->version_hex == want, "0x%08llx: table 0x%08llx (got %s)",
		       (unsigned long long)version, (unsigned long long)want, t ? t->origin : "none");
}

int main(void)
{
	expect(0x030c01f0, 0x030c01f0); /* 3.12.1: its own */
	expect(0x030c07f0, 0x030c01f0); /* 3.12.7: the only 3.12 */
	expect(0x030b02f0, 0x030b07f0); /* Debian's 3.11.2: 3.11.7 */
	expect(0x030d05f0, 0x030d00f0); /* 3.13.5: 3.13.0 is nearer than 3.13.18 */
	expect(0x030d10f0, 0x030d12f0); /* 3.13.16: 3.13.18 */
	expect(0x030e02f0, 0x030e04f0); /* 3.14.2: the published incremental-GC layout */
	expect(0x030e05f0, 0x030e0af0); /* 3.14.5: generational again, never the 3.14.4 one */
	expect(0x030f00f0, 0x030f02f0); /* 3.15.0: Debian's 3.15.2 */
	expect(0x031000f0, 0);          /* 3.16: none */
	expect(0x020712f0, 0x020712f0); /* 2.7.18: its own */
	expect(0x02070ef0, 0x020712f0); /* 2.7.14: 2.7.18 */
	expect(0x020609f0, 0);          /* 2.6.9: none */
	const struct pl_layout_table *t = pl_layout_table_find(0x030e04f0);
	TAP_OK(t && t->layout.gc_generations < 0 && t->layout.gc_young == 24 &&
		       t->layout.gc_generation0 < 0,
	       "3.14.4's table has young at gc+24 and no generations or generation0");
	return tap_done();
}
