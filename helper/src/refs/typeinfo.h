/* SPDX-License-Identifier: MIT */
/* typeinfo.h - what pyleaks knows about one Python type, worked out once per type and cached:
 * the kind of C object its instances are (which decoder reads their references), how many
 * bytes at the start that decoder covers, the object members (__slots__, C members) after
 * that, where the instance dict is, and which remaining words are scanned conservatively.
 * Not for reading references: that is refs.c, which asks here first. */
#ifndef PL_TYPEINFO_H
#define PL_TYPEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "refs/c_types.h"
#include "runtime/runtime.h"

/* The C layouts pyleaks decodes exactly. A Python class is decoded as the nearest base it
 * extends (a class deriving from dict is a DICT), plus its slots and instance dict. */
enum pl_kind {
	PL_KIND_NONE,          /* holds no references we decode (str, int, not a GC type) */
	PL_KIND_UNKNOWN,       /* a C type without a decoder: its words are scanned */
	PL_KIND_OBJECT,        /* object: nothing beyond the header */
	PL_KIND_LIST,
	PL_KIND_TUPLE,
	PL_KIND_DICT,
	PL_KIND_ODICT,         /* collections.OrderedDict */
	PL_KIND_SET,           /* set and frozenset */
	PL_KIND_TYPE,
	PL_KIND_MODULE,
	PL_KIND_FUNCTION,
	PL_KIND_CELL,
	PL_KIND_METHOD,        /* bound method */
	PL_KIND_CLASSMETHOD,
	PL_KIND_STATICMETHOD,
	PL_KIND_PROPERTY,
	PL_KIND_CFUNCTION,     /* builtin function or method */
	PL_KIND_DESCRIPTOR,    /* method, classmethod, getset, member and wrapper descriptors */
	PL_KIND_MAPPINGPROXY,
	PL_KIND_METHODWRAPPER,
	PL_KIND_WEAKREF,       /* weakref, proxies: the referent is a weak reference */
	PL_KIND_EXCEPTION,
	PL_KIND_TRACEBACK,
	PL_KIND_FRAME,         /* frame objects */
	PL_KIND_GENERATOR,     /* generators, coroutines, async generators */
	PL_KIND_PARTIAL,       /* functools.partial */
	PL_KIND_DEQUE,         /* collections.deque */
	PL_KIND_LRU_CACHE,     /* functools.lru_cache's wrapper: its entries are not objects */
	PL_KIND_CODE,          /* code objects: constants, names, bytecode, line tables */
	PL_KIND_C_FIELDS,      /* a stdlib C type of refs/c_types.c: fields, maybe items */
	PL_KIND_CAPSULE,       /* PyCapsule: the objects of the C API struct it points to */
	PL_KIND_CLASS,         /* 2.7's old-style class (classobj) */
	PL_KIND_INSTANCE,      /* 2.7's instance of an old-style class */
	PL_KIND_COUNT
};

/* An object member of the type (PyMemberDef of type T_OBJECT or T_OBJECT_EX). */
struct pl_member {
	int64_t offset;
	uint64_t name;         /* address of its C string name in the target */
	bool borrowed;         /* shown as a member, but not a reference the object owns */
};

struct pl_typeinfo {
	uint64_t addr, flags, basicsize, itemsize;
	int64_t dictoffset, weaklistoffset;
	uint64_t cached_keys;  /* heap types: the shared keys of instance attribute values */
	enum pl_kind kind;
	uint64_t known_size;   /* bytes at the start of an instance that the kind decodes */
	bool holds_type;       /* instances hold a reference to the type (heap types) */
	bool own_dict;         /* the instance dict is not one the kind decodes itself */
	bool cmethod;          /* a PyCMethodObject (has mm_class) */
	const struct pl_c_type *ctype; /* PL_KIND_C_FIELDS: its fields */
	struct pl_member *members;  /* object members at or after known_size, by offset */
	size_t nmembers;
	uint32_t *scan;        /* byte offsets of words scanned conservatively */
	size_t nscan;
	bool scan_items;       /* var-sized with pointer-sized items: scan the items too */
	uint64_t tuple_fields; /* a struct sequence of a heap type: its items, the hidden ones (after
				* ob_size) too, as its tp_traverse visits them; else 0 */
};

/* The cache of type infos of one runtime. */
struct pl_types;

struct pl_error *pl_types_create(struct pl_runtime *rt, struct pl_types **ret);
void pl_types_destroy(struct pl_types *c);

/* The info of the type at TYPE (worked out on first use). Fails if the type object cannot be
 * read. *RET stays valid until pl_types_destroy. */
struct pl_error *pl_types_get(struct pl_types *c, uint64_t type, const struct pl_typeinfo **ret);

/* The kind's name ("dict", "frame", ...), for messages and tests. */
const char *pl_kind_name(enum pl_kind kind);

#endif
