/* SPDX-License-Identifier: MIT */
/* report_paths.c - referrer chains as text and JSON (schema 1): for each chain the root, then
 * every object down to the target with the label its referrer holds it by. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "paths.h"
#include "pyread.h"
#include "refs.h"
#include "report.h"
#include "strbuf.h"

struct label_find {
	uint64_t to;
	char label[192];
	bool found;
};

static bool label_visit(void *arg, uint64_t target, const char *label)
{
	struct label_find *f = arg;
	if (target != f->to)
		return true;
	snprintf(f->label, sizeof(f->label), "%s", label);
	f->found = true;
	return false;
}

/* The label by which FROM holds TO ("?" if the reference is not found again). */
static void label_of(struct pl_runtime *rt, uint64_t from, uint64_t to, char *buf, size_t max)
{
	struct label_find f = { .to = to };
	pl_error_destroy(pl_refs_each(rt, from, true, label_visit, &f));
	snprintf(buf, max, "%s", f.found ? f.label : "?");
}

/* A module's __name__ into BUF, or "?". */
static void module_name(struct pl_runtime *rt, uint64_t module, char *buf, size_t max)
{
	uint64_t dict = 0, name = 0;
	snprintf(buf, max, "?");
	if (!pl_target_u64(rt->target, module + (uint64_t)rt->layout.module_dict, &dict) || !dict)
		return;
	struct pl_error *err = pl_py_dict_get_str(rt, dict, "__name__", &name);
	if (!err && name)
		err = pl_py_str(rt, name, buf, max);
	pl_error_destroy(err);
}

static void chain_text(struct pl_strbuf *sb, struct pl_runtime *rt, const struct pl_graph *g,
		       const struct pl_chain *c, size_t number)
{
	const struct pl_heap *h = g->heap;
	char name[128], label[192];
	module_name(rt, h->objects[c->nodes[0]].addr, name, sizeof(name));
	pl_strbuf_printf(sb, "\nchain %zu (%zu reference%s), root: module %s\n", number, c->len - 1,
			 c->len == 2 ? "" : "s", name);
	for (size_t k = 0; k < c->len; k++) {
		const struct pl_object *o = &h->objects[c->nodes[k]];
		if (k == 0)
			snprintf(label, sizeof(label), "module %.120s", name);
		else
			label_of(rt, h->objects[c->nodes[k - 1]].addr, o->addr, label, sizeof(label));
		pl_strbuf_printf(sb, "  %-32s %-28s 0x%" PRIx64 "%s\n", label, h->types[o->type].name,
				 o->addr, k + 1 == c->len ? "  <- target" : "");
	}
}

static void chain_json(struct pl_strbuf *sb, struct pl_runtime *rt, const struct pl_graph *g,
		       const struct pl_chain *c)
{
	const struct pl_heap *h = g->heap;
	char name[PL_MAX_TYPE_NAME], label[192];
	module_name(rt, h->objects[c->nodes[0]].addr, name, sizeof(name));
	pl_strbuf_printf(sb, "{\"count\": 1, \"root\": {\"kind\": \"module\", \"name\": ");
	pl_strbuf_json_string(sb, name);
	pl_strbuf_printf(sb, ", \"detail\": {}}, \"path\": [");
	for (size_t k = 0; k < c->len; k++) {
		const struct pl_object *o = &h->objects[c->nodes[k]];
		label[0] = '\0';
		if (k > 0)
			label_of(rt, h->objects[c->nodes[k - 1]].addr, o->addr, label, sizeof(label));
		pl_strbuf_printf(sb, "%s{\"address\": \"0x%" PRIx64 "\", \"type\": ", k ? ", " : "",
				 o->addr);
		pl_strbuf_json_string(sb, h->types[o->type].name);
		pl_strbuf_printf(sb, ", \"label\": ");
		pl_strbuf_json_string(sb, label);
		pl_strbuf_printf(sb, "}");
	}
	pl_strbuf_printf(sb, "]}");
}

/* The object's reference count (-1 if unreadable; immortal 3.12+ objects read as -1 too). */
static int64_t refcount_of(struct pl_runtime *rt, uint64_t addr)
{
	int64_t rc;
	if (!pl_target_read_ok(rt->target, addr + (uint64_t)rt->layout.object_refcnt, &rc, 8))
		return -1;
	if (rt->layout.version_hex >= 0x030c0000) /* 3.12+: 32-bit count, negative = immortal */
		rc = (int32_t)(uint32_t)rc;
	return rc < 0 ? -1 : rc;
}

struct pl_error *pl_report_referrers(struct pl_runtime *rt, const struct pl_graph *g,
				     const char *desc, uint64_t addr, unsigned max_depth,
				     unsigned max_chains, bool json, char **out)
{
	long node = pl_graph_node(g, addr);
	if (node < 0)
		return pl_error_create(PL_ERR_LOOKUP,
				       "0x%" PRIx64 " is not an object on the garbage collector's "
				       "lists (referrer chains start from tracked objects; see "
				       "py-leaks --type)", addr);
	struct pl_chain *chains;
	size_t n;
	struct pl_error *err = pl_paths_find(rt, g, (uint32_t)node, max_depth, max_chains, &chains, &n);
	if (err)
		return err;
	const struct pl_heap *h = g->heap;
	const char *tname = h->types[h->objects[node].type].name;
	int64_t refcount = refcount_of(rt, addr);
	uint64_t referrers = g->rev_off[node + 1] - g->rev_off[node];
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	if (json) {
		pl_strbuf_printf(&sb, "{\"schema\": 1, \"python\": {\"version\": ");
		pl_strbuf_json_string(&sb, rt->version);
		pl_strbuf_printf(&sb, "}, \"target\": {\"address\": \"0x%" PRIx64 "\", \"type\": ", addr);
		pl_strbuf_json_string(&sb, tname);
		pl_strbuf_printf(&sb, ", \"refcount\": %lld, \"referrers\": %llu},\n \"chains\": [",
				 (long long)refcount, (unsigned long long)referrers);
		for (size_t i = 0; i < n; i++) {
			pl_strbuf_printf(&sb, "%s\n  ", i ? "," : "");
			chain_json(&sb, rt, g, &chains[i]);
		}
		pl_strbuf_printf(&sb, "]}\n");
	} else {
		pl_strbuf_printf(&sb, "Python %s, %s\n0x%" PRIx64 " %s: %zu chain%s to a root "
				      "(shortest first, at most %u references long)\n",
				 rt->version, desc, addr, tname, n, n == 1 ? "" : "s", max_depth);
		for (size_t i = 0; i < n; i++)
			chain_text(&sb, rt, g, &chains[i], i + 1);
		if (n == 0)
			pl_strbuf_printf(&sb, "no module reaches it within %u references: it may be "
					      "held from C, by a running frame or only by a cycle\n",
					 max_depth);
		pl_strbuf_printf(&sb, "\nreference count %lld; references from objects on the GC "
				      "lists %llu", (long long)refcount, (unsigned long long)referrers);
		if (refcount > (int64_t)referrers)
			pl_strbuf_printf(&sb, " (%llu more: held from C, by running frames, or by "
					      "untracked objects)",
					 (unsigned long long)(refcount - (int64_t)referrers));
		pl_strbuf_printf(&sb, "\n");
	}
	pl_chains_destroy(chains, n);
	*out = pl_strbuf_finish(&sb, NULL);
	return *out ? NULL : &pl_enomem;
}

/* The labelled references of one referrer, hashed by target, so that the many instances one
 * big container holds cost one decode of it. */
struct label_cache {
	uint64_t parent;
	uint64_t *targets;
	char **labels;
	size_t n, cap;      /* entries, and the hash table's size (a power of two) */
	bool failed;
};

static void label_cache_clear(struct label_cache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->labels ? c->labels[i] : NULL);
	free(c->targets);
	free(c->labels);
	memset(c, 0, sizeof(*c));
}

static bool label_cache_put(struct label_cache *c, uint64_t target, const char *label);

static bool label_cache_grow(struct label_cache *c)
{
	struct label_cache bigger = { .parent = c->parent, .cap = c->cap ? c->cap * 2 : 64 };
	bigger.targets = calloc(bigger.cap, sizeof(*bigger.targets));
	bigger.labels = calloc(bigger.cap, sizeof(*bigger.labels));
	if (!bigger.targets || !bigger.labels) {
		free(bigger.targets);
		free(bigger.labels);
		return false;
	}
	for (size_t i = 0; i < c->cap; i++)
		if (c->labels[i] && !label_cache_put(&bigger, c->targets[i], c->labels[i]))
			return false;
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

static bool label_cache_visit(void *arg, uint64_t target, const char *label)
{
	struct label_cache *c = arg;
	if (!label_cache_put(c, target, label))
		return !(c->failed = true);
	return true;
}

enum { LABEL_CACHES = 64 }; /* referrers decoded at once: one per step of the chains, or so */

/* The label by which PARENT holds CHILD, with indexes and int keys collapsed to [*]. CACHES
 * holds LABEL_CACHES decoded referrers, chosen by address. */
static void shape_label(struct pl_runtime *rt, struct label_cache *caches, uint64_t parent,
			uint64_t child, char *buf, size_t max)
{
	struct label_cache *c = &caches[(parent >> 4) % LABEL_CACHES];
	if (c->parent != parent || !c->cap) {
		label_cache_clear(c);
		c->parent = parent;
		pl_error_destroy(pl_refs_each(rt, parent, true, label_cache_visit, c));
	}
	const char *label = "?";
	if (c->cap) {
		size_t s = pl_addr_hash(child, c->cap);
		for (; c->labels[s]; s = (s + 1) & (c->cap - 1))
			if (c->targets[s] == child) {
				label = c->labels[s];
				break;
			}
	}
	if (label[0] == '[' && (label[1] == '-' || label[1] == '<' || (label[1] >= '0' && label[1] <= '9')))
		label = "[*]";
	snprintf(buf, max, "%s", label);
}

struct shape_group {
	char *shape;      /* "label\ttype\n" per step, root first */
	uint64_t count;
	uint32_t example; /* an instance */
};

struct pl_error *pl_report_type_referrers(struct pl_runtime *rt, const struct pl_graph *g,
					  const char *desc, const char *type_name,
					  unsigned max_depth, unsigned max_groups, bool json,
					  char **out)
{
	const struct pl_heap *h = g->heap;
	long ti = pl_heap_find_type(h, type_name);
	if (ti < 0 || h->types[ti].count == 0)
		return pl_error_create(PL_ERR_LOOKUP, "no tracked object has type %s (see py-leaks "
						      "for the type names)", type_name);
	uint32_t *parent;
	struct pl_error *err = pl_paths_from_roots(rt, g, max_depth, &parent);
	if (err)
		return err;
	struct shape_group *groups = NULL;
	size_t ngroups = 0;
	uint64_t instances = 0, unreached = 0;
	struct label_cache *cache = calloc(LABEL_CACHES, sizeof(*cache));
	if (!cache) {
		free(parent);
		return &pl_enomem;
	}
	bool cache_failed = false;
	struct pl_strbuf shape;
	pl_strbuf_init(&shape);
	uint32_t path[4096];
	/* First pass: which containers fan out to different instances (a registry, a list of
	 * callbacks): the labels under those are collapsed to [*], whatever they are. */
	uint32_t *first_child = malloc((g->n ? g->n : 1) * sizeof(*first_child));
	uint8_t *fans_out = calloc(g->n ? g->n : 1, 1);
	if (!first_child || !fans_out)
		err = &pl_enomem;
	for (size_t i = 0; !err && i < g->n; i++)
		first_child[i] = UINT32_MAX;
	for (size_t i = 0; !err && i < g->n; i++) {
		if (h->objects[i].type != (uint32_t)ti || parent[i] == UINT32_MAX)
			continue;
		for (uint32_t v = (uint32_t)i, steps = 0; parent[v] != v && steps < 4096; steps++) {
			uint32_t p = parent[v];
			if (first_child[p] == UINT32_MAX)
				first_child[p] = v;
			else if (first_child[p] != v)
				fans_out[p] = 1;
			v = p;
		}
	}
	for (size_t i = 0; !err && i < g->n; i++) {
		if (h->objects[i].type != (uint32_t)ti)
			continue;
		instances++;
		if (parent[i] == UINT32_MAX) {
			unreached++;
			continue;
		}
		size_t len = 0;
		for (uint32_t v = (uint32_t)i; len < PL_ARRAY_SIZE(path); v = parent[v]) {
			path[len++] = v;
			if (parent[v] == v)
				break;
		}
		pl_strbuf_deinit(&shape);
		char name[128], label[192];
		module_name(rt, h->objects[path[len - 1]].addr, name, sizeof(name));
		pl_strbuf_printf(&shape, "module %s\tmodule\n", name);
		for (size_t k = len - 1; k > 0; k--) {
			if (fans_out[path[k]]) {
				snprintf(label, sizeof(label), "[*]");
			} else {
				shape_label(rt, cache, h->objects[path[k]].addr,
					    h->objects[path[k - 1]].addr, label, sizeof(label));
				cache_failed |=
					cache[(h->objects[path[k]].addr >> 4) % LABEL_CACHES].failed;
			}
			pl_strbuf_printf(&shape, "%s\t%s\n", label,
					 h->types[h->objects[path[k - 1]].type].name);
		}
		if (shape.failed || cache_failed) {
			err = &pl_enomem;
			break;
		}
		size_t gi = 0;
		while (gi < ngroups && strcmp(groups[gi].shape, shape.data) != 0)
			gi++;
		if (gi == ngroups) {
			struct shape_group *more = realloc(groups, (ngroups + 1) * sizeof(*groups));
			if (!more) {
				err = &pl_enomem;
				break;
			}
			groups = more;
			groups[gi] = (struct shape_group){ strdup(shape.data), 0, (uint32_t)i };
			ngroups++;
			if (!groups[gi].shape)
				err = &pl_enomem;
		}
		groups[gi].count++;
	}
	pl_strbuf_deinit(&shape);
	for (size_t k = 0; k < LABEL_CACHES; k++)
		label_cache_clear(&cache[k]);
	free(cache);
	free(parent);
	free(first_child);
	free(fans_out);
	/* most instances first */
	for (size_t a = 1; a < ngroups; a++)
		for (size_t b = a; b > 0 && groups[b].count > groups[b - 1].count; b--) {
			struct shape_group tmp = groups[b];
			groups[b] = groups[b - 1];
			groups[b - 1] = tmp;
		}
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	size_t shown = ngroups < max_groups ? ngroups : max_groups;
	if (json) {
		pl_strbuf_printf(&sb, "{\"schema\": 1, \"python\": {\"version\": ");
		pl_strbuf_json_string(&sb, rt->version);
		pl_strbuf_printf(&sb, "}, \"target\": {\"type\": ");
		pl_strbuf_json_string(&sb, type_name);
		pl_strbuf_printf(&sb, ", \"instances\": %llu}, \"unreached\": %llu,\n \"chains\": [",
				 (unsigned long long)instances, (unsigned long long)unreached);
	} else {
		pl_strbuf_printf(&sb, "Python %s, %s\n%s: %llu instance%s; chains from roots merged "
				      "by shape (at most %u references long)\n", rt->version, desc,
				 type_name, (unsigned long long)instances, instances == 1 ? "" : "s",
				 max_depth);
	}
	for (size_t gi = 0; !err && gi < shown; gi++) {
		char *line = groups[gi].shape, *next;
		size_t step = 0;
		char root[160] = "";
		sscanf(line, "module %150[^\t]", root);
		if (json)
			pl_strbuf_printf(&sb, "%s\n  {\"count\": %llu, \"root\": {\"kind\": \"module\", "
					      "\"name\": ", gi ? "," : "", (unsigned long long)groups[gi].count);
		else
			pl_strbuf_printf(&sb, "\n%llu instance%s, root: module %s (e.g. 0x%" PRIx64 ")\n",
					 (unsigned long long)groups[gi].count,
					 groups[gi].count == 1 ? "" : "s", root,
					 h->objects[groups[gi].example].addr);
		if (json) {
			pl_strbuf_json_string(&sb, root);
			pl_strbuf_printf(&sb, ", \"detail\": {}}, \"path\": [");
		}
		for (; *line; line = next + 1, step++) {
			next = strchr(line, '\n');
			char *tab = strchr(line, '\t');
			if (!next || !tab || tab > next)
				break;
			*tab = '\0';
			*next = '\0';
			if (json) {
				pl_strbuf_printf(&sb, "%s{\"type\": ", step ? ", " : "");
				pl_strbuf_json_string(&sb, tab + 1);
				pl_strbuf_printf(&sb, ", \"label\": ");
				pl_strbuf_json_string(&sb, step ? line : "");
				pl_strbuf_printf(&sb, "}");
			} else {
				pl_strbuf_printf(&sb, "  %-32s %s\n", line, tab + 1);
			}
		}
		if (json)
			pl_strbuf_printf(&sb, "]}");
	}
	if (json)
		pl_strbuf_printf(&sb, "]}\n");
	else if (unreached)
		pl_strbuf_printf(&sb, "\n%llu instance%s: no module reaches them within %u references "
				      "(held from C, by running frames, or only by cycles)\n",
				 (unsigned long long)unreached, unreached == 1 ? "" : "s", max_depth);
	if (!json && ngroups > shown)
		pl_strbuf_printf(&sb, "\n(%zu more shapes; --max shows more)\n", ngroups - shown);
	for (size_t gi = 0; gi < ngroups; gi++)
		free(groups[gi].shape);
	free(groups);
	if (err) {
		pl_strbuf_deinit(&sb);
		return err;
	}
	*out = pl_strbuf_finish(&sb, NULL);
	return *out ? NULL : &pl_enomem;
}
