/* SPDX-License-Identifier: MIT */
/* type_names.c - names the user types, resolved to heap types (see type_names.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "heap/type_names.h"

enum { MAX_LISTED = 8 };

static bool has_instances(const struct pl_type *ty)
{
	return ty->count + ty->ucount > 0;
}

/* Does the full name FULL end with ".NAME"? */
static bool ends_with_part(const char *full, const char *name)
{
	size_t fl = strlen(full), nl = strlen(name);
	return fl > nl && full[fl - nl - 1] == '.' && strcmp(full + fl - nl, name) == 0;
}

/* Types whose name looks like NAME (same last part, or NAME's last part): for a miss. */
static void suggest(struct pl_strbuf *sb, const struct pl_heap *h, const char *name)
{
	const char *last = strrchr(name, '.');
	last = last ? last + 1 : name;
	size_t shown = 0;
	for (size_t i = 0; i < h->ntypes && shown < 5; i++) {
		const char *tn = h->types[i].name, *tlast = strrchr(tn, '.');
		tlast = tlast ? tlast + 1 : tn;
		if (has_instances(&h->types[i]) && strcasecmp(tlast, last) == 0)
			pl_strbuf_printf(sb, "%s%s", shown++ ? ", " : "; did you mean ", tn);
	}
}

void pl_type_set_deinit(struct pl_type_set *s)
{
	free(s->member);
	s->member = NULL;
}

struct pl_error *pl_type_set_of(const struct pl_heap *h, const char *name, struct pl_type_set *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->member = calloc(h->ntypes ? h->ntypes : 1, 1);
	if (!ret->member)
		return &pl_enomem;
	/* the full name first; else the end of one */
	for (int pass = 0; pass < 2 && !ret->n; pass++)
		for (size_t i = 0; i < h->ntypes; i++) {
			const struct pl_type *ty = &h->types[i];
			if (!has_instances(ty) || !(pass == 0 ? strcmp(ty->name, name) == 0
							      : ends_with_part(ty->name, name)))
				continue;
			if (ret->n && strcmp(ty->name, h->types[ret->first].name) != 0) {
				struct pl_strbuf sb;
				pl_strbuf_init(&sb);
				size_t listed = 0;
				for (size_t k = 0; k < h->ntypes && listed < MAX_LISTED; k++) {
					const struct pl_type *o = &h->types[k];
					bool earlier = false;
					for (size_t j = 0; j < k && !earlier; j++)
						earlier = strcmp(h->types[j].name, o->name) == 0 &&
							  has_instances(&h->types[j]);
					if (has_instances(o) && !earlier && ends_with_part(o->name, name))
						pl_strbuf_printf(&sb, "%s%s", listed++ ? ", " : "", o->name);
				}
				struct pl_error *err = pl_error_create(
					PL_ERR_LOOKUP, "%s is ambiguous: %s (give the full name)", name,
					sb.data ? sb.data : "?");
				pl_strbuf_deinit(&sb);
				pl_type_set_deinit(ret);
				return err;
			}
			if (!ret->n)
				ret->first = (uint32_t)i;
			ret->member[i] = 1;
			ret->n++;
			ret->count += ty->count + ty->ucount;
		}
	if (ret->n)
		return NULL;
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	suggest(&sb, h, name);
	struct pl_error *err = pl_error_create(PL_ERR_LOOKUP,
					       "no object has type %s%s (names are module.Qualname, "
					       "the class name alone, or the plain name of a builtin "
					       "type)", name, sb.data ? sb.data : "");
	pl_strbuf_deinit(&sb);
	pl_type_set_deinit(ret);
	return err;
}

const char *pl_type_set_name(const struct pl_heap *h, const struct pl_type_set *s, char *buf,
			     size_t max)
{
	if (s->n > 1)
		snprintf(buf, max, "%s (%zu distinct classes of that name)", h->types[s->first].name, s->n);
	else
		snprintf(buf, max, "%s", h->types[s->first].name);
	return buf;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int type_index_cmp(const void *a, const void *b, void *heap)
{
	const struct pl_heap *h = heap;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = strcmp(h->types[x].name, h->types[y].name);
	return c ? c : (x > y) - (x < y);
}

uint32_t *pl_type_canon(const struct pl_heap *h)
{
	uint32_t *canon = malloc((h->ntypes ? h->ntypes : 1) * sizeof(*canon));
	uint32_t *order = malloc((h->ntypes ? h->ntypes : 1) * sizeof(*order));
	if (!canon || !order) {
		free(canon);
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < h->ntypes; i++)
		order[i] = (uint32_t)i;
	if (h->ntypes > 1) /* (see pl_sort) */
		qsort_r(order, h->ntypes, sizeof(*order), type_index_cmp, (void *)h);
	for (size_t k = 0; k < h->ntypes; k++)
		canon[order[k]] = k && strcmp(h->types[order[k]].name, h->types[order[k - 1]].name) == 0
					  ? canon[order[k - 1]] : order[k];
	free(order);
	return canon;
}

struct pl_error *pl_type_names_completing(const struct pl_heap *h, const char *prefix, char **out)
{
	size_t plen = strlen(prefix), n = 0, cap = 0;
	const char **names = NULL;
	for (size_t i = 0; i < h->ntypes; i++) {
		if (!has_instances(&h->types[i]))
			continue;
		/* the full name, and what follows each of its dots */
		for (const char *p = h->types[i].name; p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
			if (strncmp(p, prefix, plen) != 0 || !*p)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				const char **more = realloc(names, cap * sizeof(*names));
				if (!more) {
					free(names);
					return &pl_enomem;
				}
				names = more;
			}
			names[n++] = p;
		}
	}
	if (n)
		pl_sort(names, n, sizeof(*names), name_cmp);
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			pl_strbuf_printf(&sb, "%s\n", names[i]);
	free(names);
	*out = pl_strbuf_finish(&sb, NULL);
	return *out ? NULL : &pl_enomem;
}
