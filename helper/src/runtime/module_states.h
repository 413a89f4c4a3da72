/* SPDX-License-Identifier: MIT */
/* module_states.h - the layouts of extension modules' C states in one target: for a module
 * object, which words of its state hold objects and their names, from the DWARF of the file
 * that holds the module's own functions. Asked per module, answered once per runtime. */
#ifndef PL_MODULE_STATES_H
#define PL_MODULE_STATES_H

#include <stdint.h>

#include "runtime/state_dwarf.h"

struct pl_runtime;
struct pl_module_states;

/* The layout of the C state of SIZE bytes of the module object MODULE, or NULL where no DWARF
 * or table says it (its words are then scanned). Valid for the life of RT; one thread at a
 * time per runtime, as every other question asked of it. */
const struct pl_state_layout *pl_module_state_layout(struct pl_runtime *rt, uint64_t module,
						     int64_t size);
void pl_module_states_destroy(struct pl_module_states *s);

#endif
