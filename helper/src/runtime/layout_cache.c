/* SPDX-License-Identifier: MIT */
/* layout_cache.c - the DWARF layouts kept on disk (see layout_cache.h). An entry is one file:
 * "PLLAYC1" and a NUL, the key's length and the key (this library's build-id, the layout's
 * fingerprint, partial or not, the DWARF file's device, inode, size, modification time and
 * path), the number of values and the values (every field's offset, then every size, in
 * layout_fields.h's order), and an FNV-1a hash of all that. Written to a temporary file and
 * renamed, so that two runs at once never read half an entry. */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "runtime/layout_cache.h"

enum { MAX_BUILD_ID = 64, MAX_KEY = 4096 + 256 };

static const char MAGIC[8] = "PLLAYC1";

#define CACHE_COUNT_FIELD(id, type, path, required) +1
#define CACHE_COUNT_SIZE(id, type, required) +1
enum { NVALUES = 0 PL_LAYOUT_FIELDS(CACHE_COUNT_FIELD, CACHE_COUNT_SIZE) };

/* The bytes of an entry with a key KLEN long: magic, key length, key, count, values, hash. */
static size_t entry_size(size_t klen)
{
	return sizeof(MAGIC) + 8 + klen + 8 + 8 * NVALUES + 8;
}

struct self {
	uintptr_t addr;               /* an address inside this library */
	unsigned char id[MAX_BUILD_ID];
	size_t n;
};

/* The build-id note among the PT_NOTE segments of the object that holds S->addr. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct self *s = arg;
	bool ours = false;
	(void)size;
	for (int i = 0; i < info->dlpi_phnum && !ours; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + p->p_vaddr;
		ours = p->p_type == PT_LOAD && s->addr >= lo && s->addr - lo < p->p_memsz;
	}
	if (!ours)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		if (p->p_type != PT_NOTE)
			continue;
		const unsigned char *note = (const unsigned char *)(info->dlpi_addr + p->p_vaddr);
		size_t off = 0;
		while (off + sizeof(ElfW(Nhdr)) <= p->p_memsz) {
			ElfW(Nhdr) h;
			memcpy(&h, note + off, sizeof(h));
			size_t name = ((size_t)h.n_namesz + 3) & ~(size_t)3;
			size_t desc = ((size_t)h.n_descsz + 3) & ~(size_t)3;
			size_t body = off + sizeof(h);
			if (name > p->p_memsz - body || desc > p->p_memsz - body - name)
				break;
			if (h.n_type == NT_GNU_BUILD_ID && h.n_namesz == 4 &&
			    memcmp(note + body, "GNU", 4) == 0 && h.n_descsz && h.n_descsz <= MAX_BUILD_ID) {
				memcpy(s->id, note + body + name, h.n_descsz);
				s->n = h.n_descsz;
				return 1;
			}
			off = body + name + desc;
		}
	}
	return 1;
}

/* This library's build-id, found once; none (0 bytes): nothing is cached. */
static struct self self_id;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void self_init(void)
{
	self_id.addr = (uintptr_t)&entry_size;
	dl_iterate_phdr(find_build_id, &self_id);
}

/* The directory of the cache (made if missing), or false for none or one not safe to use. */
static bool cache_dir(char *buf, size_t size)
{
	const char *env = getenv("PYLEAKS_LAYOUT_CACHE"), *base;
	const char *tail;
	if (env) {
		if (!env[0] || strcmp(env, "off") == 0)
			return false;
		base = env;
		tail = "";
	} else if ((base = getenv("XDG_CACHE_HOME")) && base[0] == '/') {
		tail = "/pyleaks/layouts";
	} else if ((base = getenv("HOME")) && base[0] == '/') {
		tail = "/.cache/pyleaks/layouts";
	} else {
		return false;
	}
	int n = snprintf(buf, size, "%s%s", base, tail);
	if (n < 0 || (size_t)n >= size)
		return false;
	/* each missing directory from the base down */
	for (char *p = buf + strlen(base); ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
				*p = c;
				return false;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	/* only a directory of our own that no one else may write: an entry steers what the
	 * in-process agent reads and calls */
	struct stat st;
	return lstat(buf, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* The key of PATH's entry into KEY (its length), and the entry's file name into NAME. */
static size_t make_key(const char *path, const struct stat *st, bool partial, unsigned char *key,
		       char *name, size_t name_size)
{
	pthread_once(&self_once, self_init);
	size_t plen = strlen(path);
	if (!self_id.n || plen > 4096)
		return 0;
	uint64_t words[] = { pl_layout_abi_hash(), partial, (uint64_t)st->st_dev, (uint64_t)st->st_ino,
			     (uint64_t)st->st_size, (uint64_t)st->st_mtim.tv_sec,
			     (uint64_t)st->st_mtim.tv_nsec, self_id.n, plen };
	size_t n = 0;
	memcpy(key + n, words, sizeof(words));
	n += sizeof(words);
	memcpy(key + n, self_id.id, self_id.n);
	n += self_id.n;
	memcpy(key + n, path, plen);
	n += plen;
	uint64_t h1 = pl_fnv1a(PL_FNV_OFFSET, key, n);
	uint64_t h2 = pl_fnv1a(h1 ^ UINT64_C(0x9e3779b97f4a7c15), key, n);
	snprintf(name, name_size, "%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
	return n;
}

#define CACHE_GET_FIELD(id, type, path, required) v[i++] = l->id;
#define CACHE_GET_SIZE(id, type, required) v[i++] = l->size_##id;
#define CACHE_SET_FIELD(id, type, path, required) l->id = v[i++];
#define CACHE_SET_SIZE(id, type, required) l->size_##id = v[i++];

bool pl_layout_cache_load(const char *path, const struct stat *st, bool partial, struct pl_layout *l)
{
	unsigned char key[MAX_KEY];
	char dir[4096], name[40], file[4200];
	size_t klen = make_key(path, st, partial, key, name, sizeof(name));
	if (!klen || !cache_dir(dir, sizeof(dir)))
		return false;
	snprintf(file, sizeof(file), "%s/%s", dir, name);
	const size_t want = entry_size(klen);
	unsigned char *buf = malloc(want + 1);
	int fd = buf ? open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) : -1;
	struct stat fst;
	bool ok = false;
	if (fd >= 0 && (fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode) || fst.st_uid != geteuid() ||
			(fst.st_mode & (S_IWGRP | S_IWOTH)))) {
		close(fd); /* not a file of ours that only we may write */
		fd = -1;
	}
	if (fd >= 0) {
		ssize_t got = read(fd, buf, want + 1); /* one more: a longer file is not an entry */
		close(fd);
		uint64_t len, nvalues, check;
		const unsigned char *p = buf + sizeof(MAGIC);
		if (got == (ssize_t)want && memcmp(buf, MAGIC, sizeof(MAGIC)) == 0) {
			memcpy(&len, p, 8);
			memcpy(&nvalues, p + 8 + klen, 8);
			memcpy(&check, buf + want - 8, 8);
			ok = len == klen && memcmp(p + 8, key, klen) == 0 && nvalues == NVALUES &&
			     check == pl_fnv1a(PL_FNV_OFFSET, buf, want - 8);
		}
		if (ok) {
			int64_t v[NVALUES];
			size_t i = 0;
			memcpy(v, p + 8 + klen + 8, sizeof(v));
			PL_LAYOUT_FIELDS(CACHE_SET_FIELD, CACHE_SET_SIZE)
		}
	}
	free(buf);
	return ok;
}

void pl_layout_cache_store(const char *path, const struct stat *st, bool partial,
			   const struct pl_layout *l)
{
	unsigned char key[MAX_KEY];
	char dir[4096], name[40], file[4200], tmp[4300];
	size_t klen = make_key(path, st, partial, key, name, sizeof(name));
	if (!klen || !cache_dir(dir, sizeof(dir)))
		return;
	const size_t size = entry_size(klen);
	unsigned char *buf = malloc(size);
	if (!buf)
		return;
	int64_t v[NVALUES];
	size_t i = 0;
	PL_LAYOUT_FIELDS(CACHE_GET_FIELD, CACHE_GET_SIZE)
	uint64_t len = klen, nvalues = NVALUES;
	unsigned char *p = buf;
	memcpy(p, MAGIC, sizeof(MAGIC));
	p += sizeof(MAGIC);
	memcpy(p, &len, 8);
	memcpy(p + 8, key, klen);
	memcpy(p + 8 + klen, &nvalues, 8);
	memcpy(p + 8 + klen + 8, v, sizeof(v));
	uint64_t check = pl_fnv1a(PL_FNV_OFFSET, buf, size - 8);
	memcpy(buf + size - 8, &check, 8);
	snprintf(file, sizeof(file), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name);
	int fd = mkstemp(tmp); /* a new file of ours, mode 0600, whatever was planted there */
	if (fd >= 0) {
		bool ok = write(fd, buf, size) == (ssize_t)size;
		ok = close(fd) == 0 && ok;
		if (!ok || rename(tmp, file) != 0)
			unlink(tmp);
	}
	free(buf);
}
