/* SPDX-License-Identifier: MIT */
/* module_states.h - the layouts of extension modules' C states in one target: for a module
 * object, which words of its state hold objects and their names, from the DWARF of the file
 * that holds the module's own functions. Asked per module, answered once per runtime. */
#ifndef PL_MODULE_STATES_H
#define PL_MODULE_STATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/layout.h"
#include "runtime/state_dwarf.h"

struct pl_runtime;
struct pl_module_states;

/* The layout of the C state of SIZE bytes of the module object MODULE, or NULL where no DWARF
 * or table says it (its words are then scanned). Valid for the life of RT; one thread at a
 * time per runtime, as every other question asked of it. */
const struct pl_state_layout *pl_module_state_layout(struct pl_runtime *rt, uint64_t module,
						     int64_t size);
void pl_module_states_destroy(struct pl_module_states *s);

/* The name of MODULE's definition (its m_name) into BUF (size MAX); false if it has none or
 * it cannot be read. The module's own __name__ may have been changed; this one is not. */
bool pl_module_def_name(struct pl_runtime *rt, uint64_t module, char *buf, size_t max);

/* Reads LEN bytes at ADDR into BUF, false if it cannot: from a target, or from a file. */
typedef bool pl_state_read_fn(void *arg, uint64_t addr, void *buf, size_t len);

/* The addresses of the functions of the PyModuleDef at DEF (read with READ) that take its state,
 * by layout L: m_traverse, m_clear, m_free, then its Py_mod_exec slots, those it has; their
 * count (at most PL_STATE_MAX_PCS). */
size_t pl_moduledef_functions(const struct pl_layout *l, pl_state_read_fn *read, void *arg,
			      uint64_t def, uint64_t *pcs);

#endif
