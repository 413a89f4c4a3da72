#!/usr/bin/env bats
# tables.bats - the built-in layout tables are data generated from DWARF: regenerating an entry
# from a build on this machine gives exactly what is committed.
load helpers

GEN=${PYLEAKS_GEN_TABLES:-$PWD/helper/tools/gen_layout_tables}

@test "every committed table entry of a build present here regenerates identically" {
	local n=0 arg v
	[ -x "$GEN" ] || skip "generator not built: $GEN"
	while read -r -a arg; do
		[ ${#arg[@]} -gt 0 ] || continue
		v=${arg[0]%%=*}
		"$GEN" "${arg[@]}" | sed -n '/^\t{ 0x/,/^\t} },$/p' >"$BATS_TEST_TMPDIR/entry"
		[ -s "$BATS_TEST_TMPDIR/entry" ]
		# the entry must stand in the committed file line for line
		"$CHECK_PYTHON" -c '
import sys
entry, table = open(sys.argv[1]).read(), open(sys.argv[2]).read()
sys.exit(0 if entry in table else 1)
' "$BATS_TEST_TMPDIR/entry" "$TOP_SRCDIR/helper/src/runtime/layout_tables.c" || {
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
