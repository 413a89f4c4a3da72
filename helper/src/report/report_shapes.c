/* SPDX-License-Identifier: MIT */
/* report_shapes.c - `referrers --type`: the shortest chain of every instance of a type, merged
 * by shape (Eclipse MAT's "merged paths to GC roots"). A shape is the root, then each step's
 * label and type; indexes and int keys collapse to [*], as do the labels under a container
 * that holds different instances (but not the names of globals, class attributes and instance
 * attributes: USERS and ADMINS stay two shapes), and a step repeated (a linked list's .next)
 * is one step marked "one or more". Shapes are interned per node along the forward search's
 * tree, parents first, so the whole type costs one pass over the nodes its chains go through. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "heap/type_names.h"
#include "report/report.h"
#include "report/steps.h"

#define NONE UINT32_MAX            /* no shape: above a root */
#define ROOT_TYPE 0x80000000u      /* a shape's type is a root kind */

struct shape {
	uint32_t parent;   /* NONE for a root */
	uint32_t label;    /* string id: the step's label, or the root's description */
	uint32_t type;     /* heap type index, or ROOT_TYPE | root node kind */
	uint32_t root;     /* a root node with this root (roots only) */
	uint8_t repeated;  /* this step comes once or more (not part of the key) */
};

/* An interning table of strings and one of shapes. */
struct tables {
	char **strings;
	size_t nstrings, strings_cap;
	uint32_t *string_index;
	size_t string_index_cap;
	struct shape *shapes;
	size_t nshapes, shapes_cap;
	uint32_t *shape_index;
	size_t shape_index_cap;
	bool failed;
};

static uint64_t hash_bytes(const void *p, size_t n)
{
	return pl_fnv1a(PL_FNV_OFFSET, p, n);
}

static uint64_t hash_shape(const struct shape *s)
{
	uint32_t key[3] = { s->parent, s->label, s->type };
	return hash_bytes(key, sizeof(key));
}

static bool same_shape(const struct shape *a, const struct shape *b)
{
	return a->parent == b->parent && a->label == b->label && a->type == b->type;
}

/* Grow an index of N entries to twice N's room; HASH(i) is entry i's hash. */
static bool rehash(uint32_t **index, size_t *cap, size_t n, uint64_t (*hash)(struct tables *, uint32_t),
		   struct tables *t)
{
	size_t ncap = *cap ? *cap * 2 : 1024;
	uint32_t *idx = calloc(ncap, sizeof(*idx));
	if (!idx)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		size_t s = hash(t, i) & (ncap - 1);
		while (idx[s])
			s = (s + 1) & (ncap - 1);
		idx[s] = i + 1;
	}
	free(*index);
	*index = idx;
	*cap = ncap;
	return true;
}

static uint64_t string_hash_at(struct tables *t, uint32_t i)
{
	return hash_bytes(t->strings[i], strlen(t->strings[i]));
}

static uint64_t shape_hash_at(struct tables *t, uint32_t i)
{
	return hash_shape(&t->shapes[i]);
}

static uint32_t intern_string(struct tables *t, const char *s)
{
	if ((t->nstrings + 1) * 2 > t->string_index_cap &&
	    !rehash(&t->string_index, &t->string_index_cap, t->nstrings, string_hash_at, t))
		return t->failed = true, 0;
	size_t slot = hash_bytes(s, strlen(s)) & (t->string_index_cap - 1);
	for (; t->string_index[slot]; slot = (slot + 1) & (t->string_index_cap - 1))
		if (strcmp(t->strings[t->string_index[slot] - 1], s) == 0)
			return t->string_index[slot] - 1;
	if (t->nstrings == t->strings_cap) {
		size_t cap = t->strings_cap ? t->strings_cap * 2 : 256;
		char **n = realloc(t->strings, cap * sizeof(*n));
		if (!n)
			return t->failed = true, 0;
		t->strings = n;
		t->strings_cap = cap;
	}
	if (!(t->strings[t->nstrings] = strdup(s)))
		return t->failed = true, 0;
	t->string_index[slot] = (uint32_t)++t->nstrings;
	return (uint32_t)t->nstrings - 1;
}

static uint32_t intern_shape(struct tables *t, const struct shape *s)
{
	if ((t->nshapes + 1) * 2 > t->shape_index_cap &&
	    !rehash(&t->shape_index, &t->shape_index_cap, t->nshapes, shape_hash_at, t))
		return t->failed = true, 0;
	size_t slot = hash_shape(s) & (t->shape_index_cap - 1);
	for (; t->shape_index[slot]; slot = (slot + 1) & (t->shape_index_cap - 1))
		if (same_shape(&t->shapes[t->shape_index[slot] - 1], s))
			return t->shape_index[slot] - 1;
	if (t->nshapes == t->shapes_cap) {
		size_t cap = t->shapes_cap ? t->shapes_cap * 2 : 256;
		struct shape *n = realloc(t->shapes, cap * sizeof(*n));
		if (!n)
			return t->failed = true, 0;
		t->shapes = n;
		t->shapes_cap = cap;
	}
	t->shapes[t->nshapes] = *s;
	t->shape_index[slot] = (uint32_t)++t->nshapes;
	return (uint32_t)t->nshapes - 1;
}

static void tables_free(struct tables *t)
{
	for (size_t i = 0; i < t->nstrings; i++)
		free(t->strings[i]);
	free(t->strings);
	free(t->string_index);
	free(t->shapes);
	free(t->shape_index);
}

/* The work of one report. */
struct merge {
	struct pl_labels *L;
	const struct pl_graph *g;
	const struct pl_reach *reach;
	uint32_t *shape_of;   /* per node, NONE until worked out */
	uint32_t *first_child;
	uint8_t *fans_out;    /* the node holds different nodes on the instances' chains */
	uint32_t *stack;
	uint32_t *canon;      /* per heap type: the first type of the same name (one shape) */
	struct tables t;
};

enum { FANS_OUT = 1, WALKED = 2 }; /* bits of merge.fans_out */

/* Containers that fan out to different chains: their labels collapse to [*]. Each chain is
 * walked up until it joins one walked before. */
static void mark_fan_out(struct merge *m, const struct pl_type_set *types)
{
	const struct pl_graph *g = m->g;
	const uint32_t *parent = m->reach->parent;
	uint8_t *flags = m->fans_out;
	for (size_t i = 0; i < g->n; i++) {
		if (!types->member[g->heap->objects[i].type] || parent[i] == PL_UNREACHED)
			continue;
		for (uint32_t v = (uint32_t)i; parent[v] != v;) {
			uint32_t p = parent[v];
			if (m->first_child[p] == NONE)
				m->first_child[p] = v;
			else if (m->first_child[p] != v)
				flags[p] |= FANS_OUT;
			if (flags[v] & WALKED)
				break;
			flags[v] |= WALKED;
			v = p;
		}
	}
}

static bool index_like(const char *label)
{
	return label[0] == '[' && (label[1] == '-' || label[1] == '<' || (label[1] >= '0' && label[1] <= '9'));
}

/* The shape of root node R. */
static uint32_t root_shape(struct merge *m, uint32_t r)
{
	struct pl_root_desc d;
	char text[1400];
	pl_root_desc_of(m->L, r, &d);
	pl_root_desc_text(&d, text, sizeof(text));
	if (d.kind == PL_ROOT_HELD_FROM_C) /* one group per type held, not per object */
		snprintf(text, sizeof(text), "held from C: %s objects whose reference counts the "
					     "heap does not explain", pl_node_type_name(m->g, r));
	struct shape s = { .parent = NONE, .label = intern_string(&m->t, text),
			   .type = ROOT_TYPE | (uint32_t)d.kind, .root = r };
	return intern_shape(&m->t, &s);
}

/* The shape of node U, whose parent's shape (and grandparent's) is known. */
static uint32_t step_shape(struct merge *m, uint32_t u)
{
	const uint32_t *parent = m->reach->parent;
	uint32_t p = parent[u], pp = parent[p] == p ? PL_UNREACHED : parent[p];
	char label[PL_LABEL_MAX];
	bool folds;
	pl_step_label(m->L, pp, p, u, label, sizeof(label), &folds);
	/* collapse indexes and the keys of containers that fan out, never the names of globals,
	 * class attributes (a namespace's keys) or instance attributes (folded) */
	if (!folds && ((m->fans_out[p] & FANS_OUT) || index_like(label)) &&
	    !pl_step_namespace(m->L, pp, p))
		snprintf(label, sizeof(label), "[*]");
	uint32_t base = folds ? m->shape_of[pp] : m->shape_of[p];
	struct shape s = { .parent = base, .label = intern_string(&m->t, label),
			   .type = m->canon[m->g->heap->objects[u].type] };
	struct shape *last = &m->t.shapes[base];
	if (last->parent != NONE && last->label == s.label && last->type == s.type) {
		last->repeated = 1; /* the same step again: one shape for once or more */
		return base;
	}
	return intern_shape(&m->t, &s);
}

/* Work out the shape of V and of every ancestor not yet known, parents first. */
static void shape_node(struct merge *m, uint32_t v)
{
	const uint32_t *parent = m->reach->parent;
	size_t n = 0;
	for (uint32_t u = v; m->shape_of[u] == NONE; u = parent[u]) {
		m->stack[n++] = u;
		if (parent[u] == u)
			break;
	}
	while (n > 0 && !m->t.failed) {
		uint32_t u = m->stack[--n];
		m->shape_of[u] = parent[u] == u ? root_shape(m, u) : step_shape(m, u);
	}
}

struct group {
	uint32_t shape;
	uint64_t count;
	uint32_t example;
};

static int group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	return x->count != y->count ? (x->count < y->count ? 1 : -1) : (x->shape > y->shape) - (x->shape < y->shape);
}

/* The steps of shape S, root first: *N_RET of them, caller frees; NULL if out of memory. */
static uint32_t *shape_steps(const struct tables *t, uint32_t s, size_t *n_ret)
{
	size_t n = 0;
	for (uint32_t x = s; x != NONE; x = t->shapes[x].parent)
		n++;
	uint32_t *out = malloc(n * sizeof(*out));
	if (!out)
		return NULL;
	for (uint32_t x = s, k = (uint32_t)n; x != NONE; x = t->shapes[x].parent)
		out[--k] = x;
	*n_ret = n;
	return out;
}

static const char *step_type(const struct merge *m, const struct shape *s)
{
	return s->type & ROOT_TYPE ? pl_root_kind_name(s->type & ~ROOT_TYPE)
				   : m->g->heap->types[s->type].name;
}

/* One group. Shape step 0 is the root; for a root that is an object (a module, an object held
 * from C) it is also the path's first step, with the label "". */
static struct pl_error *group_out(struct pl_strbuf *sb, struct merge *m, const struct group *gr,
				  size_t gi, enum pl_format format)
{
	const struct tables *t = &m->t;
	size_t n;
	uint32_t *steps = shape_steps(t, gr->shape, &n);
	if (!steps)
		return &pl_enomem;
	const struct shape *root = &t->shapes[steps[0]];
	enum pl_root_kind kind = root->type & ~ROOT_TYPE;
	bool object_root = kind == PL_ROOT_MODULE || kind == PL_ROOT_HELD_FROM_C;
	const char *root_text = t->strings[root->label];
	uint64_t example = m->g->heap->objects[gr->example].addr;
	if (format == PL_FORMAT_JSON) {
		struct pl_root_desc d;
		pl_root_desc_of(m->L, root->root, &d);
		pl_strbuf_printf(sb, "%s\n  {\"count\": %llu, \"example\": \"0x%" PRIx64 "\", "
				     "\"root\": ", gi ? "," : "", (unsigned long long)gr->count, example);
		pl_root_desc_json(sb, &d);
		pl_strbuf_printf(sb, ", \"path\": [");
	} else if (format == PL_FORMAT_TEXT) {
		pl_strbuf_printf(sb, "\n%llu instance%s, root: %s (e.g. 0x%" PRIx64 ")\n",
				 (unsigned long long)gr->count, gr->count == 1 ? "" : "s", root_text,
				 example);
	} else {
		pl_strbuf_printf(sb, "  g%zu_0 [label=", gi);
		pl_strbuf_json_string(sb, root_text);
		pl_strbuf_printf(sb, ", shape=ellipse, style=filled, fillcolor=\"#d0e0ff\"];\n");
	}
	for (size_t k = object_root ? 0 : 1, shown = 0; k < n; k++, shown++) {
		const struct shape *s = &t->shapes[steps[k]];
		const char *label = k == 0 ? "" : t->strings[s->label];
		const char *type = k == 0 ? pl_node_type_name(m->g, root->root) : step_type(m, s);
		char text[PL_LABEL_MAX + 32];
		snprintf(text, sizeof(text), "%s%s", label, s->repeated ? " (one or more)" : "");
		if (format == PL_FORMAT_JSON) {
			pl_strbuf_printf(sb, "%s{\"type\": ", shown ? ", " : "");
			pl_strbuf_json_string(sb, type);
			pl_strbuf_printf(sb, ", \"label\": ");
			pl_strbuf_json_string(sb, label);
			pl_strbuf_printf(sb, "%s}", s->repeated ? ", \"repeated\": true" : "");
		} else if (format == PL_FORMAT_TEXT) {
			if (k == 0)
				snprintf(text, sizeof(text), "%s", kind == PL_ROOT_HELD_FROM_C ? "held from C"
											 : root_text);
			pl_strbuf_printf(sb, "  %-32s %s\n", text, type);
		} else if (k > 0) {
			pl_strbuf_printf(sb, "  g%zu_%zu [label=", gi, k);
			pl_strbuf_json_string(sb, type);
			if (k + 1 == n)
				pl_strbuf_printf(sb, ", xlabel=\"%llu\", style=filled, fillcolor=\"#ffd0d0\"",
						 (unsigned long long)gr->count);
			pl_strbuf_printf(sb, "];\n  g%zu_%zu -> g%zu_%zu [label=", gi, k - 1, gi, k);
			pl_strbuf_json_string(sb, text);
			pl_strbuf_printf(sb, "];\n");
		}
	}
	if (format == PL_FORMAT_JSON)
		pl_strbuf_printf(sb, "]}");
	free(steps);
	return NULL;
}

static void unreached_out(struct pl_strbuf *sb, const char *type_name, uint64_t unreached,
			  bool first, enum pl_format format)
{
	if (format == PL_FORMAT_JSON) {
		pl_strbuf_printf(sb, "%s\n  {\"count\": %llu, \"root\": {\"kind\": \"unreached\", \"name\": "
				     "\"kept alive only by reference cycles\", \"detail\": {}}, \"path\": "
				     "[{\"type\": ", first ? "" : ",", (unsigned long long)unreached);
		pl_strbuf_json_string(sb, type_name);
		pl_strbuf_printf(sb, ", \"label\": \"\"}]}");
	} else if (format == PL_FORMAT_TEXT) {
		pl_strbuf_printf(sb, "\n%llu instance%s: no root reaches them; they are kept alive only "
				     "by reference cycles (garbage the collector has not freed yet: is gc "
				     "disabled?)\n", (unsigned long long)unreached, unreached == 1 ? "" : "s");
	}
}

static struct pl_error *merge_all(struct merge *m, const struct pl_type_set *types,
				  struct group **groups_ret, size_t *ngroups_ret,
				  uint64_t *instances_ret, uint64_t *unreached_ret)
{
	const struct pl_graph *g = m->g;
	mark_fan_out(m, types);
	uint32_t *count = NULL;
	struct group *groups = NULL;
	size_t ngroups = 0;
	for (size_t i = 0; i < g->n && !m->t.failed; i++) {
		if (!types->member[g->heap->objects[i].type])
			continue;
		++*instances_ret;
		if (m->reach->parent[i] == PL_UNREACHED) {
			++*unreached_ret;
			continue;
		}
		shape_node(m, (uint32_t)i);
	}
	if (!m->t.failed)
		count = calloc(m->t.nshapes ? m->t.nshapes : 1, sizeof(*count));
	if (!count || m->t.failed) {
		free(count);
		return &pl_enomem;
	}
	for (size_t i = 0; i < g->n; i++) {
		if (!types->member[g->heap->objects[i].type] || m->reach->parent[i] == PL_UNREACHED)
			continue;
		uint32_t s = m->shape_of[i];
		if (count[s]++ == 0)
			ngroups++;
	}
	groups = calloc(ngroups ? ngroups : 1, sizeof(*groups));
	if (!groups) {
		free(count);
		return &pl_enomem;
	}
	size_t gi = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (!types->member[g->heap->objects[i].type] || m->reach->parent[i] == PL_UNREACHED)
			continue;
		uint32_t s = m->shape_of[i];
		if (count[s]) {
			groups[gi++] = (struct group){ s, count[s], (uint32_t)i };
			count[s] = 0;
		}
	}
	free(count);
	pl_sort(groups, ngroups, sizeof(*groups), group_cmp);
	*groups_ret = groups;
	*ngroups_ret = ngroups;
	return NULL;
}

struct pl_error *pl_report_type_referrers(struct pl_labels *L, const struct pl_reach *reach,
					  const char *desc, const char *type_name,
					  const struct pl_referrers_options *o, char **out)
{
	const struct pl_graph *g = pl_labels_graph(L);
	struct pl_runtime *rt = pl_labels_refs(L)->rt;
	const struct pl_heap *h = g->heap;
	struct pl_type_set types;
	struct pl_error *err = pl_type_set_of(h, type_name, &types);
	if (err)
		return err;
	char name[PL_MAX_TYPE_NAME + 64];
	pl_type_set_name(h, &types, name, sizeof(name));
	size_t total = g->n + g->nroots;
	struct merge m = { .L = L, .g = g, .reach = reach };
	m.canon = pl_type_canon(h);
	m.shape_of = malloc(total * sizeof(*m.shape_of));
	m.first_child = malloc(total * sizeof(*m.first_child));
	m.fans_out = calloc(total, 1);
	m.stack = malloc(total * sizeof(*m.stack));
	struct group *groups = NULL;
	size_t ngroups = 0;
	uint64_t instances = 0, unreached = 0;
	if (!m.shape_of || !m.first_child || !m.fans_out || !m.stack || !m.canon)
		err = &pl_enomem;
	if (!err) {
		memset(m.shape_of, 0xff, total * sizeof(*m.shape_of));
		memset(m.first_child, 0xff, total * sizeof(*m.first_child));
		err = merge_all(&m, &types, &groups, &ngroups, &instances, &unreached);
	}
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	size_t shown = ngroups < o->max_chains ? ngroups : o->max_chains;
	if (!err && o->format == PL_FORMAT_JSON) {
		pl_report_json_head(&sb, rt);
		pl_strbuf_printf(&sb, ", \"target\": {\"type\": ");
		pl_strbuf_json_string(&sb, h->types[types.first].name);
		pl_strbuf_printf(&sb, ", \"classes\": %zu, \"instances\": %llu}, \"unreached\": %llu, "
				      "\"shapes\": %zu,\n \"chains\": [", types.n, (unsigned long long)instances,
				 (unsigned long long)unreached, ngroups);
	} else if (!err && o->format == PL_FORMAT_TEXT) {
		pl_report_text_salvaged(&sb, rt);
		pl_strbuf_printf(&sb, "Python %s, %s\n%s: %llu instance%s; their shortest chains from "
				      "roots, merged by shape, most instances first\n", rt->version, desc,
				 name, (unsigned long long)instances, instances == 1 ? "" : "s");
	} else if (!err) {
		pl_strbuf_printf(&sb, "digraph referrers {\n  rankdir=TB;\n  node [shape=box, "
				      "fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", "
				      "fontsize=9];\n");
	}
	for (size_t gi = 0; !err && gi < shown; gi++)
		err = group_out(&sb, &m, &groups[gi], gi, o->format);
	if (!err && unreached)
		unreached_out(&sb, h->types[types.first].name, unreached, shown == 0, o->format);
	if (!err && o->format == PL_FORMAT_JSON)
		pl_strbuf_printf(&sb, "]}\n");
	else if (!err && o->format == PL_FORMAT_DOT)
		pl_strbuf_printf(&sb, "}\n");
	else if (!err && ngroups > shown)
		pl_strbuf_printf(&sb, "\n(%zu more shapes; --max shows more)\n", ngroups - shown);
	free(groups);
	free(m.shape_of);
	free(m.first_child);
	free(m.fans_out);
	free(m.stack);
	free(m.canon);
	pl_type_set_deinit(&types);
	tables_free(&m.t);
	if (err) {
		pl_strbuf_deinit(&sb);
		return err;
	}
	*out = pl_strbuf_finish(&sb, NULL);
	return *out ? NULL : &pl_enomem;
}
