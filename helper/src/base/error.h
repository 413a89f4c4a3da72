/* SPDX-License-Identifier: MIT */
/* error.h - the one way libpyleaks functions fail: a returned struct pl_error
 * (NULL means success) with a code, a message and, for bad reads, the address. */
#ifndef PL_ERROR_H
#define PL_ERROR_H

#include <stdint.h>

/* Codes mirror the public PYLEAKS_E* values in pyleaks.h. */
enum pl_error_code {
	PL_ERR_NOMEM = 1,   /* out of memory */
	PL_ERR_OS,          /* a system call failed: errno and the path are in the message */
	PL_ERR_FAULT,       /* target memory not readable at an address */
	PL_ERR_BAD_DATA,    /* the target's data is inconsistent (broken heap, not a core, ...) */
	PL_ERR_VERSION,     /* a Python version we do not support */
	PL_ERR_LOOKUP,      /* a symbol, file, type or field that is not there */
	PL_ERR_LIMIT,       /* a cap was hit (loop, size); the answer is partial */
	PL_ERR_USAGE,       /* the caller passed something invalid */
	PL_ERR_INTERRUPTED, /* the caller's progress callback asked to stop */
};

struct pl_error {
	enum pl_error_code code;
	uint64_t address;   /* for PL_ERR_FAULT */
	char message[];
};

/* The out-of-memory error is static so that reporting it allocates nothing. */
extern struct pl_error pl_enomem;

/* Create an error with a printf-style message. Returns &pl_enomem if allocation fails. */
struct pl_error *pl_error_create(enum pl_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A read fault at ADDRESS while reading WHAT (a short noun such as "type object"). */
struct pl_error *pl_error_fault(uint64_t address, const char *what);

/* An OS error: errno is read by the caller and passed in; PATH may be NULL. */
struct pl_error *pl_error_os(int errnum, const char *what, const char *path);

/* Prefix an existing error's message with context ("reading gc.garbage: ..."). Takes ownership of
 * ERR and returns the new error (or ERR unchanged if allocation fails). */
struct pl_error *pl_error_wrap(struct pl_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Free an error; NULL and &pl_enomem are accepted. */
void pl_error_destroy(struct pl_error *err);

#endif
