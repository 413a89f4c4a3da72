/* SPDX-License-Identifier: MIT */
/* fuzz_core_file.c - libFuzzer target: the input is a whole core file. Seeded with the first
 * 64 KiB of real cores laid out as the kernel writes them (ELF header, program headers, notes
 * first: tests/relayout_core.py), it exercises the ELF and note parsers, the search for mapped
 * files (NT_FILE, or the dynamic linker's list in memory) and the runtime's discovery. */
#include "fuzz_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyse_core(data, size);
	return 0;
}
