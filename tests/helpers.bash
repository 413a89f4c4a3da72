# helpers.bash - shared by the BATS suites: where things are, which Pythons the machine has,
# and how to run a corpora program and take a real core of it with gcore.
# shellcheck shell=bash

bats_load_library bats-support
bats_load_library bats-assert

TOP_SRCDIR=${PYLEAKS_TOP_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
PYLEAKS_CLI=${PYLEAKS_CLI:-$TOP_SRCDIR/helper/cli/pyleaks}
CORPORA=$TOP_SRCDIR/corpora
CHECK=$TOP_SRCDIR/tests/check_census.py
export PYLEAKS_LIB

# The system python3 (not the target) runs the checking scripts.
CHECK_PYTHON=${CHECK_PYTHON:-/usr/bin/python3}

pyenv_root() {
	if [ -n "${PYENV_ROOT:-}" ]; then echo "$PYENV_ROOT"; return; fi
	command -v pyenv >/dev/null 2>&1 && pyenv root && return
	echo "$HOME/.pyenv"
}

# Print "VERSION PATH" for every CPython build the census supports here (DWARF builds 3.6+).
supported_pythons() {
	local root v exe
	root=$(pyenv_root)
	for dir in "$root"/versions/*; do
		v=$(basename "$dir")
		case "$v" in
		3.[6-9].* | 3.1[0-3].*)
			exe="$dir/bin/python${v%.*}"
			[ -x "$exe" ] && echo "$v $exe"
			;;
		esac
	done
	# Debian's interpreters: stripped (debug files from python3.X-dbg, else built-in tables),
	# and the debug builds python3.Xd, which carry DWARF.
	for exe in /usr/bin/python3.[0-9] /usr/bin/python3.[0-9][0-9] /usr/bin/python3.[0-9]*d; do
		[ -x "$exe" ] || continue
		v=$("$exe" -c 'import platform; print(platform.python_version())' 2>/dev/null) || continue
		case "$exe" in *d) label=$v-debian-dbg ;; *) label=$v-debian ;; esac
		case "$v" in 3.[6-9].* | 3.1[0-5].*) echo "$label $exe" ;; esac
	done
	# Debian sid's newest builds, fetched by tests/fetch-debian-pythons: a third column says
	# where their detached debug files are.
	local manifest
	manifest=$(debian_sid_cache)/manifest
	if [ -s "$manifest" ]; then
		while read -r v wrapper _bin debug_dir _debug_file; do
			echo "$v-debian-sid $wrapper $debug_dir"
		done <"$manifest"
	fi
}

# Print "VERSION: reason" for every CPython on the machine the matrix leaves out.
skipped_pythons() {
	local dir v
	for dir in "$(pyenv_root)"/versions/*; do
		[ -d "$dir" ] || continue
		v=$(basename "$dir")
		case "$v" in
		3.[6-9].* | 3.1[0-5].*) ;;
		2.7.*) echo "$v: in the matrix of every suite (census, suspects, refs, referrers, growth, in-process, gdbserver) but for Python 3's scenarios (service, zoo: zoo2 is 2.7's), a nested class's qualname, and the damaged-core tests; its built-in table is checked on a stripped copy (stripped.bats)" ;;
		*) echo "$v: not supported (refused with a clear error; see tests/unit/test_version.c)" ;;
		esac
	done
	local cache
	cache=$(debian_sid_cache)
	[ -s "$cache/manifest" ] ||
		echo "Debian sid 3.13/3.14/3.15: $(cat "$cache/status" 2>/dev/null || echo "not fetched (tests/fetch-debian-pythons)")"
	echo "3.14.0-3.14.4: no build can be had here (incremental GC: supported from the published layout, not run)"
	echo "free-threaded 3.13t/3.14t: not supported yet (refused by name; see layout.bats)"
	[ -z "${PYLEAKS_ONLY:-}" ] || echo "everything not matching PYLEAKS_ONLY=$PYLEAKS_ONLY"
}

debian_sid_cache() {
	echo "${PYLEAKS_CACHE:-$HOME/.cache/pyleaks}/debian-sid"
}

# PYLEAKS_ONLY=3.12 narrows the runs to matching versions (for quick local runs).
# Versions filtered by PYLEAKS_ONLY (a prefix such as 3.12), if set.
selected_pythons() {
	supported_pythons | while read -r line; do
		case "$line" in "${PYLEAKS_ONLY:-}"*) echo "$line" ;; esac
	done
}

# Skip a test that runs on the Python 3 builds when PYLEAKS_ONLY selects none of them.
need_selected_pythons() {
	[ -n "$(selected_pythons)" ] || skip "no Python 3 build matches PYLEAKS_ONLY=${PYLEAKS_ONLY:-}"
}

# Print "VERSION PATH" for the Python 2.7 builds with debug info (pyenv's), which census.bats
# runs beside selected_pythons (filtered by PYLEAKS_ONLY as they are).
python2_pythons() {
	local dir v exe
	for dir in "$(pyenv_root)"/versions/2.7.*; do
		v=$(basename "$dir")
		exe="$dir/bin/python2.7"
		[ -x "$exe" ] || continue
		case "$v" in "${PYLEAKS_ONLY:-}"*) echo "$v $exe" ;; esac
	done
}

python_for() { # python_for 3.12 -> "VERSION PATH" of the newest pyenv 3.12.x build, or nothing
	supported_pythons | grep -v -- '-debian' |
		awk -v want="$1" 'index($1, want ".") == 1 || $1 == want { p = $1 " " $2 } END { if (p) print p }'
}

# need_python 3.12: set PY_VERSION and PY_EXE, or skip the test saying why.
need_python() {
	local line
	line=$(python_for "$1")
	[ -n "$line" ] || skip "no CPython $1 build with debug info found under $(pyenv_root)/versions"
	read -r PY_VERSION PY_EXE <<<"$line"
}

# run_scenario PYTHON PROGRAM OUTDIR: start the program, wait for READY; sets SCENARIO_PID and
# leaves its ground truth in OUTDIR/truth.json.
run_scenario() {
	local python=$1 program=$2 out=$3
	mkdir -p "$out"
	PYLEAKS_SCENARIO_OUT=$out "$python" "$program" >"$out/stdout" 2>"$out/stderr" &
	SCENARIO_PID=$!
	local i
	for i in $(seq 1 600); do
		grep -q '^READY$' "$out/stdout" 2>/dev/null && break
		if ! kill -0 "$SCENARIO_PID" 2>/dev/null; then
			echo "scenario $program exited early:" >&2
			cat "$out/stderr" >&2
			return 1
		fi
		sleep 0.1
	done
	grep -q '^READY$' "$out/stdout" || { echo "scenario $program never became ready" >&2; return 1; }
	sed -n 's/^PYLEAKS-TRUTH //p' "$out/stdout" >"$out/truth.json"
}

stop_scenario() {
	[ -n "${SCENARIO_PID:-}" ] || return 0
	# SIGKILL: a SIGSTOPped process would keep a SIGTERM pending and never exit.
	kill -KILL "$SCENARIO_PID" 2>/dev/null || true
	wait "$SCENARIO_PID" 2>/dev/null || true
	SCENARIO_PID=
}

# take_core PYTHON PROGRAM OUTDIR: run the program, gcore it to OUTDIR/core, stop it.
take_core() {
	local python=$1 program=$2 out=$3
	run_scenario "$python" "$program" "$out" || return 1
	if ! gcore -o "$out/core" "$SCENARIO_PID" >"$out/gcore.log" 2>&1; then
		cat "$out/gcore.log" >&2
		stop_scenario
		return 1
	fi
	stop_scenario
	mv "$out/core.$(ls "$out" | sed -n 's/^core\.\([0-9]*\)$/\1/p' | head -1)" "$out/core"
}

# take_kernel_core PYTHON PROGRAM OUTDIR: run the program in OUTDIR with core dumps allowed,
# kill it with SIGABRT once it is ready and leave the core the kernel wrote in OUTDIR/kcore
# (its notes first, its memory in address order). Skips the test where the kernel's cores go
# to a program (core_pattern "|...") or another directory.
take_kernel_core() {
	local python=$1 program=$2 out=$3 pattern
	pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
	case "$pattern" in
	"" | "|"* | */*) skip "the kernel's cores do not land in the process's directory here (core_pattern '$pattern')" ;;
	esac
	mkdir -p "$out"
	rm -f "$out"/core "$out"/core.* "$out/kcore"
	ulimit -c unlimited
	local here=$PWD
	cd "$out" || return 1 # the kernel writes the core in the process's directory
	run_scenario "$python" "$program" "$out" || { cd "$here"; return 1; }
	cd "$here" || return 1
	kill -ABRT "$SCENARIO_PID"
	wait "$SCENARIO_PID" 2>/dev/null || true
	SCENARIO_PID=
	local core
	core=$(ls "$out"/core "$out"/core.* 2>/dev/null | head -1)
	[ -n "$core" ] || skip "no core written (core_pattern '$pattern', ulimit -c $(ulimit -c))"
	mv "$core" "$out/kcore"
}

# gdb in batch mode with pyleaks loaded, no user gdbinit.
pyleaks_gdb() {
	gdb -nx -batch -iex 'set auto-load no' -iex 'set debuginfod enabled off' \
		-ex "source $TOP_SRCDIR/gdb/pyleaks-gdb.py" "$@"
}

# The sanitized build's gdb suites run gdb with the ASan runtime preloaded (tests/gdb-asan, found
# first on PATH as "gdb"; the shim it needs is built by make check).
if [ -n "${PYLEAKS_SANITIZERS:-}" ] && [ -z "${PYLEAKS_REAL_GDB:-}" ]; then
	PYLEAKS_REAL_GDB=$(command -v gdb || echo /usr/bin/gdb)
	PYLEAKS_ASAN_GDB_SHIM=$PWD/tests/asan_gdb_shim.so
	PYLEAKS_ASAN_RUNTIME=$(ldd "${PYLEAKS_LIB:-}" 2>/dev/null | awk '/libasan|libclang_rt\.asan/ { print $3; exit }')
	export PYLEAKS_REAL_GDB PYLEAKS_ASAN_GDB_SHIM PYLEAKS_ASAN_RUNTIME
	mkdir -p "$PWD/tests/tmp/gdb-asan"
	ln -sf "$TOP_SRCDIR/tests/gdb-asan" "$PWD/tests/tmp/gdb-asan/gdb"
	PATH=$PWD/tests/tmp/gdb-asan:$PATH
fi

# cached_core VERSION PYTHON SCENARIO: print the directory holding a core (and truth.json) of
# corpora/SCENARIO under PYTHON, taking it on first use. Suites share these cores through
# PYLEAKS_CORE_DIR (default tests/tmp/cores in the build tree); a lock keeps parallel suites from
# taking the same core twice.
cached_core() {
	local v=$1 python=$2 scenario=$3
	local dir=${PYLEAKS_CORE_DIR:-$PWD/tests/tmp/cores}/$v/$scenario
	mkdir -p "$dir"
	(
		flock 9
		if [ ! -s "$dir/core" ] || [ ! -s "$dir/truth.json" ]; then
			rm -f "$dir"/core* "$dir/truth.json"
			take_core "$python" "$CORPORA/$scenario/program.py" "$dir" >&2 || exit 1
		fi
	) 9>"$dir.lock" || return 1
	echo "$dir"
}

# instance_of CORE TYPE N [OPTIONS...]: the address of the Nth instance of TYPE that
# `pyleaks leaks --type` lists in CORE (OPTIONS go to pyleaks, e.g. --debug-dir DIR).
instance_of() {
	local core=$1 type=$2 n=$3
	shift 3
	"$PYLEAKS_CLI" leaks "$core" --type "$type" "$@" | awk -v n="$n" '/^  0x/ && ++i == n { print $1; exit }'
}

SCENARIOS="registry slots saveall frozen chains zoo threads cycle linkedlist refleak bytescache gcoff listeners split"
