/* SPDX-License-Identifier: MIT */
/* target_remote.c - a target whose memory only the caller can read: a process behind
 * gdbserver, read through gdb's own memory reads. The caller gives the mappings (in the format
 * of /proc/PID/maps), AT_PHDR and a read function; reads go through a page cache of large
 * pages, since each slow read is a round trip. The target is never written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "target/page_cache.h"
#include "target/target.h"

enum { REMOTE_PAGE = 64 * 1024, REMOTE_CACHE_PAGES = 512 }; /* 32 MiB of cache */

struct remote_priv {
	pl_segment_read_fn *read;
	void *arg;
	struct pl_page_cache cache;
};

static void remote_deinit(struct pl_target *t)
{
	struct remote_priv *p = t->priv;
	if (!p)
		return;
	pl_page_cache_deinit(&p->cache);
	free(p);
}

/* The slow read under the cache: the caller's, which must not be trusted to stay in BUF's
 * bounds any more than the target's bytes are trusted (it is given exactly LEN). */
static int remote_fill(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct remote_priv *p = arg;
	return p->read(p->arg, addr, buf, len) == 0 ? 0 : -1;
}

struct pl_error *pl_target_remote_create(const char *description, const char *maps,
					 uint64_t at_phdr, pl_segment_read_fn *read, void *arg,
					 const char *sysroot, struct pl_target **ret)
{
	if (!read || !maps)
		return pl_error_create(PL_ERR_USAGE, "a remote target needs its mappings and a read function");
	struct pl_target *t = pl_target_new(PL_TARGET_REMOTE, sizeof(struct remote_priv), remote_deinit);
	if (!t)
		return &pl_enomem;
	struct remote_priv *p = t->priv;
	t->exe_phdr = at_phdr;
	p->read = read;
	p->arg = arg;
	struct pl_error *err = NULL;
	if (!(t->description = strdup(description && description[0] ? description : "remote process"))) {
		err = &pl_enomem;
		goto fail;
	}
	if ((err = pl_page_cache_init(&p->cache, REMOTE_PAGE, REMOTE_CACHE_PAGES, remote_fill, p)))
		goto fail;
	size_t seg_cap = 0, map_cap = 0, lines = 0;
	for (const char *line = maps; !err && *line && lines < PL_MAX_MAPPED_FILES * 4; lines++) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		char *copy = strndup(line, n);
		if (!copy) {
			err = &pl_enomem;
			break;
		}
		err = pl_target_add_maps_line(t, copy, pl_page_cache_read, &p->cache, &seg_cap, &map_cap);
		free(copy);
		line += n + (end ? 1 : 0);
	}
	if (!err && t->nsegs == 0)
		err = pl_error_create(PL_ERR_BAD_DATA, "%s: no readable memory in its mappings", t->description);
	if (!err)
		err = pl_target_finish_maps(t, sysroot);
	if (err)
		goto fail;
	*ret = t;
	return NULL;
fail:
	pl_target_destroy(t);
	return err;
}
