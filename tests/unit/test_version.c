/* SPDX-License-Identifier: MIT */
/* test_version.c - unit tests of the version policy: supported releases pass, unknown future
 * versions, old ones and pre-releases give an error that names the version and the range. */
#include <string.h>

#include "runtime/layout.h"
#include "tap.h"

/* Expect VERSION to be refused with a message containing WANT (or accepted if WANT is NULL). */
static void check(uint64_t version, const char *want)
{
	struct pl_error *err = pl_layout_check_version(version);
	if (!want)
		TAP_OK(err == NULL, "0x%08llx accepted%s%s", (unsigned long long)version,
		       err ? ": " : "", err ? err->message : "");
	else
		TAP_OK(err && err->code == PL_ERR_VERSION && strstr(err->message, want),
		       "0x%08llx refused with \"%s\" (got \"%s\")", (unsigned long long)version, want,
		       err ? err->message : "no error");
	pl_error_destroy(err);
}

int main(void)
{
	check(0x030601f0, NULL);            /* 3.6.1 */
	check(0x030c01f0, NULL);            /* 3.12.1 */
	check(0x030d00f0, NULL);            /* 3.13.0 */
	check(0x030e0af0, NULL);            /* 3.14.10 */
	check(0x030e05f0, NULL);            /* 3.14.5: generational GC again */
	check(0x02070ff0, NULL);            /* 2.7.15 */
	check(0x020607f0, "Python 2.6 is not supported (supported: 2.7, and 3.6 to 3.15)");
	check(0x030000f0, "Python 3.0 is not supported");
	check(0x030500f0, "Python 3.5 is not supported");
	check(0x030e00f0, NULL);            /* 3.14.0: incremental GC, from the published layout */
	check(0x030f02f0, NULL);            /* 3.15.2 */
	check(0x030f00a1, "Python 3.15.0 is a pre-release (alpha)");
	check(0x031000f0, "Python 3.16 is not supported");
	check(0x040000f0, "Python 4.0 is not supported");
	check(0x030d00a1, "Python 3.13.0 is a pre-release (alpha)");
	check(0x030c00b4, "Python 3.12.0 is a pre-release (beta)");
	check(0x030c00c1, "Python 3.12.0 is a pre-release (candidate)");
	return tap_done();
}
