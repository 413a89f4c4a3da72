/* SPDX-License-Identifier: MIT */
/* pyleaks.c - the pyleaks command line: leak triage of a CPython core file (or a stopped live
 * process) without gdb. Parses options, calls libpyleaks, prints what it returns. */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "pyleaks.h"

static const char usage_main[] =
	"Usage: pyleaks COMMAND [OPTIONS]\n"
	"Find memory leaks in CPython core files and stopped processes, without running Python.\n"
	"\n"
	"Commands:\n"
	"  suspects  what leaks: ranked leak suspects, with the memory each retains and who\n"
	"            holds it\n"
	"  retained  the objects that retain most memory, with who holds each\n"
	"  leaks     census: every object by type (tracked and untracked), gc.garbage\n"
	"  refs      what one object holds: its outgoing references, labelled\n"
	"  referrers who keeps an object (or every instance of a type) alive: chains of\n"
	"            references from roots to it\n"
	"  graph     export the whole reference graph as JSON lines\n"
	"  snapshot  record every object (census and identity) to a file, to compare later\n"
	"  growth    what grew since a snapshot: per type the change and the new objects\n"
	"  diff      what grew between two cores of one process\n"
	"\n"
	"Run 'pyleaks COMMAND --help' for the options of a command.\n"
	"  -h, --help      show this help\n"
	"  -V, --version   show the version\n";

static const char usage_leaks[] =
	"Usage: pyleaks leaks CORE [OPTIONS]\n"
	"       pyleaks leaks --pid PID [OPTIONS]\n"
	"Census of the objects on the garbage collector's lists (every interpreter, every\n"
	"generation, the permanent one included): the types with the most instances or bytes,\n"
	"and the contents of gc.garbage.\n"
	"\n"
	"Options:\n"
	"  --exe PATH        the Python executable, when it is not where the core says\n"
	"  --sysroot DIR     look for every file the core names under DIR (core from another\n"
	"                    machine or a container)\n"
	"  --debug-dir DIR   where separate debug files are (default /usr/lib/debug); a\n"
	"                    directory with none makes pyleaks use its built-in layouts\n"
	"  --pid PID         read the stopped live process PID instead of a core\n"
	"  --top N           show the N biggest types (default 20; 0 = all)\n"
	"  --sort count|size order types by instance count (default) or shallow size\n"
	"  --type NAME       also list the address of every instance of type NAME\n"
	"                    (module.Qualname, e.g. __main__.Session, or dict, list, ...)\n"
	"  --json FILE|-     write the report as JSON (schema 1) to FILE, or to stdout for -\n"
	"  --progress        report progress on stderr (default when stderr is a terminal)\n"
	"  --stats           print time taken and memory used to stderr\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit status: 0 on success, 1 on error, 2 on bad usage.\n";

static const char usage_suspects[] =
	"Usage: pyleaks suspects CORE [OPTIONS]\n"
	"       pyleaks suspects --pid PID [OPTIONS]\n"
	"What leaks, ranked by the memory each suspect retains (what would be freed with it):\n"
	"  accumulation points: a container (dict, list, set, an object's attributes, ...) whose\n"
	"    many items of one kind retain most of what it holds, or a linked chain of one type;\n"
	"    the items' type is named (what a bound method's object or a tuple holds, for thin\n"
	"    wrappers), with the chain from a root down to the container;\n"
	"  unreachable cycles: objects no root reaches, grouped by their types, with finalizers\n"
	"    and why the collector has not freed them;\n"
	"  held from C: objects whose reference counts the heap does not explain, by type;\n"
	"  gc.garbage: by type, with why each is there.\n"
	"Memory is all of it: untracked objects (str, bytes, int, ...) are found by following\n"
	"references, and sizes are what sys.getsizeof says.\n"
	"\n"
	"Options:\n"
	"  --exe PATH, --sysroot DIR, --debug-dir DIR, --pid PID   as for pyleaks leaks\n"
	"  --max N           show at most N suspects that retain 1% of the heap or more (the\n"
	"                    first always; default 5); 0 shows every suspect\n"
	"  --json FILE|-     write the report as JSON (schema 1) to FILE, or to stdout for -\n"
	"  --progress        report progress on stderr (default when stderr is a terminal)\n"
	"  --stats           print time taken and memory used to stderr\n"
	"  -h, --help        show this help\n";

static const char usage_retained[] =
	"Usage: pyleaks retained CORE [OPTIONS]\n"
	"       pyleaks retained --pid PID [OPTIONS]\n"
	"The objects that retain most memory: what would be freed with each (every object whose\n"
	"every way from a root passes through it), biggest first, each with the objects it retains\n"
	"and its chain from a root (the dominator tree, as Eclipse MAT has it).\n"
	"\n"
	"Options:\n"
	"  --exe PATH, --sysroot DIR, --debug-dir DIR, --pid PID   as for pyleaks leaks\n"
	"  --top N           show the N biggest (default 20; 0 = all)\n"
	"  --json FILE|-     write the report as JSON (schema 1) to FILE, or to stdout for -\n"
	"  --progress        report progress on stderr (default when stderr is a terminal)\n"
	"  --stats           print time taken and memory used to stderr\n"
	"  -h, --help        show this help\n";

static const char usage_snapshot[] =
	"Usage: pyleaks snapshot CORE --save FILE [OPTIONS]\n"
	"       pyleaks snapshot --pid PID --save FILE [OPTIONS]\n"
	"Record the census and the identity (address and type) of every object, tracked or not,\n"
	"to FILE, for pyleaks growth (or py-leaks --since NAME --load FILE) to compare with later.\n"
	"\n"
	"Options:\n"
	"  --exe PATH, --sysroot DIR, --debug-dir DIR, --pid PID   as for pyleaks leaks\n"
	"  --save FILE       where to write the snapshot (required)\n"
	"  --name NAME       what to call it (default: snapshot)\n"
	"  -h, --help        show this help\n";

static const char usage_growth[] =
	"Usage: pyleaks growth CORE --since FILE [OPTIONS]\n"
	"       pyleaks growth --pid PID --since FILE [OPTIONS]\n"
	"       pyleaks diff CORE1 CORE2 [OPTIONS]\n"
	"What grew since a snapshot (pyleaks snapshot --save FILE), or between two cores of one\n"
	"process: per type, the count and size now, the change, and how many objects are new (not\n"
	"in the snapshot: another address, or another type there), most grown first. Nothing is\n"
	"collected or run in the target: the counts are what they are, not peaks.\n"
	"\n"
	"Options:\n"
	"  --exe PATH, --sysroot DIR, --debug-dir DIR, --pid PID   as for pyleaks leaks (diff:\n"
	"                    for both cores)\n"
	"  --since FILE      the snapshot to compare with (growth)\n"
	"  --top N           show the N types that grew most (default 20; 0 = all)\n"
	"  --new TYPE        also list the addresses of TYPE's new instances\n"
	"  --json FILE|-     write the report as JSON (schema 1) to FILE, or to stdout for -\n"
	"  -h, --help        show this help\n";

static const char usage_refs[] =
	"Usage: pyleaks refs CORE ADDRESS [OPTIONS]\n"
	"       pyleaks refs --pid PID ADDRESS [OPTIONS]\n"
	"The outgoing references of the object at ADDRESS (as pyleaks leaks --type lists them),\n"
	"each labelled with where it is held: [3] (list or tuple item), ['key'] (dict value),\n"
	"key 'key' (dict key), .attr (attribute or slot), local name (a frame's variable),\n"
	"__class__, __dict__, __closure__, ... An instance dict's entries are listed under it.\n"
	"Weak references are marked (weak); words of a C type pyleaks has no decoder for that\n"
	"hold a tracked object's address are marked (conservative).\n"
	"\n"
	"Options:\n"
	"  --exe PATH, --sysroot DIR, --debug-dir DIR, --pid PID   as for pyleaks leaks\n"
	"  --json FILE|-     write the references as JSON (schema 1) to FILE, or to stdout\n"
	"  -h, --help        show this help\n";

static const char usage_referrers[] =
	"Usage: pyleaks referrers CORE (ADDRESS... | --type NAME) [OPTIONS]\n"
	"       pyleaks referrers --pid PID (ADDRESS... | --type NAME) [OPTIONS]\n"
	"Who keeps the object at ADDRESS alive: chains of references from a root down to it,\n"
	"shortest first, each to a different root, every step labelled with where it is held\n"
	"(.attr, ['key'], [3], local name, __closure__). Roots: modules, the frames and state\n"
	"of every thread, interpreters, static types, and objects held from C (whose reference\n"
	"count is more than the heap explains). Referrers that only lead back into a chain\n"
	"(cold trails, cycles) are pruned and counted; with no chain, the nearest root is named\n"
	"or the object is said to be kept alive only by reference cycles.\n"
	"\n"
	"Options:\n"
	"  --type NAME       follow every instance of NAME instead, and merge their chains by\n"
	"                    shape (indexes as [*], repeated steps as one), most instances first\n"
	"  --depth N         follow chains at most N references long (default 16)\n"
	"  --max N           show at most N chains, or N shapes with --type (default 5)\n"
	"  --fan-in N        follow at most N referrers of any one object, those nearest a\n"
	"                    root (default 1000); the report says where this cut\n"
	"  --exe PATH, --sysroot DIR, --debug-dir DIR, --pid PID   as for pyleaks leaks\n"
	"  --json FILE|-     write the chains as JSON (schema 1) to FILE, or to stdout\n"
	"  --dot FILE|-      write the chains as a graphviz graph to FILE, or to stdout\n"
	"  --progress        report progress on stderr (default when stderr is a terminal)\n"
	"  --stats           print time taken and memory used to stderr\n"
	"  -h, --help        show this help\n"
	"\n"
	"Several addresses give a report each, from one reference graph (text output only).\n";

static const char usage_graph[] =
	"Usage: pyleaks graph CORE [OPTIONS]\n"
	"       pyleaks graph --pid PID [OPTIONS]\n"
	"Export the reference graph as JSON lines, to stdout or --json FILE: one line per\n"
	"object, tracked or not, {\"address\", \"type\", \"tracked\", \"size\" (sys.getsizeof),\n"
	"\"refcount\", \"refs\": [the objects it holds, once per reference]}, then one per root,\n"
	"{\"root\": kind, \"address\", \"refs\"}.\n"
	"\n"
	"Options:\n"
	"  --exe PATH, --sysroot DIR, --debug-dir DIR, --pid PID   as for pyleaks leaks\n"
	"  --labels          also give each reference's label (\"labels\": [...])\n"
	"  --dominators      also give each object's immediate dominator (\"idom\": its address,\n"
	"                    \"\" for a root, null if no root reaches it) and what it retains\n"
	"                    (\"retained\": bytes, \"retained_objects\")\n"
	"  --json FILE|-     where to write (default: stdout)\n"
	"  -h, --help        show this help\n";

static int progress(void *arg, uint64_t objects, int phase)
{
	(void)arg;
	static const char *const names[] = { "walked (generation 0)", "walked (generation 1)",
					     "walked (generation 2)", "walked (permanent generation)",
					     "read into the reference graph" };
	fprintf(stderr, "\rpyleaks: %llu objects %s...", (unsigned long long)objects,
		phase >= 0 && phase <= PYLEAKS_PHASE_GRAPH ? names[phase] : "?");
	fflush(stderr);
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line for benchmarks: phase times and this process's memory (anonymous = our own data;
 * file = pages of the mapped core and binaries). */
static void print_stats(double t0, double t1, double t2)
{
	long anon = -1, file = -1, hwm = -1;
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "RssAnon: %ld", &anon);
		sscanf(line, "RssFile: %ld", &file);
		sscanf(line, "VmHWM: %ld", &hwm);
	}
	if (f)
		fclose(f);
	fprintf(stderr,
		"pyleaks-stats: open %.3f s, report %.3f s, total %.3f s; rss_anon %ld KiB, "
		"rss_file %ld KiB, peak rss %ld KiB\n",
		t1 - t0, t2 - t1, t2 - t0, anon, file, hwm);
}

static int usage_error(const char *usage, const char *fmt, const char *arg)
{
	fprintf(stderr, "pyleaks: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n\n%s", usage);
	return 2;
}

static int parse_int(const char *s, long min, long max, long *ret)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*ret = v;
	return 0;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "pyleaks: error: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fputs(text, f);
	if (fclose(f) != 0) {
		fprintf(stderr, "pyleaks: error: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Options every command that reads a target takes. */
enum { O_EXE = 256, O_SYSROOT, O_PID, O_DEBUG_DIR, O_JSON, O_TOP, O_SORT, O_TYPE, O_PROGRESS,
       O_STATS, O_DEPTH, O_MAX, O_FAN_IN, O_DOT, O_LABELS, O_DOMINATORS, O_SAVE, O_NAME,
       O_SINCE, O_NEW };
#define TARGET_OPTIONS                                                \
	{ "exe", required_argument, NULL, O_EXE },                    \
	{ "sysroot", required_argument, NULL, O_SYSROOT },            \
	{ "pid", required_argument, NULL, O_PID },                    \
	{ "debug-dir", required_argument, NULL, O_DEBUG_DIR },        \
	{ "json", required_argument, NULL, O_JSON },                  \
	{ "help", no_argument, NULL, 'h' }

struct target_args {
	const char *core, *exe, *sysroot, *debug_dir, *json;
	long pid;
};

/* Handle option C if it is a target option: 1 handled, 0 not one, -1 bad value (reported). */
static int target_option(int c, const char *usage, struct target_args *a)
{
	switch (c) {
	case O_EXE: a->exe = optarg; return 1;
	case O_SYSROOT: a->sysroot = optarg; return 1;
	case O_DEBUG_DIR: a->debug_dir = optarg; return 1;
	case O_JSON: a->json = optarg; return 1;
	case O_PID:
		if (parse_int(optarg, 1, 1 << 30, &a->pid)) {
			usage_error(usage, "--pid needs a process id, not '%s'", optarg);
			return -1;
		}
		return 1;
	default: return 0;
	}
}

/* Check the target arguments once the options are parsed; returns 0 or a usage error (2). */
static int check_target(const char *usage, const struct target_args *a)
{
	if (!a->core && !a->pid)
		return usage_error(usage, "%s", "give a core file or --pid PID");
	if (a->core && a->pid)
		return usage_error(usage, "%s", "give a core file or --pid PID, not both");
	if (a->pid && a->exe)
		return usage_error(usage, "%s", "--exe is for core files");
	return 0;
}

static int open_target(struct pyleaks *pl, const struct target_args *a)
{
	if (a->debug_dir)
		pyleaks_set_debug_dir(pl, a->debug_dir);
	return a->core ? pyleaks_open_core(pl, a->core, a->exe, a->sysroot)
		       : pyleaks_open_pid(pl, (int)a->pid, a->sysroot);
}

/* Print TEXT, and write JS to the --json destination; returns the exit status. */
static int emit(const struct target_args *a, const char *text, const char *js)
{
	if (text)
		fputs(text, stdout);
	if (js && strcmp(a->json, "-") == 0)
		fputs(js, stdout);
	else if (js && write_file(a->json, js) != 0)
		return 1;
	return 0;
}

/* One report of the whole heap, as the command asked for it. */
struct report_args {
	enum { REPORT_LEAKS, REPORT_SUSPECTS, REPORT_RETAINED } what;
	long top;             /* leaks, retained: --top; suspects: --max */
	int sort;             /* leaks */
	const char *type_name; /* leaks */
};

static int report(struct pyleaks *pl, const struct report_args *r, enum pyleaks_format f, char **out)
{
	switch (r->what) {
	case REPORT_LEAKS:
		return pyleaks_leaks_report(pl, f, (int)r->top, r->sort, r->type_name, out);
	case REPORT_SUSPECTS:
		return pyleaks_suspects_report(pl, f, (int)r->top, out);
	default:
		return pyleaks_retained_report(pl, f, (int)r->top, out);
	}
}

/* Open the target A, make report R as text (unless JSON goes to stdout) and JSON (with
 * --json), print and write them; the exit status. */
static int run_report(const struct target_args *a, const struct report_args *r, int want_progress,
		      int want_stats)
{
	double t0 = now();
	struct pyleaks *pl = pyleaks_create();
	if (!pl) {
		fprintf(stderr, "pyleaks: error: out of memory\n");
		return 1;
	}
	if (want_progress)
		pyleaks_set_progress(pl, progress, NULL);
	int rc = open_target(pl, a);
	double t1 = now();
	char *text = NULL, *js = NULL;
	if (rc == PYLEAKS_OK && (!a->json || strcmp(a->json, "-") != 0))
		rc = report(pl, r, PYLEAKS_TEXT, &text);
	if (rc == PYLEAKS_OK && a->json)
		rc = report(pl, r, PYLEAKS_JSON, &js);
	if (want_progress)
		fprintf(stderr, "\r\033[K");
	int status = 1;
	if (rc != PYLEAKS_OK)
		fprintf(stderr, "pyleaks: error: %s\n", pyleaks_errmsg(pl));
	else
		status = emit(a, text, js);
	if (want_stats)
		print_stats(t0, t1, now());
	pyleaks_free(text);
	pyleaks_free(js);
	pyleaks_destroy(pl);
	return status;
}

/* pyleaks suspects (RETAINED false) and pyleaks retained: a ranked report of the whole heap. */
static int cmd_ranked(int argc, char **argv, bool retained)
{
	const char *usage = retained ? usage_retained : usage_suspects;
	static const struct option opts[] = {
		TARGET_OPTIONS,
		{ "max", required_argument, NULL, O_MAX },
		{ "top", required_argument, NULL, O_TOP },
		{ "progress", no_argument, NULL, O_PROGRESS },
		{ "stats", no_argument, NULL, O_STATS },
		{ NULL, 0, NULL, 0 },
	};
	struct target_args a = { 0 };
	long max = retained ? 20 : 5;
	int c, t, want_progress = isatty(STDERR_FILENO), want_stats = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if ((t = target_option(c, usage, &a)) != 0) {
			if (t < 0)
				return 2;
			continue;
		}
		switch (c) {
		case O_PROGRESS: want_progress = 1; break;
		case O_STATS: want_stats = 1; break;
		case O_MAX:
		case O_TOP:
			if ((c == O_MAX) == retained)
				return usage_error(usage, "unknown option %s", c == O_MAX ? "--max" : "--top");
			if (parse_int(optarg, 0, 1 << 30, &max))
				return usage_error(usage, retained ? "--top needs a number >= 0, not '%s'"
								   : "--max needs a number >= 0, not '%s'", optarg);
			break;
		case 'h': fputs(usage, stdout); return 0;
		case ':': return usage_error(usage, "option %s needs a value", argv[optind - 1]);
		default: return usage_error(usage, "unknown option %s", argv[optind - 1]);
		}
	}
	if (!a.pid && optind < argc)
		a.core = argv[optind++];
	if (optind < argc)
		return usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if ((t = check_target(usage, &a)))
		return t;
	struct report_args r = { retained ? REPORT_RETAINED : REPORT_SUSPECTS, max, 0, NULL };
	return run_report(&a, &r, want_progress, want_stats);
}

static int cmd_leaks(int argc, char **argv)
{
	static const struct option opts[] = {
		TARGET_OPTIONS,
		{ "top", required_argument, NULL, O_TOP },
		{ "sort", required_argument, NULL, O_SORT },
		{ "type", required_argument, NULL, O_TYPE },
		{ "progress", no_argument, NULL, O_PROGRESS },
		{ "stats", no_argument, NULL, O_STATS },
		{ NULL, 0, NULL, 0 },
	};
	struct target_args a = { 0 };
	const char *type_name = NULL;
	long top = -1;
	int sort = PYLEAKS_SORT_COUNT, c, t;
	int want_progress = isatty(STDERR_FILENO), want_stats = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if ((t = target_option(c, usage_leaks, &a)) != 0) {
			if (t < 0)
				return 2;
			continue;
		}
		switch (c) {
		case O_TYPE: type_name = optarg; break;
		case O_PROGRESS: want_progress = 1; break;
		case O_STATS: want_stats = 1; break;
		case O_TOP:
			if (parse_int(optarg, 0, 1 << 30, &top))
				return usage_error(usage_leaks, "--top needs a number >= 0, not '%s'", optarg);
			break;
		case O_SORT:
			if (strcmp(optarg, "count") == 0)
				sort = PYLEAKS_SORT_COUNT;
			else if (strcmp(optarg, "size") == 0)
				sort = PYLEAKS_SORT_SIZE;
			else
				return usage_error(usage_leaks, "--sort takes count or size, not '%s'", optarg);
			break;
		case 'h': fputs(usage_leaks, stdout); return 0;
		case ':': return usage_error(usage_leaks, "option %s needs a value", argv[optind - 1]);
		default: return usage_error(usage_leaks, "unknown option %s", argv[optind - 1]);
		}
	}
	a.core = optind < argc ? argv[optind++] : NULL;
	if (optind < argc)
		return usage_error(usage_leaks, "unexpected argument '%s'", argv[optind]);
	if ((t = check_target(usage_leaks, &a)))
		return t;

	struct report_args r = { REPORT_LEAKS, top, sort, type_name };
	return run_report(&a, &r, want_progress, want_stats);
}

enum { PL_CLI_MAX_ADDRS = 64 };

/* The options of the commands that follow references. */
struct graph_args {
	struct target_args a;
	const char *type_name, *dot;
	long depth, max, fan_in;
	int want_progress, want_stats;
	uint64_t addrs[64]; /* referrers: several objects, one report each, on one graph */
	size_t naddrs;
};

/* Parse the options of refs (REFERRERS false) or referrers; returns -1 to go on, else the exit
 * status (help shown, or bad usage). */
static int parse_graph_args(int argc, char **argv, bool referrers, struct graph_args *g)
{
	static const struct option refs_opts[] = { TARGET_OPTIONS, { NULL, 0, NULL, 0 } };
	static const struct option referrers_opts[] = {
		TARGET_OPTIONS,
		{ "depth", required_argument, NULL, O_DEPTH },
		{ "max", required_argument, NULL, O_MAX },
		{ "fan-in", required_argument, NULL, O_FAN_IN },
		{ "type", required_argument, NULL, O_TYPE },
		{ "dot", required_argument, NULL, O_DOT },
		{ "progress", no_argument, NULL, O_PROGRESS },
		{ "stats", no_argument, NULL, O_STATS },
		{ NULL, 0, NULL, 0 },
	};
	const char *usage = referrers ? usage_referrers : usage_refs;
	int c, t;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", referrers ? referrers_opts : refs_opts, NULL)) != -1) {
		if ((t = target_option(c, usage, &g->a)) != 0) {
			if (t < 0)
				return 2;
			continue;
		}
		long *number = c == O_DEPTH ? &g->depth : c == O_MAX ? &g->max : c == O_FAN_IN ? &g->fan_in : NULL;
		switch (c) {
		case O_TYPE: g->type_name = optarg; break;
		case O_DOT: g->dot = optarg; break;
		case O_PROGRESS: g->want_progress = 1; break;
		case O_STATS: g->want_stats = 1; break;
		case O_DEPTH:
		case O_MAX:
		case O_FAN_IN:
			if (parse_int(optarg, 1, 1 << 24, number))
				return usage_error(usage, "--depth, --max and --fan-in take a number >= 1, not '%s'", optarg);
			break;
		case 'h': fputs(usage, stdout); return 0;
		case ':': return usage_error(usage, "option %s needs a value", argv[optind - 1]);
		default: return usage_error(usage, "unknown option %s", argv[optind - 1]);
		}
	}
	if (!g->a.pid && optind < argc)
		g->a.core = argv[optind++];
	size_t most = referrers && !g->a.json && !g->dot ? PL_CLI_MAX_ADDRS : 1;
	while (optind < argc && !g->type_name && g->naddrs < most) {
		char *end = "";
		const char *text = argv[optind++];
		g->addrs[g->naddrs] = strtoull(text, &end, 0);
		if (*end || g->addrs[g->naddrs] == 0)
			return usage_error(usage, "give the object's address (0x...), not '%s'", text);
		g->naddrs++;
	}
	if (optind < argc)
		return usage_error(usage, "unexpected argument '%s' (several addresses: only with "
				   "text output)", argv[optind]);
	if ((t = check_target(usage, &g->a)))
		return t;
	if (g->a.json && g->dot && strcmp(g->a.json, "-") == 0 && strcmp(g->dot, "-") == 0)
		return usage_error(usage, "%s", "--json - and --dot - cannot both go to stdout");
	if (!g->type_name && g->naddrs == 0)
		return usage_error(usage, "%s", "give the object's address (0x...)");
	return -1;
}

/* pyleaks refs / pyleaks referrers: one object given by address, or (referrers) a type. */
static int cmd_object(int argc, char **argv, bool referrers)
{
	struct graph_args g = { .depth = 16, .max = 5, .fan_in = 1000,
				.want_progress = referrers && isatty(STDERR_FILENO) };
	int status = parse_graph_args(argc, argv, referrers, &g);
	if (status >= 0)
		return status;
	double t0 = now(), lap[PL_CLI_MAX_ADDRS + 1];
	struct pyleaks *pl = pyleaks_create();
	if (!pl) {
		fprintf(stderr, "pyleaks: error: out of memory\n");
		return 1;
	}
	if (g.want_progress)
		pyleaks_set_progress(pl, progress, NULL);
	int rc = open_target(pl, &g.a);
	double t1 = now();
	/* per object: text unless a file format goes to stdout, then JSON, then DOT */
	const char *dest[3] = { NULL, g.a.json, g.dot };
	bool to_stdout = (g.a.json && strcmp(g.a.json, "-") == 0) || (g.dot && strcmp(g.dot, "-") == 0);
	size_t n = g.type_name ? 1 : g.naddrs, done = 0;
	status = 0;
	for (size_t i = 0; i < n && rc == PYLEAKS_OK && status == 0; i++, done++) {
		char *out[3] = { NULL, NULL, NULL };
		uint64_t addr = g.type_name ? 0 : g.addrs[i];
		for (int f = 0; f < 3 && rc == PYLEAKS_OK; f++) {
			if (f == 0 ? to_stdout : !dest[f])
				continue;
			rc = referrers ? pyleaks_referrers_report(pl, (enum pyleaks_format)f, addr, g.type_name,
								  (int)g.depth, (int)g.max, (int)g.fan_in, &out[f])
				       : pyleaks_refs_report(pl, (enum pyleaks_format)f, addr, &out[f]);
		}
		lap[i] = now();
		if (g.want_progress)
			fprintf(stderr, "\r\033[K");
		if (rc == PYLEAKS_OK && out[0])
			printf("%s%s", i ? "\n" : "", out[0]);
		for (int f = 1; f < 3 && rc == PYLEAKS_OK && status == 0; f++) {
			if (!out[f])
				continue;
			if (strcmp(dest[f], "-") == 0)
				fputs(out[f], stdout);
			else if (write_file(dest[f], out[f]) != 0)
				status = 1;
		}
		for (int f = 0; f < 3; f++)
			pyleaks_free(out[f]);
	}
	if (rc != PYLEAKS_OK) {
		fprintf(stderr, "pyleaks: error: %s\n", pyleaks_errmsg(pl));
		status = 1;
	}
	if (g.want_stats) {
		/* the first query builds the graph; later ones reuse it */
		for (size_t i = 0; i < done; i++)
			fprintf(stderr, "pyleaks-stats: query %zu %.4f s\n", i + 1, lap[i] - (i ? lap[i - 1] : t1));
		print_stats(t0, t1, now());
	}
	pyleaks_destroy(pl);
	return status;
}

/* The long name of the option VAL in OPTS. */
static const char *option_name(const struct option *opts, int val)
{
	for (; opts->name; opts++)
		if (opts->val == val)
			return opts->name;
	return "?";
}

/* pyleaks snapshot, growth and diff: recording a target, and what grew since. */
static int cmd_growth(int argc, char **argv, const char *cmd)
{
	static const struct option opts[] = {
		TARGET_OPTIONS,
		{ "save", required_argument, NULL, O_SAVE },
		{ "name", required_argument, NULL, O_NAME },
		{ "since", required_argument, NULL, O_SINCE },
		{ "top", required_argument, NULL, O_TOP },
		{ "new", required_argument, NULL, O_NEW },
		{ NULL, 0, NULL, 0 },
	};
	bool snapshot = strcmp(cmd, "snapshot") == 0, diff = strcmp(cmd, "diff") == 0;
	const char *usage = snapshot ? usage_snapshot : usage_growth;
	struct target_args a = { 0 };
	const char *save = NULL, *name = "snapshot", *since = NULL, *new_type = NULL, *later = NULL;
	long top = 20;
	int c, t;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if ((t = target_option(c, usage, &a)) != 0) {
			if (t < 0)
				return 2;
			continue;
		}
		bool mine = snapshot ? c == O_SAVE || c == O_NAME
				     : c == O_TOP || c == O_NEW || (c == O_SINCE && !diff);
		if (c >= O_EXE && !mine)
			return usage_error(usage, "--%s does not go with this command", option_name(opts, c));
		switch (c) {
		case O_SAVE: save = optarg; break;
		case O_NAME: name = optarg; break;
		case O_SINCE: since = optarg; break;
		case O_NEW: new_type = optarg; break;
		case O_TOP:
			if (parse_int(optarg, 0, 1 << 30, &top))
				return usage_error(usage, "--top needs a number >= 0, not '%s'", optarg);
			break;
		case 'h': fputs(usage, stdout); return 0;
		case ':': return usage_error(usage, "option %s needs a value", argv[optind - 1]);
		default: return usage_error(usage, "unknown option %s", argv[optind - 1]);
		}
	}
	if (!a.pid && optind < argc)
		a.core = argv[optind++];
	if (diff && optind < argc)
		later = argv[optind++];
	if (optind < argc)
		return usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if ((t = check_target(usage, &a)))
		return t;
	if (snapshot && !save)
		return usage_error(usage, "%s", "give the file to write the snapshot to (--save FILE)");
	if (diff && (!later || a.pid))
		return usage_error(usage, "%s", "give two core files: pyleaks diff CORE1 CORE2");
	if (!snapshot && !diff && !since)
		return usage_error(usage, "%s", "give the snapshot to compare with (--since FILE)");
	struct pyleaks *pl = pyleaks_create(), *now = diff ? pyleaks_create() : NULL;
	struct pyleaks_snapshot *snap = NULL;
	char *text = NULL, *js = NULL;
	int status = 1, rc = pl && (now || !diff) ? PYLEAKS_OK : PYLEAKS_ENOMEM;
	if (rc == PYLEAKS_OK)
		rc = open_target(pl, &a);
	if (rc == PYLEAKS_OK && (snapshot || diff))
		rc = pyleaks_snapshot_take(pl, diff ? a.core : name, &snap);
	else if (rc == PYLEAKS_OK)
		rc = pyleaks_snapshot_load(pl, since, &snap);
	if (rc == PYLEAKS_OK && snapshot) {
		rc = pyleaks_snapshot_save(pl, snap, save);
		if (rc == PYLEAKS_OK)
			printf("snapshot '%s' of %s: %llu objects, written to %s\n", name, a.core ? a.core : "the process",
			       (unsigned long long)pyleaks_snapshot_objects(snap), save);
	}
	struct pyleaks *target = diff ? now : pl;
	if (diff && rc == PYLEAKS_OK) {
		struct target_args b = a;
		b.core = later;
		rc = open_target(now, &b);
	}
	if (!snapshot && rc == PYLEAKS_OK && (!a.json || strcmp(a.json, "-") != 0))
		rc = pyleaks_growth_report(target, snap, PYLEAKS_TEXT, (int)top, new_type, &text);
	if (!snapshot && rc == PYLEAKS_OK && a.json)
		rc = pyleaks_growth_report(target, snap, PYLEAKS_JSON, (int)top, new_type, &js);
	if (rc != PYLEAKS_OK)
		fprintf(stderr, "pyleaks: error: %s\n", !pl ? "out of memory" : pyleaks_errmsg(
				diff && now && pyleaks_errmsg(now)[0] ? now : pl));
	else
		status = snapshot ? 0 : emit(&a, text, js);
	pyleaks_free(text);
	pyleaks_free(js);
	pyleaks_snapshot_free(snap);
	pyleaks_destroy(pl);
	pyleaks_destroy(now);
	return status;
}

/* pyleaks graph: the whole graph as JSON lines. */
static int cmd_graph(int argc, char **argv)
{
	static const struct option opts[] = { TARGET_OPTIONS, { "labels", no_argument, NULL, O_LABELS },
					      { "dominators", no_argument, NULL, O_DOMINATORS },
					      { NULL, 0, NULL, 0 } };
	struct target_args a = { 0 };
	int c, t, flags = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if ((t = target_option(c, usage_graph, &a)) != 0) {
			if (t < 0)
				return 2;
			continue;
		}
		switch (c) {
		case O_LABELS: flags |= PYLEAKS_GRAPH_LABELS; break;
		case O_DOMINATORS: flags |= PYLEAKS_GRAPH_DOMINATORS; break;
		case 'h': fputs(usage_graph, stdout); return 0;
		case ':': return usage_error(usage_graph, "option %s needs a value", argv[optind - 1]);
		default: return usage_error(usage_graph, "unknown option %s", argv[optind - 1]);
		}
	}
	if (!a.pid && optind < argc)
		a.core = argv[optind++];
	if (optind < argc)
		return usage_error(usage_graph, "unexpected argument '%s'", argv[optind]);
	if ((t = check_target(usage_graph, &a)))
		return t;
	struct pyleaks *pl = pyleaks_create();
	if (!pl) {
		fprintf(stderr, "pyleaks: error: out of memory\n");
		return 1;
	}
	int rc = open_target(pl, &a);
	if (rc == PYLEAKS_OK)
		rc = pyleaks_graph_export(pl, a.json ? a.json : "-", flags);
	if (rc != PYLEAKS_OK)
		fprintf(stderr, "pyleaks: error: %s\n", pyleaks_errmsg(pl));
	pyleaks_destroy(pl);
	return rc == PYLEAKS_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error(usage_main, "%s", "no command given");
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("pyleaks %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(cmd, "suspects") == 0)
		return cmd_ranked(argc - 1, argv + 1, false);
	if (strcmp(cmd, "retained") == 0)
		return cmd_ranked(argc - 1, argv + 1, true);
	if (strcmp(cmd, "leaks") == 0)
		return cmd_leaks(argc - 1, argv + 1);
	if (strcmp(cmd, "refs") == 0)
		return cmd_object(argc - 1, argv + 1, false);
	if (strcmp(cmd, "referrers") == 0)
		return cmd_object(argc - 1, argv + 1, true);
	if (strcmp(cmd, "graph") == 0)
		return cmd_graph(argc - 1, argv + 1);
	if (strcmp(cmd, "snapshot") == 0 || strcmp(cmd, "growth") == 0 || strcmp(cmd, "diff") == 0)
		return cmd_growth(argc - 1, argv + 1, cmd);
	return usage_error(usage_main, "unknown command '%s'", cmd);
}
