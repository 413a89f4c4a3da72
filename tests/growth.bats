#!/usr/bin/env bats
# growth.bats - growth between stops and between cores: corpora/growth leaks K Requests per
# loop iteration and stops in getppid() at the end of each; gdb attaches, snapshots at stop 1,
# and at stop 3 py-leaks --since must show exactly 2K more Requests, all new, and --new must
# list exactly the addresses the program wrote down. The same from two cores of those stops
# (pyleaks diff), from a snapshot file (pyleaks growth, py-leaks --load), on every build.
load helpers

K=250

teardown() {
	stop_scenario
}

# growth_session VERSION EXE DEBUG_DIR OUT: run corpora/growth under gdb (attached), snapshot at
# stop 1 (saved to OUT/one.snap, cored to OUT/core1), report at stop 3 (OUT/since.json, cored
# to OUT/core3), detach; the program must then finish on its own.
growth_session() {
	local v=$1 exe=$2 debug_dir=$3 out=$4
	local iex=()
	[ -z "$debug_dir" ] || iex=(-iex "set debug-file-directory $debug_dir")
	PYLEAKS_GROWTH_K=$K run_scenario "$exe" "$CORPORA/growth/program.py" "$out" || return 1
	timeout 300 gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' "${iex[@]}" \
		-ex "source $TOP_SRCDIR/gdb/pyleaks-gdb.py" -ex 'break getppid' -ex "shell touch $out/go" \
		-ex continue -ex "py-leaks --snapshot one --save $out/one.snap" -ex "gcore $out/core1" \
		-ex continue -ex continue \
		-ex "py-leaks --since one --top 5 --new Request --json $out/since.json" \
		-ex "gcore $out/core3" -ex 'py-leaks --snapshots' \
		-p "$SCENARIO_PID" >"$out/gdb.txt" 2>&1 || { cat "$out/gdb.txt"; return 1; }
	local i
	for i in $(seq 1 300); do
		grep -q '^DONE' "$out/stdout" && break
		sleep 0.1
	done
	grep -q "^DONE $((5 * K)) requests" "$out/stdout" || { echo "$v: the program did not finish after gdb detached"; cat "$out/stderr"; return 1; }
	SCENARIO_PID=
}

@test "py-leaks --since shows exactly the Requests made between two stops, and --new lists them, on every build" {
	local pythons failed=0 v exe debug_dir out args
	pythons=$(selected_pythons; python2_pythons)
	[ -n "$pythons" ] || skip "no supported CPython build found"
	while read -r v exe debug_dir; do
		out=$BATS_TEST_TMPDIR/$v
		if ! growth_session "$v" "$exe" "${debug_dir:-}" "$out"; then
			failed=1
			continue
		fi
		grep -q "snapshot 'one': [0-9,]* objects of process" "$out/gdb.txt" || { echo "$v: no snapshot line"; failed=1; }
		grep -q "^one: [0-9,]* objects, of process" "$out/gdb.txt" || { echo "$v: --snapshots does not list it"; failed=1; }
		grep -q "^since snapshot 'one' (process" "$out/gdb.txt" || { echo "$v: no growth report"; failed=1; }
		"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_growth.py" "$out/growth.txt" "$out/since.json" 1 3 ||
			{ echo "$v: py-leaks --since"; failed=1; }
		# the same from the cores of those two stops, and from the saved snapshot
		args=()
		[ -z "${debug_dir:-}" ] || args=(--debug-dir "$debug_dir")
		"$PYLEAKS_CLI" diff "$out/core1" "$out/core3" --new Request --json "$out/diff.json" "${args[@]}" >"$out/diff.txt" &&
			"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_growth.py" "$out/growth.txt" "$out/diff.json" 1 3 ||
			{ echo "$v: pyleaks diff"; failed=1; }
		"$PYLEAKS_CLI" growth "$out/core3" --since "$out/one.snap" --new Request --json "$out/growth.json" "${args[@]}" >/dev/null &&
			"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_growth.py" "$out/growth.txt" "$out/growth.json" 1 3 ||
			{ echo "$v: pyleaks growth --since FILE"; failed=1; }
	done <<<"$pythons"
	[ "$failed" = 0 ]
}

@test "py-leaks --since --load reads a saved snapshot in another gdb session; text and JSON agree with the CLI" {
	need_python 3.12
	local out=$BATS_TEST_TMPDIR/s
	growth_session "$PY_VERSION" "$PY_EXE" "" "$out"
	run pyleaks_gdb -ex "py-leaks --since first --load $out/one.snap --new Request --json $out/load.json" \
		-ex 'py-leaks --snapshots' "$PY_EXE" "$out/core3"
	assert_success
	assert_output --partial "since snapshot 'one' (process"
	assert_output --partial "first: "
	assert_output --partial "read from $out/one.snap"
	run "$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_growth.py" "$out/growth.txt" "$out/load.json" 1 3
	assert_success
	pyleaks_gdb -ex "py-leaks --since x --load $out/one.snap --top 0" "$PY_EXE" "$out/core3" 2>/dev/null |
		sed -n '/^Python /,$p' >"$BATS_TEST_TMPDIR/gdb.txt"
	"$PYLEAKS_CLI" growth "$out/core3" --since "$out/one.snap" --top 0 >"$BATS_TEST_TMPDIR/cli.txt"
	diff -u "$BATS_TEST_TMPDIR/cli.txt" "$BATS_TEST_TMPDIR/gdb.txt"
	# diff of a core with itself: nothing changed
	run "$PYLEAKS_CLI" diff "$out/core3" "$out/core3"
	assert_success
	assert_output --partial "No type changed"
	assert_output --partial "; 0 new"
}

@test "help py-leaks documents the growth options" {
	run pyleaks_gdb -ex 'help py-leaks'
	assert_success
	for opt in --snapshot --since --save --load --new --snapshots; do
		assert_output --partial -- "$opt"
	done
	for cmd in snapshot growth diff; do
		run "$PYLEAKS_CLI" "$cmd" --help
		assert_success
		assert_output --partial "pyleaks $cmd C"
	done
}

@test "py-leaks: growth options that do not fit and unknown snapshots are refused clearly" {
	need_python 3.12
	local dir
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	run pyleaks_gdb -ex 'py-leaks --since nothing' "$PY_EXE" "$dir/core"
	assert_output --partial "no snapshot named 'nothing' (taken: none yet"
	run pyleaks_gdb -ex 'py-leaks --save /tmp/x' "$PY_EXE" "$dir/core"
	assert_output --partial -- "--save goes with --snapshot"
	run pyleaks_gdb -ex 'py-leaks --census --since a' "$PY_EXE" "$dir/core"
	assert_output --partial -- "not allowed with argument"
	run pyleaks_gdb -ex 'py-leaks --new Session' "$PY_EXE" "$dir/core"
	assert_output --partial -- "--new goes with --since"
	run pyleaks_gdb -ex 'py-leaks --snapshot a --json /tmp/x' "$PY_EXE" "$dir/core"
	assert_output --partial -- "--json goes with a report"
	run pyleaks_gdb -ex 'py-leaks --snapshot a --max 3' "$PY_EXE" "$dir/core"
	assert_output --partial -- "--max is for the suspects"
	run pyleaks_gdb -ex 'py-leaks --snapshot a' -ex 'py-leaks --since a --new NoSuchType' "$PY_EXE" "$dir/core"
	assert_output --partial "no object has type NoSuchType"
}

@test "pyleaks snapshot, growth and diff: errors are clear, damaged snapshot files refused, never a crash" {
	need_python 3.12
	local dir other
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	other=$(cached_core "$PY_VERSION" "$PY_EXE" zoo)
	# two different programs: everything in the second is new
	run "$PYLEAKS_CLI" diff "$dir/core" "$other/core" --top 3 --new Plain
	assert_success
	assert_output --partial "since snapshot '$dir/core'"
	assert_output --partial "new instances of __main__.Plain"
	run "$PYLEAKS_CLI" growth "$dir/core"
	assert_failure 2
	assert_output --partial "give the snapshot to compare with (--since FILE)"
	run "$PYLEAKS_CLI" snapshot "$dir/core"
	assert_failure 2
	assert_output --partial "--save FILE"
	run "$PYLEAKS_CLI" diff "$dir/core"
	assert_failure 2
	assert_output --partial "give two core files"
	run "$PYLEAKS_CLI" snapshot "$dir/core" --save "$BATS_TEST_TMPDIR/s" --top 3
	assert_failure 2
	assert_output --partial -- "--top does not go with this command"
	run "$PYLEAKS_CLI" growth "$dir/core" --since /nonexistent/snap
	assert_failure 1
	assert_output --partial "/nonexistent/snap"
	run "$PYLEAKS_CLI" growth "$dir/core" --since "$dir/truth.json"
	assert_failure 1
	assert_output --partial "not a pyleaks snapshot"

	# a snapshot cut short, or with a byte flipped in its counts, is refused, not trusted
	"$PYLEAKS_CLI" snapshot "$dir/core" --save "$BATS_TEST_TMPDIR/good.snap"
	local size
	size=$(stat -c %s "$BATS_TEST_TMPDIR/good.snap")
	head -c $((size / 2)) "$BATS_TEST_TMPDIR/good.snap" >"$BATS_TEST_TMPDIR/cut.snap"
	run "$PYLEAKS_CLI" growth "$dir/core" --since "$BATS_TEST_TMPDIR/cut.snap"
	assert_failure 1
	assert_output --partial "a broken snapshot"
	run "$CHECK_PYTHON" - "$BATS_TEST_TMPDIR/good.snap" "$BATS_TEST_TMPDIR" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
for i, pos in enumerate(range(16, min(len(data), 400), 7)):
    bad = bytearray(data)
    bad[pos] ^= 0xFF
    open("%s/flip%d.snap" % (sys.argv[2], i), "wb").write(bytes(bad))
EOF
	assert_success
	local f
	for f in "$BATS_TEST_TMPDIR"/flip*.snap; do
		run "$PYLEAKS_CLI" growth "$dir/core" --since "$f"
		# a flip may land in a name or a count and still be a valid file; it must never crash
		[ "$status" -eq 0 ] || [ "$status" -eq 1 ] || { echo "$f: exit $status"; echo "$output"; false; }
	done
}
