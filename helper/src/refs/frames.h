/* SPDX-License-Identifier: MIT */
/* frames.h - reading one frame of Python code out of the target: a PyFrameObject (3.6 - 3.10)
 * or a _PyInterpreterFrame (3.11+, not an object: it lives on a thread's data stack, inside a
 * generator or inside a frame object). What it runs, its local slots and their names, and
 * where it stands (function, file, line). The references a frame holds are emitted by refs.c. */
#ifndef PL_FRAMES_H
#define PL_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "runtime/runtime.h"

/* Owners of a 3.11+ frame (_PyInterpreterFrame.owner); 3 and up are C entry shims. */
enum { PL_FRAME_OWNED_BY_THREAD = 0, PL_FRAME_OWNED_BY_GENERATOR = 1,
       PL_FRAME_OWNED_BY_FRAME_OBJECT = 2, PL_FRAME_OWNED_BY_C = 3 };

struct pl_frame {
	uint64_t addr;
	uint64_t code;        /* the code object it runs */
	uint64_t func;        /* 3.11+: the function (strong); 0 before 3.11 */
	uint64_t locals;      /* f_locals, or 0 */
	uint64_t localsplus;  /* address of local slot 0 */
	uint64_t nlocals;     /* named slots: locals, cells and free variables */
	uint64_t nstack;      /* value stack slots after them known to be live (0 if unknown) */
	uint64_t frame_obj;   /* 3.11+: its frame object, or 0 */
	uint64_t previous;    /* the frame that called it, or 0 */
	uint64_t globals, builtins; /* <= 3.10, where a frame owns them; else 0 (borrowed) */
	uint64_t trace;       /* <= 3.10: f_trace */
	int owner;            /* 3.11+: PL_FRAME_OWNED_BY_*; 0 before */
	int64_t lasti;        /* byte offset of the current instruction, -1 if not started */
};

/* Read the frame at ADDR: a PyFrameObject before 3.11, a _PyInterpreterFrame from 3.11 on.
 * EXECUTING: the frame is running or calling (on a thread's stack), so its value stack is not
 * read (its extent is not kept up to date while it runs). */
struct pl_error *pl_frame_read(struct pl_runtime *rt, uint64_t addr, bool executing,
			       struct pl_frame *ret);

/* The object a frame slot word holds (3.14 tags its slots), or 0 for none. */
uint64_t pl_frame_slot_object(const struct pl_layout *l, uint64_t word);

/* The name of local slot I of F ("?" if it cannot be read) into BUF of MAX bytes. */
void pl_frame_slot_name(struct pl_runtime *rt, const struct pl_frame *f, uint64_t i, char *buf,
			size_t max);

/* The name of free (closure) variable I of the code object CODE, into BUF ("?" if unknown). */
void pl_code_freevar_name(struct pl_runtime *rt, uint64_t code, uint64_t i, char *buf,
			  size_t max);

/* Where F stands: its function's (qualified) name, its file and the line it runs (0 if the line
 * cannot be worked out). Never fails: what cannot be read is "?". */
void pl_frame_where(struct pl_runtime *rt, const struct pl_frame *f, char *func, size_t func_max,
		    char *file, size_t file_max, int *line);

/* The line of byte offset LASTI in CODE (co_firstlineno if LASTI < 0), from its line table in
 * whichever format the version has; 0 if the table cannot be read. */
int pl_code_line(struct pl_runtime *rt, uint64_t code, int64_t lasti);

#endif
