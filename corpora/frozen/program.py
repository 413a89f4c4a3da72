# frozen: a cache filled at start-up and then moved to the permanent generation with
# gc.freeze(), where gc.get_objects() and most in-process tools no longer see it.
import gc
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

ENTRIES = 3000


class CachedEntry(object):
    def __init__(self, key):
        self.key = key
        self.blob = [key] * 4


base = leak_baseline()
CACHE = [CachedEntry(i) for i in range(ENTRIES)]
LEAK = leak_measure(base, CACHE)
if hasattr(gc, "freeze"):
    gc.freeze()
    report_and_wait(["__main__.CachedEntry"], frozen={"__main__.CachedEntry": ENTRIES}, leak=LEAK)
else:
    report_and_wait(["__main__.CachedEntry"], leak=LEAK)
