/* SPDX-License-Identifier: MIT */
/* frames.c - frames of Python code and their line tables (see frames.h). Line tables come in
 * three formats: co_lnotab (3.6 - 3.9), the PEP 626 co_linetable (3.10) and the location
 * table (3.11+); each is read whole, capped, and decoded without trusting a byte of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "refs/frames.h"
#include "runtime/pyread.h"

enum { MAX_LOCALS = 1 << 16, MAX_STACK = 1 << 16, MAX_LINETABLE = 1 << 20 };

static int32_t read_i32(struct pl_runtime *rt, uint64_t addr, int32_t otherwise)
{
	int32_t v;
	return pl_target_read_ok(rt->target, addr, &v, 4) ? v : otherwise;
}

uint64_t pl_frame_slot_object(const struct pl_layout *l, uint64_t word)
{
	if (!l->stackrefs)
		return word;
	if ((word & 3) == 3) /* a tagged int */
		return 0;
	if ((word & 3) == 2 && l->stackref_wrapped) /* Py_TAG_INVALID: a wrapped C pointer */
		return 0;
	return word & ~(uint64_t)1;
}

/* Items of the tuple at TUPLE, or 0 if it is not readable. */
static uint64_t tuple_len(struct pl_runtime *rt, uint64_t tuple)
{
	uint64_t n = 0;
	if (!tuple || !pl_target_u64(rt->target, tuple + (uint64_t)rt->layout.varobject_size, &n) ||
	    n > MAX_LOCALS)
		return 0;
	return n;
}

/* Named slots of CODE: locals, cells and free variables. */
static uint64_t named_slots(struct pl_runtime *rt, uint64_t code)
{
	const struct pl_layout *l = &rt->layout;
	int32_t n;
	if (l->code_nlocalsplus >= 0) {
		n = read_i32(rt, code + (uint64_t)l->code_nlocalsplus, 0);
		return n > 0 && n <= MAX_LOCALS ? (uint64_t)n : 0;
	}
	n = read_i32(rt, code + (uint64_t)l->code_nlocals, 0);
	if (n < 0 || n > MAX_LOCALS)
		return 0;
	return (uint64_t)n + tuple_len(rt, pl_runtime_field(rt, code, l->code_cellvars)) +
	       tuple_len(rt, pl_runtime_field(rt, code, l->code_freevars));
}

static struct pl_error *read_frame_object(struct pl_runtime *rt, uint64_t addr, bool executing,
					  struct pl_frame *f)
{
	const struct pl_layout *l = &rt->layout;
	f->code = pl_runtime_field(rt, addr, l->frameobj_code);
	if (!f->code)
		return pl_error_fault(addr, "frame object");
	f->previous = pl_runtime_field(rt, addr, l->frameobj_back);
	f->locals = pl_runtime_field(rt, addr, l->frameobj_locals);
	f->globals = pl_runtime_field(rt, addr, l->frameobj_globals);
	f->builtins = pl_runtime_field(rt, addr, l->frameobj_builtins);
	f->trace = pl_runtime_field(rt, addr, l->frameobj_trace);
	f->localsplus = addr + (uint64_t)l->frameobj_localsplus;
	f->nlocals = named_slots(rt, f->code);
	int32_t lasti = read_i32(rt, addr + (uint64_t)l->frameobj_lasti, -1);
	/* 3.10 counts instructions (two bytes each); before, bytes */
	f->lasti = lasti < 0 ? -1 : l->frameobj_stackdepth >= 0 ? 2 * (int64_t)lasti : lasti;
	if (executing)
		return NULL;
	uint64_t stack = pl_runtime_field(rt, addr, l->frameobj_valuestack), top;
	if (!stack)
		return NULL;
	if (l->frameobj_stacktop >= 0) { /* <= 3.9: NULL while it runs */
		top = pl_runtime_field(rt, addr, l->frameobj_stacktop);
		if (top > stack && (top - stack) / 8 <= MAX_STACK)
			f->nstack = (top - stack) / 8;
	} else if (l->frameobj_stackdepth >= 0) { /* 3.10: -1 while it runs */
		int32_t depth = read_i32(rt, addr + (uint64_t)l->frameobj_stackdepth, -1);
		if (depth > 0 && depth <= MAX_STACK)
			f->nstack = (uint64_t)depth;
	}
	/* the stack follows the named slots */
	if (f->nstack && stack != f->localsplus + 8 * f->nlocals)
		f->nstack = 0;
	return NULL;
}

static struct pl_error *read_interpreter_frame(struct pl_runtime *rt, uint64_t addr,
					       bool executing, struct pl_frame *f)
{
	const struct pl_layout *l = &rt->layout;
	uint8_t owner = 0;
	if (!pl_target_read_ok(rt->target, addr + (uint64_t)l->iframe_owner, &owner, 1))
		return pl_error_fault(addr, "interpreter frame");
	f->owner = owner;
	f->previous = pl_runtime_field(rt, addr, l->iframe_previous);
	if (owner >= PL_FRAME_OWNED_BY_C)
		return NULL; /* an entry shim: nothing of Python's */
	int64_t code_at = l->iframe_code >= 0 ? l->iframe_code : l->iframe_executable;
	f->code = pl_frame_slot_object(l, pl_runtime_field(rt, addr, code_at));
	f->func = pl_frame_slot_object(l, pl_runtime_field(rt, addr, l->iframe_func >= 0 ? l->iframe_func
										: l->iframe_funcobj));
	f->locals = pl_runtime_field(rt, addr, l->iframe_locals);
	f->frame_obj = pl_runtime_field(rt, addr, l->iframe_frame_obj);
	f->localsplus = addr + (uint64_t)l->iframe_localsplus;
	uint64_t type = 0;
	if (!f->code || !pl_target_u64(rt->target, f->code + (uint64_t)l->object_type, &type) ||
	    (rt->types[PL_T_CODE] && type != rt->types[PL_T_CODE])) {
		f->code = 0; /* 3.13: f_executable may be None for shims */
		return NULL;
	}
	f->nlocals = named_slots(rt, f->code);
	uint64_t instr = pl_runtime_field(rt, addr, l->iframe_prev_instr >= 0 ? l->iframe_prev_instr
								   : l->iframe_instr_ptr);
	uint64_t first = f->code + (uint64_t)l->code_code_adaptive;
	f->lasti = instr >= first && instr - first < (1u << 30) ? (int64_t)(instr - first) : -1;
	if (executing)
		return NULL;
	uint64_t n = 0;
	if (l->iframe_stacktop >= 0) {
		int32_t top = read_i32(rt, addr + (uint64_t)l->iframe_stacktop, -1);
		if (top > 0)
			n = (uint64_t)top;
	} else if (l->iframe_stackpointer >= 0) {
		uint64_t sp = pl_runtime_field(rt, addr, l->iframe_stackpointer);
		if (sp > f->localsplus)
			n = (sp - f->localsplus) / 8;
	}
	if (n > f->nlocals && n - f->nlocals <= MAX_STACK)
		f->nstack = n - f->nlocals;
	return NULL;
}

struct pl_error *pl_frame_read(struct pl_runtime *rt, uint64_t addr, bool executing,
			       struct pl_frame *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->addr = addr;
	ret->lasti = -1;
	if (rt->layout.iframe_localsplus >= 0)
		return read_interpreter_frame(rt, addr, executing, ret);
	return read_frame_object(rt, addr, executing, ret);
}

/* Name I of the tuple of str at TUPLE into BUF; false if there is none. */
static bool tuple_str(struct pl_runtime *rt, uint64_t tuple, uint64_t i, char *buf, size_t max)
{
	uint64_t item;
	if (i >= tuple_len(rt, tuple) ||
	    !pl_target_u64(rt->target, tuple + (uint64_t)rt->layout.tuple_items + 8 * i, &item))
		return false;
	struct pl_error *err = pl_py_str(rt, item, buf, max);
	pl_error_destroy(err);
	if (err)
		snprintf(buf, max, "?");
	return !err;
}

void pl_frame_slot_name(struct pl_runtime *rt, const struct pl_frame *f, uint64_t i, char *buf,
			size_t max)
{
	const struct pl_layout *l = &rt->layout;
	snprintf(buf, max, "?");
	if (!f->code)
		return;
	if (l->code_localsplusnames >= 0) {
		tuple_str(rt, pl_runtime_field(rt, f->code, l->code_localsplusnames), i, buf, max);
		return;
	}
	uint64_t names[3] = { pl_runtime_field(rt, f->code, l->code_varnames),
			      pl_runtime_field(rt, f->code, l->code_cellvars),
			      pl_runtime_field(rt, f->code, l->code_freevars) };
	for (int k = 0; k < 3; k++) {
		uint64_t n = k == 0 ? (uint64_t)read_i32(rt, f->code + (uint64_t)l->code_nlocals, 0)
				    : tuple_len(rt, names[k]);
		if (i < n) {
			tuple_str(rt, names[k], i, buf, max);
			return;
		}
		i -= n;
	}
}

void pl_code_freevar_name(struct pl_runtime *rt, uint64_t code, uint64_t i, char *buf,
			  size_t max)
{
	const struct pl_layout *l = &rt->layout;
	snprintf(buf, max, "?");
	if (l->code_freevars >= 0) {
		tuple_str(rt, pl_runtime_field(rt, code, l->code_freevars), i, buf, max);
		return;
	}
	/* 3.11+: the free variables are the last co_nfreevars of co_localsplusnames */
	int32_t nfree = read_i32(rt, code + (uint64_t)l->code_nfreevars, -1);
	uint64_t names = pl_runtime_field(rt, code, l->code_localsplusnames), n = tuple_len(rt, names);
	if (nfree < 0 || (uint64_t)nfree > n || i >= (uint64_t)nfree)
		return;
	tuple_str(rt, names, n - (uint64_t)nfree + i, buf, max);
}

/* Read the bytes object at ADDR: *LEN_RET bytes, caller frees; NULL if unreadable. */
static uint8_t *read_bytes(struct pl_runtime *rt, uint64_t addr, size_t *len_ret)
{
	uint64_t n;
	if (!addr || !pl_target_u64(rt->target, addr + (uint64_t)rt->layout.varobject_size, &n) ||
	    n > MAX_LINETABLE)
		return NULL;
	int64_t sval = rt->layout.bytes_sval >= 0 ? rt->layout.bytes_sval : rt->layout.string_sval; /* 2.7: str */
	uint8_t *buf = malloc(n ? n : 1);
	if (buf && n && !pl_target_read_ok(rt->target, addr + (uint64_t)sval, buf, n)) {
		free(buf);
		return NULL;
	}
	*len_ret = (size_t)n;
	return buf;
}

/* co_lnotab (2.7, 3.6 - 3.9): (address increment, line increment) byte pairs; the line
 * increment is signed from 3.6 (SIGNED). */
static int line_from_lnotab(const uint8_t *t, size_t n, int line, int64_t lasti, bool is_signed)
{
	int64_t addr = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		addr += t[i];
		if (addr > lasti)
			break;
		line += is_signed ? (int8_t)t[i + 1] : t[i + 1];
	}
	return line;
}

/* co_linetable of 3.10 (PEP 626): (byte length, signed line delta; -128: no line) pairs. */
static int line_from_pep626(const uint8_t *t, size_t n, int line, int64_t lasti)
{
	int64_t addr = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		int8_t delta = (int8_t)t[i + 1];
		if (delta != -128)
			line += delta;
		if (lasti >= addr && lasti < addr + t[i])
			return delta == -128 ? 0 : line;
		addr += t[i];
	}
	return line;
}

/* A varint of the location table: 6 bits a byte, bit 6 says more follow. */
static uint64_t varint(const uint8_t *t, size_t n, size_t *i)
{
	uint64_t v = 0;
	for (unsigned shift = 0; *i < n && shift < 64; shift += 6) {
		uint8_t b = t[(*i)++];
		v |= (uint64_t)(b & 63) << shift;
		if (!(b & 64))
			break;
	}
	return v;
}

static int64_t svarint(const uint8_t *t, size_t n, size_t *i)
{
	uint64_t v = varint(t, n, i);
	return v & 1 ? -(int64_t)(v >> 1) : (int64_t)(v >> 1);
}

/* The location table (3.11+): entries of 1 to 8 code units, each with a line delta. */
static int line_from_locations(const uint8_t *t, size_t n, int line, int64_t lasti)
{
	int64_t unit = lasti / 2, addr = 0;
	size_t i = 0;
	while (i < n) {
		uint8_t first = t[i++];
		if (!(first & 0x80))
			return 0; /* not at an entry: a broken table */
		int code = (first >> 3) & 15, len = (first & 7) + 1;
		bool has_line = true;
		if (code == 15) {
			has_line = false;
		} else if (code == 14) {
			line += (int)svarint(t, n, &i);
			varint(t, n, &i), varint(t, n, &i), varint(t, n, &i);
		} else if (code == 13) {
			line += (int)svarint(t, n, &i);
		} else if (code >= 10) {
			line += code - 10;
			i += 2;
		} else {
			i += 1;
		}
		if (unit >= addr && unit < addr + len)
			return has_line ? line : 0;
		addr += len;
	}
	return line;
}

int pl_code_line(struct pl_runtime *rt, uint64_t code, int64_t lasti)
{
	const struct pl_layout *l = &rt->layout;
	int first = read_i32(rt, code + (uint64_t)l->code_firstlineno, 0);
	if (lasti < 0)
		return first;
	size_t n = 0;
	uint8_t *t = read_bytes(rt, pl_runtime_field(rt, code, l->code_lnotab >= 0 ? l->code_lnotab
									 : l->code_linetable), &n);
	if (!t)
		return 0;
	int line = l->code_lnotab >= 0 ? line_from_lnotab(t, n, first, lasti, l->version_hex >= 0x03000000)
		 : l->code_code_adaptive < 0 ? line_from_pep626(t, n, first, lasti)
					       : line_from_locations(t, n, first, lasti);
	free(t);
	return line;
}

void pl_frame_where(struct pl_runtime *rt, const struct pl_frame *f, char *func, size_t func_max,
		    char *file, size_t file_max, int *line)
{
	const struct pl_layout *l = &rt->layout;
	snprintf(func, func_max, "?");
	snprintf(file, file_max, "?");
	*line = 0;
	if (!f->code)
		return;
	uint64_t name = pl_runtime_field(rt, f->code, l->code_qualname >= 0 ? l->code_qualname : l->code_name);
	pl_py_str_or(rt, name, func, func_max, "?");
	pl_py_str_or(rt, pl_runtime_field(rt, f->code, l->code_filename), file, file_max, "?");
	*line = pl_code_line(rt, f->code, f->lasti);
}
