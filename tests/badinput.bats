#!/usr/bin/env bats
# badinput.bats - bad input gives one clear message and a failure status, never a crash or a
# hang: not a core, a core of a non-Python program, a truncated core, a core whose files cannot
# be found, and Python versions that are not supported.
load helpers

# run_cli ARGS...: the CLI under a time limit; a crash or hang would show as status > 1.
run_cli() {
	run timeout 60 "$PYLEAKS_CLI" "$@"
}

@test "a missing file" {
	run_cli leaks /nonexistent/core
	assert_failure 1
	assert_output "pyleaks: error: cannot open /nonexistent/core: No such file or directory"
}

@test "a text file is not a core" {
	echo "hello" >"$BATS_TEST_TMPDIR/notes.txt"
	run_cli leaks "$BATS_TEST_TMPDIR/notes.txt"
	assert_failure 1
	assert_output --partial "is not a core file (no ELF header)"
}

@test "an empty file" {
	: >"$BATS_TEST_TMPDIR/empty"
	run_cli leaks "$BATS_TEST_TMPDIR/empty"
	assert_failure 1
	assert_output --partial "is empty"
}

@test "an ELF executable is not a core" {
	run_cli leaks /bin/true
	assert_failure 1
	assert_output --partial "is an ELF file but not a core file"
}

@test "a directory" {
	run_cli leaks "$BATS_TEST_TMPDIR"
	assert_failure 1
	assert_output --partial "is not a regular file"
}

@test "a core of a program that is not Python" {
	sleep 60 &
	local pid=$!
	gcore -o "$BATS_TEST_TMPDIR/sleep" "$pid" >/dev/null 2>&1
	kill "$pid"
	run_cli leaks "$BATS_TEST_TMPDIR/sleep.$pid"
	assert_failure 1
	assert_output --partial "no Python runtime found"
	assert_output --partial "defines _PyRuntime"
}

@test "a truncated core gives a clear error or a partial answer with a warning" {
	need_python 3.12
	local dir size
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	size=$(stat -c %s "$dir/core")
	for cut in 100 4000 $((size / 4)) $((size / 2)) $((size * 9 / 10)); do
		head -c "$cut" "$dir/core" >"$BATS_TEST_TMPDIR/cut"
		run_cli leaks "$BATS_TEST_TMPDIR/cut"
		echo "cut at $cut: status $status"
		[ "$status" -le 1 ]
		if [ "$status" -eq 0 ]; then
			assert_output --partial "the core file is truncated"
		else
			assert_output --regexp "^pyleaks: error: .+"
		fi
	done
}

@test "a kernel-style truncated core (notes kept, memory cut): partial answer or clear error" {
	need_python 3.12
	local dir f
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	"$CHECK_PYTHON" "$TOP_SRCDIR/tests/relayout_core.py" "$dir/core" "$BATS_TEST_TMPDIR/whole" 1.0
	run_cli leaks "$BATS_TEST_TMPDIR/whole" --top 8
	assert_success
	assert_output --regexp "5,000 +[0-9.]+ KiB +__main__\.Session"
	for f in 0.98 0.9 0.6 0.3 0.1; do
		"$CHECK_PYTHON" "$TOP_SRCDIR/tests/relayout_core.py" "$dir/core" "$BATS_TEST_TMPDIR/cut" "$f"
		run_cli leaks "$BATS_TEST_TMPDIR/cut"
		echo "cut to $f: status $status"
		[ "$status" -le 1 ]
		assert_output --partial "the core file is truncated: memory past its end is missing"
		run_cli suspects "$BATS_TEST_TMPDIR/cut"
		echo "suspects, cut to $f: status $status"
		[ "$status" -le 1 ]
	done
}

@test "a core with bytes flipped in its heap never crashes or hangs: census, suspects, retainers" {
	need_python 3.12
	local dir
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	cp "$dir/core" "$BATS_TEST_TMPDIR/bad"
	local size i
	size=$(stat -c %s "$dir/core")
	# Overwrite 64 blocks of 256 bytes at fixed pseudo-random places past the headers.
	for i in $(seq 1 64); do
		printf '\xff%.0s' $(seq 1 256) |
			dd of="$BATS_TEST_TMPDIR/bad" bs=1 seek=$(((i * 2654435761) % (size - 65536) + 65536)) conv=notrunc 2>/dev/null
	done
	for cmd in leaks suspects retained; do
		run_cli $cmd "$BATS_TEST_TMPDIR/bad"
		echo "$cmd: status $status"
		[ "$status" -le 1 ]
	done
}

# The damages check_damaged.py makes in a core of corpora/damaged, and judges.
DAMAGES="int-size list-size dict-size ob-type type-name gc-loop gc-unmapped phdr-misaligned phdr-offset nt-file-lost notes-lost"

@test "damaged cores give a warning and the rest of the answer: sizes, types, names, GC links, program headers, lost notes" {
	local failed=0 v exe debug_dir dir d args
	while read -r v exe debug_dir; do
		case "$v" in 3.7.* | 3.11.* | 3.12.* | 3.14.*) ;; *) continue ;; esac
		dir=$(cached_core "$v" "$exe" damaged) || { failed=1; continue; }
		args=()
		[ -z "$debug_dir" ] || args=(--debug-dir "$debug_dir")
		run_cli leaks "$dir/core" "${args[@]}" --json "$BATS_TEST_TMPDIR/base.json"
		[ "$status" -eq 0 ] || { echo "$v: undamaged core: status $status: $output"; failed=1; continue; }
		for d in $DAMAGES; do
			# shellcheck disable=SC2046
			"$CHECK_PYTHON" "$TOP_SRCDIR/tests/relayout_core.py" "$dir/core" "$BATS_TEST_TMPDIR/bad" 1.0 \
				$("$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_damaged.py" args "$d" "$dir/truth.json") ||
				{ failed=1; continue; }
			run_cli leaks "$BATS_TEST_TMPDIR/bad" "${args[@]}" --json "$BATS_TEST_TMPDIR/bad.json"
			# Without its list of mapped files, a core of Debian's python (the runtime is in the
			# executable, whose path only NT_FILE names) needs --exe, and must say so.
			if [ "$status" -eq 1 ] && [[ $v == *debian* && $d == *-lost ]] && [[ $output == *"give --exe"* ]]; then
				echo "$v $d: asks for --exe"
				continue
			fi
			[ "$status" -eq 0 ] || { echo "$v $d: leaks: status $status: $output"; failed=1; continue; }
			run "$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_damaged.py" "$d" "$BATS_TEST_TMPDIR/base.json" "$BATS_TEST_TMPDIR/bad.json"
			[ "$status" -eq 0 ] || { echo "$v: $output"; failed=1; }
			for cmd in suspects retained; do
				run_cli $cmd "$BATS_TEST_TMPDIR/bad" "${args[@]}"
				[ "$status" -eq 0 ] || { echo "$v $d: $cmd: status $status: $output"; failed=1; }
			done
			echo "$v $d: ok"
		done
	done < <(selected_pythons)
	[ "$failed" -eq 0 ]
}

@test "salvage: kernel cores cut before libpython's data give the objects left, marked salvaged" {
	local failed=0 v exe dir rt cut n
	while read -r v exe _; do
		[[ $v == *debian* ]] && continue # the runtime is in the executable: its data comes first
		dir=$BATS_TEST_TMPDIR/$v
		take_kernel_core "$exe" "$CORPORA/registry/program.py" "$dir"
		rt=$(ls "$(dirname "$exe")"/../lib/libpython3.*.so.1.0 | head -1)
		run_cli graph "$dir/kcore" --json "$dir/full.jsonl"
		[ "$status" -eq 0 ] || { echo "$v: graph of the whole core: $output"; failed=1; continue; }
		n=0
		for cut in $("$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_salvage.py" cuts "$dir/kcore" "$rt"); do
			n=$((n + 1))
			head -c "$cut" "$dir/kcore" >"$dir/cut"
			run_cli leaks "$dir/cut"
			if [ "$status" -ne 0 ] || [[ $output != *"SALVAGED: the core lost the runtime's own state"* ]] ||
				[[ $output != *"generations unknown (salvaged)"* ]]; then
				echo "$v, cut at $cut: leaks: status $status: $output"
				failed=1
				continue
			fi
			run_cli graph "$dir/cut" --json "$dir/cut.jsonl"
			[ "$status" -eq 0 ] || { echo "$v, cut at $cut: graph: $output"; failed=1; continue; }
			run "$CHECK_PYTHON" "$TOP_SRCDIR/tests/check_salvage.py" judge "$dir/full.jsonl" "$dir/cut.jsonl" \
				"$dir/cut" "$dir/truth.json" __main__.Session
			echo "$v, cut at $cut: $output"
			[ "$status" -eq 0 ] || failed=1
			[ "$n" -eq 1 ] || continue
			# the runtime's data lost (and on 3.6 a little more): the leak is the top suspect,
			# with its chain from its module (the class's module name may be lost)
			run_cli suspects "$dir/cut"
			if [[ $output != *"SALVAGED:"* ]] ||
				! grep -q "^Suspect 1: 5,000 \(__main__\.\)\?Session, .* held by module __main__ -> __dict__ -> \['REGISTRY'\]" <<<"$output"; then
				echo "$v: suspects of the salvaged core: $output"
				failed=1
			fi
		done
		[ "$n" -eq 3 ] || { echo "$v: $n cuts"; failed=1; }
	done < <(selected_pythons)
	[ "$failed" -eq 0 ]
}

@test "a damaged separate debug file: a warning, and the built-in layout serves" {
	local line v exe id dbg dir
	line=$(supported_pythons | awk '$1 ~ /-debian$/ && $2 ~ /python3\.11$/ { print; exit }')
	[ -n "$line" ] || skip "no Debian python3.11 here"
	read -r v exe _ <<<"$line"
	id=$(readelf -n "$exe" | awk '/Build ID/ { print $3; exit }')
	dbg=/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug
	[ -f "$dbg" ] || skip "python3.11-dbg is not installed"
	dir=$(cached_core "$v" "$exe" registry)
	mkdir -p "$BATS_TEST_TMPDIR/debug/.build-id/${id:0:2}"
	cp "$dbg" "$BATS_TEST_TMPDIR/debug/.build-id/${id:0:2}/"
	# zero its middle third, where the DWARF is
	local size
	size=$(stat -c %s "$dbg")
	dd if=/dev/zero of="$BATS_TEST_TMPDIR/debug/.build-id/${id:0:2}/${id:2}.debug" bs=4096 \
		seek=$((size / 4096 / 3)) count=$((size / 4096 / 3)) conv=notrunc 2>/dev/null
	run_cli leaks "$dir/core" --debug-dir "$BATS_TEST_TMPDIR/debug" --json "$BATS_TEST_TMPDIR/out.json"
	assert_success
	assert_output --partial "layout from built-in table"
	assert_output --regexp "${id:2}\.debug.*; using the built-in layout instead"
	"$CHECK_PYTHON" "$CHECK" "$dir/truth.json" "$CORPORA/registry/expected.json" "$BATS_TEST_TMPDIR/out.json"
}

@test "valgrind memcheck: census, suspects, retainers and referrers of a core, no error and no leak" {
	[ -z "${PYLEAKS_SANITIZERS:-}" ] || skip "valgrind cannot run the sanitized build; it runs in the plain pass"
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	need_python 3.12
	local dir cli cmd
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" damaged)
	cli=$PYLEAKS_CLI # the binary itself, not libtool's wrapper script (Makefile.am)
	for cmd in "leaks" "suspects" "retained" "referrers --type __main__.Holder"; do
		# shellcheck disable=SC2086
		run env LD_LIBRARY_PATH="$(dirname "$PYLEAKS_LIB")" timeout 600 valgrind -q --error-exitcode=99 \
			--leak-check=full --errors-for-leak-kinds=definite,indirect "$cli" $cmd "$dir/core"
		echo "$cmd: status $status"
		[ "$status" -eq 0 ] || { echo "$output" | tail -40; return 1; }
	done
}

@test "a mapped file that changed on disk since the core: the build-id mismatch is named" {
	need_python 3.12
	local dir lib id
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" damaged)
	lib=$(dirname "$(dirname "$PY_EXE")")/lib/libpython3.12.so.1.0
	[ -f "$lib" ] || skip "no libpython3.12.so.1.0 beside $PY_EXE"
	id=$(readelf -n "$lib" | awk '/Build ID/ { print $3; exit }')
	mkdir -p "$BATS_TEST_TMPDIR/sysroot$(dirname "$lib")"
	# the same library but for one byte of its build-id: another build, as far as ids go
	"$CHECK_PYTHON" - "$id" "$lib" "$BATS_TEST_TMPDIR/sysroot$lib" <<'EOF'
import sys
raw, data = bytes.fromhex(sys.argv[1]), bytearray(open(sys.argv[2], "rb").read())
at = data.find(raw)
assert at > 0 and data.find(raw, at + 1) < 0, "the build-id is not in the file once"
data[at] ^= 0xff
open(sys.argv[3], "wb").write(data)
EOF
	run_cli leaks "$dir/core" --sysroot "$BATS_TEST_TMPDIR/sysroot"
	assert_success
	assert_output --partial "sysroot$lib is not the file the process mapped (build-id $id in its memory"
}

@test "a core whose executable and libraries cannot be found" {
	need_python 3.12
	local dir
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	run_cli leaks "$dir/core" --sysroot /nonexistent-sysroot
	assert_failure 1
	assert_output --partial "no Python runtime found"
	assert_output --partial "not found on this machine"
	assert_output --partial "use --exe or --sysroot"
}

@test "--exe pointing at a file that does not exist" {
	need_python 3.12
	local dir
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	run_cli leaks "$dir/core" --exe /nonexistent/python3.12
	# The runtime lives in libpython, which is still found: the census works, with a warning.
	assert_success
	assert_output --partial "/nonexistent/python3.12"
}

@test "--pid of a process that does not exist" {
	run_cli leaks --pid 999999999
	assert_failure 1
	assert_output --partial "/proc/999999999"
}


@test "one broken GC link: the walk goes back from the list head and loses nothing" {
	need_python 3.12
	local dir addr
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	# the 2500th Session, and its GC head's next pointer (the 16 bytes before the object)
	addr=$(instance_of "$dir/core" __main__.Session 2500)
	[ -n "$addr" ]
	"$CHECK_PYTHON" - "$dir/core" "$BATS_TEST_TMPDIR/core" $((addr - 16)) <<'PY'
import struct, sys
src, dst, vaddr = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = bytearray(open(src, "rb").read())
phoff, phnum = struct.unpack_from("<Q", data, 32)[0], struct.unpack_from("<H", data, 56)[0]
for i in range(phnum):
    p_type, _, off, va, _, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + 56 * i)
    if p_type == 1 and va <= vaddr < va + filesz:
        struct.pack_into("<Q", data, off + vaddr - va, 0x10)  # _gc_next -> unreadable
        break
else:
    sys.exit("address not in the core")
open(dst, "wb").write(data)
PY
	run "$PYLEAKS_CLI" leaks "$BATS_TEST_TMPDIR/core" --json "$BATS_TEST_TMPDIR/out.json"
	assert_success
	assert_output --partial "broken: cannot read object at 0x"
	assert_output --partial "objects recovered by walking back from its head (only the broken link is lost)"
	"$CHECK_PYTHON" "$CHECK" "$dir/truth.json" "$CORPORA/registry/expected.json" "$BATS_TEST_TMPDIR/out.json"
}
