/* SPDX-License-Identifier: MIT */
/* salvage.c - the objects of a core that lost the runtime's own state (see salvage.h). Every
 * word of the memory left is tried as a GC header: its next and prev links must name readable
 * neighbours that link back to it (a neighbour in lost memory, such as a list head in the
 * runtime's data, cannot say no; a link into memory the process never had says no; where both
 * neighbours are lost, the type must be one the collector tracks), its object must
 * have a reference, and its type must be a type: an object whose own type is `type`, or a
 * metatype (a subclass of `type` whose type is one in turn). Random words pass the first test
 * rarely and all three practically never. */
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "heap/salvage.h"

enum { MAX_META_DEPTH = 8 };                     /* type(type(...(T))) steps to `type` */
#define PREV_MASK (~UINT64_C(7))                 /* _gc_prev keeps flags in its low bits */
/* 2.7, 3.6 and 3.7 keep a state in the header's third word (gc_refs, in 3.x shifted left by
 * one): an untracked object's links are stale (pl_gc_says_untracked), and outside a collection
 * every tracked one is "reachable". */
enum { GC_REACHABLE = -3 };

struct scan {
	struct pl_runtime *rt;
	struct pl_target *t;
	const struct pl_layout *l;
	uint64_t gch;      /* bytes of GC header before an object */
};

/* Is TYPE a type object: its own type `type`, or a metatype? */
static bool is_type(const struct scan *s, uint64_t type, int depth)
{
	uint64_t meta, flags;
	if (!type || type % 8 || depth > MAX_META_DEPTH ||
	    !pl_target_u64(s->t, type + (uint64_t)s->l->object_type, &meta))
		return false;
	if (meta == s->rt->types[PL_T_TYPE])
		return true;
	return meta != type && pl_target_u64(s->t, meta + (uint64_t)s->l->type_flags, &flags) &&
	       (flags & PL_TPFLAGS_TYPE_SUBCLASS) && is_type(s, meta, depth + 1);
}

enum links { LINKS_NO, LINKS_YES, LINKS_UNKNOWN };

/* Does the GC header at G, whose first words are W, link both ways with its neighbours? Yes if
 * one neighbour at least is readable and every readable one links back; unknown if both are in
 * lost memory (whose rebuilt bytes are not the list's). */
static enum links links_back(const struct scan *s, uint64_t g, const uint64_t w[2])
{
	uint64_t next = w[0] & s->l->gc_next_mask, prev = w[1] & PREV_MASK, v;
	if (!next || !prev || next % 8 || prev % 8 || next == g || prev == g)
		return LINKS_NO;
	bool next_lost = pl_target_lost(s->t, next), prev_lost = pl_target_lost(s->t, prev);
	if (!next_lost && (!pl_target_u64(s->t, next + 8, &v) || (v & PREV_MASK) != g))
		return LINKS_NO;
	if (!prev_lost && (!pl_target_u64(s->t, prev, &v) || (v & s->l->gc_next_mask) != g))
		return LINKS_NO;
	return next_lost && prev_lost ? LINKS_UNKNOWN : LINKS_YES;
}

/* Is there a live GC object with its header at G (inside SEG)? One whose neighbours are both
 * lost must at least be of a type the collector tracks, with a believable reference count. */
static bool is_gc_object(const struct scan *s, const struct pl_segment *seg, uint64_t g)
{
	uint64_t w[2], refcnt, type, flags;
	const uint64_t obj = g + s->gch;
	memcpy(w, seg->data + (g - seg->lo), sizeof(w));
	enum links links = links_back(s, g, w);
	if (links != LINKS_NO && s->gch >= 24) { /* 3.6, 3.7: the header says it is tracked */
		uint64_t refs;
		if (!pl_target_u64(s->t, g + (uint64_t)pl_gc_state_offset(s->l), &refs) ||
		    pl_gc_says_untracked(s->l, refs) ||
		    (links == LINKS_UNKNOWN && (int64_t)refs >> s->l->gc_refs_shift != GC_REACHABLE))
			links = LINKS_NO;
	}
	if (links == LINKS_NO ||
	    !pl_target_u64(s->t, obj + (uint64_t)s->l->object_refcnt, &refcnt) || !refcnt ||
	    !pl_target_u64(s->t, obj + (uint64_t)s->l->object_type, &type) || !is_type(s, type, 0))
		return false;
	return links == LINKS_YES ||
	       (refcnt < PL_MAX_REFCNT && pl_target_u64(s->t, type + (uint64_t)s->l->type_flags, &flags) &&
		(flags & PL_TPFLAGS_HAVE_GC));
}

struct pl_error *pl_salvage_scan(struct pl_runtime *rt, pl_salvage_fn *fn, void *arg,
				 uint64_t *scanned_ret)
{
	struct scan s = { .rt = rt, .t = rt->target, .l = &rt->layout,
			  .gch = (uint64_t)rt->layout.size_gc_head };
	uint64_t scanned = 0;
	/* the header and the object's refcount and type words must fit in the segment */
	uint64_t need = s.gch + 16;
	for (size_t i = 0; i < s.t->nsegs; i++) {
		const struct pl_segment *seg = &s.t->segs[i];
		if (!seg->data || seg->hi - seg->lo < need)
			continue;
		scanned += seg->hi - seg->lo;
		for (uint64_t g = (seg->lo + 7) & ~UINT64_C(7); g <= seg->hi - need; g += 8) {
			if (!is_gc_object(&s, seg, g))
				continue;
			struct pl_error *err = fn(arg, g);
			if (err)
				return err;
			g += need - 8; /* objects do not overlap */
		}
	}
	*scanned_ret = scanned;
	return NULL;
}
