#!/bin/bash
# referrers.sh - the referrer-chain benchmark (issue #4). For heaps of 1e5, 1e6 and 5e6 tracked
# objects (bench/make_heap.py), in one run:
#   1. pyleaks on a core of the heap, one process, three queries: the object with the largest
#      fan-in (the class every Record holds), which builds the reference graph, then an
#      ordinary container (a chunk list) and the popular object again on the same graph; the
#      whole process; its memory;
#   2. objgraph.find_backref_chain(obj, objgraph.is_proper_module) inside the live process on
#      the same two objects (Debian's python3-objgraph), the container first, each capped;
# and prints the times and ratios. Usage: bench/referrers.sh [SIZES...] (default 100000 1000000
# 5000000). OBJGRAPH_TIMEOUT (seconds, default 300) caps the in-process searches.
# Needs a build (scripts/build) and a CPython 3.12 with DWARF (PYTHON=..., default pyenv 3.12).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cli=${PYLEAKS_CLI:-$top/_build/default/helper/cli/pyleaks}
python=${PYTHON:-$(ls "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3.12 | tail -1)}
timeout_s=${OBJGRAPH_TIMEOUT:-300}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000 5000000)
[ -x "$cli" ] || { echo "bench: build first (scripts/build): $cli missing" >&2; exit 1; }
if [ ! -f /usr/lib/python3/dist-packages/objgraph.py ]; then
	if [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-objgraph >/dev/null
	else
		echo "bench: objgraph is missing: apt-get install python3-objgraph" >&2
		exit 1
	fi
fi
work=${BENCH_DIR:-$(mktemp -d /tmp/pyleaks-bench-referrers.XXXXXX)}
mkdir -p "$work"

# ratio A B [TIMED_OUT]: A / B, as "Nx", or ">Nx" when A is only a lower bound
ratio() { awk -v a="$1" -v b="$2" -v more="${3:-}" 'BEGIN { if (a == "" || b == "" || b == 0) print "?"; else printf "%s%.0fx", more ? ">" : "", a / b }'; }

echo "pyleaks referrers benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "python: $python ($("$python" -c 'import platform; print(platform.python_version())')); objgraph $(sed -n 's/^__version__ = .\(.*\).$/\1/p' /usr/lib/python3/dist-packages/objgraph.py)"
printf '%-9s %-8s %-8s %-8s %-9s %-9s %-10s %-10s %-10s %-12s %-12s %-8s %-8s\n' \
	objects fan_in core_MB first_s second_s again_s process_s anon_B/obj peak_B/obj objgraph_1_s objgraph_2_s x_first x_second
for n in "${sizes[@]}"; do
	d=$work/$n
	mkdir -p "$d"
	rm -f "$d/objgraph.txt"
	"$python" "$top/bench/make_heap.py" "$n" "$d" >"$d/out" 2>&1 &
	pid=$!
	for _ in $(seq 1 1200); do grep -q '^CHUNK' "$d/out" && break; sleep 0.1; done
	objects=$(awk '/^READY/ {print $2}' "$d/out")
	read -r _ fanin fanin_refs <<<"$(grep '^FANIN' "$d/out")"
	read -r _ chunk _ <<<"$(grep '^CHUNK' "$d/out")"
	gcore -o "$d/core" "$pid" >/dev/null 2>&1
	core=$(ls "$d"/core.*)
	core_mb=$(( $(stat -c %s "$core") / 1048576 ))
	# pyleaks: one process, the popular object first (it builds the graph), then the chunk
	python3 "$top/bench/measure.py" "$d/cli.time" "$cli" referrers "$core" "0x$fanin" "0x$chunk" "0x$fanin" --stats 2>"$d/cli.stats"
	first=$(sed -n 's/^pyleaks-stats: query 1 \([0-9.]*\) s$/\1/p' "$d/cli.stats")
	second=$(sed -n 's/^pyleaks-stats: query 2 \([0-9.]*\) s$/\1/p' "$d/cli.stats")
	again=$(sed -n 's/^pyleaks-stats: query 3 \([0-9.]*\) s$/\1/p' "$d/cli.stats")
	open=$(sed -n 's/.*open \([0-9.]*\) s,.*/\1/p' "$d/cli.stats")
	whole=$(awk '{print $1}' "$d/cli.time")
	anon_kib=$(sed -n 's/.*rss_anon \([0-9]*\) KiB.*/\1/p' "$d/cli.stats")
	file_kib=$(sed -n 's/.*rss_file \([0-9]*\) KiB.*/\1/p' "$d/cli.stats")
	peak_kib=$(sed -n 's/.*peak rss \([0-9]*\) KiB.*/\1/p' "$d/cli.stats")
	"$cli" referrers "$core" "0x$fanin" "0x$chunk" >"$d/chains.txt" 2>&1 || true
	# objgraph inside the live process, on the same objects
	kill -USR2 "$pid"
	for _ in $(seq 1 $((timeout_s * 10))); do
		[ -f "$d/objgraph.txt" ] && [ "$(wc -l <"$d/objgraph.txt")" -ge 2 ] && break
		sleep 0.1
	done
	og1=$(awk '$1 == "chunk" {print $2}' "$d/objgraph.txt" 2>/dev/null)
	og2=$(awk '$1 == "fanin" {print $2}' "$d/objgraph.txt" 2>/dev/null)
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	# the query's own time: what an interactive user waits on a second object; the first query
	# counts the whole process (open the core, walk, build the graph)
	first_all=$(awk -v a="$open" -v b="$first" 'BEGIN { printf "%.3f", a + b }')
	printf '%-9s %-8s %-8s %-8s %-9s %-9s %-10s %-10s %-10s %-12s %-12s %-8s %-8s\n' \
		"$objects" "$fanin_refs" "$core_mb" "$first_all" "$second" "$again" "$whole" \
		"$(( anon_kib * 1024 / objects ))" "$(( (peak_kib - file_kib) * 1024 / objects ))" \
		"${og1:->$timeout_s}" "${og2:->$timeout_s}" \
		"$(ratio "${og2:-$timeout_s}" "$first_all" "$([ -n "$og2" ] || echo more)")" \
		"$(ratio "${og1:-$timeout_s}" "$second" "$([ -n "$og1" ] || echo more)")"
	[ -n "${BENCH_KEEP:-}" ] || rm -f "$core"
done
echo "objects: the heap's own count; fan_in: referrers of the popular object (the Record class)"
echo "first_s: open the core, walk it, build the graph, chains of the popular object (one process)"
echo "second_s: chains of a chunk list on the same graph; again_s: the popular object again"
echo "process_s: the whole process, all three"
echo "anon_B/obj: pyleaks' own memory at exit (RssAnon: graph and all, not the mapped core)"
echo "peak_B/obj: peak resident memory less the file-backed pages (the core) at exit"
echo "objgraph_1_s: find_backref_chain(chunk list) in-process; objgraph_2_s: of the Record class"
echo "  ('>N': not done within the timeout); x_first: objgraph_2 / first_s; x_second: objgraph_1 / second_s"
