/* SPDX-License-Identifier: MIT */
/* report_refs.c - what one object holds, as text and JSON (schema 1): each outgoing reference
 * with its label, address, type and kind (strong, weak, conservative); an instance dict's
 * entries are listed under it as the attributes they are. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "report/report.h"
#include "runtime/pyread.h"

struct ref {
	uint64_t target;
	char *label;
	enum pl_ref_kind kind;
	bool via_dict;  /* an entry of the instance dict listed before it */
};

struct ref_list {
	struct ref *v;
	size_t n, cap;
	bool via_dict;
	bool failed;
};

/* Add REF to R (R owns its label from now on, even when this fails). */
static bool append(struct ref_list *r, struct ref ref)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct ref *v = realloc(r->v, cap * sizeof(*v));
		if (!v) {
			free(ref.label);
			return !(r->failed = true);
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = ref;
	return true;
}

static bool collect_ref(void *arg, uint64_t target, const char *label, enum pl_ref_kind kind)
{
	struct ref_list *r = arg;
	char *copy = strdup(label);
	if (!copy)
		return !(r->failed = true);
	return append(r, (struct ref){ target, copy, kind, r->via_dict });
}

static void ref_list_deinit(struct ref_list *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].label);
	free(r->v);
}

/* The type name of the object at ADDR (caller frees), or a copy of "<unreadable>". */
static char *object_type_name(struct pl_runtime *rt, uint64_t addr)
{
	uint64_t type, flags;
	if (!pl_target_u64(rt->target, addr + (uint64_t)rt->layout.object_type, &type) ||
	    !pl_target_u64(rt->target, type + (uint64_t)rt->layout.type_flags, &flags))
		return strdup("<unreadable>");
	return pl_py_type_name(rt, type, flags);
}

static const char *kind_word(enum pl_ref_kind kind)
{
	return kind == PL_REF_WEAK ? "weak" : kind == PL_REF_CONSERVATIVE ? "conservative" : "strong";
}

/* "['name']" as ".name", in place; false for other labels. */
static bool as_attribute(char *label)
{
	size_t n = strlen(label);
	if (n <= 4 || strncmp(label, "['", 2) != 0 || strcmp(label + n - 2, "']") != 0)
		return false;
	memmove(label + 1, label + 2, n - 4);
	label[0] = '.';
	label[n - 3] = '\0';
	return true;
}

/* The references of ADDR into LIST, each value of its instance dict (when it has one of its own,
 * not a module's or a class's namespace) listed after the dict as the attribute it is. */
static struct pl_error *collect_all(struct pl_refs *r, uint64_t addr, const struct pl_typeinfo *ti,
				    struct ref_list *list)
{
	struct ref_list direct = { 0 };
	struct pl_error *err = pl_refs_each(r, addr, true, collect_ref, &direct);
	bool expand = ti->kind != PL_KIND_MODULE && ti->kind != PL_KIND_TYPE;
	for (size_t i = 0; i < direct.n && !list->failed; i++) {
		struct ref d = direct.v[i];
		direct.v[i].label = NULL;
		bool is_dict = strcmp(d.label, "__dict__") == 0;
		if (!append(list, d) || !expand || !is_dict)
			continue;
		struct ref_list entries = { .via_dict = true };
		pl_error_destroy(pl_refs_each(r, d.target, true, collect_ref, &entries));
		for (size_t k = 0; k < entries.n; k++) {
			if (as_attribute(entries.v[k].label))
				append(list, entries.v[k]);
			else
				free(entries.v[k].label);
		}
		free(entries.v);
	}
	if (direct.failed)
		list->failed = true;
	ref_list_deinit(&direct);
	return err;
}

struct pl_error *pl_report_refs(struct pl_refs *r, const char *desc, uint64_t addr,
				enum pl_format format, char **out)
{
	struct pl_runtime *rt = r->rt;
	const struct pl_typeinfo *ti;
	struct pl_error *err = pl_refs_typeinfo(r, addr, &ti, NULL);
	if (err)
		return err;
	struct ref_list list = { 0 };
	/* a part that cannot be read ends that part: say so, show the rest */
	struct pl_error *partial = collect_all(r, addr, ti, &list);
	char *name = object_type_name(rt, addr);
	if (!name)
		err = &pl_enomem;
	bool tracked = r->heap && pl_heap_find_object(r->heap, addr) >= 0;
	int64_t refcount = pl_refs_refcount(rt, addr);
	size_t direct = 0;
	for (size_t i = 0; i < list.n; i++)
		direct += !list.v[i].via_dict;
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	if (!err && format == PL_FORMAT_JSON) {
		pl_report_json_head(&sb, rt);
		pl_strbuf_printf(&sb, ", \"target\": ");
		pl_strbuf_json_string(&sb, desc);
		pl_strbuf_printf(&sb, ", \"object\": {\"address\": \"0x%" PRIx64 "\", \"type\": ", addr);
		pl_strbuf_json_string(&sb, name);
		pl_strbuf_printf(&sb, ", \"decoded_as\": \"%s\", \"tracked\": %s, \"refcount\": %lld},\n "
				      "\"references\": [", pl_kind_name(ti->kind), tracked ? "true" : "false",
				 (long long)refcount);
	} else if (!err) {
		pl_report_text_salvaged(&sb, rt);
		pl_strbuf_printf(&sb, "Python %s, %s\n0x%" PRIx64 " %s (decoded as %s; %s; reference "
				      "count %lld): %zu reference%s\n", rt->version, desc, addr, name,
				 pl_kind_name(ti->kind), tracked ? "on the GC lists" : "not tracked",
				 (long long)refcount, direct, direct == 1 ? "" : "s");
	}
	for (size_t i = 0; !err && i < list.n; i++) {
		const struct ref *f = &list.v[i];
		char *tn = object_type_name(rt, f->target);
		if (format == PL_FORMAT_JSON) {
			pl_strbuf_printf(&sb, "%s\n  {\"label\": ", i ? "," : "");
			pl_strbuf_json_string(&sb, f->label);
			pl_strbuf_printf(&sb, ", \"address\": \"0x%" PRIx64 "\", \"type\": ", f->target);
			pl_strbuf_json_string(&sb, tn ? tn : "?");
			pl_strbuf_printf(&sb, ", \"kind\": \"%s\"%s}", kind_word(f->kind),
					 f->via_dict ? ", \"via\": \"__dict__\"" : "");
		} else {
			pl_strbuf_printf(&sb, "  %s%-*s 0x%-14" PRIx64 " %s%s%s%s\n", f->via_dict ? "  " : "",
					 f->via_dict ? 22 : 24, f->label, f->target, tn ? tn : "?",
					 f->kind != PL_REF_STRONG ? "  (" : "",
					 f->kind != PL_REF_STRONG ? kind_word(f->kind) : "",
					 f->kind != PL_REF_STRONG ? ")" : "");
		}
		free(tn);
	}
	if (!err && format == PL_FORMAT_JSON) {
		pl_strbuf_printf(&sb, "],\n \"warnings\": [");
		if (partial)
			pl_strbuf_json_string(&sb, partial->message);
		pl_strbuf_printf(&sb, "]}\n");
	} else if (!err && partial) {
		pl_strbuf_printf(&sb, "warning: the rest could not be read: %s\n", partial->message);
	}
	pl_error_destroy(partial);
	ref_list_deinit(&list);
	free(name);
	if (!err && list.failed)
		err = &pl_enomem;
	if (err) {
		pl_strbuf_deinit(&sb);
		return err;
	}
	*out = pl_strbuf_finish(&sb, NULL);
	return *out ? NULL : &pl_enomem;
}
