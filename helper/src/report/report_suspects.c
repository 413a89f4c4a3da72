/* SPDX-License-Identifier: MIT */
/* report_suspects.c - the leak suspects as text and JSON (schema 1): the heap, the collector's
 * state, then each suspect, most retained first: what piles up, how much memory it retains,
 * where it piles up, why, and the chain from a root down to it, as `referrers --type` shows
 * merged chains (the labels under the container collapsed to [*]). And the objects that
 * retain most (--retained), each with its chain from a root. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "graph/suspects.h"
#include "report/report.h"
#include "report/steps.h"

enum { MAX_STEPS_SHOWN = 64 };

/* With a limit on the suspects shown, those that retain less than this share of the heap are
 * left out too (but the first). */
#define MIN_SHARE 0.01

static const char *const kind_names[] = {
	[PL_SUSPECT_ACCUMULATION] = "accumulation",
	[PL_SUSPECT_CYCLES] = "unreachable-cycles",
	[PL_SUSPECT_HELD] = "held-from-c",
	[PL_SUSPECT_GARBAGE] = "garbage",
};

static const struct {
	int64_t flag;
	const char *name;
} debug_flags[] = {
	{ PL_GC_DEBUG_STATS, "DEBUG_STATS" },
	{ PL_GC_DEBUG_COLLECTABLE, "DEBUG_COLLECTABLE" },
	{ PL_GC_DEBUG_UNCOLLECTABLE, "DEBUG_UNCOLLECTABLE" },
	{ PL_GC_DEBUG_SAVEALL, "DEBUG_SAVEALL" },
};

/* The chain of one suspect: the steps from a root down to one of what piles up. */
struct chain {
	struct pl_step *steps;
	size_t n;
	size_t holder;         /* the step of the container (or n if it was folded away) */
	bool repeated_last;    /* the last step is a chain's "one or more" */
	uint32_t root;
	bool has_root;
};

static const char *type_name(const struct pl_graph *g, uint32_t type)
{
	return g->heap->types[type].name;
}

/* Labels under a container that fans out to many items: indexes and keys as [*]. */
static void collapse(char *label, size_t max)
{
	if (label[0] == '[' || strncmp(label, "key ", 4) == 0 || strcmp(label, "{item}") == 0)
		snprintf(label, max, "[*]");
}

/* The chain of suspect X: the shortest path from a root to its example (through its holder,
 * which dominates it), labels below the holder collapsed. */
static struct pl_error *chain_of(struct pl_labels *L, const struct pl_reach *reach,
				 const struct pl_suspect *x, struct chain *c)
{
	memset(c, 0, sizeof(*c));
	uint32_t end = x->kind == PL_SUSPECT_ACCUMULATION && x->chain ? x->holder : x->example;
	if (x->kind == PL_SUSPECT_CYCLES || end == PL_UNREACHED || reach->parent[end] == PL_UNREACHED)
		return NULL;
	size_t len;
	uint32_t *path = pl_reach_path(reach, end, &len);
	c->steps = malloc((len + 1) * sizeof(*c->steps));
	if (!path || !c->steps) {
		free(path);
		free(c->steps);
		c->steps = NULL;
		return &pl_enomem;
	}
	c->root = path[0];
	c->has_root = true;
	c->n = pl_steps_of(L, path, len, c->steps);
	/* the container: the holder, or for gc.garbage the list */
	uint32_t holder = x->kind == PL_SUSPECT_GARBAGE ? x->garbage_list
			: x->kind == PL_SUSPECT_ACCUMULATION ? x->holder : PL_UNREACHED;
	size_t at = len; /* the holder's place on the path */
	for (size_t k = 0; k < len; k++)
		if (path[k] == holder)
			at = k;
	c->holder = c->n;
	for (size_t k = 0, pk = 0; k < c->n; k++) {
		while (pk < len && path[pk] != c->steps[k].node) /* the steps follow the path */
			pk++;
		if (c->steps[k].node == holder)
			c->holder = k;
		bool below = at < len && pk > at && !(x->kind == PL_SUSPECT_ACCUMULATION && x->chain);
		/* containers merged by shape: their indexes differ on the way too */
		bool merged = x->kind == PL_SUSPECT_ACCUMULATION && x->holders > 1 &&
			      c->steps[k].label[0] == '[' && strncmp(c->steps[k].label, "['", 2) != 0;
		if (below || merged)
			collapse(c->steps[k].label, sizeof(c->steps[k].label));
	}
	if (x->kind == PL_SUSPECT_ACCUMULATION && x->chain && x->next_link != PL_UNREACHED) {
		struct pl_step *s = &c->steps[c->n++];
		s->node = x->next_link;
		pl_labels_get(L, x->holder, x->next_link, s->label, sizeof(s->label));
		c->repeated_last = true;
	}
	free(path);
	return NULL;
}

/* The root and the steps down to the holder on one line: "module __main__ -> __dict__ ->
 * ['REGISTRY']". */
static void holder_line(struct pl_strbuf *sb, struct pl_labels *L, const struct chain *c)
{
	struct pl_root_desc d;
	char root[1400];
	pl_root_desc_of(L, c->root, &d);
	pl_root_desc_text(&d, root, sizeof(root));
	pl_strbuf_printf(sb, "%s", root);
	for (size_t k = 0; k <= c->holder && k < c->n; k++)
		if (c->steps[k].label[0])
			pl_strbuf_printf(sb, " -> %s", c->steps[k].label);
}

static void chain_text(struct pl_strbuf *sb, struct pl_labels *L, const struct pl_suspect *x,
		       const struct chain *c)
{
	const struct pl_graph *g = pl_labels_graph(L);
	struct pl_root_desc d;
	char a[32], b[32], root[1400], label[sizeof(d.name) + PL_LABEL_MAX + 32];
	pl_root_desc_of(L, c->root, &d);
	pl_root_desc_text(&d, root, sizeof(root));
	bool object_root = !pl_graph_root_of(g, c->root) && c->n && !c->steps[0].label[0];
	if (!object_root) /* an object root is the first step itself */
		pl_strbuf_printf(sb, "  %s\n", root);
	size_t from = c->n > MAX_STEPS_SHOWN ? c->n - MAX_STEPS_SHOWN : 0;
	if (from)
		pl_strbuf_printf(sb, "  ... %zu steps ...\n", from);
	for (size_t k = from; k < c->n; k++) {
		const struct pl_step *s = &c->steps[k];
		snprintf(label, sizeof(label), "%s%s", k == 0 && !s->label[0]
				 ? (d.kind == PL_ROOT_HELD_FROM_C ? "held from C" : d.name) : s->label,
			 k + 1 == c->n && c->repeated_last ? " (one or more)" : "");
		pl_strbuf_printf(sb, "  %-32s %s", label, pl_node_type_name(g, s->node));
		if (k == c->holder && x->kind == PL_SUSPECT_ACCUMULATION && !x->chain)
			pl_strbuf_printf(sb, "  <- holds %s items (%s)", pl_fmt_count(a, sizeof(a), x->items),
					 pl_fmt_size(b, sizeof(b), x->retained));
		else if (k == c->holder && x->kind == PL_SUSPECT_GARBAGE)
			pl_strbuf_printf(sb, "  <- gc.garbage");
		else if (k + 1 == c->n)
			pl_strbuf_printf(sb, "  e.g. 0x%" PRIx64, pl_node_address(g, s->node));
		pl_strbuf_printf(sb, "\n");
	}
}

static void chain_json(struct pl_strbuf *sb, struct pl_labels *L, const struct chain *c)
{
	const struct pl_graph *g = pl_labels_graph(L);
	if (!c->has_root) {
		pl_strbuf_printf(sb, "null");
		return;
	}
	struct pl_root_desc d;
	pl_root_desc_of(L, c->root, &d);
	pl_strbuf_printf(sb, "{\"root\": ");
	pl_root_desc_json(sb, &d);
	pl_strbuf_printf(sb, ", \"path\": [");
	for (size_t k = 0; k < c->n; k++) {
		pl_strbuf_printf(sb, "%s{\"address\": \"0x%" PRIx64 "\", \"type\": ", k ? ", " : "",
				 pl_node_address(g, c->steps[k].node));
		pl_strbuf_json_string(sb, pl_node_type_name(g, c->steps[k].node));
		pl_strbuf_printf(sb, ", \"label\": ");
		pl_strbuf_json_string(sb, c->steps[k].label);
		pl_strbuf_printf(sb, "%s}", k + 1 == c->n && c->repeated_last ? ", \"repeated\": true" : "");
	}
	pl_strbuf_printf(sb, "]}");
}

/* Why the collector has not freed a group of cycles. */
static void cycles_why(struct pl_strbuf *sb, const struct pl_gc_state *gc, const struct pl_suspect *x)
{
	if (gc->enabled == 0)
		pl_strbuf_printf(sb, "the collector is disabled (gc.disable()), so they stay until "
				     "gc.enable() or gc.collect()");
	else if (gc->collecting > 0)
		pl_strbuf_printf(sb, "a collection is running: they may be what it is freeing");
	else if (x->max_gen < 3 && gc->enabled > 0)
		pl_strbuf_printf(sb, "garbage the collector frees at its next collection of generation "
				     "%u", x->max_gen);
	else
		pl_strbuf_printf(sb, "garbage the collector has not freed yet");
}

/* The one-sentence reason of suspect X, into SB. */
static void reason(struct pl_strbuf *sb, const struct pl_graph *g, const struct pl_suspect *x)
{
	char a[32], b[32];
	const struct pl_gc_state *gc = &g->heap->gc;
	(void)b;
	switch (x->kind) {
	case PL_SUSPECT_ACCUMULATION: {
		uint64_t inside = x->retained - x->holder_bytes;
		double share = inside ? 100.0 * (double)x->items_retained / (double)inside : 100.0;
		if (x->chain) {
			pl_strbuf_printf(sb, "a linked chain of %s %s, each holding the next: the rest of "
					     "the chain is %.0f%% of what its head retains",
					 pl_fmt_count(a, sizeof(a), x->items), type_name(g, x->type), share);
			break;
		}
		const char *holder = pl_node_type_name(g, x->holder);
		if (x->holders > 1)
			pl_strbuf_printf(sb, "%" PRIu64 " %s objects", x->holders, holder);
		else
			pl_strbuf_printf(sb, "%s %s", strchr("aeiou", holder[0]) ? "an" : "a", holder);
		pl_strbuf_printf(sb, " holding %s items of one kind, which retain %.0f%% of what %s "
				     "hold%s", pl_fmt_count(a, sizeof(a), x->items), share,
				 x->holders > 1 ? "they" : "it", x->holders > 1 ? "" : "s");
		if (x->nwraps) {
			pl_strbuf_printf(sb, "; each item is");
			for (size_t i = 0; i < x->nwraps; i++)
				pl_strbuf_printf(sb, " %s ->", type_name(g, x->wraps[i]));
			pl_strbuf_printf(sb, " %s", type_name(g, x->type));
		}
		break;
	}
	case PL_SUSPECT_CYCLES:
		pl_strbuf_printf(sb, "%s reference cycle%s (%s objects, %s) that no root reaches: ",
				 pl_fmt_count(a, sizeof(a), x->cycles), x->cycles == 1 ? "" : "s",
				 pl_fmt_count(b, sizeof(b), x->group_objects), x->ngroup_types > 1 ? "of several types" : "one type");
		cycles_why(sb, gc, x);
		break;
	case PL_SUSPECT_HELD:
		pl_strbuf_printf(sb, "their reference counts exceed what the heap explains by %s in all: "
				     "references from C (an extension's leaked reference, a C static) "
				     "or a running frame's temporaries; no other root reaches them",
				 pl_fmt_count(a, sizeof(a), x->excess));
		break;
	case PL_SUSPECT_GARBAGE:
		pl_strbuf_printf(sb, "%s",
				 x->garbage_reason == PL_GARBAGE_SAVEALL
					 ? "in gc.garbage because gc.DEBUG_SAVEALL is set: the collector "
					   "keeps everything it finds unreachable instead of freeing it"
				 : x->garbage_reason == PL_GARBAGE_LEGACY_FINALIZER
					 ? "in gc.garbage because its type has a legacy finalizer (tp_del): "
					   "the collector will not free it"
					 : "in gc.garbage, put there by the program itself (the collector "
					   "adds only with DEBUG_SAVEALL or legacy finalizers)");
		break;
	}
}

/* Types of a group of cycles with a finalizer, into SB (", " separated); nothing if none. */
static void finalizers(struct pl_strbuf *sb, struct pl_runtime *rt, const struct pl_graph *g,
		       const struct pl_suspect *x, bool json)
{
	size_t n = 0;
	for (size_t i = 0; i < x->ngroup_types; i++) {
		int fin = pl_type_finalizer(rt, g->heap->types[x->group_types[i]].addr);
		if (!fin)
			continue;
		if (json) {
			pl_strbuf_printf(sb, "%s{\"type\": ", n++ ? ", " : "");
			pl_strbuf_json_string(sb, type_name(g, x->group_types[i]));
			pl_strbuf_printf(sb, ", \"finalizer\": \"%s\"}", fin == 2 ? "tp_del" : "tp_finalize");
		} else {
			pl_strbuf_printf(sb, "%s%s (%s)", n++ ? ", " : "", type_name(g, x->group_types[i]),
					 fin == 2 ? "legacy tp_del" : "__del__ or tp_finalize");
		}
	}
}

/* The headline of suspect X. */
static void headline(struct pl_strbuf *sb, struct pl_labels *L, const struct pl_suspects *s,
		     const struct pl_suspect *x, size_t rank, const struct chain *c)
{
	const struct pl_graph *g = pl_labels_graph(L);
	char a[32], b[32];
	double share = s->heap_size ? 100.0 * (double)x->retained / (double)s->heap_size : 0;
	pl_strbuf_printf(sb, "\nSuspect %zu: %s %s, %s retained (%.0f%% of the heap)", rank,
			 pl_fmt_count(a, sizeof(a), x->count), type_name(g, x->type),
			 pl_fmt_size(b, sizeof(b), x->retained), share);
	switch (x->kind) {
	case PL_SUSPECT_ACCUMULATION:
		if (x->holders > 1)
			pl_strbuf_printf(sb, ", piled up in %" PRIu64 " %s objects reached the same way "
					     "(e.g. 0x%" PRIx64 ")", x->holders, pl_node_type_name(g, x->holder),
					 pl_node_address(g, x->holder));
		else
			pl_strbuf_printf(sb, ", %s %s at 0x%" PRIx64,
					 x->chain ? "in a linked chain from" : "piled up in",
					 pl_node_type_name(g, x->holder), pl_node_address(g, x->holder));
		if (c->has_root) {
			pl_strbuf_printf(sb, ", held by ");
			holder_line(sb, L, c);
		}
		break;
	case PL_SUSPECT_CYCLES:
		pl_strbuf_printf(sb, ", in unreachable cycles");
		break;
	case PL_SUSPECT_HELD:
		pl_strbuf_printf(sb, ", held from C");
		break;
	case PL_SUSPECT_GARBAGE:
		pl_strbuf_printf(sb, ", in gc.garbage");
		break;
	}
	pl_strbuf_printf(sb, "\n  ");
	reason(sb, g, x);
	pl_strbuf_printf(sb, "\n");
}

static void suspect_text(struct pl_strbuf *sb, struct pl_labels *L, const struct pl_suspects *s,
			 const struct pl_suspect *x, size_t rank, const struct chain *c)
{
	const struct pl_graph *g = pl_labels_graph(L);
	char a[32];
	headline(sb, L, s, x, rank, c);
	if (x->kind == PL_SUSPECT_CYCLES || x->kind == PL_SUSPECT_GARBAGE) {
		pl_strbuf_printf(sb, "  types:");
		for (size_t i = 0; i < x->ngroup_types; i++)
			pl_strbuf_printf(sb, "%s %s %s", i ? "," : "",
					 pl_fmt_count(a, sizeof(a), x->group_type_counts[i]),
					 type_name(g, x->group_types[i]));
		pl_strbuf_printf(sb, "; e.g. 0x%" PRIx64 "\n", pl_node_address(g, x->example));
		size_t before = sb->len;
		pl_strbuf_printf(sb, "  with finalizers: ");
		size_t mark = sb->len;
		finalizers(sb, pl_labels_refs(L)->rt, g, x, false);
		if (sb->len == mark)
			sb->len = before;
		else
			pl_strbuf_printf(sb, "\n");
	}
	if (c->has_root)
		chain_text(sb, L, x, c);
}

static void suspect_json(struct pl_strbuf *sb, struct pl_labels *L, const struct pl_suspects *s,
			 const struct pl_suspect *x, size_t rank, const struct chain *c)
{
	const struct pl_graph *g = pl_labels_graph(L);
	pl_strbuf_printf(sb, "%s\n  {\"rank\": %zu, \"kind\": \"%s\", \"type\": ", rank > 1 ? "," : "",
			 rank, kind_names[x->kind]);
	pl_strbuf_json_string(sb, type_name(g, x->type));
	pl_strbuf_printf(sb, ", \"count\": %" PRIu64 ", \"retained\": %" PRIu64 ", \"objects\": %" PRIu64
			     ", \"share\": %.4f, \"holder\": ", x->count, x->retained, x->objects,
			 s->heap_size ? (double)x->retained / (double)s->heap_size : 0.0);
	uint32_t holder = x->kind == PL_SUSPECT_ACCUMULATION ? x->holder
			: x->kind == PL_SUSPECT_GARBAGE ? x->garbage_list : PL_UNREACHED;
	if (holder == PL_UNREACHED) {
		pl_strbuf_printf(sb, "null");
	} else {
		pl_strbuf_printf(sb, "{\"address\": \"0x%" PRIx64 "\", \"type\": ", pl_node_address(g, holder));
		pl_strbuf_json_string(sb, pl_node_type_name(g, holder));
		pl_strbuf_printf(sb, "}");
	}
	pl_strbuf_printf(sb, ", \"example\": \"0x%" PRIx64 "\", \"reason\": ",
			 x->example == PL_UNREACHED ? 0 : pl_node_address(g, x->example));
	struct pl_strbuf why;
	pl_strbuf_init(&why);
	reason(&why, g, x);
	pl_strbuf_json_string(sb, why.data ? why.data : "");
	pl_strbuf_deinit(&why);
	switch (x->kind) {
	case PL_SUSPECT_ACCUMULATION:
		pl_strbuf_printf(sb, ", \"items\": %" PRIu64 ", \"holders\": %" PRIu64 ", \"linked_chain\": "
				     "%s, \"wrappers\": [", x->items, x->holders, x->chain ? "true" : "false");
		for (size_t i = 0; i < x->nwraps; i++) {
			pl_strbuf_printf(sb, "%s", i ? ", " : "");
			pl_strbuf_json_string(sb, type_name(g, x->wraps[i]));
		}
		pl_strbuf_printf(sb, "]");
		break;
	case PL_SUSPECT_CYCLES:
	case PL_SUSPECT_GARBAGE:
		pl_strbuf_printf(sb, ", \"cycles\": %" PRIu64 ", \"types\": [", x->cycles);
		for (size_t i = 0; i < x->ngroup_types; i++) {
			pl_strbuf_printf(sb, "%s{\"name\": ", i ? ", " : "");
			pl_strbuf_json_string(sb, type_name(g, x->group_types[i]));
			pl_strbuf_printf(sb, ", \"count\": %" PRIu64 "}", x->group_type_counts[i]);
		}
		pl_strbuf_printf(sb, "], \"finalizers\": [");
		finalizers(sb, pl_labels_refs(L)->rt, g, x, true);
		pl_strbuf_printf(sb, "]");
		if (x->kind == PL_SUSPECT_CYCLES)
			break;
		pl_strbuf_printf(sb, ", \"garbage_reason\": \"%s\"",
				 x->garbage_reason == PL_GARBAGE_SAVEALL ? "DEBUG_SAVEALL"
				 : x->garbage_reason == PL_GARBAGE_LEGACY_FINALIZER ? "legacy-finalizer"
										    : "program");
		break;
	case PL_SUSPECT_HELD:
		pl_strbuf_printf(sb, ", \"excess\": %" PRIu64, x->excess);
		break;
	}
	pl_strbuf_printf(sb, ", \"chain\": ");
	chain_json(sb, L, c);
	pl_strbuf_printf(sb, "}");
}

static void gc_text(struct pl_strbuf *sb, const struct pl_gc_state *gc)
{
	pl_strbuf_printf(sb, "gc: %s", gc->enabled < 0 ? "state unknown"
				     : gc->enabled ? "enabled" : "DISABLED (gc.disable())");
	if (gc->threshold[0] >= 0)
		pl_strbuf_printf(sb, "; thresholds %lld, %lld, %lld", (long long)gc->threshold[0],
				 (long long)gc->threshold[1], (long long)gc->threshold[2]);
	if (gc->count[0] >= 0)
		pl_strbuf_printf(sb, "; counts %lld, %lld, %lld", (long long)gc->count[0],
				 (long long)gc->count[1], (long long)gc->count[2]);
	if (gc->debug >= 0) {
		pl_strbuf_printf(sb, "; debug flags:");
		size_t n = 0;
		for (size_t i = 0; i < PL_ARRAY_SIZE(debug_flags); i++)
			if (gc->debug & debug_flags[i].flag)
				pl_strbuf_printf(sb, "%s %s", n++ ? "," : "", debug_flags[i].name);
		if (!n)
			pl_strbuf_printf(sb, " none");
	}
	if (gc->collecting > 0)
		pl_strbuf_printf(sb, "; a collection is running");
	pl_strbuf_printf(sb, "\n");
}

static void gc_json(struct pl_strbuf *sb, const struct pl_gc_state *gc)
{
	pl_strbuf_printf(sb, "\"gc\": {\"enabled\": %s, \"debug\": ",
			 gc->enabled < 0 ? "null" : gc->enabled ? "true" : "false");
	if (gc->debug < 0) {
		pl_strbuf_printf(sb, "null");
	} else {
		pl_strbuf_printf(sb, "[");
		size_t n = 0;
		for (size_t i = 0; i < PL_ARRAY_SIZE(debug_flags); i++)
			if (gc->debug & debug_flags[i].flag)
				pl_strbuf_printf(sb, "%s\"%s\"", n++ ? ", " : "", debug_flags[i].name);
		pl_strbuf_printf(sb, "]");
	}
	const int64_t *arrays[] = { gc->threshold, gc->count };
	const char *names[] = { "thresholds", "counts" };
	for (size_t k = 0; k < 2; k++) {
		if (arrays[k][0] < 0) {
			pl_strbuf_printf(sb, ", \"%s\": null", names[k]);
			continue;
		}
		pl_strbuf_printf(sb, ", \"%s\": [%lld, %lld, %lld]", names[k], (long long)arrays[k][0],
				 (long long)arrays[k][1], (long long)arrays[k][2]);
	}
	pl_strbuf_printf(sb, ", \"collecting\": %s}", gc->collecting < 0 ? "null"
						   : gc->collecting ? "true" : "false");
}

/* What the report did not find, in one line each (text only). */
static void absent_text(struct pl_strbuf *sb, const struct pl_suspects *s, const struct pl_heap *h)
{
	char a[32], b[32];
	pl_strbuf_printf(sb, "\n");
	if (!s->unreached_objects)
		pl_strbuf_printf(sb, "unreachable cycles: none (every object is reached from a root)\n");
	else
		pl_strbuf_printf(sb, "unreachable: %s objects, %s (kept alive only by reference cycles)\n",
				 pl_fmt_count(a, sizeof(a), s->unreached_objects),
				 pl_fmt_size(b, sizeof(b), s->unreached_size));
	if (!s->held_objects)
		pl_strbuf_printf(sb, "held from C: nothing (every reference count is explained, or a "
				     "root reaches the object)\n");
	pl_strbuf_printf(sb, "gc.garbage: %s\n", s->garbage_objects ? "see the suspects above"
					       : h->garbage_unknown ? "not listed (see the warnings)"
								    : "empty");
}

struct pl_error *pl_report_suspects(struct pl_labels *L, const struct pl_reach *reach,
				    const struct pl_suspects *s, const char *desc,
				    const char *warnings, const struct pl_suspects_options *o,
				    char **out)
{
	const struct pl_graph *g = pl_labels_graph(L);
	const struct pl_heap *h = g->heap;
	struct pl_runtime *rt = pl_labels_refs(L)->rt;
	char a[32], b[32], c1[32], c2[32];
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	/* at most MAX, of those that matter (MIN_SHARE of the heap); the first always */
	size_t shown = o->max && o->max < s->n ? o->max : s->n;
	while (o->max && shown > 1 && s->v[shown - 1].retained < MIN_SHARE * s->heap_size)
		shown--;
	bool json = o->format == PL_FORMAT_JSON;
	if (json) {
		pl_report_json_head(&sb, rt);
		pl_strbuf_printf(&sb, ", \"target\": ");
		pl_strbuf_json_string(&sb, desc);
		pl_strbuf_printf(&sb, ",\n \"heap\": {\"objects\": %" PRIu64 ", \"size\": %" PRIu64
				      ", \"tracked\": %zu, \"untracked\": %zu, \"unreached\": %" PRIu64
				      "},\n ", s->heap_objects, s->heap_size, h->ntracked,
				 h->nobjects - h->ntracked, s->unreached_objects);
		gc_json(&sb, &h->gc);
		pl_strbuf_printf(&sb, ",\n \"garbage_listed\": %s,\n \"suspects\": [",
				 h->garbage_unknown ? "false" : "true");
	} else {
		pl_report_text_head(&sb, rt, desc);
		pl_strbuf_printf(&sb, "heap: %s objects, %s as sys.getsizeof counts them (%s tracked "
				      "by the collector, %s untracked)\n",
				 pl_fmt_count(a, sizeof(a), s->heap_objects),
				 pl_fmt_size(b, sizeof(b), s->heap_size),
				 pl_fmt_count(c1, sizeof(c1), h->ntracked),
				 pl_fmt_count(c2, sizeof(c2), h->nobjects - h->ntracked));
		gc_text(&sb, &h->gc);
		if (!s->n)
			pl_strbuf_printf(&sb, "\nno suspects: nothing piles up\n");
	}
	struct pl_error *err = NULL;
	for (size_t i = 0; i < shown && !err; i++) {
		struct chain c;
		if ((err = chain_of(L, reach, &s->v[i], &c)))
			break;
		if (json)
			suspect_json(&sb, L, s, &s->v[i], i + 1, &c);
		else
			suspect_text(&sb, L, s, &s->v[i], i + 1, &c);
		free(c.steps);
	}
	if (json) {
		pl_strbuf_printf(&sb, "],\n \"warnings\": ");
		pl_strbuf_json_lines(&sb, warnings);
		pl_strbuf_printf(&sb, "}\n");
	} else {
		if (s->n > shown)
			pl_strbuf_printf(&sb, "\n(%zu more suspects%s; --max 0 shows them all)\n",
					 s->n - shown, shown < o->max ? ", each under 1% of the heap" : "");
		absent_text(&sb, s, h);
		if (warnings && warnings[0])
			pl_strbuf_printf(&sb, "\nwarnings:\n%s%s", warnings,
					 warnings[strlen(warnings) - 1] == '\n' ? "" : "\n");
	}
	if (err) {
		pl_strbuf_deinit(&sb);
		return err;
	}
	*out = pl_strbuf_finish(&sb, NULL);
	return *out ? NULL : &pl_enomem;
}

/* The TOP objects that retain most, biggest first (a bounded min-heap, then sorted). */
static size_t biggest(const struct pl_dominators *dom, size_t n, uint32_t *top, size_t want)
{
	size_t k = 0;
	for (uint32_t v = 0; v < n; v++) {
		if (dom->idom[v] == PL_UNREACHED)
			continue;
		if (k < want) { /* sift up */
			size_t i = k++;
			top[i] = v;
			while (i && dom->retained[top[(i - 1) / 2]] > dom->retained[top[i]]) {
				uint32_t t = top[i];
				top[i] = top[(i - 1) / 2];
				top[(i - 1) / 2] = t;
				i = (i - 1) / 2;
			}
		} else if (want && dom->retained[v] > dom->retained[top[0]]) { /* sift down */
			size_t i = 0;
			top[0] = v;
			for (;;) {
				size_t l = 2 * i + 1, r = l + 1, m = i;
				if (l < k && dom->retained[top[l]] < dom->retained[top[m]])
					m = l;
				if (r < k && dom->retained[top[r]] < dom->retained[top[m]])
					m = r;
				if (m == i)
					break;
				uint32_t t = top[i];
				top[i] = top[m];
				top[m] = t;
				i = m;
			}
		}
	}
	for (size_t i = 1; i < k; i++) /* insertion sort of a small array: biggest first */
		for (size_t j = i; j > 0 && dom->retained[top[j]] > dom->retained[top[j - 1]]; j--) {
			uint32_t t = top[j];
			top[j] = top[j - 1];
			top[j - 1] = t;
		}
	return k;
}

struct pl_error *pl_report_retained(struct pl_labels *L, const struct pl_reach *reach,
				    const struct pl_dominators *dom, const char *desc,
				    const struct pl_retained_options *o, char **out)
{
	const struct pl_graph *g = pl_labels_graph(L);
	struct pl_runtime *rt = pl_labels_refs(L)->rt;
	size_t want = o->top ? o->top : g->n;
	uint32_t *top = malloc((want ? want : 1) * sizeof(*top));
	if (!top)
		return &pl_enomem;
	size_t n = biggest(dom, g->n, top, want);
	char a[32], b[32], c1[32];
	uint64_t heap = 0;
	for (size_t v = 0; v < g->n; v++)
		heap += g->heap->objects[v].size;
	bool json = o->format == PL_FORMAT_JSON;
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	if (json) {
		pl_report_json_head(&sb, rt);
		pl_strbuf_printf(&sb, ", \"target\": ");
		pl_strbuf_json_string(&sb, desc);
		pl_strbuf_printf(&sb, ",\n \"heap\": {\"objects\": %zu, \"size\": %" PRIu64 ", \"reached\": %"
				      PRIu64 "},\n \"retainers\": [", g->n, heap, dom->total);
	} else {
		pl_report_text_head(&sb, rt, desc);
		pl_strbuf_printf(&sb, "heap: %s objects, %s; the roots reach %s\n\n%s %zu objects by "
				      "retained size (what would be freed with each):\n",
				 pl_fmt_count(a, sizeof(a), g->n), pl_fmt_size(b, sizeof(b), heap),
				 pl_fmt_size(c1, sizeof(c1), dom->total), n < g->n ? "Top" : "All", n);
		pl_strbuf_printf(&sb, "%12s %12s  %-28s %-18s %s\n", "retained", "objects", "type",
				 "address", "held by");
	}
	struct pl_error *err = NULL;
	for (size_t i = 0; i < n && !err; i++) {
		uint32_t v = top[i];
		struct pl_suspect x = { .kind = PL_SUSPECT_ACCUMULATION, .holder = v, .example = v,
					.holders = 1, .garbage_list = PL_UNREACHED };
		struct chain c;
		if ((err = chain_of(L, reach, &x, &c)))
			break;
		if (json) {
			pl_strbuf_printf(&sb, "%s\n  {\"address\": \"0x%" PRIx64 "\", \"type\": ", i ? "," : "",
					 pl_node_address(g, v));
			pl_strbuf_json_string(&sb, pl_node_type_name(g, v));
			pl_strbuf_printf(&sb, ", \"retained\": %" PRIu64 ", \"objects\": %" PRIu32
					      ", \"share\": %.4f, \"chain\": ", dom->retained[v],
					 dom->retained_objects[v], heap ? (double)dom->retained[v] / (double)heap : 0.0);
			chain_json(&sb, L, &c);
			pl_strbuf_printf(&sb, "}");
		} else {
			pl_strbuf_printf(&sb, "%12s %12s  %-28s 0x%-16" PRIx64 " ",
					 pl_fmt_size(a, sizeof(a), dom->retained[v]),
					 pl_fmt_count(b, sizeof(b), dom->retained_objects[v]),
					 pl_node_type_name(g, v), pl_node_address(g, v));
			if (c.has_root)
				holder_line(&sb, L, &c);
			pl_strbuf_printf(&sb, "\n");
		}
		free(c.steps);
	}
	free(top);
	if (json)
		pl_strbuf_printf(&sb, "]}\n");
	if (err) {
		pl_strbuf_deinit(&sb);
		return err;
	}
	*out = pl_strbuf_finish(&sb, NULL);
	return *out ? NULL : &pl_enomem;
}
