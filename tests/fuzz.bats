#!/usr/bin/env bats
# fuzz.bats - the libFuzzer targets (tests/fuzz/), built with clang, AddressSanitizer and UBSan,
# each run for a bounded time (PYLEAKS_FUZZ_SECONDS, default 30; `make fuzz`: an hour) after
# the regression inputs of earlier findings (tests/fuzz/regressions/TARGET/): fuzz_core_file
# on whole core files seeded with the headers and notes of real cores, fuzz_heap on a real
# core with patches written over its memory. The sanitizer pass runs them (the fuzzers are the
# same binaries in both passes); `make fuzz` runs them from any build.
load helpers

setup_file() {
	if [ -z "${PYLEAKS_SANITIZERS:-}" ] && [ -z "${PYLEAKS_FUZZ_ANY_BUILD:-}" ]; then
		return 0
	fi
	make -s fuzz-build >"$BATS_FILE_TMPDIR/build.log" 2>&1 || { cat "$BATS_FILE_TMPDIR/build.log" >&3; return 1; }
}

need_fuzzing() {
	if [ -z "${PYLEAKS_SANITIZERS:-}" ] && [ -z "${PYLEAKS_FUZZ_ANY_BUILD:-}" ]; then
		skip "the fuzzers run in the sanitizer pass and with make fuzz"
	fi
}

# fuzz TARGET CORPUS SEEDS...: the regression inputs, then PYLEAKS_FUZZ_SECONDS of fuzzing
# (FUZZ_FLAGS: more libFuzzer options).
fuzz() {
	local target=$1 corpus=$2
	shift 2
	local bin=tests/fuzz/$target regressions=$TOP_SRCDIR/tests/fuzz/regressions/$target
	if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
		"$bin" -runs=0 "$regressions"/* >"$BATS_TEST_TMPDIR/regressions.log" 2>&1 ||
			{ tail -50 "$BATS_TEST_TMPDIR/regressions.log"; return 1; }
	fi
	mkdir -p "$corpus"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="${PYLEAKS_FUZZ_SECONDS:-30}" -timeout=60 -rss_limit_mb=6144 ${FUZZ_FLAGS:-} \
		-print_final_stats=1 -artifact_prefix="$BATS_TEST_TMPDIR/" "$corpus" "$@" \
		>"$BATS_TEST_TMPDIR/fuzz.log" 2>&1 || { tail -60 "$BATS_TEST_TMPDIR/fuzz.log"; return 1; }
	local runs
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$BATS_TEST_TMPDIR/fuzz.log")
	echo "# $target: $runs executions in ${PYLEAKS_FUZZ_SECONDS:-30} s, no finding" >&3
}

# seed_core VERSION: a kernel-layout core of corpora/damaged under the build VERSION (the
# notes first, as the kernel writes them), in $BATS_TEST_TMPDIR/VERSION.core.
seed_core() {
	local line v exe dir
	line=$(supported_pythons | awk -v v="$1" '$1 == v { print; exit }')
	[ -n "$line" ] || return 1
	read -r v exe _ <<<"$line"
	dir=$(cached_core "$v" "$exe" damaged) || return 1
	"$CHECK_PYTHON" "$TOP_SRCDIR/tests/relayout_core.py" "$dir/core" "$BATS_TEST_TMPDIR/$v.core" 1.0
}

@test "fuzz_core_file: core files from real cores' headers and notes, no finding" {
	need_fuzzing
	local seeds=$BATS_TEST_TMPDIR/seeds v
	mkdir -p "$seeds"
	for v in $(supported_pythons | awk '$1 ~ /^3\.(7|11|12)\./ || $1 ~ /^3\.11.*-debian$/ { print $1 }'); do
		seed_core "$v" || continue
		head -c 65536 "$BATS_TEST_TMPDIR/$v.core" >"$seeds/$v-64k"
		rm -f "$BATS_TEST_TMPDIR/$v.core"
	done
	[ -n "$(ls -A "$seeds")" ] || skip "no build to take seed cores from"
	fuzz fuzz_core_file "$BATS_TEST_TMPDIR/corpus" "$seeds"
}

@test "fuzz_heap: a real core with patches over its memory, no finding" {
	need_fuzzing
	local v
	v=$(supported_pythons | awk '$1 ~ /-debian$/ && $2 ~ /python3\.11$/ { print $1; exit }')
	[ -n "$v" ] || v=$(supported_pythons | awk '$1 ~ /^3\.12\./ { print $1; exit }')
	[ -n "$v" ] || skip "no build to take a core from"
	seed_core "$v"
	# seeds: a few hundred patches of pseudo-random bytes each (fixed seeds, so runs repeat)
	"$CHECK_PYTHON" - "$BATS_TEST_TMPDIR/seeds" <<'EOF'
import os, random, sys
os.makedirs(sys.argv[1], exist_ok=True)
for i in range(1, 5):
    r = random.Random(i)
    open(os.path.join(sys.argv[1], "random%d" % i), "wb").write(bytes(r.randrange(256) for _ in range(300 * i)))
EOF
	PYLEAKS_FUZZ_CORE=$BATS_TEST_TMPDIR/$v.core FUZZ_FLAGS="-max_len=4096 -len_control=0" \
		fuzz fuzz_heap "$BATS_TEST_TMPDIR/corpus" "$BATS_TEST_TMPDIR/seeds"
}
