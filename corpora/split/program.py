# split: one leak split over two containers of one kind. Two SessionStore instances (one per
# worker pool) each keep every session they ever saw in a dict of their own; neither dict is
# the leak alone: together they are.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

SESSIONS = 3000


class Session(object):
    def __init__(self, n):
        self.n = n
        self.user = "user-%d" % n
        self.cart = [n] * 10


class SessionStore(object):
    def __init__(self, name):
        self.name = name
        self._sessions = {}

    def add(self, n):
        self._sessions[n] = Session(n)


STORES = [SessionStore("pool-a"), SessionStore("pool-b")]
base = leak_baseline()
for i in range(SESSIONS):
    STORES[i % 2].add(i)
report_and_wait(["__main__.Session"],
                leak=leak_measure(base, STORES[0]._sessions, STORES[1]._sessions))
