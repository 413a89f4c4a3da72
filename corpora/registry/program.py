# registry: a module-level registry that only grows. Every request registers a Session and
# nothing ever removes it, the most common leak in long-running services.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

SESSIONS = 5000


class Session(object):
    def __init__(self, n):
        self.id = n
        self.user = "user-%d" % (n % 97)
        self.headers = {"x-request-id": str(n), "accept": "*/*"}
        self.history = [n, n + 1]


REGISTRY = {}


def handle_request(n):
    REGISTRY[n] = Session(n)


base = leak_baseline()
for i in range(SESSIONS):
    handle_request(i)

report_and_wait(["__main__.Session"], leak=leak_measure(base, REGISTRY))
