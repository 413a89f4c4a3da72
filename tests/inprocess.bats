#!/usr/bin/env bats
# inprocess.bats - in-process mode: gdb loads libpyleaks-agent.so into a live process stopped at
# a safe point and each object's own tp_traverse gives the references the read-only path can
# only guess at. Idle services are read in-process where they stand and go on serving; a busy
# multi-threaded program stopped at 20 points (inside malloc, inside a collection, at its own
# breakpoints, anywhere by Ctrl-C) is read in-process only where that is safe and ends with
# the output it gives when never stopped; in-process and read-only agree on one stop (the
# census the agent takes where the objects lie, type by type, and the graph).
# (Kill only the processes a test started: other suites may run the same corpora at once.)
load helpers

setup() {
	[ -e "${PYLEAKS_AGENT:-}" ] || skip "the agent is not built (PYLEAKS_AGENT=${PYLEAKS_AGENT:-unset})"
}

teardown() {
	stop_scenario
}

# live_gdb DEBUG_DIR PID ARGS...: gdb attached to PID with pyleaks loaded.
live_gdb() {
	local debug_dir=$1 pid=$2
	shift 2
	local iex=()
	[ -z "$debug_dir" ] || iex=(-iex "set debug-file-directory $debug_dir")
	timeout 300 gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' "${iex[@]}" \
		-ex "source $TOP_SRCDIR/gdb/pyleaks-gdb.py" "$@" -p "$pid"
}

# ask PORT: one request to a corpora server; prints its reply.
ask() {
	"$CHECK_PYTHON" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(b"hello\n")
print(s.makefile("rb").readline().decode().strip())' "$1"
}

# idle_service VERSION EXE DEBUG_DIR SCENARIO SERVED: the scenario, inspected in-process as it
# idles; the counts and the leak must be the program's, and it must serve request SERVED + 1.
idle_service() {
	local v=$1 exe=$2 debug_dir=$3 scenario=$4 served=$5 out
	out=$BATS_TEST_TMPDIR/$v-$scenario
	run_scenario "$exe" "$CORPORA/$scenario/program.py" "$out" || return 1
	live_gdb "$debug_dir" "$SCENARIO_PID" -ex "py-leaks --json $out/suspects.json" \
		-ex "py-leaks --census --json $out/census.json" -ex 'show pyleaks inject' >"$out/gdb.txt" 2>&1 ||
		{ echo "$v $scenario: gdb failed"; cat "$out/gdb.txt"; return 1; }
	grep -q "^Python .*, process $SCENARIO_PID (in-process: references from each type's tp_traverse)" "$out/gdb.txt" &&
		grep -q "the last command: in-process: every thread is at a safe point ([0-9]* blocked in system calls)" "$out/gdb.txt" ||
		{ echo "$v $scenario: not read in-process:"; grep -i "pyleaks" "$out/gdb.txt"; return 1; }
	"$CHECK_PYTHON" -c 'import json, sys; assert json.load(open(sys.argv[1]))["mode"] == "in-process"' "$out/census.json" ||
		{ echo "$v $scenario: the JSON does not say in-process"; return 1; }
	"$CHECK_PYTHON" "$CHECK" "$out/truth.json" "$CORPORA/$scenario/expected.json" "$out/census.json" >"$out/check" &&
		"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_suspects.py" "$out/truth.json" "$CORPORA/$scenario/expected.json" \
			"$out/suspects.json" >>"$out/check" || { echo "$v $scenario:"; cat "$out/check"; return 1; }
	local port reply
	port=$(sed -n 's/^PORT //p' "$out/stdout")
	reply=$(ask "$port") || { echo "$v $scenario: no answer after the inspection"; cat "$out/stderr"; return 1; }
	[ "$reply" = "ok $((served + 1))" ] || { echo "$v $scenario: answered '$reply'"; return 1; }
	stop_scenario
}

@test "an idle asyncio service and an idle threaded server are read in-process where they stand, exactly, and go on serving, on every build" {
	local pythons failed=0 v exe debug_dir
	pythons=$(selected_pythons; python2_pythons)
	[ -n "$pythons" ] || skip "no supported CPython build found"
	while read -r v exe debug_dir; do
		case "$v" in 2.*) ;; *) idle_service "$v" "$exe" "${debug_dir:-}" service 3000 || failed=1 ;; esac # asyncio
		idle_service "$v" "$exe" "${debug_dir:-}" threadserver 2000 || failed=1
	done <<<"$pythons"
	[ "$failed" = 0 ]
}

@test "a busy multi-threaded program stopped at 20 points is read in-process only where safe, and ends as if never stopped, on every build" {
	local pythons failed=0 v exe debug_dir out plain summary inproc_all=0 refused_all=0
	pythons=$(selected_pythons; python2_pythons)
	[ -n "$pythons" ] || skip "no supported CPython build found"
	# each kind of stop but gc comes on every build, soon; gc needs symbols (last, then)
	local plan="getppid malloc getppid sigint PyObject_Malloc free getppid sigint malloc getppid sigint PyObject_Free free getppid sigint getppid malloc sigint gc gc"
	while read -r v exe debug_dir; do
		plain=$BATS_TEST_TMPDIR/$v-plain
		out=$BATS_TEST_TMPDIR/$v-stops
		mkdir -p "$plain" "$out"
		touch "$plain/go"
		PYLEAKS_BUSY_ROUNDS=600 PYLEAKS_SCENARIO_OUT=$plain "$exe" "$CORPORA/busy/program.py" >"$plain/stdout" 2>&1 ||
			{ echo "$v: the program fails on its own"; cat "$plain/stdout"; failed=1; continue; }
		PYLEAKS_BUSY_ROUNDS=600 run_scenario "$exe" "$CORPORA/busy/program.py" "$out" || { failed=1; continue; }
		local iex=()
		[ -z "${debug_dir:-}" ] || iex=(-iex "set debug-file-directory $debug_dir")
		PYLEAKS_STOPS_OUT=$out PYLEAKS_STOPS_PLAN=$plan PYLEAKS_TOP_SRCDIR=$TOP_SRCDIR \
			timeout 600 gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' "${iex[@]}" \
			-x "$TOP_SRCDIR/tests/stops_gdb.py" -p "$SCENARIO_PID" >"$out/gdb.txt" 2>&1 ||
			{ echo "$v: gdb failed"; tail -20 "$out/gdb.txt"; failed=1; }
		wait "$SCENARIO_PID" 2>/dev/null
		SCENARIO_PID=
		if ! diff -u "$plain/stdout" "$out/stdout"; then
			echo "$v: the output changed"
			failed=1
		fi
		summary=$("$CHECK_PYTHON" - "$out" <<'EOF') || { echo "$summary"; echo "$v:"; cat "$out/stops.txt"; failed=1; }
import json, os, re, sys
out = sys.argv[1]
lines = [l.rstrip("\n") for l in open(os.path.join(out, "stops.txt"))]
stops = [l for l in lines if re.match(r"^\d+ ", l) and "ended first" not in l]
problems = []
if len(stops) < 18:
    problems.append("only %d stops" % len(stops))
inproc = refused = 0
for line in stops:
    n, kind, rest = re.match(r"^(\d+) (\S+): (.*)$", line).groups()
    if "ERROR" in rest:
        problems.append("stop %s (%s): %s" % (n, kind, rest))
        continue
    census = json.load(open(os.path.join(out, "census-%s.json" % n)))
    mode = "in-process" if "the last command: in-process" in rest else "read-only"
    if census.get("mode") != mode:
        problems.append("stop %s: the JSON says %s, the setting %s" % (n, census.get("mode"), mode))
    if kind in ("malloc", "free", "PyObject_Malloc", "PyObject_Free", "gc") and mode != "read-only":
        problems.append("stop %s inside %s was read in-process" % (n, kind))
    inproc += mode == "in-process"
    refused += mode == "read-only"
if lines[-1] != "exited: 0":
    problems.append("the program did not exit with 0: %s" % lines[-1])
if problems:
    sys.exit("\n".join(problems))
print("%d stops: %d in-process, %d read-only" % (len(stops), inproc, refused))
EOF
		echo "$v: $summary"
		# where the stops fall is chance (a slower gdb, a busy collector): both kinds are
		# required over all the builds, not of each one
		inproc_all=$((inproc_all + $(sed -n 's/.*: \([0-9]*\) in-process.*/\1/p' <<<"$summary" | head -1) + 0))
		refused_all=$((refused_all + $(sed -n 's/.*, \([0-9]*\) read-only.*/\1/p' <<<"$summary" | head -1) + 0))
	done <<<"$pythons"
	echo "over all builds: $inproc_all stops in-process, $refused_all refused"
	[ "$inproc_all" -gt 0 ] && [ "$refused_all" -gt 0 ] || { echo "expected some of each"; failed=1; }
	[ "$failed" = 0 ]
}

@test "on one stop, in-process and read-only agree: the census type by type (before and after the graph), the same objects, every exact edge, and conservative edges made exact, on every build" {
	local pythons failed=0 v exe debug_dir out scenarios
	pythons=$(selected_pythons; python2_pythons)
	[ -n "$pythons" ] || skip "no supported CPython build found"
	while read -r v exe debug_dir; do
		case "$v" in 2.*) scenarios=zoo2 ;; *) scenarios="zoo service" ;; esac
		for scenario in $scenarios; do
			out=$BATS_TEST_TMPDIR/$v-$scenario
			run_scenario "$exe" "$CORPORA/$scenario/program.py" "$out" || { failed=1; continue; }
			# the census first: the agent counts in place; the graph then reads the references
			# on top of it, with the agent's edges
			live_gdb "${debug_dir:-}" "$SCENARIO_PID" -ex "py-leaks --census --top 0 --json $out/census-inprocess.json" \
				-ex 'show pyleaks inject' -ex "py-graph --labels $out/inprocess.graph" \
				-ex "py-leaks --census --top 0 --json $out/census-again.json" \
				-ex 'set pyleaks inject off' -ex "py-leaks --census --top 0 --json $out/census-readonly.json" \
				-ex "py-graph --labels $out/readonly.graph" -ex 'show pyleaks inject' >"$out/gdb.txt" 2>&1 ||
				{ echo "$v $scenario: gdb failed"; cat "$out/gdb.txt"; failed=1; }
			grep -q "the last command: in-process: .*; the agent counted [0-9]* objects in place, per type$" "$out/gdb.txt" ||
				{ echo "$v $scenario: the census was not taken in place:"; grep -i pyleaks "$out/gdb.txt"; failed=1; }
			"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_census_inprocess.py" "$out/census-inprocess.json" \
				"$out/census-readonly.json" >"$out/census.check" &&
				"$CHECK_PYTHON" "$CHECK" "$out/truth.json" "$CORPORA/$scenario/expected.json" \
					"$out/census-inprocess.json" >>"$out/census.check" &&
				"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_census_inprocess.py" "$out/census-again.json" \
					"$out/census-readonly.json" >>"$out/census.check" ||
				{ echo "$v $scenario: the census:"; cat "$out/census.check"; failed=1; }
			echo "# $v $scenario census: $(head -1 "$out/census.check")" >&3
			"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_inprocess.py" "$out/readonly.graph" "$out/inprocess.graph" ||
				{ echo "$v $scenario"; failed=1; }
			if [ "$scenario" != service ]; then
				"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_refs.py" "$out/referents.txt" "$out/inprocess.graph" >"$out/refs.check" ||
					{ echo "$v zoo: in-process graph vs gc.get_referents"; cat "$out/refs.check"; failed=1; }
			fi
			stop_scenario
		done
	done <<<"$pythons"
	[ "$failed" = 0 ]
}

@test "a census whose per-type tally cannot list every object read on top of it (5000 capsules) lists each instead, and agrees with read-only" {
	need_python 3.12
	local out=$BATS_TEST_TMPDIR/capsules
	run_scenario "$PY_EXE" "$TOP_SRCDIR/tests/capsules.py" "$out"
	live_gdb "" "$SCENARIO_PID" -ex "py-leaks --census --top 0 --json $out/inprocess.json" -ex 'show pyleaks inject' \
		-ex 'set pyleaks inject off' -ex "py-leaks --census --top 0 --json $out/readonly.json" >"$out/gdb.txt" 2>&1 ||
		{ cat "$out/gdb.txt"; false; }
	stop_scenario
	run grep "the last command: in-process" "$out/gdb.txt"
	assert_output --regexp "objects in place, each listed \(not per type alone: the in-process tally listed 4096 of the 50[0-9][0-9] objects of PyCapsule"
	run "$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_census_inprocess.py" "$out/inprocess.json" "$out/readonly.json"
	assert_success
	run "$CHECK_PYTHON" -c 'import json, sys; print(sum(t["count"] for t in json.load(open(sys.argv[1]))["types"] if t["name"] == "PyCapsule"))' "$out/inprocess.json"
	[ "$output" -ge 5000 ]
}

@test "py-refs of an asyncio Task: its coroutine by name, read-only (from _asyncio's DWARF) and in-process" {
	need_python 3.12
	local out=$BATS_TEST_TMPDIR/task task
	run_scenario "$PY_EXE" "$CORPORA/service/program.py" "$out"
	kill -STOP "$SCENARIO_PID"
	task=$("$PYLEAKS_CLI" leaks --pid "$SCENARIO_PID" --type _asyncio.Task | awk '/^  0x/ { print $1; exit }')
	run "$PYLEAKS_CLI" refs --pid "$SCENARIO_PID" "$task"
	assert_output --regexp "_coro +0x[0-9a-f]+ +coroutine"
	refute_output --partial "(conservative)"
	kill -CONT "$SCENARIO_PID"
	run live_gdb "" "$SCENARIO_PID" -ex "py-refs --json $out/task.json $task"
	assert_success
	assert_output --regexp "_coro +0x[0-9a-f]+ +coroutine"
	refute_output --partial "(conservative)"
	run "$CHECK_PYTHON" -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["mode"])' "$out/task.json"
	assert_output "in-process"
}

@test "set pyleaks inject: on refuses clearly where it is not safe, off stays read-only, show says what ran and why" {
	need_python 3.12
	local out=$BATS_TEST_TMPDIR/set
	mkdir -p "$out"
	PYLEAKS_BUSY_ROUNDS=300 run_scenario "$PY_EXE" "$CORPORA/busy/program.py" "$out"
	run live_gdb "" "$SCENARIO_PID" -ex 'set pyleaks inject on' -ex "shell touch $out/go" -ex 'tbreak malloc' -ex continue \
		-ex 'py-leaks --census --top 1' -ex 'py-leaks --max 1' -ex 'show pyleaks inject' -ex 'set pyleaks inject off' \
		-ex 'py-leaks --census --top 1' -ex 'show pyleaks inject' -ex 'help set pyleaks inject' -ex kill
	assert_output --partial "in-process mode refused: thread"
	# every command of the refused stop is refused, not only the first
	[ "$(grep -c "in-process mode refused: thread" <<<"$output")" = 2 ]
	assert_output --partial "pyleaks inject is on; the last command: refused (set pyleaks inject on): thread"
	assert_output --partial "is inside"
	assert_output --partial "pyleaks inject is off; the last command: read-only: set pyleaks inject off"
	assert_output --partial "auto (the default): only at a stop where it is safe"
	SCENARIO_PID=
}

@test "the agent loaded with gdb's compile, a missing agent, and cores: each says which mode and why" {
	need_python 3.12
	local out=$BATS_TEST_TMPDIR/modes dir
	run_scenario "$PY_EXE" "$CORPORA/registry/program.py" "$out"
	run live_gdb "" "$SCENARIO_PID" -ex 'show pyleaks inject-loader' -ex 'set pyleaks inject-loader compile' \
		-ex 'py-leaks --census --top 1' -ex 'show pyleaks inject'
	assert_success
	assert_output --partial "compile works here"
	assert_output --partial "the last command: in-process"
	stop_scenario
	run_scenario "$PY_EXE" "$CORPORA/registry/program.py" "$out"
	PYLEAKS_AGENT=/nonexistent/libpyleaks-agent.so run live_gdb "" "$SCENARIO_PID" -ex 'py-leaks --census --top 1 --json '"$out/ro.json"
	assert_success
	assert_output --partial "pyleaks: read-only: in-process mode failed: the in-process agent is not built"
	run "$CHECK_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["mode"])' "$out/ro.json"
	assert_output "read-only"
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	run pyleaks_gdb -ex "py-leaks --census --top 1 --json $out/core.json" -ex 'show pyleaks inject' "$PY_EXE" "$dir/core"
	assert_output --partial "the last command: read-only: a core file"
	run "$CHECK_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["mode"])' "$out/core.json"
	assert_output "read-only"
}
