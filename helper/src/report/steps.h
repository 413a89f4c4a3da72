/* SPDX-License-Identifier: MIT */
/* steps.h - turning a path of graph nodes into what people read: each step labelled with how
 * the one before holds it, an instance dict folded into the attribute it holds (".name", as
 * 3.11+ instances without a dict show it), a closure cell named by its free variable; and who
 * the root is. Shared by the chain and the merged-shape reports. */
#ifndef PL_STEPS_H
#define PL_STEPS_H

#include <stddef.h>
#include <stdint.h>

#include "graph/graph.h"
#include "graph/labels.h"
#include "graph/paths.h"
#include "refs/refs.h"
#include "refs/roots.h"

struct pl_step {
	uint32_t node;
	char label[PL_LABEL_MAX]; /* "" for a root that is an object itself */
};

/* The label of the step to V held by P, itself held by PP (PL_UNREACHED if P is the first
 * node): how P holds V, except that an object's attribute held in its instance dict is
 * ".name" held by the object (*FOLDS_PARENT is then true: P, the dict, is no step of its own)
 * and a closure cell is "free var NAME". */
void pl_step_label(struct pl_labels *L, uint32_t pp, uint32_t p, uint32_t v, char *buf,
		   size_t max, bool *folds_parent);

/* Is DICT, held by FROM, a namespace: a module's or a class's own __dict__ (its keys are the
 * names of globals or class attributes)? */
bool pl_step_namespace(struct pl_labels *L, uint32_t from, uint32_t dict);

/* The steps of the path PATH[0..LEN) (the root first). A root that is an object is step 0
 * with the label ""; a virtual root is not a step: the first step is labelled with how it
 * holds it. Writes at most LEN steps to OUT and returns how many. */
size_t pl_steps_of(struct pl_labels *L, const uint32_t *path, size_t len, struct pl_step *out);

/* Who a root is. */
struct pl_root_desc {
	enum pl_root_kind kind;
	char name[384];             /* "module __main__", "thread 'worker' (ident 0x..)", ... */
	char where[768];            /* thread frames: "drain() at /x/prog.py:23"; else "" */
	uint64_t address;           /* the root object, or the thread state / interpreter / type */
	int64_t refcount, explained; /* held from C: its count and the references explained */
	struct pl_root_thread thread;
};

void pl_root_desc_of(struct pl_labels *L, uint32_t root, struct pl_root_desc *d);

/* "root: module __main__", "root: thread 'worker' (...), in drain() at f.py:23", ... */
void pl_root_desc_text(const struct pl_root_desc *d, char *buf, size_t max);

struct pl_strbuf;

/* The root as JSON: {"kind", "name" (a module's or thread's name, a type's name, ...),
 * "detail": {"address", and per kind: thread name, ident, function, file, line; held from C:
 * refcount, explained, excess}}. */
void pl_root_desc_json(struct pl_strbuf *sb, const struct pl_root_desc *d);

#endif
