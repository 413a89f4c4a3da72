#!/usr/bin/env bats
# referrers.bats - `pyleaks referrers`: chains from roots to an object, on every supported
# build. First step of issue #4: roots are module objects; labels come from the refs decoders.
load helpers

session_of() {
	"$PYLEAKS_CLI" leaks "$1" --type __main__.Session | grep '^  0x' | sed -n 7p | tr -d ' '
}

@test "a registered Session is held by module __main__ -> __dict__ -> ['REGISTRY'] -> [n], on every build" {
	local failed=0 v exe debug_dir dir s
	while read -r v exe debug_dir; do
		dir=$(cached_core "$v" "$exe" registry) || { failed=1; continue; }
		s=$(session_of "$dir/core")
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
	done <<<"$(selected_pythons)"
	[ "$failed" = 0 ]
}

@test "referrers: text output, limits and errors" {
	need_python 3.12
	local dir s
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	s=$(session_of "$dir/core")
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
	assert_output --partial "Usage: pyleaks referrers CORE (ADDRESS | --type NAME)"
}

@test "referrers --type: every instance followed, merged by shape, on every build" {
	local failed=0 v exe debug_dir dir
	while read -r v exe debug_dir; do
		dir=$(cached_core "$v" "$exe" slots) || { failed=1; continue; }
		"$PYLEAKS_CLI" referrers "$dir/core" --type __main__.Geometry.Point --max 100 --json "$BATS_TEST_TMPDIR/$v.json" \
			${debug_dir:+--debug-dir "$debug_dir"} >/dev/null || { echo "$v: failed"; failed=1; continue; }
		"$CHECK_PYTHON" - "$BATS_TEST_TMPDIR/$v.json" "$dir/truth.json" <<'PY' || { echo "$v"; failed=1; }
import json, sys
r, truth = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
n = truth["classes"]["__main__.Geometry.Point"]
assert r["target"] == {"type": "__main__.Geometry.Point", "instances": n}, r["target"]
assert len(r["chains"]) == r["shapes"] + (1 if r["unreached"] else 0), r
assert sum(c["count"] for c in r["chains"]) == n, r
assert sum(c["count"] for c in r["chains"] if c["root"]["kind"] == "unreached") == r["unreached"], r
top = r["chains"][0]
assert top["root"]["name"] == "__main__" and top["count"] >= n - 2, top
assert [p["label"] for p in top["path"]] == ["", "__dict__", "['TRACK']", "[*]"], top["path"]
PY
	done <<<"$(selected_pythons)"
	[ "$failed" = 0 ]
}

@test "chains corpus: a module cache, closures in a callback list, bound methods in a registry, on every build" {
	local failed=0 v exe debug_dir dir cls
	while read -r v exe debug_dir; do
		dir=$(cached_core "$v" "$exe" chains) || { failed=1; continue; }
		for cls in __main__.Report __main__.Request __main__.Listener; do
			"$PYLEAKS_CLI" referrers "$dir/core" --type "$cls" --json "$BATS_TEST_TMPDIR/c.json" \
				${debug_dir:+--debug-dir "$debug_dir"} >/dev/null || { echo "$v $cls: failed"; failed=1; continue; }
			"$CHECK_PYTHON" - "$BATS_TEST_TMPDIR/c.json" "$dir/truth.json" "$CORPORA/chains/expected.json" "$cls" <<'PY' ||
import json, sys
r, truth, expected, cls = (json.load(open(sys.argv[1])), json.load(open(sys.argv[2])),
                           json.load(open(sys.argv[3])), sys.argv[4])
top = r["chains"][0]
labels = [p["label"] for p in top["path"]]
assert labels == expected["chains"][cls], (cls, labels)
assert top["count"] == truth["classes"][cls] and top["root"]["name"] == "__main__", (cls, top["count"])
PY
				{ echo "$v $cls"; failed=1; }
		done
	done <<<"$(selected_pythons)"
	[ "$failed" = 0 ]
}
