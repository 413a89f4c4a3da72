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
	 * (random access into a large table misses the TLB on nearly every step otherwise). Every
	 * page the block touches: advice on a part of its mapping would split it, and realloc
	 * could then no longer grow it in place (mremap). */
	uintptr_t first = (uintptr_t)p & ~(page - 1), end = ((uintptr_t)p + n + page - 1) & ~(page - 1);
	(void)madvise((void *)first, end - first, MADV_HUGEPAGE);
#endif
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}
