/* SPDX-License-Identifier: MIT */
/* report.c - the leak census as text and as JSON schema 1. The one place that formats it:
 * the CLI and the gdb command both print what this returns. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "heap/type_names.h"
#include "report/report.h"
#include "runtime/pyread.h"

static const char *const gen_labels[PL_GENERATIONS] = { "0", "1", "2", "permanent" };

/* A row of the census: the tracked or the untracked instances of one type. Sort keys are
 * copied out of the type table, so that qsort needs no context. */
struct row {
	uint64_t key1, key2;
	const char *name;
	uint32_t type;
	bool untracked;
};

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->key1 != y->key1)
		return x->key1 > y->key1 ? -1 : 1;
	if (x->key2 != y->key2)
		return x->key2 > y->key2 ? -1 : 1;
	if (x->untracked != y->untracked)
		return x->untracked ? 1 : -1;
	return strcmp(x->name, y->name);
}

static uint64_t row_count(const struct pl_heap *h, const struct row *r)
{
	return r->untracked ? h->types[r->type].ucount : h->types[r->type].count;
}

static uint64_t row_size(const struct pl_heap *h, const struct row *r)
{
	return r->untracked ? h->types[r->type].usize : h->types[r->type].size;
}

/* The rows with instances, most first. */
static struct pl_error *sorted_rows(const struct pl_heap *h, bool by_size, struct row **ret,
				    size_t *n_ret)
{
	struct row *rows = malloc((2 * h->ntypes + 1) * sizeof(*rows));
	if (!rows)
		return &pl_enomem;
	size_t n = 0;
	for (size_t i = 0; i < h->ntypes; i++) {
		const struct pl_type *ty = &h->types[i];
		for (int u = 0; u < 2; u++) {
			uint64_t count = u ? ty->ucount : ty->count, size = u ? ty->usize : ty->size;
			if (count)
				rows[n++] = (struct row){ by_size ? size : count, by_size ? count : size,
							  ty->name, (uint32_t)i, u == 1 };
		}
	}
	pl_sort(rows, n, sizeof(*rows), row_cmp);
	*ret = rows;
	*n_ret = n;
	return NULL;
}

void pl_report_text_head(struct pl_strbuf *sb, const struct pl_runtime *rt, const char *desc)
{
	bool inproc = strcmp(rt->target->mode, "in-process") == 0;
	pl_strbuf_printf(sb, "Python %s, %s%s\n", rt->version, desc,
			 inproc ? " (in-process: references from each type's tp_traverse)" : "");
	pl_strbuf_printf(sb, "runtime: %s (layout from %s)\n", rt->image_path, rt->layout_source);
	pl_report_text_salvaged(sb, rt);
}

void pl_report_text_salvaged(struct pl_strbuf *sb, const struct pl_runtime *rt)
{
	if (rt->salvaged)
		pl_strbuf_printf(sb, "SALVAGED: the core lost the runtime's own state with %.1f MiB of "
				     "its %.1f MiB of memory; what follows was found by scanning the "
				     "memory left, with the runtime's data (%.1f MiB) as its file has "
				     "it before startup, and is partial\n",
				 (double)rt->lost_bytes / (1024.0 * 1024.0),
				 (double)rt->memory_bytes / (1024.0 * 1024.0),
				 (double)rt->restored_bytes / (1024.0 * 1024.0));
}

void pl_report_json_head(struct pl_strbuf *sb, const struct pl_runtime *rt)
{
	pl_strbuf_printf(sb, "{\"schema\": 1, \"python\": {\"version\": ");
	pl_strbuf_json_string(sb, rt->version);
	pl_strbuf_printf(sb, ", \"runtime\": ");
	pl_strbuf_json_string(sb, rt->image_path);
	pl_strbuf_printf(sb, ", \"layout\": ");
	pl_strbuf_json_string(sb, rt->layout_source);
	pl_strbuf_printf(sb, "}, \"mode\": ");
	pl_strbuf_json_string(sb, rt->target->mode);
	if (rt->salvaged)
		pl_strbuf_printf(sb, ", \"salvaged\": {\"lost_bytes\": %" PRIu64 ", \"memory_bytes\": %" PRIu64
				     ", \"restored_bytes\": %" PRIu64 "}",
				 rt->lost_bytes, rt->memory_bytes, rt->restored_bytes);
}

/* 1234567 -> "1,234,567" */
const char *pl_fmt_count(char *buf, size_t size, uint64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	size_t o = 0;
	for (int i = 0; i < n && o + 2 < size; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

const char *pl_fmt_size(char *buf, size_t size, uint64_t v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	size_t u = 0;
	while (d >= 1024 && u + 1 < PL_ARRAY_SIZE(units)) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%" PRIu64 " B", v);
	else
		snprintf(buf, size, "%.1f %s", d, units[u]);
	return buf;
}

/* Every instance of the types WANT means. */
static void instances_text(struct pl_strbuf *sb, const struct pl_heap *h,
			   const struct pl_type_set *want)
{
	char a[32], name[PL_MAX_TYPE_NAME + 64];
	uint64_t untracked = 0;
	for (size_t t = 0; t < h->ntypes; t++)
		untracked += want->member[t] ? h->types[t].ucount : 0;
	pl_strbuf_printf(sb, "\n%s instance%s of %s", pl_fmt_count(a, sizeof(a), want->count),
			 want->count == 1 ? "" : "s", pl_type_set_name(h, want, name, sizeof(name)));
	if (untracked)
		pl_strbuf_printf(sb, " (%s untracked)", pl_fmt_count(a, sizeof(a), untracked));
	pl_strbuf_printf(sb, ":\n");
	for (size_t i = 0; i < h->nobjects; i++)
		if (want->member[h->objects[i].type])
			pl_strbuf_printf(sb, "  0x%" PRIx64 "\n", h->objects[i].addr);
}

static void text_report(struct pl_strbuf *sb, const struct pl_runtime *rt, const struct pl_heap *h,
			const char *desc, const char *warnings, const struct pl_leaks_options *o,
			const struct row *rows, size_t n, const struct pl_type_set *want)
{
	char a[32], b[32];
	uint64_t tracked = pl_heap_tracked(h), untracked = pl_heap_all(h) - tracked;
	pl_report_text_head(sb, rt, desc);
	pl_strbuf_printf(sb, "interpreters: %zu\n", h->ninterpreters);
	pl_strbuf_printf(sb, "objects: %s, %s (as sys.getsizeof counts them)\n",
			 pl_fmt_count(a, sizeof(a), pl_heap_all(h)),
			 pl_fmt_size(b, sizeof(b), h->total_size + h->untracked_size));
	pl_strbuf_printf(sb, "  tracked by the collector: %s, %s; ",
			 pl_fmt_count(a, sizeof(a), tracked), pl_fmt_size(b, sizeof(b), h->total_size));
	if (rt->salvaged)
		pl_strbuf_printf(sb, "generations unknown (salvaged)");
	else
		pl_strbuf_printf(sb, "by generation:");
	for (int g = 0; g < PL_GENERATIONS && !rt->salvaged; g++)
		pl_strbuf_printf(sb, "%s %s %s", g ? "," : "", gen_labels[g],
				 pl_fmt_count(a, sizeof(a), h->gen_count[g]));
	pl_strbuf_printf(sb, "\n  untracked (str, bytes, int, ... that the tracked ones and the roots "
			     "reach): %s, %s\n\n", pl_fmt_count(a, sizeof(a), untracked),
			 pl_fmt_size(b, sizeof(b), h->untracked_size));
	size_t shown = o->top > 0 && (size_t)o->top < n ? (size_t)o->top : n;
	pl_strbuf_printf(sb, "%s %zu of %zu types by %s:\n", shown < n ? "Top" : "All", shown, n,
			 o->by_size ? "size" : "count");
	pl_strbuf_printf(sb, "%14s %12s  %s\n", "count", "size", "type");
	for (size_t i = 0; i < shown; i++)
		pl_strbuf_printf(sb, "%14s %12s  %s%s\n", pl_fmt_count(a, sizeof(a), row_count(h, &rows[i])),
				 pl_fmt_size(b, sizeof(b), row_size(h, &rows[i])), rows[i].name,
				 rows[i].untracked ? " (untracked)" : "");
	if (h->garbage_unknown)
		pl_strbuf_printf(sb, "\ngc.garbage: not listed (see the warnings)\n");
	else
		pl_strbuf_printf(sb, "\ngc.garbage: %zu object%s\n", h->ngarbage,
				 h->ngarbage == 1 ? "" : "s");
	for (size_t i = 0; i < h->ngarbage; i++)
		pl_strbuf_printf(sb, "  0x%" PRIx64 "  %s\n", h->garbage[i].addr,
				 h->types[h->garbage[i].type].name);
	if (want)
		instances_text(sb, h, want);
	if (warnings && warnings[0])
		pl_strbuf_printf(sb, "\nwarnings:\n%s%s", warnings,
				 warnings[strlen(warnings) - 1] == '\n' ? "" : "\n");
}

static void json_report(struct pl_strbuf *sb, const struct pl_runtime *rt, const struct pl_heap *h,
			const char *desc, const char *warnings, const struct pl_leaks_options *o,
			const struct row *rows, size_t n, const struct pl_type_set *want)
{
	uint64_t tracked = pl_heap_tracked(h), all = pl_heap_all(h);
	pl_report_json_head(sb, rt);
	pl_strbuf_printf(sb, ", \"target\": ");
	pl_strbuf_json_string(sb, desc);
	pl_strbuf_printf(sb, ", \"interpreters\": %zu, \"objects\": %" PRIu64 ", \"size\": %" PRIu64
			 ", \"generations\": %s", h->ninterpreters, tracked, h->total_size,
			 rt->salvaged ? "null" : "{");
	for (int g = 0; g < PL_GENERATIONS && !rt->salvaged; g++)
		pl_strbuf_printf(sb, "%s\"%s\": {\"count\": %" PRIu64 ", \"size\": %" PRIu64 "}",
				 g ? ", " : "", gen_labels[g], h->gen_count[g], h->gen_size[g]);
	pl_strbuf_printf(sb, "%s,\n \"untracked\": {\"count\": %" PRIu64 ", \"size\": %" PRIu64 "}, "
			     "\"heap\": {\"objects\": %" PRIu64 ", \"size\": %" PRIu64 ", \"tracked\": %"
			     PRIu64 ", \"untracked\": %" PRIu64 "},\n \"types\": [",
			 rt->salvaged ? "" : "}", all - tracked, h->untracked_size, all,
			 h->total_size + h->untracked_size, tracked, all - tracked);
	size_t shown = o->top > 0 && (size_t)o->top < n ? (size_t)o->top : n;
	for (size_t i = 0; i < shown; i++) {
		pl_strbuf_printf(sb, "%s\n  {\"name\": ", i ? "," : "");
		pl_strbuf_json_string(sb, rows[i].name);
		pl_strbuf_printf(sb, ", \"tracked\": %s, \"count\": %" PRIu64 ", \"size\": %" PRIu64 "}",
				 rows[i].untracked ? "false" : "true", row_count(h, &rows[i]),
				 row_size(h, &rows[i]));
	}
	pl_strbuf_printf(sb, "],\n \"garbage\": [");
	for (size_t i = 0; i < h->ngarbage; i++) {
		pl_strbuf_printf(sb, "%s\n  {\"address\": \"0x%" PRIx64 "\", \"type\": ", i ? "," : "",
				 h->garbage[i].addr);
		pl_strbuf_json_string(sb, h->types[h->garbage[i].type].name);
		pl_strbuf_printf(sb, "}");
	}
	pl_strbuf_printf(sb, "],\n \"garbage_listed\": %s", h->garbage_unknown ? "false" : "true");
	if (want) {
		pl_strbuf_printf(sb, ",\n \"instances\": {\"type\": ");
		pl_strbuf_json_string(sb, h->types[want->first].name);
		pl_strbuf_printf(sb, ", \"classes\": %zu, \"addresses\": [", want->n);
		size_t k = 0;
		for (size_t i = 0; i < h->nobjects; i++)
			if (want->member[h->objects[i].type])
				pl_strbuf_printf(sb, "%s\"0x%" PRIx64 "\"", k++ ? ", " : "",
						 h->objects[i].addr);
		pl_strbuf_printf(sb, "]}");
	}
	pl_strbuf_printf(sb, ",\n \"warnings\": ");
	pl_strbuf_json_lines(sb, warnings);
	pl_strbuf_printf(sb, "}\n");
}

struct pl_error *pl_report_leaks(const struct pl_runtime *rt, const struct pl_heap *h,
				 const char *desc, const char *warnings,
				 const struct pl_leaks_options *o, char **out)
{
	struct pl_type_set want = { 0 };
	struct pl_error *err = o->type_name ? pl_type_set_of(h, o->type_name, &want) : NULL;
	struct row *rows = NULL;
	size_t n;
	if (!err)
		err = sorted_rows(h, o->by_size, &rows, &n);
	if (err) {
		pl_type_set_deinit(&want);
		return err;
	}
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	if (o->json)
		json_report(&sb, rt, h, desc, warnings, o, rows, n, o->type_name ? &want : NULL);
	else
		text_report(&sb, rt, h, desc, warnings, o, rows, n, o->type_name ? &want : NULL);
	free(rows);
	pl_type_set_deinit(&want);
	*out = pl_strbuf_finish(&sb, NULL);
	return *out ? NULL : &pl_enomem;
}
