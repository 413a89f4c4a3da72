#!/bin/bash
# suspects.sh - the leak-suspects benchmark (issue #7). For heaps of 1e5, 1e6 and 5e6 tracked
# objects (bench/make_heap.py), in one run, on one core of each:
#   1. pyleaks suspects: the whole report, from the start of the process to its end: open the
#      core, walk the GC lists, find the untracked objects, build the graph and its dominator
#      tree, find and rank the suspects (best of 3), and its memory;
#   2. pyleaks leaks (the census, which now finds the untracked objects too) and
#      pyleaks referrers on an ordinary container, each a whole process, best of 3;
# and prints the times, the bytes per object (tracked and untracked) and the ratios.
# Usage: bench/suspects.sh [SIZES...] (default 100000 1000000 5000000).
# Needs a build (scripts/build) and a CPython 3.12 with DWARF (PYTHON=..., default pyenv 3.12).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cli=${PYLEAKS_CLI:-$top/_build/default/helper/cli/pyleaks}
python=${PYTHON:-$(ls "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3.12 | tail -1)}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000 5000000)
[ -x "$cli" ] || { echo "bench: build first (scripts/build): $cli missing" >&2; exit 1; }
work=${BENCH_DIR:-$(mktemp -d /tmp/pyleaks-bench-suspects.XXXXXX)}
mkdir -p "$work"

# best DIR NAME CMD...: run CMD three times (measure.py), keep the fastest "seconds peak_kib"
best() {
	local d=$1 name=$2
	shift 2
	for k in 1 2 3; do
		python3 "$top/bench/measure.py" "$d/$name.$k" "$@"
	done
	sort -n "$d/$name".[123] | head -1
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "?"; else printf "%.2fx", a / b }'; }

echo "pyleaks suspects benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "python: $python ($("$python" -c 'import platform; print(platform.python_version())'))"
printf '%-9s %-10s %-8s %-11s %-10s %-11s %-10s %-11s %-12s %-12s\n' \
	tracked all_objects core_MB suspects_s census_s referrers_s peak_B/obj top_suspect x_census x_referrers
for n in "${sizes[@]}"; do
	d=$work/$n
	mkdir -p "$d"
	"$python" "$top/bench/make_heap.py" "$n" "$d" >"$d/out" 2>&1 &
	pid=$!
	for _ in $(seq 1 1200); do grep -q '^CHUNK' "$d/out" && break; sleep 0.1; done
	read -r _ chunk _ <<<"$(grep '^CHUNK' "$d/out")"
	gcore -o "$d/core" "$pid" >/dev/null 2>&1
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	core=$(ls "$d"/core.*)
	core_mb=$(( $(stat -c %s "$core") / 1048576 ))
	read -r suspects_s _ <<<"$(best "$d" suspects "$cli" suspects "$core")"
	read -r census_s _ <<<"$(best "$d" census "$cli" leaks "$core")"
	read -r referrers_s _ <<<"$(best "$d" referrers "$cli" referrers "$core" "0x$chunk")"
	# one more run for the report itself and the memory: peak resident less the mapped core
	"$cli" suspects "$core" --json "$d/suspects.json" --stats >"$d/suspects.txt" 2>"$d/suspects.stats"
	file_kib=$(sed -n 's/.*rss_file \([0-9]*\) KiB.*/\1/p' "$d/suspects.stats")
	peak_kib=$(sed -n 's/.*peak rss \([0-9]*\) KiB.*/\1/p' "$d/suspects.stats")
	read -r tracked all top_suspect <<<"$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
s = r["suspects"][0]
print(r["heap"]["tracked"], r["heap"]["objects"], "%s:%s" % (s["kind"], s["type"]))' "$d/suspects.json")"
	printf '%-9s %-10s %-8s %-11s %-10s %-11s %-10s %-11s %-12s %-12s\n' \
		"$tracked" "$all" "$core_mb" "$suspects_s" "$census_s" "$referrers_s" \
		"$(( (peak_kib - file_kib) * 1024 / all ))" "$top_suspect" \
		"$(ratio "$suspects_s" "$census_s")" "$(ratio "$suspects_s" "$referrers_s")"
	[ -n "${BENCH_KEEP:-}" ] || rm -f "$core"
done
echo "tracked: objects on the GC lists; all_objects: with the untracked ones the graph found"
echo "suspects_s, census_s, referrers_s: whole processes (pyleaks suspects, leaks, referrers"
echo "  on a chunk list), best of 3"
echo "peak_B/obj: peak resident memory of pyleaks suspects less the file-backed pages (the core),"
echo "  per object, tracked and untracked"
echo "x_census, x_referrers: suspects_s / census_s and / referrers_s"
