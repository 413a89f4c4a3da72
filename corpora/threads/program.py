# threads: a worker thread blocked in a function whose local variable holds a batch of Job
# objects. Running frames are not GC objects, so the only root that explains the Jobs is the
# worker thread's frame: "thread 'worker', in drain() at program.py:LINE, local pending".
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report_and_wait  # noqa: E402

JOBS = 3000


class Job(object):
    def __init__(self, n):
        self.n = n
        self.data = [n] * 4


def drain(count, ready, stop, base, leak):
    pending = [Job(i) for i in range(count)]
    leak.update(leak_measure(base, pending))
    ready.set()
    stop.wait()  # blocked here, holding pending
    return pending


def blocked_line(thread):
    """The line the thread's drain() frame is at, as the interpreter says."""
    frame = sys._current_frames()[thread.ident]
    while frame is not None and frame.f_code.co_name != "drain":
        frame = frame.f_back
    return frame.f_lineno if frame is not None else 0


ready, stop, LEAK = threading.Event(), threading.Event(), {}
worker = threading.Thread(target=drain, name="worker", args=(JOBS, ready, stop, leak_baseline(), LEAK))
worker.daemon = True
worker.start()
ready.wait()
line = blocked_line(worker)
report_and_wait(["__main__.Job"], leak=LEAK,
                extra={"thread": {"name": "worker", "function": "drain", "line": line,
                                  "local": "pending", "file": os.path.abspath(__file__)}})
