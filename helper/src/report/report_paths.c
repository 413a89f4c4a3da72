/* SPDX-License-Identifier: MIT */
/* report_paths.c - the referrer chains of one object as text, JSON (schema 1) and DOT: for
 * each chain its root, then every object down to the target with the label its referrer
 * holds it by; then what became of the target's other referrers, the fan-in caps that cut
 * the search, and, when no chain was found, the nearest root or why there is none. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "report/report.h"
#include "report/steps.h"

/* The displayed steps of each chain. */
struct shown {
	struct pl_step **steps;
	size_t *n;
	struct pl_root_desc *roots;
};

static void shown_free(struct shown *s, size_t nchains)
{
	for (size_t i = 0; s->steps && i < nchains; i++)
		free(s->steps[i]);
	free(s->steps);
	free(s->n);
	free(s->roots);
}

static struct pl_error *shown_make(struct pl_labels *L, const struct pl_paths *p, struct shown *s)
{
	size_t n = p->nchains ? p->nchains : 1;
	s->steps = calloc(n, sizeof(*s->steps));
	s->n = calloc(n, sizeof(*s->n));
	s->roots = calloc(n, sizeof(*s->roots));
	if (!s->steps || !s->n || !s->roots)
		return &pl_enomem;
	for (size_t i = 0; i < p->nchains; i++) {
		const struct pl_chain *c = &p->chains[i];
		s->steps[i] = malloc(c->len * sizeof(**s->steps));
		if (!s->steps[i])
			return &pl_enomem;
		s->n[i] = pl_steps_of(L, c->nodes, c->len, s->steps[i]);
		pl_root_desc_of(L, c->nodes[0], &s->roots[i]);
	}
	return NULL;
}

/* The first chain before chain I that passes through NODE, or -1. Chains come from one search
 * tree: from such a node on, chain I is that chain. */
static long earlier_chain_with(const struct shown *s, size_t i, uint32_t node)
{
	for (size_t j = 0; j < i; j++)
		for (size_t k = 0; k < s->n[j]; k++)
			if (s->steps[j][k].node == node)
				return (long)j;
	return -1;
}

static void chains_text(struct pl_strbuf *sb, const struct pl_graph *g, const struct pl_paths *p,
			const struct shown *s)
{
	char root[1400];
	for (size_t i = 0; i < p->nchains; i++) {
		size_t refs = p->chains[i].len - 1;
		pl_root_desc_text(&s->roots[i], root, sizeof(root));
		pl_strbuf_printf(sb, "\nchain %zu (%zu reference%s), root: %s\n", i + 1, refs,
				 refs == 1 ? "" : "s", root);
		for (size_t k = 0; k < s->n[i]; k++) {
			const struct pl_step *st = &s->steps[i][k];
			const char *label = st->label;
			if (k == 0 && !st->label[0])
				label = s->roots[i].kind == PL_ROOT_HELD_FROM_C ? "held from C"
										: s->roots[i].name;
			pl_strbuf_printf(sb, "  %-32s %-28s 0x%" PRIx64 "%s\n", label,
					 pl_node_type_name(g, st->node), pl_node_address(g, st->node),
					 k + 1 == s->n[i] ? "  <- target" : "");
			long j = k + 1 < s->n[i] ? earlier_chain_with(s, i, st->node) : -1;
			if (j >= 0) { /* the rest is chain J's */
				pl_strbuf_printf(sb, "  ... then as chain %ld\n", j + 1);
				break;
			}
		}
	}
}

static void chains_json(struct pl_strbuf *sb, const struct pl_graph *g, const struct pl_paths *p,
			const struct shown *s)
{
	for (size_t i = 0; i < p->nchains; i++) {
		pl_strbuf_printf(sb, "%s\n  {\"count\": 1, \"references\": %zu, \"root\": ",
				 i ? "," : "", p->chains[i].len - 1);
		pl_root_desc_json(sb, &s->roots[i]);
		pl_strbuf_printf(sb, ", \"path\": [");
		for (size_t k = 0; k < s->n[i]; k++) {
			const struct pl_step *st = &s->steps[i][k];
			pl_strbuf_printf(sb, "%s{\"address\": \"0x%" PRIx64 "\", \"type\": ", k ? ", " : "",
					 pl_node_address(g, st->node));
			pl_strbuf_json_string(sb, pl_node_type_name(g, st->node));
			pl_strbuf_printf(sb, ", \"label\": ");
			pl_strbuf_json_string(sb, st->label);
			pl_strbuf_printf(sb, "}");
		}
		pl_strbuf_printf(sb, "]}");
	}
}

/* TEXT as a DOT string: quoted, with quotes, backslashes and newlines escaped. */
static void dot_string(struct pl_strbuf *sb, const char *text)
{
	pl_strbuf_append(sb, "\"", 1);
	for (const char *c = text; *c; c++) {
		if (*c == '"' || *c == '\\')
			pl_strbuf_append(sb, "\\", 1);
		if (*c == '\n')
			pl_strbuf_append(sb, "\\n", 2);
		else
			pl_strbuf_append(sb, c, 1);
	}
	pl_strbuf_append(sb, "\"", 1);
}

/* The DOT node of graph node V: a root (described by ROOT), the target, or a step. */
static void dot_node(struct pl_strbuf *sb, const struct pl_graph *g, uint32_t v,
		     const struct pl_root_desc *root, bool is_target)
{
	char text[1600];
	if (root && pl_graph_root_of(g, v))
		snprintf(text, sizeof(text), "%s%s%s", root->name, root->where[0] ? "\nin " : "",
			 root->where);
	else if (root)
		snprintf(text, sizeof(text), "%s\n0x%" PRIx64 "%s",
			 root->kind == PL_ROOT_MODULE ? root->name : pl_node_type_name(g, v),
			 pl_node_address(g, v), root->kind == PL_ROOT_HELD_FROM_C ? "\nheld from C" : "");
	else
		snprintf(text, sizeof(text), "%s\n0x%" PRIx64, pl_node_type_name(g, v),
			 pl_node_address(g, v));
	pl_strbuf_printf(sb, "  n%u [label=", v);
	dot_string(sb, text);
	pl_strbuf_printf(sb, "%s];\n", is_target ? ", style=filled, fillcolor=\"#ffd0d0\""
				   : root ? ", shape=ellipse, style=filled, fillcolor=\"#d0e0ff\""
					  : "");
}

static void chains_dot(struct pl_strbuf *sb, const struct pl_graph *g, const struct pl_paths *p,
		       const struct shown *s, uint32_t target)
{
	pl_strbuf_printf(sb, "digraph referrers {\n  rankdir=TB;\n  node [shape=box, "
			     "fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", "
			     "fontsize=9];\n");
	dot_node(sb, g, target, NULL, true);
	for (size_t i = 0; i < p->nchains; i++) {
		const struct pl_chain *c = &p->chains[i];
		uint32_t from = c->nodes[0];
		dot_node(sb, g, from, &s->roots[i], from == target);
		for (size_t k = 0; k < s->n[i]; k++) {
			const struct pl_step *st = &s->steps[i][k];
			if (st->node == from)
				continue;
			long j = earlier_chain_with(s, i, st->node);
			if (st->node != target && j < 0)
				dot_node(sb, g, st->node, NULL, false);
			pl_strbuf_printf(sb, "  n%u -> n%u [label=", from, st->node);
			dot_string(sb, st->label);
			pl_strbuf_printf(sb, "];\n");
			if (j >= 0)
				break; /* from here on, chain J's edges, written already */
			from = st->node;
		}
	}
	pl_strbuf_printf(sb, "}\n");
}

/* What became of the target's referrers, the cuts, and why there is no chain if there is none. */
static void summary_text(struct pl_strbuf *sb, struct pl_labels *L, const struct pl_reach *reach,
			 const struct pl_paths *p, uint32_t target, unsigned max_depth,
			 unsigned max_fan_in)
{
	const struct pl_graph *g = pl_labels_graph(L);
	char name[PL_MAX_TYPE_NAME + 64];
	if (p->nchains == 0) {
		if (reach->parent[target] == PL_UNREACHED) {
			pl_strbuf_printf(sb, "\nno root reaches it: it is kept alive only by reference "
					     "cycles, among the %llu objects no root reaches (garbage "
					     "the collector has not freed yet: is gc disabled?)\n",
					 (unsigned long long)reach->nunreached);
		} else {
			struct pl_root_desc d;
			char root[1400];
			pl_root_desc_of(L, pl_reach_root(reach, target), &d);
			pl_root_desc_text(&d, root, sizeof(root));
			pl_strbuf_printf(sb, "\nno root within %u references; the nearest is %u references "
					     "away (--depth %u shows it): %s\n", max_depth,
					 reach->dist[target], reach->dist[target], root);
		}
	}
	pl_strbuf_printf(sb, "\nreferrers: %llu", (unsigned long long)p->referrers);
	const struct {
		uint64_t n;
		const char *one, *many;
	} parts[] = {
		{ p->on_chains, "is on the chains above", "are on the chains above" },
		{ p->cold, "is a cold trail: its way to a root comes back through this object (a "
			   "cycle), so it is not shown",
		  "are cold trails: their way to a root comes back through this object (a cycle), "
		  "so they are not shown" },
		{ p->other, "reaches a root by a chain not shown (longer than --depth, or past --max)",
		  "reach a root by chains not shown (longer than --depth, or past --max)" },
		{ p->unreached, "is reached from no root", "are reached from no root" },
		{ p->unclassified, "was not looked at", "were not looked at" },
	};
	const char *sep = " (";
	for (size_t i = 0; i < PL_ARRAY_SIZE(parts); i++)
		if (parts[i].n) {
			pl_strbuf_printf(sb, "%s%llu %s", sep, (unsigned long long)parts[i].n,
					 parts[i].n == 1 ? parts[i].one : parts[i].many);
			sep = "; ";
		}
	pl_strbuf_printf(sb, "%s\n", sep[0] == ';' ? ")" : "");
	/* where the search was cut: in full when it found nothing, else in one line */
	for (size_t i = 0; p->nchains == 0 && i < p->ncuts; i++)
		pl_strbuf_printf(sb, "fan-in cap: %s has %llu referrers that could lead to a root; the "
				     "%llu nearest one were followed (--fan-in)\n",
				 pl_node_name(g, p->cuts[i].node, name, sizeof(name)),
				 (unsigned long long)p->cuts[i].referrers,
				 (unsigned long long)p->cuts[i].followed);
	if (p->nchains && p->ncuts + p->more_cuts)
		pl_strbuf_printf(sb, "(the search followed at most %u referrers of %llu object%s that "
				     "had more: --fan-in)\n", max_fan_in,
				 (unsigned long long)(p->ncuts + p->more_cuts),
				 p->ncuts + p->more_cuts == 1 ? "" : "s");
	else if (p->more_cuts)
		pl_strbuf_printf(sb, "fan-in cap: %llu more objects had their referrers cut\n",
				 (unsigned long long)p->more_cuts);
	uint32_t rc = g->refcount[target];
	uint64_t in = pl_graph_indegree(g, target);
	if (rc == PL_REFCOUNT_UNKNOWN) {
		pl_strbuf_printf(sb, "reference count unknown (immortal); references the heap explains "
				     "%llu\n", (unsigned long long)in);
		return;
	}
	pl_strbuf_printf(sb, "reference count %u; references the heap explains %llu", rc,
			 (unsigned long long)in);
	if (rc > in)
		pl_strbuf_printf(sb, " (%llu more: held from C, or by a running frame's temporaries)",
				 (unsigned long long)(rc - in));
	pl_strbuf_printf(sb, "\n");
}

static void summary_json(struct pl_strbuf *sb, struct pl_labels *L, const struct pl_reach *reach,
			 const struct pl_paths *p, uint32_t target)
{
	const struct pl_graph *g = pl_labels_graph(L);
	pl_strbuf_printf(sb, ",\n \"referrers\": {\"total\": %llu, \"on_chains\": %llu, \"cold\": %llu, "
			     "\"other\": %llu, \"unreached\": %llu, \"unclassified\": %llu},\n \"cuts\": [",
			 (unsigned long long)p->referrers, (unsigned long long)p->on_chains,
			 (unsigned long long)p->cold, (unsigned long long)p->other,
			 (unsigned long long)p->unreached, (unsigned long long)p->unclassified);
	for (size_t i = 0; i < p->ncuts; i++) {
		pl_strbuf_printf(sb, "%s{\"address\": \"0x%" PRIx64 "\", \"type\": ", i ? ", " : "",
				 pl_node_address(g, p->cuts[i].node));
		pl_strbuf_json_string(sb, pl_node_type_name(g, p->cuts[i].node));
		pl_strbuf_printf(sb, ", \"referrers\": %llu, \"followed\": %llu}",
				 (unsigned long long)p->cuts[i].referrers,
				 (unsigned long long)p->cuts[i].followed);
	}
	pl_strbuf_printf(sb, "],\n \"nearest_root\": ");
	if (reach->parent[target] == PL_UNREACHED) {
		pl_strbuf_printf(sb, "null");
	} else {
		struct pl_root_desc d;
		pl_root_desc_of(L, pl_reach_root(reach, target), &d);
		pl_strbuf_printf(sb, "{\"references\": %u, \"root\": ", reach->dist[target]);
		pl_root_desc_json(sb, &d);
		pl_strbuf_printf(sb, "}");
	}
}

struct pl_error *pl_report_referrers(struct pl_labels *L, const struct pl_reach *reach,
				     const char *desc, uint64_t addr,
				     const struct pl_referrers_options *o, char **out)
{
	const struct pl_graph *g = pl_labels_graph(L);
	struct pl_runtime *rt = pl_labels_refs(L)->rt;
	long node = pl_graph_node(g, addr);
	if (node < 0)
		return pl_error_create(PL_ERR_LOOKUP,
				       "0x%" PRIx64 " is not an object on the garbage collector's "
				       "lists (referrer chains start from tracked objects; see "
				       "py-leaks --type)", addr);
	struct pl_paths *p;
	struct pl_error *err = pl_paths_find(rt, g, reach, (uint32_t)node, o->max_depth,
					     o->max_chains, o->max_fan_in, &p);
	if (err)
		return err;
	struct shown s = { 0 };
	err = shown_make(L, p, &s);
	const char *tname = pl_node_type_name(g, (uint32_t)node);
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	if (!err && o->format == PL_FORMAT_JSON) {
		pl_report_json_head(&sb, rt);
		pl_strbuf_printf(&sb, ", \"target\": {\"address\": \"0x%" PRIx64 "\", \"type\": ", addr);
		pl_strbuf_json_string(&sb, tname);
		uint32_t rc = g->refcount[node];
		pl_strbuf_printf(&sb, ", \"refcount\": %lld, \"explained\": %llu},\n \"chains\": [",
				 rc == PL_REFCOUNT_UNKNOWN ? -1LL : (long long)rc,
				 (unsigned long long)pl_graph_indegree(g, (uint32_t)node));
		chains_json(&sb, g, p, &s);
		pl_strbuf_printf(&sb, "]");
		summary_json(&sb, L, reach, p, (uint32_t)node);
		pl_strbuf_printf(&sb, "}\n");
	} else if (!err && o->format == PL_FORMAT_DOT) {
		chains_dot(&sb, g, p, &s, (uint32_t)node);
	} else if (!err) {
		char what[PL_MAX_TYPE_NAME + 64];
		long cls = pl_heap_type_at(g->heap, addr);
		snprintf(what, sizeof(what), "0x%" PRIx64 " %s%s", addr, cls >= 0 ? "class " : "",
			 cls >= 0 ? g->heap->types[cls].name : tname);
		pl_report_text_salvaged(&sb, rt);
		pl_strbuf_printf(&sb, "Python %s, %s\n%s: %zu chain%s to a root (shortest first, at "
				      "most %u references long)\n", rt->version, desc, what, p->nchains,
				 p->nchains == 1 ? "" : "s", o->max_depth);
		chains_text(&sb, g, p, &s);
		summary_text(&sb, L, reach, p, (uint32_t)node, o->max_depth, o->max_fan_in);
	}
	shown_free(&s, p->nchains);
	pl_paths_destroy(p);
	if (err) {
		pl_strbuf_deinit(&sb);
		return err;
	}
	*out = pl_strbuf_finish(&sb, NULL);
	return *out ? NULL : &pl_enomem;
}
