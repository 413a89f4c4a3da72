/* SPDX-License-Identifier: MIT */
/* salvage.h - finding the collector's objects without the collector: for a core that lost the
 * runtime's own state (a kernel core cut short before libpython's data, where the list heads
 * are), the objects that remain are found by scanning the memory left for GC-linked objects
 * whose type is a type (a static type, rebuilt from the file where it was lost, or a heap
 * type in the memory left). Their generations cannot be known. */
#ifndef PL_SALVAGE_H
#define PL_SALVAGE_H

#include <stdint.h>

#include "base/error.h"
#include "runtime/runtime.h"

/* Called with the address of each GC header found, in address order; an error stops the scan
 * and is returned. */
typedef struct pl_error *pl_salvage_fn(void *arg, uint64_t gc_head);

/* Scan the memory left in rt's target (segments held in our memory). *SCANNED_RET: the bytes
 * scanned. */
struct pl_error *pl_salvage_scan(struct pl_runtime *rt, pl_salvage_fn *fn, void *arg,
				 uint64_t *scanned_ret);

#endif
