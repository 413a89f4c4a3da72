# saveall: reference cycles collected with gc.DEBUG_SAVEALL set, so that the collector keeps
# every unreachable object in gc.garbage instead of freeing it: gc.garbage grows without bound.
# The nodes have a finalizer (__del__), which the collector runs before it keeps them.
import gc
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

CYCLES = 300


class Node(object):
    finalized = 0

    def __init__(self, name):
        self.name = name
        self.peer = None
        self.payload = [0] * 50

    def __del__(self):
        Node.finalized += 1


def make_cycle(n):
    a, b = Node("a%d" % n), Node("b%d" % n)
    a.peer, b.peer = b, a


gc.collect()
base = leak_baseline()
gc.set_debug(gc.DEBUG_SAVEALL)
for i in range(CYCLES):
    make_cycle(i)
gc.collect()

report_and_wait(["__main__.Node"], leak=leak_measure(base, *gc.garbage),
                extra={"finalized": Node.finalized})
