/* SPDX-License-Identifier: MIT */
/* target_pid.c - a stopped live process as a target, read (never written) through
 * /proc/PID/mem, with its mappings from /proc/PID/maps. A small page cache keeps the
 * number of system calls down during heap walks. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/internal.h"
#include "target/target.h"

enum { PID_PAGE = 4096, PID_CACHE_PAGES = 4096 }; /* 16 MiB of cache */

struct pid_priv {
	int mem_fd;
	uint64_t *tags;   /* page address cached in each slot, or UINT64_MAX */
	uint8_t *pages;   /* PID_CACHE_PAGES * PID_PAGE bytes */
};

static void pid_deinit(struct pl_target *t)
{
	struct pid_priv *p = t->priv;
	if (!p)
		return;
	if (p->mem_fd >= 0)
		close(p->mem_fd);
	free(p->tags);
	free(p->pages);
	free(p);
}

/* The page at PAGE_ADDR, from the cache or read into it; NULL if unreadable. */
static const uint8_t *pid_page(struct pid_priv *p, uint64_t page_addr)
{
	size_t slot = (size_t)((page_addr / PID_PAGE) % PID_CACHE_PAGES);
	uint8_t *page = p->pages + slot * PID_PAGE;
	if (p->tags[slot] == page_addr)
		return page;
	ssize_t n = pread(p->mem_fd, page, PID_PAGE, (off_t)page_addr);
	if (n != PID_PAGE) {
		p->tags[slot] = UINT64_MAX;
		return NULL;
	}
	p->tags[slot] = page_addr;
	return page;
}

static int pid_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct pid_priv *p = arg;
	uint8_t *out = buf;
	if (len > 4 * PID_PAGE) /* large reads bypass the cache */
		return pread(p->mem_fd, buf, len, (off_t)addr) == (ssize_t)len ? 0 : -1;
	while (len > 0) {
		uint64_t page_addr = addr & ~(uint64_t)(PID_PAGE - 1);
		const uint8_t *page = pid_page(p, page_addr);
		if (!page)
			return -1;
		size_t off = (size_t)(addr - page_addr);
		size_t chunk = PID_PAGE - off < len ? PID_PAGE - off : len;
		memcpy(out, page + off, chunk);
		out += chunk;
		addr += chunk;
		len -= chunk;
	}
	return 0;
}

/* Add one line of /proc/PID/maps: a readable segment, and a mapping if it names a file. */
static struct pl_error *pid_add_maps_line(struct pl_target *t, struct pid_priv *p, const char *line,
					  size_t *seg_cap, size_t *map_cap)
{
	uint64_t lo, hi, off;
	char perms[8];
	int path_at = 0;
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*s %n", &lo, &hi, perms, &off,
		   &path_at) < 4 || lo >= hi)
		return NULL;
	if (perms[0] == 'r') {
		struct pl_segment seg = { .lo = lo, .hi = hi, .read = pid_read, .arg = p };
		struct pl_error *err = pl_target_add_segment(&t->segs, &t->nsegs, seg_cap, &seg);
		if (err)
			return err;
	}
	const char *path = path_at > 0 ? line + path_at : "";
	if (path[0] != '/' || t->nmaps >= PL_MAX_MAPPED_FILES)
		return NULL;
	if (t->nmaps == *map_cap) {
		size_t ncap = *map_cap ? *map_cap * 2 : 64;
		struct pl_mapping *n = realloc(t->maps, ncap * sizeof(*n));
		if (!n)
			return &pl_enomem;
		t->maps = n;
		*map_cap = ncap;
	}
	struct pl_mapping *m = &t->maps[t->nmaps];
	memset(m, 0, sizeof(*m));
	m->lo = lo;
	m->hi = hi;
	m->offset = off;
	m->name = strdup(path);
	if (!m->name)
		return &pl_enomem;
	t->nmaps++;
	return NULL;
}

static struct pl_error *pid_read_maps(struct pl_target *t, struct pid_priv *p, int pid,
				      const char *sysroot)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return pl_error_os(errno, "cannot open", path);
	char *line = NULL;
	size_t linecap = 0, seg_cap = 0, map_cap = 0;
	ssize_t n;
	struct pl_error *err = NULL;
	while (!err && (n = getline(&line, &linecap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		err = pid_add_maps_line(t, p, line, &seg_cap, &map_cap);
	}
	free(line);
	fclose(f);
	if (err)
		return err;
	for (size_t i = 0; i < t->nmaps; i++) {
		t->maps[i].local_path = pl_target_local_path(sysroot, t->maps[i].name);
		if (!t->maps[i].local_path)
			return &pl_enomem;
	}
	pl_target_sort_segments(t->segs, t->nsegs);
	pl_target_sort_mappings(t->maps, t->nmaps);
	return NULL;
}

/* AT_PHDR of the process, from /proc/PID/auxv. */
static void pid_read_auxv(struct pl_target *t, int pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	uint64_t v[2];
	while (read(fd, v, sizeof(v)) == (ssize_t)sizeof(v) && v[0] != 0) {
		if (v[0] == 3 /* AT_PHDR */)
			t->exe_phdr = v[1];
	}
	close(fd);
}

struct pl_error *pl_target_pid_create(int pid, const char *sysroot, struct pl_target **ret)
{
	if (pid <= 0)
		return pl_error_create(PL_ERR_USAGE, "invalid process id %d", pid);
	struct pl_target *t = calloc(1, sizeof(*t));
	struct pid_priv *p = calloc(1, sizeof(*p));
	if (!t || !p) {
		free(t);
		free(p);
		return &pl_enomem;
	}
	p->mem_fd = -1;
	t->kind = PL_TARGET_PID;
	t->priv = p;
	t->deinit = pid_deinit;
	struct pl_error *err = NULL;
	p->tags = malloc(PID_CACHE_PAGES * sizeof(*p->tags));
	p->pages = malloc((size_t)PID_CACHE_PAGES * PID_PAGE);
	if (!p->tags || !p->pages || asprintf(&t->description, "process %d", pid) < 0) {
		t->description = NULL;
		err = &pl_enomem;
		goto fail;
	}
	for (size_t i = 0; i < PID_CACHE_PAGES; i++)
		p->tags[i] = UINT64_MAX;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	p->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->mem_fd < 0) {
		err = pl_error_os(errno, "cannot open", path);
		if (errno == EACCES || errno == EPERM)
			err = pl_error_wrap(err, "reading process %d needs ptrace permission (run "
						 "as its user or root, with the process stopped)", pid);
		goto fail;
	}
	err = pid_read_maps(t, p, pid, sysroot);
	if (err)
		goto fail;
	pid_read_auxv(t, pid);
	*ret = t;
	return NULL;
fail:
	pl_target_destroy(t);
	return err;
}
