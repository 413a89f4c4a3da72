# gcoff: a service that turned the collector off (gc.disable(), for latency) while every
# request leaves a reference cycle behind: a Request and its Response point at each other, and
# the handler drops both. Without the collector nothing frees them: they pile up unreachable.
import gc
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

REQUESTS = 2000


class Request(object):
    def __init__(self, n):
        self.n = n
        self.headers = {"x-id": "%d" % n, "accept": "*/*"}
        self.response = None


class Response(object):
    def __init__(self, request):
        self.request = request
        self.chunks = [b"%06d" % request.n * 50]


def handle(n, keep):
    request = Request(n)
    request.response = Response(request)  # a cycle
    keep.append(request)  # only so that the program can measure its own leak below


gc.collect()
gc.disable()
base = leak_baseline()
dropped = []
for i in range(REQUESTS):
    handle(i, dropped)
LEAK = leak_measure(base, *dropped)
del dropped  # now only their cycles keep them
report_and_wait(["__main__.Request", "__main__.Response"], leak=LEAK, extra={"requests": REQUESTS})
