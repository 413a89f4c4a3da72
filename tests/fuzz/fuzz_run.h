/* SPDX-License-Identifier: MIT */
/* fuzz_run.h - what every fuzz target does with the core it made: open it with the public
 * API and run the reports (census, suspects, retainers, the referrers of a type). */
#ifndef PL_FUZZ_RUN_H
#define PL_FUZZ_RUN_H

#include <stddef.h>
#include <stdint.h>

/* Analyse the core file of LEN bytes at BYTES, as `pyleaks leaks`, `suspects` and `retained`
 * would; any error is a normal outcome, a crash or a sanitizer report is a finding. */
void fuzz_analyse_core(const uint8_t *bytes, size_t len);

#endif
