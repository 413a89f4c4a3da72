#!/bin/bash
# run.sh - the census benchmark: for heaps of 1e5, 1e6 and 5e6 tracked objects, time in one run
#   1. the pyleaks CLI on a core of the heap (whole process, best of 3, plus its memory),
#   2. the same heap counted in-process with gc.get_objects() (what in-process tools do),
#   3. a census in gdb's Python API alone, reading memory in 64 KiB chunks (bench/gdb_walk.py),
# and print the times and ratios. Usage: bench/run.sh [SIZES...]  (default: 100000 1000000 5000000)
# Needs a build (scripts/build) and a CPython 3.12 with DWARF (PYTHON=..., default pyenv 3.12).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cli=${PYLEAKS_CLI:-$top/_build/default/helper/cli/pyleaks}
python=${PYTHON:-$(ls "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3.12 | tail -1)}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000 5000000)
[ -x "$cli" ] || { echo "bench: build first (scripts/build): $cli missing" >&2; exit 1; }
work=${BENCH_DIR:-$(mktemp -d /tmp/pyleaks-bench.XXXXXX)}
mkdir -p "$work"

echo "pyleaks census benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "python: $python ($("$python" -c 'import platform; print(platform.python_version())'))"
printf '%-9s %-10s %-8s %-11s %-11s %-10s %-12s %-10s %-10s %-9s\n' \
	objects found core_MB cli_s cli_first_s anon_B/obj inprocess_s gdb_py_s gdb/cli inproc/cli
for n in "${sizes[@]}"; do
	d=$work/$n
	mkdir -p "$d"
	"$python" "$top/bench/make_heap.py" "$n" "$d" >"$d/out" 2>&1 &
	pid=$!
	for _ in $(seq 1 1200); do grep -q '^READY' "$d/out" && break; sleep 0.1; done
	truth=$(awk '/^READY/ {print $2}' "$d/out")
	kill -USR1 "$pid"
	for _ in $(seq 1 600); do [ -s "$d/inprocess.txt" ] && break; sleep 0.1; done
	inproc=$(awk '{print $1}' "$d/inprocess.txt")
	gcore -o "$d/core" "$pid" >/dev/null 2>&1
	kill "$pid"; wait "$pid" 2>/dev/null || true
	core=$(ls "$d"/core.*)
	core_mb=$(( $(stat -c %s "$core") / 1048576 ))
	# CLI: first run and best of three, whole process
	best=
	for i in 1 2 3; do
		python3 "$top/bench/measure.py" "$d/cli.$i" "$cli" leaks "$core" --stats --json "$d/cli.json" 2>"$d/stats.$i"
		t=$(awk '{print $1}' "$d/cli.$i")
		[ "$i" = 1 ] && first=$t
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; bi=$i; fi
	done
	found=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["objects"])' "$d/cli.json")
	anon_kib=$(sed -n 's/.*rss_anon \([0-9]*\) KiB.*/\1/p' "$d/stats.$bi")
	per_obj=$(( anon_kib * 1024 / found ))
	# gdb Python-only walk
	gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' -x "$top/bench/gdb_walk.py" \
		"$python" "$core" >"$d/gdb.out" 2>&1 || true
	gdbt=$(sed -n 's/^gdb-walk: .* in \([0-9.]*\) s$/\1/p' "$d/gdb.out")
	printf '%-9s %-10s %-8s %-11s %-11s %-10s %-12s %-10s %-10s %-9s\n' \
		"$truth" "$found" "$core_mb" "$best" "$first" "$per_obj" "$inproc" "${gdbt:-?}" \
		"$(awk -v a="${gdbt:-0}" -v b="$best" 'BEGIN { printf "%.1fx", a / b }')" \
		"$(awk -v a="$inproc" -v b="$best" 'BEGIN { printf "%.2fx", a / b }')"
	[ -n "${BENCH_KEEP:-}" ] || rm -f "$core"
done
echo "objects: the heap's own count (gc.get_objects() + frozen); found: pyleaks' count"
echo "cli_s: best of 3 whole-process runs of 'pyleaks leaks CORE'; cli_first_s: the first run"
echo "anon_B/obj: the CLI's own resident memory (RssAnon, not the mapped core) per object"
echo "inprocess_s: Counter(type(o) for o in gc.get_objects()) inside the live process"
echo "gdb_py_s: the same census in gdb's Python API, 64 KiB reads (bench/gdb_walk.py)"
