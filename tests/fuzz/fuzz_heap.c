/* SPDX-License-Identifier: MIT */
/* fuzz_heap.c - libFuzzer target: a real core (PYLEAKS_FUZZ_CORE, read once) with the input's
 * patches written over it: records of a 4-byte little-endian file offset (taken modulo the
 * core's size, past its headers), a 1-byte length and that many bytes. It exercises the heap
 * walk, every object decoder, the graph, the dominators and the suspects on a mutated heap. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { HEADERS = 65536 }; /* patches start past the ELF header, program headers and notes */

static uint8_t *base, *work;
static size_t base_len;

static void load_base(void)
{
	const char *path = getenv("PYLEAKS_FUZZ_CORE");
	int fd = path ? open(path, O_RDONLY) : -1;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= HEADERS) {
		fprintf(stderr, "fuzz_heap: set PYLEAKS_FUZZ_CORE to a core file\n");
		exit(2);
	}
	base_len = (size_t)st.st_size;
	base = malloc(base_len);
	work = malloc(base_len);
	if (!base || !work || read(fd, base, base_len) != (ssize_t)base_len)
		exit(2);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!base)
		load_base();
	memcpy(work, base, base_len);
	size_t span = base_len - HEADERS;
	for (size_t at = 0; at + 5 <= size;) {
		uint32_t off;
		memcpy(&off, data + at, 4);
		size_t len = data[at + 4];
		at += 5;
		if (len > size - at)
			len = size - at;
		size_t where = HEADERS + off % span;
		if (len > base_len - where)
			len = base_len - where;
		memcpy(work + where, data + at, len);
		at += len;
	}
	fuzz_analyse_core(work, base_len);
	return 0;
}
