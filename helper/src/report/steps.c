/* SPDX-License-Identifier: MIT */
/* steps.c - labels, folded steps and root descriptions of paths (see steps.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refs/frames.h"
#include "base/internal.h"
#include "report/steps.h"
#include "base/strbuf.h"

enum { LABEL_CACHES = 64 }; /* referrers whose labels are kept at once */

/* The labelled references of one referrer, hashed by target. */
struct label_cache {
	uint32_t from;
	uint64_t *targets;
	char **labels;
	size_t n, cap;      /* entries, and the hash table's size (a power of two) */
	bool failed;
};

struct pl_labels {
	struct pl_refs *r;
	const struct pl_graph *g;
	struct label_cache cache[LABEL_CACHES];
};

static void label_cache_clear(struct label_cache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->labels ? c->labels[i] : NULL);
	free(c->targets);
	free(c->labels);
	memset(c, 0, sizeof(*c));
}

struct pl_error *pl_labels_create(struct pl_refs *r, const struct pl_graph *g,
				  struct pl_labels **ret)
{
	struct pl_labels *L = calloc(1, sizeof(*L));
	if (!L)
		return &pl_enomem;
	L->r = r;
	L->g = g;
	*ret = L;
	return NULL;
}

const struct pl_graph *pl_labels_graph(const struct pl_labels *L)
{
	return L->g;
}

struct pl_refs *pl_labels_refs(const struct pl_labels *L)
{
	return L->r;
}

void pl_labels_destroy(struct pl_labels *L)
{
	if (!L)
		return;
	for (size_t i = 0; i < LABEL_CACHES; i++)
		label_cache_clear(&L->cache[i]);
	free(L);
}

static bool label_cache_put(struct label_cache *c, uint64_t target, const char *label);

static bool label_cache_grow(struct label_cache *c)
{
	struct label_cache bigger = { .from = c->from, .cap = c->cap ? c->cap * 2 : 64 };
	bigger.targets = calloc(bigger.cap, sizeof(*bigger.targets));
	bigger.labels = calloc(bigger.cap, sizeof(*bigger.labels));
	if (!bigger.targets || !bigger.labels) {
		free(bigger.targets);
		free(bigger.labels);
		return false;
	}
	for (size_t i = 0; i < c->cap; i++)
		if (c->labels[i] && !label_cache_put(&bigger, c->targets[i], c->labels[i])) {
			label_cache_clear(&bigger);
			return false;
		}
	label_cache_clear(c);
	*c = bigger;
	return true;
}

/* Keep the first label seen for TARGET. */
static bool label_cache_put(struct label_cache *c, uint64_t target, const char *label)
{
	if ((c->n + 1) * 2 > c->cap && !label_cache_grow(c))
		return false;
	size_t s = pl_addr_hash(target, c->cap);
	while (c->labels[s]) {
		if (c->targets[s] == target)
			return true;
		s = (s + 1) & (c->cap - 1);
	}
	c->labels[s] = strdup(label);
	if (!c->labels[s])
		return false;
	c->targets[s] = target;
	c->n++;
	return true;
}

static bool label_cache_visit(void *arg, uint64_t target, const char *label, enum pl_ref_kind kind)
{
	struct label_cache *c = arg;
	if (kind == PL_REF_WEAK)
		return true;
	char marked[PL_LABEL_MAX];
	if (kind == PL_REF_CONSERVATIVE) {
		snprintf(marked, sizeof(marked), "%s (conservative)", label);
		label = marked;
	}
	if (!label_cache_put(c, target, label))
		return !(c->failed = true);
	return true;
}

uint64_t pl_node_address(const struct pl_graph *g, uint32_t v)
{
	if (v < g->n)
		return g->heap->objects[v].addr;
	const struct pl_root *root = &g->roots->v[v - g->n];
	return root->kind == PL_ROOT_TYPE ? root->type
	     : root->kind == PL_ROOT_THREAD ? (root->frame ? root->frame : root->tstate)
					    : root->interp;
}

const char *pl_node_name(const struct pl_graph *g, uint32_t v, char *buf, size_t max)
{
	uint64_t addr = pl_node_address(g, v);
	long t = v < g->n ? pl_heap_type_at(g->heap, addr) : -1;
	if (t >= 0)
		snprintf(buf, max, "class %s at 0x%" PRIx64, g->heap->types[t].name, addr);
	else
		snprintf(buf, max, "%s at 0x%" PRIx64, pl_node_type_name(g, v), addr);
	return buf;
}

const char *pl_node_type_name(const struct pl_graph *g, uint32_t v)
{
	if (v < g->n)
		return g->heap->types[g->heap->objects[v].type].name;
	return pl_root_kind_name(g->roots->v[v - g->n].kind);
}

void pl_labels_get(struct pl_labels *L, uint32_t from, uint32_t to, char *buf, size_t max)
{
	const struct pl_graph *g = L->g;
	struct label_cache *c = &L->cache[from % LABEL_CACHES];
	if (c->from != from || !c->cap) {
		label_cache_clear(c);
		c->from = from;
		struct pl_error *err = from < g->n
			? pl_refs_each(L->r, g->heap->objects[from].addr, true, label_cache_visit, c)
			: pl_roots_each_ref(L->r, &g->roots->v[from - g->n], true, label_cache_visit, c);
		pl_error_destroy(err);
	}
	const char *label = "?";
	uint64_t target = pl_node_address(g, to);
	if (c->cap)
		for (size_t s = pl_addr_hash(target, c->cap); c->labels[s]; s = (s + 1) & (c->cap - 1))
			if (c->targets[s] == target) {
				label = c->labels[s];
				break;
			}
	snprintf(buf, max, "%s", label);
}

static bool is_kind(struct pl_labels *L, uint32_t v, enum pl_kind kind)
{
	const struct pl_typeinfo *ti;
	if (v >= L->g->n)
		return false;
	struct pl_error *err = pl_refs_typeinfo(L->r, L->g->heap->objects[v].addr, &ti, NULL);
	pl_error_destroy(err);
	return !err && ti->kind == kind;
}

/* Is the step FROM -> DICT (labelled __dict__) an instance dict, to fold into attributes? Module
 * and class namespaces stay as they are. */
static bool instance_dict(struct pl_labels *L, uint32_t from, uint32_t dict)
{
	return from < L->g->n && !is_kind(L, from, PL_KIND_MODULE) && !is_kind(L, from, PL_KIND_TYPE) &&
	       (is_kind(L, dict, PL_KIND_DICT));
}

void pl_step_label(struct pl_labels *L, uint32_t pp, uint32_t p, uint32_t v, char *buf,
		   size_t max, bool *folds_parent)
{
	const struct pl_graph *g = L->g;
	char held[PL_LABEL_MAX];
	*folds_parent = false;
	pl_labels_get(L, p, v, buf, max);
	if (pp == PL_UNREACHED)
		return;
	size_t n = strlen(buf);
	unsigned long long i;
	if (n > 4 && strncmp(buf, "['", 2) == 0 && strcmp(buf + n - 2, "']") == 0) {
		pl_labels_get(L, pp, p, held, sizeof(held));
		if (strcmp(held, "__dict__") == 0 && instance_dict(L, pp, p)) {
			memmove(buf + 1, buf + 2, n - 4);
			buf[0] = '.';
			buf[n - 3] = '\0';
			*folds_parent = true;
		}
	} else if (sscanf(buf, "[%llu]", &i) == 1 && is_kind(L, pp, PL_KIND_FUNCTION)) {
		struct pl_runtime *rt = L->r->rt;
		uint64_t code = 0;
		pl_labels_get(L, pp, p, held, sizeof(held));
		if (strcmp(held, "__closure__") == 0 &&
		    pl_target_u64(rt->target, g->heap->objects[pp].addr + (uint64_t)rt->layout.func_code,
				  &code)) {
			char name[96];
			pl_code_freevar_name(rt, code, i, name, sizeof(name));
			snprintf(buf, max, "free var %s", name);
		}
	}
}

size_t pl_steps_of(struct pl_labels *L, const uint32_t *path, size_t len, struct pl_step *out)
{
	size_t n = 0;
	if (len == 0)
		return 0;
	if (!pl_graph_root_of(L->g, path[0])) /* the root is an object: the first step */
		out[n++] = (struct pl_step){ .node = path[0], .label = "" };
	for (size_t k = 1; k < len; k++) {
		struct pl_step s = { .node = path[k] };
		bool folds;
		pl_step_label(L, k >= 2 ? path[k - 2] : PL_UNREACHED, path[k - 1], path[k], s.label,
			      sizeof(s.label), &folds);
		if (folds && n > 0)
			n--; /* the instance dict gives way to the attribute */
		out[n++] = s;
	}
	return n;
}

void pl_root_desc_of(struct pl_labels *L, uint32_t root, struct pl_root_desc *d)
{
	const struct pl_graph *g = L->g;
	struct pl_runtime *rt = L->r->rt;
	memset(d, 0, sizeof(*d));
	d->kind = pl_paths_root_kind(rt, g, root);
	d->address = pl_node_address(g, root);
	d->refcount = d->explained = -1;
	char name[256];
	switch (d->kind) {
	case PL_ROOT_MODULE:
		pl_module_name(rt, d->address, name, sizeof(name));
		snprintf(d->name, sizeof(d->name), "module %s", name);
		break;
	case PL_ROOT_HELD_FROM_C:
		d->refcount = g->refcount[root] == PL_REFCOUNT_UNKNOWN ? -1 : (int64_t)g->refcount[root];
		d->explained = (int64_t)pl_graph_indegree(g, root);
		snprintf(d->name, sizeof(d->name), "%s at 0x%" PRIx64, pl_node_type_name(g, root),
			 d->address);
		break;
	default: {
		const struct pl_root *r = pl_graph_root_of(g, root);
		pl_root_describe(L->r, g->roots, r, d->name, sizeof(d->name), d->where,
				 sizeof(d->where));
		if (r->kind == PL_ROOT_THREAD)
			pl_root_thread_info(L->r, g->roots, r, &d->thread);
		break;
	}
	}
}

void pl_root_desc_text(const struct pl_root_desc *d, char *buf, size_t max)
{
	switch (d->kind) {
	case PL_ROOT_HELD_FROM_C:
		snprintf(buf, max, "held from C: %s has %lld reference%s, the heap explains %lld "
				   "(the rest: C code, C statics or a running frame's temporaries)",
			 d->name, (long long)d->refcount, d->refcount == 1 ? "" : "s", (long long)d->explained);
		break;
	case PL_ROOT_THREAD:
		snprintf(buf, max, "%s, %s%s", d->name, d->where[0] ? "in " : "",
			 d->where[0] ? d->where : "thread state");
		break;
	default:
		snprintf(buf, max, "%s", d->name);
		break;
	}
}

static void root_detail_json(struct pl_strbuf *sb, const struct pl_root_desc *d)
{
	pl_strbuf_printf(sb, "{\"address\": \"0x%" PRIx64 "\"", d->address);
	if (d->kind == PL_ROOT_HELD_FROM_C)
		pl_strbuf_printf(sb, ", \"refcount\": %lld, \"explained\": %lld, \"excess\": %lld",
				 (long long)d->refcount, (long long)d->explained,
				 (long long)(d->refcount - d->explained));
	if (d->kind == PL_ROOT_THREAD) {
		pl_strbuf_printf(sb, ", \"thread_name\": ");
		pl_strbuf_json_string(sb, d->thread.name);
		pl_strbuf_printf(sb, ", \"main\": %s, \"ident\": %" PRIu64 ", \"native_id\": %" PRIu64,
				 d->thread.main ? "true" : "false", d->thread.ident, d->thread.native_id);
		if (d->where[0]) {
			pl_strbuf_printf(sb, ", \"function\": ");
			pl_strbuf_json_string(sb, d->thread.function);
			pl_strbuf_printf(sb, ", \"file\": ");
			pl_strbuf_json_string(sb, d->thread.file);
			pl_strbuf_printf(sb, ", \"line\": %d", d->thread.line);
		}
	}
	pl_strbuf_printf(sb, "}");
}

void pl_root_desc_json(struct pl_strbuf *sb, const struct pl_root_desc *d)
{
	const char *name = d->name;
	if (d->kind == PL_ROOT_MODULE && strncmp(name, "module ", 7) == 0)
		name += 7;
	if (d->kind == PL_ROOT_TYPE && strncmp(name, "type ", 5) == 0)
		name += 5;
	pl_strbuf_printf(sb, "{\"kind\": \"%s\", \"name\": ", pl_root_kind_name(d->kind));
	pl_strbuf_json_string(sb, d->kind == PL_ROOT_THREAD && d->thread.name[0] ? d->thread.name : name);
	pl_strbuf_printf(sb, ", \"detail\": ");
	root_detail_json(sb, d);
	pl_strbuf_printf(sb, "}");
}
