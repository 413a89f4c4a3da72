/* SPDX-License-Identifier: MIT */
/* state_dwarf.h - the C state of an extension module, read from DWARF: which struct the
 * module's own functions (m_traverse, m_clear, m_free, its exec slot) take the state as, and
 * where in it the object pointers are, by name. */
#ifndef PL_STATE_DWARF_H
#define PL_STATE_DWARF_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

enum { PL_STATE_LABEL = 64, PL_STATE_MAX_MEMBERS = 1024, PL_STATE_MAX_PCS = 8 };

/* One object pointer of a state (COUNT of them in a row: an array), at OFF from its start. */
struct pl_state_member {
	int64_t off;
	uint32_t count;
	char name[PL_STATE_LABEL]; /* "str_encode", "round_map", "NO_TTINFO.utcoff" */
};

struct pl_state_layout {
	size_t n;
	struct pl_state_member *members;
};

/* A DWARF file, opened on the first question the cache cannot answer. */
struct pl_state_dwarf;
struct pl_error *pl_state_dwarf_open(const char *path, struct pl_state_dwarf **ret);
void pl_state_dwarf_close(struct pl_state_dwarf *f);

/* The layout of the state of SIZE bytes that the functions at link-time addresses PCS (NPCS,
 * tried in order) take, from F, a file of the release VERSION_HEX (which members are borrowed
 * depends on it). Fails with PL_ERR_LOOKUP where none of them names such a struct. Answers are
 * kept per file (device, inode, size, time) for the life of the process: gdb asks again at
 * every stop. *RET's members are malloc'd (pl_state_layout_free). */
struct pl_error *pl_state_dwarf_layout(struct pl_state_dwarf *f, uint64_t version_hex,
				       const uint64_t *pcs, size_t npcs, int64_t size,
				       struct pl_state_layout *ret);
void pl_state_layout_free(struct pl_state_layout *s);

#endif
