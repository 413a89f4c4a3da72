/* SPDX-License-Identifier: MIT */
/* suspects.h - naming the leak: the places where objects pile up, ranked by what they retain.
 * Four kinds: accumulation points (a container whose many items of one kind retain most of
 * what it holds, found on the dominator tree as Eclipse MAT does; or a linked chain of one
 * type), unreachable cycles (strongly connected components no root reaches, grouped by the
 * types they hold), objects held from C (reference counts the heap does not explain, by
 * type) and gc.garbage (by type, with why each is there). Data only: report_suspects.c
 * writes it. */
#ifndef PL_SUSPECTS_H
#define PL_SUSPECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "graph/dominators.h"
#include "graph/graph.h"
#include "graph/labels.h"
#include "graph/paths.h"
#include "runtime/runtime.h"

enum pl_suspect_kind {
	PL_SUSPECT_ACCUMULATION,
	PL_SUSPECT_CYCLES,     /* unreachable cycles */
	PL_SUSPECT_HELD,       /* held from C */
	PL_SUSPECT_GARBAGE,    /* gc.garbage */
};

enum { PL_SUSPECT_MAX_WRAPS = 4 };

/* Why objects of a garbage group are in gc.garbage. */
enum pl_garbage_reason {
	PL_GARBAGE_SAVEALL,          /* gc.DEBUG_SAVEALL keeps all the collector finds */
	PL_GARBAGE_LEGACY_FINALIZER, /* its type has tp_del: the collector will not free it */
	PL_GARBAGE_PROGRAM,          /* none of those: the program put it there */
};

struct pl_suspect {
	enum pl_suspect_kind kind;
	uint32_t type;        /* heap type (the first of its name) of what piles up */
	uint64_t count;       /* how many of them */
	uint64_t retained;    /* bytes freed with them (with the holder, for an accumulation) */
	uint64_t objects;     /* objects freed with them */
	/* ACCUMULATION: the container (or the head of a chain); HELD, CYCLES, GARBAGE: one of
	 * them; GARBAGE: also the gc.garbage list in garbage_list (or PL_UNREACHED) */
	uint32_t holder;
	uint32_t example;     /* one of what piles up */
	bool chain;           /* ACCUMULATION: a linked chain of the type, each holding the next */
	uint64_t holders;     /* ACCUMULATION: containers of one shape merged into this suspect */
	uint64_t holder_bytes; /* ... their own sizes */
	uint32_t next_link;   /* ... its second link (the holder is the first) */
	uint64_t items;       /* ACCUMULATION: the holder's items of the kind that piles up */
	uint64_t items_retained; /* ... and what they retain */
	uint32_t wraps[PL_SUSPECT_MAX_WRAPS]; /* ACCUMULATION: the types that wrap what piles up,
					       * from the holder's items down (a bound method) */
	size_t nwraps;
	uint32_t wrap_example[PL_SUSPECT_MAX_WRAPS]; /* one object of each wrapper type */
	uint64_t excess;      /* HELD: references the heap does not explain, in all */
	uint64_t cycles;      /* CYCLES: strongly connected components in the group */
	uint64_t group_objects; /* CYCLES: objects in them; the types are in group_types */
	uint32_t *group_types; /* CYCLES: heap types of the group, most bytes first */
	uint64_t *group_type_counts;
	size_t ngroup_types;
	uint8_t max_gen;      /* CYCLES: the oldest generation a member is in */
	enum pl_garbage_reason garbage_reason; /* GARBAGE */
	uint32_t garbage_list; /* GARBAGE: the gc.garbage list's node, or PL_UNREACHED */
};

struct pl_suspects {
	struct pl_suspect *v; /* ranked: most retained first */
	size_t n;
	uint64_t heap_size, heap_objects;  /* every object of the graph */
	uint64_t unreached_objects, unreached_size;
	uint64_t held_objects, garbage_objects;
};

/* The suspects of the graph L labels (its reach and dominator tree given). *RET is freed with
 * pl_suspects_destroy. */
struct pl_error *pl_suspects_find(struct pl_labels *L, const struct pl_reach *reach,
				  const struct pl_dominators *dom, struct pl_suspects **ret);
void pl_suspects_destroy(struct pl_suspects *s);

/* Does the type at TYPE have a finalizer: 1 tp_finalize (__del__ of a class, PEP 442), 2 a
 * legacy tp_del, 0 none. */
int pl_type_finalizer(struct pl_runtime *rt, uint64_t type);

#endif
