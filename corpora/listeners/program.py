# listeners: an event bus whose subscribers are bound methods (handler.on_event) that are
# subscribed for every connection and never unsubscribed, so every Connection ever made stays
# alive through its bound method. Next to it, a large legitimate table built at import (a
# lookup table the service needs), which is big but does not grow.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

CONNECTIONS = 4000
TABLE = dict(("code-%05d" % i, ("name %d" % i, i * 7)) for i in range(6000))  # legitimate


class EventBus(object):
    def __init__(self):
        self.listeners = []

    def subscribe(self, callback):
        self.listeners.append(callback)


class Connection(object):
    def __init__(self, n):
        self.n = n
        self.peer = "10.0.%d.%d" % (n // 256, n % 256)
        self.buffer = bytearray(256)

    def on_event(self, event):
        return event


BUS = EventBus()
base = leak_baseline()
for i in range(CONNECTIONS):
    BUS.subscribe(Connection(i).on_event)  # never unsubscribed
report_and_wait(["__main__.Connection"], leak=leak_measure(base, BUS.listeners),
                extra={"table": len(TABLE)})
