/* SPDX-License-Identifier: MIT */
/* report.h - turning a walked heap into text for people and JSON (schema 1) for programs. */
#ifndef PL_REPORT_H
#define PL_REPORT_H

#include <stdbool.h>

#include "base/error.h"
#include "graph/dominators.h"
#include "graph/paths.h"
#include "graph/suspects.h"
#include "heap/heap.h"
#include "heap/snapshot.h"
#include "refs/refs.h"
#include "report/steps.h"
#include "runtime/runtime.h"

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

struct pl_strbuf;

/* The first lines of a text report: the Python version, the target, the runtime's file and
 * where its layout came from. */
void pl_report_text_head(struct pl_strbuf *sb, const struct pl_runtime *rt, const char *desc);
/* The line that says a report is of a salvaged heap (runtime.h), if it is. */
void pl_report_text_salvaged(struct pl_strbuf *sb, const struct pl_runtime *rt);

/* The start of a JSON report: {"schema": 1, "python": {"version", "runtime", "layout"} (the
 * object left open for the report's own keys). */
void pl_report_json_head(struct pl_strbuf *sb, const struct pl_runtime *rt);

/* 1234567 as "1,234,567"; 5300000 bytes as "5.1 MiB". Return BUF. */
const char *pl_fmt_count(char *buf, size_t size, uint64_t v);
const char *pl_fmt_size(char *buf, size_t size, uint64_t v);

/* Formats of the reports (the public enum pyleaks_format has the same values). */
enum pl_format { PL_FORMAT_TEXT = 0, PL_FORMAT_JSON = 1, PL_FORMAT_DOT = 2 };

/* The outgoing references of the object at ADDR, labelled, with their types and kinds, to *OUT
 * (caller frees). TEXT or JSON. */
struct pl_error *pl_report_refs(struct pl_refs *r, const char *target_description,
				uint64_t addr, enum pl_format format, char **out);

struct pl_referrers_options {
	enum pl_format format;
	unsigned max_depth;   /* longest chain searched for one object */
	unsigned max_chains;  /* chains (or shapes with a type) shown */
	unsigned max_fan_in;  /* referrers followed from one object */
};

/* Referrer chains from roots to the object at ADDR, with labels, what became of its other
 * referrers, and the nearest root if no chain is short enough, to *OUT (caller frees). */
struct pl_error *pl_report_referrers(struct pl_labels *L, const struct pl_reach *reach,
				     const char *target_description, uint64_t addr,
				     const struct pl_referrers_options *o, char **out);

/* For every instance of TYPE_NAME, its shortest chain from a root, grouped by shape (types and
 * labels, indexes collapsed to [*], repeats to one step), most instances first; at most
 * o->max_chains shapes. */
struct pl_error *pl_report_type_referrers(struct pl_labels *L, const struct pl_reach *reach,
					  const char *target_description, const char *type_name,
					  const struct pl_referrers_options *o, char **out);

/* Write the graph L labels to PATH ("-": standard output) as JSON lines (see
 * pyleaks_graph_export), the objects that are roots (of REACH) marked; LABELS: with each
 * reference's label; DOM (if not NULL): with each object's immediate dominator and retained
 * size. */
struct pl_error *pl_graph_export(struct pl_labels *L, const struct pl_reach *reach, bool labels,
				 const struct pl_dominators *dom, const char *path);

struct pl_suspects_options {
	enum pl_format format;
	unsigned max;         /* suspects shown, of those that retain 1% of the heap or more (the
			       * first always); 0 = all */
};

/* The leak suspects S (found on the graph L labels, with REACH), ranked, each with its chain
 * from a root, to *OUT (caller frees). TEXT or JSON. */
struct pl_error *pl_report_suspects(struct pl_labels *L, const struct pl_reach *reach,
				    const struct pl_suspects *s, const char *target_description,
				    const char *warnings, const struct pl_suspects_options *o,
				    char **out);

struct pl_retained_options {
	enum pl_format format;
	unsigned top;         /* objects shown; 0 = all */
};

/* The objects of the graph L labels that retain most (DOM), biggest first, each with its
 * chain from a root, to *OUT (caller frees). TEXT or JSON. */
struct pl_error *pl_report_retained(struct pl_labels *L, const struct pl_reach *reach,
				    const struct pl_dominators *dom, const char *target_description,
				    const struct pl_retained_options *o, char **out);

struct pl_growth_options {
	bool json;
	unsigned top;          /* types shown; 0 = all */
	const char *new_type;  /* also list the new instances of this type, or NULL */
};

/* What grew in heap H since snapshot S (its index built on first use), to *OUT (caller
 * frees). TEXT or JSON. Fails with PL_ERR_LOOKUP if NEW_TYPE names no type. */
struct pl_error *pl_report_growth(const struct pl_runtime *rt, const struct pl_heap *h,
				  struct pl_snapshot *s, const char *target_description,
				  const struct pl_growth_options *o, char **out);

#endif
