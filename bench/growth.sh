#!/bin/bash
# growth.sh - the growth benchmark (issue #8): for heaps of 1e5, 1e6 and 5e6 tracked objects
# (bench/make_heap.py), on the live process under gdb, each command on a stop of its own
# (bench/live_gdb.py), from the gdb command to the printed report: py-leaks --census (best of
# two stops), py-leaks --snapshot (after the census, on its stop) and py-leaks --since (on a
# later stop: its own heap walk, the graph and the comparison); and the ratio since/census.
# Usage: bench/growth.sh [SIZES...] (default 100000 1000000 5000000).
# Needs a build (scripts/build) and a CPython 3.12 with DWARF (PYTHON=..., default pyenv 3.12).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$(ls "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3.12 | tail -1)}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000 5000000)
lib=${PYLEAKS_LIB:-$top/_build/default/helper/.libs/libpyleaks.so}
[ -e "$lib" ] || { echo "bench: build first (scripts/build): $lib missing" >&2; exit 1; }
export PYLEAKS_LIB=$lib
work=${BENCH_DIR:-$(mktemp -d /tmp/pyleaks-bench-growth.XXXXXX)}
mkdir -p "$work"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "?"; else printf "%.2fx", a / b }'; }

echo "pyleaks growth benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "python: $python ($("$python" -c 'import platform; print(platform.python_version())'))"
printf '%-9s %-10s %-11s %-9s %-11s\n' tracked census_s snapshot_s since_s since/census
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
	census=$(awk '$1 == "census" { if (best == "" || $2 < best) best = $2 } END { print best }' "$d/times")
	snapshot=$(awk '$1 == "snapshot" { print $2 }' "$d/times")
	since=$(awk '$1 == "since" { print $2 }' "$d/times")
	printf '%-9s %-10s %-11s %-9s %-11s\n' "$tracked" "$census" "$snapshot" "$since" "$(ratio "$since" "$census")"
done
echo "each time: from the gdb command to its printed report, on a stop of its own (the walk"
echo "  included); census: best of two stops; snapshot: right after the census on its stop"
echo "  (the walk reused); since: a later stop, walk, graph and comparison"
