/* SPDX-License-Identifier: MIT */
/* state_dwarf.c - an extension module's C state read from DWARF (state_dwarf.h).
 *
 * Which struct is the state: the one the module's own functions take it as. The function's DIE
 * is found by its address (.debug_aranges gives the compile unit, then the subprogram whose
 * low_pc it is); in it, a local or parameter that points to a struct of exactly the state's
 * size (preferring one whose name says "state" or "st"), or an inlined call returning such a
 * pointer (get_module_state()). A struct name alone is not enough: one tag names different
 * structs in different compile units (cjkcodecs' state), and GCC's LTO puts the function in an
 * artificial unit whose locals refer to the source unit's types (followed through
 * DW_AT_abstract_origin).
 *
 * What in it is an object: a pointer to a struct that is PyObject (`_object`), PyTypeObject
 * (`_typeobject`, also where the limited API leaves it incomplete), or begins with one
 * (ob_base); arrays of such pointers; the same inside nested structs and arrays of structs.
 * Other pointers (C API capsules, hash tables, locks, lists of C nodes) are not objects the
 * state holds directly, unions are left alone (which member is live is not known), and so are
 * the few members known to be borrowed and freelists of dead objects. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/internal.h"
#include "runtime/dwarf_die.h"
#include "runtime/state_dwarf.h"

enum {
	MAX_SEARCH_NODES = 4096,   /* DIEs looked at in one function for the state */
	MAX_FLATTEN_VISITS = 65536, /* members looked at in one state, nested ones included */
	MAX_ARRAY_STRUCTS = 64,    /* elements of an array of structs flattened */
	MAX_RANGES = 16,           /* ranges of a function tried as its start */
	MAX_STATE_SIZE = 1 << 24,  /* bytes of a state believed */
	CACHE_MAX = 1024,
};

struct pl_state_dwarf {
	char *path;
	struct stat st;
	bool have_stat, opened, failed;
	struct pl_dw d;
	Dwarf_Arange *aranges;
	Dwarf_Signed naranges;
};

/* Answers kept for the life of the process, per file and question. */
struct cached {
	struct stat st;
	uint64_t version_hex;
	uint64_t pcs[PL_STATE_MAX_PCS];
	size_t npcs;
	int64_t size;
	bool found;
	struct pl_state_layout layout;
};
static struct cached *cache;
static size_t ncache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

void pl_state_layout_free(struct pl_state_layout *s)
{
	free(s->members);
	s->members = NULL;
	s->n = 0;
}

static bool layout_copy(const struct pl_state_layout *from, struct pl_state_layout *to)
{
	*to = *from;
	to->members = NULL;
	if (!from->n)
		return true;
	to->members = malloc(from->n * sizeof(*to->members));
	if (!to->members)
		return false;
	memcpy(to->members, from->members, from->n * sizeof(*to->members));
	return true;
}

struct pl_error *pl_state_dwarf_open(const char *path, struct pl_state_dwarf **ret)
{
	struct pl_state_dwarf *f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return &pl_enomem;
	}
	f->have_stat = stat(path, &f->st) == 0;
	*ret = f;
	return NULL;
}

void pl_state_dwarf_close(struct pl_state_dwarf *f)
{
	if (!f)
		return;
	if (f->opened) {
		Dwarf_Error err = NULL;
		for (Dwarf_Signed i = 0; i < f->naranges; i++)
			f->d.lib->dwarf_dealloc(f->d.dbg, f->aranges[i], DW_DLA_ARANGE);
		if (f->aranges)
			f->d.lib->dwarf_dealloc(f->d.dbg, f->aranges, DW_DLA_LIST);
		f->d.lib->dwarf_finish(f->d.dbg, &err);
	}
	free(f->path);
	free(f);
}

static struct pl_error *dwarf_open(struct pl_state_dwarf *f)
{
	struct pl_error *load_err = NULL;
	Dwarf_Error err = NULL;
	if (f->opened)
		return NULL;
	if (f->failed)
		return pl_error_create(PL_ERR_LOOKUP, "%s: no DWARF address ranges", f->path);
	if (!(f->d.lib = pl_dwarf_lib(&load_err)))
		return load_err;
	int rc = f->d.lib->dwarf_init_path(f->path, NULL, 0, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL,
					 NULL, &f->d.dbg, NULL, 0, NULL, &err);
	if (rc != DW_DLV_OK) {
		if (rc == DW_DLV_ERROR)
			f->d.lib->dwarf_dealloc_error(NULL, err);
		f->failed = true;
		return pl_error_create(PL_ERR_LOOKUP, "%s has no DWARF debug information", f->path);
	}
	f->opened = true;
	if (f->d.lib->dwarf_get_aranges(f->d.dbg, &f->aranges, &f->naranges, &err) != DW_DLV_OK) {
		pl_dw_drop_error(&f->d, &err);
		f->aranges = NULL;
		f->naranges = 0;
	}
	return NULL;
}

/* Does one of the address ranges of DIE (DW_AT_ranges, DWARF 5) start at PC? */
static bool range_starts_at(const struct pl_dw *d, Dwarf_Die die, uint64_t pc)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error err = NULL;
	Dwarf_Half form = 0;
	Dwarf_Unsigned value = 0, count = 0, global = 0;
	Dwarf_Off off = 0;
	Dwarf_Rnglists_Head head = NULL;
	bool yes = false;
	if (d->lib->dwarf_attr(die, DW_AT_ranges, &attr, &err) != DW_DLV_OK) {
		pl_dw_drop_error(d, &err);
		return false;
	}
	if (d->lib->dwarf_whatform(attr, &form, &err) == DW_DLV_OK &&
	    (form == DW_FORM_rnglistx ? d->lib->dwarf_formudata(attr, &value, &err)
				      : d->lib->dwarf_global_formref(attr, &off, &err)) == DW_DLV_OK &&
	    d->lib->dwarf_rnglists_get_rle_head(attr, form, form == DW_FORM_rnglistx ? value : off,
					      &head, &count, &global, &err) == DW_DLV_OK) {
		for (Dwarf_Unsigned i = 0; i < count && i < MAX_RANGES && !yes; i++) {
			unsigned len = 0, code = 0;
			Dwarf_Unsigned raw1, raw2, lo = 0, hi = 0;
			Dwarf_Bool unavailable = 0;
			if (d->lib->dwarf_get_rnglists_entry_fields_a(head, i, &len, &code, &raw1, &raw2,
								    &unavailable, &lo, &hi, &err) != DW_DLV_OK)
				break;
			yes = !unavailable && lo == pc && hi > lo &&
			      (code == DW_RLE_offset_pair || code == DW_RLE_startx_endx ||
			       code == DW_RLE_startx_length || code == DW_RLE_start_end ||
			       code == DW_RLE_start_length);
		}
		d->lib->dwarf_dealloc_rnglists_head(head);
	}
	pl_dw_drop_error(d, &err);
	d->lib->dwarf_dealloc_attribute(attr);
	return yes;
}

/* Does the code of subprogram DIE start at PC (its low_pc, or the start of one of its ranges:
 * GCC splits a function's cold part off)? */
static bool starts_at(const struct pl_dw *d, Dwarf_Die die, uint64_t pc)
{
	Dwarf_Addr low = 0;
	Dwarf_Error err = NULL;
	if (d->lib->dwarf_lowpc(die, &low, &err) == DW_DLV_OK)
		return low == pc;
	pl_dw_drop_error(d, &err);
	return range_starts_at(d, die, pc);
}

/* The subprogram DIE whose code starts at PC (caller deallocs), or NULL. */
static Dwarf_Die function_at(struct pl_state_dwarf *f, uint64_t pc)
{
	const struct pl_dw *d = &f->d;
	Dwarf_Arange a = NULL;
	Dwarf_Off cu_off = 0;
	Dwarf_Error err = NULL;
	Dwarf_Die cu = NULL;
	if (!f->naranges ||
	    d->lib->dwarf_get_arange(f->aranges, (Dwarf_Unsigned)f->naranges, pc, &a, &err) != DW_DLV_OK ||
	    d->lib->dwarf_get_cu_die_offset(a, &cu_off, &err) != DW_DLV_OK ||
	    d->lib->dwarf_offdie_b(d->dbg, cu_off, true, &cu, &err) != DW_DLV_OK) {
		pl_dw_drop_error(d, &err);
		return NULL;
	}
	Dwarf_Die die = pl_dw_child(d, cu), found = NULL;
	d->lib->dwarf_dealloc_die(cu);
	for (size_t n = 0; die && n < PL_DW_MAX_CHILDREN; n++) {
		if (pl_dw_tag(d, die) == DW_TAG_subprogram && starts_at(d, die, pc)) {
			found = die;
			break;
		}
		Dwarf_Die next = pl_dw_sibling(d, die);
		d->lib->dwarf_dealloc_die(die);
		die = next;
	}
	if (die && !found)
		d->lib->dwarf_dealloc_die(die);
	return found;
}

/* The type of a local, parameter or inlined call DIE (DW_AT_type of it or of its abstract
 * origin: an inlined function's return type). Caller deallocs. */
static Dwarf_Die type_of(const struct pl_dw *d, Dwarf_Die die)
{
	Dwarf_Die t = pl_dw_ref(d, die, DW_AT_type), cur = NULL;
	for (int i = 0; !t && i < 4; i++) { /* origin of an origin: LTO's concrete copies */
		Dwarf_Die origin = pl_dw_ref(d, cur ? cur : die, DW_AT_abstract_origin);
		if (cur)
			d->lib->dwarf_dealloc_die(cur);
		if (!(cur = origin))
			break;
		t = pl_dw_ref(d, cur, DW_AT_type);
	}
	if (cur)
		d->lib->dwarf_dealloc_die(cur);
	return t;
}

/* DIE's name, or its abstract origin's. */
static const char *name_of(const struct pl_dw *d, Dwarf_Die die)
{
	const char *name = pl_dw_name(d, die);
	if (name)
		return name;
	Dwarf_Die origin = pl_dw_ref(d, die, DW_AT_abstract_origin);
	if (origin) {
		name = pl_dw_name(d, origin); /* libdwarf's string: outlives the DIE */
		d->lib->dwarf_dealloc_die(origin);
	}
	return name;
}

static bool is_object_struct(const struct pl_dw *d, Dwarf_Die s, int depth);

/* If TYPE (consumed) points to a complete struct of SIZE bytes that is not an object (the
 * module itself, a PyObject of 16 bytes, is no state), that struct, and in *NAME the
 * name it is pointed to by (a typedef's, else the struct's tag; NULL if none); else NULL. */
static Dwarf_Die state_struct(const struct pl_dw *d, Dwarf_Die type, int64_t size, const char **name)
{
	type = pl_dw_strip(d, type);
	if (!type)
		return NULL;
	if (pl_dw_tag(d, type) != DW_TAG_pointer_type) {
		d->lib->dwarf_dealloc_die(type);
		return NULL;
	}
	Dwarf_Die pointee = pl_dw_ref(d, type, DW_AT_type);
	*name = pointee ? pl_dw_name(d, pointee) : NULL;
	Dwarf_Die s = pl_dw_strip_to_struct(d, pointee);
	if (s && !*name)
		*name = pl_dw_name(d, s);
	d->lib->dwarf_dealloc_die(type);
	if (s && (pl_dw_tag(d, s) != DW_TAG_structure_type || !pl_dw_is_definition(d, s) ||
		  pl_dw_byte_size(d, s) != size || is_object_struct(d, s, 0))) {
		d->lib->dwarf_dealloc_die(s);
		return NULL;
	}
	return s;
}

static bool says_state(const char *name)
{
	return name && (strstr(name, "state") || strcmp(name, "st") == 0);
}

struct search {
	const struct pl_dw *d;
	int64_t size;
	size_t nodes;
	Dwarf_Die best;  /* a struct found; */
	const char *best_type; /* its name, or NULL */
	bool best_named; /* through a name that says state */
};

/* Look in the children of DIE (a function, block or inlined call) for the state struct. */
static void search_in(struct search *s, Dwarf_Die die, int depth)
{
	const struct pl_dw *d = s->d;
	Dwarf_Die c = depth < PL_DW_MAX_DEPTH ? pl_dw_child(d, die) : NULL;
	while (c && !s->best_named && s->nodes++ < MAX_SEARCH_NODES) {
		Dwarf_Half tag = pl_dw_tag(d, c);
		if (tag == DW_TAG_variable || tag == DW_TAG_formal_parameter ||
		    tag == DW_TAG_inlined_subroutine) {
			const char *type_name = NULL;
			Dwarf_Die st = state_struct(d, type_of(d, c), s->size, &type_name);
			const char *name = name_of(d, c);
			bool named = says_state(name);
			if (st && (!s->best || (named && !s->best_named))) {
				if (s->best)
					d->lib->dwarf_dealloc_die(s->best);
				s->best = st;
				s->best_type = type_name;
				s->best_named = named;
			} else if (st) {
				d->lib->dwarf_dealloc_die(st);
			}
		}
		if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine)
			search_in(s, c, depth + 1);
		Dwarf_Die next = pl_dw_sibling(d, c);
		d->lib->dwarf_dealloc_die(c);
		c = next;
	}
	if (c)
		d->lib->dwarf_dealloc_die(c);
}

/* Is S (a struct DIE) an object: PyObject, PyTypeObject, or a struct that starts with one? */
static bool is_object_struct(const struct pl_dw *d, Dwarf_Die s, int depth)
{
	const char *name = pl_dw_name(d, s);
	if (name && (strcmp(name, "_object") == 0 || strcmp(name, "_typeobject") == 0))
		return true;
	if (depth >= PL_DW_MAX_DEPTH || pl_dw_tag(d, s) != DW_TAG_structure_type)
		return false;
	Dwarf_Die m = pl_dw_child(d, s);
	bool yes = false;
	int64_t off = -1;
	if (m && pl_dw_tag(d, m) == DW_TAG_member && pl_dw_member_offset(d, m, &off) && off == 0) {
		Dwarf_Die inner = pl_dw_strip_to_struct(d, pl_dw_ref(d, m, DW_AT_type));
		yes = inner && is_object_struct(d, inner, depth + 1);
		if (inner)
			d->lib->dwarf_dealloc_die(inner);
	}
	if (m)
		d->lib->dwarf_dealloc_die(m);
	return yes;
}

/* Does TYPE (not consumed) point to an object? */
static bool is_object_pointer(const struct pl_dw *d, Dwarf_Die type)
{
	if (pl_dw_tag(d, type) != DW_TAG_pointer_type)
		return false;
	Dwarf_Die s = pl_dw_strip_to_struct(d, pl_dw_ref(d, type, DW_AT_type));
	bool yes = s && is_object_struct(d, s, 0);
	if (s)
		d->lib->dwarf_dealloc_die(s);
	return yes;
}

/* The number of elements of array type A (its first dimension), 0 if unknown. */
static uint64_t array_count(const struct pl_dw *d, Dwarf_Die a)
{
	Dwarf_Die sub = pl_dw_child(d, a);
	uint64_t n = 0;
	if (sub && pl_dw_tag(d, sub) == DW_TAG_subrange_type) {
		Dwarf_Attribute attr = NULL;
		Dwarf_Error err = NULL;
		Dwarf_Unsigned v = 0;
		if (d->lib->dwarf_attr(sub, DW_AT_count, &attr, &err) == DW_DLV_OK) {
			if (d->lib->dwarf_formudata(attr, &v, &err) == DW_DLV_OK)
				n = v;
			d->lib->dwarf_dealloc_attribute(attr);
		}
		pl_dw_drop_error(d, &err);
		if (!n && d->lib->dwarf_attr(sub, DW_AT_upper_bound, &attr, &err) == DW_DLV_OK) {
			if (d->lib->dwarf_formudata(attr, &v, &err) == DW_DLV_OK && v < UINT32_MAX)
				n = v + 1;
			d->lib->dwarf_dealloc_attribute(attr);
		}
		pl_dw_drop_error(d, &err);
	}
	if (sub)
		d->lib->dwarf_dealloc_die(sub);
	return n;
}

struct flat {
	const struct pl_dw *d;
	const char *state_type; /* the state's type name, or NULL */
	uint64_t version_hex;
	int64_t size;           /* of the state: members past it are not believed */
	struct pl_state_member *members;
	size_t n, visits;
	bool full;              /* no room, or no budget, left */
};

/* Members of stdlib modules' states that point to an object without owning a reference (not
 * references, so not reported), by the state's type name (a typedef's, or a tag). A member
 * named *freelist* of any state is a list of freed objects kept for reuse, never a reference. */
static const struct {
	const char *state, *member;
	uint64_t before; /* borrowed in releases before this one (0: in every one) */
} borrowed[] = {
	{ "asyncio_state", "cached_running_loop", 0 },     /* 3.12: "Borrowed reference" */
	{ "_signal_module_state", "default_handler", 0 }, /* 3.10+: "borrowed ref" */
	{ "_signal_module_state", "ignore_handler", 0 },
	/* 3.8 hands its exceptions' references to the module dict (PyModule_AddObject) */
	{ "binascii_state", "Error", 0x03090000 },
	{ "binascii_state", "Incomplete", 0x03090000 },
};

static bool is_borrowed(const struct flat *f, const char *prefix, const char *name)
{
	if (strstr(name, "freelist")) /* _asyncio's fi_freelist (3.12, 3.13) */
		return true;
	for (size_t i = 0; i < PL_ARRAY_SIZE(borrowed) && f->state_type && !*prefix; i++)
		if (strcmp(f->state_type, borrowed[i].state) == 0 && strcmp(name, borrowed[i].member) == 0 &&
		    (!borrowed[i].before || f->version_hex < borrowed[i].before))
			return true;
	return false;
}

static void add_member(struct flat *f, int64_t off, uint64_t count, const char *prefix,
		       const char *name)
{
	if (is_borrowed(f, prefix, name) || off < 0 || off > f->size - 8)
		return;
	if (f->n == PL_STATE_MAX_MEMBERS) {
		f->full = true;
		return;
	}
	if (count > (uint64_t)(f->size - off) / 8) /* an array longer than the state */
		count = (uint64_t)(f->size - off) / 8;
	struct pl_state_member *m = &f->members[f->n++];
	m->off = off;
	m->count = (uint32_t)count;
	snprintf(m->name, sizeof(m->name), "%s%s", prefix, name);
}

static void flatten(struct flat *f, Dwarf_Die s, int64_t base, const char *prefix, int depth);

/* One member of type TYPE (consumed) named NAME at BASE. */
static void flatten_member(struct flat *f, Dwarf_Die type, int64_t base, const char *prefix,
			   const char *name, int depth)
{
	const struct pl_dw *d = f->d;
	char inner[PL_STATE_LABEL];
	type = pl_dw_strip(d, type);
	if (!type)
		return;
	Dwarf_Half tag = pl_dw_tag(d, type);
	if (tag == DW_TAG_pointer_type && is_object_pointer(d, type)) {
		add_member(f, base, 1, prefix, name);
	} else if (tag == DW_TAG_structure_type && !is_object_struct(d, type, 0)) {
		snprintf(inner, sizeof(inner), "%s%s%s", prefix, name, *name ? "." : "");
		flatten(f, type, base, inner, depth + 1);
	} else if (tag == DW_TAG_array_type) {
		uint64_t n = array_count(d, type);
		Dwarf_Die elem = pl_dw_strip(d, pl_dw_ref(d, type, DW_AT_type));
		Dwarf_Half etag = elem ? pl_dw_tag(d, elem) : 0;
		int64_t esize = elem ? pl_dw_byte_size(d, elem) : -1;
		if (n && n < UINT32_MAX && etag == DW_TAG_pointer_type && is_object_pointer(d, elem)) {
			add_member(f, base, n, prefix, name);
		} else if (n && etag == DW_TAG_structure_type && esize > 0 && esize <= f->size) {
			for (uint64_t i = 0; i < n && i < MAX_ARRAY_STRUCTS && !f->full; i++) {
				snprintf(inner, sizeof(inner), "%s%s[%llu].", prefix, name,
					 (unsigned long long)i);
				flatten(f, elem, base + (int64_t)i * esize, inner, depth + 1);
			}
		}
		if (elem)
			d->lib->dwarf_dealloc_die(elem);
	}
	d->lib->dwarf_dealloc_die(type);
}

/* The object pointers of struct S (at BASE in the state), their names after PREFIX. */
static void flatten(struct flat *f, Dwarf_Die s, int64_t base, const char *prefix, int depth)
{
	const struct pl_dw *d = f->d;
	if (depth >= PL_DW_MAX_DEPTH)
		return;
	Dwarf_Die m = pl_dw_child(d, s);
	for (size_t k = 0; m && !f->full && k < PL_DW_MAX_CHILDREN; k++) {
		int64_t off;
		if (++f->visits > MAX_FLATTEN_VISITS)
			f->full = true;
		else if (pl_dw_tag(d, m) == DW_TAG_member && pl_dw_member_offset(d, m, &off) &&
			 off >= 0 && off < f->size - base) { /* base <= size: no overflow */
			const char *name = pl_dw_name(d, m);
			flatten_member(f, pl_dw_ref(d, m, DW_AT_type), base + off, prefix,
				       name ? name : "", depth);
		}
		Dwarf_Die next = pl_dw_sibling(d, m);
		d->lib->dwarf_dealloc_die(m);
		m = next;
	}
	if (m)
		d->lib->dwarf_dealloc_die(m);
}

/* The layout read from F's DWARF. */
static struct pl_error *read_layout(struct pl_state_dwarf *f, uint64_t version_hex,
				    const uint64_t *pcs, size_t npcs, int64_t size,
				    struct pl_state_layout *ret)
{
	struct pl_error *err = dwarf_open(f);
	if (err)
		return err;
	const struct pl_dw *d = &f->d;
	Dwarf_Die st = NULL;
	const char *state_type = NULL;
	for (size_t i = 0; i < npcs && !st; i++) {
		Dwarf_Die fn = pcs[i] ? function_at(f, pcs[i]) : NULL;
		if (!fn)
			continue;
		struct search s = { .d = d, .size = size };
		search_in(&s, fn, 0);
		d->lib->dwarf_dealloc_die(fn);
		st = s.best;
		state_type = s.best_type;
	}
	if (!st)
		return pl_error_create(PL_ERR_LOOKUP, "%s: no function of the module takes a state "
				       "of %lld bytes", f->path, (long long)size);
	struct flat fl = { .d = d, .state_type = state_type, .version_hex = version_hex, .size = size,
			   .members = calloc(PL_STATE_MAX_MEMBERS, sizeof(*fl.members)) };
	if (!fl.members) {
		d->lib->dwarf_dealloc_die(st);
		return &pl_enomem;
	}
	memset(ret, 0, sizeof(*ret));
	flatten(&fl, st, 0, "", 0);
	d->lib->dwarf_dealloc_die(st);
	ret->n = fl.n;
	ret->members = fl.n ? realloc(fl.members, fl.n * sizeof(*fl.members)) : NULL;
	if (!ret->members)
		free(fl.members);
	if (fl.n && !ret->members)
		return &pl_enomem;
	return NULL;
}

static struct cached *cache_find(const struct stat *st, uint64_t version_hex, const uint64_t *pcs,
				 size_t npcs, int64_t size)
{
	for (size_t i = 0; i < ncache; i++)
		if (cache[i].npcs == npcs && cache[i].size == size && pl_same_stat(&cache[i].st, st) &&
		    cache[i].version_hex == version_hex &&
		    memcmp(cache[i].pcs, pcs, npcs * sizeof(*pcs)) == 0)
			return &cache[i];
	return NULL;
}

struct pl_error *pl_state_dwarf_layout(struct pl_state_dwarf *f, uint64_t version_hex,
				       const uint64_t *pcs, size_t npcs, int64_t size,
				       struct pl_state_layout *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (size < 8 || size > MAX_STATE_SIZE)
		return pl_error_create(PL_ERR_LOOKUP, "a module state of %lld bytes", (long long)size);
	if (npcs > PL_STATE_MAX_PCS)
		npcs = PL_STATE_MAX_PCS;
	if (f->have_stat) {
		pthread_mutex_lock(&cache_lock);
		struct cached *c = cache_find(&f->st, version_hex, pcs, npcs, size);
		bool found = c && c->found, ok = c && (!c->found || layout_copy(&c->layout, ret));
		pthread_mutex_unlock(&cache_lock);
		if (c && !ok)
			return &pl_enomem;
		if (c)
			return found ? NULL : pl_error_create(PL_ERR_LOOKUP, "%s: no state struct "
							      "found before", f->path);
	}
	struct pl_error *err = read_layout(f, version_hex, pcs, npcs, size, ret);
	if ((err && err->code != PL_ERR_LOOKUP) || !f->have_stat)
		return err;
	pthread_mutex_lock(&cache_lock);
	if (ncache < CACHE_MAX && !cache_find(&f->st, version_hex, pcs, npcs, size)) {
		struct cached *more = realloc(cache, (ncache + 1) * sizeof(*cache));
		if (more) {
			cache = more;
			struct cached *c = &cache[ncache];
			*c = (struct cached){ .st = f->st, .version_hex = version_hex, .npcs = npcs,
					      .size = size, .found = !err };
			memcpy(c->pcs, pcs, npcs * sizeof(*pcs));
			if (err || layout_copy(ret, &c->layout))
				ncache++;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	return err;
}
