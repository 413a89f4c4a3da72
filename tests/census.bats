#!/usr/bin/env bats
# census.bats - `pyleaks leaks` on real cores of every corpora scenario, for every supported
# CPython build on the machine: the counts must equal what each program counted for itself.
load helpers

MATRIX=${PYLEAKS_MATRIX:-$PWD/tests/tmp/matrix.txt}

setup_file() {
	mkdir -p "$(dirname "$MATRIX")"
}

# census_check LABEL SCENARIO DIR DEBUG_DIR: run the CLI on DIR/core (with --debug-dir DEBUG_DIR
# if given), compare with the program's truth, and record a matrix line.
census_check() {
	local v=$1 scenario=$2 dir=$3 debug_dir=$4
	local args=()
	[ -z "$debug_dir" ] || args=(--debug-dir "$debug_dir")
	if timeout 120 "$PYLEAKS_CLI" leaks "$dir/core" "${args[@]}" --json "$dir/cli.json" >"$dir/cli.txt" 2>"$dir/cli.err" &&
		"$CHECK_PYTHON" "$CHECK" "$dir/truth.json" "$CORPORA/$scenario/expected.json" "$dir/cli.json" >"$dir/check.txt"; then
		echo "$v $scenario pass ($(sed -n 's/^runtime: .*(layout from \(.*\))$/\1/p' "$dir/cli.txt" | cut -c1-60))" >>"$MATRIX"
		return 0
	fi
	echo "$v $scenario fail" >>"$MATRIX"
	echo "--- $v $scenario:"
	cat "$dir/cli.err" "$dir/check.txt" 2>/dev/null
	return 1
}

# census_scenario SCENARIO: check every selected Python; record one matrix line per version.
census_scenario() {
	local scenario=$1 failed=0 v exe dir
	local pythons
	pythons=$(selected_pythons)
	[ -n "$pythons" ] || skip "no supported CPython build found under $(pyenv_root)/versions"
	while read -r v exe debug_dir; do
		if ! dir=$(cached_core "$v" "$exe" "$scenario"); then
			echo "$v $scenario fail (could not take a core)" >>"$MATRIX"
			failed=1
			continue
		fi
		census_check "$v" "$scenario" "$dir" "${debug_dir:-}" || failed=1
		# A build whose layout came from a separate debug file must give the same census
		# with the debug files hidden (built-in tables).
		if grep -q '(layout from DWARF of ' "$dir/cli.txt" 2>/dev/null; then
			mkdir -p "$BATS_TEST_TMPDIR/no-debug-files"
			census_check "$v(no-debug-files)" "$scenario" "$dir" "$BATS_TEST_TMPDIR/no-debug-files" || failed=1
			grep -q '(layout from built-in table of ' "$dir/cli.txt" || { echo "$v: tables not used"; failed=1; }
		fi
	done <<<"$pythons"
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

@test "Debian sid's CPython 3.13 and 3.14 are in the matrix" {
	local cache
	cache=$(debian_sid_cache)
	[ -s "$cache/manifest" ] || skip "Debian sid builds not fetched: $(cat "$cache/status" 2>/dev/null || echo "run tests/fetch-debian-pythons")"
	run awk '{print $1}' "$cache/manifest"
	assert_output --regexp "3\.13\.[0-9]+"
	assert_output --regexp "3\.14\.[0-9]+"
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
