#!/usr/bin/env bats
# remote.bats - a process behind gdbserver (gdb -ex 'target remote HOST:PORT'): pyleaks reads it
# through gdb's own memory reads, read-only. The census and the suspects must be what the
# program counted, on every build, and the same as a local read of the same stopped process.
load helpers

setup() {
	command -v gdbserver >/dev/null || skip "gdbserver is not installed (scripts/setup installs it)"
}

teardown() {
	[ -z "${GDBSERVER_PID:-}" ] || kill "$GDBSERVER_PID" 2>/dev/null || true
	stop_scenario
}

# start_gdbserver PID LOG: attach gdbserver to PID on a free loopback port; sets GDBSERVER_PORT.
start_gdbserver() {
	local pid=$1 log=$2 port i
	for i in $(seq 1 20); do
		port=$((20000 + (RANDOM % 20000)))
		gdbserver --attach "127.0.0.1:$port" "$pid" >"$log" 2>&1 &
		GDBSERVER_PID=$!
		for _ in $(seq 1 50); do
			grep -q "Listening on port $port" "$log" && { GDBSERVER_PORT=$port; return 0; }
			kill -0 "$GDBSERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill "$GDBSERVER_PID" 2>/dev/null || true
		wait "$GDBSERVER_PID" 2>/dev/null || true
	done
	echo "gdbserver did not start:"
	cat "$log"
	return 1
}

# remote_gdb DEBUG_DIR ARGS...: gdb connected to the gdbserver, with pyleaks, files read locally.
remote_gdb() {
	local debug_dir=$1
	shift
	local iex=()
	[ -z "$debug_dir" ] || iex=(-iex "set debug-file-directory $debug_dir")
	timeout 300 gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' -iex 'set sysroot /' \
		"${iex[@]}" -ex "source $TOP_SRCDIR/gdb/pyleaks-gdb.py" -ex "target remote 127.0.0.1:$GDBSERVER_PORT" "$@"
}

@test "py-leaks through gdbserver counts as the program did and names its leak, on every build" {
	local pythons failed=0 v exe debug_dir out
	pythons=$(selected_pythons; python2_pythons)
	[ -n "$pythons" ] || skip "no supported CPython build found"
	while read -r v exe debug_dir; do
		out=$BATS_TEST_TMPDIR/$v
		run_scenario "$exe" "$CORPORA/registry/program.py" "$out" || { failed=1; continue; }
		start_gdbserver "$SCENARIO_PID" "$out/gdbserver.log" || { failed=1; stop_scenario; continue; }
		if ! remote_gdb "${debug_dir:-}" -ex "py-leaks --json $out/suspects.json" \
			-ex "py-leaks --census --json $out/census.json" >"$out/gdb.txt" 2>&1; then
			echo "$v: gdb failed"
			cat "$out/gdb.txt"
			failed=1
		elif ! grep -q "^Python .*, remote process $SCENARIO_PID (127.0.0.1:$GDBSERVER_PORT)" "$out/gdb.txt"; then
			echo "$v: the report does not name the remote process"
			failed=1
		else
			"$CHECK_PYTHON" "$CHECK" "$out/truth.json" "$CORPORA/registry/expected.json" "$out/census.json" >"$out/check" &&
				"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_suspects.py" "$out/truth.json" "$CORPORA/registry/expected.json" \
					"$out/suspects.json" >>"$out/check" || { echo "$v:"; cat "$out/check"; failed=1; }
		fi
		wait "$GDBSERVER_PID" 2>/dev/null || true
		GDBSERVER_PID=
		stop_scenario
	done <<<"$pythons"
	[ "$failed" = 0 ]
}

@test "through gdbserver, the census, suspects and referrers are those of a local read of the same stopped process" {
	need_python 3.12
	local out=$BATS_TEST_TMPDIR/r s
	run_scenario "$PY_EXE" "$CORPORA/chains/program.py" "$out"
	start_gdbserver "$SCENARIO_PID" "$out/gdbserver.log"
	remote_gdb "" -ex 'py-leaks --max 3' -ex 'py-leaks --census --top 15' -ex 'py-referrers --type User' \
		2>/dev/null | sed -n '/^Python /,$p' | grep -v '^\[Inferior ' | sed "s/remote process $SCENARIO_PID (127.0.0.1:$GDBSERVER_PORT)/process $SCENARIO_PID/" \
		>"$out/remote.txt"
	wait "$GDBSERVER_PID" 2>/dev/null || true
	GDBSERVER_PID=
	kill -STOP "$SCENARIO_PID"
	{
		"$PYLEAKS_CLI" suspects --pid "$SCENARIO_PID" --max 3
		"$PYLEAKS_CLI" leaks --pid "$SCENARIO_PID" --top 15
		"$PYLEAKS_CLI" referrers --pid "$SCENARIO_PID" --type User
	} >"$out/local.txt"
	diff -u "$out/local.txt" "$out/remote.txt"
	grep -q "^Suspect 1: " "$out/remote.txt"
}

@test "a remote target whose mappings gdb cannot list gets a clear error" {
	need_python 3.12
	local out=$BATS_TEST_TMPDIR/e
	run_scenario "$PY_EXE" "$CORPORA/registry/program.py" "$out"
	start_gdbserver "$SCENARIO_PID" "$out/gdbserver.log"
	# without /proc access on the remote side gdb has no mappings; simulate it with a target
	# description that lies: gdb's 'info proc mappings' for another pid fails
	run remote_gdb "" -ex 'python import gdb; gdb.execute = (lambda real: (lambda cmd, *a, **k: "" if cmd.startswith("info proc mappings") else real(cmd, *a, **k)))(gdb.execute)' \
		-ex 'py-leaks --census --top 1'
	assert_output --partial "gdb cannot list the remote process's mappings"
}
