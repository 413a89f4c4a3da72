/* SPDX-License-Identifier: MIT */
/* dwarf_die.h - small questions about one DIE (its tag, name, type, the struct behind a typedef,
 * a member's offset) asked through the libdwarf loaded by dwarf_lib.h. Shared by the readers of
 * CPython's struct layouts and of extension modules' C states. */
#ifndef PL_DWARF_DIE_H
#define PL_DWARF_DIE_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/dwarf_lib.h"

/* An open DWARF file and the functions to read it with. */
struct pl_dw {
	const struct pl_dwarf_lib *lib;
	Dwarf_Debug dbg;
};

enum { PL_DW_MAX_DEPTH = 16, PL_DW_MAX_CHILDREN = 100000 };

/* Drop the error *ERR holds, if any. */
void pl_dw_drop_error(const struct pl_dw *d, Dwarf_Error *err);
/* DIE's tag, 0 if it cannot be read. */
Dwarf_Half pl_dw_tag(const struct pl_dw *d, Dwarf_Die die);
/* DIE's name (libdwarf's string), or NULL. */
const char *pl_dw_name(const struct pl_dw *d, Dwarf_Die die);
bool pl_dw_is_struct_tag(Dwarf_Half tag);
/* Is DIE a complete definition (not a declaration)? */
bool pl_dw_is_definition(const struct pl_dw *d, Dwarf_Die die);
/* The DIE that DIE's reference attribute ATTR (DW_AT_type, DW_AT_abstract_origin, ...) names
 * (caller deallocs), or NULL. */
Dwarf_Die pl_dw_ref(const struct pl_dw *d, Dwarf_Die die, Dwarf_Half attr);
/* Follow typedef/const/volatile from DIE (consumed) to what they name: NULL at the end of the
 * chain (void). */
Dwarf_Die pl_dw_strip(const struct pl_dw *d, Dwarf_Die die);
/* The same, but NULL unless it ends at a struct or union. */
Dwarf_Die pl_dw_strip_to_struct(const struct pl_dw *d, Dwarf_Die die);
/* The offset of member MEMBER in its struct (0 for a union's members). */
bool pl_dw_member_offset(const struct pl_dw *d, Dwarf_Die member, int64_t *ret);
/* DIE's byte size, or -1. */
int64_t pl_dw_byte_size(const struct pl_dw *d, Dwarf_Die die);
/* The first child of DIE and the sibling after it (caller deallocs), or NULL. */
Dwarf_Die pl_dw_child(const struct pl_dw *d, Dwarf_Die die);
Dwarf_Die pl_dw_sibling(const struct pl_dw *d, Dwarf_Die die);

#endif
