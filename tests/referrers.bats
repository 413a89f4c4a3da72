#!/usr/bin/env bats
# referrers.bats - `pyleaks referrers`: chains from roots to an object or to every instance
# of a type, on every supported build, on cores and on live processes: modules, a thread's
# local variable, cold trails of a cycle, garbage only cycles keep, a 100,000-long linked
# list, references held from C. Expectations are in corpora/*/expected.json ("chains").
load helpers

CHECK_CHAINS=$TOP_SRCDIR/tests/check_chains.py
# The scenarios whose expected.json says which chains their types must have.
CHAIN_SCENARIOS="registry chains threads cycle linkedlist refleak"

@test "a registered Session is held by module __main__ -> __dict__ -> ['REGISTRY'] -> [n], on every build" {
	local failed=0 v exe debug_dir dir s
	while read -r v exe debug_dir; do
		dir=$(cached_core "$v" "$exe" registry) || { failed=1; continue; }
		s=$(instance_of "$dir/core" __main__.Session 7)
		"$PYLEAKS_CLI" referrers "$dir/core" "$s" --json "$BATS_TEST_TMPDIR/$v.json" \
			${debug_dir:+--debug-dir "$debug_dir"} >"$BATS_TEST_TMPDIR/$v.txt" ||
			{ echo "$v: referrers failed"; failed=1; continue; }
		"$CHECK_PYTHON" - "$BATS_TEST_TMPDIR/$v.json" "$s" <<'PY' || { echo "$v:"; cat "$BATS_TEST_TMPDIR/$v.txt"; failed=1; }
import json, re, sys
r = json.load(open(sys.argv[1]))
t = r["target"]
assert r["schema"] == 1 and (t["address"], t["type"]) == (sys.argv[2], "__main__.Session"), t
c = r["chains"][0]
assert c["root"]["kind"] == "module" and c["root"]["name"] == "__main__", c["root"]
labels = [p["label"] for p in c["path"]]
types = [p["type"] for p in c["path"]]
assert labels[:3] == ["", "__dict__", "['REGISTRY']"] and re.fullmatch(r"\[\d+\]", labels[3]), labels
assert types == ["module", "dict", "dict", "__main__.Session"], types
assert c["path"][-1]["address"] == sys.argv[2]
assert r["target"]["refcount"] == 1 and r["target"]["explained"] == 1, r["target"]
assert r["referrers"]["total"] == 1 and r["referrers"]["on_chains"] == 1, r["referrers"]
PY
	done < <(selected_pythons; python2_pythons)
	[ "$failed" = 0 ]
}

@test "referrers: text output, limits and errors" {
	need_python 3.12
	local dir s
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	s=$(instance_of "$dir/core" __main__.Session 7)
	run "$PYLEAKS_CLI" referrers "$dir/core" "$s"
	assert_success
	assert_output --partial "chain 1 (3 references), root: module __main__"
	assert_output --regexp "\[[0-9]+\] +__main__\.Session +$s  <- target"
	assert_output --partial "reference count 1; references the heap explains 1"
	run "$PYLEAKS_CLI" referrers "$dir/core" "$s" --depth 2
	assert_success
	assert_output --partial "0 chains to a root"
	assert_output --partial "no root within 2 references; the nearest is 3 references away (--depth 3 shows it): module __main__"
	run "$PYLEAKS_CLI" referrers "$dir/core" 0x10
	assert_failure 1
	assert_output --partial "0x10 is not an object on the garbage collector's lists"
	run "$PYLEAKS_CLI" referrers "$dir/core" "$s" --depth 0
	assert_failure 2
	run "$PYLEAKS_CLI" referrers --help
	assert_success
	assert_output --partial "Usage: pyleaks referrers CORE (ADDRESS... | --type NAME)"
}

@test "referrers --type: every instance followed, merged by shape, on every build" {
	need_selected_pythons
	local failed=0 v exe debug_dir dir
	while read -r v exe debug_dir; do
		dir=$(cached_core "$v" "$exe" slots) || { failed=1; continue; }
		"$PYLEAKS_CLI" referrers "$dir/core" --type __main__.Geometry.Point --max 100 --json "$BATS_TEST_TMPDIR/$v.json" \
			${debug_dir:+--debug-dir "$debug_dir"} >/dev/null || { echo "$v: failed"; failed=1; continue; }
		"$CHECK_PYTHON" - "$BATS_TEST_TMPDIR/$v.json" "$dir/truth.json" <<'PY' || { echo "$v"; failed=1; }
import json, sys
r, truth = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
n = truth["classes"]["__main__.Geometry.Point"]
assert r["target"] == {"type": "__main__.Geometry.Point", "classes": 1, "instances": n}, r["target"]
assert len(r["chains"]) == r["shapes"] + (1 if r["unreached"] else 0), r
assert sum(c["count"] for c in r["chains"]) == n, r
assert sum(c["count"] for c in r["chains"] if c["root"]["kind"] == "unreached") == r["unreached"], r
top = r["chains"][0]
assert top["root"]["name"] == "__main__" and top["count"] >= n - 2, top
assert [p["label"] for p in top["path"]] == ["", "__dict__", "['TRACK']", "[*]"], top["path"]
PY
	done < <(selected_pythons)
	[ "$failed" = 0 ]
}

# chain_check V KIND SCENARIO OUT TARGET...: referrers --type of every type the scenario's
# expectation names, on TARGET (a core, or --pid PID), checked against the expectation.
chain_check() {
	local v=$1 kind=$2 scenario=$3 out=$4 type status=pass
	shift 4
	for type in $("$CHECK_PYTHON" -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["chains"]))' "$CORPORA/$scenario/expected.json"); do
		if ! "$PYLEAKS_CLI" referrers "$@" --type "$type" --json "$out/$type.json" >"$out/$type.txt" 2>&1 ||
			! "$CHECK_PYTHON" "$CHECK_CHAINS" "$out/$type.json" "$out/truth.json" "$CORPORA/$scenario/expected.json" "$type" >"$out/$type.check" 2>&1; then
			echo "--- $v $scenario $kind $type:"
			cat "$out/$type.txt" "$out/$type.check" 2>/dev/null
			status=FAIL
		fi
	done
	printf '# %-20s %-11s %-5s %s\n' "$v" "$scenario" "$kind" "$status" >&3
	[ "$status" = pass ]
}

@test "referrers --type: the chains of every chain scenario, on every build, cores and live processes" {
	local failed=0 v exe debug_dir dir scenario live
	echo "# version x scenario (merged chains of each type the scenario names):" >&3
	while read -r v exe debug_dir; do
		for scenario in $CHAIN_SCENARIOS; do
			dir=$(cached_core "$v" "$exe" "$scenario") || { failed=1; continue; }
			chain_check "$v" core "$scenario" "$dir" "$dir/core" ${debug_dir:+--debug-dir "$debug_dir"} || failed=1
			live=$BATS_TEST_TMPDIR/live-$v-$scenario
			if run_scenario "$exe" "$CORPORA/$scenario/program.py" "$live"; then
				chain_check "$v" live "$scenario" "$live" --pid "$SCENARIO_PID" ${debug_dir:+--debug-dir "$debug_dir"} || failed=1
				stop_scenario
			else
				echo "$v $scenario: could not start"
				failed=1
			fi
		done
	done < <(selected_pythons; python2_pythons)
	[ "$failed" = 0 ]
}

# referrers_json CORE ADDRESS OUT [OPTIONS]: the JSON chains of one object
referrers_json() {
	local core=$1 addr=$2 out=$3
	shift 3
	"$PYLEAKS_CLI" referrers "$core" "$addr" --json "$out" "$@" >/dev/null
}

@test "one object: a cold trail around a ring, a thread's local, a held-from-C root, on every build" {
	local failed=0 v exe debug_dir dir addr
	while read -r v exe debug_dir; do
		dir=$(cached_core "$v" "$exe" cycle) || { failed=1; continue; }
		addr=0x$("$CHECK_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["anchor"])' "$dir/truth.json")
		referrers_json "$dir/core" "$addr" "$BATS_TEST_TMPDIR/anchor.json" ${debug_dir:+--debug-dir "$debug_dir"} &&
		"$CHECK_PYTHON" - "$BATS_TEST_TMPDIR/anchor.json" <<'PY' || { echo "$v: ANCHOR"; failed=1; }
import json, sys
r = json.load(open(sys.argv[1]))
mod = [c for c in r["chains"] if c["root"]["kind"] == "module"]
assert len(mod) == 1 and [p["label"] for p in mod[0]["path"]] == ["", "__dict__", "['ANCHOR']"], r["chains"]
# its referrers: the module's dict, on the chain, and the ring's last Link, a cold trail
assert r["referrers"]["total"] == 2 and r["referrers"]["on_chains"] == 1 and r["referrers"]["cold"] == 1, r["referrers"]
assert all(c["references"] <= 3 for c in r["chains"]), r["chains"]
PY
		addr=$(instance_of "$dir/core" __main__.Orphan 1 ${debug_dir:+--debug-dir "$debug_dir"})
		run "$PYLEAKS_CLI" referrers "$dir/core" "$addr" ${debug_dir:+--debug-dir "$debug_dir"}
		[[ "$output" == *"no root reaches it: it is kept alive only by reference cycles"* ]] || { echo "$v: Orphan: $output"; failed=1; }
		dir=$(cached_core "$v" "$exe" threads) || { failed=1; continue; }
		addr=$(instance_of "$dir/core" __main__.Job 1 ${debug_dir:+--debug-dir "$debug_dir"})
		referrers_json "$dir/core" "$addr" "$BATS_TEST_TMPDIR/job.json" ${debug_dir:+--debug-dir "$debug_dir"} &&
		"$CHECK_PYTHON" - "$BATS_TEST_TMPDIR/job.json" "$dir/truth.json" <<'PY' || { echo "$v: Job"; failed=1; }
import json, re, sys
r, truth = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
c = r["chains"][0]
d = c["root"]["detail"]
assert c["root"]["kind"] == "thread" and c["root"]["name"] == "worker", c["root"]
assert (d["function"], d["line"], d["file"]) == (truth["thread"]["function"], truth["thread"]["line"], truth["thread"]["file"]), d
assert c["path"][0]["label"] == "local pending" and re.fullmatch(r"\[\d+\]", c["path"][1]["label"]), c["path"]
PY
		dir=$(cached_core "$v" "$exe" refleak) || { failed=1; continue; }
		addr=$(instance_of "$dir/core" __main__.Leaked 1 ${debug_dir:+--debug-dir "$debug_dir"})
		referrers_json "$dir/core" "$addr" "$BATS_TEST_TMPDIR/leak.json" ${debug_dir:+--debug-dir "$debug_dir"} &&
		"$CHECK_PYTHON" - "$BATS_TEST_TMPDIR/leak.json" "$addr" <<'PY' || { echo "$v: Leaked"; failed=1; }
import json, sys
r = json.load(open(sys.argv[1]))
c = r["chains"][0]
assert c["root"]["kind"] == "held-from-c" and c["references"] == 0, c
assert c["root"]["detail"] == {"address": sys.argv[2], "refcount": 1, "explained": 0, "excess": 1}, c["root"]
PY
	done < <(selected_pythons; python2_pythons)
	[ "$failed" = 0 ]
}

@test "a 100,000-long linked list: no recursion, the nearest root named, the whole chain on demand" {
	local failed=0 v exe debug_dir dir tail
	while read -r v exe debug_dir; do
		dir=$(cached_core "$v" "$exe" linkedlist) || { failed=1; continue; }
		tail=0x$("$CHECK_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["tail"])' "$dir/truth.json")
		run "$PYLEAKS_CLI" referrers "$dir/core" "$tail" ${debug_dir:+--debug-dir "$debug_dir"}
		[[ "$output" == *"no root within 16 references; the nearest is 100001 references away (--depth 100001 shows it): module __main__"* ]] ||
			{ echo "$v: $output"; failed=1; }
		referrers_json "$dir/core" "$tail" "$BATS_TEST_TMPDIR/tail.json" --depth 200000 --max 1 ${debug_dir:+--debug-dir "$debug_dir"} &&
		"$CHECK_PYTHON" - "$BATS_TEST_TMPDIR/tail.json" <<'PY' || { echo "$v: the long chain"; failed=1; }
import json, sys
c = json.load(open(sys.argv[1]))["chains"][0]
labels = [p["label"] for p in c["path"]]
assert c["references"] == 100001 and len(labels) == 100002, (c["references"], len(labels))
assert labels[:3] == ["", "__dict__", "['HEAD']"] and set(labels[3:]) == {".next"}, labels[:5]
PY
	done < <(selected_pythons; python2_pythons)
	[ "$failed" = 0 ]
}

@test "referrers --dot and --fan-in: a graphviz graph of the chains; the cap says what it cut" {
	need_python 3.12
	local dir s
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	s=$(instance_of "$dir/core" __main__.Session 7)
	run "$PYLEAKS_CLI" referrers "$dir/core" "$s" --dot -
	assert_success
	assert_output --partial "digraph referrers {"
	assert_output --regexp "n[0-9]+ -> n[0-9]+ \[label=\"\['REGISTRY'\]\"\];"
	assert_output --partial 'label="module __main__\n0x'
	run "$PYLEAKS_CLI" referrers "$dir/core" --type __main__.Session --dot -
	assert_success
	assert_output --regexp 'g0_0 \[label="module __main__"'
	# the Session class has 5000 instances among its referrers
	cls=$("$PYLEAKS_CLI" refs "$dir/core" "$s" | awk '$1 == "__class__" { print $2 }')
	run "$PYLEAKS_CLI" referrers "$dir/core" "$cls" --fan-in 10
	assert_success
	assert_output --partial "0x${cls#0x} class __main__.Session: "
	assert_output --partial "chain 1 (2 references), root: module __main__"
	assert_output --partial "(the search followed at most 10 referrers of 1 object that had more: --fan-in)"
	"$PYLEAKS_CLI" referrers "$dir/core" "$cls" --fan-in 10 --json - | "$CHECK_PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
cut = r["cuts"][0]
assert cut["address"] == sys.argv[1] and cut["followed"] == 10 and cut["referrers"] > 5000, cut
assert r["referrers"]["other"] == 5000, r["referrers"]  # every Session: another way to the module
' "$cls"
	run "$PYLEAKS_CLI" referrers "$dir/core" "$s" --fan-in 0
	assert_failure 2
	run "$PYLEAKS_CLI" referrers "$dir/core" "$s" --json - --dot -
	assert_failure 2
	assert_output --partial "cannot both go to stdout"
}

@test "several addresses: a report each, from one graph" {
	need_python 3.12
	local dir a b
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	a=$(instance_of "$dir/core" __main__.Session 1)
	b=$(instance_of "$dir/core" __main__.Session 2)
	run "$PYLEAKS_CLI" referrers "$dir/core" "$a" "$b" --stats
	assert_success
	assert_output --regexp "$a __main__.Session: [0-9]+ chains? to a root"
	assert_output --regexp "$b __main__.Session: [0-9]+ chains? to a root"
	assert_output --regexp "pyleaks-stats: query 2 [0-9.]+ s"
	run "$PYLEAKS_CLI" referrers "$dir/core" "$a" "$b" --json -
	assert_failure 2
	assert_output --partial "several addresses: only with text output"
}
