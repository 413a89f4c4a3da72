/* SPDX-License-Identifier: MIT */
/* fuzz_run.c - the analysis every fuzz target runs: the core's bytes go into a memory file
 * (memfd), which libpyleaks opens by its /proc/self/fd path like any core. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_run.h"
#include "pyleaks.h"

void fuzz_analyse_core(const uint8_t *bytes, size_t len)
{
	int fd = memfd_create("pyleaks-fuzz-core", 0);
	if (fd < 0)
		abort(); /* the harness itself failed: not a finding */
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, bytes + done, len - done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct pyleaks *pl = pyleaks_create();
	if (pl && pyleaks_open_core(pl, path, getenv("PYLEAKS_FUZZ_EXE"), NULL) == PYLEAKS_OK) {
		/* each call's result is free to be an error; each leaves *out NULL or a report */
		char *out[4] = { NULL };
		pyleaks_leaks_report(pl, PYLEAKS_JSON, 0, PYLEAKS_SORT_COUNT, NULL, &out[0]);
		pyleaks_suspects_report(pl, PYLEAKS_TEXT, 10, &out[1]);
		pyleaks_retained_report(pl, PYLEAKS_TEXT, 10, &out[2]);
		pyleaks_referrers_report(pl, PYLEAKS_TEXT, 0, "dict", 8, 4, 0, &out[3]);
		for (size_t i = 0; i < 4; i++)
			pyleaks_free(out[i]);
	}
	pyleaks_destroy(pl);
	close(fd);
}
