# make_heap.py - build a heap of about N tracked objects, then wait to be measured and cored.
# Usage: python make_heap.py N OUTDIR
#   Prints "READY <objects>" when the heap is built, then "FANIN <address> <referrers>": the
#   object with the largest fan-in (the Record class: every Record holds it), and "CHUNK
#   <address> <referrers>": an ordinary container (one chunk list in HEAP, held by its members
#   and by HEAP). On SIGUSR1 it times an in-process census (collections.Counter over
#   gc.get_objects(), what in-process tools do) and writes the seconds to OUTDIR/inprocess.txt.
#   On SIGUSR2 it times objgraph.find_backref_chain(obj, objgraph.is_proper_module) in-process,
#   first for the chunk, then for the Record class, appending "chunk SECONDS LENGTH" and
#   "fanin SECONDS LENGTH" to OUTDIR/objgraph.txt as each finishes (objgraph from Debian's
#   python3-objgraph, /usr/lib/python3/dist-packages).
import collections
import gc
import os
import signal
import sys
import time

N = int(sys.argv[1])
OUT = sys.argv[2]


class Record(object):
    def __init__(self, i):
        self.i = i
        self.name = "record-%d" % i  # untracked, but it is in the core like real data


class Point(object):
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


gc.disable()
base = len(gc.get_objects())
# Mixed shapes: 40% instances with managed dicts, 30% __slots__ objects, 15% lists, 15% dicts.
# Every object holds a reference to the next so that all of them stay tracked.
HEAP = []
per = max(0, N - base) // 100
for i in range(per):
    chunk = []
    for k in range(40):
        chunk.append(Record(i * 40 + k))
    for k in range(30):
        chunk.append(Point(k, chunk))
    for k in range(15):
        chunk.append([k, chunk])
    for k in range(14):
        chunk.append({"k": chunk, "n": k})
    HEAP.append(chunk)  # the chunk list itself is the 100th object
gc.enable()


def census(signum, frame):
    t0 = time.perf_counter()
    counts = collections.Counter(type(o) for o in gc.get_objects())
    dt = time.perf_counter() - t0
    with open(os.path.join(OUT, "inprocess.txt"), "w") as f:
        f.write("%.6f %d\n" % (dt, sum(counts.values())))


def backref_chains(signum, frame):
    sys.path.append("/usr/lib/python3/dist-packages")
    import objgraph
    for name, obj in (("chunk", HEAP[len(HEAP) // 2]), ("fanin", Record)):
        t0 = time.perf_counter()
        chain = objgraph.find_backref_chain(obj, objgraph.is_proper_module)
        dt = time.perf_counter() - t0
        with open(os.path.join(OUT, "objgraph.txt"), "a") as f:
            f.write("%s %.3f %d\n" % (name, dt, len(chain)))
        chain = None


signal.signal(signal.SIGUSR1, census)
signal.signal(signal.SIGUSR2, backref_chains)
sys.stdout.write("READY %d\n" % (len(gc.get_objects()) + gc.get_freeze_count()))
sys.stdout.write("FANIN %x %d\n" % (id(Record), per * 40 + 1))
sys.stdout.write("CHUNK %x %d\n" % (id(HEAP[len(HEAP) // 2]), 61))
sys.stdout.flush()
while True:
    time.sleep(3600)
