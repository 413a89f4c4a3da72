/* SPDX-License-Identifier: MIT */
/* pyleaks.c - the pyleaks command line: leak triage of a CPython core file (or a stopped live
 * process) without gdb. Parses options, calls libpyleaks, prints what it returns. */
#include <errno.h>
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
	"  leaks     what is piling up: census of tracked objects by type, gc.garbage\n"
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

static void progress(void *arg, uint64_t objects, int gen)
{
	(void)arg;
	static const char *const names[] = { "generation 0", "generation 1", "generation 2",
					     "permanent generation" };
	fprintf(stderr, "\rpyleaks: %llu objects walked (%s)...", (unsigned long long)objects,
		gen >= 0 && gen < 4 ? names[gen] : "?");
	fflush(stderr);
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
		"pyleaks-stats: open %.3f s, census %.3f s, total %.3f s; rss_anon %ld KiB, "
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

static int cmd_leaks(int argc, char **argv)
{
	enum { O_EXE = 256, O_SYSROOT, O_PID, O_TOP, O_SORT, O_TYPE, O_JSON, O_PROGRESS, O_STATS,
	       O_DEBUG_DIR };
	static const struct option opts[] = {
		{ "exe", required_argument, NULL, O_EXE },
		{ "sysroot", required_argument, NULL, O_SYSROOT },
		{ "pid", required_argument, NULL, O_PID },
		{ "top", required_argument, NULL, O_TOP },
		{ "sort", required_argument, NULL, O_SORT },
		{ "type", required_argument, NULL, O_TYPE },
		{ "json", required_argument, NULL, O_JSON },
		{ "progress", no_argument, NULL, O_PROGRESS },
		{ "stats", no_argument, NULL, O_STATS },
		{ "debug-dir", required_argument, NULL, O_DEBUG_DIR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *exe = NULL, *sysroot = NULL, *type_name = NULL, *json = NULL, *debug_dir = NULL;
	long pid = 0, top = -1;
	int sort = PYLEAKS_SORT_COUNT, c;
	int want_progress = isatty(STDERR_FILENO), want_stats = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case O_EXE: exe = optarg; break;
		case O_SYSROOT: sysroot = optarg; break;
		case O_TYPE: type_name = optarg; break;
		case O_JSON: json = optarg; break;
		case O_PROGRESS: want_progress = 1; break;
		case O_STATS: want_stats = 1; break;
		case O_DEBUG_DIR: debug_dir = optarg; break;
		case O_PID:
			if (parse_int(optarg, 1, 1 << 30, &pid))
				return usage_error(usage_leaks, "--pid needs a process id, not '%s'", optarg);
			break;
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
	const char *core = optind < argc ? argv[optind++] : NULL;
	if (optind < argc)
		return usage_error(usage_leaks, "unexpected argument '%s'", argv[optind]);
	if (!core && !pid)
		return usage_error(usage_leaks, "%s", "give a core file or --pid PID");
	if (core && pid)
		return usage_error(usage_leaks, "%s", "give a core file or --pid PID, not both");
	if (pid && exe)
		return usage_error(usage_leaks, "%s", "--exe is for core files");

	double t0 = now();
	struct pyleaks *pl = pyleaks_create();
	if (!pl) {
		fprintf(stderr, "pyleaks: error: out of memory\n");
		return 1;
	}
	if (want_progress)
		pyleaks_set_progress(pl, progress, NULL);
	if (debug_dir)
		pyleaks_set_debug_dir(pl, debug_dir);
	int rc = core ? pyleaks_open_core(pl, core, exe, sysroot)
		      : pyleaks_open_pid(pl, (int)pid, sysroot);
	double t1 = now();
	char *text = NULL, *js = NULL;
	if (rc == PYLEAKS_OK && (!json || strcmp(json, "-") != 0))
		rc = pyleaks_leaks_report(pl, PYLEAKS_TEXT, (int)top, sort, type_name, &text);
	if (rc == PYLEAKS_OK && json)
		rc = pyleaks_leaks_report(pl, PYLEAKS_JSON, (int)top, sort, type_name, &js);
	if (want_progress)
		fprintf(stderr, "\r\033[K");
	int status = 0;
	if (rc != PYLEAKS_OK) {
		fprintf(stderr, "pyleaks: error: %s\n", pyleaks_errmsg(pl));
		status = 1;
	} else {
		if (text)
			fputs(text, stdout);
		if (js && strcmp(json, "-") == 0)
			fputs(js, stdout);
		else if (js && write_file(json, js) != 0)
			status = 1;
	}
	if (want_stats)
		print_stats(t0, t1, now());
	pyleaks_free(text);
	pyleaks_free(js);
	pyleaks_destroy(pl);
	return status;
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
	if (strcmp(cmd, "leaks") == 0)
		return cmd_leaks(argc - 1, argv + 1);
	return usage_error(usage_main, "unknown command '%s'", cmd);
}
