# threadserver: an idle threaded server, as one finds it when attaching to it: the main thread
# blocked in accept(), four workers blocked on a queue (a futex wait, the GIL released), and
# the leak: a Job kept for every request ever handled. Prints "PORT N" and the truth, then
# serves until killed: a client that sends a line gets "ok N" back, N the jobs so far.
import os
import socket
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report  # noqa: E402

try:
    import queue
except ImportError:  # Python 2
    import Queue as queue

HANDLED_BEFORE = 2000
WORKERS = 4
JOBS = []  # the leak: never pruned
LOCK = threading.Lock()


class Job(object):
    def __init__(self, n, request):
        self.n = n
        self.request = request
        self.reply = ("ok %d\n" % (n + 1)).encode()


def worker(inbox):
    while True:
        conn = inbox.get()
        request = conn.makefile("rb").readline()
        with LOCK:
            job = Job(len(JOBS), request)
            JOBS.append(job)
        conn.sendall(job.reply)
        conn.close()
        conn = job = None


def main():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    inbox = queue.Queue()
    for i in range(WORKERS):
        t = threading.Thread(target=worker, args=(inbox,), name="worker-%d" % i)
        t.daemon = True
        t.start()
    base = leak_baseline()
    for i in range(HANDLED_BEFORE):
        JOBS.append(Job(i, b"GET /item/%d\n" % i))
    sys.stdout.write("PORT %d\n" % port)
    report(["__main__.Job"], leak=leak_measure(base, JOBS), extra={"port": port})
    while True:
        conn, _ = listener.accept()
        inbox.put(conn)
        conn = None


main()
