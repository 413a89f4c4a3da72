/* SPDX-License-Identifier: MIT */
/* report_growth.c - what grew since a snapshot (of this process at an earlier stop, or of an
 * earlier core), as text and JSON (schema 1): per type the count and size now, the change,
 * and how many objects are new; most grown first. With a type, the new instances' addresses
 * (to hand to py-referrers). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "heap/type_names.h"
#include "report/report.h"

static const char *fmt_delta(char *buf, size_t size, int64_t v, bool bytes)
{
	char tmp[24];
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (bytes)
		pl_fmt_size(tmp, sizeof(tmp), mag);
	else
		pl_fmt_count(tmp, sizeof(tmp), mag);
	snprintf(buf, size, "%s%s", v < 0 ? "-" : v > 0 ? "+" : "", tmp);
	return buf;
}

/* The instances of the types NEW_TYPES means that S did not have. */
static void new_instances(struct pl_strbuf *sb, const struct pl_heap *h, const struct pl_snapshot *s,
			  const struct pl_type_set *want, bool json)
{
	size_t k = 0;
	for (size_t i = 0; i < h->nobjects; i++) {
		const struct pl_object *o = &h->objects[i];
		if (!want->member[o->type] || pl_snapshot_has(s, o->addr, h->types[o->type].name))
			continue;
		if (json)
			pl_strbuf_printf(sb, "%s\"0x%" PRIx64 "\"", k ? ", " : "", o->addr);
		else
			pl_strbuf_printf(sb, "  0x%" PRIx64 "\n", o->addr);
		k++;
	}
}

/* Did type T change since the snapshot (in count, size, or which objects it has)? */
static bool changed(const struct pl_growth_type *t)
{
	return t->delta || t->size_delta || t->new_objects;
}

struct pl_error *pl_report_growth(const struct pl_runtime *rt, const struct pl_heap *h,
				  struct pl_snapshot *s, const char *desc,
				  const struct pl_growth_options *o, char **out)
{
	struct pl_type_set want = { 0 };
	struct pl_error *err = o->new_type ? pl_type_set_of(h, o->new_type, &want) : NULL;
	struct pl_growth *g = NULL;
	if (!err)
		err = pl_growth_since(h, s, &g);
	if (err) {
		pl_type_set_deinit(&want);
		return err;
	}
	char a[32], b[32], c[32], d[32], e[32];
	size_t nchanged = 0;
	for (size_t i = 0; i < g->n; i++)
		nchanged += changed(&g->v[i]);
	size_t shown = o->top && o->top < nchanged ? o->top : nchanged;
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	if (o->json) {
		pl_report_json_head(&sb, rt);
		pl_strbuf_printf(&sb, ", \"target\": ");
		pl_strbuf_json_string(&sb, desc);
		pl_strbuf_printf(&sb, ", \"since\": ");
		pl_strbuf_json_string(&sb, s->name);
		pl_strbuf_printf(&sb, ", \"snapshot\": {\"target\": ");
		pl_strbuf_json_string(&sb, s->target);
		pl_strbuf_printf(&sb, ", \"python\": ");
		pl_strbuf_json_string(&sb, s->python);
		pl_strbuf_printf(&sb, ", \"objects\": %zu, \"size\": %" PRIu64 "}, \"objects\": %" PRIu64
				      ", \"size\": %" PRIu64 ", \"new\": %" PRIu64 ", \"changed_types\": %zu"
				      ",\n \"types\": [",
				 s->nobjects, s->size, g->objects, g->size, g->new_objects, nchanged);
		for (size_t i = 0, k = 0; k < shown; i++) {
			const struct pl_growth_type *t = &g->v[i];
			if (!changed(t))
				continue;
			pl_strbuf_printf(&sb, "%s\n  {\"name\": ", k++ ? "," : "");
			pl_strbuf_json_string(&sb, t->name);
			pl_strbuf_printf(&sb, ", \"count\": %" PRIu64 ", \"delta\": %" PRId64 ", \"size\": %" PRIu64
					      ", \"size_delta\": %" PRId64 ", \"new\": %" PRIu64 "}",
					 t->count, t->delta, t->size, t->size_delta, t->new_objects);
		}
		pl_strbuf_printf(&sb, "]");
		if (o->new_type) {
			pl_strbuf_printf(&sb, ",\n \"new_instances\": {\"type\": ");
			pl_strbuf_json_string(&sb, h->types[want.first].name);
			pl_strbuf_printf(&sb, ", \"addresses\": [");
			new_instances(&sb, h, s, &want, true);
			pl_strbuf_printf(&sb, "]}");
		}
		pl_strbuf_printf(&sb, "}\n");
	} else {
		pl_report_text_head(&sb, rt, desc);
		pl_strbuf_printf(&sb, "since snapshot '%s' (%s%s%s: %s objects, %s)\n", s->name, s->target,
				 strcmp(s->python, rt->version) ? ", Python " : "",
				 strcmp(s->python, rt->version) ? s->python : "",
				 pl_fmt_count(a, sizeof(a), s->nobjects), pl_fmt_size(b, sizeof(b), s->size));
		pl_strbuf_printf(&sb, "now: %s objects (%s), %s (%s); %s new\n\n",
				 pl_fmt_count(a, sizeof(a), g->objects),
				 fmt_delta(b, sizeof(b), (int64_t)g->objects - (int64_t)s->nobjects, false),
				 pl_fmt_size(c, sizeof(c), g->size),
				 fmt_delta(d, sizeof(d), (int64_t)g->size - (int64_t)s->size, true),
				 pl_fmt_count(e, sizeof(e), g->new_objects));
		if (nchanged)
			pl_strbuf_printf(&sb, "%s %zu of %zu changed types (of %zu), most grown first:\n",
					 shown < nchanged ? "Top" : "All", shown, nchanged, g->n);
		else
			pl_strbuf_printf(&sb, "No type changed (of %zu).\n", g->n);
		if (shown)
			pl_strbuf_printf(&sb, "%14s %12s %12s %12s  %s\n", "count", "delta", "size delta",
					 "new", "type");
		for (size_t i = 0, k = 0; k < shown; i++) {
			const struct pl_growth_type *t = &g->v[i];
			if (!changed(t))
				continue;
			k++;
			pl_strbuf_printf(&sb, "%14s %12s %12s %12s  %s\n", pl_fmt_count(a, sizeof(a), t->count),
					 fmt_delta(b, sizeof(b), t->delta, false),
					 fmt_delta(c, sizeof(c), t->size_delta, true),
					 pl_fmt_count(d, sizeof(d), t->new_objects), t->name);
		}
		if (o->new_type) {
			char name[PL_MAX_TYPE_NAME + 64];
			pl_strbuf_printf(&sb, "\nnew instances of %s (not in snapshot '%s'):\n",
					 pl_type_set_name(h, &want, name, sizeof(name)), s->name);
			new_instances(&sb, h, s, &want, false);
		}
	}
	pl_growth_destroy(g);
	pl_type_set_deinit(&want);
	*out = pl_strbuf_finish(&sb, NULL);
	return *out ? NULL : &pl_enomem;
}
