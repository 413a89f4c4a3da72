#!/usr/bin/env bats
# stripped.bats - builds without debug information. For every pyenv CPython, a fully stripped
# copy of its libpython (strip --strip-all, as distributions ship it) runs a corpora program and
# is cored; pyleaks must give the exact census from its built-in layout tables, and from DWARF
# again when pointed at the separate debug file (found by build-id under --debug-dir).
load helpers

# stripped_copy VERSION EXE: a directory with lib/ (stripped libpython) and debug/ (its DWARF,
# under .build-id/), made once per version.
stripped_copy() {
	local v=$1 exe=$2
	local dir=${PYLEAKS_CORE_DIR:-$PWD/tests/tmp/cores}/stripped-$v
	local lib
	lib=$(ls "$(dirname "$exe")"/../lib/libpython[23]*.so.1.0 2>/dev/null | head -1)
	[ -n "$lib" ] || return 1
	(
		flock 9
		if [ ! -f "$dir/ready" ]; then
			rm -rf "$dir" && mkdir -p "$dir/lib"
			local name id
			name=$(basename "$lib")
			cp "$lib" "$dir/lib/$name"
			id=$(readelf -n "$lib" | sed -n 's/.*Build ID: //p')
			mkdir -p "$dir/debug/.build-id/${id:0:2}"
			objcopy --only-keep-debug "$lib" "$dir/debug/.build-id/${id:0:2}/${id:2}.debug"
			strip --strip-all "$dir/lib/$name"
			touch "$dir/ready"
		fi
	) 9>"$dir.lock" || return 1
	echo "$dir"
}

@test "stripped copies of every pyenv build: exact census from built-in tables and from debug files" {
	local failed=0 v exe dir core_dir pythons
	pythons=$(selected_pythons | grep -v debian | cut -d' ' -f1,2)
	[ -n "$pythons" ] || skip "no pyenv CPython builds found"
	while read -r v exe; do
		case "$v" in 3.6.*) continue ;; esac # 3.6: its getter and gc.garbage (stripped_static_gc)
		dir=$(stripped_copy "$v" "$exe") || { echo "$v: no libpython to strip"; failed=1; continue; }
		if readelf -S "$dir"/lib/libpython*.so.1.0 | grep -q debug_info; then
			echo "$v: strip left DWARF behind"; failed=1; continue
		fi
		core_dir=$dir/registry
		if [ ! -s "$core_dir/core" ]; then
			LD_LIBRARY_PATH=$dir/lib take_core "$exe" "$CORPORA/registry/program.py" "$core_dir" || { failed=1; continue; }
		fi
		# tables: no debug files anywhere
		mkdir -p "$BATS_TEST_TMPDIR/empty"
		"$PYLEAKS_CLI" leaks "$core_dir/core" --debug-dir "$BATS_TEST_TMPDIR/empty" \
			--json "$core_dir/tables.json" >"$core_dir/tables.txt" 2>&1 || { cat "$core_dir/tables.txt"; failed=1; continue; }
		grep -q "(layout from built-in table of " "$core_dir/tables.txt" || { echo "$v: tables not used"; failed=1; }
		"$CHECK_PYTHON" "$CHECK" "$core_dir/truth.json" "$CORPORA/registry/expected.json" "$core_dir/tables.json" || failed=1
		# DWARF from the separate debug file
		"$PYLEAKS_CLI" leaks "$core_dir/core" --debug-dir "$dir/debug" \
			--json "$core_dir/dwarf.json" >"$core_dir/dwarf.txt" 2>&1 || { cat "$core_dir/dwarf.txt"; failed=1; continue; }
		grep -q "(layout from DWARF of $dir/debug/.build-id/" "$core_dir/dwarf.txt" || { echo "$v: debug file not used"; failed=1; }
		"$CHECK_PYTHON" "$CHECK" "$core_dir/truth.json" "$CORPORA/registry/expected.json" "$core_dir/dwarf.json" || failed=1
	done <<<"$pythons"
	[ "$failed" = 0 ]
}

# stripped_static_gc VERSION EXE: a fully stripped build whose GC state is static variables
# (2.7, 3.6): interp_head is found through its exported getter's code and the layout in the
# built-in tables, and the census is exact; gc.garbage (a static no exported function returns)
# is said to be unlisted, not empty. With the debug file (which has the symbol table's locals
# too), DWARF and gc.garbage again.
stripped_static_gc() {
	local v=$1 exe=$2 dir core
	dir=$(stripped_copy "$v" "$exe")
	core=$BATS_TEST_TMPDIR/c$v
	LD_LIBRARY_PATH=$dir/lib take_core "$exe" "$CORPORA/registry/program.py" "$core"
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	run timeout 60 "$PYLEAKS_CLI" leaks "$core/core" --debug-dir "$BATS_TEST_TMPDIR/empty" \
		--json "$core/tables.json"
	assert_success
	assert_output --partial "(layout from built-in table of $v "
	assert_output --partial "gc.garbage: not listed (see the warnings)"
	assert_output --partial "gc.garbage is not listed: $dir/lib/"
	grep -q '"garbage_listed": false' "$core/tables.json"
	"$CHECK_PYTHON" "$CHECK" "$core/truth.json" "$CORPORA/registry/expected.json" "$core/tables.json"
	run timeout 60 "$PYLEAKS_CLI" suspects "$core/core" --debug-dir "$BATS_TEST_TMPDIR/empty"
	assert_success
	assert_output --partial "__main__.Session"
	assert_output --partial "gc.garbage: not listed (see the warnings)"
	run timeout 60 "$PYLEAKS_CLI" leaks "$core/core" --debug-dir "$dir/debug" --json "$core/dwarf.json"
	assert_success
	assert_output --partial "(layout from DWARF of $dir/debug/.build-id/"
	assert_output --partial "gc.garbage: 0 objects"
	refute_output --partial "not listed"
	grep -q '"garbage_listed": true' "$core/dwarf.json"
	"$CHECK_PYTHON" "$CHECK" "$core/truth.json" "$CORPORA/registry/expected.json" "$core/dwarf.json"
}

# patch_getter LIB HEX: write the bytes HEX over the start of LIB's PyInterpreterState_Head,
# where "DISP" in HEX stands for the getter's own displacement, less 4 (for an endbr64 before
# it)
patch_getter() {
	local lib=$1 hex=$2 value
	value=$(nm -D "$lib" | awk '$3 == "PyInterpreterState_Head" { print $1 }')
	[ -n "$value" ] || return 1
	"$CHECK_PYTHON" - "$lib" "$value" "$hex" "$(readelf -lW "$lib")" <<'PY'
import struct, sys
lib, vaddr, hexes, phdrs = sys.argv[1], int(sys.argv[2], 16), sys.argv[3], sys.argv[4]
for line in phdrs.splitlines():
    f = line.split()
    if f and f[0] == "LOAD" and int(f[2], 16) <= vaddr < int(f[2], 16) + int(f[4], 16):
        offset = vaddr - int(f[2], 16) + int(f[1], 16)
with open(lib, "r+b") as fh:
    fh.seek(offset)
    code = fh.read(8)
    assert code[:3] == b"\x48\x8b\x05" and code[7:8] == b"\xc3", code.hex()
    disp = struct.unpack("<i", code[3:7])[0]
    fh.seek(offset)
    fh.write(bytes.fromhex(hexes.replace("DISP", struct.pack("<i", disp - 4).hex())))
PY
}

# stripped_getter VERSION EXE: the getter's code as a build with control-flow protection has
# it (endbr64 first) gives the same census; code that is not a getter gives a clear error.
stripped_getter() {
	local v=$1 exe=$2 dir copy lib
	dir=$(stripped_copy "$v" "$exe")
	copy=$BATS_TEST_TMPDIR/getter$v
	mkdir -p "$copy/lib" "$BATS_TEST_TMPDIR/empty"
	cp "$dir"/lib/libpython*.so.1.0 "$copy/lib/"
	lib=$(ls "$copy"/lib/libpython*.so.1.0)
	LD_LIBRARY_PATH=$copy/lib take_core "$exe" "$CORPORA/registry/program.py" "$copy/c"
	# the core read the library's code from the file: patch the file after the core is taken
	cp "$lib" "$lib.orig"
	patch_getter "$lib" "f30f1efa488b05DISPc3"
	run timeout 60 "$PYLEAKS_CLI" leaks "$copy/c/core" --debug-dir "$BATS_TEST_TMPDIR/empty" \
		--json "$copy/endbr.json"
	assert_success
	"$CHECK_PYTHON" "$CHECK" "$copy/c/truth.json" "$CORPORA/registry/expected.json" "$copy/endbr.json"
	cp "$lib.orig" "$lib"
	patch_getter "$lib" "c3"
	run timeout 60 "$PYLEAKS_CLI" leaks "$copy/c/core" --debug-dir "$BATS_TEST_TMPDIR/empty"
	assert_failure 1
	assert_output --partial "finding the static GC state of Python $v (it needs the symbol table, or an x86-64 PyInterpreterState_Head whose code says where interp_head is)"
}

@test "a stripped 2.7 and 3.6: a getter after endbr64 is read, code that is no getter is a clear error" {
	local v exe
	need_python 3.6
	stripped_getter "$PY_VERSION" "$PY_EXE"
	read -r v exe <<<"$(python2_pythons | tail -1)"
	[ -n "$v" ] || skip "no CPython 2.7 build with debug info under $(pyenv_root)/versions"
	stripped_getter "$v" "$exe"
}

@test "a fully stripped 3.6 (no symbol table): the census from built-in tables, gc.garbage said to be unlisted" {
	need_python 3.6
	stripped_static_gc "$PY_VERSION" "$PY_EXE"
}

@test "a fully stripped 2.7 (no symbol table): the census from built-in tables, gc.garbage said to be unlisted" {
	local v exe
	read -r v exe <<<"$(python2_pythons | tail -1)"
	[ -n "$v" ] || skip "no CPython 2.7 build with debug info under $(pyenv_root)/versions"
	stripped_static_gc "$v" "$exe"
}

# set_items GRAPH: the number of references of the set zoo2 holds as SHRUNK, in a --labels graph
set_items() {
	"$CHECK_PYTHON" -c '
import json, sys
objs = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    objs[o["address"]] = o
print(" ".join(str(len(objs[r]["refs"])) for o in objs.values()
               for r, l in zip(o.get("refs", []), o.get("labels", [])) if l == "[\x27SHRUNK\x27]"))
' "$1"
}

@test "a fully stripped 2.7: a set's deleted entries, which hold its static dummy, are not items" {
	local v exe dir core
	read -r v exe <<<"$(python2_pythons | tail -1)"
	[ -n "$v" ] || skip "no CPython 2.7 build with debug info under $(pyenv_root)/versions"
	dir=$(stripped_copy "$v" "$exe")
	core=$BATS_TEST_TMPDIR/zoo2
	LD_LIBRARY_PATH=$dir/lib take_core "$exe" "$CORPORA/zoo2/program.py" "$core"
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	# SHRUNK: 4 of 8 items discarded, then a str spelled like the dummy added: 5 items
	run timeout 60 "$PYLEAKS_CLI" graph "$core/core" --labels --json "$BATS_TEST_TMPDIR/tables.graph" \
		--debug-dir "$BATS_TEST_TMPDIR/empty"
	assert_success
	[ "$(set_items "$BATS_TEST_TMPDIR/tables.graph")" = 5 ]
	run timeout 60 "$PYLEAKS_CLI" leaks "$core/core" --debug-dir "$BATS_TEST_TMPDIR/empty" --top 1
	assert_output --partial "(layout from built-in table of $v "
	timeout 60 "$PYLEAKS_CLI" graph "$core/core" --labels --json "$BATS_TEST_TMPDIR/dwarf.graph" --debug-dir "$dir/debug"
	[ "$(set_items "$BATS_TEST_TMPDIR/dwarf.graph")" = 5 ]
}

@test "no Py_Version, no version in the file name: the PY_VERSION literal gives the exact version" {
	need_python 3.10
	local dir lib name
	dir=$(stripped_copy "$PY_VERSION" "$PY_EXE")
	name=$(basename "$dir"/lib/libpython*.so.1.0)
	mkdir -p "$BATS_TEST_TMPDIR/lib"
	cp "$dir/lib/$name" "$BATS_TEST_TMPDIR/lib/libembedded.so"
	ln -s libembedded.so "$BATS_TEST_TMPDIR/lib/$name"
	LD_LIBRARY_PATH=$BATS_TEST_TMPDIR/lib take_core "$PY_EXE" "$CORPORA/registry/program.py" "$BATS_TEST_TMPDIR/emb"
	run timeout 60 "$PYLEAKS_CLI" leaks "$BATS_TEST_TMPDIR/emb/core" --debug-dir "$BATS_TEST_TMPDIR" \
		--json "$BATS_TEST_TMPDIR/emb.json"
	assert_success
	assert_output --partial "Python $PY_VERSION, core file"
	assert_output --partial "runtime: $BATS_TEST_TMPDIR/lib/libembedded.so (layout from built-in table of"
	"$CHECK_PYTHON" "$CHECK" "$BATS_TEST_TMPDIR/emb/truth.json" "$CORPORA/registry/expected.json" "$BATS_TEST_TMPDIR/emb.json"
}
