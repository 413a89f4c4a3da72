# bytescache: a response cache that only grows. Every request stores its response body (bytes,
# which the collector does not track) under the request's id, and nothing ever evicts one. The
# memory is in the bodies: a census of the GC lists alone would not see it.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

REQUESTS = 3000


class ResponseCache(object):
    def __init__(self):
        self._bodies = {}

    def store(self, key, body):
        self._bodies[key] = body


CACHE = ResponseCache()


def handle(n):
    body = (b"HTTP/1.1 200 OK\r\n\r\n" + b"%08d" % n * 600)  # about 5 KB, different each time
    CACHE.store("req-%d" % n, body)


base = leak_baseline()
for i in range(REQUESTS):
    handle(i)
report_and_wait(["__main__.ResponseCache"], leak=leak_measure(base, CACHE._bodies),
                extra={"requests": REQUESTS})
