# chains: three ways a service keeps objects alive that referrer chains must explain, each
# with its own class so that `py-referrers --type` can follow it:
#   - a module-level cache (dict) of Report objects;
#   - closures registered as callbacks that capture a Request each;
#   - bound methods of Listener objects stored in an event registry.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

N = 2000


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


base = leak_baseline()
class User(object):
    def __init__(self, n):
        self.n = n


# two globals that hold the same type: their chains stay apart, by name
USERS = [User(i) for i in range(50)]
ADMINS = [User(i) for i in range(10)]

for i in range(N):
    get_report("report-%d" % i)
    CALLBACKS.append(make_callback(i))
    EVENTS["listener-%d" % i] = Listener(N + i).on_event  # an int of its own: not shared

# the biggest of the three, and so the leak to name: the callbacks and what they capture
report_and_wait(["__main__.Report", "__main__.Request", "__main__.Listener", "__main__.User"],
                leak=leak_measure(base, CALLBACKS))
