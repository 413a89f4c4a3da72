/* SPDX-License-Identifier: MIT */
/* refs.h - the outgoing strong references of one object, each with a label saying where it is
 * held: "[3]" (list or tuple index), "['key']" (dict value), "key ..." (dict key), ".name"
 * (instance attribute), "__class__" (a heap type instance's type). Decoders so far: list, tuple,
 * dict and their subclasses, modules (__dict__), instance attributes in every encoding
 * (tp_dictoffset; 3.11 managed dict and values; 3.12 tagged word; 3.13+ inline values). Other
 * kinds yield only __class__. */
#ifndef PL_REFS_H
#define PL_REFS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "runtime.h"

/* Called for each reference: the object referred to and its label (valid during the call).
 * Return false to stop. */
typedef bool pl_ref_fn(void *arg, uint64_t target, const char *label);

/* Visit the references of the object at OBJ. LABELS false passes "" as every label (much
 * cheaper: for building the whole graph). */
struct pl_error *pl_refs_each(struct pl_runtime *rt, uint64_t obj, bool labels, pl_ref_fn *fn,
			      void *arg);

#endif
