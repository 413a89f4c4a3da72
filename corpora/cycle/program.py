# cycle: a ring of 100 Link objects that the module reaches through one of them (ANCHOR), so
# that every referrer of ANCHOR but one is a cold trail: following it leads around the ring
# and back to ANCHOR. And, with the collector disabled, a ring of 100 Orphan objects nothing
# refers to, each with a payload: garbage that only its own cycle keeps alive, the leak.
import gc
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

RING = 100


class Link(object):
    def __init__(self, n):
        self.n = n
        self.next = None


class Orphan(object):
    def __init__(self, n):
        self.n = n
        self.next = None
        self.data = [n] * 200


def ring(cls, n):
    items = [cls(i) for i in range(n)]
    for a, b in zip(items, items[1:] + items[:1]):
        a.next = b
    return items[0]


gc.disable()
ANCHOR = ring(Link, RING)
base = leak_baseline()
LEAK = leak_measure(base, ring(Orphan, RING))  # dropped at once: garbage, kept only by its cycle
report_and_wait(["__main__.Link", "__main__.Orphan"], extra={"anchor": "%x" % id(ANCHOR)}, leak=LEAK)
