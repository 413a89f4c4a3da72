"""In-process mode: load the agent (libpyleaks-agent.so) into the stopped process and let each
object's own tp_traverse say what it holds, where the read-only path could only scan a C type's
words conservatively ("edges"), or have the agent take the whole census where the objects lie
("census": the census, snapshots and growth, without reading the heap from outside).

It happens only at a stop where calling into the process cannot harm it:
  - a live process on this machine (not a core, not a remote target);
  - no thread is inside the allocator, the dynamic loader, the collector, or an object's
    deallocation or resize (the agent's loading takes malloc's and the loader's locks; the walk
    needs every list and object whole); a collection in progress is refused too;
  - every thread is either blocked in a system call (epoll_wait, select, futex, ... : with the
    GIL released, or between two steps of Python code) or stopped at one of the user's
    breakpoints (the user's own code, or a libc call made from Python).
Other threads stay stopped during the calls (scheduler-locking on): the checks above mean none
holds a lock the calls take, and nothing can change an object under the walk. A fault inside
the calls is unwound (unwindonsignal on), the user's breakpoints are disabled meanwhile, and
only the agent and two mappings of its own are ever written into the process.
"""
import os
import re

import gdb

from . import lib

MODES = ("auto", "on", "off")

# Functions no thread may be inside: the allocator, the loader, the collector, teardown and
# resizes of objects (name, without leading underscores and __GI_/__libc_ prefixes).
_DENY = re.compile(r"""^(
    (libc_)?(malloc|calloc|realloc|free|memalign|posix_memalign|aligned_alloc|valloc|pvalloc|cfree)
  | int_(malloc|free|realloc|memalign) | malloc_\w+ | sysmalloc | systrim | tcache_\w+
  | arena_\w+ | mid_memalign | libc_(malloc|free|calloc|realloc)\w* | mremap_chunk | munmap_chunk
  | (libc_)?dlopen\w* | dlclose\w* | dlsym\w* | dl_\w+ | dlerror_run | libc_dl\w+ | dl_open_worker\w*
  | fork | libc_fork | run_exit_handlers | exit | IO_cleanup | pthread_atfork\w*
  | PyObject_(Malloc|Calloc|Realloc|Free) | PyObject_GC_(Del|Track|UnTrack|Resize|New|NewVar)
  | PyObject_(GC_)?(Alloc|Link)\w* | PyMem_\w+ | PyMem_Raw\w+ | pymalloc_\w+ | new_arena
  | insert_to_(used|free)pool | allocate_from_new_pool | PyObject_Arena\w+ | Py_Dealloc
  | \w+_dealloc | subtype_clear | \w+_clear | \w+_tp_clear | PyObject_ClearWeakRefs
  | PyObject_Call(Finalizer\w*) | PyGC_Collect\w* | PyGC_\w+ | gc_\w+ | collect | collect_\w+
  | deduce_unreachable | move_unreachable | update_refs | subtract_refs | finalize_garbage
  | delete_garbage | handle_weakrefs | handle_legacy_finalizers | move_legacy_finalizers
  | invoke_gc_callback | visit_\w+ | PyObject_VisitManagedDict
  | dictresize | insertdict | insert_to_emptydict | insert_split_\w+ | delitem_common
  | delitemif_lock_held | dict_merge\w* | PyDict_Merge\w* | PyDict_SetItem\w* | PyDict_DelItem\w*
  | list_resize | app1 | ins1 | list_ass_\w+ | PyList_(Append|Insert|SetSlice|SetItem)
  | set_table_resize | set_add_\w+ | set_insert_\w+ | set_discard_\w+ | set_update_\w+
  | PyTuple_Resize | PyBytes_Resize | PyUnicode_Resize | resize_compact | unicode_resize
  | PyType_Ready | type_ready\w* | PyType_Modified | type_modified\w*
  | PyFrame_Clear | frame_clear | clear_thread_frame | PyThreadState_(Clear|Delete\w*)
  | PyInterpreterState_(Clear|Delete\w*) | Py_Finalize\w* | finalize_\w+ | PyImport_Cleanup
)$""", re.X)

# Of those, the ones that change a container in place and may call Python code between two
# consistent states (a key's __eq__, an iterator's __next__): below a wait for the GIL
# (take_gil; 2.7 waits for it in PyThread_acquire_lock called from the functions that take
# the GIL back), such a thread stands where CPython lets any other thread run Python code on
# the same objects, so they are consistent there. The allocator, the loader, the collector and
# teardown stay refused at any depth.
_CONSISTENT_AT_GIL_WAIT = re.compile(r"""^(
    dictresize | insertdict | insert_to_emptydict | insert_split_\w+ | delitem_common
  | delitemif_lock_held | dict_merge\w* | PyDict_Merge\w* | PyDict_SetItem\w* | PyDict_DelItem\w*
  | list_resize | app1 | ins1 | list_ass_\w+ | PyList_(Append|Insert|SetSlice|SetItem)
  | set_table_resize | set_add_\w+ | set_insert_\w+ | set_discard_\w+ | set_update_\w+
)$""", re.X)

_GIL_TAKERS_27 = ("PyEval_RestoreThread", "PyEval_AcquireThread", "PyEval_EvalFrameEx")


def _gil_wait(names):
    """The depth of the innermost wait for the GIL in a thread's frames (innermost first), or
    None: take_gil, or 2.7's PyThread_acquire_lock called by a function that takes the GIL."""
    for i, name in enumerate(names):
        if name == "take_gil" or (name == "PyThread_acquire_lock" and i + 1 < len(names)
                                  and names[i + 1] in _GIL_TAKERS_27):
            return i
    return None


# Where a thread is blocked in (or about to make) a system call: the innermost frame.
_SYSCALL = re.compile(r"""^(
    clock_nanosleep | nanosleep | epoll_wait | epoll_pwait2? | poll | ppoll | select | pselect6?
  | read | readv | pread | preadv2? | recv | recvfrom | recvmsg | recvmmsg | accept4? | connect
  | write | writev | pwrite | send | sendto | sendmsg | sendmmsg | sendfile | splice
  | futex_abstimed_wait_common | futex_abstimed_wait_cancelable | futex_wait | futex_lock_pi
  | lll_lock_wait | lll_lock_wait_private | do_futex_wait | new_sem_wait_slow | sem_(timed|clock)?wait
  | pthread_cond_(timed|clock)?wait | pthread_(timed|clock|try)?join | pthread_join
  | wait4 | waitpid | waitid | pause | sigsuspend | sigtimedwait | sigwaitinfo | sigwait
  | syscall | getppid | getpid | flock | fcntl | lockf | msgrcv | semop | semtimedop | io_getevents
  | ioctl | open | openat | sleep | usleep | kevent
)$""", re.X)

_state = {"mode": "auto", "last": "no command has run yet"}


def _plain(name):
    """A frame's function name without the prefixes glibc's aliases add (__GI___poll -> poll),
    and without the suffixes of its 64-bit time variants (clock_nanosleep64 -> ...)."""
    if not name:
        return ""
    name = re.sub(r"^(__GI_)?_*", "", name)
    name = re.sub(r"^libc_(?=(read|write|recv|send|accept|connect|open|pread|pwrite|sigsuspend|pause|wait|nanosleep|select|poll|fcntl))", "", name)
    return re.sub(r"(_time64|64|_nocancel)$", "", name)


def _breakpoint_addresses():
    addresses = set()
    for bp in gdb.breakpoints() or ():
        if not bp.enabled or bp.type != gdb.BP_BREAKPOINT:
            continue
        for loc in getattr(bp, "locations", ()) or ():  # gdb 13
            if loc.enabled and loc.address is not None:
                addresses.add(int(loc.address))
    return addresses


# System calls of the allocator (mmap, mprotect, munmap, brk, mremap, madvise on x86-64): a
# thread blocked in one is inside malloc or free even where no symbol says so.
_ALLOCATOR_SYSCALLS = {9: "mmap", 10: "mprotect", 11: "munmap", 12: "brk", 25: "mremap",
                       28: "madvise"}


def _syscall(frame):
    """The number of the system call the thread of FRAME (its innermost) is in, or None: its
    orig_rax is one and it stands just after a syscall instruction. Needs no symbols (a
    stripped libc shows its frames as ??)."""
    try:
        nr = int(frame.read_register("orig_rax"))
        if nr >= 1 << 63:
            nr -= 1 << 64
        if nr < 0:
            return None
        if bytes(gdb.selected_inferior().read_memory(frame.pc() - 2, 2)) != b"\x0f\x05":
            return None
        return nr
    except (gdb.error, gdb.MemoryError, ValueError):
        return None


def _thread_frames(thread, limit=64):
    """Names (plain) of THREAD's innermost LIMIT frames, the pc of its innermost frame, and
    the system call it is in (or None)."""
    thread.switch()
    frame = gdb.newest_frame()
    pc = frame.pc()
    nr = _syscall(frame)
    names = []
    while frame is not None and len(names) < limit:
        names.append(_plain(frame.name()))
        try:
            frame = frame.older()
        except gdb.error:
            break
    return names, pc, nr


def assess():
    """(ok, reason): whether the current stop is one where calling into the process is safe,
    and in one line why (not)."""
    inferior = gdb.selected_inferior()
    threads = inferior.threads()
    if not threads:
        return False, "no threads"
    selected = gdb.selected_thread()
    frame = gdb.selected_frame()
    at_bp = _breakpoint_addresses()
    blocked = at_breakpoint = 0
    try:
        for thread in sorted(threads, key=lambda t: t.num):
            try:
                names, pc, nr = _thread_frames(thread)
            except gdb.error as e:
                return False, "thread %d: its stack cannot be read (%s)" % (thread.num, e)
            gil_wait = _gil_wait(names)
            for depth, name in enumerate(names):
                if _DENY.match(name):
                    if (gil_wait is not None and depth > gil_wait
                            and _CONSISTENT_AT_GIL_WAIT.match(name)):
                        continue
                    return False, ("thread %d is inside %s (frame #%d): the allocator, loader or "
                                   "collector could be mid-way" % (thread.num, name, depth))
            if nr in _ALLOCATOR_SYSCALLS:
                return False, ("thread %d is in the system call %s: the allocator could be "
                               "mid-way" % (thread.num, _ALLOCATOR_SYSCALLS[nr]))
            if nr is not None or (names and _SYSCALL.match(names[0])):
                blocked += 1
            elif pc in at_bp:
                at_breakpoint += 1
            else:
                where = names[0] if names and names[0] else "0x%x" % pc
                return False, ("thread %d is running code (in %s), not blocked in a system call "
                               "or stopped at a breakpoint" % (thread.num, where))
    finally:
        selected.switch()
        try:
            frame.select()
        except gdb.error:
            pass
    parts = []
    if at_breakpoint:
        parts.append("%d at a breakpoint" % at_breakpoint)
    if blocked:
        parts.append("%d blocked in system calls" % blocked)
    return True, "every thread is at a safe point (%s)" % ", ".join(parts)


def agent_path():
    """Where libpyleaks-agent.so is; raises gdb.GdbError naming where it looked."""
    tried = []
    env = os.environ.get("PYLEAKS_AGENT")
    here = os.path.dirname(os.path.abspath(__file__))
    if env:  # an explicit choice: that one or none
        candidates = [env]
    else:
        candidates = [os.path.join(here, "..", "..", "helper", ".libs", "libpyleaks-agent.so"),
                      os.path.join(here, "..", "..", "_build", "default", "helper", ".libs",
                                   "libpyleaks-agent.so")]
        try:
            from . import config
            candidates.append(config.AGENT)
        except (ImportError, AttributeError):
            pass
    for path in candidates:
        path = os.path.normpath(path)
        if os.path.exists(path):
            return path
        tried.append(path)
    raise gdb.GdbError("pyleaks: the in-process agent is not built (looked at %s; set "
                       "PYLEAKS_AGENT)" % ", ".join(tried))


class _Calls(object):
    """gdb's settings for calls into the process, and put back afterwards: other threads stay
    stopped, a fault unwinds the call, the user's breakpoints do not fire inside it."""

    def __enter__(self):
        self.saved = {}
        for name, value in (("scheduler-locking", "on"), ("unwindonsignal", "on"),
                            ("unwind-on-terminating-exception", "on")):
            try:
                self.saved[name] = gdb.parameter(name)
                gdb.execute("set %s %s" % (name, value), to_string=True)
            except (gdb.error, RuntimeError):
                pass
        self.disabled = [bp for bp in gdb.breakpoints() or () if bp.enabled]
        for bp in self.disabled:
            bp.enabled = False
        return self

    def __exit__(self, *exc):
        for bp in self.disabled:
            try:
                bp.enabled = True
            except RuntimeError:  # deleted meanwhile
                pass
        for name, value in self.saved.items():
            if isinstance(value, bool):
                value = "on" if value else "off"
            try:
                gdb.execute("set %s %s" % (name, value), to_string=True)
            except gdb.error:
                pass
        return False


def _value(expression):
    return int(gdb.parse_and_eval(expression))


def _agent_loaded(path):
    real = os.path.realpath(path)
    for objfile in gdb.objfiles():
        if objfile.filename and os.path.realpath(objfile.filename) == real:
            return True
    return False


def _load_agent(path, buf, loader):
    """dlopen the agent in the process (its path is written at BUF first), with gdb's call or
    with compile code."""
    if loader == "compile":
        gdb.execute('compile code { extern void *dlopen(const char *, int); '
                    'dlopen("%s", 2); }' % path.replace("\\", "\\\\").replace('"', '\\"'),
                    to_string=True)
    else:
        gdb.selected_inferior().write_memory(buf, path.encode() + b"\0")
        handle = _value("(void *) dlopen((char *) %d, 2)" % buf)
        if not handle:
            error = _value("(char *) dlerror()")
            message = gdb.selected_inferior().read_memory(error, 256).tobytes().split(b"\0")[0] \
                if error else b"unknown error"
            raise gdb.GdbError("the process cannot load %s: %s"
                               % (path, message.decode("utf-8", "replace")))
    gdb.execute("sharedlibrary libpyleaks-agent", to_string=True)
    if not _agent_loaded(path):
        raise gdb.GdbError("the agent was loaded but gdb does not see it")


def compile_available():
    """Can gdb's compile command work here: gcc's libcc1 plugin and a gcc driver?"""
    import ctypes.util
    return bool(ctypes.util.find_library("cc1")) and any(
        os.access(os.path.join(d, "x86_64-linux-gnu-gcc"), os.X_OK)
        for d in os.environ.get("PATH", "").split(os.pathsep))


def calling():
    """Is the agent being called? gdb reports the calls as the process running (and the agent's
    loading as a new objfile): the session must not be dropped for them."""
    return _state.get("calling", False)


def run(session, task, loader="call"):
    """Run the agent's TASK ("census", "tally" or "edges") for SESSION (a lib.Session on a live
    process stopped at a safe point) and hand its answer to libpyleaks. Raises gdb.GdbError (or
    gdb.error) if anything fails; the process is left as it was but for the agent, which stays
    loaded for later stops. The mapping holds the request, then the agent's path."""
    path = agent_path()
    request = session.agent_request(census=task in ("census", "tally"), tally=task == "tally")
    path_at = (len(request) + 15) // 16 * 16
    size = (path_at + len(path) + 1 + 4095) // 4096 * 4096
    _state["calling"] = True
    try:
        _call(session, path, request, path_at, size, loader)
    finally:
        _state["calling"] = False


def _call(session, path, request, path_at, size, loader):
    with _Calls():
        buf = _value("(void *) mmap((void *) 0, (unsigned long) %d, 3, 0x22, -1, (long) 0)" % size)
        if buf in (0, (1 << 64) - 1, -1):
            raise gdb.GdbError("mmap in the process failed")
        try:
            if not _agent_loaded(path):
                _load_agent(path, buf + path_at, loader)
            gdb.selected_inferior().write_memory(buf, request)
            status = _value("(long) pyleaks_agent_run((void *) %d)" % buf)
            try:
                session.agent_result(buf)
            finally:
                _value("(long) pyleaks_agent_release((void *) %d)" % buf)
            if status != 0:
                raise gdb.GdbError("the agent returned %d" % status)
        finally:
            _value("(int) munmap((void *) %d, (unsigned long) %d)" % (buf, size))


def _assess_once(session, key):
    """(ok, why) for SESSION's stop, worked out once per stop. Where it is not safe, set
    pyleaks inject on refuses every command of the stop with the reason; auto says it once and
    reads read-only."""
    mode = _state["mode"]
    first = getattr(session, "inject_assessed", None) is None
    if first and key[0] != "pid":
        what = "a core file" if key[0] == "core" else "a remote target"
        session.inject_assessed = (False, "read-only: %s (nothing to call into%s)" % (
            what, "" if key[0] == "core" else " from here"), None)
        if mode == "on":
            gdb.write("pyleaks: %s is read read-only\n" % what, gdb.STDERR)
    elif first:
        ok, why = assess()
        if ok and session.gc_collecting():
            ok, why = False, "a garbage collection is in progress (its lists are being moved)"
        session.inject_assessed = (ok, why if ok else "read-only: " + why, None if ok else why)
        if not ok and mode != "on":
            gdb.write("pyleaks: read-only: %s\n" % why, gdb.STDERR)
    ok, why, refused = session.inject_assessed
    if refused and mode == "on":
        _state["last"] = "refused (set pyleaks inject on): " + refused
        raise gdb.GdbError("pyleaks: in-process mode refused: %s (set pyleaks inject auto to "
                           "read it read-only instead)" % refused)
    return ok, why


def ensure(session, key, task):
    """Before a command's report: run the agent's TASK for SESSION if the setting and the stop
    allow it and it has not run on this stop. TASK is "census" (py-leaks' snapshots, growth and
    a type's instances: the agent counts every object in place and lists it), "tally" (the
    census alone: the agent counts per type, and lists only what is read on top of it; where
    it cannot, the census is taken instead), "edges" (reports that read references: the
    agent traverses the C types read-only would scan), or None (nothing). The census comes
    before the heap is walked: after an edges run the census is read-only's, with the agent's
    edges. If the agent fails, the session stays read-only (libpyleaks takes its answer whole or
    not at all). _state["last"] says what was done and why."""
    mode = _state["mode"]
    if task is None:
        return
    if mode == "off":
        _state["last"] = "read-only: set pyleaks inject off"
        return
    ran = session.__dict__.setdefault("inject_ran", set())
    if "failed" in ran and mode == "on":
        raise gdb.GdbError("pyleaks: in-process mode failed on this stop: %s"
                           % session.inject_failure)
    if "failed" in ran or task in ran or (task in ("census", "tally") and "edges" in ran) or (
            task == "tally" and "census" in ran):
        return
    ok, why = _assess_once(session, key)
    if not ok:
        _state["last"] = why
        return
    fallback = ""
    try:
        try:
            run(session, task, loader=_state.get("loader", "call"))
        except lib.LimitError as e:
            if task != "tally":
                raise
            # more objects read on top of the census than a tally lists: list them all
            fallback = " (not per type alone: %s)" % str(e).replace("pyleaks: ", "")
            task = "census"
            run(session, task, loader=_state.get("loader", "call"))
    except (gdb.GdbError, gdb.error, RuntimeError) as e:
        ran.add("failed")
        message = str(e).replace("pyleaks: ", "").splitlines()[0] if str(e) else repr(e)
        session.inject_failure = message
        _state["last"] = "read-only: the in-process run failed (%s)" % message
        if mode == "on":
            raise gdb.GdbError("pyleaks: in-process mode failed: %s" % message)
        gdb.write("pyleaks: read-only: in-process mode failed: %s\n" % message, gdb.STDERR)
        return
    ran.add(task)
    objects, edges = session.agent_stats()
    if task == "tally":
        _state["last"] = "in-process: %s; the agent counted %d objects in place, per type" % (
            why, objects)
    elif task == "census":
        _state["last"] = "in-process: %s; the agent counted %d objects in place, each listed%s" % (
            why, objects, fallback)
    else:
        _state["last"] = "in-process: %s; the agent traversed %d objects (%d references)" % (
            why, objects, edges)


class InjectParameter(gdb.Parameter):
    """Whether pyleaks may load its agent into a live process to read each C type's references
    exactly (its own tp_traverse) instead of scanning its words.

auto (the default): only at a stop where it is safe (every thread blocked in a system call or
  at a breakpoint, none inside the allocator, the loader or the collector); elsewhere read-only,
  saying why.
on: in-process or an error saying why not.
off: always read-only (nothing is ever written to the process or run in it)."""

    set_doc = "Set whether pyleaks may load its agent into a live process."
    show_doc = "Show whether pyleaks may load its agent into a live process."

    def __init__(self):
        super(InjectParameter, self).__init__("pyleaks inject", gdb.COMMAND_DATA, gdb.PARAM_ENUM,
                                              list(MODES))
        self.value = "auto"

    def get_set_string(self):
        _state["mode"] = self.value
        from . import source
        source.drop()  # the next command decides again
        return ""

    def get_show_string(self, svalue):
        return "pyleaks inject is %s; the last command: %s" % (svalue, _state["last"])


class LoaderParameter(gdb.Parameter):
    """How pyleaks loads its agent: call (gdb calls dlopen in the process, the default) or
compile (gdb's compile code, which needs gcc and its libcc1 plugin)."""

    set_doc = "Set how pyleaks loads its agent into a live process."
    show_doc = "Show how pyleaks loads its agent into a live process."

    def __init__(self):
        super(LoaderParameter, self).__init__("pyleaks inject-loader", gdb.COMMAND_DATA,
                                              gdb.PARAM_ENUM, ["call", "compile"])
        self.value = "call"

    def get_set_string(self):
        if self.value == "compile" and not compile_available():
            self.value = "call"
            raise gdb.GdbError("pyleaks: gdb's compile needs gcc and its libcc1 plugin "
                               "(apt-get install gcc); the agent is loaded with call")
        _state["loader"] = self.value
        return ""

    def get_show_string(self, svalue):
        return "pyleaks loads its agent with %s (compile %s here)" % (
            svalue, "works" if compile_available() else "is not available")


class _Prefix(gdb.Command):
    def __init__(self, name, doc):
        self.__doc__ = doc
        super(_Prefix, self).__init__(name, gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)


def register():
    _Prefix("set pyleaks", "Settings of pyleaks.")
    _Prefix("show pyleaks", "Settings of pyleaks.")
    InjectParameter()
    LoaderParameter()
