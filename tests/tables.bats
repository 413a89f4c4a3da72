#!/usr/bin/env bats
# tables.bats - the built-in layout tables are data generated from DWARF: regenerating an entry
# from a build on this machine gives exactly what is committed.
load helpers

GEN=${PYLEAKS_GEN_TABLES:-$PWD/helper/tools/gen_layout_tables}

# sources_here: "ARG" lines for the generator, one per build on this machine it takes tables from
# (the same as `make regen-layout-tables`).
sources_here() {
	local v exe lib
	while read -r v exe _; do
		case "$v" in *debian*) continue ;; esac
		lib=$(ls "$(dirname "$exe")"/../lib/libpython3*.so.1.0 2>/dev/null | head -1)
		[ -n "$lib" ] && echo "$v=$lib"
	done <<<"$(supported_pythons)"
	local manifest
	manifest=$(debian_sid_cache)/manifest
	[ -s "$manifest" ] && awk '$5 != "-" { n = split($3, p, "/"); printf "%s@Debian-%s=%s\n", $1, p[n], $5 }' "$manifest"
	return 0
}

@test "every committed table entry of a build present here regenerates identically" {
	local n=0 arg v
	[ -x "$GEN" ] || skip "generator not built: $GEN"
	while read -r arg; do
		[ -n "$arg" ] || continue
		v=${arg%%=*}
		"$GEN" "$arg" | sed -n '/^\t{ 0x/,/^\t} },$/p' >"$BATS_TEST_TMPDIR/entry"
		[ -s "$BATS_TEST_TMPDIR/entry" ]
		# the entry must stand in the committed file line for line
		"$CHECK_PYTHON" -c '
import sys
entry, table = open(sys.argv[1]).read(), open(sys.argv[2]).read()
sys.exit(0 if entry in table else 1)
' "$BATS_TEST_TMPDIR/entry" "$TOP_SRCDIR/helper/src/layout_tables.c" || {
			echo "$v: regenerated entry differs from helper/src/layout_tables.c (run make regen-layout-tables)"
			return 1
		}
		n=$((n + 1))
	done <<<"$(sources_here)"
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
}
