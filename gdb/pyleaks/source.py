"""Where memory comes from for the current gdb inferior: its core file or its live process.

Sessions are kept while the inferior stays stopped and dropped when it runs again or goes
away, so that a second command on the same stop reuses the heap walk."""
import os
import re

import gdb

from . import lib

_cache = {"key": None, "session": None}


def _drop(*_args):
    session = _cache["session"]
    _cache["key"] = _cache["session"] = None
    if session is not None:
        session.close()


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
    return "process %d" % key[1] if key[0] == "pid" else "core file %s" % key[1]


def current_key():
    """What the selected inferior is: ("core", path, exe) or ("pid", pid); raises gdb.GdbError
    if it is neither."""
    inferior = gdb.selected_inferior()
    core = _core_file()
    exe = inferior.progspace.filename
    if core:
        key = ("core", os.path.abspath(core), exe)
    elif inferior.pid > 0:
        key = ("pid", inferior.pid)
    else:
        raise gdb.GdbError("pyleaks: no process or core file: start gdb with "
                           "'gdb PYTHON CORE' or 'gdb -p PID'")
    return key


def current():
    """A lib.Session for the selected inferior; raises gdb.GdbError if there is none."""
    key = current_key()
    exe = gdb.selected_inferior().progspace.filename
    if _cache["key"] == key:
        return _cache["session"]
    _drop()
    session = lib.Session()
    try:
        session.set_debug_dir(_debug_dir())
        if key[0] == "core":
            session.open_core(key[1], exe, _sysroot())
        else:
            session.open_pid(key[1], _sysroot())
    except gdb.GdbError:
        session.close()
        raise
    _cache["key"], _cache["session"] = key, session
    return session
