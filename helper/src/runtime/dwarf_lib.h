/* SPDX-License-Identifier: MIT */
/* dwarf_lib.h - the libdwarf functions the layout reader calls, from a libdwarf loaded into a
 * link-map namespace of its own (dlmopen), so that no other DWARF library in the process (gdb
 * links elfutils' libdw, which defines dwarf_child, dwarf_tag, ... too) interposes on them. */
#ifndef PL_DWARF_LIB_H
#define PL_DWARF_LIB_H

#include <dwarf.h>
#include <libdwarf.h>

#include "base/error.h"

/* X(name) for each function called. */
#define PL_DWARF_FUNCTIONS(X) \
	X(dwarf_init_path) X(dwarf_finish) X(dwarf_next_cu_header_d) X(dwarf_siblingof_b) \
	X(dwarf_child) X(dwarf_offdie_b) X(dwarf_tag) X(dwarf_diename) X(dwarf_dieoffset) \
	X(dwarf_attr) X(dwarf_hasattr) X(dwarf_global_formref) X(dwarf_formudata) \
	X(dwarf_bytesize) X(dwarf_dealloc_die) X(dwarf_dealloc_attribute) X(dwarf_dealloc_error) \
	X(dwarf_lowpc) X(dwarf_get_aranges) X(dwarf_get_arange) X(dwarf_get_cu_die_offset) \
	X(dwarf_dealloc) X(dwarf_whatform) X(dwarf_rnglists_get_rle_head) \
	X(dwarf_get_rnglists_entry_fields_a) X(dwarf_dealloc_rnglists_head)

#define PL_DWARF_POINTER(name) __typeof__(name) *name;
struct pl_dwarf_lib {
	PL_DWARF_FUNCTIONS(PL_DWARF_POINTER)
};
#undef PL_DWARF_POINTER

/* libdwarf's functions, loaded on first use (once per process; thread-safe). Returns NULL
 * with *ERR set where libdwarf cannot be loaded. */
const struct pl_dwarf_lib *pl_dwarf_lib(struct pl_error **err);

#endif
