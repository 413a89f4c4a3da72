# busy: four threads that allocate, resize, collect and call into libc all the time, for
# stopping under gdb at many points (inside malloc, inside a collection, at a breakpoint in
# the program's own code, anywhere by Ctrl-C) and checking that inspecting it, in-process or
# not, changes nothing: its output depends on nothing but its input. It waits for the file
# $PYLEAKS_SCENARIO_OUT/go before it starts (so that gdb can attach first), then prints one
# "RESULT ..." line and exits. os.getppid() is the stop in its own code: once per round in
# each thread, and in the finalizer of cyclic garbage, which runs inside a collection.
import gc
import os
import sys
import threading
import time

ROUNDS = int(os.environ.get("PYLEAKS_BUSY_ROUNDS", "40"))
THREADS = 4


class Finalized(object):
    def __init__(self, n):
        self.n = n
        self.peer = None

    def __del__(self):
        os.getppid()  # a libc call made inside a collection


def work(k, results):
    total = 0
    kept = []
    for r in range(ROUNDS):
        table = dict(("k%d-%d" % (k, i), [i, str(i * (k + 1))]) for i in range(300))
        total += sum(len(v[1]) for v in table.values())
        kept.append(sorted(table)[:5])
        a, b = Finalized(r), Finalized(-r)
        a.peer, b.peer = b, a  # cyclic garbage with finalizers
        a = b = None
        if r % 8 == k:
            gc.collect()
        os.getppid()  # the program's own stop
        time.sleep(0.002)
    results[k] = (total, len(kept), kept[-1][0])


def main():
    out = os.environ.get("PYLEAKS_SCENARIO_OUT", ".")
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    while not os.path.exists(os.path.join(out, "go")):
        time.sleep(0.02)
    results = {}
    threads = [threading.Thread(target=work, args=(k, results)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sys.stdout.write("RESULT %s\n" % sorted(results.items()))
    sys.stdout.flush()


main()
