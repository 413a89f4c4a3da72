/* SPDX-License-Identifier: MIT */
/* object_rules.c - one object's size and a dict's entries, read through a reader (see
 * object_rules.h). Each size formula is the one the type's __sizeof__ computes in CPython,
 * field for field. libc only, so that the in-process agent can compile it too. */
#include <string.h>

#include "runtime/object_rules.h"

enum { MAX_BASES = 64 };
#define MAX_COUNT (UINT64_C(1) << 40) /* items, slots, bytes: more is a broken object */

/* PyASCIIObject.state bits (3.6 - 3.14); READY only exists up to 3.11. */
enum { STATE_KIND_SHIFT = 2, STATE_KIND_MASK = 7, STATE_COMPACT = 1u << 5,
       STATE_ASCII = 1u << 6, STATE_READY = 1u << 7 };

enum { DEQUE_BLOCK_LINKS = 16 }; /* a deque block's left and right links */

/* The value at OBJ + OFF, or 0 if the version has no such field or it cannot be read. */
static uint64_t u64_at(const struct pl_object_rules *r, uint64_t obj, int64_t off)
{
	uint64_t v = 0;
	if (off < 0 || !obj || !r->read(r->ctx, obj + (uint64_t)off, &v, 8))
		return 0;
	return v;
}

static uint64_t capped(uint64_t n)
{
	return n < MAX_COUNT ? n : 0;
}

static int64_t i64_at(const struct pl_object_rules *r, uint64_t obj, int64_t off)
{
	return (int64_t)u64_at(r, obj, off);
}

static uint8_t u8_at(const struct pl_object_rules *r, uint64_t obj, int64_t off)
{
	uint8_t v = 0;
	if (off >= 0 && obj && !r->read(r->ctx, obj + (uint64_t)off, &v, 1))
		v = 0;
	return v;
}

static uint64_t abs_count(int64_t n)
{
	return capped(n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n);
}

static int32_t i32_at(const struct pl_object_rules *r, uint64_t obj, int64_t off)
{
	int32_t v = 0;
	if (off >= 0 && obj && !r->read(r->ctx, obj + (uint64_t)off, &v, 4))
		v = 0;
	return v;
}

/* The length of the tuple or bytes object at OBJ (0 if none). */
static uint64_t length_of(const struct pl_object_rules *r, uint64_t obj)
{
	return obj ? abs_count(i64_at(r, obj, r->l->varobject_size)) : 0;
}

/* USABLE_FRACTION of a dict keys table of N slots. */
static uint64_t usable_fraction(uint64_t n)
{
	return (n << 1) / 3;
}

/* _PyDict_KeysSize: the keys object at KEYS (header, index, entries). */
static uint64_t keys_size(const struct pl_object_rules *r, uint64_t keys)
{
	const struct pl_layout *l = r->l;
	uint64_t slots, index_bytes, entry = (uint64_t)l->size_dict_entry;
	if (l->dict_keys_have_kind) {
		uint8_t log2_size = u8_at(r, keys, l->dictkeys_log2_size);
		uint8_t log2_index = u8_at(r, keys, l->dictkeys_log2_index_bytes);
		if (log2_size > 40 || log2_index > 43)
			return 0;
		slots = UINT64_C(1) << log2_size;
		index_bytes = UINT64_C(1) << log2_index;
		if (u8_at(r, keys, l->dictkeys_kind) != 0) /* unicode or split: no hash */
			entry = (uint64_t)l->size_dict_unicode_entry;
	} else {
		slots = capped(u64_at(r, keys, l->dictkeys_size));
		unsigned w = slots <= 0xff ? 1 : slots <= 0xffff ? 2 : slots <= 0xffffffffu ? 4 : 8;
		index_bytes = slots * w;
	}
	return (uint64_t)l->dictkeys_indices + index_bytes + usable_fraction(slots) * entry;
}

/* _PyDict_SizeOf: the object, a split table's values, and its keys unless they are shared;
 * 2.7: the object, and its table once it outgrew the one inside it. */
static uint64_t dict_size(const struct pl_object_rules *r, uint64_t obj, uint64_t basicsize)
{
	const struct pl_layout *l = r->l;
	if (l->dict2_table >= 0 && l->dict_keys < 0) {
		uint64_t table = u64_at(r, obj, l->dict2_table);
		if (!table || table == obj + (uint64_t)l->dict2_smalltable)
			return basicsize;
		return basicsize + (capped(u64_at(r, obj, l->dict2_mask)) + 1) *
					   (uint64_t)l->size_dict2_entry;
	}
	uint64_t size = basicsize, keys = u64_at(r, obj, l->dict_keys);
	if (!keys)
		return size;
	if (u64_at(r, obj, l->dict_values)) {
		if (l->dict_keys_have_kind) /* 3.11+: shared_keys_usable_size */
			size += 8 * capped(u64_at(r, keys, l->dictkeys_nentries) +
					   u64_at(r, keys, l->dictkeys_usable));
		else
			size += 8 * usable_fraction(capped(u64_at(r, keys, l->dictkeys_size)));
	}
	if (l->dictkeys_refcnt >= 0 && u64_at(r, keys, l->dictkeys_refcnt) == 1)
		size += keys_size(r, keys);
	return size;
}

/* An OrderedDict: its dict, its fast-node table and one node per item. */
static uint64_t odict_size(const struct pl_object_rules *r, uint64_t obj, uint64_t basicsize)
{
	const struct pl_layout *l = r->l;
	uint64_t size = dict_size(r, obj, basicsize);
	size += 8 * capped(u64_at(r, obj, l->odict_fast_nodes_size));
	if (u64_at(r, obj, l->odict_first) && l->size_odict_node > 0)
		size += capped(u64_at(r, obj, l->dict_used)) * (uint64_t)l->size_odict_node;
	return size;
}

static uint64_t set_size(const struct pl_object_rules *r, uint64_t obj, uint64_t basicsize)
{
	const struct pl_layout *l = r->l;
	uint64_t table = u64_at(r, obj, l->set_table);
	if (l->set_smalltable < 0 || !table || table == obj + (uint64_t)l->set_smalltable)
		return basicsize;
	return basicsize + (capped(u64_at(r, obj, l->set_mask)) + 1) * (uint64_t)l->size_set_entry;
}

static uint64_t deque_size(const struct pl_object_rules *r, uint64_t obj, uint64_t basicsize)
{
	const struct pl_layout *l = r->l;
	if (l->deque_block_rightlink < 0 || l->deque_block_data < 0)
		return basicsize;
	uint64_t blocklen = (uint64_t)(l->deque_block_rightlink - l->deque_block_data) / 8;
	uint64_t n = abs_count(i64_at(r, obj, l->deque_len >= 0 ? l->deque_len : l->varobject_size));
	uint64_t left = capped(u64_at(r, obj, l->deque_leftindex));
	if (!blocklen)
		return basicsize;
	/* 2.7 counts the blocks in use; 3.x one more once the last is full */
	uint64_t blocks = (left + n + blocklen - (l->deque_len >= 0 ? 1 : 0)) / blocklen;
	return basicsize + blocks * (blocklen * 8 + DEQUE_BLOCK_LINKS);
}

/* unicode.__sizeof__: the object and its characters, plus a wchar_t copy (up to 3.11) and a
 * UTF-8 copy where they are separate buffers (2.7: only its characters, always apart). */
static uint64_t str_size(const struct pl_object_rules *r, uint64_t obj)
{
	const struct pl_layout *l = r->l;
	if (l->unicode2_str >= 0) /* 2.7: the object and its characters, with a terminator */
		return (uint64_t)l->size_unicode_object +
		       (uint64_t)l->unicode2_width * (capped(u64_at(r, obj, l->unicode2_length)) + 1);
	uint32_t state = (uint32_t)i32_at(r, obj, l->unicode_state);
	uint64_t length = capped(u64_at(r, obj, l->unicode_length));
	uint64_t kind = (state >> STATE_KIND_SHIFT) & STATE_KIND_MASK;
	bool compact = state & STATE_COMPACT, ascii = state & STATE_ASCII;
	uint64_t size, data;
	if (kind != 1 && kind != 2 && kind != 4)
		kind = 1;
	if (compact && ascii) {
		size = (uint64_t)l->size_ascii_object + length + 1;
		data = obj + (uint64_t)l->size_ascii_object;
	} else if (compact) {
		size = (uint64_t)l->size_compact_unicode_object + (length + 1) * kind;
		data = obj + (uint64_t)l->size_compact_unicode_object;
	} else { /* a legacy string: its characters are a block of their own */
		size = (uint64_t)(l->size_unicode_object > 0 ? l->size_unicode_object : 0);
		data = u64_at(r, obj, l->unicode_data);
		if (data)
			size += (length + 1) * kind;
	}
	uint64_t wstr = u64_at(r, obj, l->unicode_wstr);
	if (wstr && (!(state & STATE_READY) || wstr != data)) {
		uint64_t wlen = compact && ascii ? length : capped(u64_at(r, obj, l->unicode_wstr_length));
		size += (wlen + 1) * 4; /* sizeof(wchar_t) */
	}
	uint64_t utf8 = compact && ascii ? 0 : u64_at(r, obj, l->unicode_utf8);
	if (utf8 && utf8 != data)
		size += capped(u64_at(r, obj, l->unicode_utf8_length)) + 1;
	return size;
}

/* int.__sizeof__: the header and the digits (3.11+: at least one). */
static uint64_t int_size(const struct pl_object_rules *r, uint64_t obj)
{
	const struct pl_layout *l = r->l;
	uint64_t ndigits, header;
	if (l->long_tag >= 0 && l->long_digits >= 0) { /* 3.12+: ndigits << 3 | sign */
		ndigits = capped(u64_at(r, obj, l->long_tag) >> 3);
		header = (uint64_t)l->long_digits;
	} else {
		ndigits = abs_count(i64_at(r, obj, l->varobject_size));
		header = (uint64_t)(l->long_digits_old >= 0 ? l->long_digits_old : 0);
	}
	if (!ndigits && l->version_hex >= 0x030b0000)
		ndigits = 1;
	return header + 4 * ndigits;
}

/* type.__sizeof__: a heap type and the shared keys of its instances, or a static type. */
static uint64_t type_size(const struct pl_object_rules *r, uint64_t obj, uint64_t basicsize)
{
	const struct pl_layout *l = r->l;
	if (!(u64_at(r, obj, l->type_flags) & PL_TPFLAGS_HEAPTYPE))
		return l->size_type_object > 0 ? (uint64_t)l->size_type_object : basicsize;
	uint64_t size = l->size_heaptype_object > 0 ? (uint64_t)l->size_heaptype_object : basicsize;
	uint64_t keys = u64_at(r, obj, l->heaptype_cached_keys);
	return keys ? size + keys_size(r, keys) : size;
}

/* The frame slots (locals and stack) of the code object at CODE: what a 3.11+ frame holds. */
static uint64_t frame_slots(const struct pl_object_rules *r, uint64_t code)
{
	const struct pl_layout *l = r->l;
	if (!code)
		return 0;
	return (uint64_t)(i32_at(r, code, l->code_nlocalsplus) & 0x7fffffff) +
	       (uint64_t)(i32_at(r, code, l->code_stacksize) & 0x7fffffff);
}

/* The code object of the interpreter frame at FRAME (3.11+; 3.14 tags the word). */
static uint64_t frame_code(const struct pl_object_rules *r, uint64_t frame)
{
	const struct pl_layout *l = r->l;
	uint64_t word = u64_at(r, frame, l->iframe_code >= 0 ? l->iframe_code : l->iframe_executable);
	return l->stackrefs ? word & ~(uint64_t)3 : word;
}

/* frame.__sizeof__: the object and the slots its code needs (up to 3.10 the first of them is
 * counted in the basic size). */
static uint64_t frame_size(const struct pl_object_rules *r, const struct pl_size_type *ty, uint64_t obj)
{
	const struct pl_layout *l = r->l;
	if (l->frameobj_frame < 0) { /* the slots its code needs, not those it has room for */
		uint64_t code = u64_at(r, obj, l->frameobj_code);
		uint64_t slots = (uint64_t)(i32_at(r, code, l->code_stacksize) & 0x7fffffff) +
				 (uint64_t)(i32_at(r, code, l->code_nlocals) & 0x7fffffff) +
				 length_of(r, u64_at(r, code, l->code_cellvars)) +
				 length_of(r, u64_at(r, code, l->code_freevars));
		return ty->basicsize + 8 * (slots ? slots - 1 : 0);
	}
	return ty->basicsize + 8 * frame_slots(r, frame_code(r, u64_at(r, obj, l->frameobj_frame)));
}

/* A generator's __sizeof__ from 3.11: the object and the slots of its embedded frame. */
static uint64_t generator_size(const struct pl_object_rules *r, const struct pl_size_type *ty, uint64_t obj)
{
	const struct pl_layout *l = r->l;
	if (l->gen_iframe < 0)
		return ty->basicsize;
	uint64_t code = l->gen_code >= 0 ? u64_at(r, obj, l->gen_code)
					 : frame_code(r, obj + (uint64_t)l->gen_iframe);
	return ty->basicsize + 8 * frame_slots(r, code);
}

/* code.__sizeof__: up to 3.10 the object, its cell-to-argument map and (3.8 - 3.10) its
 * opcode cache; from 3.11 the object with its bytecode, rounded to a word; and the extra
 * data tools attach (PEP 523). */
static uint64_t code_size(const struct pl_object_rules *r, const struct pl_size_type *ty, uint64_t obj)
{
	const struct pl_layout *l = r->l;
	uint64_t size;
	if (ty->itemsize) {
		size = (ty->basicsize + ty->itemsize * length_of(r, obj) + 7) & ~(uint64_t)7;
	} else {
		size = ty->basicsize;
		if (u64_at(r, obj, l->code_cell2arg))
			size += 8 * length_of(r, u64_at(r, obj, l->code_cellvars));
		if (u64_at(r, obj, l->code_opcache) && l->size_opcache > 0) {
			size += length_of(r, u64_at(r, obj, l->code_code)) / 2; /* the map */
			size += (uint64_t)l->size_opcache * u8_at(r, obj, l->code_opcache_size);
		}
	}
	uint64_t extra = u64_at(r, obj, l->code_extra);
	if (extra) { /* _PyCodeObjectExtra: a count, then that many pointers */
		uint64_t n = capped(u64_at(r, extra, 0));
		size += 16 + 8 * (n ? n - 1 : 0);
	}
	return size;
}

/* bytearray.__sizeof__: the object and its buffer, which 3.15 keeps in a bytes object (counted
 * with its header). */
static uint64_t bytearray_size(const struct pl_object_rules *r, uint64_t obj, uint64_t basicsize)
{
	const struct pl_layout *l = r->l;
	uint64_t bytes = u64_at(r, obj, l->bytearray_bytes_object);
	if (bytes)
		return basicsize + (uint64_t)l->bytes_sval + 1 + length_of(r, bytes);
	return basicsize + capped(u64_at(r, obj, l->bytearray_alloc));
}

/* array.__sizeof__: the object and its buffer (allocated items of its type code's size). */
static uint64_t array_size(const struct pl_object_rules *r, uint64_t obj, uint64_t basicsize)
{
	const struct pl_layout *l = r->l;
	uint64_t descr = u64_at(r, obj, l->array_descr);
	int32_t itemsize = descr ? i32_at(r, descr, l->arraydescr_itemsize) : 0;
	if (itemsize <= 0 || itemsize > 16)
		return basicsize;
	return basicsize + capped(u64_at(r, obj, l->array_allocated)) * (uint64_t)itemsize;
}

/* The C string at ADDR into BUF (MAX bytes, always terminated; empty if unreadable), read a
 * word at a time on word boundaries: never past the page its end is on. */
static void read_cstr(const struct pl_object_rules *r, uint64_t addr, char *buf, size_t max)
{
	size_t n = 0;
	buf[0] = '\0';
	if (!addr || !max)
		return;
	while (n + 1 < max) {
		uint64_t at = (addr + n) & ~(uint64_t)7, skip = (addr + n) - at;
		char word[8];
		if (!r->read(r->ctx, at, word, 8))
			break;
		for (uint64_t k = skip; k < 8 && n + 1 < max; k++) {
			if (!word[k]) {
				buf[n] = '\0';
				return;
			}
			buf[n++] = word[k];
		}
	}
	buf[n < max ? n : max - 1] = '\0';
}

/* The __sizeof__ of itertools' product (an index per pool), combinations and
 * combinations_with_replacement (r indices) and permutations (an index per item of its pool,
 * and r cycles). Which one it is shows in which fields the layout has for it. */
static uint64_t indices_size(const struct pl_object_rules *r, uint64_t obj, uint64_t basicsize)
{
	const struct pl_layout *l = r->l;
	char name[48] = "";
	uint64_t type = u64_at(r, obj, l->object_type);
	/* the itertools type itself, or the nearest one a subclass derives from */
	for (int i = 0; i < MAX_BASES && type && strncmp(name, "itertools.", 10) != 0; i++) {
		read_cstr(r, u64_at(r, type, l->type_name), name, sizeof(name));
		type = u64_at(r, type, l->type_base);
	}
	uint64_t n = 0;
	if (strcmp(name, "itertools.product") == 0)
		n = length_of(r, u64_at(r, obj, l->product_pools));
	else if (strcmp(name, "itertools.combinations") == 0)
		n = capped(u64_at(r, obj, l->combinations_r));
	else if (strcmp(name, "itertools.combinations_with_replacement") == 0)
		n = capped(u64_at(r, obj, l->cwr_r));
	else if (strcmp(name, "itertools.permutations") == 0)
		n = length_of(r, u64_at(r, obj, l->permutations_pool)) +
		    capped(u64_at(r, obj, l->permutations_r));
	return basicsize + 8 * n;
}

/* object.__sizeof__: the basic size and the items. */
static uint64_t plain_size(const struct pl_object_rules *r, const struct pl_size_type *ty, uint64_t obj)
{
	uint64_t items = ty->itemsize ? abs_count(i64_at(r, obj, r->l->varobject_size)) : 0;
	return ty->basicsize + ty->itemsize * items;
}

/* What getsizeof adds to __sizeof__: up to 3.10 the GC header of an object the collector
 * could track (not a static type); from 3.11 the type's whole pre-header (GC header, managed
 * dict and weakref words), 3.13+ again not for static types. */
static uint64_t headers(const struct pl_object_rules *r, const struct pl_size_type *ty, uint64_t obj)
{
	const struct pl_layout *l = r->l;
	bool static_type = ty->kind == PL_SIZE_TYPE &&
			   !(u64_at(r, obj, l->type_flags) & PL_TPFLAGS_HEAPTYPE);
	uint64_t gc = ty->flags & PL_TPFLAGS_HAVE_GC ? (uint64_t)l->size_gc_head : 0;
	if (l->version_hex < 0x030b0000)
		return static_type ? 0 : gc;
	if (static_type && l->version_hex >= 0x030d0000)
		return 0;
	return gc + (ty->flags & l->preheader_flags ? (uint64_t)l->preheader_size : 0);
}

uint64_t pl_rules_size_of(const struct pl_object_rules *r, const struct pl_size_type *ty, uint64_t obj)
{
	const struct pl_layout *l = r->l;
	uint64_t b = ty->basicsize, body;
	switch (ty->kind) {
	case PL_SIZE_LIST: body = b + 8 * capped(u64_at(r, obj, l->list_allocated)); break;
	case PL_SIZE_DICT: body = dict_size(r, obj, b); break;
	case PL_SIZE_ODICT: body = odict_size(r, obj, b); break;
	case PL_SIZE_SET: body = set_size(r, obj, b); break;
	case PL_SIZE_DEQUE: body = deque_size(r, obj, b); break;
	case PL_SIZE_BYTEARRAY: body = bytearray_size(r, obj, b); break;
	case PL_SIZE_STR: body = str_size(r, obj); break;
	case PL_SIZE_INT: body = int_size(r, obj); break;
	case PL_SIZE_TYPE: /* 2.7's type has no __sizeof__: object's, with its slots as items */
		body = l->version_hex >= 0x03000000 ? type_size(r, obj, b) : plain_size(r, ty, obj);
		break;
	case PL_SIZE_CODE: body = code_size(r, ty, obj); break;
	case PL_SIZE_FRAME: body = frame_size(r, ty, obj); break;
	case PL_SIZE_GENERATOR: body = generator_size(r, ty, obj); break;
	case PL_SIZE_ARRAY: body = array_size(r, obj, b); break;
	case PL_SIZE_INDICES: body = indices_size(r, obj, b); break;
	default: body = plain_size(r, ty, obj); break;
	}
	return body + headers(r, ty, obj);
}

/* The kind of the type at ADDR if it has a __sizeof__ of its own, else -1. */
static int own_kind(const struct pl_object_rules *r, uint64_t addr)
{
	for (uint32_t i = 0; i < r->nbuiltins && i < PL_RULES_BUILTINS; i++)
		if (r->builtins[i].type && r->builtins[i].type == addr)
			return r->builtins[i].kind == PL_SIZE_GENERATOR && r->l->gen_iframe < 0
				       ? PL_SIZE_PLAIN : (int)r->builtins[i].kind;
	char name[32];
	read_cstr(r, u64_at(r, addr, r->l->type_name), name, sizeof(name));
	if (strcmp(name, "collections.deque") == 0)
		return PL_SIZE_DEQUE;
	if (strcmp(name, "array.array") == 0)
		return PL_SIZE_ARRAY;
	if (strncmp(name, "itertools.", 10) == 0 && r->l->version_hex >= 0x03000000 && /* 2.7: none */
	    (strcmp(name + 10, "product") == 0 || strcmp(name + 10, "permutations") == 0 ||
	     strncmp(name + 10, "combinations", 12) == 0))
		return PL_SIZE_INDICES;
	return -1;
}

enum pl_size_kind pl_rules_size_kind(const struct pl_object_rules *r, uint64_t type)
{
	for (int i = 0; i < MAX_BASES && type; i++) {
		int kind = own_kind(r, type);
		if (kind >= 0)
			return (enum pl_size_kind)kind;
		type = u64_at(r, type, r->l->type_base);
	}
	return PL_SIZE_PLAIN;
}

enum pl_dict_shape_status pl_rules_keys_shape(const struct pl_object_rules *r, uint64_t keys,
					      uint64_t values, uint64_t max, struct pl_dict_shape *s)
{
	const struct pl_layout *l = r->l;
	uint64_t nentries, size, index_bytes;
	if (!keys || !r->read(r->ctx, keys + (uint64_t)l->dictkeys_nentries, &nentries, 8))
		return PL_DICT_SHAPE_UNREADABLE;
	s->key_off = (uint64_t)l->dict_entry_key;
	s->value_off = (uint64_t)l->dict_entry_value;
	s->entry_size = (uint64_t)l->size_dict_entry;
	if (l->dict_keys_have_kind) {
		uint8_t log2_size, log2_index, kind;
		if (!r->read(r->ctx, keys + (uint64_t)l->dictkeys_log2_size, &log2_size, 1) ||
		    !r->read(r->ctx, keys + (uint64_t)l->dictkeys_log2_index_bytes, &log2_index, 1) ||
		    !r->read(r->ctx, keys + (uint64_t)l->dictkeys_kind, &kind, 1))
			return PL_DICT_SHAPE_UNREADABLE;
		if (log2_size > 40 || log2_index > 43)
			return PL_DICT_SHAPE_BAD_SIZE;
		size = UINT64_C(1) << log2_size;
		index_bytes = UINT64_C(1) << log2_index;
		if (kind != 0) { /* unicode or split: PyDictUnicodeEntry */
			s->key_off = (uint64_t)l->dict_unicode_entry_key;
			s->value_off = (uint64_t)l->dict_unicode_entry_value;
			s->entry_size = (uint64_t)l->size_dict_unicode_entry;
		}
	} else {
		if (!r->read(r->ctx, keys + (uint64_t)l->dictkeys_size, &size, 8))
			return PL_DICT_SHAPE_UNREADABLE;
		if (size == 0 || size > (UINT64_C(1) << 40))
			return PL_DICT_SHAPE_BAD_SIZE;
		unsigned w = size <= 0xff ? 1 : size <= 0xffff ? 2 : size <= 0xffffffffu ? 4 : 8;
		index_bytes = size * w;
	}
	if (nentries > size || nentries > max)
		return PL_DICT_SHAPE_TOO_MANY;
	s->entries = keys + (uint64_t)l->dictkeys_indices + index_bytes;
	s->nentries = nentries;
	s->values = values;
	return PL_DICT_SHAPE_OK;
}

/* Python 2.7: one table of MASK + 1 entries (hash, key, value), in the object while it is small.
 * A deleted entry keeps a dummy key and no value. */
static enum pl_dict_shape_status py2_dict_shape(const struct pl_object_rules *r, uint64_t dict,
						uint64_t max, struct pl_dict_shape *s)
{
	const struct pl_layout *l = r->l;
	uint64_t mask, table;
	if (!dict || !r->read(r->ctx, dict + (uint64_t)l->dict2_mask, &mask, 8) ||
	    !r->read(r->ctx, dict + (uint64_t)l->dict2_table, &table, 8) || !table)
		return PL_DICT_SHAPE_UNREADABLE;
	if (mask >= (UINT64_C(1) << 40) || (mask & (mask + 1)))
		return PL_DICT_SHAPE_BAD_SIZE;
	if (mask + 1 > max)
		return PL_DICT_SHAPE_TOO_MANY;
	*s = (struct pl_dict_shape){ .entries = table, .nentries = mask + 1,
				     .entry_size = (uint64_t)l->size_dict2_entry,
				     .key_off = (uint64_t)l->dict2_entry_key,
				     .value_off = (uint64_t)l->dict2_entry_value };
	return PL_DICT_SHAPE_OK;
}

enum pl_dict_shape_status pl_rules_dict_shape(const struct pl_object_rules *r, uint64_t dict,
					      uint64_t max, struct pl_dict_shape *s)
{
	const struct pl_layout *l = r->l;
	uint64_t keys, values;
	if (l->dict2_table >= 0 && l->dict_keys < 0)
		return py2_dict_shape(r, dict, max, s);
	if (!dict || !r->read(r->ctx, dict + (uint64_t)l->dict_keys, &keys, 8) ||
	    !r->read(r->ctx, dict + (uint64_t)l->dict_values, &values, 8))
		return PL_DICT_SHAPE_UNREADABLE;
	return pl_rules_keys_shape(r, keys, values ? values + (uint64_t)l->dict_values_items : 0, max, s);
}
