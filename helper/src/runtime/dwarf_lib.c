/* SPDX-License-Identifier: MIT */
/* dwarf_lib.c - loads libdwarf with dlmopen into a new link-map namespace: there its calls to
 * itself and to libelf bind to its own copies, whatever the process has loaded (gdb's libdw
 * defines functions of the same names). libpyleaks itself then needs no RTLD_DEEPBIND, which
 * AddressSanitizer refuses, so the sanitized library runs inside gdb like the plain one.
 * Memory libdwarf allocates comes from its namespace's allocator and goes back through
 * libdwarf's own dealloc functions, never through our free(). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "config.h"
#include "runtime/dwarf_lib.h"

static struct pl_dwarf_lib lib;
static char load_error[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void dwarf_lib_load(void)
{
	void *h = dlmopen(LM_ID_NEWLM, PL_LIBDWARF_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(load_error, sizeof(load_error), "cannot load %s: %s", PL_LIBDWARF_SONAME,
			 why ? why : "unknown error");
		return;
	}
#define PL_DWARF_RESOLVE(name)                                                               \
	if (!load_error[0] && !(*(void **)&lib.name = dlsym(h, #name)))                      \
		snprintf(load_error, sizeof(load_error), "%s lacks %s", PL_LIBDWARF_SONAME, #name);
	PL_DWARF_FUNCTIONS(PL_DWARF_RESOLVE)
#undef PL_DWARF_RESOLVE
	/* The handle stays open for the life of the process: libdwarf is loaded once. */
}

const struct pl_dwarf_lib *pl_dwarf_lib(struct pl_error **err)
{
	pthread_once(&once, dwarf_lib_load);
	if (load_error[0]) {
		*err = pl_error_create(PL_ERR_LOOKUP, "%s (install libdwarf1)", load_error);
		return NULL;
	}
	return &lib;
}
