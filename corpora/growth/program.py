# growth: a request handler that leaks K Request objects per loop iteration (each one kept in a
# module-level history list and never dropped), for stepping under gdb. It prints READY and
# waits for the file $PYLEAKS_SCENARIO_OUT/go (so that gdb can attach and set its breakpoint
# first), then runs ITERATIONS iterations; each one writes "N ADDRESS ..." (the ids of that
# iteration's Requests, in hex) to $PYLEAKS_SCENARIO_OUT/growth.txt and ends in os.getppid(), a
# libc call to break on (`break getppid`): at the Nth stop, the Nth batch exists. It prints DONE
# when it has finished. K and ITERATIONS come from PYLEAKS_GROWTH_K (default 250) and
# PYLEAKS_GROWTH_ITERATIONS (default 5).
import os
import sys
import time

K = int(os.environ.get("PYLEAKS_GROWTH_K", "250"))
ITERATIONS = int(os.environ.get("PYLEAKS_GROWTH_ITERATIONS", "5"))


class Request(object):
    def __init__(self, n, i):
        self.iteration = n
        self.path = "/item/%d/%d" % (n, i)
        self.headers = {"x-request-id": "%d-%d" % (n, i)}


HISTORY = []  # the leak: every request ever handled


def handle(n):
    batch = [Request(n, i) for i in range(K)]
    HISTORY.extend(batch)
    return batch


def main():
    out = os.environ.get("PYLEAKS_SCENARIO_OUT", ".")
    go = os.path.join(out, "go")
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    while not os.path.exists(go):
        time.sleep(0.02)
    with open(os.path.join(out, "growth.txt"), "w") as log:
        for n in range(1, ITERATIONS + 1):
            batch = handle(n)
            log.write("%d %s\n" % (n, " ".join("%x" % id(r) for r in batch)))
            log.flush()
            batch = None
            os.getppid()  # the stop: break getppid
    sys.stdout.write("DONE %d requests\n" % len(HISTORY))
    sys.stdout.flush()


main()
