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
#include "graph/paths.h"
#include "refs/refs.h"
#include "refs/roots.h"

enum { PL_LABEL_MAX = 192 };

/* Labels of references, decoded once per referrer and kept for a while (a container holding
 * many objects on many paths is decoded once). */
struct pl_labels;

struct pl_error *pl_labels_create(struct pl_refs *r, const struct pl_graph *g,
				  struct pl_labels **ret);
void pl_labels_destroy(struct pl_labels *L);

/* The graph and the decoder labels are read with. */
const struct pl_graph *pl_labels_graph(const struct pl_labels *L);
struct pl_refs *pl_labels_refs(const struct pl_labels *L);

/* How node FROM holds node TO, into BUF ("?" if the reference is not found again). */
void pl_labels_get(struct pl_labels *L, uint32_t from, uint32_t to, char *buf, size_t max);

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

/* The type name of node V (an object), or the kind of root it is. */
const char *pl_node_type_name(const struct pl_graph *g, uint32_t v);

/* Node V for people: "class __main__.Node at 0x...", "dict at 0x...", a root's kind. Returns BUF. */
const char *pl_node_name(const struct pl_graph *g, uint32_t v, char *buf, size_t max);

/* The address of node V: the object, or what a virtual root stands for. */
uint64_t pl_node_address(const struct pl_graph *g, uint32_t v);

#endif
