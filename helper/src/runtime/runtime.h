/* SPDX-License-Identifier: MIT */
/* runtime.h - the CPython runtime inside a target: which mapped file holds _PyRuntime, its
 * load bias, the exact version, the struct layout, and the addresses of the builtin types we
 * check the layout against. Everything later stages need to read Python objects. */
#ifndef PL_RUNTIME_H
#define PL_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "base/internal.h"
#include "runtime/layout.h"
#include "runtime/object_rules.h"
#include "target/target.h"

/* The builtin types pyleaks tells apart, each by the symbol that defines it. Required ones must
 * be found (every supported build exports them; PL_PY3: every Python 3 build); the others are
 * used where the build exports them, and objects of a type not found are decoded conservatively. */
#define PL_BUILTIN_TYPES(X)                                             \
	X(TYPE, "PyType_Type", true)                                    \
	X(OBJECT, "PyBaseObject_Type", true)                            \
	X(UNICODE, "PyUnicode_Type", true)                              \
	X(LONG, "PyLong_Type", true)                                    \
	X(BYTES, "PyBytes_Type", PL_PY3)                                \
	X(DICT, "PyDict_Type", true)                                    \
	X(LIST, "PyList_Type", true)                                    \
	X(TUPLE, "PyTuple_Type", true)                                  \
	X(SET, "PySet_Type", true)                                      \
	X(FROZENSET, "PyFrozenSet_Type", true)                          \
	X(MODULE, "PyModule_Type", true)                                \
	X(FUNCTION, "PyFunction_Type", true)                            \
	X(CELL, "PyCell_Type", true)                                    \
	X(METHOD, "PyMethod_Type", true)                                \
	X(CODE, "PyCode_Type", false)                                   \
	X(FRAME, "PyFrame_Type", false)                                 \
	X(GEN, "PyGen_Type", false)                                     \
	X(CORO, "PyCoro_Type", false)                                   \
	X(ASYNC_GEN, "PyAsyncGen_Type", false)                          \
	X(TRACEBACK, "PyTraceBack_Type", false)                         \
	X(CLASSMETHOD, "PyClassMethod_Type", false)                     \
	X(STATICMETHOD, "PyStaticMethod_Type", false)                   \
	X(PROPERTY, "PyProperty_Type", false)                           \
	X(CFUNCTION, "PyCFunction_Type", false)                         \
	X(CMETHOD, "PyCMethod_Type", false)                             \
	X(METHOD_DESCR, "PyMethodDescr_Type", false)                    \
	X(CLASSMETHOD_DESCR, "PyClassMethodDescr_Type", false)          \
	X(GETSET_DESCR, "PyGetSetDescr_Type", false)                    \
	X(MEMBER_DESCR, "PyMemberDescr_Type", false)                    \
	X(WRAPPER_DESCR, "PyWrapperDescr_Type", false)                  \
	X(MAPPINGPROXY, "PyDictProxy_Type", false)                      \
	X(METHOD_WRAPPER, "_PyMethodWrapper_Type", false)               \
	X(WEAKREF, "_PyWeakref_RefType", false)                         \
	X(WEAKPROXY, "_PyWeakref_ProxyType", false)                     \
	X(WEAKCALLABLEPROXY, "_PyWeakref_CallableProxyType", false)     \
	X(ODICT, "PyODict_Type", false)                                 \
	X(BYTEARRAY, "PyByteArray_Type", false)                         \
	X(FROZENDICT, "PyFrozenDict_Type", false)             /* 3.15+ */ \
	X(CAPSULE, "PyCapsule_Type", false)                             \
	X(STRING, "PyString_Type", false)                     /* 2.7 */ \
	X(INT, "PyInt_Type", false)                           /* 2.7 */ \
	X(CLASS, "PyClass_Type", false)                       /* 2.7 */ \
	X(INSTANCE, "PyInstance_Type", false)                 /* 2.7 */

#define PL_BUILTIN_TYPE_ENUM(id, symbol, required) PL_T_##id,
enum pl_builtin_type { PL_BUILTIN_TYPES(PL_BUILTIN_TYPE_ENUM) PL_T_COUNT };

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
	uint64_t gc_static_enabled;     /* &enabled (0 if not found) */
	uint64_t gc_static_debug;       /* &debug (0 if not found) */
	uint64_t types[PL_T_COUNT]; /* &PyType_Type, ... by enum pl_builtin_type; 0 if not found */
	uint64_t set_dummy;         /* the object that marks deleted set entries */
	char version[32];           /* "3.12.1" */
	bool have_exact_version;    /* from Py_Version; else refined from sys.version */
	char sys_version[64];       /* sys.version as the layout check read it */
	struct pl_layout layout;
	struct pl_object_rules rules; /* sizes and dict shapes, read through the target */
	char layout_source[PL_MAX_PATH + 64]; /* "DWARF", "DWARF of FILE", "built-in table ..." */
	char *warnings;             /* disagreements between layout sources, or NULL */
	/* A core that lost the runtime's own state (cut short before its data): the layout is
	 * not checked, the runtime's data is rebuilt from its file (runtime/restore_data.c)
	 * and the heap is found by scanning the memory left (heap/salvage.c). */
	bool salvaged;
	uint64_t lost_bytes, memory_bytes; /* of the target's memory: lost, and all it had */
	uint64_t restored_bytes;           /* of the runtime's data rebuilt from its file */
	char *debug_dir;                   /* where separate debug files are looked for */
	struct pl_module_states *module_states; /* extension modules' C states, as asked */
};

/* The pointer-sized field at BASE + OFF, or 0 if OFF < 0 (this version has no such field) or
 * it cannot be read: for the many fields whose absence simply means "nothing there". */
static inline uint64_t pl_runtime_field(const struct pl_runtime *rt, uint64_t base, int64_t off)
{
	uint64_t v = 0;
	if (off < 0 || !pl_target_u64(rt->target, base + (uint64_t)off, &v))
		return 0;
	return v;
}

/* Where one GC state's lists are: the head of generation 0 (1 and 2 follow, each
 * layout.size_gc_generation further; a generation's threshold and count are in it), the
 * permanent generation's head (0 if none), the words holding gc.garbage and gc.callbacks (0 if
 * unknown) and the ints that say a collection is running, the collector is enabled, and its
 * debug flags (0 if unknown). */
struct pl_gc_where {
	uint64_t gen0, permanent, garbage, callbacks, collecting, enabled, debug;
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

/* The file with the DWARF of IMG, a file the target mapped: IMG's own path if it has DWARF,
 * else its separate debug file (by build-id under RT's debug dir, or by .gnu_debuglink beside
 * it, in its .debug/ folder, or under the debug dir), written into BUF (size MAX); NULL if
 * none has DWARF. */
struct pl_elf_image;
const char *pl_runtime_dwarf_file(const struct pl_runtime *rt, struct pl_elf_image *img, char *buf,
				  size_t max);

#endif
