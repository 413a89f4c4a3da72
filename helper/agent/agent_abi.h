/* SPDX-License-Identifier: MIT */
/* agent_abi.h - what libpyleaks (in gdb) and the in-process agent (libpyleaks-agent.so, loaded
 * into the stopped process) exchange. gdb writes a request into a buffer it maps in the
 * process, calls pyleaks_agent_run(request) there, reads the request back (its "out" fields)
 * and the output the agent mapped, then calls pyleaks_agent_release(request). Plain fixed-size
 * fields only: the two sides are separate builds, and neither trusts the other's numbers.
 *
 * The output, in the agent's own mapping, all uint64_t:
 *   PL_AGENT_EDGES: for each object it traversed, its address, the number of references its
 *     tp_traverse visited, and their addresses;
 *   PL_AGENT_CENSUS: for each object, tracked ones first (in list order) then the untracked
 *     ones their references reach, three words: its address, its type's address with the
 *     generation in the low three bits (PL_AGENT_UNTRACKED for an untracked one), and its size
 *     (sys.getsizeof). With "tally" set, only the first list_max objects of each type have a
 *     record (in the order found), and a struct pl_agent_tally per type follows the records
 *     (at out + tallies_at): the census of a process without a record per object. Either way
 *     the set of untracked objects found stays mapped until release, for gdb's side to ask
 *     whether an object was counted (seen.h: a bitmap per 256 KiB of addresses, found through
 *     a hash table of struct pl_agent_seen_slot at seen_slots, seen_cap of them). */
#ifndef PL_AGENT_ABI_H
#define PL_AGENT_ABI_H

#include <stdint.h>

#define PL_AGENT_MAGIC 0x3151455241594c50ull /* "PLYAREQ1" */
#define PL_AGENT_ABI 4

enum {
	PL_AGENT_MAX_LISTS = 64,      /* GC list heads: 4 per interpreter */
	PL_AGENT_MESSAGE = 128,
	PL_AGENT_BUILTINS = 16,       /* builtin types with a __sizeof__ of their own */
	PL_AGENT_EXTRAS = 16,         /* types whose objects hold more than their tp_traverse says */
	PL_AGENT_EXTRA_FIELDS = 16,
	PL_AGENT_UNTRACKED = 4,       /* the "generation" of an untracked object's record */
};

enum pl_agent_task {
	PL_AGENT_EDGES = 1,           /* the references of the objects of some types */
	PL_AGENT_CENSUS = 2,          /* every object, tracked and untracked, with its size */
};

/* Census: the fields (offsets) an object of TYPE holds that its tp_traverse does not visit,
 * or for TYPE 0 those of every heap type object (a class's name, qualname, __slots__, ...). */
struct pl_agent_extra {
	uint64_t type;
	uint64_t nfields;
	int64_t fields[PL_AGENT_EXTRA_FIELDS];
};

/* Census with "tally": the objects of one type, per generation (0..3, PL_AGENT_UNTRACKED). */
struct pl_agent_tally {
	uint64_t type;
	uint64_t count[PL_AGENT_UNTRACKED + 1];
	uint64_t size[PL_AGENT_UNTRACKED + 1];
};

/* Census: a slot of the hash table of the seen set's bitmaps (seen.h). */
struct pl_agent_seen_slot {
	uint64_t span;                      /* (address >> PL_AGENT_SEEN_SHIFT) + 1; 0: empty */
	uint64_t bits;                      /* its bitmap: a bit per 8 bytes, 512 words */
};
#define PL_AGENT_SEEN_SHIFT 18

/* Where the seen set keeps ADDR (a multiple of 8): the span its bitmap covers (the key of
 * its slot), the word of that bitmap and the bit of that word. */
static inline uint64_t pl_agent_seen_span(uint64_t addr)
{
	return (addr >> PL_AGENT_SEEN_SHIFT) + 1;
}

static inline uint64_t pl_agent_seen_word(uint64_t addr)
{
	return (addr & ((UINT64_C(1) << PL_AGENT_SEEN_SHIFT) - 1)) >> 9;
}

static inline uint64_t pl_agent_seen_bit(uint64_t addr)
{
	return UINT64_C(1) << ((addr >> 3) & 63);
}

/* The seen set's slot where the search for SPAN starts (open addressing, linear probing), in a
 * table of CAP slots (a power of two). */
static inline uint64_t pl_agent_seen_slot_of(uint64_t span, uint64_t cap)
{
	return ((span * UINT64_C(0x9E3779B97F4A7C15)) >> 40) & (cap - 1);
}

enum pl_agent_status {
	PL_AGENT_OK = 0,
	PL_AGENT_BAD_REQUEST = -1,    /* wrong magic, ABI or numbers */
	PL_AGENT_NO_MEMORY = -2,      /* mmap or mremap failed */
	PL_AGENT_LIST_BROKEN = -3,    /* a list did not come back to its head in time */
	PL_AGENT_TOO_MANY = -4,       /* more untracked objects than the process's memory holds */
};

struct pl_agent_request {
	uint64_t magic, abi;
	/* in: what to walk */
	uint64_t nlists;
	uint64_t lists[PL_AGENT_MAX_LISTS]; /* addresses of the GC list heads (bare PyGC_Head) */
	uint64_t gc_head_size;              /* from a PyGC_Head to its object */
	uint64_t gc_next_mask;              /* the bits of _gc_next that are the address */
	uint64_t ob_type;                   /* offsetof(PyObject, ob_type) */
	uint64_t tp_traverse;               /* offsetof(PyTypeObject, tp_traverse) */
	uint64_t max_objects;               /* per list: more means the list is broken */
	uint64_t all;                       /* 1: traverse every object; 0: those whose type is in */
	uint64_t ntypes, types_offset;      /* a sorted array of type addresses at request +
					     * types_offset, ntypes long */
	uint64_t task;                      /* enum pl_agent_task */
	/* in, census: how to size objects and find what they hold */
	uint64_t layout_size, layout_hash;  /* of struct pl_layout (layout.h): both builds' */
	uint64_t layout_offset;             /* the target's struct pl_layout, at request + it */
	uint64_t nbuiltins;
	struct { uint64_t type, kind; } builtins[PL_AGENT_BUILTINS]; /* enum pl_size_kind */
	uint64_t nextras;
	struct pl_agent_extra extras[PL_AGENT_EXTRAS];
	uint64_t nroots, roots_offset;      /* what the roots (threads' frames, interpreters,
					     * static types) hold: addresses at request + it */
	uint64_t max_untracked;             /* more means something loops */
	uint64_t tuple_type, tuple_traverse; /* &PyTuple_Type and its tp_traverse */
	uint64_t tally, list_max;           /* 1: tallies per type, and records of the first
					     * list_max objects of each type only */
	/* out: what the agent did */
	int64_t status;                     /* enum pl_agent_status */
	uint64_t out, out_used, out_mapped; /* the output mapping: address, bytes written, mapped */
	uint64_t objects, edges;            /* records and references in the output */
	uint64_t tracked, untracked;        /* census: the records of each */
	uint64_t counts[PL_AGENT_MAX_LISTS]; /* objects on each list */
	uint64_t ntallies, tallies_at;      /* census with tally: the tallies, at out + tallies_at */
	uint64_t seen_slots, seen_cap;      /* census: the seen set, until release */
	uint64_t seen_slabs;                /* ... and the mappings its bitmaps are cut from */
	char message[PL_AGENT_MESSAGE];
};

#endif
