#!/usr/bin/env bats
# refs.bats - `pyleaks refs`: the outgoing references of one object, labelled, for every
# supported build: a registry Session's attributes (in every instance-dict encoding CPython has
# used), a dict's items and keys, a list's items.
load helpers

# ref_of TEXT LABEL: the address the reference LABEL points at, from a text report
ref_of() {
	printf '%s\n' "$1" | awk -v l="$2" '$1 == l { print $2; exit }'
}

@test "a Session's attributes, its headers dict and its history list, on every build" {
	local failed=0 v exe debug_dir dir s out headers history
	while read -r v exe debug_dir; do
		dir=$(cached_core "$v" "$exe" registry) || { failed=1; continue; }
		s=$(instance_of "$dir/core" __main__.Session 7)
		out=$("$PYLEAKS_CLI" refs "$dir/core" "$s" ${debug_dir:+--debug-dir "$debug_dir"}) ||
			{ echo "$v: refs failed"; failed=1; continue; }
		for want in "__class__ type" ".id int" ".user str" ".headers dict" ".history list"; do
			printf '%s\n' "$out" | awk -v l="${want% *}" -v t="${want#* }" '$1 == l && $3 == t { f = 1 } END { exit !f }' ||
				{ echo "$v: no '$want' in:"; echo "$out"; failed=1; }
		done
		headers=$(ref_of "$out" .headers)
		out=$("$PYLEAKS_CLI" refs "$dir/core" "$headers" ${debug_dir:+--debug-dir "$debug_dir"})
		for want in "['x-request-id'] str" "['accept'] str"; do
			printf '%s\n' "$out" | grep -qF "  ${want% *} " || { echo "$v: headers lack ${want% *}:"; echo "$out"; failed=1; }
		done
		printf '%s\n' "$out" | grep -q "^  key 'accept' " || { echo "$v: no key ref"; failed=1; }
		history=$(ref_of "$("$PYLEAKS_CLI" refs "$dir/core" "$s" ${debug_dir:+--debug-dir "$debug_dir"})" .history)
		out=$("$PYLEAKS_CLI" refs "$dir/core" "$history" ${debug_dir:+--debug-dir "$debug_dir"})
		printf '%s\n' "$out" | grep -q "^  \[0\] .* int$" && printf '%s\n' "$out" | grep -q "^  \[1\] .* int$" ||
			{ echo "$v: history items:"; echo "$out"; failed=1; }
	done < <(selected_pythons; python2_pythons)
	[ "$failed" = 0 ]
}

@test "refs --json and the errors" {
	need_python 3.12
	local dir s
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	s=$(instance_of "$dir/core" __main__.Session 7)
	run "$PYLEAKS_CLI" refs "$dir/core" "$s" --json -
	assert_success
	printf '%s' "$output" | "$CHECK_PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
assert r["schema"] == 1 and r["object"]["type"] == "__main__.Session", r["object"]
labels = {x["label"]: x["type"] for x in r["references"]}
assert labels[".headers"] == "dict" and labels["__class__"] == "type", labels
'
	run "$PYLEAKS_CLI" refs "$dir/core"
	assert_failure 2
	assert_output --partial "give the object's address"
	run "$PYLEAKS_CLI" refs "$dir/core" nonsense
	assert_failure 2
	run "$PYLEAKS_CLI" refs "$dir/core" 0x10
	assert_failure 1
	assert_output --partial "pyleaks: error: cannot read object header at 0x10"
	run "$PYLEAKS_CLI" refs --help
	assert_success
	assert_output --partial "Usage: pyleaks refs CORE ADDRESS"
}

# refs_of CORE ADDR [DEBUG_DIR]: the text refs of one object
refs_of() {
	"$PYLEAKS_CLI" refs "$1" "$2" ${3:+--debug-dir "$3"}
}

@test "__slots__ through the MRO, a set, a function's globals and a class's fields, on every build" {
	need_selected_pythons
	local failed=0 v exe debug_dir dir t out main_dict fn set cls
	while read -r v exe debug_dir; do
		dir=$(cached_core "$v" "$exe" slots) || { failed=1; continue; }
		t=$(instance_of "$dir/core" __main__.Tagged 1)
		out=$(refs_of "$dir/core" "$t" "$debug_dir")
		for want in ".tag str" ".label NoneType" ".x int" ".y int" "__class__ type"; do
			printf '%s\n' "$out" | awk -v l="${want% *}" -v ty="${want#* }" '$1 == l && $3 == ty { f = 1 } END { exit !f }' ||
				{ echo "$v: Tagged lacks '$want':"; echo "$out"; failed=1; }
		done
		cls=$(ref_of "$out" __class__)
		out=$(refs_of "$dir/core" "$cls" "$debug_dir")
		for want in "__dict__ " "__mro__ " "__bases__ " "__base__ "; do
			printf '%s\n' "$out" | grep -q "^  $want" || { echo "$v: class lacks $want"; echo "$out"; failed=1; }
		done
		"$PYLEAKS_CLI" referrers "$dir/core" "$t" --json "$BATS_TEST_TMPDIR/r.json" ${debug_dir:+--debug-dir "$debug_dir"} >/dev/null
		main_dict=$("$CHECK_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["chains"][0]["path"][1]["address"])' "$BATS_TEST_TMPDIR/r.json")
		out=$(refs_of "$dir/core" "$main_dict" "$debug_dir")
		set=$(ref_of "$out" "['SEEN']")
		[ "$(refs_of "$dir/core" "$set" "$debug_dir" | grep -c '^  {item} .* __main__\.Geometry\.Point$')" = 2 ] ||
			{ echo "$v: SEEN set:"; refs_of "$dir/core" "$set" "$debug_dir"; failed=1; }
		fn=$(printf '%s\n' "$out" | awk '$1 == "['"'"'Tagged'"'"']" { print $2 }')
		cls=$(ref_of "$(refs_of "$dir/core" "$fn" "$debug_dir")" __dict__)
		fn=$(ref_of "$(refs_of "$dir/core" "$cls" "$debug_dir")" "['__init__']")
		[ "$(ref_of "$(refs_of "$dir/core" "$fn" "$debug_dir")" __globals__)" = "$main_dict" ] ||
			{ echo "$v: Tagged.__init__.__globals__ is not __main__'s dict:"; refs_of "$dir/core" "$fn" "$debug_dir"; failed=1; }
	done < <(selected_pythons)
	[ "$failed" = 0 ]
}

# graph_check V EXE CORE_DIR [DEBUG_DIR]: the graph of the zoo core against its referents dump
graph_check() {
	local v=$1 dir=$2 debug_dir=${3:-}
	"$PYLEAKS_CLI" graph "$dir/core" --labels --json "$BATS_TEST_TMPDIR/$v.graph" \
		${debug_dir:+--debug-dir "$debug_dir"} || { echo "$v: pyleaks graph failed"; return 1; }
	"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_refs.py" "$dir/referents.txt" "$BATS_TEST_TMPDIR/$v.graph" >"$BATS_TEST_TMPDIR/$v.check" ||
		{ echo "$v:"; cat "$BATS_TEST_TMPDIR/$v.check"; return 1; }
	echo "# $v: $(cat "$BATS_TEST_TMPDIR/$v.check")" >&3
}

@test "zoo: every reference the interpreter's own tp_traverse visits is an edge, on every build" {
	need_selected_pythons
	local failed=0 v exe debug_dir dir
	while read -r v exe debug_dir; do
		dir=$(cached_core "$v" "$exe" zoo) || { failed=1; continue; }
		[ -s "$dir/referents.txt" ] || { echo "$v: the zoo wrote no referents.txt"; failed=1; continue; }
		graph_check "$v" "$dir" "$debug_dir" || failed=1
		# a stripped build read with the built-in tables alone
		case "$v" in *-debian | *-debian-sid)
			mkdir -p "$BATS_TEST_TMPDIR/no-debug"
			graph_check "$v-tables" "$dir" "$BATS_TEST_TMPDIR/no-debug" || failed=1 ;;
		esac
	done < <(selected_pythons)
	[ "$failed" = 0 ]
}

# sizes_check V CORE_DIR [DEBUG_DIR]: the sizes in the graph of a core against sizes.txt
sizes_check() {
	local v=$1 dir=$2 debug_dir=${3:-}
	"$PYLEAKS_CLI" graph "$dir/core" --json "$BATS_TEST_TMPDIR/$v.sizes.graph" \
		${debug_dir:+--debug-dir "$debug_dir"} || { echo "$v: pyleaks graph failed"; return 1; }
	"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_sizes.py" "$dir/sizes.txt" "$BATS_TEST_TMPDIR/$v.sizes.graph" \
		>"$BATS_TEST_TMPDIR/$v.sizes.check" || { echo "$v:"; cat "$BATS_TEST_TMPDIR/$v.sizes.check"; return 1; }
	echo "# $v: $(head -1 "$BATS_TEST_TMPDIR/$v.sizes.check")" >&3
}

@test "sizes: every object's size is what sys.getsizeof said of it, untracked ones found, on every build" {
	need_selected_pythons
	local failed=0 v exe debug_dir dir scenario
	while read -r v exe debug_dir; do
		for scenario in zoo registry; do
			dir=$(cached_core "$v" "$exe" $scenario) || { failed=1; continue; }
			[ -s "$dir/sizes.txt" ] || { echo "$v: $scenario wrote no sizes.txt"; failed=1; continue; }
			sizes_check "$v-$scenario" "$dir" "$debug_dir" || failed=1
		done
		# a stripped build read with the built-in tables alone
		case "$v" in *-debian | *-debian-sid)
			mkdir -p "$BATS_TEST_TMPDIR/no-debug"
			sizes_check "$v-zoo-tables" "$(cached_core "$v" "$exe" zoo)" "$BATS_TEST_TMPDIR/no-debug" || failed=1 ;;
		esac
	done < <(selected_pythons)
	[ "$failed" = 0 ]
}

@test "2.7: zoo2's references are what tp_traverse visits, its sizes and registry's what sys.getsizeof said" {
	local failed=0 v exe dir scenario pythons
	pythons=$(python2_pythons)
	[ -n "$pythons" ] || skip "no CPython 2.7 build with debug info under $(pyenv_root)/versions"
	while read -r v exe; do
		dir=$(cached_core "$v" "$exe" zoo2) || { failed=1; continue; }
		[ -s "$dir/referents.txt" ] || { echo "$v: zoo2 wrote no referents.txt"; failed=1; continue; }
		graph_check "$v" "$dir" || failed=1
		for scenario in zoo2 registry; do
			dir=$(cached_core "$v" "$exe" $scenario) || { failed=1; continue; }
			sizes_check "$v-$scenario" "$dir" || failed=1
		done
	done <<<"$pythons"
	[ "$failed" = 0 ]
}
