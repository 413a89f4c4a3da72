/* SPDX-License-Identifier: MIT */
/* layout_select.h - choosing the layout of a runtime among its sources (DWARF of the binary,
 * DWARF of a separate debug file, a built-in table), reconciling it with the build's own
 * _Py_DebugOffsets (3.13+), and checking it against the heap. */
#ifndef PL_LAYOUT_SELECT_H
#define PL_LAYOUT_SELECT_H

#include <stdbool.h>

#include "runtime/runtime.h"

/* Fill and check rt->layout, rt->layout_source, rt->interp_head_addr (and rt->warnings where
 * sources disagree). HAS_DWARF: the runtime's own file has DWARF. DEBUG_FILE: its separate
 * debug file, or NULL. DEBUG_DIR: only named in messages. Needs rt's version, addresses and
 * bias. Fails if no source gives a layout the heap accepts. */
struct pl_error *pl_layout_select(struct pl_runtime *rt, bool has_dwarf, const char *debug_file,
				  const char *debug_dir);

#endif
