/* SPDX-License-Identifier: MIT */
/* target_pid.c - a stopped live process as a target, read (never written) through
 * /proc/PID/mem, with its mappings from /proc/PID/maps. A page cache keeps the number of
 * system calls down during heap walks. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/internal.h"
#include "target/page_cache.h"
#include "target/target.h"

enum { PID_PAGE = 4096, PID_CACHE_PAGES = 4096 }; /* 16 MiB of cache */

struct pid_priv {
	int mem_fd;
	struct pl_page_cache cache;
};

static void pid_deinit(struct pl_target *t)
{
	struct pid_priv *p = t->priv;
	if (!p)
		return;
	if (p->mem_fd >= 0)
		close(p->mem_fd);
	pl_page_cache_deinit(&p->cache);
	free(p);
}

/* The slow read under the cache: one pread of /proc/PID/mem. */
static int pid_pread(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct pid_priv *p = arg;
	return pread(p->mem_fd, buf, len, (off_t)addr) == (ssize_t)len ? 0 : -1;
}

static int pid_read_fresh(struct pl_target *t, uint64_t addr, void *buf, size_t len)
{
	struct pid_priv *p = t->priv;
	uint8_t *out = buf;
	while (len > 0) { /* /proc/PID/mem reads at most a few MiB at a time */
		ssize_t n = pread(p->mem_fd, out, len, (off_t)addr);
		if (n <= 0)
			return -1;
		out += n;
		addr += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
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
		err = pl_target_add_maps_line(t, line, pl_page_cache_read, &p->cache, &seg_cap, &map_cap);
	}
	free(line);
	fclose(f);
	return err ? err : pl_target_finish_maps(t, sysroot);
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
	struct pl_target *t = pl_target_new(PL_TARGET_PID, sizeof(struct pid_priv), pid_deinit);
	if (!t)
		return &pl_enomem;
	struct pid_priv *p = t->priv;
	p->mem_fd = -1;
	t->read_fresh = pid_read_fresh;
	struct pl_error *err = NULL;
	if (asprintf(&t->description, "process %d", pid) < 0) {
		t->description = NULL;
		err = &pl_enomem;
		goto fail;
	}
	if ((err = pl_page_cache_init(&p->cache, PID_PAGE, PID_CACHE_PAGES, pid_pread, p)))
		goto fail;
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
