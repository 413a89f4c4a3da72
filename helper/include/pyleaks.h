/* SPDX-License-Identifier: MIT */
/**
 * @file pyleaks.h
 * libpyleaks: find memory leaks in CPython processes and core dumps without running Python code.
 *
 * A session (struct pyleaks) reads one target: a core file or a stopped live process. Every call
 * returns a PYLEAKS_* code; on failure the session keeps a message (pyleaks_errmsg()). Nothing is
 * ever written to the target. Strings returned in *out parameters are freed with pyleaks_free().
 */
#ifndef PYLEAKS_H
#define PYLEAKS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup errors Result codes */
enum pyleaks_code {
	PYLEAKS_OK = 0,
	PYLEAKS_ENOMEM = 1,   /**< out of memory */
	PYLEAKS_EOS = 2,      /**< a system call failed (file missing, permission) */
	PYLEAKS_EFAULT = 3,   /**< target memory could not be read */
	PYLEAKS_EBADDATA = 4, /**< the target's data is inconsistent, or not a core / Python */
	PYLEAKS_EVERSION = 5, /**< unsupported Python version */
	PYLEAKS_ELOOKUP = 6,  /**< a file, symbol, type or name that is not there */
	PYLEAKS_ELIMIT = 7,   /**< a cap was hit */
	PYLEAKS_EUSAGE = 8,   /**< invalid arguments */
	PYLEAKS_EINTR = 9,    /**< the progress callback asked to stop (Ctrl-C) */
};

/** @defgroup session Sessions */
struct pyleaks;

/** Create an empty session. Returns NULL only when out of memory. */
struct pyleaks *pyleaks_create(void);
/** Free a session and everything it holds. NULL is accepted. */
void pyleaks_destroy(struct pyleaks *pl);
/** Message of the last failed call on PL ("" if none). Valid until the next call on PL. */
const char *pyleaks_errmsg(const struct pyleaks *pl);
/** Warnings gathered so far (truncated core, broken lists, ...), one per line; NULL if none. */
const char *pyleaks_warnings(const struct pyleaks *pl);
/** Free a string returned by this library. NULL is accepted. */
void pyleaks_free(void *p);

/** Phases a progress callback reports: 0, 1, 2 = walking that generation; and: */
enum { PYLEAKS_PHASE_PERMANENT = 3,  /**< walking the permanent generation */
       PYLEAKS_PHASE_GRAPH = 4 };    /**< reading references into the graph */
/** Progress callback: objects done so far in PHASE (a generation or a PYLEAKS_PHASE_*).
 * Returns 0 to go on; anything else stops the work: the call fails with PYLEAKS_EINTR and
 * keeps nothing of what it had done (the session can be asked again). */
typedef int pyleaks_progress_fn(void *arg, uint64_t objects, int phase);
/** Have long heap walks and graph builds call FN(ARG, ...) every million objects. FN may be
 * NULL. */
void pyleaks_set_progress(struct pyleaks *pl, pyleaks_progress_fn *fn, void *arg);

/**
 * Where to look for separate debug files (by build-id, `DIR/.build-id/xx/rest.debug`, and by
 * .gnu_debuglink) when a binary has no DWARF of its own. Default /usr/lib/debug. Call before
 * opening a target.
 */
int pyleaks_set_debug_dir(struct pyleaks *pl, const char *dir);

/** @defgroup targets Opening a target (once per session) */
/**
 * Open the core file CORE. [in] EXE: the executable to use instead of the one the core names
 * (NULL: as named). [in] SYSROOT: a directory prefixed to every file the core names (NULL: none).
 */
int pyleaks_open_core(struct pyleaks *pl, const char *core, const char *exe, const char *sysroot);
/** Open the stopped live process PID, read through /proc/PID/mem. SYSROOT as above. */
int pyleaks_open_pid(struct pyleaks *pl, int pid, const char *sysroot);

/** Reads LEN bytes of target memory at ADDR into BUF: 0 on success, -1 if they cannot be had. */
typedef int (*pyleaks_read_fn)(void *arg, uint64_t addr, void *buf, size_t len);
/**
 * Open a stopped process that only the caller can read (a remote target behind gdbserver,
 * read with gdb's own reads): READ(ARG, ...) reads its memory, MAPS lists its mappings in the
 * format of /proc/PID/maps ("lo-hi perms offset dev inode path" per line), AT_PHDR is its
 * AT_PHDR auxv entry (0 if unknown), DESCRIPTION names it in reports ("remote process 123").
 * Reads are cached in large pages for the life of the session: open a new session after the
 * process has run. Files it maps are read from this machine, under SYSROOT as above.
 */
int pyleaks_open_remote(struct pyleaks *pl, const char *description, const char *maps,
			uint64_t at_phdr, pyleaks_read_fn read, void *arg, const char *sysroot);

/**
 * A GC list the runtime's state does not name: a collection that is running keeps the objects
 * it found unreachable (and those with legacy finalizers) on lists that are local variables of
 * the collector's C function, which only a debugger sees (gdb's frames). [in] HEAD: the list's
 * head (a bare PyGC_Head); [in] GENERATION: the generation being collected (its objects came
 * from there: 0-2); [in] WHAT: what it is, for the report ("unreachable in gc_collect_main").
 * After opening, before the first report; up to 8.
 */
int pyleaks_add_gc_list(struct pyleaks *pl, uint64_t head, int generation, const char *what);

/** @defgroup reports Reports */
enum pyleaks_format { PYLEAKS_TEXT = 0, PYLEAKS_JSON = 1, PYLEAKS_DOT = 2 /**< referrers only */ };
enum pyleaks_sort { PYLEAKS_SORT_COUNT = 0, PYLEAKS_SORT_SIZE = 1 };

/**
 * The leak census: Python version, interpreters, tracked objects per generation, the types with
 * the most instances (or bytes), gc.garbage. [in] TOP: how many types (0: all; -1: the format's
 * default, 20 for text and all for JSON). [in] TYPE_NAME: if not NULL, also list the addresses
 * of every instance of that type. [out] OUT: the report, freed with pyleaks_free().
 * The heap is walked on the first report and reused by later ones.
 */
int pyleaks_leaks_report(struct pyleaks *pl, enum pyleaks_format format, int top,
			 enum pyleaks_sort sort, const char *type_name, char **out);

/**
 * What leaks: the leak suspects, most retained memory first: at most MAX of those that retain
 * 1% of the heap or more (the first always), or with MAX 0 all of them. Kinds:
 * accumulation points (a container whose many items of one kind retain most of what it
 * holds, or a linked chain of one type), unreachable cycles (grouped by their types, with
 * finalizers and the collector's state), objects held from C (by type, with the references
 * the heap does not explain) and gc.garbage (by type, with why each is there). Each with its
 * count, retained bytes, share of the heap, holder and chain from a root. TEXT or JSON.
 * Builds the graph (untracked objects included) and its dominator tree on first use.
 * [out] OUT: the report, freed with pyleaks_free().
 */
int pyleaks_suspects_report(struct pyleaks *pl, enum pyleaks_format format, int max, char **out);

/**
 * The objects that retain most memory (what would be freed with each: the dominator tree),
 * biggest first, at most TOP (0: all), each with its retained bytes and objects, its share of
 * the heap and its chain from a root. TEXT or JSON. [out] OUT: freed with pyleaks_free().
 */
int pyleaks_retained_report(struct pyleaks *pl, enum pyleaks_format format, int top, char **out);

/**
 * The names of the types with instances that complete PREFIX ("" for all), one per line,
 * sorted: full names ("__main__.Session") and the ends of them ("Session"), as --type takes
 * them. Walks the heap on first use. [out] OUT: freed with pyleaks_free().
 */
int pyleaks_type_names(struct pyleaks *pl, const char *prefix, char **out);

/**
 * The outgoing references of the object at ADDRESS, each labelled with where it is held
 * ("[3]", "['key']", ".attr", "__class__", "local name"), with the type of what it refers to
 * and its kind: strong, weak (does not keep it alive) or conservative (a word of a C type
 * without a decoder that holds a tracked object's address). TEXT or JSON. [out] OUT: the
 * report, freed with pyleaks_free().
 */
int pyleaks_refs_report(struct pyleaks *pl, enum pyleaks_format format, uint64_t address,
			char **out);

/**
 * Who keeps the object at ADDRESS alive: chains of references from roots down to it, shortest
 * first, each to a different root, at most MAX_CHAINS chains of at most MAX_DEPTH references,
 * each step labelled. Roots: module objects, the frames and state of every thread, each
 * interpreter's state, static types, and objects held from C (their reference count exceeds
 * what the heap explains). From one object at most MAX_FAN_IN referrers are followed (those
 * nearest a root); the report says where that cut. It also says what became of the object's
 * other referrers (cold trails that lead back into the chain) and, with no chain, the nearest
 * root or that only reference cycles keep it. With TYPE_NAME (not NULL), ADDRESS is ignored
 * and every instance of that type is followed to a root instead; the chains are merged by
 * shape (indexes collapsed to [*], repeated steps to one) and the MAX_CHAINS largest groups
 * shown. TEXT, JSON or DOT (graphviz). The graph is built on the first call and reused.
 * [out] OUT: the report, freed with pyleaks_free().
 */
int pyleaks_referrers_report(struct pyleaks *pl, enum pyleaks_format format, uint64_t address,
			     const char *type_name, int max_depth, int max_chains, int max_fan_in,
			     char **out);

/** What pyleaks_graph_export() adds to each object's line. */
enum { PYLEAKS_GRAPH_LABELS = 1,      /**< "labels": one per reference (every object is decoded
				       * again: slower) */
       PYLEAKS_GRAPH_DOMINATORS = 2 }; /**< "idom" (its immediate dominator, "" for a root,
				       * null if no root reaches it), "retained" (bytes) and
				       * "retained_objects" (the dominator tree is built) */
/**
 * Write the reference graph to PATH ("-" for standard output) as JSON lines: one line per
 * object, tracked or not, {"address", "type", "tracked", "size" (sys.getsizeof), "refcount",
 * "root_kind" (only for an object that is a root: "module", "thread" (a frame object standing
 * for its thread's frame), "held-from-c"), "refs": [addresses of the objects it holds, once
 * per reference]}, then one per root that is no object, {"root": kind, "address", "refs"}. FLAGS (PYLEAKS_GRAPH_*, or 0) add to each object's line.
 * For checking and for analyses of one's own.
 */
int pyleaks_graph_export(struct pyleaks *pl, const char *path, int flags);

/** @defgroup inprocess In-process mode (see helper/agent/agent_abi.h) */
enum {
	PYLEAKS_AGENT_ALL = 1,    /**< traverse every object, not only those read-only scans guess at */
	PYLEAKS_AGENT_CENSUS = 2, /**< the census: the agent counts and sizes every object in place */
	PYLEAKS_AGENT_TALLY = 4,  /**< with CENSUS: per-type tallies, not a record per object */
};
/**
 * The request for the in-process agent (libpyleaks-agent.so, loaded into the stopped process
 * PL has open with pyleaks_open_pid): the collector's lists to walk and the types whose
 * instances to traverse with their own tp_traverse. Walks the heap (read-only) if it has not
 * been. The caller writes the LEN bytes of *BYTES into the process (in a mapping of its own),
 * calls pyleaks_agent_run on them there, and hands what came back to pyleaks_agent_result.
 * Before the session's first report only. [out] BYTES: freed with pyleaks_free().
 */
int pyleaks_agent_request(struct pyleaks *pl, int flags, char **bytes, size_t *len);
/**
 * With PYLEAKS_AGENT_CENSUS, the request is for the census instead, before the heap is walked:
 * the agent walks the lists, sizes every object and finds the untracked ones through each
 * object's tp_traverse, the fields the read-only decoders read beyond it and the roots; its
 * records become the session's heap (census, snapshots and growth need nothing more; chains and
 * references read the objects read-only on top of it). With PYLEAKS_AGENT_TALLY too, it
 * returns per-type tallies instead of a record per object: enough for the census report
 * without --type, and much less to write and read; a report that needs every object (a type's
 * instances, snapshots, growth, references) walks again (call this again without TALLY first
 * to have the agent list them). pyleaks_agent_result fails with PYLEAKS_ELIMIT if a tally
 * could not be completed (more objects of a type read on top of it than it lists): ask again
 * without TALLY.
 *
 * What the agent did: REQUEST is where the caller wrote the request in the process; the agent's
 * answer there (its status, per-list counts and output mapping) and its output are read back
 * through /proc/PID/mem and checked (the counts must be those of the read-only walk of the same
 * stop). From then on the session is in-process: references that read-only scans would guess
 * at come from each object's tp_traverse. Call pyleaks_agent_release in the process after.
 */
int pyleaks_agent_result(struct pyleaks *pl, uint64_t request);
/** Was a garbage collection running when the target stopped? [out] COLLECTING: 1 yes, 0 no,
 * -1 unknown (the build does not say). Walks the heap if it has not been. */
int pyleaks_gc_collecting(struct pyleaks *pl, int *collecting);
/** "read-only" or "in-process" once a target is open; NULL before. */
const char *pyleaks_mode(const struct pyleaks *pl);
/** How many objects the agent traversed and how many references it recorded. */
int pyleaks_agent_stats(const struct pyleaks *pl, uint64_t *objects, uint64_t *edges);

/** @defgroup growth Growth between stops and between cores */
/**
 * A snapshot: the census and the identity (address and type name) of every object of a target
 * at one moment, tracked or not. It does not depend on the session it was taken from: keep it
 * across stops of a process, or write it to a file and read it back in another session.
 */
struct pyleaks_snapshot;

/** Take the snapshot NAME of PL's target as it is now. [out] RET: freed with
 * pyleaks_snapshot_free(). */
int pyleaks_snapshot_take(struct pyleaks *pl, const char *name, struct pyleaks_snapshot **ret);
/** Write S to PATH (errors are PL's). */
int pyleaks_snapshot_save(struct pyleaks *pl, const struct pyleaks_snapshot *s, const char *path);
/** Read a snapshot from PATH (errors are PL's; PL needs no target). */
int pyleaks_snapshot_load(struct pyleaks *pl, const char *path, struct pyleaks_snapshot **ret);
/** The name S was taken under. */
const char *pyleaks_snapshot_name(const struct pyleaks_snapshot *s);
/** How many objects S holds. */
uint64_t pyleaks_snapshot_objects(const struct pyleaks_snapshot *s);
void pyleaks_snapshot_free(struct pyleaks_snapshot *s);

/**
 * What grew since SINCE: per type, the count and size now, the change, and how many objects
 * are new (not in the snapshot: another address, or another type there), most grown first;
 * at most TOP types (0: all). With NEW_TYPE (not NULL), also the addresses of that type's new
 * instances. Nothing is collected or run in the target. TEXT or JSON. [out] OUT: freed with
 * pyleaks_free().
 */
int pyleaks_growth_report(struct pyleaks *pl, struct pyleaks_snapshot *since,
			  enum pyleaks_format format, int top, const char *new_type, char **out);

/** Python version of the target ("3.12.1"), once a target is open; NULL before. */
const char *pyleaks_python_version(const struct pyleaks *pl);

#ifdef __cplusplus
}
#endif

#endif
