#!/usr/bin/env bats
# suspects.bats - what py-leaks names as the leak: the dominator tree and the retained sizes
# it gives (checked against an independent computation), on every supported build.
load helpers

@test "dominators: every object's immediate dominator and retained size as an independent algorithm finds them, on every build" {
	local failed=0 v exe debug_dir dir scenario out
	while read -r v exe debug_dir; do
		for scenario in registry chains threads refleak; do
			dir=$(cached_core "$v" "$exe" $scenario) || { failed=1; continue; }
			out=$BATS_TEST_TMPDIR/$v-$scenario
			"$PYLEAKS_CLI" graph "$dir/core" --dominators --json "$out.graph" \
				${debug_dir:+--debug-dir "$debug_dir"} || { echo "$v $scenario: pyleaks graph failed"; failed=1; continue; }
			if "$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_dominators.py" "$out.graph" >"$out.check"; then
				echo "# $v $scenario: $(cat "$out.check")" >&3
			else
				echo "$v $scenario:"
				cat "$out.check"
				failed=1
			fi
		done
	done < <(selected_pythons; python2_pythons)
	[ "$failed" = 0 ]
}
