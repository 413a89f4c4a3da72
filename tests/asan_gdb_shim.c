/* SPDX-License-Identifier: MIT */
/* asan_gdb_shim.c - lets Debian's gdb 13.1 start with AddressSanitizer's runtime preloaded, so
 * that the gdb suites run the sanitized library too (tests/gdb-asan, issue #9). Preloaded after
 * the runtime. Without it gdb hangs before main: libp11-kit's constructor (gdb -> libdebuginfod
 * -> libcurl -> gnutls -> p11-kit) calls newlocale(), which holds glibc's setlocale lock while it
 * calls malloc; that first malloc starts the ASan runtime's lazy initialisation, which calls
 * dlerror() -> dcgettext(), which read-locks and unlocks the lock its own thread holds for
 * writing and so corrupts it; gdb's first setlocale() then waits forever. Here the first
 * newlocale() makes one malloc before taking any lock, so the runtime starts outside it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <locale.h>
#include <stdlib.h>

typedef locale_t newlocale_fn(int mask, const char *locale, locale_t base);

/* Once gdb runs, the preload has done its work: start the runtime (outside any lock), then drop
 * LD_PRELOAD and ASAN_OPTIONS from gdb's environment, so that what gdb starts (its inferiors,
 * the compiler behind `compile code`, shell commands) runs without them. */
__attribute__((constructor)) static void forget_preload(void)
{
	void *volatile first = malloc(1);
	free(first);
	unsetenv("LD_PRELOAD");
	unsetenv("ASAN_OPTIONS");
}

locale_t newlocale(int mask, const char *locale, locale_t base)
{
	static newlocale_fn *next;
	if (!next) {
		void *volatile first = malloc(1); /* volatile: the compiler must not drop the pair */
		free(first);
		next = (newlocale_fn *)dlsym(RTLD_NEXT, "newlocale");
		if (!next)
			abort();
	}
	return next(mask, locale, base);
}
