/* SPDX-License-Identifier: MIT */
/* typeinfo.c - classifying types once (see typeinfo.h). A type is walked up its tp_base chain
 * past every heap type that only adds slots, an instance dict or a weakref list (a Python
 * class); the first type that is not such an extension gives the kind: by its address (the
 * builtin types of the runtime), its tp_name (C types of the stdlib), or its flags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "refs/typeinfo.h"
#include "runtime/pyread.h"

enum { MAX_BASES = 64, MAX_MRO = 256, MAX_MEMBERS = 4096, MAX_SCAN_WORDS = 4096 };

/* PyMemberDef types that hold an object reference: T_OBJECT and T_OBJECT_EX. */
enum { T_OBJECT = 6, T_OBJECT_EX = 16 };

#define TPFLAGS_LONG_SUBCLASS (1ul << 24)
#define TPFLAGS_BYTES_SUBCLASS (1ul << 27)
#define TPFLAGS_UNICODE_SUBCLASS (1ul << 28)
#define TPFLAGS_BASE_EXC_SUBCLASS (1ul << 30)

struct pl_types {
	struct pl_runtime *rt;
	struct pl_typeinfo **slots; /* open addressing by type address */
	size_t n, cap;
};

static const char *const kind_names[PL_KIND_COUNT] = {
	[PL_KIND_NONE] = "none",	 [PL_KIND_UNKNOWN] = "unknown",
	[PL_KIND_OBJECT] = "object",	 [PL_KIND_LIST] = "list",
	[PL_KIND_TUPLE] = "tuple",	 [PL_KIND_DICT] = "dict",
	[PL_KIND_ODICT] = "OrderedDict", [PL_KIND_SET] = "set",
	[PL_KIND_TYPE] = "type",	 [PL_KIND_MODULE] = "module",
	[PL_KIND_FUNCTION] = "function", [PL_KIND_CELL] = "cell",
	[PL_KIND_METHOD] = "method",	 [PL_KIND_CLASSMETHOD] = "classmethod",
	[PL_KIND_STATICMETHOD] = "staticmethod",
	[PL_KIND_PROPERTY] = "property", [PL_KIND_CFUNCTION] = "builtin function",
	[PL_KIND_DESCRIPTOR] = "descriptor",
	[PL_KIND_MAPPINGPROXY] = "mappingproxy",
	[PL_KIND_METHODWRAPPER] = "method-wrapper",
	[PL_KIND_WEAKREF] = "weakref",	 [PL_KIND_EXCEPTION] = "exception",
	[PL_KIND_TRACEBACK] = "traceback", [PL_KIND_FRAME] = "frame",
	[PL_KIND_GENERATOR] = "generator", [PL_KIND_PARTIAL] = "functools.partial",
	[PL_KIND_DEQUE] = "collections.deque",
	[PL_KIND_LRU_CACHE] = "functools._lru_cache_wrapper",
	[PL_KIND_CODE] = "code",	 [PL_KIND_C_FIELDS] = "C fields",
	[PL_KIND_CAPSULE] = "capsule",
	[PL_KIND_CLASS] = "classobj",	 [PL_KIND_INSTANCE] = "instance",
};

const char *pl_kind_name(enum pl_kind kind)
{
	return kind < PL_KIND_COUNT && kind_names[kind] ? kind_names[kind] : "?";
}

/* The kind of each builtin type found by symbol. */
static const struct {
	enum pl_builtin_type type;
	enum pl_kind kind;
} builtin_kinds[] = {
	{ PL_T_TYPE, PL_KIND_TYPE },		   { PL_T_OBJECT, PL_KIND_OBJECT },
	{ PL_T_UNICODE, PL_KIND_NONE },		   { PL_T_LONG, PL_KIND_NONE },
	{ PL_T_BYTES, PL_KIND_NONE },		   { PL_T_DICT, PL_KIND_DICT },
	{ PL_T_LIST, PL_KIND_LIST },		   { PL_T_TUPLE, PL_KIND_TUPLE },
	{ PL_T_SET, PL_KIND_SET },		   { PL_T_FROZENSET, PL_KIND_SET },
	{ PL_T_MODULE, PL_KIND_MODULE },	   { PL_T_FUNCTION, PL_KIND_FUNCTION },
	{ PL_T_CELL, PL_KIND_CELL },		   { PL_T_METHOD, PL_KIND_METHOD },
	{ PL_T_CODE, PL_KIND_CODE },		   { PL_T_FRAME, PL_KIND_FRAME },
	{ PL_T_GEN, PL_KIND_GENERATOR },	   { PL_T_CORO, PL_KIND_GENERATOR },
	{ PL_T_ASYNC_GEN, PL_KIND_GENERATOR },	   { PL_T_TRACEBACK, PL_KIND_TRACEBACK },
	{ PL_T_CLASSMETHOD, PL_KIND_CLASSMETHOD }, { PL_T_STATICMETHOD, PL_KIND_STATICMETHOD },
	{ PL_T_PROPERTY, PL_KIND_PROPERTY },	   { PL_T_CFUNCTION, PL_KIND_CFUNCTION },
	{ PL_T_CMETHOD, PL_KIND_CFUNCTION },	   { PL_T_METHOD_DESCR, PL_KIND_DESCRIPTOR },
	{ PL_T_CLASSMETHOD_DESCR, PL_KIND_DESCRIPTOR },
	{ PL_T_GETSET_DESCR, PL_KIND_DESCRIPTOR }, { PL_T_MEMBER_DESCR, PL_KIND_DESCRIPTOR },
	{ PL_T_WRAPPER_DESCR, PL_KIND_DESCRIPTOR },
	{ PL_T_MAPPINGPROXY, PL_KIND_MAPPINGPROXY },
	{ PL_T_METHOD_WRAPPER, PL_KIND_METHODWRAPPER },
	{ PL_T_WEAKREF, PL_KIND_WEAKREF },	   { PL_T_WEAKPROXY, PL_KIND_WEAKREF },
	{ PL_T_WEAKCALLABLEPROXY, PL_KIND_WEAKREF },
	{ PL_T_ODICT, PL_KIND_ODICT },		   { PL_T_FROZENDICT, PL_KIND_DICT },
	{ PL_T_CAPSULE, PL_KIND_CAPSULE },
	{ PL_T_CLASS, PL_KIND_CLASS },		   { PL_T_INSTANCE, PL_KIND_INSTANCE },
	{ PL_T_STRING, PL_KIND_NONE },		   { PL_T_INT, PL_KIND_NONE },
};

struct pl_error *pl_types_create(struct pl_runtime *rt, struct pl_types **ret)
{
	struct pl_types *c = calloc(1, sizeof(*c));
	if (!c)
		return &pl_enomem;
	c->rt = rt;
	*ret = c;
	return NULL;
}

static void typeinfo_destroy(struct pl_typeinfo *ti)
{
	if (!ti)
		return;
	free(ti->members);
	free(ti->scan);
	free(ti);
}

void pl_types_destroy(struct pl_types *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		typeinfo_destroy(c->slots[i]);
	free(c->slots);
	free(c);
}

/* The fields of the type object at ADDR that classification needs. */
struct type_fields {
	uint64_t flags, basicsize, itemsize, base, members;
	int64_t dictoffset, weaklistoffset;
};

static bool read_type_fields(struct pl_runtime *rt, uint64_t addr, struct type_fields *f)
{
	const struct pl_layout *l = &rt->layout;
	struct pl_target *t = rt->target;
	return pl_target_u64(t, addr + (uint64_t)l->type_flags, &f->flags) &&
	       pl_target_u64(t, addr + (uint64_t)l->type_basicsize, &f->basicsize) &&
	       pl_target_u64(t, addr + (uint64_t)l->type_itemsize, &f->itemsize) &&
	       pl_target_u64(t, addr + (uint64_t)l->type_base, &f->base) &&
	       pl_target_u64(t, addr + (uint64_t)l->type_members, &f->members) &&
	       pl_target_read_ok(t, addr + (uint64_t)l->type_dictoffset, &f->dictoffset, 8) &&
	       pl_target_read_ok(t, addr + (uint64_t)l->type_weaklistoffset, &f->weaklistoffset, 8) &&
	       f->basicsize < (1u << 24) && f->itemsize < (1u << 16);
}

/* Visit the object members (T_OBJECT, T_OBJECT_EX) of the type whose tp_members is MEMBERS. */
typedef void member_fn(void *arg, int64_t offset, uint64_t name);

static void each_object_member(struct pl_runtime *rt, uint64_t members, member_fn *fn, void *arg)
{
	const struct pl_layout *l = &rt->layout;
	struct pl_target *t = rt->target;
	for (uint64_t k = 0; members && k < MAX_MEMBERS; k++) {
		uint64_t m = members + k * (uint64_t)l->size_member_def, name;
		int32_t mtype;
		int64_t off;
		if (!pl_target_u64(t, m + (uint64_t)l->member_name, &name) || !name ||
		    !pl_target_read_ok(t, m + (uint64_t)l->member_type, &mtype, 4) ||
		    !pl_target_read_ok(t, m + (uint64_t)l->member_offset, &off, 8))
			return;
		if ((mtype == T_OBJECT || mtype == T_OBJECT_EX) && off > 0 && off < (1 << 24))
			fn(arg, off, name);
	}
}

struct region {
	uint64_t lo, hi;  /* [lo, hi) must be covered */
	uint64_t covered; /* words of it covered so far */
};

static void cover_member(void *arg, int64_t offset, uint64_t name)
{
	(void)name;
	struct region *r = arg;
	if ((uint64_t)offset >= r->lo && (uint64_t)offset + 8 <= r->hi)
		r->covered += 8;
}

/* Does heap type F (at ADDR) only add Python-level storage to its base B: slots, an instance
 * dict, a weakref list? Then its instances are B's, decoded as B is. */
static bool extends_only_with_slots(struct pl_runtime *rt, const struct type_fields *f,
				    const struct type_fields *b)
{
	if (!(f->flags & PL_TPFLAGS_HEAPTYPE) || f->basicsize < b->basicsize ||
	    f->itemsize != b->itemsize)
		return false;
	struct region r = { b->basicsize, f->basicsize, 0 };
	each_object_member(rt, f->members, cover_member, &r);
	if (f->dictoffset > 0 && f->dictoffset != b->dictoffset)
		cover_member(&r, f->dictoffset, 0);
	if (f->itemsize && f->dictoffset < 0 && f->dictoffset != b->dictoffset)
		r.covered += 8; /* the room of a dict kept after the items */
	if (f->weaklistoffset > 0 && f->weaklistoffset != b->weaklistoffset)
		cover_member(&r, f->weaklistoffset, 0);
	return r.covered == r.hi - r.lo;
}

/* The kind of a type that is not a Python-level extension of its base, and how many bytes of
 * an instance its decoder covers. */
static enum pl_kind kind_of(struct pl_types *c, uint64_t addr, const struct type_fields *f,
			    uint64_t *known_ret, bool *cmethod_ret, const struct pl_c_type **ctype_ret)
{
	struct pl_runtime *rt = c->rt;
	const struct pl_layout *l = &rt->layout;
	*known_ret = f->basicsize;
	for (size_t i = 0; i < PL_ARRAY_SIZE(builtin_kinds); i++)
		if (rt->types[builtin_kinds[i].type] == addr) {
			*cmethod_ret = builtin_kinds[i].type == PL_T_CMETHOD;
			return builtin_kinds[i].kind;
		}
	char name[64] = "";
	uint64_t p;
	if (pl_target_u64(rt->target, addr + (uint64_t)l->type_name, &p))
		pl_error_destroy(pl_target_read_cstr(rt->target, p, name, sizeof(name), NULL));
	/* a stripped build need not export method-wrapper's type (Debian's 3.13+): its name says */
	if (!rt->types[PL_T_METHOD_WRAPPER] && !(f->flags & PL_TPFLAGS_HEAPTYPE) &&
	    strcmp(name, "method-wrapper") == 0)
		return PL_KIND_METHODWRAPPER;
	if (strcmp(name, "functools.partial") == 0 && l->size_partial > 0) {
		*known_ret = (uint64_t)l->size_partial;
		return PL_KIND_PARTIAL;
	}
	if (strcmp(name, "collections.deque") == 0 && l->deque_leftblock >= 0 &&
	    l->deque_block_rightlink >= 0) {
		*known_ret = (uint64_t)l->size_deque;
		return PL_KIND_DEQUE;
	}
	if (strcmp(name, "functools._lru_cache_wrapper") == 0 && l->lru_root_next >= 0) {
		if (l->lru_func < 0) /* no field offsets: the list head it starts with */
			*known_ret = (uint64_t)l->lru_elem_result + 8;
		return PL_KIND_LRU_CACHE;
	}
	/* an undotted name is a core type's, static: a heap type of that name is someone else's */
	if ((strchr(name, '.') || !(f->flags & PL_TPFLAGS_HEAPTYPE)) &&
	    (*ctype_ret = pl_c_type_find(name, l)))
		return PL_KIND_C_FIELDS;
	if (strcmp(name, "collections.OrderedDict") == 0 && l->size_odict > 0) { /* 2.7: Python code */
		*known_ret = (uint64_t)l->size_odict;
		return PL_KIND_ODICT;
	}
	/* C subclasses of builtin types: decode the builtin part, scan the rest */
	struct type_fields bf;
	uint64_t base = 0;
	if (f->flags & TPFLAGS_BASE_EXC_SUBCLASS) {
		*known_ret = (uint64_t)l->size_base_exception;
		return PL_KIND_EXCEPTION;
	}
	if (f->flags & PL_TPFLAGS_TYPE_SUBCLASS)
		base = rt->types[PL_T_TYPE];
	else if (f->flags & PL_TPFLAGS_DICT_SUBCLASS)
		base = rt->types[PL_T_DICT];
	else if (f->flags & PL_TPFLAGS_LIST_SUBCLASS)
		base = rt->types[PL_T_LIST];
	else if (f->flags & PL_TPFLAGS_TUPLE_SUBCLASS)
		base = rt->types[PL_T_TUPLE];
	if (base && read_type_fields(rt, base, &bf)) {
		*known_ret = bf.basicsize;
		return base == rt->types[PL_T_TYPE]   ? PL_KIND_TYPE
		     : base == rt->types[PL_T_DICT]   ? PL_KIND_DICT
		     : base == rt->types[PL_T_LIST]   ? PL_KIND_LIST
						      : PL_KIND_TUPLE;
	}
	if (f->flags & (TPFLAGS_LONG_SUBCLASS | TPFLAGS_BYTES_SUBCLASS | TPFLAGS_UNICODE_SUBCLASS) ||
	    !(f->flags & PL_TPFLAGS_HAVE_GC)) {
		*known_ret = f->basicsize;
		return PL_KIND_NONE;
	}
	*known_ret = (uint64_t)(f->itemsize ? l->varobject_size + 8 : l->object_type + 8);
	return PL_KIND_UNKNOWN;
}

/* n_fields of the struct sequence type at TYPE (its own dict says how many items its
 * instances hold, ob_size counting the visible ones only), or 0 if it is not one. Static
 * struct sequences (sys.flags, ...) are left out: from 3.12 their dict is the interpreter's,
 * so their hidden items, if they have any, are not read. */
static uint64_t struct_sequence_fields(struct pl_runtime *rt, uint64_t type)
{
	uint64_t dict = pl_runtime_field(rt, type, rt->layout.type_dict), value = 0;
	int64_t n = 0;
	if (!dict)
		return 0;
	struct pl_error *err = pl_py_dict_get_str(rt, dict, "n_fields", &value);
	if (err) {
		pl_error_destroy(err);
		return 0;
	}
	return value && pl_py_int(rt, value, &n) && n > 0 && n < 4096 ? (uint64_t)n : 0;
}

struct members_acc {
	struct pl_runtime *rt;
	struct pl_typeinfo *ti;
	char owner[64];        /* tp_name of the type whose members these are */
	size_t cap;
	bool failed;
};

/* Members of C types that show a pointer the object does not own: sqlite3.Connection's
 * exception classes are its module's, copied without a reference. */
static const struct {
	const char *type;
	const char *members[10];
} borrowed_members[] = {
	{ "sqlite3.Connection", { "Warning", "Error", "InterfaceError", "DatabaseError", "DataError",
				  "OperationalError", "IntegrityError", "InternalError",
				  "ProgrammingError", "NotSupportedError" } },
};

static bool is_borrowed(const struct members_acc *a, uint64_t name)
{
	char member[32] = "";
	for (size_t i = 0; i < PL_ARRAY_SIZE(borrowed_members); i++) {
		if (strcmp(borrowed_members[i].type, a->owner) != 0)
			continue;
		if (!member[0])
			pl_error_destroy(pl_target_read_cstr(a->rt->target, name, member, sizeof(member), NULL));
		for (size_t k = 0; k < PL_ARRAY_SIZE(borrowed_members[i].members) &&
				   borrowed_members[i].members[k]; k++)
			if (strcmp(borrowed_members[i].members[k], member) == 0)
				return true;
	}
	return false;
}

static void add_member(void *arg, int64_t offset, uint64_t name)
{
	struct members_acc *a = arg;
	struct pl_typeinfo *ti = a->ti;
	if ((uint64_t)offset < ti->known_size || (uint64_t)offset + 8 > ti->basicsize ||
	    offset == ti->dictoffset || offset == ti->weaklistoffset)
		return; /* a member that shows the instance dict or weakref list (__dict__) */
	for (size_t i = 0; i < ti->nmembers; i++)
		if (ti->members[i].offset == offset)
			return;
	if (ti->nmembers == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		struct pl_member *m = realloc(ti->members, cap * sizeof(*m));
		if (!m) {
			a->failed = true;
			return;
		}
		ti->members = m;
		a->cap = cap;
	}
	ti->members[ti->nmembers++] = (struct pl_member){ offset, name, is_borrowed(a, name) };
}

/* The object members of every type in the MRO of TI, after what the kind covers. */
static struct pl_error *collect_members(struct pl_runtime *rt, struct pl_typeinfo *ti)
{
	const struct pl_layout *l = &rt->layout;
	struct pl_target *t = rt->target;
	struct members_acc a = { .rt = rt, .ti = ti };
	uint64_t mro = 0, n = 0;
	if (!pl_target_u64(t, ti->addr + (uint64_t)l->type_mro, &mro) || !mro ||
	    !pl_target_u64(t, mro + (uint64_t)l->varobject_size, &n))
		n = 0;
	for (uint64_t i = 0; i < n && i < MAX_MRO && !a.failed; i++) {
		uint64_t type;
		struct type_fields f;
		uint64_t name = 0;
		if (!pl_target_u64(t, mro + (uint64_t)l->tuple_items + 8 * i, &type) ||
		    !read_type_fields(rt, type, &f))
			continue;
		a.owner[0] = '\0';
		if (pl_target_u64(t, type + (uint64_t)l->type_name, &name))
			pl_error_destroy(pl_target_read_cstr(t, name, a.owner, sizeof(a.owner), NULL));
		each_object_member(rt, f.members, add_member, &a);
	}
	return a.failed ? &pl_enomem : NULL;
}

/* The words after known_size that no member, dict or weakref slot explains (nor an
 * lru_cache wrapper's cache dict, which its decoder reads). Not for the builtin var-sized
 * kinds: past their fixed part come their items (a Python subclass's basicsize counts the
 * room of its dict, which sits after the items). */
static struct pl_error *collect_scan(const struct pl_layout *l, struct pl_typeinfo *ti)
{
	size_t cap = 0;
	if (ti->itemsize && ti->kind != PL_KIND_UNKNOWN)
		return NULL;
	for (uint64_t off = (ti->known_size + 7) & ~(uint64_t)7;
	     off + 8 <= ti->basicsize && ti->nscan < MAX_SCAN_WORDS; off += 8) {
		bool explained = (int64_t)off == ti->dictoffset || (int64_t)off == ti->weaklistoffset ||
				 (ti->kind == PL_KIND_LRU_CACHE && (int64_t)off == l->lru_cache);
		for (size_t i = 0; i < ti->nmembers && !explained; i++)
			explained = ti->members[i].offset == (int64_t)off;
		if (explained)
			continue;
		if (ti->nscan == cap) {
			cap = cap ? cap * 2 : 8;
			uint32_t *s = realloc(ti->scan, cap * sizeof(*s));
			if (!s)
				return &pl_enomem;
			ti->scan = s;
		}
		ti->scan[ti->nscan++] = (uint32_t)off;
	}
	return NULL;
}

static struct pl_error *classify(struct pl_types *c, uint64_t addr, struct pl_typeinfo *ti)
{
	struct pl_runtime *rt = c->rt;
	const struct pl_layout *l = &rt->layout;
	struct type_fields f, cur, base;
	if (!read_type_fields(rt, addr, &f))
		return pl_error_fault(addr, "type object");
	ti->addr = addr;
	ti->flags = f.flags;
	ti->basicsize = f.basicsize;
	ti->itemsize = f.itemsize;
	ti->dictoffset = f.dictoffset;
	ti->weaklistoffset = f.weaklistoffset;
	ti->holds_type = f.flags & PL_TPFLAGS_HEAPTYPE;
	if (ti->holds_type && l->heaptype_cached_keys >= 0) /* 2.7: none */
		pl_target_u64(rt->target, addr + (uint64_t)l->heaptype_cached_keys, &ti->cached_keys);
	/* walk up past the Python classes */
	uint64_t at = addr;
	cur = f;
	for (int i = 0; i < MAX_BASES && cur.base && read_type_fields(rt, cur.base, &base); i++) {
		if (!extends_only_with_slots(rt, &cur, &base))
			break;
		at = cur.base;
		cur = base;
	}
	ti->kind = kind_of(c, at, &cur, &ti->known_size, &ti->cmethod, &ti->ctype);
	if (ti->known_size > ti->basicsize)
		ti->known_size = ti->basicsize;
	if (ti->kind == PL_KIND_TUPLE && (f.flags & PL_TPFLAGS_HEAPTYPE))
		ti->tuple_fields = struct_sequence_fields(rt, addr);
	/* The instance dict is the object's own unless the kind decodes it (functions, modules,
	 * exceptions, partial and type objects keep theirs inside what they cover). */
	ti->own_dict = (l->managed_dict != PL_MANAGED_DICT_NONE && (f.flags & PL_TPFLAGS_MANAGED_DICT)) ||
		       f.dictoffset < 0 || (uint64_t)f.dictoffset >= ti->known_size;
	if (f.dictoffset == 0 && !(f.flags & PL_TPFLAGS_MANAGED_DICT))
		ti->own_dict = false;
	/* Instances of builtins without references (str, float, complex, ...) hold none, but a
	 * Python subclass's __slots__ do: read those members. */
	if (ti->kind == PL_KIND_NONE)
		return (f.flags & PL_TPFLAGS_HEAPTYPE) ? collect_members(rt, ti) : NULL;
	struct pl_error *err = collect_members(rt, ti);
	if (!err)
		err = collect_scan(l, ti);
	ti->scan_items = ti->kind == PL_KIND_UNKNOWN && ti->itemsize == 8;
	return err;
}

static struct pl_error *grow(struct pl_types *c)
{
	size_t cap = c->cap ? c->cap * 2 : 256;
	struct pl_typeinfo **slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return &pl_enomem;
	for (size_t i = 0; i < c->cap; i++) {
		if (!c->slots[i])
			continue;
		size_t s = pl_addr_hash(c->slots[i]->addr, cap);
		while (slots[s])
			s = (s + 1) & (cap - 1);
		slots[s] = c->slots[i];
	}
	free(c->slots);
	c->slots = slots;
	c->cap = cap;
	return NULL;
}

struct pl_error *pl_types_get(struct pl_types *c, uint64_t type, const struct pl_typeinfo **ret)
{
	struct pl_error *err;
	if ((c->n + 1) * 2 > c->cap && (err = grow(c)))
		return err;
	size_t s = pl_addr_hash(type, c->cap);
	for (; c->slots[s]; s = (s + 1) & (c->cap - 1))
		if (c->slots[s]->addr == type) {
			*ret = c->slots[s];
			return NULL;
		}
	struct pl_typeinfo *ti = calloc(1, sizeof(*ti));
	if (!ti)
		return &pl_enomem;
	if ((err = classify(c, type, ti))) {
		typeinfo_destroy(ti);
		return err;
	}
	c->slots[s] = ti;
	c->n++;
	*ret = ti;
	return NULL;
}
