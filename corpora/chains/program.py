# chains: three ways a service keeps objects alive that referrer chains must explain, each
# with its own class so that `py-referrers --type` can follow it:
#   - a module-level cache (dict) of Report objects;
#   - closures registered as callbacks that capture a Request each;
#   - bound methods of Listener objects stored in an event registry.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import report_and_wait  # noqa: E402

N = 200


class Report(object):
    def __init__(self, key):
        self.key = key


class Request(object):
    def __init__(self, n):
        self.n = n


class Listener(object):
    def __init__(self, n):
        self.n = n

    def on_event(self, event):
        return event


_cache = {}
CALLBACKS = []
EVENTS = {}


def get_report(key):
    if key not in _cache:
        _cache[key] = Report(key)
    return _cache[key]


def make_callback(n):
    request = Request(n)

    def done():
        return request.n

    return done


for i in range(N):
    get_report("report-%d" % i)
    CALLBACKS.append(make_callback(i))
    EVENTS["listener-%d" % i] = Listener(i).on_event

report_and_wait(["__main__.Report", "__main__.Request", "__main__.Listener"])
