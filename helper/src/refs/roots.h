/* SPDX-License-Identifier: MIT */
/* roots.h - what keeps objects alive from outside the GC lists, as "virtual roots" that hold
 * references like objects do: each interpreter's state (sys.modules, the sys and builtins
 * dicts, gc.garbage, ...), each thread's state (its exceptions, context, thread dict) and each
 * frame on its stack (the frame's locals: running frames are not GC objects), and each static
 * type (its dict, MRO and bases). Module objects are roots too but are objects themselves;
 * references held from C are found later, from reference counts (paths.c). */
#ifndef PL_ROOTS_H
#define PL_ROOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "heap/heap.h"
#include "refs/refs.h"

/* Kinds of root, in the order chains of equal length are shown. */
enum pl_root_kind {
	PL_ROOT_MODULE,       /* a module object (an object on the GC lists) */
	PL_ROOT_THREAD,       /* a thread: its state, or one frame on its stack */
	PL_ROOT_INTERPRETER,  /* an interpreter's state */
	PL_ROOT_TYPE,         /* a static (C) type */
	PL_ROOT_HELD_FROM_C,  /* an object whose reference count exceeds what the heap explains */
	PL_ROOT_UNREACHED,    /* none: kept alive only by reference cycles */
};

struct pl_root {
	enum pl_root_kind kind; /* THREAD, INTERPRETER or TYPE */
	uint64_t interp;        /* its interpreter */
	uint64_t tstate;        /* THREAD: its thread state */
	uint64_t frame;         /* THREAD: a frame on its stack, or 0 for the thread state itself */
	uint32_t depth;         /* THREAD: frames between the running one and this one */
	uint64_t type;          /* TYPE: the type object */
};

/* A thread's Python-level name, from threading._active. */
struct pl_thread_name {
	uint64_t interp, ident;
	char name[64];
};

struct pl_roots {
	struct pl_root *v;
	size_t n;
	struct pl_thread_name *names;
	size_t nnames;
	char *warnings;         /* threads or frames that could not be followed, or NULL */
};

/* Find the roots of the heap H (walked, with its object index built), and of the NMODULES
 * MODULES counted but not in H's table (an in-process census's tallies; NULL for none): the
 * static types their dicts name. *RET is freed with pl_roots_destroy. */
struct pl_error *pl_roots_create(struct pl_refs *r, const struct pl_heap *h,
				 const uint64_t *modules, size_t nmodules, struct pl_roots **ret);
void pl_roots_destroy(struct pl_roots *roots);

/* Visit the references ROOT holds, as pl_refs_each does for an object. */
struct pl_error *pl_roots_each_ref(struct pl_refs *r, const struct pl_root *root, bool labels,
				   pl_ref_fn *fn, void *arg);

/* Who ROOT is, for people: "thread 'worker' (ident 0x7f.., native 1234)", "interpreter 0",
 * "type int"; and for a thread frame, where it stands ("drain() at /x/prog.py:23") in WHERE
 * (empty otherwise). */
void pl_root_describe(struct pl_refs *r, const struct pl_roots *roots, const struct pl_root *root,
		      char *name, size_t name_max, char *where, size_t where_max);

/* The parts of a thread frame root (for JSON): thread name ("" if unknown), ident, native id
 * (0 if unknown), function, file and line (0 if unknown). */
struct pl_root_thread {
	char name[64];
	bool main;              /* the process's main thread */
	uint64_t ident, native_id;
	char function[128], file[512];
	int line;
};
void pl_root_thread_info(struct pl_refs *r, const struct pl_roots *roots,
			 const struct pl_root *root, struct pl_root_thread *ret);

/* The name of the module object at MODULE (its __name__), or "?". */
void pl_module_name(struct pl_runtime *rt, uint64_t module, char *buf, size_t max);

/* The kind's name in JSON ("module", "thread", "interpreter", "type", "held-from-c",
 * "unreached"). */
const char *pl_root_kind_name(enum pl_root_kind kind);

#endif
