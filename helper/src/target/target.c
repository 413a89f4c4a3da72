/* SPDX-License-Identifier: MIT */
/* target.c - reading target memory over sorted segments, whatever their source.
 * The sources (target_core.c, target_pid.c) only build the segment lists. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "target/target.h"

struct pl_target *pl_target_new(enum pl_target_kind kind, size_t priv_size,
				 void (*deinit)(struct pl_target *t))
{
	struct pl_target *t = calloc(1, sizeof(*t));
	void *priv = calloc(1, priv_size);
	if (!t || !priv) {
		free(t);
		free(priv);
		return NULL;
	}
	t->kind = kind;
	t->mode = "read-only";
	t->priv = priv;
	t->deinit = deinit;
	return t;
}

void pl_target_destroy(struct pl_target *t)
{
	if (!t)
		return;
	if (t->deinit)
		t->deinit(t);
	for (size_t i = 0; i < t->nmaps; i++) {
		free(t->maps[i].name);
		free(t->maps[i].local_path);
	}
	free(t->maps);
	free(t->segs);
	free(t->fallback);
	pl_target_set_restored(t, NULL, 0, NULL, 0);
	free(t->description);
	free(t->warnings);
	free(t);
}

/* Index of the segment containing ADDR, or n if none. */
static size_t seg_find(const struct pl_segment *segs, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr < segs[mid].lo)
			hi = mid;
		else if (addr >= segs[mid].hi)
			lo = mid + 1;
		else
			return mid;
	}
	return n;
}

struct pl_segment *pl_target_segment_at(struct pl_target *t, uint64_t addr)
{
	size_t i = seg_find(t->segs, t->nsegs, addr);
	return i < t->nsegs ? &t->segs[i] : NULL;
}

static bool seg_copy(const struct pl_segment *s, uint64_t addr, void *buf, size_t len)
{
	if (s->data) {
		memcpy(buf, s->data + (addr - s->lo), len);
		return true;
	}
	return s->read && s->read(s->arg, addr, buf, len) == 0;
}

/* Copy what one segment list can give starting at ADDR: the bytes copied, 0 if a segment covers
 * ADDR but cannot give its bytes, -1 if no segment covers ADDR. */
static long read_from(struct pl_segment *segs, size_t n, size_t *hint, uint64_t addr, void *buf,
		      size_t len)
{
	size_t i;
	if (hint && *hint < n && addr >= segs[*hint].lo && addr < segs[*hint].hi)
		i = *hint;
	else
		i = seg_find(segs, n, addr);
	if (i == n)
		return -1;
	if (hint)
		*hint = i;
	uint64_t avail = segs[i].hi - addr;
	size_t chunk = len < avail ? len : (size_t)avail;
	if (chunk > (size_t)LONG_MAX)
		chunk = (size_t)LONG_MAX;
	return seg_copy(&segs[i], addr, buf, chunk) ? (long)chunk : 0;
}

bool pl_target_read_slow(struct pl_target *t, uint64_t addr, void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len > 0) {
		if (addr + len < addr)
			return false; /* wraps around */
		/* Files stand in only where the target has no memory at all: bytes a truncated
		 * core lost are not the file's bytes (.data was written to). */
		long got = read_from(t->segs, t->nsegs, &t->last_seg, addr, out, len);
		if (got < 0)
			got = read_from(t->fallback, t->nfallback, NULL, addr, out, len);
		else if (got == 0 && t->nrestored && pl_target_lost(t, addr))
			got = read_from(t->restored, t->nrestored, NULL, addr, out, len);
		if (got <= 0)
			return false;
		out += got;
		addr += (uint64_t)got;
		len -= (size_t)got;
	}
	return true;
}

bool pl_target_mapping_starts_file(const struct pl_target *t, size_t i)
{
	const char *path = i < t->nmaps ? t->maps[i].local_path : NULL;
	return path && !(i > 0 && t->maps[i - 1].local_path && strcmp(t->maps[i - 1].local_path, path) == 0);
}

/* A segment a cut core keeps with no bytes (target_core.c). */
static bool seg_is_lost(const struct pl_segment *s)
{
	return !s->data && !s->read;
}

bool pl_target_lost(const struct pl_target *t, uint64_t addr)
{
	size_t i = seg_find(t->segs, t->nsegs, addr);
	return i < t->nsegs && seg_is_lost(&t->segs[i]);
}

uint64_t pl_target_lost_bytes(const struct pl_target *t)
{
	uint64_t n = 0;
	for (size_t i = 0; i < t->nsegs; i++)
		if (seg_is_lost(&t->segs[i]))
			n += t->segs[i].hi - t->segs[i].lo;
	return n;
}

void pl_target_set_restored(struct pl_target *t, struct pl_segment *segs, size_t n,
			    uint8_t **blocks, size_t nblocks)
{
	free(t->restored);
	for (size_t i = 0; i < t->nrestored_blocks; i++)
		free(t->restored_blocks[i]);
	free(t->restored_blocks);
	t->restored = segs;
	t->nrestored = n;
	t->restored_blocks = blocks;
	t->nrestored_blocks = nblocks;
}

struct pl_error *pl_target_read(struct pl_target *t, uint64_t addr, void *buf, size_t len,
				const char *what)
{
	if (pl_target_read_ok(t, addr, buf, len))
		return NULL;
	return pl_error_fault(addr, what ? what : "memory");
}

struct pl_error *pl_target_read_fresh(struct pl_target *t, uint64_t addr, void *buf, size_t len,
				      const char *what)
{
	if (!t->read_fresh)
		return pl_error_create(PL_ERR_USAGE, "%s cannot be read afresh", t->description);
	if (addr + len < addr || t->read_fresh(t, addr, buf, len) != 0)
		return pl_error_fault(addr, what);
	return NULL;
}

struct pl_error *pl_target_read_cstr(struct pl_target *t, uint64_t addr, char *buf, size_t max,
				     const char *what)
{
	if (max == 0)
		return pl_error_create(PL_ERR_USAGE, "string buffer of size 0");
	/* Read in small chunks so a string near the end of a mapping still reads. */
	size_t got = 0;
	while (got + 1 < max) {
		size_t chunk = 64 - ((addr + got) & 63);
		if (chunk > max - 1 - got)
			chunk = max - 1 - got;
		if (!pl_target_read_ok(t, addr + got, buf + got, chunk)) {
			if (got == 0)
				return pl_error_fault(addr, what ? what : "string");
			break;
		}
		void *nul = memchr(buf + got, '\0', chunk);
		if (nul)
			return NULL;
		got += chunk;
	}
	buf[got] = '\0';
	return NULL;
}

uint64_t pl_target_memory_size(const struct pl_target *t)
{
	uint64_t total = 0;
	for (size_t i = 0; i < t->nsegs; i++)
		total += t->segs[i].hi - t->segs[i].lo;
	return total;
}

struct pl_error *pl_target_add_segment(struct pl_segment **segs, size_t *nsegs, size_t *cap,
				       const struct pl_segment *seg)
{
	if (*nsegs == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct pl_segment *n = realloc(*segs, ncap * sizeof(**segs));
		if (!n)
			return &pl_enomem;
		*segs = n;
		*cap = ncap;
	}
	(*segs)[(*nsegs)++] = *seg;
	return NULL;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct pl_segment *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

void pl_target_sort_segments(struct pl_segment *segs, size_t n)
{
	if (n < 2)
		return;
	pl_sort(segs, n, sizeof(*segs), seg_cmp);
	/* Make them non-overlapping: a later segment loses what an earlier one covers. */
	uint64_t covered = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && segs[i].lo < covered) {
			if (covered >= segs[i].hi) {
				segs[i].hi = segs[i].lo; /* empty: never found */
				continue;
			}
			if (segs[i].data)
				segs[i].data += covered - segs[i].lo;
			segs[i].lo = covered;
		}
		covered = segs[i].hi;
	}
}

static int map_cmp(const void *a, const void *b)
{
	const struct pl_mapping *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

void pl_target_sort_mappings(struct pl_mapping *maps, size_t n)
{
	if (n < 2)
		return;
	pl_sort(maps, n, sizeof(*maps), map_cmp);
}

char *pl_target_local_path(const char *sysroot, const char *name)
{
	size_t a = sysroot ? strlen(sysroot) : 0, b = strlen(name);
	char *p = malloc(a + b + 2);
	if (!p)
		return NULL;
	if (a) {
		memcpy(p, sysroot, a);
		if (p[a - 1] == '/' && name[0] == '/')
			a--;
	}
	memcpy(p + a, name, b + 1);
	return p;
}

struct pl_error *pl_target_add_maps_line(struct pl_target *t, const char *line,
					 pl_segment_read_fn *read, void *arg, size_t *seg_cap,
					 size_t *map_cap)
{
	uint64_t lo, hi, off;
	char perms[8];
	int path_at = 0;
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*s %n", &lo, &hi, perms, &off,
		   &path_at) < 4 || lo >= hi)
		return NULL;
	if (perms[0] == 'r') {
		struct pl_segment seg = { .lo = lo, .hi = hi, .read = read, .arg = arg };
		struct pl_error *err = pl_target_add_segment(&t->segs, &t->nsegs, seg_cap, &seg);
		if (err)
			return err;
	}
	const char *path = path_at > 0 ? line + path_at : "";
	if (path[0] != '/' || t->nmaps >= PL_MAX_MAPPED_FILES)
		return NULL;
	return pl_target_add_mapping(t, map_cap, lo, hi, off, path);
}

struct pl_error *pl_target_add_mapping(struct pl_target *t, size_t *map_cap, uint64_t lo,
				       uint64_t hi, uint64_t offset, const char *name)
{
	if (t->nmaps == *map_cap) {
		size_t ncap = *map_cap ? *map_cap * 2 : 64;
		struct pl_mapping *n = realloc(t->maps, ncap * sizeof(*n));
		if (!n)
			return &pl_enomem;
		t->maps = n;
		*map_cap = ncap;
	}
	struct pl_mapping *m = &t->maps[t->nmaps];
	*m = (struct pl_mapping){ .lo = lo, .hi = hi, .offset = offset, .name = strdup(name) };
	if (!m->name)
		return &pl_enomem;
	t->nmaps++;
	return NULL;
}

struct pl_error *pl_target_finish_maps(struct pl_target *t, const char *sysroot)
{
	for (size_t i = 0; i < t->nmaps; i++) {
		t->maps[i].local_path = pl_target_local_path(sysroot, t->maps[i].name);
		if (!t->maps[i].local_path)
			return &pl_enomem;
	}
	pl_target_sort_segments(t->segs, t->nsegs);
	pl_target_sort_mappings(t->maps, t->nmaps);
	return NULL;
}
