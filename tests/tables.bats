#!/usr/bin/env bats
# tables.bats - the built-in layout tables and module state tables are data generated from DWARF:
# regenerating an entry from a build on this machine gives exactly what is committed.
load helpers

GEN=${PYLEAKS_GEN_TABLES:-$PWD/helper/tools/gen_layout_tables}
STATE_GEN=${PYLEAKS_GEN_STATE_TABLES:-$PWD/helper/tools/gen_state_tables}

# stands_in ENTRY FILE: the lines of ENTRY stand in FILE as they are, one after the other
stands_in() {
	"$CHECK_PYTHON" -c '
import sys
entry, table = open(sys.argv[1]).read(), open(sys.argv[2]).read()
sys.exit(0 if entry in table else 1)
' "$1" "$2"
}

@test "every committed table entry of a build present here regenerates identically" {
	local n=0 arg v
	[ -x "$GEN" ] || skip "generator not built: $GEN"
	while read -r -a arg; do
		[ ${#arg[@]} -gt 0 ] || continue
		v=${arg[0]%%=*}
		"$GEN" "${arg[@]}" | sed -n '/^\t{ 0x/,/^\t} },$/p' >"$BATS_TEST_TMPDIR/entry"
		[ -s "$BATS_TEST_TMPDIR/entry" ]
		stands_in "$BATS_TEST_TMPDIR/entry" "$TOP_SRCDIR/helper/src/runtime/layout_tables.c" || {
			echo "$v: regenerated entry differs from helper/src/runtime/layout_tables.c (run make regen-layout-tables)"
			return 1
		}
		n=$((n + 1))
	done <<<"$("$TOP_SRCDIR/helper/tools/layout-sources")"
	[ "$n" -gt 0 ] || skip "no pyenv builds to regenerate from"
}

@test "the generator refuses bad arguments and files without DWARF" {
	[ -x "$GEN" ] || skip "generator not built: $GEN"
	run "$GEN"
	assert_failure 2
	run "$GEN" nonsense
	assert_failure 2
	assert_output --partial "expected VERSION=LIBRARY"
	run "$GEN" 3.12.1=/bin/true
	assert_failure 1
	assert_output --partial "has no DWARF debug information"
	refute_output --partial "pl_layout_tables[]"
	run "$GEN" --set gc_young=1
	assert_failure 2
	run "$GEN" 3.12.1=/bin/true --set no_such_field=1
	assert_failure
}

@test "every committed module state table of a build present here regenerates identically" {
	local n=0 arg v
	[ -x "$STATE_GEN" ] || skip "generator not built: $STATE_GEN"
	while read -r -a arg; do
		[ ${#arg[@]} -gt 0 ] || continue
		v=${arg[0]}
		"$STATE_GEN" "${arg[@]}" | grep '^	' | grep -v 'end mark' >"$BATS_TEST_TMPDIR/entry"
		# every build has a state of _io (named io before 3.7)
		grep -q "\"$v\", \"_io\"\|\"$v\", \"io\"" "$BATS_TEST_TMPDIR/entry" ||
			{ echo "$v: no state of _io"; return 1; }
		stands_in "$BATS_TEST_TMPDIR/entry" "$TOP_SRCDIR/helper/src/runtime/state_tables.c" || {
			echo "$v: regenerated states differ from helper/src/runtime/state_tables.c (run make regen-state-tables)"
			return 1
		}
		n=$((n + 1))
	done <<<"$("$TOP_SRCDIR/helper/tools/state-sources")"
	[ "$n" -gt 0 ] || skip "no builds with DWARF to regenerate from"
}

@test "the state generator refuses bad arguments and files without DWARF" {
	[ -x "$STATE_GEN" ] || skip "generator not built: $STATE_GEN"
	run "$STATE_GEN"
	assert_failure 2
	run "$STATE_GEN" nonsense /bin/true
	assert_failure 2
	assert_output --partial "expected VERSION[@LABEL]"
	run "$STATE_GEN" 3.12.1
	assert_failure 2
	run "$STATE_GEN" 3.12.1 /bin/true
	assert_failure 1
	assert_output --partial "has no DWARF"
	refute_output --partial "pl_state_tables[]"
}
