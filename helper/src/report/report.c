/* SPDX-License-Identifier: MIT */
/* report.c - the leak census as text and as JSON schema 1. The one place that formats it:
 * the CLI and the gdb command both print what this returns. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "runtime/pyread.h"
#include "report/report.h"
#include "base/strbuf.h"

static const char *const gen_labels[PL_GENERATIONS] = { "0", "1", "2", "permanent" };

/* Sort keys copied out of the type table, so that qsort needs no context. */
struct sort_item {
	uint64_t key1, key2;
	const char *name;
	uint32_t idx;
};

static int sort_item_cmp(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	if (x->key1 != y->key1)
		return x->key1 > y->key1 ? -1 : 1;
	if (x->key2 != y->key2)
		return x->key2 > y->key2 ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Indices of the types with instances, most first. */
static struct pl_error *sorted_types(const struct pl_heap *h, bool by_size, uint32_t **ret,
				     size_t *n_ret)
{
	struct sort_item *items = malloc((h->ntypes + 1) * sizeof(*items));
	uint32_t *idx = malloc((h->ntypes + 1) * sizeof(*idx));
	if (!items || !idx) {
		free(items);
		free(idx);
		return &pl_enomem;
	}
	size_t n = 0;
	for (size_t i = 0; i < h->ntypes; i++) {
		const struct pl_type *ty = &h->types[i];
		if (ty->count)
			items[n++] = (struct sort_item){ by_size ? ty->size : ty->count,
							 by_size ? ty->count : ty->size, ty->name,
							 (uint32_t)i };
	}
	qsort(items, n, sizeof(*items), sort_item_cmp);
	for (size_t i = 0; i < n; i++)
		idx[i] = items[i].idx;
	free(items);
	*ret = idx;
	*n_ret = n;
	return NULL;
}

/* 1234567 -> "1,234,567" */
static const char *fmt_count(char *buf, size_t size, uint64_t v)
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

static const char *fmt_size(char *buf, size_t size, uint64_t v)
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

/* Types whose name ends with ".NAME" or equals its last component: suggestions for a miss. */
static void suggest_types(struct pl_strbuf *sb, const struct pl_heap *h, const char *name)
{
	size_t shown = 0, n = strlen(name);
	for (size_t i = 0; i < h->ntypes && shown < 5; i++) {
		const char *tn = h->types[i].name;
		size_t tl = strlen(tn);
		const char *last = strrchr(name, '.');
		bool suffix = tl > n && tn[tl - n - 1] == '.' && strcmp(tn + tl - n, name) == 0;
		bool tail = last && strcmp(tn, last + 1) == 0;
		const char *tlast = strrchr(tn, '.');
		bool same_last = last && tlast && strcmp(tlast, last) == 0;
		if (suffix || tail || same_last)
			pl_strbuf_printf(sb, "%s%s", shown++ ? ", " : "; did you mean ", tn);
	}
}

static void text_report(struct pl_strbuf *sb, const struct pl_runtime *rt, const struct pl_heap *h,
			const char *desc, const char *warnings, const struct pl_leaks_options *o,
			const uint32_t *idx, size_t n, long want)
{
	char a[32], b[32];
	pl_strbuf_printf(sb, "Python %s, %s\n", rt->version, desc);
	pl_strbuf_printf(sb, "runtime: %s (layout from %s)\n", rt->image_path, rt->layout_source);
	pl_strbuf_printf(sb, "interpreters: %zu\n", h->ninterpreters);
	pl_strbuf_printf(sb, "tracked objects: %s, %s shallow\n",
			 fmt_count(a, sizeof(a), h->nobjects), fmt_size(b, sizeof(b), h->total_size));
	pl_strbuf_printf(sb, "  by generation:");
	for (int g = 0; g < PL_GENERATIONS; g++)
		pl_strbuf_printf(sb, "%s %s %s", g ? "," : "", gen_labels[g],
				 fmt_count(a, sizeof(a), h->gen_count[g]));
	pl_strbuf_printf(sb, "\n\n");
	size_t shown = o->top > 0 && (size_t)o->top < n ? (size_t)o->top : n;
	pl_strbuf_printf(sb, "%s %zu of %zu types by %s:\n", shown < n ? "Top" : "All", shown, n,
			 o->by_size ? "shallow size" : "count");
	pl_strbuf_printf(sb, "%14s %12s  %s\n", "count", "size", "type");
	for (size_t i = 0; i < shown; i++) {
		const struct pl_type *ty = &h->types[idx[i]];
		pl_strbuf_printf(sb, "%14s %12s  %s\n", fmt_count(a, sizeof(a), ty->count),
				 fmt_size(b, sizeof(b), ty->size), ty->name);
	}
	pl_strbuf_printf(sb, "\ngc.garbage: %zu object%s\n", h->ngarbage, h->ngarbage == 1 ? "" : "s");
	for (size_t i = 0; i < h->ngarbage; i++)
		pl_strbuf_printf(sb, "  0x%" PRIx64 "  %s\n", h->garbage[i].addr,
				 h->types[h->garbage[i].type].name);
	if (want >= 0) {
		const struct pl_type *ty = &h->types[want];
		pl_strbuf_printf(sb, "\n%s instance%s of %s:\n", fmt_count(a, sizeof(a), ty->count),
				 ty->count == 1 ? "" : "s", ty->name);
		for (size_t i = 0; i < h->nobjects; i++)
			if (h->objects[i].type == (uint32_t)want)
				pl_strbuf_printf(sb, "  0x%" PRIx64 "\n", h->objects[i].addr);
	}
	if (warnings && warnings[0])
		pl_strbuf_printf(sb, "\nwarnings:\n%s%s", warnings,
				 warnings[strlen(warnings) - 1] == '\n' ? "" : "\n");
}

static void json_report(struct pl_strbuf *sb, const struct pl_runtime *rt, const struct pl_heap *h,
			const char *desc, const char *warnings, const struct pl_leaks_options *o,
			const uint32_t *idx, size_t n, long want)
{
	pl_strbuf_printf(sb, "{\"schema\": 1, \"python\": {\"version\": ");
	pl_strbuf_json_string(sb, rt->version);
	pl_strbuf_printf(sb, ", \"runtime\": ");
	pl_strbuf_json_string(sb, rt->image_path);
	pl_strbuf_printf(sb, ", \"layout\": ");
	pl_strbuf_json_string(sb, rt->layout_source);
	pl_strbuf_printf(sb, "}, \"target\": ");
	pl_strbuf_json_string(sb, desc);
	pl_strbuf_printf(sb, ", \"interpreters\": %zu, \"objects\": %zu, \"size\": %" PRIu64
			 ", \"generations\": {", h->ninterpreters, h->nobjects, h->total_size);
	for (int g = 0; g < PL_GENERATIONS; g++)
		pl_strbuf_printf(sb, "%s\"%s\": {\"count\": %" PRIu64 ", \"size\": %" PRIu64 "}",
				 g ? ", " : "", gen_labels[g], h->gen_count[g], h->gen_size[g]);
	pl_strbuf_printf(sb, "},\n \"types\": [");
	size_t shown = o->top > 0 && (size_t)o->top < n ? (size_t)o->top : n;
	for (size_t i = 0; i < shown; i++) {
		const struct pl_type *ty = &h->types[idx[i]];
		pl_strbuf_printf(sb, "%s\n  {\"name\": ", i ? "," : "");
		pl_strbuf_json_string(sb, ty->name);
		pl_strbuf_printf(sb, ", \"count\": %" PRIu64 ", \"size\": %" PRIu64 "}", ty->count,
				 ty->size);
	}
	pl_strbuf_printf(sb, "],\n \"garbage\": [");
	for (size_t i = 0; i < h->ngarbage; i++) {
		pl_strbuf_printf(sb, "%s\n  {\"address\": \"0x%" PRIx64 "\", \"type\": ", i ? "," : "",
				 h->garbage[i].addr);
		pl_strbuf_json_string(sb, h->types[h->garbage[i].type].name);
		pl_strbuf_printf(sb, "}");
	}
	pl_strbuf_printf(sb, "]");
	if (want >= 0) {
		pl_strbuf_printf(sb, ",\n \"instances\": {\"type\": ");
		pl_strbuf_json_string(sb, h->types[want].name);
		pl_strbuf_printf(sb, ", \"addresses\": [");
		size_t k = 0;
		for (size_t i = 0; i < h->nobjects; i++)
			if (h->objects[i].type == (uint32_t)want)
				pl_strbuf_printf(sb, "%s\"0x%" PRIx64 "\"", k++ ? ", " : "",
						 h->objects[i].addr);
		pl_strbuf_printf(sb, "]}");
	}
	pl_strbuf_printf(sb, ",\n \"warnings\": [");
	size_t k = 0;
	for (const char *p = warnings; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *line = strndup(p, len);
		if (line) {
			pl_strbuf_printf(sb, "%s", k++ ? ", " : "");
			pl_strbuf_json_string(sb, line);
			free(line);
		}
		p += len + (e ? 1 : 0);
	}
	pl_strbuf_printf(sb, "]}\n");
}

struct pl_error *pl_report_leaks(const struct pl_runtime *rt, const struct pl_heap *h,
				 const char *desc, const char *warnings,
				 const struct pl_leaks_options *o, char **out)
{
	long want = -1;
	if (o->type_name) {
		want = pl_heap_find_type(h, o->type_name);
		if (want < 0 || h->types[want].count == 0) {
			struct pl_strbuf sb;
			pl_strbuf_init(&sb);
			suggest_types(&sb, h, o->type_name);
			struct pl_error *err = pl_error_create(
				PL_ERR_LOOKUP, "no tracked object has type %s%s (names are "
					       "module.Qualname, or the plain name of a builtin type)",
				o->type_name, sb.data ? sb.data : "");
			pl_strbuf_deinit(&sb);
			return err;
		}
	}
	uint32_t *idx;
	size_t n;
	struct pl_error *err = sorted_types(h, o->by_size, &idx, &n);
	if (err)
		return err;
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	if (o->json)
		json_report(&sb, rt, h, desc, warnings, o, idx, n, want);
	else
		text_report(&sb, rt, h, desc, warnings, o, idx, n, want);
	free(idx);
	*out = pl_strbuf_finish(&sb, NULL);
	return *out ? NULL : &pl_enomem;
}
