/* SPDX-License-Identifier: MIT */
/* report_graph.c - the whole reference graph as JSON lines, written straight to a file (it can
 * be hundreds of megabytes): one line per object, then one per root; with labels, each
 * reference's label (decoded again, object by object: slower). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "report/report.h"
#include "report/steps.h"

/* The labelled edges of one node, decoded again: the same references the graph holds. */
struct labelled {
	const struct pl_graph *g;
	struct pl_strbuf *refs, *labels;
	size_t n;
};

static bool labelled_edge(void *arg, uint64_t target, const char *label, enum pl_ref_kind kind)
{
	struct labelled *e = arg;
	if (kind == PL_REF_WEAK || pl_heap_find_object(e->g->heap, target) < 0)
		return true;
	pl_strbuf_printf(e->refs, "%s\"0x%" PRIx64 "\"", e->n ? ", " : "", target);
	char marked[PL_LABEL_MAX];
	snprintf(marked, sizeof(marked), "%s%s", label, kind == PL_REF_CONSERVATIVE ? " (conservative)" : "");
	pl_strbuf_printf(e->labels, "%s", e->n ? ", " : "");
	pl_strbuf_json_string(e->labels, marked);
	e->n++;
	return true;
}

/* Write one node's line to F; with L, each reference's label too. */
/* Where node V stands in the dominator tree. */
static void dominator_fields(struct pl_strbuf *sb, const struct pl_graph *g,
			     const struct pl_dominators *dom, uint32_t v)
{
	uint32_t idom = dom->idom[v];
	if (idom == PL_UNREACHED) {
		pl_strbuf_printf(sb, ", \"idom\": null");
		return;
	}
	if (idom == PL_DOM_SUPER)
		pl_strbuf_printf(sb, ", \"idom\": \"\"");
	else
		pl_strbuf_printf(sb, ", \"idom\": \"0x%" PRIx64 "\"", pl_node_address(g, idom));
	pl_strbuf_printf(sb, ", \"retained\": %" PRIu64 ", \"retained_objects\": %" PRIu32,
			 dom->retained[v], dom->retained_objects[v]);
}

/* What one export needs to write a line. */
struct export {
	struct pl_labels *L;          /* with labels, else NULL */
	struct pl_runtime *rt;
	const struct pl_graph *g;
	const struct pl_reach *reach;
	const struct pl_dominators *dom; /* or NULL */
};

static void node_line(FILE *f, const struct export *x, uint32_t v, struct pl_strbuf *sb,
		      struct pl_strbuf *labels)
{
	struct pl_labels *L = x->L;
	const struct pl_graph *g = x->g;
	sb->len = 0; /* the buffer is reused line after line */
	if (v < g->n) {
		uint32_t rc = g->refcount[v];
		pl_strbuf_printf(sb, "{\"address\": \"0x%" PRIx64 "\", \"type\": ", pl_node_address(g, v));
		pl_strbuf_json_string(sb, pl_node_type_name(g, v));
		pl_strbuf_printf(sb, ", \"tracked\": %s, \"size\": %" PRIu64 ", \"refcount\": %lld",
				 pl_heap_is_tracked(g->heap, v) ? "true" : "false",
				 g->heap->objects[v].size, rc == PL_REFCOUNT_UNKNOWN ? -1LL : (long long)rc);
		if (pl_paths_is_root(x->rt, g, x->reach, v)) {
			pl_strbuf_printf(sb, ", \"root_kind\": ");
			pl_strbuf_json_string(sb, pl_root_kind_name(pl_paths_root_kind(x->rt, g, v)));
		}
		if (x->dom)
			dominator_fields(sb, g, x->dom, v);
		pl_strbuf_printf(sb, ", \"refs\": [");
	} else {
		pl_strbuf_printf(sb, "{\"root\": \"%s\", \"address\": \"0x%" PRIx64 "\", \"refs\": [",
				 pl_node_type_name(g, v), pl_node_address(g, v));
	}
	if (L) {
		labels->len = 0;
		struct labelled e = { g, sb, labels, 0 };
		struct pl_error *err = v < g->n
			? pl_refs_each(pl_labels_refs(L), g->heap->objects[v].addr, true, labelled_edge, &e)
			: pl_roots_each_ref(pl_labels_refs(L), &g->roots->v[v - g->n], true, labelled_edge, &e);
		pl_error_destroy(err);
		pl_strbuf_printf(sb, "], \"labels\": [");
		if (labels->data)
			pl_strbuf_append(sb, labels->data, labels->len);
	} else {
		for (uint64_t k = g->fwd_off[v]; k < g->fwd_off[v + 1]; k++)
			pl_strbuf_printf(sb, "%s\"0x%" PRIx64 "\"", k > g->fwd_off[v] ? ", " : "",
					 pl_node_address(g, g->fwd[k]));
	}
	pl_strbuf_printf(sb, "]}\n");
	if (sb->data)
		fwrite(sb->data, 1, sb->len, f);
}

struct pl_error *pl_graph_export(struct pl_labels *L, const struct pl_reach *reach, bool labels,
				 const struct pl_dominators *dom, const char *path)
{
	const struct pl_graph *g = pl_labels_graph(L);
	struct export x = { labels ? L : NULL, pl_labels_refs(L)->rt, g, reach, dom };
	bool to_stdout = strcmp(path, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(path, "w");
	if (!f)
		return pl_error_os(errno, "cannot write", path);
	struct pl_strbuf sb, lb;
	pl_strbuf_init(&sb);
	pl_strbuf_init(&lb);
	for (size_t v = 0; v < g->n + g->nroots && !sb.failed && !lb.failed; v++)
		node_line(f, &x, (uint32_t)v, &sb, &lb);
	bool failed = sb.failed || lb.failed;
	pl_strbuf_deinit(&sb);
	pl_strbuf_deinit(&lb);
	int rc = to_stdout ? fflush(f) : fclose(f);
	if (failed)
		return &pl_enomem;
	if (rc != 0)
		return pl_error_os(errno, "cannot write", path);
	return NULL;
}
