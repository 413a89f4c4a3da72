"""Where memory comes from for the current gdb inferior: its core file or its live process.

Sessions are kept while the inferior stays stopped and dropped when it runs again or goes
away, so that a second command on the same stop reuses the heap walk."""
import os
import re

import gdb

from . import collector, inject, lib

_cache = {"key": None, "session": None}


def _drop(*_args):
    if inject.calling():  # the agent's own calls: the process has not moved
        return
    session = _cache["session"]
    _cache["key"] = _cache["session"] = None
    if session is not None:
        session.close()


drop = _drop


def connect_events():
    gdb.events.cont.connect(_drop)
    gdb.events.exited.connect(_drop)
    gdb.events.new_objfile.connect(_drop)


def _core_file():
    """Path of the core file gdb has loaded, or None."""
    text = gdb.execute("info target", to_string=True)
    m = re.search(r"Local core dump file:\s*`(.*)', file type", text)
    return m.group(1) if m else None


def _sysroot():
    value = gdb.parameter("sysroot") or ""
    if value.startswith("target:"):
        value = value[len("target:"):]
    return value if value and os.path.isdir(value) else None


def _debug_dir():
    """gdb's debug-file-directory (its first entry), where separate debug files are."""
    value = gdb.parameter("debug-file-directory") or ""
    first = value.split(":")[0]
    return first or None


def describe(key):
    """What a key of current_key() names, in words."""
    if key[0] == "pid":
        return "process %d" % key[1]
    if key[0] == "remote":
        return "remote process %d (%s)" % (key[1], key[2])
    return "core file %s" % key[1]


def _remote_connection(inferior):
    """"HOST:PORT" if the inferior is a remote target (gdbserver), else None."""
    connection = getattr(inferior, "connection", None)  # gdb 13
    if connection is not None:
        if connection.type in ("remote", "extended-remote"):
            return connection.details or connection.type
        return None
    text = gdb.execute("info target", to_string=True)
    return "remote" if re.search(r"^\s*Remote (serial )?target", text, re.M) else None


def _remote_maps():
    """The mappings of the remote inferior (gdb reads /proc/PID/maps through gdbserver), in the
    format of /proc/PID/maps."""
    text = gdb.execute("info proc mappings", to_string=True)
    lines = []
    for row in text.splitlines():
        words = row.split()
        if len(words) < 4 or not words[0].startswith("0x"):
            continue
        try:
            lo, hi, offset = int(words[0], 16), int(words[1], 16), int(words[3], 16)
        except ValueError:
            continue
        rest = words[4:]
        perms = "rw-p"  # gdb before 12 does not show them
        if rest and re.match(r"^[r-][w-][x-][ps]$", rest[0]):
            perms = rest.pop(0)
        lines.append("%x-%x %s %x 00:00 0 %s" % (lo, hi, perms, offset, " ".join(rest)))
    if not lines:
        raise gdb.GdbError("pyleaks: gdb cannot list the remote process's mappings "
                           "('info proc mappings' shows none)")
    return "\n".join(lines) + "\n"


def _remote_phdr():
    """AT_PHDR of the inferior, from 'info auxv' (0 if gdb cannot say)."""
    try:
        text = gdb.execute("info auxv", to_string=True)
    except gdb.error:
        return 0
    m = re.search(r"^3\s+AT_PHDR\s.*?(0x[0-9a-fA-F]+)\s*$", text, re.M)
    return int(m.group(1), 16) if m else 0


def _remote_reader(inferior):
    def read(addr, length):
        try:
            return bytes(inferior.read_memory(addr, length))
        except gdb.MemoryError:
            return None
    return read


def current_key():
    """What the selected inferior is: ("core", path, exe) or ("pid", pid); raises gdb.GdbError
    if it is neither."""
    inferior = gdb.selected_inferior()
    core = _core_file()
    exe = inferior.progspace.filename
    remote = _remote_connection(inferior) if not core and inferior.pid > 0 else None
    if core:
        key = ("core", os.path.abspath(core), exe)
    elif remote:
        key = ("remote", inferior.pid, remote)
    elif inferior.pid > 0:
        key = ("pid", inferior.pid)
    else:
        raise gdb.GdbError("pyleaks: no process or core file: start gdb with "
                           "'gdb PYTHON CORE' or 'gdb -p PID'")
    return key


def current(task="edges"):
    """A lib.Session for the selected inferior, with the in-process agent's TASK run on it where
    allowed (see inject.ensure; None: no agent); raises gdb.GdbError if there is none."""
    key = current_key()
    if _cache["key"] != key:
        _open(key)
    inject.ensure(_cache["session"], key, task)
    return _cache["session"]


def _open(key):
    exe = gdb.selected_inferior().progspace.filename
    _drop()
    session = lib.Session()
    try:
        session.set_debug_dir(_debug_dir())
        if key[0] == "core":
            session.open_core(key[1], exe, _sysroot())
        elif key[0] == "remote":
            inferior = gdb.selected_inferior()
            session.open_remote(describe(key), _remote_maps(), _remote_phdr(),
                                _remote_reader(inferior), _sysroot())
        else:
            session.open_pid(key[1], _sysroot())
        collector.add_to(session)
    except gdb.GdbError:
        session.close()
        raise
    _cache["key"], _cache["session"] = key, session
