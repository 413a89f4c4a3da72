/* SPDX-License-Identifier: MIT */
/* core_link_map.h - ELF objects as the target's memory holds them: the files a core mapped,
 * recovered when its NT_FILE note is lost or damaged, and the build-id each was loaded from. */
#ifndef PL_CORE_LINK_MAP_H
#define PL_CORE_LINK_MAP_H

#include "target/target.h"

/* Fill T->maps (empty on entry) from the dynamic linker's list of loaded objects in T's memory
 * (core segments only), naming the executable EXE (may be NULL: then its mappings are left
 * out). Sets T->exe_phdr if it was unknown. Adds a warning saying what was found; returns an
 * error only when out of memory. */
struct pl_error *pl_core_maps_from_link_map(struct pl_target *t, const char *exe);

/* The GNU build-id of the ELF object whose header is at BASE in T's memory, as lowercase hex
 * into BUF (size MAX): what the process had mapped, to compare with the file found on this
 * machine. False if its header or build-id note cannot be read. */
bool pl_memory_build_id(struct pl_target *t, uint64_t base, char *buf, size_t max);

#endif
