#!/usr/bin/env bats
# census.bats - `pyleaks leaks` on real cores of every corpora scenario, for every supported
# CPython build on the machine: the counts must equal what each program counted for itself.
load helpers

MATRIX=${PYLEAKS_MATRIX:-$PWD/tests/tmp/matrix.txt}

setup_file() {
	mkdir -p "$(dirname "$MATRIX")"
}

# census_scenario SCENARIO: check every selected Python; record one matrix line per version.
census_scenario() {
	local scenario=$1 failed=0 v exe dir
	local pythons
	pythons=$(selected_pythons)
	[ -n "$pythons" ] || skip "no supported CPython build found under $(pyenv_root)/versions"
	while read -r v exe; do
		if ! dir=$(cached_core "$v" "$exe" "$scenario"); then
			echo "$v $scenario fail (could not take a core)" >>"$MATRIX"
			failed=1
			continue
		fi
		if timeout 120 "$PYLEAKS_CLI" leaks "$dir/core" --json "$dir/cli.json" >"$dir/cli.txt" 2>"$dir/cli.err" &&
			"$CHECK_PYTHON" "$CHECK" "$dir/truth.json" "$CORPORA/$scenario/expected.json" "$dir/cli.json" >"$dir/check.txt"; then
			echo "$v $scenario pass" >>"$MATRIX"
		else
			echo "$v $scenario fail" >>"$MATRIX"
			echo "--- $v $scenario:"
			cat "$dir/cli.err" "$dir/check.txt" 2>/dev/null
			failed=1
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
