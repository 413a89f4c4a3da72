/* SPDX-License-Identifier: MIT */
/* labels.h - what people read of the graph: how one node holds another ("['key']", ".attr",
 * "[3]", "local name"), decoded again from the referrer when asked (labels are not stored in
 * the graph) and kept for a while, so that a container on many paths is decoded once; and the
 * name, type and address of a node. */
#ifndef PL_LABELS_H
#define PL_LABELS_H

#include <stddef.h>
#include <stdint.h>

#include "graph/graph.h"
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

/* The type name of node V (an object), or the kind of root it is. */
const char *pl_node_type_name(const struct pl_graph *g, uint32_t v);

/* Node V for people: "class __main__.Node at 0x...", "dict at 0x...", a root's kind. Returns BUF. */
const char *pl_node_name(const struct pl_graph *g, uint32_t v, char *buf, size_t max);

/* The address of node V: the object, or what a virtual root stands for. */
uint64_t pl_node_address(const struct pl_graph *g, uint32_t v);

#endif
