# live_gdb.py - times pyleaks commands in gdb on a live process, each on a stop of its own (the
# heap walk is cached per stop, so a command that follows another on the same stop would be
# measured without its walk). Between stops the process runs for a moment: a SIGINT sent by a
# timer stops it again (gdb keeps the signal from the program).
# Run: PYLEAKS_BENCH_OUT=FILE gdb -batch -x bench/live_gdb.py -p PID
# Writes "NAME SECONDS" lines to FILE: census (py-leaks --census, at stops 1 and 3), snapshot
# (py-leaks --snapshot, at stop 1 after the census), since (py-leaks --since, at stop 2).
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


def next_stop():
    gdb.execute("shell (sleep 0.5; kill -INT %d) &" % pid)
    gdb.execute("continue", to_string=True)


timed("census", "py-leaks --census --top 5")
timed("snapshot", "py-leaks --snapshot bench")
next_stop()
timed("since", "py-leaks --since bench --top 5")
next_stop()
timed("census", "py-leaks --census --top 5")
out.close()
gdb.execute("detach", to_string=True)
