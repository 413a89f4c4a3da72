#!/usr/bin/env bats
# layout.bats - where the layout comes from and how disagreements are settled: a 3.13+ build
# states its own offsets in _Py_DebugOffsets; when they disagree with the layout, the one the
# heap check accepts is used and the report says so.
load helpers

# corrupt_debug_offset CORE OUT FIELD VALUE: copy CORE to OUT with the _Py_DebugOffsets field
# FIELD (a member path such as interpreter_state.sysdict) set to VALUE. The debug offsets are
# found by their cookie; the field's place in them comes from the DWARF of the build.
corrupt_debug_offset() {
	local core=$1 out=$2 field=$3 value=$4 off
	off=$(gdb -nx -batch -ex "print (long)&((_Py_DebugOffsets*)0)->$field" "$LIBPY" 2>/dev/null | sed -n 's/^\$1 = //p')
	[ -n "$off" ]
	"$CHECK_PYTHON" - "$core" "$out" "$off" "$value" <<'PY'
import struct, sys
core, out, off, value = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = bytearray(open(core, "rb").read())
at = [i for i in range(0, len(data) - 8, 8) if data[i:i + 8] == b"xdebugpy"]
assert len(at) == 1, "cookie found %d times" % len(at)
data[at[0] + off:at[0] + off + 8] = struct.pack("<Q", value)
open(out, "wb").write(data)
PY
}

setup() {
	need_python 3.13
	LIBPY=$(ls "$(dirname "$PY_EXE")"/../lib/libpython3.13.so.1.0 2>/dev/null)
	[ -n "$LIBPY" ] || skip "no libpython3.13 beside $PY_EXE"
	CORE_DIR=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
}

@test "3.13: DWARF and the build's _Py_DebugOffsets agree (no warning)" {
	run "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --top 1
	assert_success
	refute_output --partial "disagree"
}

@test "a wrong debug offset is refused by the heap check, said, and the census stays exact" {
	corrupt_debug_offset "$CORE_DIR/core" "$BATS_TEST_TMPDIR/core" interpreter_state.sysdict 1234
	run "$PYLEAKS_CLI" leaks "$BATS_TEST_TMPDIR/core" --json "$BATS_TEST_TMPDIR/out.json"
	assert_success
	assert_output --partial "DWARF and _Py_DebugOffsets disagree on interp_sysdict"
	assert_output --partial "debug offsets 1234); the heap check refused the debug offsets"
	"$CHECK_PYTHON" "$CHECK" "$CORE_DIR/truth.json" "$CORPORA/registry/expected.json" "$BATS_TEST_TMPDIR/out.json"
}

@test "a free-threaded build is named as such" {
	corrupt_debug_offset "$CORE_DIR/core" "$BATS_TEST_TMPDIR/core" free_threaded 1
	run "$PYLEAKS_CLI" leaks "$BATS_TEST_TMPDIR/core"
	assert_failure 1
	assert_output --regexp "^pyleaks: error: Python 3\.13\.[0-9]+ in .* is a free-threaded build, which pyleaks does not support yet"
}

@test "a free-threaded library name (libpython3.13t) is named as such" {
	local lib=$BATS_TEST_TMPDIR/lib
	mkdir -p "$lib"
	cp "$LIBPY" "$lib/libpython3.13t.so.1.0"
	ln -s libpython3.13t.so.1.0 "$lib/libpython3.13.so.1.0"
	LD_LIBRARY_PATH=$lib take_core "$PY_EXE" "$CORPORA/registry/program.py" "$BATS_TEST_TMPDIR/ft"
	run "$PYLEAKS_CLI" leaks "$BATS_TEST_TMPDIR/ft/core"
	assert_failure 1
	assert_output --regexp "^pyleaks: error: Python 3\.13\.[0-9]+ in .*/libpython3\.13t\.so\.1\.0 is a free-threaded build"
}

@test "the layout read from DWARF is kept on disk: the same report from it, a damaged entry ignored, a shared directory or off writes none" {
	local cache=$BATS_TEST_TMPDIR/layouts entry
	mkdir -p "$cache"
	PYLEAKS_LAYOUT_CACHE=$cache "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --json "$BATS_TEST_TMPDIR/first.json" >"$BATS_TEST_TMPDIR/first.txt"
	# one entry for libpython, one for each extension module whose structs are read
	[ -n "$(ls -A "$cache")" ]
	PYLEAKS_LAYOUT_CACHE=$cache "$PYLEAKS_CLI" leaks "$CORE_DIR/core" --json "$BATS_TEST_TMPDIR/again.json" >"$BATS_TEST_TMPDIR/again.txt"
	cmp "$BATS_TEST_TMPDIR/first.txt" "$BATS_TEST_TMPDIR/again.txt"
	"$CHECK_PYTHON" "$CHECK" "$CORE_DIR/truth.json" "$CORPORA/registry/expected.json" "$BATS_TEST_TMPDIR/again.json"
	# the entries are what the second run used: entries forged to say every offset is missing
	# (their hash made to match) change the answer
	for entry in "$cache"/*; do
		"$CHECK_PYTHON" - "$entry" <<'PY'
import struct, sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
klen = struct.unpack_from("<Q", d, 8)[0]
n = struct.unpack_from("<Q", d, 16 + klen)[0]
struct.pack_into("<%dq" % n, d, 24 + klen, *([-1] * n))
h = 1469598103934665603
for b in d[:-8]:
    h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
struct.pack_into("<Q", d, len(d) - 8, h)
open(p, "wb").write(d)
PY
	done
	run env PYLEAKS_LAYOUT_CACHE="$cache" "$PYLEAKS_CLI" leaks "$CORE_DIR/core"
	[ "$output" != "$(cat "$BATS_TEST_TMPDIR/first.txt")" ]
	rm -f "$cache"/*
	PYLEAKS_LAYOUT_CACHE=$cache "$PYLEAKS_CLI" leaks "$CORE_DIR/core" >/dev/null
	# entries whose offsets were changed (their hash no longer matches), then entries cut short:
	# read from DWARF again, the same report, the entries rewritten whole
	for entry in "$cache"/*; do
		"$CHECK_PYTHON" -c 'import sys; p = sys.argv[1]; d = bytearray(open(p, "rb").read()); d[-40] ^= 0xff; open(p, "wb").write(d)' "$entry"
	done
	run env PYLEAKS_LAYOUT_CACHE="$cache" "$PYLEAKS_CLI" leaks "$CORE_DIR/core"
	assert_success
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/first.txt")" ]
	for entry in "$cache"/*; do truncate -s 100 "$entry"; done
	run env PYLEAKS_LAYOUT_CACHE="$cache" "$PYLEAKS_CLI" leaks "$CORE_DIR/core"
	assert_success
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/first.txt")" ]
	for entry in "$cache"/*; do [ "$(stat -c %s "$entry")" -gt 100 ]; done
	# a directory others may write is not used (an entry steers what the agent reads and calls)
	rm -rf "$cache" && mkdir -p "$cache" && chmod 777 "$cache"
	PYLEAKS_LAYOUT_CACHE=$cache "$PYLEAKS_CLI" leaks "$CORE_DIR/core" >/dev/null
	[ -z "$(ls -A "$cache")" ]
	# off: nothing is written, wherever HOME and XDG_CACHE_HOME point
	rm -rf "$cache" && mkdir -p "$cache"
	PYLEAKS_LAYOUT_CACHE=off HOME=$cache XDG_CACHE_HOME=$cache "$PYLEAKS_CLI" leaks "$CORE_DIR/core" >/dev/null
	[ -z "$(ls -A "$cache")" ]
}
