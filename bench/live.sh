#!/bin/bash
# live.sh - the live-process benchmark (issue #8): for heaps of 1e5, 1e6 and 5e6 tracked
# objects (bench/make_heap.py), on the live process under gdb (bench/live_gdb.py), from the
# gdb command to the printed report: py-leaks --census read-only and in-process on the same
# stop (best of two stops; the first in-process one also loads the agent; in-process, the agent
# counts per type), py-leaks --snapshot (the agent run again to list every object) and
# py-leaks --since (on a later stop: its own walk listing every object, and the comparison);
# with the ratios in-process/read-only and since/census.
# Usage: bench/live.sh [SIZES...] (default 100000 1000000 5000000).
# Needs a build (scripts/build) and a CPython 3.12 with DWARF (PYTHON=..., default pyenv 3.12).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$(ls "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3.12 | tail -1)}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000 5000000)
build=${PYLEAKS_BUILD:-$top/_build/default}
export PYLEAKS_LIB=${PYLEAKS_LIB:-$build/helper/.libs/libpyleaks.so}
export PYLEAKS_AGENT=${PYLEAKS_AGENT:-$build/helper/.libs/libpyleaks-agent.so}
[ -e "$PYLEAKS_LIB" ] && [ -e "$PYLEAKS_AGENT" ] || { echo "bench: build first (scripts/build)" >&2; exit 1; }
work=${BENCH_DIR:-$(mktemp -d /tmp/pyleaks-bench-live.XXXXXX)}
mkdir -p "$work"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "?"; else printf "%.2fx", a / b }'; }
best() { awk -v k="$1" '$1 == k { if (b == "" || $2 < b) b = $2 } END { print b }' "$2"; }

echo "pyleaks live-process benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "python: $python ($("$python" -c 'import platform; print(platform.python_version())'))"
printf '%-9s %-11s %-11s %-12s %-11s %-9s %-13s %-12s\n' tracked readonly_s inprocess_s inproc_first snapshot_s since_s inproc/readonly since/census
for n in "${sizes[@]}"; do
	d=$work/$n
	mkdir -p "$d"
	: >"$d/out"
	"$python" "$top/bench/make_heap.py" "$n" "$d" >"$d/out" 2>&1 &
	pid=$!
	for _ in $(seq 1 1200); do grep -q '^CHUNK' "$d/out" && break; sleep 0.1; done
	tracked=$(awk '/^READY/ {print $2}' "$d/out")
	PYLEAKS_BENCH_OUT=$d/times gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' \
		-x "$top/bench/live_gdb.py" -p "$pid" >"$d/gdb.log" 2>&1
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	grep -q "^# inprocess: .*the last command: in-process" "$d/times" ||
		{ echo "bench: the in-process census did not run in-process:"; grep '^#' "$d/times"; exit 1; }
	readonly_s=$(best readonly "$d/times")
	inprocess_s=$(best inprocess "$d/times")
	first=$(best inprocess_first "$d/times")
	snapshot=$(best snapshot "$d/times")
	since=$(best since "$d/times")
	census=$(awk -v a="$readonly_s" -v b="$inprocess_s" 'BEGIN { print (a < b ? a : b) }')
	printf '%-9s %-11s %-11s %-12s %-11s %-9s %-13s %-12s\n' "$tracked" "$readonly_s" "$inprocess_s" "$first" \
		"$snapshot" "$since" "$(ratio "$inprocess_s" "$readonly_s")" "$(ratio "$since" "$census")"
done
echo "each time: from the gdb command to its printed report, its heap walk included"
echo "readonly_s, inprocess_s: py-leaks --census on the same stop (set pyleaks inject off, then auto),"
echo "  best of two stops; inproc_first: the first in-process census, which loads the agent"
echo "snapshot_s: py-leaks --snapshot right after (the agent lists every object); since_s:"
echo "  py-leaks --since on a later stop; since/census: since_s over the better census"
