#!/usr/bin/env bats
# gdb.bats - the py-leaks and py-referrers gdb commands on real cores and on live processes
# stopped under gdb.
load helpers

setup() {
	need_python 3.12
}

teardown() {
	stop_scenario
}

@test "help py-leaks documents the command and its options" {
	run pyleaks_gdb -ex 'help py-leaks'
	assert_success
	assert_output --partial "Usage: py-leaks"
	for opt in --max --census --retained --top --sort --type --json; do
		assert_output --partial -- "$opt"
	done
}

@test "py-leaks names the planted leak and py-leaks --census counts as the program did, for every scenario" {
	local scenario dir
	for scenario in $SCENARIOS; do
		dir=$(cached_core "$PY_VERSION" "$PY_EXE" "$scenario")
		run pyleaks_gdb -ex "py-leaks --json $BATS_TEST_TMPDIR/$scenario.suspects.json" \
			-ex "py-leaks --census --json $BATS_TEST_TMPDIR/$scenario.json" "$PY_EXE" "$dir/core"
		assert_success
		assert_output --partial "Python $PY_VERSION, core file"
		assert_output --partial "Suspect 1: "
		assert_output --partial "JSON report written to"
		run "$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_suspects.py" "$dir/truth.json" "$CORPORA/$scenario/expected.json" "$BATS_TEST_TMPDIR/$scenario.suspects.json"
		assert_success
		run "$CHECK_PYTHON" "$CHECK" "$dir/truth.json" "$CORPORA/$scenario/expected.json" "$BATS_TEST_TMPDIR/$scenario.json"
		assert_success
	done
}

@test "py-leaks and the CLI print the same reports" {
	local dir
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" listeners)
	pyleaks_gdb -ex 'py-leaks --max 3' -ex 'py-leaks --census --top 10 --sort size' -ex 'py-leaks --retained --top 5' \
		"$PY_EXE" "$dir/core" 2>/dev/null | sed -n '/^Python /,$p' >"$BATS_TEST_TMPDIR/gdb.txt"
	{
		"$PYLEAKS_CLI" suspects "$dir/core" --max 3
		"$PYLEAKS_CLI" leaks "$dir/core" --top 10 --sort size
		"$PYLEAKS_CLI" retained "$dir/core" --top 5
	} >"$BATS_TEST_TMPDIR/cli.txt"
	diff -u "$BATS_TEST_TMPDIR/cli.txt" "$BATS_TEST_TMPDIR/gdb.txt"
}

@test "py-leaks --census --type lists instances; later commands reuse the walk" {
	local dir
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" saveall)
	run pyleaks_gdb -ex 'py-leaks --census --top 1' -ex 'py-leaks --census --type Node' "$PY_EXE" "$dir/core"
	assert_success
	assert_output --partial "600 instances of __main__.Node:"
	assert_output --partial "gc.garbage: 1200 objects"
}

@test "py-leaks and py-referrers complete type names on Tab" {
	local dir
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	run pyleaks_gdb -ex 'complete py-leaks --census --type Sess' -ex 'complete py-referrers --type __main__.Ses' \
		-ex 'complete py-referrers --max 2 --type Sess' "$PY_EXE" "$dir/core"
	assert_success
	assert_output --partial "py-leaks --census --type Session"
	assert_output --partial "py-referrers --type __main__.Session"
	assert_output --partial "py-referrers --max 2 --type Session"
}

@test "py-leaks rejects bad options with a gdb error" {
	local dir
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	run pyleaks_gdb -ex 'py-leaks --census --sort weight' -ex 'py-leaks --census --top x' \
		-ex 'py-leaks --census --type Nope' -ex 'py-leaks --type Session' -ex 'py-leaks --top 3' \
		-ex 'py-leaks --census --retained' -ex 'py-leaks --retained --max 2' "$PY_EXE" "$dir/core"
	assert_output --partial "py-leaks: argument --sort: invalid choice: 'weight'"
	assert_output --partial "py-leaks: argument --top: expected a number, got 'x'"
	assert_output --partial "no object has type Nope"
	assert_output --partial "py-leaks: --type goes with --census"
	assert_output --partial "py-leaks: --top goes with --census, --retained or --since"
	assert_output --partial "not allowed with argument"
	assert_output --partial "py-leaks: --max is for the suspects"
}

@test "py-leaks without a process or core says what to do" {
	run pyleaks_gdb -ex 'py-leaks'
	assert_output --partial "no process or core file"
}

@test "stopped inside a collection: the objects on the collector's own lists are counted, and said to be" {
	# 500 two-object cycles, left to the collector; gdb stops where it is about to free them
	cat >"$BATS_TEST_TMPDIR/cycles.py" <<'PY'
import gc, os
class Cycle(object):
    pass
gc.disable()
for i in range(500):
    a, b = Cycle(), Cycle()
    a.other, b.other = b, a
del a, b
os.getppid()  # gdb stops here first, then inside the collector
gc.collect()
PY
	run timeout 120 gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' \
		-ex "source $TOP_SRCDIR/gdb/pyleaks-gdb.py" -ex 'set breakpoint pending on' \
		-ex 'break getppid' -ex run -ex 'break delete_garbage' -ex continue \
		-ex 'py-leaks --census --type __main__.Cycle' --args "$PY_EXE" "$BATS_TEST_TMPDIR/cycles.py"
	echo "$output"
	assert_output --partial "a garbage collection was running"
	assert_output --regexp "[0-9]+ objects are on the collector's own list '(final_unreachable|unreachable|collectable) in [a-z_]+'"
	assert_output --partial "1,000 instances of __main__.Cycle"
}

@test "py-leaks on a live process under gdb -p" {
	run_scenario "$PY_EXE" "$CORPORA/registry/program.py" "$BATS_TEST_TMPDIR/live"
	run timeout 120 gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' \
		-ex "source $TOP_SRCDIR/gdb/pyleaks-gdb.py" -ex "py-leaks --json $BATS_TEST_TMPDIR/suspects.json" \
		-ex "py-leaks --census --json $BATS_TEST_TMPDIR/live.json" -p "$SCENARIO_PID"
	assert_success
	assert_output --partial "Python $PY_VERSION, process $SCENARIO_PID"
	run "$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_suspects.py" "$BATS_TEST_TMPDIR/live/truth.json" "$CORPORA/registry/expected.json" "$BATS_TEST_TMPDIR/suspects.json"
	assert_success
	run "$CHECK_PYTHON" "$CHECK" "$BATS_TEST_TMPDIR/live/truth.json" "$CORPORA/registry/expected.json" "$BATS_TEST_TMPDIR/live.json"
	assert_success
	kill -0 "$SCENARIO_PID"
}

@test "a 2.7 process under gdb -p: py-leaks names the leak in-process, py-referrers its chain" {
	local v exe
	read -r v exe <<<"$(python2_pythons | tail -1)"
	[ -n "$v" ] || skip "no CPython 2.7 build with debug info under $(pyenv_root)/versions"
	run_scenario "$exe" "$CORPORA/registry/program.py" "$BATS_TEST_TMPDIR/live27"
	run timeout 120 gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' \
		-ex "source $TOP_SRCDIR/gdb/pyleaks-gdb.py" -ex "py-leaks --json $BATS_TEST_TMPDIR/suspects27.json" \
		-ex "py-referrers --type __main__.Session" -ex 'show pyleaks inject' -p "$SCENARIO_PID"
	assert_success
	assert_output --partial "Python $v, process $SCENARIO_PID (in-process: references from each type's tp_traverse)"
	assert_output --partial "5000 instances, root: module __main__"
	assert_output --partial "the last command: in-process: every thread is at a safe point"
	run "$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_suspects.py" "$BATS_TEST_TMPDIR/live27/truth.json" \
		"$CORPORA/registry/expected.json" "$BATS_TEST_TMPDIR/suspects27.json"
	assert_success
	kill -0 "$SCENARIO_PID"
}

@test "Ctrl-C during a long walk stops it cleanly: the session stays usable and the next command walks anew" {
	local out=$BATS_TEST_TMPDIR/heap pid gpid i
	mkdir -p "$out"
	"$PY_EXE" "$TOP_SRCDIR/bench/make_heap.py" 2000000 "$out" >"$out/stdout" 2>&1 &
	pid=$!
	for i in $(seq 1 600); do grep -q '^CHUNK' "$out/stdout" && break; sleep 0.2; done
	grep -q '^CHUNK' "$out/stdout" || { kill "$pid"; cat "$out/stdout"; return 1; }
	timeout 300 gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' \
		-ex "source $TOP_SRCDIR/gdb/pyleaks-gdb.py" -ex 'set pyleaks inject off' \
		-ex 'py-leaks --census --top 1' -ex 'py-leaks --census --top 1' -p "$pid" >"$out/gdb.txt" 2>&1 &
	gpid=$!
	# Ctrl-C once the first walk has shown progress (it has millions of objects to go)
	for i in $(seq 1 600); do grep -q 'objects walked' "$out/gdb.txt" && break; sleep 0.1; done
	kill -INT "$gpid"
	wait "$gpid" || true
	kill "$pid"
	cat "$out/gdb.txt"
	grep -q "pyleaks: interrupted (nothing of this walk is kept" "$out/gdb.txt"
	# the second command walked everything again and printed the whole census
	grep -q "tracked by the collector: 2,000,3[0-9][0-9]" "$out/gdb.txt"
	! grep -q "Exception ignored" "$out/gdb.txt"
}

@test "py-referrers shows the chain from module __main__ to a Session, by address or expression" {
	local dir s
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	s=$(instance_of "$dir/core" __main__.Session 3)
	run pyleaks_gdb -ex "py-referrers $s" -ex "py-referrers --max 1 --json $BATS_TEST_TMPDIR/r.json (PyObject *)$s" "$PY_EXE" "$dir/core"
	assert_success
	assert_output --partial "chain 1 (3 references), root: module __main__"
	assert_output --regexp "\['REGISTRY'\] +dict"
	assert_output --partial "JSON report written to"
	"$CHECK_PYTHON" -c 'import json,sys; r = json.load(open(sys.argv[1])); assert r["chains"][0]["root"]["name"] == "__main__"' "$BATS_TEST_TMPDIR/r.json"
	run pyleaks_gdb -ex 'help py-referrers' -ex 'py-referrers' -ex 'py-referrers --depth 0 1' -ex 'py-referrers nosuchvar' "$PY_EXE" "$dir/core"
	assert_output --partial "Usage: py-referrers"
	assert_output --partial "give an object (address or expression) or --type NAME"
	assert_output --partial "expected a number >= 1, got 0"
	assert_output --partial "cannot evaluate 'nosuchvar'"
}

@test "py-referrers --type merges the chains of all 5000 Sessions into one shape" {
	local dir
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	run pyleaks_gdb -ex 'py-referrers --type __main__.Session' -ex 'py-referrers --type Nope' "$PY_EXE" "$dir/core"
	assert_output --partial "__main__.Session: 5000 instances; their shortest chains from roots, merged by shape"
	assert_output --partial "5000 instances, root: module __main__"
	assert_output --regexp "\['REGISTRY'\] +dict"
	assert_output --regexp "\[\*\] +__main__\.Session"
	assert_output --partial "no object has type Nope"
}

@test "py-referrers on a live process under gdb -p: a worker thread's local; --dot writes a graph" {
	run_scenario "$PY_EXE" "$CORPORA/threads/program.py" "$BATS_TEST_TMPDIR/live"
	local line
	line=$("$CHECK_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["thread"]["line"])' "$BATS_TEST_TMPDIR/live/truth.json")
	run timeout 120 gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' \
		-ex "source $TOP_SRCDIR/gdb/pyleaks-gdb.py" \
		-ex "py-referrers --type __main__.Job --dot $BATS_TEST_TMPDIR/jobs.dot" \
		-ex "help py-referrers" -p "$SCENARIO_PID"
	assert_success
	assert_output --partial "3000 instances, root: thread 'worker'"
	assert_output --partial "in drain() at $CORPORA/threads/program.py:$line"
	assert_output --regexp "local pending +list"
	assert_output --partial "graphviz graph written to $BATS_TEST_TMPDIR/jobs.dot"
	for opt in --type --depth --max --fan-in --json --dot; do
		assert_output --partial -- "$opt"
	done
	grep -q 'label="local pending"' "$BATS_TEST_TMPDIR/jobs.dot"
	kill -0 "$SCENARIO_PID"
}
