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
