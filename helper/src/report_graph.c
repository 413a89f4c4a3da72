/* SPDX-License-Identifier: MIT */
/* report_graph.c - the whole reference graph as JSON lines, written straight to a file (it can
 * be hundreds of megabytes): one line per object, then one per root. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "report.h"
#include "steps.h"
#include "strbuf.h"

/* Write one node's line to F. */
static void node_line(FILE *f, const struct pl_graph *g, uint32_t v, struct pl_strbuf *sb)
{
	sb->len = 0; /* the buffer is reused line after line */
	if (v < g->n) {
		uint32_t rc = g->refcount[v];
		pl_strbuf_printf(sb, "{\"address\": \"0x%" PRIx64 "\", \"type\": ", pl_node_address(g, v));
		pl_strbuf_json_string(sb, pl_node_type_name(g, v));
		pl_strbuf_printf(sb, ", \"refcount\": %lld, \"refs\": [",
				 rc == PL_REFCOUNT_UNKNOWN ? -1LL : (long long)rc);
	} else {
		pl_strbuf_printf(sb, "{\"root\": \"%s\", \"address\": \"0x%" PRIx64 "\", \"refs\": [",
				 pl_node_type_name(g, v), pl_node_address(g, v));
	}
	for (uint64_t k = g->fwd_off[v]; k < g->fwd_off[v + 1]; k++)
		pl_strbuf_printf(sb, "%s\"0x%" PRIx64 "\"", k > g->fwd_off[v] ? ", " : "",
				 pl_node_address(g, g->fwd[k]));
	pl_strbuf_printf(sb, "]}\n");
	if (sb->data)
		fwrite(sb->data, 1, sb->len, f);
}

struct pl_error *pl_graph_export(const struct pl_graph *g, const char *path)
{
	bool to_stdout = strcmp(path, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(path, "w");
	if (!f)
		return pl_error_os(errno, "cannot write", path);
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	for (size_t v = 0; v < g->n + g->nroots && !sb.failed; v++)
		node_line(f, g, (uint32_t)v, &sb);
	bool failed = sb.failed;
	pl_strbuf_deinit(&sb);
	int rc = to_stdout ? fflush(f) : fclose(f);
	if (failed)
		return &pl_enomem;
	if (rc != 0)
		return pl_error_os(errno, "cannot write", path);
	return NULL;
}
