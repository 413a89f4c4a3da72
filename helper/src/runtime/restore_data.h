/* SPDX-License-Identifier: MIT */
/* restore_data.h - salvage of a core that lost the runtime's data (cut short before it): the
 * writable segments of the runtime and of the other files the process mapped, rebuilt from
 * the files, so that the objects left can still be named and sized through the static types
 * and objects that lived there. */
#ifndef PL_RESTORE_DATA_H
#define PL_RESTORE_DATA_H

#include "runtime/runtime.h"
#include "target/elf_image.h"

/* For a salvaged runtime RT (rt->salvaged), whose file is IMG: note how much memory was lost,
 * and make the lost part of the writable segments of IMG and of every other ELF file mapped
 * readable again, as the loader leaves them before any code runs. */
struct pl_error *pl_runtime_restore_data(struct pl_runtime *rt, struct pl_elf_image *img);

#endif
