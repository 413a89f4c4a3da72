# refleak: what a C extension with a reference leak leaves behind: objects whose reference
# count was raised from C (here with ctypes, as a buggy extension would with Py_INCREF) and
# that Python code then dropped. Nothing in the heap refers to them: only their reference
# counts say something outside the heap holds them.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

LEAKS = 50


class Leaked(object):
    def __init__(self, n):
        self.n = n
        self.buffer = [n] * 8
        self.data = b"%d" % n * 4000  # what such an object would hold: a buffer of its own


def leak(obj):
    import ctypes
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


base = leak_baseline()
leaked = [Leaked(i) for i in range(LEAKS)]
for obj in leaked:
    leak(obj)
LEAK = leak_measure(base, *leaked)
del leaked, obj
report_and_wait(["__main__.Leaked"], leak=LEAK)
