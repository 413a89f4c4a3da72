/* SPDX-License-Identifier: MIT */
/* suspects.c - the search for suspects (see suspects.h): accumulation points
 * (accumulation.c), objects held from C by type, gc.garbage and the unreachable cycles by the
 * groups their components make (components.c), ranked by what they retain. */
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "graph/components.h"
#include "graph/suspects_find.h"
#include "heap/type_names.h"

void pl_suspects_destroy(struct pl_suspects *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].group_types);
		free(s->v[i].group_type_counts);
	}
	free(s->v);
	free(s);
}

int pl_type_finalizer(struct pl_runtime *rt, uint64_t type)
{
	if (pl_runtime_field(rt, type, rt->layout.type_del))
		return 2;
	return pl_runtime_field(rt, type, rt->layout.type_finalize) ? 1 : 0;
}

bool pl_find_is_type(const struct pl_find *f, uint32_t v)
{
	return f->h->types[f->h->objects[v].type].sizing.kind == PL_SIZE_TYPE;
}

bool pl_find_is_wrapper(const struct pl_find *f, uint32_t v)
{
	static const enum pl_builtin_type wrappers[] = { PL_T_METHOD, PL_T_TUPLE, PL_T_LIST,
							 PL_T_DICT, PL_T_SET, PL_T_FROZENSET,
							 PL_T_CELL, PL_T_FUNCTION };
	uint64_t t = f->h->types[f->h->objects[v].type].addr;
	for (size_t i = 0; i < PL_ARRAY_SIZE(wrappers); i++)
		if (f->rt->types[wrappers[i]] == t)
			return true;
	return false;
}

struct pl_suspect *pl_find_add(struct pl_find *f)
{
	struct pl_suspects *s = f->out;
	if (s->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 64;
		struct pl_suspect *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		s->v = v;
		f->cap = cap;
	}
	struct pl_suspect *x = &s->v[s->n++];
	memset(x, 0, sizeof(*x));
	x->holder = x->example = x->garbage_list = x->next_link = PL_UNREACHED;
	return x;
}

/* Mark the nodes that are never holders: modules, types and code objects, module and class
 * namespaces (a module's or type's own dict, the dicts static types keep), and the gc.garbage
 * list (a suspect of its own kind). What they hold are definitions, not data. */
static void mark_excluded(struct pl_find *f)
{
	const struct pl_graph *g = f->g;
	const struct pl_layout *l = &f->rt->layout;
	for (uint32_t v = 0; v < g->n; v++) {
		uint64_t addr = f->h->objects[v].addr, t = f->h->types[f->h->objects[v].type].addr;
		if (t == f->rt->types[PL_T_MODULE] || t == f->rt->types[PL_T_CODE] || pl_find_is_type(f, v))
			f->excluded[v] = 1;
		int64_t off = t == f->rt->types[PL_T_MODULE] ? l->module_dict
			    : f->h->types[f->h->objects[v].type].sizing.kind == PL_SIZE_TYPE ? l->type_dict
											   : -1;
		long d = off >= 0 ? pl_graph_node(g, pl_runtime_field(f->rt, addr, off)) : -1;
		if (d >= 0)
			f->excluded[d] = 1;
	}
	for (size_t k = 0; k < g->nroots; k++)
		if (g->roots->v[k].kind == PL_ROOT_TYPE)
			for (uint64_t e = g->fwd_off[g->n + k]; e < g->fwd_off[g->n + k + 1]; e++)
				f->excluded[g->fwd[e]] = 1;
	long garbage = pl_graph_node(g, f->h->garbage_list);
	if (garbage >= 0)
		f->excluded[garbage] = 1;
}

/* Objects held from C, by type; not types (an extension holds its own types from C: that is
 * no leak). */
static struct pl_error *held(struct pl_find *f)
{
	const struct pl_graph *g = f->g;
	for (uint32_t v = 0; v < f->h->ntracked; v++) {
		if (!f->reach->held[v] || pl_find_is_type(f, v))
			continue;
		f->out->held_objects++;
		struct pl_suspect *x = NULL;
		for (size_t i = 0; i < f->out->n && !x; i++)
			if (f->out->v[i].kind == PL_SUSPECT_HELD && f->out->v[i].type == pl_find_type(f, v))
				x = &f->out->v[i];
		if (!x) {
			if (!(x = pl_find_add(f)))
				return &pl_enomem;
			x->kind = PL_SUSPECT_HELD;
			x->type = pl_find_type(f, v);
			x->holder = x->example = v;
		}
		x->count++;
		x->excess += pl_graph_excess(g, v);
		x->retained += f->dom->retained[v];
		x->objects += f->dom->retained_objects[v];
	}
	return NULL;
}

/* What piles up in a group: the type of its members with the most bytes, that of a class
 * rather than a builtin container or wrapper where there is one (a cycle of two Nodes
 * through their instance dicts is about Nodes). */
static const struct pl_tally_entry *group_type(const struct pl_find *f,
					       const struct pl_component_group *grp)
{
	for (size_t i = 0; i < grp->members.n; i++) /* sorted, most bytes first */
		if (!pl_find_is_wrapper(f, grp->members.v[i].example))
			return &grp->members.v[i];
	return grp->members.n ? &grp->members.v[0] : NULL;
}

/* One suspect of KIND per group. */
static struct pl_error *group_suspects(struct pl_find *f, enum pl_suspect_kind kind,
				       const struct pl_component_group *groups, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct pl_component_group *grp = &groups[i];
		const struct pl_tally_entry *main = group_type(f, grp);
		struct pl_suspect *x = main ? pl_find_add(f) : NULL;
		if (!main)
			continue;
		size_t nt = grp->members.n < 8 ? grp->members.n : 8;
		if (!x || !(x->group_types = malloc(nt * sizeof(*x->group_types))) ||
		    !(x->group_type_counts = malloc(nt * sizeof(*x->group_type_counts))))
			return &pl_enomem;
		x->kind = kind;
		x->type = main->type;
		x->count = main->count;
		x->example = x->holder = main->example;
		x->cycles = grp->cycles ? grp->components : 0;
		x->group_objects = x->objects = grp->objects;
		x->retained = grp->bytes;
		x->max_gen = grp->max_gen;
		x->ngroup_types = nt;
		for (size_t k = 0; k < nt; k++) {
			x->group_types[k] = grp->members.v[k].type;
			x->group_type_counts[k] = grp->members.v[k].count;
		}
	}
	return NULL;
}

/* The objects no root reaches, by the groups their cycles make. */
static struct pl_error *cycles(struct pl_find *f)
{
	const struct pl_graph *g = f->g;
	uint8_t *in_set = calloc(g->n + 1, 1);
	if (!in_set)
		return &pl_enomem;
	for (uint32_t v = 0; v < g->n; v++)
		if (f->reach->parent[v] == PL_UNREACHED) {
			in_set[v] = 1;
			f->out->unreached_objects++;
			f->out->unreached_size += f->h->objects[v].size;
		}
	struct pl_component_group *groups = NULL;
	size_t n = 0;
	struct pl_error *err = f->out->unreached_objects
				       ? pl_component_groups(g, f->canon, in_set, NULL, &groups, &n)
				       : NULL;
	if (!err)
		err = group_suspects(f, PL_SUSPECT_CYCLES, groups, n);
	pl_component_groups_free(groups, n);
	free(in_set);
	return err;
}

/* gc.garbage, by the groups its cycles make, each with why it is there: DEBUG_SAVEALL, a
 * legacy finalizer (tp_del) among its types, or else the program itself. */
static struct pl_error *garbage(struct pl_find *f)
{
	const struct pl_heap *h = f->h;
	const struct pl_graph *g = f->g;
	long list = pl_graph_node(g, h->garbage_list);
	if (!h->ngarbage)
		return NULL;
	uint8_t *in_set = calloc(g->n + 1, 1);
	uint64_t *bytes = malloc((g->n + 1) * sizeof(*bytes));
	if (!in_set || !bytes) {
		free(in_set);
		free(bytes);
		return &pl_enomem;
	}
	/* gc.garbage holds each of them: what each retains is its own */
	for (uint32_t v = 0; v < g->n; v++)
		bytes[v] = f->dom->idom[v] != PL_UNREACHED ? f->dom->retained[v] : h->objects[v].size;
	for (size_t i = 0; i < h->ngarbage; i++) {
		long v = pl_graph_node(g, h->garbage[i].addr);
		if (v >= 0 && !in_set[v]) {
			in_set[v] = 1;
			f->out->garbage_objects++;
		}
	}
	struct pl_component_group *groups = NULL;
	size_t n = 0, first = f->out->n;
	struct pl_error *err = f->out->garbage_objects
				       ? pl_component_groups(g, f->canon, in_set, bytes, &groups, &n)
				       : NULL;
	if (!err)
		err = group_suspects(f, PL_SUSPECT_GARBAGE, groups, n);
	bool saveall = h->gc.debug > 0 && (h->gc.debug & PL_GC_DEBUG_SAVEALL);
	for (size_t i = first; !err && i < f->out->n; i++) {
		struct pl_suspect *x = &f->out->v[i];
		x->garbage_list = list >= 0 ? (uint32_t)list : PL_UNREACHED;
		x->garbage_reason = saveall ? PL_GARBAGE_SAVEALL : PL_GARBAGE_PROGRAM;
		for (size_t k = 0; !saveall && k < x->ngroup_types; k++)
			if (pl_type_finalizer(f->rt, h->types[x->group_types[k]].addr) == 2)
				x->garbage_reason = PL_GARBAGE_LEGACY_FINALIZER;
	}
	pl_component_groups_free(groups, n);
	free(in_set);
	free(bytes);
	return err;
}

static int suspect_cmp(const void *a, const void *b)
{
	const struct pl_suspect *x = a, *y = b;
	if (x->retained != y->retained)
		return (x->retained < y->retained) - (x->retained > y->retained);
	return (int)x->kind - (int)y->kind;
}

struct pl_error *pl_suspects_find(struct pl_labels *L, const struct pl_reach *reach,
				  const struct pl_dominators *dom, struct pl_suspects **ret)
{
	const struct pl_graph *g = pl_labels_graph(L);
	struct pl_find f = { .L = L, .rt = pl_labels_refs(L)->rt, .g = g, .h = g->heap,
			     .reach = reach, .dom = dom };
	f.out = calloc(1, sizeof(*f.out));
	f.canon = pl_type_canon(g->heap);
	f.excluded = calloc(g->n + 1, 1);
	struct pl_error *err = f.out && f.canon && f.excluded ? NULL : &pl_enomem;
	if (!err) {
		for (uint32_t v = 0; v < g->n; v++)
			f.out->heap_size += g->heap->objects[v].size;
		f.out->heap_objects = g->n;
		mark_excluded(&f);
		err = pl_find_accumulations(&f);
	}
	if (!err)
		err = held(&f);
	if (!err)
		err = garbage(&f);
	if (!err)
		err = cycles(&f);
	free(f.canon);
	free(f.excluded);
	if (err) {
		pl_suspects_destroy(f.out);
		return err;
	}
	pl_sort(f.out->v, f.out->n, sizeof(*f.out->v), suspect_cmp);
	*ret = f.out;
	return NULL;
}
