#!/usr/bin/env bats
# install.bats - `make install` installs the library, its header, the CLI and the gdb package,
# and the installed gdb package finds the installed library on its own.
load helpers

setup_file() {
	export PREFIX=$BATS_FILE_TMPDIR/prefix
	make -s install prefix="$PREFIX" GDBINIT_DIR="$PREFIX/etc/gdb/gdbinit.d" >"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/install.log"; return 1; }
}

@test "make install puts every part in place" {
	[ -f "$PREFIX/include/pyleaks.h" ]
	[ -e "$PREFIX/lib/libpyleaks.so" ]
	[ -x "$PREFIX/bin/pyleaks" ]
	[ -f "$PREFIX/share/pyleaks/gdb/pyleaks-gdb.py" ]
	[ -f "$PREFIX/share/pyleaks/gdb/pyleaks/config.py" ]
	grep -q "LIBDIR = \"$PREFIX/lib\"" "$PREFIX/share/pyleaks/gdb/pyleaks/config.py"
	# only the pyleaks_ API is exported
	run bash -c "nm -D --defined-only '$PREFIX/lib/libpyleaks.so' | awk '{print \$3}' | grep -v '^pyleaks_'"
	assert_output ""
}

@test "the installed CLI runs" {
	# a prefix outside the loader's path needs LD_LIBRARY_PATH, as for any library
	LD_LIBRARY_PATH=$PREFIX/lib run "$PREFIX/bin/pyleaks" --version
	assert_success
}

@test "the installed gdb package loads the installed library by itself" {
	need_python 3.12
	local dir
	dir=$(cached_core "$PY_VERSION" "$PY_EXE" registry)
	run env -u PYLEAKS_LIB gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' \
		-ex "source $PREFIX/share/pyleaks/gdb/pyleaks-gdb.py" -ex 'py-leaks --max 1' "$PY_EXE" "$dir/core"
	assert_success
	assert_output --partial "Python $PY_VERSION"
	assert_output --partial "__main__.Session"
}

@test "the loader installed into gdb's init directory (--with-gdbinit-dir) loads pyleaks" {
	[ -f "$PREFIX/etc/gdb/gdbinit.d/pyleaks-gdb.py" ]
	run env -u PYLEAKS_LIB gdb -nx -batch -iex 'set auto-load no' -x "$PREFIX/etc/gdb/gdbinit.d/pyleaks-gdb.py" -ex 'help py-leaks'
	assert_success
	assert_output --partial "Usage: py-leaks"
}

@test "a C program builds against the installed header and library" {
	cat >"$BATS_TEST_TMPDIR/use.c" <<'C'
#include <pyleaks.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	struct pyleaks *pl = pyleaks_create();
	int rc = pyleaks_open_core(pl, argc > 1 ? argv[1] : "/nonexistent", NULL, NULL);
	printf("%d %s\n", rc, pyleaks_errmsg(pl));
	pyleaks_destroy(pl);
	return 0;
}
C
	cc -o "$BATS_TEST_TMPDIR/use" "$BATS_TEST_TMPDIR/use.c" -I"$PREFIX/include" -L"$PREFIX/lib" -lpyleaks \
		-Wl,-rpath,"$PREFIX/lib" ${PYLEAKS_SANITIZERS:-}
	run "$BATS_TEST_TMPDIR/use" /nonexistent/core
	assert_success
	assert_output "2 cannot open /nonexistent/core: No such file or directory"
}
