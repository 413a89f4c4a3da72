/* SPDX-License-Identifier: MIT */
/* core_link_map.h - the files a core mapped, recovered from its memory when its NT_FILE note
 * is lost or damaged. */
#ifndef PL_CORE_LINK_MAP_H
#define PL_CORE_LINK_MAP_H

#include "target/target.h"

/* Fill T->maps (empty on entry) from the dynamic linker's list of loaded objects in T's memory
 * (core segments only), naming the executable EXE (may be NULL: then its mappings are left
 * out). Sets T->exe_phdr if it was unknown. Adds a warning saying what was found; returns an
 * error only when out of memory. */
struct pl_error *pl_core_maps_from_link_map(struct pl_target *t, const char *exe);

#endif
