/* SPDX-License-Identifier: MIT */
/* refs.h - the outgoing references of one object, each with a label saying where it is held:
 * "[3]" (list or tuple item), "['key']" (dict value), "key 'key'" (dict key), ".name"
 * (attribute or slot), "local name" (a frame's variable), "__class__", "__dict__",
 * "__closure__", ... Every builtin layout that holds references has an exact decoder (see
 * typeinfo.h for the kinds); words of C types without one are scanned for the addresses of
 * objects (tracked ones; in GC objects and module states also live untracked ones) and
 * reported as conservative. Weak references are reported as such and are
 * not strong edges. */
#ifndef PL_REFS_H
#define PL_REFS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "heap/heap.h"
#include "refs/agent_edges.h"
#include "refs/typeinfo.h"
#include "runtime/runtime.h"

enum pl_ref_kind {
	PL_REF_STRONG,       /* decoded exactly */
	PL_REF_CONSERVATIVE, /* a word of an undecoded C type that holds an object's address */
	PL_REF_WEAK,         /* a weak reference: does not keep its target alive */
};

/* Called for each reference: the object referred to, its label (valid during the call; "" when
 * labels were not asked for) and its kind. Return false to stop. */
typedef bool pl_ref_fn(void *arg, uint64_t target, const char *label, enum pl_ref_kind kind);

/* A reference decoder for one runtime: the type cache and the heap whose tracked objects a
 * conservative scan looks for. */
struct pl_refs {
	struct pl_runtime *rt;
	struct pl_types *types;
	const struct pl_heap *heap; /* with its object index built; NULL: no conservative scans */
	const struct pl_agent_edges *agent; /* in-process mode: what tp_traverse visited, used
					     * where the read-only path scans conservatively */
};

/* Create a decoder; HEAP may be NULL. *RET is freed with pl_refs_destroy. */
struct pl_error *pl_refs_create(struct pl_runtime *rt, const struct pl_heap *heap,
				struct pl_refs **ret);
void pl_refs_destroy(struct pl_refs *r);

/* The type of the object at OBJ and what pyleaks knows of it (*TYPE_RET may be NULL). Fails if
 * the object's header or its type cannot be read. */
struct pl_error *pl_refs_typeinfo(struct pl_refs *r, uint64_t obj, const struct pl_typeinfo **ret,
				  uint64_t *type_ret);

/* Visit the references of the object at OBJ. LABELS false passes "" as every label (much
 * cheaper: for building the whole graph). Fails only if OBJ's header or type cannot be read;
 * a broken part of a readable object ends that part. */
struct pl_error *pl_refs_each(struct pl_refs *r, uint64_t obj, bool labels, pl_ref_fn *fn,
			      void *arg);

/* Visit what a frame on a thread's stack holds: its function, code, locals ("local name"), and
 * for generator frames or frames owned by a frame object, that object ("running generator",
 * "frame object") instead. FRAME is a PyFrameObject before 3.11, else a _PyInterpreterFrame.
 * Its value stack is not read: its extent is not kept up to date while it runs. */
struct pl_error *pl_refs_frame_each(struct pl_refs *r, uint64_t frame, bool labels,
				    pl_ref_fn *fn, void *arg);

/* The value of the attribute NAME of the object at OBJ (instance dict, inline values or slots),
 * or 0 if it has none that can be read. */
uint64_t pl_refs_attribute(struct pl_refs *r, uint64_t obj, const char *name);

/* The dict of the subclasses of the type at TYPE ({id: weakref}), wherever this version keeps
 * it (3.12+ static types: in each interpreter); 0 if it has none. */
uint64_t pl_refs_subclasses(struct pl_refs *r, uint64_t type);

/* The object's reference count, or -1 if it cannot be read or the object is immortal (3.12+). */
int64_t pl_refs_refcount(struct pl_runtime *rt, uint64_t obj);

#endif
