#!/usr/bin/env bats
# census.bats - `pyleaks leaks` and `pyleaks suspects` on every corpora scenario under every
# supported CPython build on the machine, on real cores (gcore) and on stopped live processes:
# the counts must equal what each program counted for itself, and the top suspect must be the
# leak it planted, retaining within 10% of what it measured itself. Each check adds a line to
# the version x scenario matrix (tests/tmp/matrix.txt), which the last test prints.
load helpers

MATRIX=${PYLEAKS_MATRIX:-$PWD/tests/tmp/matrix.txt}

setup_file() {
	mkdir -p "$(dirname "$MATRIX")"
}

teardown() {
	stop_scenario
}

# census_check VERSION SCENARIO KIND OUTDIR TRUTH DEBUG_DIR TARGET...: run the CLI's census
# and suspects on TARGET (a core, or --pid PID) with --debug-dir DEBUG_DIR if given, compare
# with TRUTH (the census with the program's own counts, the top suspect with the leak it
# planted and measured), and record "VERSION SCENARIO KIND pass|fail (layout source)" in the
# matrix.
census_check() {
	local v=$1 scenario=$2 kind=$3 out=$4 truth=$5 debug_dir=$6
	shift 6
	local args=("$@")
	[ -z "$debug_dir" ] || args+=(--debug-dir "$debug_dir")
	local base=$out/$kind
	if timeout 120 "$PYLEAKS_CLI" leaks "${args[@]}" --json "$base.json" >"$base.txt" 2>"$base.err" &&
		"$CHECK_PYTHON" "$CHECK" "$truth" "$CORPORA/$scenario/expected.json" "$base.json" >"$base.check" &&
		timeout 120 "$PYLEAKS_CLI" suspects "${args[@]}" --json "$base.suspects.json" >"$base.suspects.txt" 2>>"$base.err" &&
		"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_suspects.py" "$truth" "$CORPORA/$scenario/expected.json" \
			"$base.suspects.json" >>"$base.check"; then
		printf '%s\t%s\t%s\tpass\t%s\n' "$v" "$scenario" "$kind" \
			"layout: $(sed -n 's/^runtime: .*(layout from \(.*\))$/\1/p' "$base.txt")" >>"$MATRIX"
		return 0
	fi
	printf '%s\t%s\t%s\tFAIL\n' "$v" "$scenario" "$kind" >>"$MATRIX"
	echo "--- $v $scenario $kind:"
	cat "$base.err" "$base.check" 2>/dev/null
	return 1
}

# census_scenario SCENARIO: every selected Python, on a core (and, if its layout came from a
# separate debug file, again with the debug files hidden) and on the stopped live process.
census_scenario() {
	local scenario=$1 failed=0 v exe debug_dir dir live
	local pythons only why ran=0
	pythons=$(selected_pythons; python2_pythons)
	[ -n "$pythons" ] || skip "no supported CPython build found under $(pyenv_root)/versions"
	mkdir -p "$BATS_TEST_TMPDIR/no-debug-files"
	while read -r v exe debug_dir; do
		# a scenario for one major version only says so, and why, in its expected.json
		only=python$([ "${v%%.*}" = 2 ] && echo 3 || echo 2)_only
		why=$("$CHECK_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' \
			"$CORPORA/$scenario/expected.json" "$only")
		if [ -n "$why" ]; then
			printf '%s\t%s\t-\tskip (%s: %s)\n' "$v" "$scenario" "$only" "$why" >>"$MATRIX"
			continue
		fi
		ran=$((ran + 1))
		if ! dir=$(cached_core "$v" "$exe" "$scenario"); then
			printf '%s\t%s\tcore\tFAIL (could not take a core)\n' "$v" "$scenario" >>"$MATRIX"
			failed=1
			continue
		fi
		census_check "$v" "$scenario" core "$dir" "$dir/truth.json" "${debug_dir:-}" "$dir/core" || failed=1
		if grep -q '(layout from DWARF of ' "$dir/core.txt" 2>/dev/null; then
			census_check "$v" "$scenario" core-without-debug-files "$dir" "$dir/truth.json" \
				"$BATS_TEST_TMPDIR/no-debug-files" "$dir/core" || failed=1
			grep -q '(layout from built-in table of ' "$dir/core-without-debug-files.txt" ||
				{ echo "$v: built-in tables not used"; failed=1; }
		fi
		live=$BATS_TEST_TMPDIR/live-$v-$scenario
		if run_scenario "$exe" "$CORPORA/$scenario/program.py" "$live"; then
			kill -STOP "$SCENARIO_PID"
			census_check "$v" "$scenario" live "$live" "$live/truth.json" "${debug_dir:-}" --pid "$SCENARIO_PID" || failed=1
			stop_scenario
		else
			printf '%s\t%s\tlive\tFAIL (could not start)\n' "$v" "$scenario" >>"$MATRIX"
			failed=1
		fi
	done <<<"$pythons"
	[ "$ran" -gt 0 ] || skip "no build here runs $scenario (see the matrix for why)"
	[ "$failed" = 0 ]
}

@test "census of registry: Session count and total match the program's own count" {
	census_scenario registry
}

@test "census of slots: __slots__ instances and nested qualnames" {
	census_scenario slots
}

@test "census of saveall: gc.garbage contents" {
	census_scenario saveall
}

@test "census of frozen: the permanent generation is walked" {
	census_scenario frozen
}

@test "census of chains: caches, closures and bound methods" {
	census_scenario chains
}

@test "census of zoo: every kind of object pyleaks decodes" {
	census_scenario zoo
}

@test "census of zoo2: Python 2.7's zoo" {
	census_scenario zoo2
}

@test "census of threads: objects held by a worker thread's local" {
	census_scenario threads
}

@test "census of cycle: a ring reached from the module, and garbage only a cycle keeps" {
	census_scenario cycle
}

@test "census of linkedlist: 100,000 nodes" {
	census_scenario linkedlist
}

@test "census of refleak: objects held only from C" {
	census_scenario refleak
}

@test "census of bytescache: the memory is in untracked bytes" {
	census_scenario bytescache
}

@test "census of gcoff: cycles pile up with the collector disabled" {
	census_scenario gcoff
}

@test "census of listeners: bound methods never unsubscribed, next to a large table" {
	census_scenario listeners
}

@test "census of split: one leak over two containers of one kind" {
	census_scenario split
}

@test "Debian sid's CPython 3.13, 3.14 and 3.15 are in the matrix" {
	local cache
	cache=$(debian_sid_cache)
	[ -s "$cache/manifest" ] || skip "Debian sid builds not fetched: $(cat "$cache/status" 2>/dev/null || echo "run tests/fetch-debian-pythons")"
	run awk '{print $1}' "$cache/manifest"
	assert_output --regexp "3\.13\.[0-9]+"
	assert_output --regexp "3\.14\.[0-9]+"
	assert_output --regexp "3\.15\.[0-9]+"
}

@test "census text report names the suspect with its count" {
	local dir
	need_python 3.12
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	run "$PYLEAKS_CLI" leaks "$dir/core" --top 5
	assert_success
	assert_output --partial "Python 3.12"
	assert_output --regexp "5,000 +[0-9.]+ [KM]iB +__main__\.Session"
	assert_output --partial "gc.garbage: 0 objects"
}

@test "matrix: version x scenario, with what was skipped and why" {
	[ -s "$MATRIX" ] || skip "no matrix lines (PYLEAKS_ONLY selected nothing?)"
	{
		echo "version x scenario (core, core without debug files, live process):"
		sort -V "$MATRIX" | column -t -s "$(printf '\t')"
		skipped_pythons | sed 's/^/skipped: /'
	} | sed 's/^/# /' >&3
	run grep -c FAIL "$MATRIX"
	assert_output 0
}
