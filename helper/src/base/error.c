/* SPDX-License-Identifier: MIT */
/* error.c - creating, wrapping and freeing struct pl_error. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/internal.h"

struct pl_error pl_enomem = { .code = PL_ERR_NOMEM };

void pl_freep(void *p)
{
	free(*(void **)p);
}

static struct pl_error *error_vcreate(enum pl_error_code code, uint64_t address, const char *fmt,
				      va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	struct pl_error *err = malloc(sizeof(*err) + (size_t)n + 1);
	if (!err)
		return &pl_enomem;
	err->code = code;
	err->address = address;
	vsnprintf(err->message, (size_t)n + 1, fmt, ap);
	return err;
}

struct pl_error *pl_error_create(enum pl_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct pl_error *err = error_vcreate(code, 0, fmt, ap);
	va_end(ap);
	return err;
}

static struct pl_error *error_create_addr(enum pl_error_code code, uint64_t address,
					  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct pl_error *err = error_vcreate(code, address, fmt, ap);
	va_end(ap);
	return err;
}

struct pl_error *pl_error_fault(uint64_t address, const char *what)
{
	return error_create_addr(PL_ERR_FAULT, address, "cannot read %s at 0x%llx", what,
				 (unsigned long long)address);
}

struct pl_error *pl_error_os(int errnum, const char *what, const char *path)
{
	if (path)
		return pl_error_create(PL_ERR_OS, "%s %s: %s", what, path, strerror(errnum));
	return pl_error_create(PL_ERR_OS, "%s: %s", what, strerror(errnum));
}

struct pl_error *pl_error_wrap(struct pl_error *err, const char *fmt, ...)
{
	if (!err || err == &pl_enomem)
		return err;
	char prefix[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	struct pl_error *wrapped =
		error_create_addr(err->code, err->address, "%s: %s", prefix, err->message);
	if (wrapped == &pl_enomem)
		return err;
	free(err);
	return wrapped;
}

void pl_error_destroy(struct pl_error *err)
{
	if (err && err != &pl_enomem)
		free(err);
}
