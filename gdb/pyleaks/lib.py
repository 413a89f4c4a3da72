"""ctypes binding of libpyleaks: finding the library, one Session class, errors as GdbError."""
import ctypes
import os
import sys

import gdb

_lib = None

# Returns 0 to go on, 1 to stop (Ctrl-C): the call then fails with EINTR, keeping nothing.
PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_int)
ELIMIT = 7
EINTR = 9
READ_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_void_p,
                           ctypes.c_size_t)


class LimitError(gdb.GdbError):
    """A cap was hit (PYLEAKS_ELIMIT): the answer would be partial."""


FORMAT_TEXT, FORMAT_JSON, FORMAT_DOT = 0, 1, 2
PHASE_PERMANENT, PHASE_GRAPH = 3, 4
SORT_COUNT, SORT_SIZE = 0, 1
GRAPH_LABELS, GRAPH_DOMINATORS = 1, 2


def _candidates():
    env = os.environ.get("PYLEAKS_LIB")
    if env:
        yield env
    here = os.path.dirname(os.path.abspath(__file__))
    # In the source tree: built in place, or out of tree by scripts/build.
    yield os.path.join(here, "..", "..", "helper", ".libs", "libpyleaks.so")
    yield os.path.join(here, "..", "..", "_build", "default", "helper", ".libs", "libpyleaks.so")
    try:
        from . import config
    except ImportError:
        config = None
    if config is not None:
        yield os.path.join(config.LIBDIR, "libpyleaks.so.0")
        yield os.path.join(config.LIBDIR, "libpyleaks.so")


def _declare(lib):
    vp, cp, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    lib.pyleaks_create.restype = vp
    lib.pyleaks_create.argtypes = []
    lib.pyleaks_destroy.argtypes = [vp]
    lib.pyleaks_errmsg.restype = cp
    lib.pyleaks_errmsg.argtypes = [vp]
    lib.pyleaks_warnings.restype = cp
    lib.pyleaks_warnings.argtypes = [vp]
    lib.pyleaks_free.argtypes = [vp]
    lib.pyleaks_set_progress.argtypes = [vp, PROGRESS_FN, vp]
    lib.pyleaks_open_core.restype = i
    lib.pyleaks_open_core.argtypes = [vp, cp, cp, cp]
    lib.pyleaks_open_pid.restype = i
    lib.pyleaks_open_pid.argtypes = [vp, i, cp]
    lib.pyleaks_open_remote.restype = i
    lib.pyleaks_open_remote.argtypes = [vp, cp, cp, ctypes.c_uint64, READ_FN, vp, cp]
    lib.pyleaks_leaks_report.restype = i
    lib.pyleaks_leaks_report.argtypes = [vp, i, i, i, cp, ctypes.POINTER(vp)]
    lib.pyleaks_referrers_report.restype = i
    lib.pyleaks_referrers_report.argtypes = [vp, i, ctypes.c_uint64, cp, i, i, i,
                                             ctypes.POINTER(vp)]
    lib.pyleaks_suspects_report.restype = i
    lib.pyleaks_suspects_report.argtypes = [vp, i, i, ctypes.POINTER(vp)]
    lib.pyleaks_retained_report.restype = i
    lib.pyleaks_retained_report.argtypes = [vp, i, i, ctypes.POINTER(vp)]
    lib.pyleaks_type_names.restype = i
    lib.pyleaks_type_names.argtypes = [vp, cp, ctypes.POINTER(vp)]
    lib.pyleaks_set_debug_dir.restype = i
    lib.pyleaks_set_debug_dir.argtypes = [vp, cp]
    lib.pyleaks_add_gc_list.restype = i
    lib.pyleaks_add_gc_list.argtypes = [vp, ctypes.c_uint64, i, cp]
    lib.pyleaks_python_version.restype = cp
    lib.pyleaks_python_version.argtypes = [vp]
    lib.pyleaks_snapshot_take.restype = i
    lib.pyleaks_snapshot_take.argtypes = [vp, cp, ctypes.POINTER(vp)]
    lib.pyleaks_snapshot_save.restype = i
    lib.pyleaks_snapshot_save.argtypes = [vp, vp, cp]
    lib.pyleaks_snapshot_load.restype = i
    lib.pyleaks_snapshot_load.argtypes = [vp, cp, ctypes.POINTER(vp)]
    lib.pyleaks_snapshot_name.restype = cp
    lib.pyleaks_snapshot_name.argtypes = [vp]
    lib.pyleaks_snapshot_objects.restype = ctypes.c_uint64
    lib.pyleaks_snapshot_objects.argtypes = [vp]
    lib.pyleaks_snapshot_free.argtypes = [vp]
    lib.pyleaks_refs_report.restype = i
    lib.pyleaks_refs_report.argtypes = [vp, i, ctypes.c_uint64, ctypes.POINTER(vp)]
    lib.pyleaks_graph_export.restype = i
    lib.pyleaks_graph_export.argtypes = [vp, cp, i]
    lib.pyleaks_agent_request.restype = i
    lib.pyleaks_agent_request.argtypes = [vp, i, ctypes.POINTER(vp), ctypes.POINTER(ctypes.c_size_t)]
    lib.pyleaks_agent_result.restype = i
    lib.pyleaks_agent_result.argtypes = [vp, ctypes.c_uint64]
    lib.pyleaks_agent_stats.restype = i
    lib.pyleaks_agent_stats.argtypes = [vp, ctypes.POINTER(ctypes.c_uint64),
                                        ctypes.POINTER(ctypes.c_uint64)]
    lib.pyleaks_gc_collecting.restype = i
    lib.pyleaks_gc_collecting.argtypes = [vp, ctypes.POINTER(i)]
    lib.pyleaks_mode.restype = cp
    lib.pyleaks_mode.argtypes = [vp]
    lib.pyleaks_growth_report.restype = i
    lib.pyleaks_growth_report.argtypes = [vp, vp, i, i, cp, ctypes.POINTER(vp)]


# Set when a Ctrl-C interrupted a progress callback before its own code ran (see _on_progress).
_interrupted = [False]


def _unraisable(args, _previous=sys.unraisablehook):
    if args.exc_type is KeyboardInterrupt and getattr(args.object, "__name__", "") == "_on_progress":
        _interrupted[0] = True
        return
    _previous(args)


sys.unraisablehook = _unraisable


def library():
    """The loaded libpyleaks; raises gdb.GdbError naming where it looked."""
    global _lib
    if _lib is not None:
        return _lib
    tried = []
    for path in _candidates():
        path = os.path.normpath(path)
        if not os.path.exists(path):
            tried.append(path)
            continue
        try:
            # gdb links elfutils' libdw, whose dwarf_child, dwarf_tag, ... would interpose on
            # libdwarf's functions of the same names: libpyleaks loads libdwarf into a
            # namespace of its own (helper/src/runtime/dwarf_lib.c), so a plain load is safe.
            lib = ctypes.CDLL(path, mode=os.RTLD_LOCAL)
        except OSError as e:
            raise gdb.GdbError("pyleaks: cannot load %s: %s" % (path, e))
        _declare(lib)
        _lib = lib
        return lib
    raise gdb.GdbError("pyleaks: libpyleaks not found (looked at %s; set PYLEAKS_LIB)"
                       % ", ".join(tried))


def _b(s):
    return s.encode() if isinstance(s, str) else s


class Snapshot(object):
    """A census and the identity of every object at one moment; it outlives the session
    (the stop) it was taken in."""

    _h = None

    def __init__(self, lib, handle):
        self._lib, self._h = lib, handle

    @property
    def handle(self):
        return self._h

    @property
    def name(self):
        return self._lib.pyleaks_snapshot_name(self._h).decode("utf-8", "replace")

    @property
    def objects(self):
        return self._lib.pyleaks_snapshot_objects(self._h)

    def close(self):
        if self._h:
            self._lib.pyleaks_snapshot_free(self._h)
            self._h = None

    def __del__(self):
        self.close()


class Session(object):
    """One libpyleaks session on one target; heap walks are cached inside it."""

    _h = None

    def __init__(self):
        self._lib = library()
        self._h = self._lib.pyleaks_create()
        if not self._h:
            raise gdb.GdbError("pyleaks: out of memory")
        self._progress = PROGRESS_FN(self._on_progress)
        self._lib.pyleaks_set_progress(self._h, self._progress, None)

    def close(self):
        if self._h:
            self._lib.pyleaks_destroy(self._h)
            self._h = None

    def __del__(self):
        self.close()

    @staticmethod
    def _on_progress(_arg, objects, phase):
        """Say how far the walk is; stop it if the user pressed Ctrl-C meanwhile (gdb turns
        Ctrl-C into a KeyboardInterrupt in the Python code that runs next: this; raised as
        the function is entered, before any try, ctypes hands it to _unraisable instead)."""
        if _interrupted[0]:
            return 1
        try:
            if phase == PHASE_GRAPH:
                what = "read into the reference graph (untracked ones found on the way)"
            else:
                what = "walked (generation %s)" % ("permanent" if phase == PHASE_PERMANENT
                                                   else phase)
            gdb.write("pyleaks: %d objects %s...\n" % (objects, what), gdb.STDERR)
            return 0
        except KeyboardInterrupt:
            return 1

    def _check(self, rc):
        _interrupted[0] = False  # a Ctrl-C after the last progress call is not for the next
        if rc == EINTR:
            raise gdb.GdbError("pyleaks: interrupted (nothing of this walk is kept; the "
                               "next command starts it again)")
        if rc != 0:
            msg = self._lib.pyleaks_errmsg(self._h).decode("utf-8", "replace")
            raise (LimitError if rc == ELIMIT else gdb.GdbError)("pyleaks: " + msg)

    def set_debug_dir(self, path):
        self._check(self._lib.pyleaks_set_debug_dir(self._h, _b(path)))

    def add_gc_list(self, head, generation, what):
        self._check(self._lib.pyleaks_add_gc_list(self._h, head, generation, _b(what)))

    def open_core(self, core, exe=None, sysroot=None):
        self._check(self._lib.pyleaks_open_core(self._h, _b(core), _b(exe), _b(sysroot)))

    def open_pid(self, pid, sysroot=None):
        self._check(self._lib.pyleaks_open_pid(self._h, int(pid), _b(sysroot)))

    def open_remote(self, description, maps, at_phdr, read, sysroot=None):
        """A target read through READ(address, length) -> bytes, or None where it cannot be
        read; MAPS in the format of /proc/PID/maps."""
        def read_into(_arg, addr, buf, length):
            try:
                data = read(addr, length)
                if data is None or len(data) != length:
                    return -1
                ctypes.memmove(buf, data, length)
                return 0
            except Exception:  # a callback must not raise into C
                return -1
        self._read = READ_FN(read_into)  # kept alive as long as the session
        self._check(self._lib.pyleaks_open_remote(self._h, _b(description), _b(maps),
                                                  at_phdr or 0, self._read, None, _b(sysroot)))

    def _text(self, rc, out):
        """The report a call left in OUT, freed; raises on a failed RC."""
        self._check(rc)
        try:
            return ctypes.string_at(out.value).decode("utf-8", "replace")
        finally:
            self._lib.pyleaks_free(out)

    def leaks_report(self, fmt, top, sort, type_name):
        out = ctypes.c_void_p()
        return self._text(self._lib.pyleaks_leaks_report(self._h, fmt, top, sort, _b(type_name),
                                                         ctypes.byref(out)), out)

    def suspects_report(self, fmt, max_suspects):
        out = ctypes.c_void_p()
        return self._text(self._lib.pyleaks_suspects_report(self._h, fmt, max_suspects,
                                                            ctypes.byref(out)), out)

    def retained_report(self, fmt, top):
        out = ctypes.c_void_p()
        return self._text(self._lib.pyleaks_retained_report(self._h, fmt, top,
                                                            ctypes.byref(out)), out)

    def type_names(self, prefix):
        """The type names that complete PREFIX, as --type takes them."""
        out = ctypes.c_void_p()
        return self._text(self._lib.pyleaks_type_names(self._h, _b(prefix), ctypes.byref(out)),
                          out).split()

    def referrers_report(self, fmt, address, type_name, depth, max_chains, fan_in):
        out = ctypes.c_void_p()
        return self._text(self._lib.pyleaks_referrers_report(self._h, fmt, address or 0,
                                                             _b(type_name), depth, max_chains,
                                                             fan_in, ctypes.byref(out)), out)

    def snapshot(self, name):
        """A Snapshot of the target as it is now, called NAME."""
        out = ctypes.c_void_p()
        self._check(self._lib.pyleaks_snapshot_take(self._h, _b(name), ctypes.byref(out)))
        return Snapshot(self._lib, out.value)

    def save_snapshot(self, snapshot, path):
        self._check(self._lib.pyleaks_snapshot_save(self._h, snapshot.handle, _b(path)))

    def load_snapshot(self, path):
        """The Snapshot written to PATH (by --save or pyleaks snapshot)."""
        out = ctypes.c_void_p()
        self._check(self._lib.pyleaks_snapshot_load(self._h, _b(path), ctypes.byref(out)))
        return Snapshot(self._lib, out.value)

    def growth_report(self, fmt, snapshot, top, new_type):
        out = ctypes.c_void_p()
        return self._text(self._lib.pyleaks_growth_report(self._h, snapshot.handle, fmt, top,
                                                          _b(new_type), ctypes.byref(out)), out)

    def agent_request(self, all_objects=False, census=False, tally=False):
        """The bytes of the in-process agent's request for this stop: the census (before the
        heap is walked; TALLY: counts per type, no record per object), or the edges of the C
        types read-only would scan (walks the heap)."""
        out, size = ctypes.c_void_p(), ctypes.c_size_t()
        flags = (1 if all_objects else 0) | (2 if census else 0) | (4 if tally else 0)
        self._check(self._lib.pyleaks_agent_request(self._h, flags,
                                                    ctypes.byref(out), ctypes.byref(size)))
        try:
            return ctypes.string_at(out.value, size.value)
        finally:
            self._lib.pyleaks_free(out)

    def agent_result(self, request_address):
        """Take what the agent left at REQUEST_ADDRESS in the process (and its output)."""
        self._check(self._lib.pyleaks_agent_result(self._h, request_address))

    def agent_stats(self):
        objects, edges = ctypes.c_uint64(), ctypes.c_uint64()
        self._check(self._lib.pyleaks_agent_stats(self._h, ctypes.byref(objects),
                                                  ctypes.byref(edges)))
        return objects.value, edges.value

    def gc_collecting(self):
        """True if a collection was running when the process stopped, None if unknown."""
        value = ctypes.c_int()
        self._check(self._lib.pyleaks_gc_collecting(self._h, ctypes.byref(value)))
        return None if value.value == -1 else bool(value.value)

    def mode(self):
        value = self._lib.pyleaks_mode(self._h)
        return value.decode() if value else None

    def refs_report(self, fmt, address):
        out = ctypes.c_void_p()
        return self._text(self._lib.pyleaks_refs_report(self._h, fmt, address,
                                                        ctypes.byref(out)), out)

    def graph_export(self, path, flags):
        self._check(self._lib.pyleaks_graph_export(self._h, _b(path), flags))
