/* SPDX-License-Identifier: MIT */
/* pyread.h - decoding a few Python objects out of target memory without running Python:
 * str (to UTF-8), dict (iteration, lookup by str key), list items. Every length read from the
 * target is checked against a cap before use. */
#ifndef PL_PYREAD_H
#define PL_PYREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "runtime/runtime.h"

/* Decode the str object at ADDR into BUF (size MAX, NUL-terminated, truncated with "..." if
 * longer). Fails if ADDR is not a str or cannot be read, leaving BUF empty. */
struct pl_error *pl_py_str(struct pl_runtime *rt, uint64_t addr, char *buf, size_t max);

/* The str at ADDR into BUF, or OTHERWISE if it is not a readable str. */
void pl_py_str_or(struct pl_runtime *rt, uint64_t addr, char *buf, size_t max,
		  const char *otherwise);

/* The value of the int object at ADDR (2.7: an int or a long) if it fits in 60 bits; false if
 * ADDR is not an int or it is larger. */
bool pl_py_int(struct pl_runtime *rt, uint64_t addr, int64_t *ret);

/* Called for each live entry of a dict; return false to stop. */
typedef bool pl_dict_visit_fn(void *arg, uint64_t key, uint64_t value);

/* Visit the entries of the dict at ADDR in order. */
struct pl_error *pl_py_dict_each(struct pl_runtime *rt, uint64_t addr, pl_dict_visit_fn *fn,
				 void *arg);

/* Visit an object's attribute values stored apart from any dict (split keys KEYS, the shared
 * keys of its class; VALUES the address of value 0), as if they were a dict. */
struct pl_error *pl_py_values_each(struct pl_runtime *rt, uint64_t keys, uint64_t values,
				   pl_dict_visit_fn *fn, void *arg);

/* Value of the str key KEY in the dict at ADDR; *RET is 0 if absent. */
struct pl_error *pl_py_dict_get_str(struct pl_runtime *rt, uint64_t addr, const char *key,
				    uint64_t *ret);

/* Items of the list at ADDR: *ITEMS_RET (caller frees) and *N_RET. */
struct pl_error *pl_py_list_items(struct pl_runtime *rt, uint64_t addr, uint64_t **items_ret,
				  size_t *n_ret);

/* The name of the type at ADDR with flags FLAGS: "module.Qualname" for classes (the plain
 * qualname for builtins), tp_name for static types. Caller frees; NULL if out of memory. */
char *pl_py_type_name(struct pl_runtime *rt, uint64_t addr, uint64_t flags);

/* Does the word ADDR name a live object the collector does not track: aligned, with a
 * believable reference count, a type that is a type (its metatype says so), and, of a GC
 * type, a header that says untracked? Static types are not (they live in their binary). For
 * words read without knowing what they are (a C struct's): a struct that starts with two
 * pointers, the second to a type, is not taken for an object. */
bool pl_py_is_untracked_object(struct pl_runtime *rt, uint64_t addr);

#endif
