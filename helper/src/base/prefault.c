/* SPDX-License-Identifier: MIT */
/* prefault.c - faulting in the pages of a large table just allocated, at once (internal.h). */
#include <sys/mman.h>
#include <unistd.h>

#include "base/internal.h"

enum { PREFAULT_MIN = 1 << 20 }; /* smaller tables: the faults cost little */

void pl_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	if (!p || n < PREFAULT_MIN)
		return;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)p + page - 1) & ~(page - 1), hi = ((uintptr_t)p + n) & ~(page - 1);
#ifdef MADV_HUGEPAGE
	/* huge pages where the kernel has them: a fault and a TLB entry per 2 MiB, not per page
	 * (random access into a large table misses the TLB on nearly every step otherwise) */
	uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t hlo = (lo + huge - 1) & ~(huge - 1), hhi = hi & ~(huge - 1);
	if (hhi > hlo)
		(void)madvise((void *)hlo, hhi - hlo, MADV_HUGEPAGE);
#endif
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}
