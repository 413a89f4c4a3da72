# stops_gdb.py - run inside gdb attached to corpora/busy (waiting for its go file): stop it at
# many different points and run py-leaks --census at each, in-process where pyleaks judges the
# stop safe and read-only elsewhere; then let it run to its end.
# Environment: PYLEAKS_STOPS_OUT (a directory: the go file, census-N.json, stops.txt with one
# line "N KIND: <show pyleaks inject>" per stop), PYLEAKS_STOPS_PLAN (space-separated kinds:
# getppid, malloc, free, PyObject_Malloc, PyObject_Free, gc (getppid inside a collection),
# sigint (Ctrl-C at an arbitrary moment)).
import os
import re
import subprocess
import sys

import gdb

out = os.environ["PYLEAKS_STOPS_OUT"]
plan = os.environ.get("PYLEAKS_STOPS_PLAN", "getppid malloc sigint").split()
sys.path.insert(0, os.path.join(os.environ["PYLEAKS_TOP_SRCDIR"], "gdb"))
import pyleaks  # noqa: E402

pyleaks.register()
inferior = gdb.selected_inferior()
pid = inferior.pid
log = open(os.path.join(out, "stops.txt"), "w")
exited = []
gdb.events.exited.connect(lambda event: exited.append(event))
gdb.execute("set pagination off")
gdb.execute("handle SIGINT stop nopass")
open(os.path.join(out, "go"), "w").close()


stops = []
gdb.events.stop.connect(lambda event: stops.append(event))


class InCollection(gdb.Breakpoint):
    """Stops where it is set only when a caller is the collector (which needs symbols)."""

    def stop(self):
        frame = gdb.newest_frame()
        for _ in range(80):
            if frame is None:
                return False
            if re.search(r"finalize_garbage|handle_legacy_finalizers|gc_collect|^collect",
                         frame.name() or ""):
                return True
            frame = frame.older()
        return False


def stop_at(kind):
    """Resume the process until the next stop of KIND, or a Ctrl-C after a while if no thread
    gets there (a function the build does not call): returns what the stop was ("malloc", or
    "sigint", or "sigint, malloc not reached"), or None if the process exited first."""
    if kind == "gc":
        InCollection("getppid")
    elif kind != "sigint":
        gdb.execute("tbreak %s" % kind, to_string=True)
    timer = subprocess.Popen(["sh", "-c", "sleep %s; kill -INT %d" % (
        "0.05" if kind == "sigint" else "0.3", pid)])
    del stops[:]
    gdb.execute("continue", to_string=True)
    timer.kill()
    timer.wait()
    if exited:
        return None
    signal = [e for e in stops if isinstance(e, gdb.SignalEvent)]
    if kind != "sigint" and signal and not any(isinstance(e, gdb.BreakpointEvent) for e in stops):
        return "sigint, %s not reached" % kind
    return kind


for n, kind in enumerate(plan, 1):
    got = stop_at(kind)
    if got is None:
        log.write("%d %s: the program ended first\n" % (n, kind))
        break
    kind = got
    try:
        gdb.execute("py-leaks --census --top 3 --json %s/census-%d.json" % (out, n), to_string=True)
        result = gdb.execute("show pyleaks inject", to_string=True).strip()
    except gdb.error as e:
        result = "ERROR %s" % e
    log.write("%d %s: %s\n" % (n, kind.replace(" ", "_"), result))
    log.flush()
    gdb.execute("delete", to_string=True)
if not exited:
    gdb.execute("continue", to_string=True)
log.write("exited: %s\n" % (exited[0].exit_code if exited and hasattr(exited[0], "exit_code")
                             else "?"))
log.close()
