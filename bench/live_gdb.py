# live_gdb.py - times pyleaks commands in gdb on a live process, from the command to its
# printed report. The heap walk is kept per stop, so each timed command either runs on a stop
# of its own, or after a setting change that drops the walk (set pyleaks inject). Between
# stops the process runs for a moment: a SIGINT sent by a timer stops it again (gdb keeps the
# signal from the program).
# Run: PYLEAKS_BENCH_OUT=FILE gdb -batch -x bench/live_gdb.py -p PID
# Writes "NAME SECONDS" lines to FILE:
#   stop 1: readonly (py-leaks --census, set pyleaks inject off), inprocess_first (the same
#           stop, inject auto: loads the agent, which counts per type), snapshot (py-leaks
#           --snapshot: the agent runs again, listing every object);
#   stop 2: since (py-leaks --since: its own walk, the graph and the comparison);
#   stop 3: readonly, inprocess (the agent already loaded).
import os
import sys
import time

import gdb

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gdb"))
import pyleaks  # noqa: E402

pyleaks.register()
out = open(os.environ["PYLEAKS_BENCH_OUT"], "w")
pid = gdb.selected_inferior().pid


def timed(name, command):
    t0 = time.perf_counter()
    gdb.execute(command, to_string=True)
    dt = time.perf_counter() - t0
    out.write("%s %.3f\n" % (name, dt))
    out.flush()


def mode(name):
    shown = gdb.execute("show pyleaks inject", to_string=True)
    out.write("# %s: %s" % (name, shown))


def next_stop():
    gdb.execute("shell (sleep 0.5; kill -INT %d) &" % pid)
    gdb.execute("continue", to_string=True)


gdb.execute("set pyleaks inject off")
timed("readonly", "py-leaks --census --top 5")
gdb.execute("set pyleaks inject auto")
timed("inprocess_first", "py-leaks --census --top 5")
mode("inprocess_first")
timed("snapshot", "py-leaks --snapshot bench")
next_stop()
timed("since", "py-leaks --since bench --top 5")
next_stop()
gdb.execute("set pyleaks inject off")
timed("readonly", "py-leaks --census --top 5")
gdb.execute("set pyleaks inject auto")
timed("inprocess", "py-leaks --census --top 5")
mode("inprocess")
out.close()
gdb.execute("detach", to_string=True)
