/* SPDX-License-Identifier: MIT */
/* accumulation.c - accumulation points on the dominator tree (Eclipse MAT's approach): a
 * container whose dominated items of one kind are many and retain most of what it holds, or
 * the head of a linked chain of one type; what piles up is named through thin wrappers (a
 * bound method's object, a closure's contents); the biggest points are kept, none inside
 * another. Linear in the graph. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/strbuf.h"
#include "graph/suspects_find.h"
#include "graph/tally.h"

#define NONE UINT32_MAX

enum {
	MIN_ITEMS = 8,          /* a pile has at least this many items of one kind */
	MAX_ACCUMULATIONS = 32, /* accumulation points kept */
	MAX_CHAIN = 1 << 30,
};

/* A pile's items retain at least this share of what the holder retains besides itself;
 * the biggest child of a chain link at least CHAIN_SHARE of what the link retains; what a
 * wrapper holds at least UNWRAP_SHARE of what the wrappers retain besides themselves. */
#define PILE_SHARE 0.5
#define CHAIN_SHARE 0.8
#define UNWRAP_SHARE 0.5

/* The kind of item that piles up under H: its dominated children by type, the one that
 * retains most, if it has MIN_ITEMS or more and retains PILE_SHARE of what H holds besides
 * itself; NULL if none (or *FAILED: out of memory). T is the tally to count in. */
static const struct pl_tally_entry *pile_of(struct pl_find *f, uint32_t h, struct pl_tally *t,
					    bool *failed)
{
	size_t n;
	const uint32_t *kids = pl_dom_children(f->dom, h, &n);
	pl_tally_clear(t);
	for (size_t i = 0; i < n; i++)
		if (kids[i] < f->g->n &&
		    !pl_tally_add(t, pl_find_type(f, kids[i]), kids[i], 1, f->dom->retained[kids[i]])) {
			*failed = true;
			return NULL;
		}
	const struct pl_tally_entry *top = pl_tally_top(t);
	uint64_t inside = f->dom->retained[h] - f->h->objects[h].size;
	if (!top || top->count < MIN_ITEMS || (double)top->bytes < PILE_SHARE * (double)inside)
		return NULL;
	return top;
}

struct candidate {
	uint32_t holder;
	uint32_t type, example, next_link;
	uint64_t items, items_retained;
	bool chain;
};

static int candidate_cmp(const void *a, const void *b, void *arg)
{
	const struct pl_dominators *dom = arg;
	uint64_t x = dom->retained[((const struct candidate *)a)->holder];
	uint64_t y = dom->retained[((const struct candidate *)b)->holder];
	return (x < y) - (x > y);
}

/* Per node, its dominated child that retains most (NONE if it has none). */
static uint32_t *biggest_children(const struct pl_find *f)
{
	const struct pl_graph *g = f->g;
	uint32_t *big = malloc((g->n ? g->n : 1) * sizeof(*big));
	if (!big)
		return NULL;
	for (uint32_t v = 0; v < g->n; v++) {
		size_t n;
		const uint32_t *kids = pl_dom_children(f->dom, v, &n);
		big[v] = NONE;
		for (size_t i = 0; i < n; i++)
			if (kids[i] < g->n && (big[v] == NONE ||
					       f->dom->retained[kids[i]] > f->dom->retained[big[v]]))
				big[v] = kids[i];
	}
	return big;
}

/* Does link V pass most of what it retains to a next link of its own type? */
static bool chain_link(const struct pl_find *f, const uint32_t *big, uint32_t v)
{
	uint32_t c = big[v];
	return c != NONE && pl_find_type(f, c) == pl_find_type(f, v) &&
	       (double)f->dom->retained[c] >= CHAIN_SHARE * (double)f->dom->retained[v];
}

/* The candidates: containers whose items pile up, heads of chains of one type. */
static struct pl_error *find_candidates(struct pl_find *f, struct candidate **ret, size_t *n_ret)
{
	const struct pl_graph *g = f->g;
	const struct pl_dominators *dom = f->dom;
	struct pl_tally t = { 0 };
	struct candidate *c = NULL;
	size_t n = 0, cap = 0;
	uint32_t *big = biggest_children(f);
	if (!big)
		return &pl_enomem;
	struct pl_error *err = NULL;
	for (uint32_t v = 0; v < g->n && !err; v++) {
		if (dom->idom[v] == PL_UNREACHED || f->excluded[v])
			continue;
		struct candidate x = { .holder = v };
		const struct pl_tally_entry *top;
		size_t kids;
		bool failed = false;
		pl_dom_children(dom, v, &kids);
		if (kids >= MIN_ITEMS && (top = pile_of(f, v, &t, &failed))) {
			x.type = top->type;
			x.example = top->example;
			x.items = top->count;
			x.items_retained = top->bytes;
		} else if (failed) {
			err = &pl_enomem;
			break;
		} else if (chain_link(f, big, v) &&
			   !(dom->idom[v] < g->n && big[dom->idom[v]] == v && chain_link(f, big, dom->idom[v]))) {
			x.chain = true; /* the head of a chain: count its links */
			x.type = pl_find_type(f, v);
			x.example = v;
			x.next_link = big[v];
			/* its links: the head, then each biggest child of the same type */
			for (uint32_t u = v; u != NONE && x.items < MAX_CHAIN; x.items++)
				u = big[u] != NONE && pl_find_type(f, big[u]) == x.type ? big[u] : NONE;
			if (x.items < MIN_ITEMS)
				continue;
			x.items_retained = dom->retained[big[v]];
		} else {
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			struct candidate *more = realloc(c, cap * sizeof(*more));
			if (!more) {
				err = &pl_enomem;
				break;
			}
			c = more;
		}
		c[n++] = x;
	}
	free(big);
	pl_tally_free(&t);
	if (err) {
		free(c);
		return err;
	}
	if (n > 1) /* (see pl_sort) */
		qsort_r(c, n, sizeof(*c), candidate_cmp, (void *)dom);
	*ret = c;
	*n_ret = n;
	return NULL;
}

/* Mark the dominator subtree of H in INSIDE (a stack of the graph's size given). */
static void mark_subtree(const struct pl_dominators *dom, uint32_t h, uint8_t *inside,
			 uint32_t *stack)
{
	size_t top = 0;
	stack[top++] = h;
	while (top) {
		uint32_t v = stack[--top];
		size_t n;
		const uint32_t *kids = pl_dom_children(dom, v, &n);
		inside[v] = 1;
		for (size_t i = 0; i < n; i++)
			stack[top++] = kids[i];
	}
}

/* The shape of the way to holder H, to merge the containers a leak is split over (two
 * instances of a class, each with its own dict of sessions): its root, then each step's type
 * and label, indexes and keys collapsed to [*] but for the keys of a namespace or an
 * instance's dict (a global's or an attribute's name tells containers apart); then the
 * holder's type and what piles up. Caller frees; NULL if out of memory. */
static char *shape_key(struct pl_find *f, const struct pl_suspect *x)
{
	size_t len;
	uint32_t *path = pl_reach_path(f->reach, x->holder, &len);
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	if (!path)
		return NULL;
	char label[PL_LABEL_MAX], before[PL_LABEL_MAX] = "";
	pl_strbuf_printf(&sb, "%u", path[0]);
	for (size_t k = 1; k < len; k++) {
		pl_labels_get(f->L, path[k - 1], path[k], label, sizeof(label));
		bool key = strncmp(label, "['", 2) == 0;
		if ((label[0] == '[' && !(key && strcmp(before, "__dict__") == 0)) ||
		    strncmp(label, "key ", 4) == 0)
			snprintf(before, sizeof(before), "[*]");
		else
			snprintf(before, sizeof(before), "%s", label);
		pl_strbuf_printf(&sb, "/%s:%u", before, path[k] < f->g->n ? pl_find_type(f, path[k]) : 0);
	}
	pl_strbuf_printf(&sb, "=%u:%d", x->type, x->chain);
	for (size_t i = 0; i < x->nwraps; i++)
		pl_strbuf_printf(&sb, ",%u", x->wraps[i]);
	free(path);
	return pl_strbuf_finish(&sb, NULL);
}

/* Merge the accumulation points FROM .. f->out->n of one shape into the first (the biggest). */
static struct pl_error *merge_shapes(struct pl_find *f, size_t from)
{
	struct pl_suspects *s = f->out;
	size_t n = s->n - from, kept = from;
	char **keys = calloc(n ? n : 1, sizeof(*keys));
	struct pl_error *err = keys ? NULL : &pl_enomem;
	for (size_t i = 0; !err && i < n; i++)
		if (!(keys[i] = shape_key(f, &s->v[from + i])))
			err = &pl_enomem;
	for (size_t i = 0; !err && i < n; i++) {
		struct pl_suspect *x = &s->v[from + i];
		size_t j = from;
		while (j < kept && strcmp(keys[j - from], keys[i]) != 0)
			j++;
		if (j == kept) { /* a shape of its own */
			char *k = keys[i];
			keys[i] = keys[kept - from];
			keys[kept - from] = k;
			s->v[kept++] = *x;
			continue;
		}
		struct pl_suspect *into = &s->v[j];
		into->holders += x->holders;
		into->holder_bytes += x->holder_bytes;
		into->count += x->count;
		into->items += x->items;
		into->items_retained += x->items_retained;
		into->retained += x->retained;
		into->objects += x->objects;
	}
	for (size_t i = 0; keys && i < n; i++)
		free(keys[i]);
	free(keys);
	if (!err)
		s->n = kept;
	return err;
}

/* What the items of type X->type under H wrap: while they are thin wrappers, the type their
 * dominated children retain most with (UNWRAP_SHARE of what they retain besides themselves,
 * at least). */
static struct pl_error *unwrap(struct pl_find *f, uint32_t h, struct pl_suspect *x)
{
	struct pl_tally t = { 0 };
	size_t n, nl = 0;
	const uint32_t *kids = pl_dom_children(f->dom, h, &n);
	uint32_t *level = malloc((n ? n : 1) * sizeof(*level)), *next = NULL;
	if (!level)
		return &pl_enomem;
	for (size_t i = 0; i < n; i++) /* the items: this level's wrappers */
		if (kids[i] < f->g->n && pl_find_type(f, kids[i]) == x->type)
			level[nl++] = kids[i];
	struct pl_error *err = NULL;
	while (!err && x->nwraps < PL_SUSPECT_MAX_WRAPS && nl && pl_find_is_wrapper(f, level[0])) {
		uint64_t total = 0;
		pl_tally_clear(&t);
		for (size_t i = 0; i < nl && !err; i++) {
			const uint32_t *in = pl_dom_children(f->dom, level[i], &n);
			total += f->dom->retained[level[i]] - f->h->objects[level[i]].size;
			for (size_t k = 0; k < n && !err; k++)
				if (in[k] < f->g->n && !pl_tally_add(&t, pl_find_type(f, in[k]), in[k], 1,
								      f->dom->retained[in[k]]))
					err = &pl_enomem;
		}
		const struct pl_tally_entry *top = pl_tally_top(&t);
		if (err || !top || (double)top->bytes < UNWRAP_SHARE * (double)total)
			break;
		uint32_t inner = top->type;
		size_t nn = 0;
		free(next);
		if (!(next = malloc(top->count * sizeof(*next)))) {
			err = &pl_enomem;
			break;
		}
		for (size_t i = 0; i < nl; i++) {
			const uint32_t *in = pl_dom_children(f->dom, level[i], &n);
			for (size_t k = 0; k < n; k++)
				if (in[k] < f->g->n && pl_find_type(f, in[k]) == inner)
					next[nn++] = in[k];
		}
		x->wraps[x->nwraps] = x->type;
		x->wrap_example[x->nwraps++] = f->dom->idom[top->example]; /* the one holding it */
		x->type = inner;
		x->example = top->example;
		x->count = nn;
		uint32_t *swap = level;
		level = next;
		next = swap;
		nl = nn;
	}
	free(level);
	free(next);
	pl_tally_free(&t);
	return err;
}

/* The accumulation points: the candidates that retain most, none inside another. */
struct pl_error *pl_find_accumulations(struct pl_find *f)
{
	struct candidate *c;
	size_t n, chosen = 0, first = f->out->n;
	struct pl_error *err = find_candidates(f, &c, &n);
	if (err)
		return err;
	uint8_t *inside = calloc(f->g->n + 1, 1);
	uint32_t *stack = malloc((f->g->n + 1) * sizeof(*stack));
	if (!inside || !stack)
		err = &pl_enomem;
	for (size_t i = 0; !err && i < n && chosen < MAX_ACCUMULATIONS; i++) {
		if (inside[c[i].holder])
			continue;
		/* candidates come biggest first: none of those chosen is inside this one */
		mark_subtree(f->dom, c[i].holder, inside, stack);
		chosen++;
		struct pl_suspect *x = pl_find_add(f);
		if (!x) {
			err = &pl_enomem;
			break;
		}
		x->kind = PL_SUSPECT_ACCUMULATION;
		x->holder = c[i].holder;
		x->holders = 1;
		x->holder_bytes = f->h->objects[c[i].holder].size;
		x->type = c[i].type;
		x->example = c[i].example;
		x->count = x->items = c[i].items;
		x->items_retained = c[i].items_retained;
		x->chain = c[i].chain;
		x->next_link = c[i].next_link;
		x->retained = f->dom->retained[c[i].holder];
		x->objects = f->dom->retained_objects[c[i].holder];
		if (!x->chain)
			err = unwrap(f, c[i].holder, x);
	}
	free(c);
	free(inside);
	free(stack);
	return err ? err : merge_shapes(f, first);
}
