/* SPDX-License-Identifier: MIT */
/* api.c - the public pyleaks_* functions: sessions, targets and reports. The only place where
 * internal struct pl_error values become public codes and messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_abi.h"
#include "base/internal.h"
#include "base/strbuf.h"
#include "graph/dominators.h"
#include "graph/graph.h"
#include "graph/paths.h"
#include "graph/suspects.h"
#include "heap/heap.h"
#include "heap/snapshot.h"
#include "heap/type_names.h"
#include "pyleaks.h"
#include "refs/agent_census.h"
#include "refs/refs.h"
#include "refs/roots.h"
#include "report/report.h"
#include "report/steps.h"
#include "runtime/runtime.h"
#include "target/target.h"

struct pyleaks {
	struct pl_target *target;
	struct pl_runtime *runtime;
	struct pl_heap *heap;
	struct pl_refs *refs;     /* the decoder, once the heap's objects are indexed */
	/* built on the first referrers query, kept for the next ones: */
	struct pl_roots *roots;
	struct pl_graph *graph;
	struct pl_reach *reach;
	struct pl_labels *labels;
	struct pl_dominators *dominators; /* built on the first report that needs them */
	struct pl_suspects *suspects;
	struct pl_agent_edges *agent; /* in-process mode: what the agent's tp_traverse calls found */
	struct pl_heap *bare;     /* the heap without its objects, for the in-process census */
	bool counted;             /* the heap is the in-process census's: untracked objects too */
	bool tally_asked;         /* the last census request was for tallies */
	uint64_t agent_objects;   /* records of the agent's last task */
	char *errmsg;
	char *warnings;       /* target warnings + heap warnings */
	pyleaks_progress_fn *progress;
	void *progress_arg;
	char *debug_dir;      /* where separate debug files are looked for, or NULL */
	struct pl_extra_list extra[PL_MAX_EXTRA_LISTS]; /* GC lists a debugger found */
	size_t nextra;
};

/* Record ERR (consumed) as the session's last error; returns its public code. */
static int api_fail(struct pyleaks *pl, struct pl_error *err)
{
	if (!err)
		return PYLEAKS_OK;
	free(pl->errmsg);
	pl->errmsg = strdup(err->code == PL_ERR_NOMEM ? "out of memory" : err->message);
	int code = (int)err->code;
	pl_error_destroy(err);
	return code;
}

PYLEAKS_API struct pyleaks *pyleaks_create(void)
{
	return calloc(1, sizeof(struct pyleaks));
}

/* Drop the heap and everything computed from it (after an interrupted walk or graph build,
 * which may have added to the heap: nothing half-done is kept). */
static void api_drop_heap(struct pyleaks *pl)
{
	pl_suspects_destroy(pl->suspects);
	pl_dominators_destroy(pl->dominators);
	pl_labels_destroy(pl->labels);
	pl_reach_destroy(pl->reach);
	pl_graph_destroy(pl->graph);
	pl_roots_destroy(pl->roots);
	pl_refs_destroy(pl->refs);
	pl_agent_edges_destroy(pl->agent);
	pl_heap_destroy(pl->heap);
	pl_heap_destroy(pl->bare);
	pl->bare = NULL;
	pl->counted = false;
	pl->suspects = NULL;
	pl->dominators = NULL;
	pl->labels = NULL;
	pl->reach = NULL;
	pl->graph = NULL;
	pl->roots = NULL;
	pl->refs = NULL;
	pl->agent = NULL;
	pl->heap = NULL;
	if (pl->target) /* the agent's answers went with the heap */
		pl->target->mode = "read-only";
}

PYLEAKS_API void pyleaks_destroy(struct pyleaks *pl)
{
	if (!pl)
		return;
	api_drop_heap(pl);
	pl_runtime_destroy(pl->runtime);
	pl_target_destroy(pl->target);
	free(pl->errmsg);
	free(pl->warnings);
	free(pl->debug_dir);
	free(pl);
}

PYLEAKS_API const char *pyleaks_errmsg(const struct pyleaks *pl)
{
	return pl && pl->errmsg ? pl->errmsg : "";
}

PYLEAKS_API const char *pyleaks_warnings(const struct pyleaks *pl)
{
	return pl ? pl->warnings : NULL;
}

PYLEAKS_API void pyleaks_free(void *p)
{
	free(p);
}

PYLEAKS_API void pyleaks_set_progress(struct pyleaks *pl, pyleaks_progress_fn *fn, void *arg)
{
	if (!pl)
		return;
	pl->progress = fn;
	pl->progress_arg = arg;
}

PYLEAKS_API int pyleaks_set_debug_dir(struct pyleaks *pl, const char *dir)
{
	if (!pl)
		return PYLEAKS_EUSAGE;
	char *copy = dir && dir[0] ? strdup(dir) : NULL;
	if (dir && dir[0] && !copy)
		return api_fail(pl, &pl_enomem);
	free(pl->debug_dir);
	pl->debug_dir = copy;
	return PYLEAKS_OK;
}

PYLEAKS_API int pyleaks_add_gc_list(struct pyleaks *pl, uint64_t head, int generation,
				    const char *what)
{
	if (!pl)
		return PYLEAKS_EUSAGE;
	if (!pl->runtime || pl->heap || pl->nextra == PL_MAX_EXTRA_LISTS || !head || head % 8 ||
	    generation < 0 || generation > 2)
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "pyleaks_add_gc_list: %s",
						    !pl->runtime ? "no target is open"
						    : pl->heap ? "the heap was walked already"
						    : pl->nextra == PL_MAX_EXTRA_LISTS ? "too many lists"
										       : "a bad head or generation"));
	struct pl_extra_list *x = &pl->extra[pl->nextra++];
	x->head = head;
	x->gen = generation;
	snprintf(x->what, sizeof(x->what), "%s", what ? what : "a list of its own");
	return PYLEAKS_OK;
}

PYLEAKS_API const char *pyleaks_python_version(const struct pyleaks *pl)
{
	return pl && pl->runtime ? pl->runtime->version : NULL;
}

static void api_add_warnings(struct pyleaks *pl, const char *w)
{
	if (w && w[0])
		pl_text_add_line(&pl->warnings, "%s", w);
}

/* Common tail of the open calls: find the runtime in the new target. */
static int api_opened(struct pyleaks *pl, struct pl_error *err, struct pl_target *t)
{
	if (err)
		return api_fail(pl, err);
	pl->target = t;
	api_add_warnings(pl, t->warnings);
	err = pl_runtime_create(t, pl->debug_dir, &pl->runtime);
	if (!err)
		api_add_warnings(pl, pl->runtime->warnings);
	return api_fail(pl, err);
}

static struct pl_error *api_check_fresh(struct pyleaks *pl)
{
	if (!pl)
		return pl_error_create(PL_ERR_USAGE, "no session");
	if (pl->target)
		return pl_error_create(PL_ERR_USAGE, "this session already has a target");
	return NULL;
}

PYLEAKS_API int pyleaks_open_core(struct pyleaks *pl, const char *core, const char *exe,
				  const char *sysroot)
{
	struct pl_error *err = api_check_fresh(pl);
	if (!err && (!core || !core[0]))
		err = pl_error_create(PL_ERR_USAGE, "no core file given");
	if (err)
		return pl ? api_fail(pl, err) : PYLEAKS_EUSAGE;
	struct pl_target *t = NULL;
	err = pl_target_core_create(core, exe && exe[0] ? exe : NULL,
				    sysroot && sysroot[0] ? sysroot : NULL, &t);
	return api_opened(pl, err, t);
}

PYLEAKS_API int pyleaks_open_pid(struct pyleaks *pl, int pid, const char *sysroot)
{
	struct pl_error *err = api_check_fresh(pl);
	if (err)
		return pl ? api_fail(pl, err) : PYLEAKS_EUSAGE;
	struct pl_target *t = NULL;
	err = pl_target_pid_create(pid, sysroot && sysroot[0] ? sysroot : NULL, &t);
	return api_opened(pl, err, t);
}

PYLEAKS_API int pyleaks_open_remote(struct pyleaks *pl, const char *description, const char *maps,
				    uint64_t at_phdr, pyleaks_read_fn read, void *arg, const char *sysroot)
{
	struct pl_error *err = api_check_fresh(pl);
	if (err)
		return pl ? api_fail(pl, err) : PYLEAKS_EUSAGE;
	struct pl_target *t = NULL;
	err = pl_target_remote_create(description, maps, at_phdr, read, arg,
				      sysroot && sysroot[0] ? sysroot : NULL, &t);
	return api_opened(pl, err, t);
}

/* Walk the heap once per session. */
static struct pl_error *api_heap(struct pyleaks *pl)
{
	if (!pl->runtime)
		return pl_error_create(PL_ERR_USAGE, "no Python target is open");
	if (pl->heap)
		return NULL;
	struct pl_error *err = pl_heap_create(pl->runtime, pl->extra, pl->nextra, pl->progress,
					      pl->progress_arg, &pl->heap);
	if (!err)
		api_add_warnings(pl, pl->heap->warnings);
	if (err && err->code == PL_ERR_INTERRUPTED)
		api_drop_heap(pl);
	return err;
}

/* The heap walked, its objects indexed, and a decoder for it. A census's tallies do not do:
 * the heap is walked afresh. */
static struct pl_error *api_refs(struct pyleaks *pl)
{
	if (pl->heap && !pl_heap_listed(pl->heap))
		api_drop_heap(pl);
	struct pl_error *err = api_heap(pl);
	if (err || pl->refs)
		return err;
	if ((err = pl_heap_index_objects(pl->heap)))
		return err;
	return pl_refs_create(pl->runtime, pl->heap, &pl->refs);
}

/* The heap without its objects (the collector's state, the interpreters), once. */
static struct pl_error *api_bare(struct pyleaks *pl)
{
	if (!pl->runtime)
		return pl_error_create(PL_ERR_USAGE, "no Python target is open");
	return pl->bare ? NULL : pl_heap_create_bare(pl->runtime, &pl->bare);
}

/* May the agent be called into this session's process? HEAP says whether a collection runs. */
static struct pl_error *api_agent_allowed(const struct pyleaks *pl, const struct pl_heap *heap)
{
	if (pl->target->kind != PL_TARGET_PID)
		return pl_error_create(PL_ERR_USAGE, "the in-process agent runs in a live local process "
					 "only, not in %s", pl->target->description);
	if (heap->collecting)
		return pl_error_create(PL_ERR_USAGE, "a garbage collection is in progress (its lists "
					 "are being moved): not a point to call into the process");
	return NULL;
}

/* The in-process census's request: before the heap is walked (or after a census of tallies
 * alone, for one that lists every object). */
static struct pl_error *api_census_request(struct pyleaks *pl, bool tally, uint8_t **bytes,
					   size_t *len)
{
	if (pl->heap && !pl_heap_listed(pl->heap) && !tally)
		api_drop_heap(pl);
	struct pl_error *err = pl->heap ? pl_error_create(PL_ERR_USAGE, "the in-process census "
							    "comes before the heap is walked")
					: api_bare(pl);
	if (!err)
		err = api_agent_allowed(pl, pl->bare);
	pl->tally_asked = tally;
	return err ? err : pl_agent_census_request(pl->runtime, pl->bare, tally, bytes, len);
}

/* The agent's result, OBJECTS of them, is the session's: its reports say "in-process". */
static int api_agent_taken(struct pyleaks *pl, uint64_t objects)
{
	pl->agent_objects = objects;
	pl->target->mode = "in-process";
	return PYLEAKS_OK;
}

PYLEAKS_API int pyleaks_agent_request(struct pyleaks *pl, int flags, char **bytes, size_t *len)
{
	if (!pl || !bytes || !len)
		return PYLEAKS_EUSAGE;
	*bytes = NULL;
	*len = 0;
	if (flags & PYLEAKS_AGENT_CENSUS) {
		uint8_t *req = NULL;
		struct pl_error *err = api_census_request(pl, (flags & PYLEAKS_AGENT_TALLY) != 0, &req, len);
		if (err)
			return api_fail(pl, err);
		*bytes = (char *)req;
		return PYLEAKS_OK;
	}
	struct pl_error *err = api_refs(pl);
	if (!err && (pl->graph || pl->agent))
		err = pl_error_create(PL_ERR_USAGE, "the in-process agent must run before the first "
					"report of a session, once");
	if (!err)
		err = api_agent_allowed(pl, pl->heap);
	uint8_t *req = NULL;
	if (!err)
		err = pl_agent_request_build(pl->runtime, pl->heap, pl->refs->types,
					     (flags & PYLEAKS_AGENT_ALL) != 0, &req, len);
	if (err)
		return api_fail(pl, err);
	*bytes = (char *)req;
	return PYLEAKS_OK;
}

PYLEAKS_API int pyleaks_agent_result(struct pyleaks *pl, uint64_t request)
{
	if (!pl)
		return PYLEAKS_EUSAGE;
	struct pl_agent_request req;
	struct pl_error *err = pl->runtime ? NULL : pl_error_create(PL_ERR_USAGE, "no Python target is open");
	uint8_t *out = NULL;
	if (!err)
		err = pl_target_read_fresh(pl->target, request, &req, sizeof(req), "the agent's request");
	if (!err && req.task == PL_AGENT_CENSUS) { /* its records are read a chunk at a time */
		err = pl->bare && !pl->heap ? pl_agent_census_take(pl->runtime, pl->bare, pl->tally_asked,
								  &req, sizeof(req))
					    : pl_error_create(PL_ERR_USAGE, "no census was asked for");
		if (err) { /* nothing half-counted is kept: the next walk starts afresh */
			pl_heap_destroy(pl->bare);
			pl->bare = NULL;
			return api_fail(pl, err);
		}
		pl->heap = pl->bare;
		pl->bare = NULL;
		pl->counted = true;
		api_add_warnings(pl, pl->heap->warnings);
		return api_agent_taken(pl, req.tracked + req.untracked);
	}
	if (!err && !(err = api_refs(pl)) && (pl->graph || pl->agent))
		err = pl_error_create(PL_ERR_USAGE, "the in-process agent's result comes before the "
					"first report of a session, once");
	/* the output's size is the process's word: no more than its memory could hold */
	if (!err && req.status == PL_AGENT_OK &&
	    (req.out_used > req.out_mapped || req.out_used > pl_target_memory_size(pl->target) + (1u << 30)))
		err = pl_error_create(PL_ERR_BAD_DATA, "the in-process agent says it wrote %llu bytes",
				      (unsigned long long)req.out_used);
	if (!err && req.status == PL_AGENT_OK && req.out_used &&
	    !(out = malloc(req.out_used)))
		err = &pl_enomem;
	if (!err && out)
		err = pl_target_read_fresh(pl->target, req.out, out, req.out_used, "the agent's output");
	size_t used = req.status == PL_AGENT_OK ? req.out_used : 0;
	if (!err)
		err = pl_agent_edges_create(pl->heap, &req, sizeof(req), out, used, &pl->agent);
	if (!err)
		pl->refs->agent = pl->agent;
	free(out);
	return err ? api_fail(pl, err) : api_agent_taken(pl, req.objects);
}

PYLEAKS_API int pyleaks_gc_collecting(struct pyleaks *pl, int *collecting)
{
	if (!pl || !collecting)
		return PYLEAKS_EUSAGE;
	struct pl_error *err = pl->heap ? NULL : api_bare(pl); /* the lists are not needed */
	if (err)
		return api_fail(pl, err);
	const struct pl_heap *h = pl->heap ? pl->heap : pl->bare;
	*collecting = h->gc.collecting < 0 ? -1 : h->collecting != 0;
	return PYLEAKS_OK;
}

PYLEAKS_API const char *pyleaks_mode(const struct pyleaks *pl)
{
	return pl && pl->target ? pl->target->mode : NULL;
}

PYLEAKS_API int pyleaks_agent_stats(const struct pyleaks *pl, uint64_t *objects, uint64_t *edges)
{
	if (!pl || (!pl->agent && !pl->counted))
		return PYLEAKS_EUSAGE;
	if (objects)
		*objects = pl->agent_objects;
	if (edges)
		*edges = pl->agent ? pl->agent->edges : 0;
	return PYLEAKS_OK;
}

static int graph_progress(void *arg, uint64_t objects)
{
	struct pyleaks *pl = arg;
	return pl->progress ? pl->progress(pl->progress_arg, objects, PYLEAKS_PHASE_GRAPH) : 0;
}

/* The roots, the reference graph and the reach from the roots, once per session. */
static struct pl_error *api_graph(struct pyleaks *pl)
{
	struct pl_error *err = api_refs(pl);
	if (err || pl->labels)
		return err;
	if (!pl->roots && !(err = pl_roots_create(pl->refs, pl->heap, NULL, 0, &pl->roots)))
		api_add_warnings(pl, pl->roots->warnings);
	if (!err && !pl->graph) {
		err = pl_graph_create(pl->refs, pl->heap, pl->roots, graph_progress, pl, &pl->graph);
		if (err && err->code == PL_ERR_INTERRUPTED) {
			api_drop_heap(pl);
			return err;
		}
		if (!err && pl->graph->unreadable)
			pl_text_add_line(&pl->warnings, "the references of %llu objects could not be "
					 "read (a broken heap?): chains through them and what they retain "
					 "may be missing", (unsigned long long)pl->graph->unreadable);
	}
	if (!err && !pl->reach)
		err = pl_reach_create(pl->runtime, pl->graph, &pl->reach);
	if (!err)
		err = pl_labels_create(pl->refs, pl->graph, &pl->labels);
	return err;
}

/* The census: every object, the untracked ones too (the in-process census has them all; the
 * read-only path finds them building the graph); LISTED: each in the table, not only counted
 * in a tally of the in-process census. */
static struct pl_error *api_census(struct pyleaks *pl, bool listed)
{
	return pl->counted && (!listed || pl_heap_listed(pl->heap)) ? NULL : api_graph(pl);
}

/* The graph and its dominator tree, once per session. */
static struct pl_error *api_dominators(struct pyleaks *pl)
{
	struct pl_error *err = api_graph(pl);
	if (err || pl->dominators)
		return err;
	return pl_dominators_create(pl->runtime, pl->graph, pl->reach, &pl->dominators);
}

static bool api_format_ok(enum pyleaks_format format, bool dot)
{
	return format == PYLEAKS_TEXT || format == PYLEAKS_JSON || (dot && format == PYLEAKS_DOT);
}

PYLEAKS_API int pyleaks_refs_report(struct pyleaks *pl, enum pyleaks_format format,
				    uint64_t address, char **out)
{
	if (!pl || !out)
		return PYLEAKS_EUSAGE;
	*out = NULL;
	if (!api_format_ok(format, false))
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "unknown report format %d", format));
	struct pl_error *err = api_refs(pl);
	if (err)
		return api_fail(pl, err);
	return api_fail(pl, pl_report_refs(pl->refs, pl->target->description, address,
					   (enum pl_format)format, out));
}

PYLEAKS_API int pyleaks_referrers_report(struct pyleaks *pl, enum pyleaks_format format,
					 uint64_t address, const char *type_name, int max_depth,
					 int max_chains, int max_fan_in, char **out)
{
	if (!pl || !out)
		return PYLEAKS_EUSAGE;
	*out = NULL;
	if (!api_format_ok(format, true))
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "unknown report format %d", format));
	if (max_depth <= 0 || max_chains <= 0 || max_fan_in <= 0)
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "depth, chain and fan-in counts "
								  "must be > 0"));
	struct pl_error *err = api_graph(pl);
	if (err)
		return api_fail(pl, err);
	struct pl_referrers_options o = { (enum pl_format)format, (unsigned)max_depth,
					  (unsigned)max_chains, (unsigned)max_fan_in };
	if (type_name && type_name[0])
		return api_fail(pl, pl_report_type_referrers(pl->labels, pl->reach,
							     pl->target->description, type_name, &o,
							     out));
	return api_fail(pl, pl_report_referrers(pl->labels, pl->reach, pl->target->description,
						address, &o, out));
}

PYLEAKS_API int pyleaks_graph_export(struct pyleaks *pl, const char *path, int flags)
{
	if (!pl || !path || !path[0])
		return pl ? api_fail(pl, pl_error_create(PL_ERR_USAGE, "no file to write to")) : PYLEAKS_EUSAGE;
	bool dom = flags & PYLEAKS_GRAPH_DOMINATORS;
	struct pl_error *err = dom ? api_dominators(pl) : api_graph(pl);
	if (!err)
		err = pl_graph_export(pl->labels, pl->reach, flags & PYLEAKS_GRAPH_LABELS,
				      dom ? pl->dominators : NULL, path);
	return api_fail(pl, err);
}

PYLEAKS_API int pyleaks_leaks_report(struct pyleaks *pl, enum pyleaks_format format, int top,
				     enum pyleaks_sort sort, const char *type_name, char **out)
{
	if (!pl || !out)
		return PYLEAKS_EUSAGE;
	*out = NULL;
	if (!api_format_ok(format, false))
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "unknown report format %d", format));
	if (sort != PYLEAKS_SORT_COUNT && sort != PYLEAKS_SORT_SIZE)
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "unknown sort order %d", sort));
	struct pl_error *err = api_census(pl, type_name && type_name[0]);
	if (err)
		return api_fail(pl, err);
	struct pl_leaks_options o = {
		.json = format == PYLEAKS_JSON,
		.top = top >= 0 ? top : (format == PYLEAKS_JSON ? 0 : 20),
		.by_size = sort == PYLEAKS_SORT_SIZE,
		.type_name = type_name && type_name[0] ? type_name : NULL,
	};
	return api_fail(pl, pl_report_leaks(pl->runtime, pl->heap, pl->target->description,
					    pl->warnings, &o, out));
}

PYLEAKS_API int pyleaks_suspects_report(struct pyleaks *pl, enum pyleaks_format format, int max,
					char **out)
{
	if (!pl || !out)
		return PYLEAKS_EUSAGE;
	*out = NULL;
	if (!api_format_ok(format, false))
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "unknown report format %d", format));
	if (max < 0)
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "the number of suspects must be >= 0"));
	struct pl_error *err = api_dominators(pl);
	if (!err && !pl->suspects)
		err = pl_suspects_find(pl->labels, pl->reach, pl->dominators, &pl->suspects);
	if (err)
		return api_fail(pl, err);
	struct pl_suspects_options o = { (enum pl_format)format, (unsigned)max };
	return api_fail(pl, pl_report_suspects(pl->labels, pl->reach, pl->suspects,
					       pl->target->description, pl->warnings, &o, out));
}

PYLEAKS_API int pyleaks_retained_report(struct pyleaks *pl, enum pyleaks_format format, int top,
					char **out)
{
	if (!pl || !out)
		return PYLEAKS_EUSAGE;
	*out = NULL;
	if (!api_format_ok(format, false))
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "unknown report format %d", format));
	if (top < 0)
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "the number of objects must be >= 0"));
	struct pl_error *err = api_dominators(pl);
	if (err)
		return api_fail(pl, err);
	struct pl_retained_options o = { (enum pl_format)format, (unsigned)top };
	return api_fail(pl, pl_report_retained(pl->labels, pl->reach, pl->dominators,
					       pl->target->description, &o, out));
}

PYLEAKS_API int pyleaks_type_names(struct pyleaks *pl, const char *prefix, char **out)
{
	if (!pl || !out)
		return PYLEAKS_EUSAGE;
	*out = NULL;
	struct pl_error *err = api_heap(pl);
	if (!err)
		err = pl_type_names_completing(pl->heap, prefix ? prefix : "", out);
	return api_fail(pl, err);
}

/* The public snapshot is the internal one. */
struct pyleaks_snapshot {
	struct pl_snapshot *s;
};

PYLEAKS_API int pyleaks_snapshot_take(struct pyleaks *pl, const char *name,
				      struct pyleaks_snapshot **ret)
{
	if (!pl || !ret)
		return PYLEAKS_EUSAGE;
	*ret = NULL;
	struct pyleaks_snapshot *snap = calloc(1, sizeof(*snap));
	struct pl_error *err = snap ? api_census(pl, true) : &pl_enomem;
	if (!err)
		err = pl_snapshot_take(pl->heap, name && name[0] ? name : "snapshot",
				       pl->target->description, pl->runtime->version, &snap->s);
	if (err) {
		free(snap);
		return api_fail(pl, err);
	}
	*ret = snap;
	return PYLEAKS_OK;
}

PYLEAKS_API int pyleaks_snapshot_save(struct pyleaks *pl, const struct pyleaks_snapshot *s,
				      const char *path)
{
	if (!pl || !s || !path || !path[0])
		return pl ? api_fail(pl, pl_error_create(PL_ERR_USAGE, "no snapshot or no file")) : PYLEAKS_EUSAGE;
	return api_fail(pl, pl_snapshot_save(s->s, path));
}

PYLEAKS_API int pyleaks_snapshot_load(struct pyleaks *pl, const char *path,
				      struct pyleaks_snapshot **ret)
{
	if (!pl || !ret || !path || !path[0])
		return pl ? api_fail(pl, pl_error_create(PL_ERR_USAGE, "no file to read")) : PYLEAKS_EUSAGE;
	*ret = NULL;
	struct pyleaks_snapshot *snap = calloc(1, sizeof(*snap));
	struct pl_error *err = snap ? pl_snapshot_load(path, &snap->s) : &pl_enomem;
	if (err) {
		free(snap);
		return api_fail(pl, err);
	}
	*ret = snap;
	return PYLEAKS_OK;
}

PYLEAKS_API const char *pyleaks_snapshot_name(const struct pyleaks_snapshot *s)
{
	return s ? s->s->name : NULL;
}

PYLEAKS_API uint64_t pyleaks_snapshot_objects(const struct pyleaks_snapshot *s)
{
	return s ? s->s->nobjects : 0;
}

PYLEAKS_API void pyleaks_snapshot_free(struct pyleaks_snapshot *s)
{
	if (!s)
		return;
	pl_snapshot_destroy(s->s);
	free(s);
}

PYLEAKS_API int pyleaks_growth_report(struct pyleaks *pl, struct pyleaks_snapshot *since,
				      enum pyleaks_format format, int top, const char *new_type,
				      char **out)
{
	if (!pl || !out)
		return PYLEAKS_EUSAGE;
	*out = NULL;
	if (!since)
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "no snapshot to compare with"));
	if (!api_format_ok(format, false))
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "unknown report format %d", format));
	if (top < 0)
		return api_fail(pl, pl_error_create(PL_ERR_USAGE, "the number of types must be >= 0"));
	struct pl_error *err = api_census(pl, true);
	if (err)
		return api_fail(pl, err);
	struct pl_growth_options o = { format == PYLEAKS_JSON, (unsigned)top,
				       new_type && new_type[0] ? new_type : NULL };
	return api_fail(pl, pl_report_growth(pl->runtime, pl->heap, since->s, pl->target->description,
					     &o, out));
}
