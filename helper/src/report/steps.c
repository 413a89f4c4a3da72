/* SPDX-License-Identifier: MIT */
/* steps.c - folded steps and root descriptions of paths (see steps.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "refs/frames.h"
#include "report/steps.h"

static bool is_kind(struct pl_labels *L, uint32_t v, enum pl_kind kind)
{
	const struct pl_typeinfo *ti;
	const struct pl_graph *g = pl_labels_graph(L);
	if (v >= g->n)
		return false;
	struct pl_error *err = pl_refs_typeinfo(pl_labels_refs(L), g->heap->objects[v].addr, &ti, NULL);
	pl_error_destroy(err);
	return !err && ti->kind == kind;
}

/* Is the step FROM -> DICT (labelled __dict__) an instance dict, to fold into attributes? Module
 * and class namespaces stay as they are. */
static bool instance_dict(struct pl_labels *L, uint32_t from, uint32_t dict)
{
	return from < pl_labels_graph(L)->n && !is_kind(L, from, PL_KIND_MODULE) && !is_kind(L, from, PL_KIND_TYPE) &&
	       (is_kind(L, dict, PL_KIND_DICT));
}

bool pl_step_namespace(struct pl_labels *L, uint32_t from, uint32_t dict)
{
	const struct pl_graph *g = pl_labels_graph(L);
	char held[PL_LABEL_MAX];
	if (from == PL_UNREACHED || !is_kind(L, dict, PL_KIND_DICT))
		return false;
	if (from >= g->n) /* 3.12+: a static type's dict, held by its root */
		return pl_graph_root_of(g, from)->kind == PL_ROOT_TYPE;
	if (!is_kind(L, from, PL_KIND_MODULE) && !is_kind(L, from, PL_KIND_TYPE))
		return false;
	pl_labels_get(L, from, dict, held, sizeof(held));
	return strcmp(held, "__dict__") == 0;
}

void pl_step_label(struct pl_labels *L, uint32_t pp, uint32_t p, uint32_t v, char *buf,
		   size_t max, bool *folds_parent)
{
	const struct pl_graph *g = pl_labels_graph(L);
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
		struct pl_runtime *rt = pl_labels_refs(L)->rt;
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
	if (!pl_graph_root_of(pl_labels_graph(L), path[0])) /* the root is an object: the first step */
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
	const struct pl_graph *g = pl_labels_graph(L);
	struct pl_runtime *rt = pl_labels_refs(L)->rt;
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
		pl_root_describe(pl_labels_refs(L), g->roots, r, d->name, sizeof(d->name), d->where,
				 sizeof(d->where));
		if (r->kind == PL_ROOT_THREAD)
			pl_root_thread_info(pl_labels_refs(L), g->roots, r, &d->thread);
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
