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
