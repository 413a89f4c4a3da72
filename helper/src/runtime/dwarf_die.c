/* SPDX-License-Identifier: MIT */
/* dwarf_die.c - small questions about one DIE (dwarf_die.h). */
#include <stddef.h>

#include "runtime/dwarf_die.h"

void pl_dw_drop_error(const struct pl_dw *d, Dwarf_Error *err)
{
	if (*err) {
		d->lib->dwarf_dealloc_error(d->dbg, *err);
		*err = NULL;
	}
}

Dwarf_Half pl_dw_tag(const struct pl_dw *d, Dwarf_Die die)
{
	Dwarf_Half tag = 0;
	Dwarf_Error err = NULL;
	if (d->lib->dwarf_tag(die, &tag, &err) != DW_DLV_OK)
		tag = 0;
	pl_dw_drop_error(d, &err);
	return tag;
}

const char *pl_dw_name(const struct pl_dw *d, Dwarf_Die die)
{
	char *name = NULL;
	Dwarf_Error err = NULL;
	if (d->lib->dwarf_diename(die, &name, &err) != DW_DLV_OK) {
		pl_dw_drop_error(d, &err);
		return NULL;
	}
	return name;
}

bool pl_dw_is_struct_tag(Dwarf_Half tag)
{
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
}

bool pl_dw_is_definition(const struct pl_dw *d, Dwarf_Die die)
{
	Dwarf_Bool decl = 0;
	Dwarf_Error err = NULL;
	if (d->lib->dwarf_hasattr(die, DW_AT_declaration, &decl, &err) != DW_DLV_OK)
		pl_dw_drop_error(d, &err);
	return !decl;
}

Dwarf_Die pl_dw_ref(const struct pl_dw *d, Dwarf_Die die, Dwarf_Half attr_num)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error err = NULL;
	Dwarf_Off off;
	Dwarf_Die out = NULL;
	if (d->lib->dwarf_attr(die, attr_num, &attr, &err) != DW_DLV_OK) {
		pl_dw_drop_error(d, &err);
		return NULL;
	}
	if (d->lib->dwarf_global_formref(attr, &off, &err) == DW_DLV_OK) {
		if (d->lib->dwarf_offdie_b(d->dbg, off, true, &out, &err) != DW_DLV_OK)
			out = NULL;
	}
	pl_dw_drop_error(d, &err);
	d->lib->dwarf_dealloc_attribute(attr);
	return out;
}

Dwarf_Die pl_dw_strip(const struct pl_dw *d, Dwarf_Die die)
{
	for (int i = 0; die && i < PL_DW_MAX_DEPTH; i++) {
		Dwarf_Half tag = pl_dw_tag(d, die);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type)
			return die;
		Dwarf_Die next = pl_dw_ref(d, die, DW_AT_type);
		d->lib->dwarf_dealloc_die(die);
		die = next;
	}
	if (die) /* a chain too long to be a type */
		d->lib->dwarf_dealloc_die(die);
	return NULL;
}

Dwarf_Die pl_dw_strip_to_struct(const struct pl_dw *d, Dwarf_Die die)
{
	die = pl_dw_strip(d, die);
	if (die && !pl_dw_is_struct_tag(pl_dw_tag(d, die))) {
		d->lib->dwarf_dealloc_die(die);
		return NULL;
	}
	return die;
}

bool pl_dw_member_offset(const struct pl_dw *d, Dwarf_Die member, int64_t *ret)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error err = NULL;
	Dwarf_Unsigned v = 0;
	bool ok = false;
	if (d->lib->dwarf_attr(member, DW_AT_data_member_location, &attr, &err) == DW_DLV_OK) {
		ok = d->lib->dwarf_formudata(attr, &v, &err) == DW_DLV_OK;
		d->lib->dwarf_dealloc_attribute(attr);
	} else {
		ok = true; /* union members have no location: offset 0 */
	}
	pl_dw_drop_error(d, &err);
	*ret = (int64_t)v;
	return ok && v <= INT64_MAX;
}

int64_t pl_dw_byte_size(const struct pl_dw *d, Dwarf_Die die)
{
	Dwarf_Unsigned size = 0;
	Dwarf_Error err = NULL;
	int64_t out = -1;
	if (d->lib->dwarf_bytesize(die, &size, &err) == DW_DLV_OK)
		out = (int64_t)size;
	pl_dw_drop_error(d, &err);
	return out;
}

Dwarf_Die pl_dw_child(const struct pl_dw *d, Dwarf_Die die)
{
	Dwarf_Die out = NULL;
	Dwarf_Error err = NULL;
	if (d->lib->dwarf_child(die, &out, &err) != DW_DLV_OK)
		out = NULL;
	pl_dw_drop_error(d, &err);
	return out;
}

Dwarf_Die pl_dw_sibling(const struct pl_dw *d, Dwarf_Die die)
{
	Dwarf_Die out = NULL;
	Dwarf_Error err = NULL;
	if (d->lib->dwarf_siblingof_b(d->dbg, die, true, &out, &err) != DW_DLV_OK)
		out = NULL;
	pl_dw_drop_error(d, &err);
	return out;
}
