/* SPDX-License-Identifier: MIT */
/* report.h - turning a walked heap into text for people and JSON (schema 1) for programs. */
#ifndef PL_REPORT_H
#define PL_REPORT_H

#include <stdbool.h>

#include "error.h"
#include "heap.h"
#include "runtime.h"

struct pl_leaks_options {
	bool json;
	int top;               /* types to show; 0 = all */
	bool by_size;          /* sort by shallow size instead of count */
	const char *type_name; /* list instances of this type, or NULL */
};

/* Write the census report to *OUT (caller frees). Fails with PL_ERR_LOOKUP if TYPE_NAME names
 * no type on the GC lists. */
struct pl_error *pl_report_leaks(const struct pl_runtime *rt, const struct pl_heap *h,
				 const char *target_description, const char *warnings,
				 const struct pl_leaks_options *o, char **out);

/* The outgoing references of the object at ADDR, labelled, with their types, to *OUT (caller
 * frees). */
struct pl_error *pl_report_refs(struct pl_runtime *rt, const char *target_description,
				uint64_t addr, bool json, char **out);

struct pl_graph;

/* Referrer chains from roots to the object at ADDR (at most MAX_CHAINS, each at most MAX_DEPTH
 * references), with labels, to *OUT (caller frees). */
struct pl_error *pl_report_referrers(struct pl_runtime *rt, const struct pl_graph *g,
				     const char *target_description, uint64_t addr,
				     unsigned max_depth, unsigned max_chains, bool json, char **out);

/* For every instance of TYPE_NAME, its shortest chain from a root, grouped by shape (types and
 * labels, indexes collapsed to [*]), most instances first; at most MAX_GROUPS shapes. */
struct pl_error *pl_report_type_referrers(struct pl_runtime *rt, const struct pl_graph *g,
					  const char *target_description, const char *type_name,
					  unsigned max_depth, unsigned max_groups, bool json,
					  char **out);

#endif
