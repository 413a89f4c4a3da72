#!/usr/bin/env bats
# cli.bats - the pyleaks command line: help, usage errors, options, JSON output, live process.
load helpers

setup() {
	need_python 3.12
	CORE_DIR=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
}

teardown() {
	stop_scenario
}

@test "pyleaks --help lists the commands" {
	run "$PYLEAKS_CLI" --help
	assert_success
	assert_output --partial "Usage: pyleaks COMMAND"
	for cmd in suspects retained leaks refs referrers graph; do
		assert_output --partial "  $cmd "
	done
}

@test "pyleaks leaks --help documents every option" {
	run "$PYLEAKS_CLI" leaks --help
	assert_success
	for opt in --exe --sysroot --pid --top --sort --type --json --progress; do
		assert_output --partial -- "$opt"
	done
}

@test "pyleaks --version" {
	run "$PYLEAKS_CLI" --version
	assert_success
	assert_output --regexp '^pyleaks [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "usage errors exit 2 with a message" {
	run "$PYLEAKS_CLI"
	assert_failure 2
	assert_output --partial "no command given"
	run "$PYLEAKS_CLI" frobnicate
	assert_failure 2
	assert_output --partial "unknown command 'frobnicate'"
	run "$PYLEAKS_CLI" leaks
	assert_failure 2
	assert_output --partial "give a core file or --pid PID"
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --sort weight
	assert_failure 2
	assert_output --partial "--sort takes count or size, not 'weight'"
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --top -3
	assert_failure 2
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --bogus
	assert_failure 2
	assert_output --partial "unknown option --bogus"
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --top
	assert_failure 2
	assert_output --partial "needs a value"
}

@test "--top limits the table and --sort size orders by bytes" {
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --top 3 --sort size
	assert_success
	assert_output --partial "Top 3 of"
	assert_output --partial "types by size:"
	# the three size cells, in bytes, must not increase
	"$PYLEAKS_CLI" leaks "$CORE_DIR/core" --sort size --json - >"$BATS_TEST_TMPDIR/s.json"
	"$CHECK_PYTHON" -c '
import json, sys
sizes = [t["size"] for t in json.load(open(sys.argv[1]))["types"]]
assert sizes == sorted(sizes, reverse=True), sizes[:10]
' "$BATS_TEST_TMPDIR/s.json"
}

@test "--type lists every instance address, and they are Session objects" {
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --type __main__.Session
	assert_success
	assert_output --partial "5,000 instances of __main__.Session:"
	local n
	n=$(printf '%s\n' "$output" | sed -n '/instances of __main__.Session:/,$p' | grep -c '^  0x')
	[ "$n" -eq 5000 ]
	# Cross-check one address with gdb's own reading of the core: its type is Session.
	local addr
	addr=$(printf '%s\n' "$output" | sed -n '/instances of __main__.Session:/{n;p;q}' | tr -d ' ')
	run gdb -nx -batch -iex 'set auto-load no' -ex "print ((PyTypeObject*)((PyObject*)$addr)->ob_type)->tp_name" "$PY_EXE" "$CORE_DIR/core"
	assert_output --partial '"Session"'
}

@test "--type takes the class name alone; an unknown name fails and suggests names alike" {
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --type Session
	assert_success
	assert_output --partial "5,000 instances of __main__.Session:"
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --type session
	assert_failure 1
	assert_output --partial "no object has type session; did you mean __main__.Session"
}

@test "--json - writes schema 1 JSON to stdout, --json FILE beside the text" {
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --json -
	assert_success
	printf '%s' "$output" | "$CHECK_PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
assert r["schema"] == 1
assert set(r) >= {"schema", "python", "objects", "types", "garbage"}, sorted(r)
assert r["python"]["version"].startswith("3.12.")
assert all(set(t) == {"name", "tracked", "count", "size"} for t in r["types"])
assert any(not t["tracked"] and t["name"] == "str" for t in r["types"])
'
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --json "$BATS_TEST_TMPDIR/out.json"
	assert_success
	assert_output --partial "tracked by the collector:"
	"$CHECK_PYTHON" "$CHECK" "$CORE_DIR/truth.json" "$CORPORA/registry/expected.json" "$BATS_TEST_TMPDIR/out.json"
}

@test "--json to an unwritable place fails clearly" {
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --json /nonexistent-dir/out.json
	assert_failure 1
	assert_output --partial "cannot write /nonexistent-dir/out.json"
}

@test "--pid reads a live process, which keeps running afterwards" {
	run_scenario "$PY_EXE" "$CORPORA/registry/program.py" "$BATS_TEST_TMPDIR/live"
	kill -STOP "$SCENARIO_PID"
	run "$PYLEAKS_CLI" leaks --pid "$SCENARIO_PID" --json "$BATS_TEST_TMPDIR/live.json"
	kill -CONT "$SCENARIO_PID"
	assert_success
	"$CHECK_PYTHON" "$CHECK" "$BATS_TEST_TMPDIR/live/truth.json" "$CORPORA/registry/expected.json" "$BATS_TEST_TMPDIR/live.json"
	kill -0 "$SCENARIO_PID"
}

@test "--sysroot finds the files a core names under another root" {
	local root=$BATS_TEST_TMPDIR/root
	local lib
	lib=$(dirname "$PY_EXE")/../lib/libpython${PY_VERSION%.*}.so.1.0
	lib=$(readlink -f "$lib")
	mkdir -p "$root$(dirname "$lib")"
	cp "$lib" "$root$lib"
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --sysroot "$root" --top 1
	assert_success
	assert_output --partial "runtime: $root$lib"
}

@test "pyleaks suspects names the Session registry, as text and as JSON; --max; usage errors" {
	run "$PYLEAKS_CLI" suspects "$CORE_DIR/core" --max 2
	assert_success
	assert_output --regexp "Suspect 1: 5,000 __main__\.Session, [0-9.]+ MiB retained \([0-9]+% of the heap\), piled up in dict at 0x[0-9a-f]+, held by module __main__ -> __dict__ -> \['REGISTRY'\]"
	assert_output --regexp "\[\*\] +__main__\.Session"
	assert_output --partial "Suspect 2: "
	refute_output --partial "Suspect 3: "
	run "$PYLEAKS_CLI" suspects "$CORE_DIR/core" --max 0 --json -
	assert_success
	printf '%s' "$output" | "$CHECK_PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
assert set(r) >= {"schema", "python", "target", "heap", "gc", "suspects", "warnings"}, sorted(r)
assert r["gc"]["enabled"] is True and r["gc"]["debug"] == [] and len(r["gc"]["thresholds"]) == 3
s = r["suspects"]
assert [x["rank"] for x in s] == list(range(1, len(s) + 1))
assert all(s[i]["retained"] >= s[i + 1]["retained"] for i in range(len(s) - 1))
assert s[0]["holder"]["type"] == "dict" and s[0]["chain"]["root"]["name"] == "__main__"
assert [p["label"] for p in s[0]["chain"]["path"]] == ["", "__dict__", "[\x27REGISTRY\x27]", "[*]"], s[0]["chain"]
'
	"$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_suspects.py" "$CORE_DIR/truth.json" "$CORPORA/registry/expected.json" <(printf '%s' "$output")
	run "$PYLEAKS_CLI" suspects "$CORE_DIR/core" --top 3
	assert_failure 2
	assert_output --partial "unknown option --top"
	run "$PYLEAKS_CLI" suspects "$CORE_DIR/core" --max -1
	assert_failure 2
	assert_output --partial "--max needs a number >= 0"
	run "$PYLEAKS_CLI" suspects --help
	assert_success
	for opt in --exe --sysroot --pid --max --json --progress --stats; do
		assert_output --partial -- "$opt"
	done
}

@test "pyleaks retained lists the biggest retainers with their chains" {
	run "$PYLEAKS_CLI" retained "$CORE_DIR/core" --top 3
	assert_success
	assert_output --partial "Top 3 objects by retained size"
	assert_output --regexp "MiB +[0-9,]+ +dict +0x[0-9a-f]+ +module __main__ -> __dict__ -> \['REGISTRY'\]"
	run "$PYLEAKS_CLI" retained "$CORE_DIR/core" --top 5 --json -
	assert_success
	printf '%s' "$output" | "$CHECK_PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
t = r["retainers"]
assert len(t) == 5 and all(t[i]["retained"] >= t[i + 1]["retained"] for i in range(4))
assert all(x["retained"] <= r["heap"]["size"] for x in t)
'
	run "$PYLEAKS_CLI" retained "$CORE_DIR/core" --max 3
	assert_failure 2
}

@test "--type: distinct classes of one name are all meant, an ambiguous name lists the candidates" {
	local dir
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" zoo)
	run "$PYLEAKS_CLI" leaks "$dir/core" --type Made
	assert_success
	assert_output --partial "3 instances of __main__.make_class.<locals>.Made (3 distinct classes of that name):"
	run "$PYLEAKS_CLI" referrers "$dir/core" --type __main__.make_class.\<locals\>.Made --json -
	assert_success
	printf '%s' "$output" | "$CHECK_PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
assert r["target"] == {"type": "__main__.make_class.<locals>.Made", "classes": 3, "instances": 3}, r["target"]
assert r["chains"][0]["count"] == 3
'
	run "$PYLEAKS_CLI" leaks "$dir/core" --type Item
	assert_failure 1
	assert_output --partial "Item is ambiguous: "
	assert_output --partial "__main__.Item"
	assert_output --partial "__main__.Shop.Item"
	run "$PYLEAKS_CLI" leaks "$dir/core" --type Shop.Item
	assert_success
	assert_output --partial "2 instances of __main__.Shop.Item:"
}

