/* SPDX-License-Identifier: MIT */
/* layout_cache.h - the offsets read from a file's DWARF, kept on disk for the next runs: reading
 * libpython's DWARF takes more than ten times the rest of opening a small core, and the CLI is
 * run again and again on the same build. A cached layout is the same numbers the file's DWARF
 * gave, under a key of the file (path, device, inode, size, modification time), of what was
 * asked (a runtime's layout, or an extension module's fields) and of this very build of
 * libpyleaks (its build-id): a rebuilt reader never sees an older one's answers. The files are
 * untrusted like any input; one that does not check out is ignored (and rewritten). Since an
 * entry steers what the in-process agent reads and calls, only a directory and files owned by
 * the user that no one else may write are used, and a file is never followed through a
 * symbolic link.
 *
 * Where: $PYLEAKS_LAYOUT_CACHE (empty or "off": no disk cache), else
 * $XDG_CACHE_HOME/pyleaks/layouts, else $HOME/.cache/pyleaks/layouts. */
#ifndef PL_LAYOUT_CACHE_H
#define PL_LAYOUT_CACHE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "runtime/layout.h"

/* Fill L's fields and sizes from the cache entry of PATH (ST: its stat) read as PARTIAL (an
 * extension module) or not; false if there is none that checks out. */
bool pl_layout_cache_load(const char *path, const struct stat *st, bool partial, struct pl_layout *l);

/* Keep L's fields and sizes, read from PATH's DWARF, for the next runs. Failing to is silent:
 * the cache only saves time. */
void pl_layout_cache_store(const char *path, const struct stat *st, bool partial,
			   const struct pl_layout *l);

#endif
