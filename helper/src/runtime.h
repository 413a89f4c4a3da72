/* SPDX-License-Identifier: MIT */
/* runtime.h - the CPython runtime inside a target: which mapped file holds _PyRuntime, its
 * load bias, the exact version, the struct layout, and the addresses of the builtin types we
 * check the layout against. Everything later stages need to read Python objects. */
#ifndef PL_RUNTIME_H
#define PL_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "internal.h"
#include "layout.h"
#include "target.h"

struct pl_runtime {
	struct pl_target *target;   /* not owned */
	char *image_path;           /* local file that defines _PyRuntime */
	uint64_t bias;              /* load bias of that file */
	uint64_t runtime_addr;      /* &_PyRuntime; 0 for 3.6, which has none */
	uint64_t interp_head_addr;  /* the word that holds the first interpreter */
	/* 3.6 keeps its GC state in static variables of gcmodule.c: their addresses, else 0. */
	uint64_t gc_static_gen0;        /* &_PyGC_generation0 (holds the generations array) */
	uint64_t gc_static_garbage;     /* &garbage (the gc.garbage list) */
	uint64_t gc_static_collecting;  /* &collecting */
	uint64_t type_type;         /* &PyType_Type */
	uint64_t unicode_type;      /* &PyUnicode_Type */
	uint64_t dict_type;         /* &PyDict_Type */
	uint64_t list_type;         /* &PyList_Type */
	uint64_t module_type;       /* &PyModule_Type */
	uint64_t long_type;         /* &PyLong_Type */
	uint64_t function_type, cell_type, method_type, set_type, frozenset_type;
	uint64_t set_dummy;         /* the object that marks deleted set entries */
	char version[32];           /* "3.12.1" */
	bool have_exact_version;    /* from Py_Version; else refined from sys.version */
	char sys_version[64];       /* sys.version as the layout check read it */
	struct pl_layout layout;
	char layout_source[PL_MAX_PATH + 64]; /* "DWARF", "DWARF of FILE", "built-in table ..." */
	char *warnings;             /* disagreements between layout sources, or NULL */
};

/* Where one GC state's lists are: the head of generation 0 (1 and 2 follow, each
 * layout.size_gc_generation further), the permanent generation's head (0 if none), the word
 * holding gc.garbage and the int that says a collection is running (0 if unknown). */
struct pl_gc_where {
	uint64_t gen0, permanent, garbage, collecting;
};

/* The GC state that INTERP (an interpreter address) uses: its own (3.9+) or the process's (3.6 -
 * 3.8, where INTERP is ignored). */
struct pl_error *pl_runtime_gc_where(const struct pl_runtime *rt, uint64_t interp,
				     struct pl_gc_where *ret);

/* Find and check the runtime in T. DEBUG_DIR (NULL: /usr/lib/debug) is where separate debug
 * files are looked for by build-id and debuglink. On success *RET is a new runtime
 * (pl_runtime_destroy). */
struct pl_error *pl_runtime_create(struct pl_target *t, const char *debug_dir,
				   struct pl_runtime **ret);
void pl_runtime_destroy(struct pl_runtime *rt);

#endif
