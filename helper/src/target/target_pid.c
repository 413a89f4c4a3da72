/* SPDX-License-Identifier: MIT */
/* target_pid.c - a stopped live process as a target, read (never written) through
 * /proc/PID/mem, with its mappings from /proc/PID/maps. Its memory is split into chunks of
 * 1 MiB, each copied whole on its first read (one system call), after which it is read like a
 * core's (in place); past a budget of copies, and where a chunk cannot be read whole, a page
 * cache keeps the number of system calls down instead. */
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
enum { PID_CHUNK = 1 << 20 };

struct pid_priv {
	int mem_fd;
	struct pl_page_cache cache;
	struct pl_target *t;
	uint64_t copied, budget;  /* bytes of chunks copied, and how many may be */
};

static void pid_deinit(struct pl_target *t)
{
	struct pid_priv *p = t->priv;
	if (!p)
		return;
	if (p->mem_fd >= 0)
		close(p->mem_fd);
	for (size_t i = 0; i < t->nsegs; i++) /* the chunks copied */
		free((void *)t->segs[i].data);
	pl_page_cache_deinit(&p->cache);
	free(p);
}

/* The slow read under the cache: one pread of /proc/PID/mem. */
static int pid_pread(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct pid_priv *p = arg;
	return pread(p->mem_fd, buf, len, (off_t)addr) == (ssize_t)len ? 0 : -1;
}

/* A chunk's first read: copy it whole, so that later reads find it in place; where it cannot
 * be (a budget spent, a page that cannot be read), the page cache serves this read. */
static int pid_chunk_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct pid_priv *p = arg;
	struct pl_segment *s = pl_target_segment_at(p->t, addr);
	if (s && !s->data && s->read == pid_chunk_read && p->copied + (s->hi - s->lo) <= p->budget) {
		uint8_t *copy = malloc(s->hi - s->lo);
		if (copy && pid_pread(p, s->lo, copy, s->hi - s->lo) == 0) {
			s->data = copy;
			p->copied += s->hi - s->lo;
			memcpy(buf, copy + (addr - s->lo), len);
			return 0;
		}
		free(copy);
		s->read = pl_page_cache_read; /* not whole: page by page from now on */
		s->arg = &p->cache;
	}
	return pl_page_cache_read(&p->cache, addr, buf, len);
}

/* Split the segments into chunks (aligned to PID_CHUNK) read by pid_chunk_read. */
static struct pl_error *pid_chunk_segments(struct pl_target *t, struct pid_priv *p)
{
	struct pl_segment *chunks = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < t->nsegs; i++) {
		for (uint64_t lo = t->segs[i].lo; lo < t->segs[i].hi;) {
			uint64_t end = (lo & ~(uint64_t)(PID_CHUNK - 1)) + PID_CHUNK;
			struct pl_segment c = { .lo = lo, .hi = end < t->segs[i].hi ? end : t->segs[i].hi,
						.read = pid_chunk_read, .arg = p };
			struct pl_error *err = pl_target_add_segment(&chunks, &n, &cap, &c);
			if (err) {
				free(chunks);
				return err;
			}
			lo = c.hi;
		}
	}
	free(t->segs);
	t->segs = chunks;
	t->nsegs = n;
	return NULL;
}

/* The copies may take a quarter of this machine's memory, at most 8 GiB. */
static uint64_t pid_copy_budget(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	uint64_t quarter = pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size / 4 : 1ull << 30;
	return quarter < (8ull << 30) ? quarter : 8ull << 30;
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
	p->t = t;
	p->budget = pid_copy_budget();
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
	if (!err)
		err = pid_chunk_segments(t, p);
	if (err)
		goto fail;
	pid_read_auxv(t, pid);
	*ret = t;
	return NULL;
fail:
	pl_target_destroy(t);
	return err;
}
