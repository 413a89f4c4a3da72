/* SPDX-License-Identifier: MIT */
/* tap.h - a minimal TAP producer for the C unit tests (ok / not ok lines and a plan). */
#ifndef PL_TAP_H
#define PL_TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...)                                                  \
	do {                                                               \
		int tap_c_ = (cond);                                       \
		printf("%s %d - ", tap_c_ ? "ok" : "not ok", ++tap_n);    \
		printf(__VA_ARGS__);                                       \
		printf("\n");                                              \
		if (!tap_c_)                                               \
			tap_failed++;                                      \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
