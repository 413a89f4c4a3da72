# gdb_walk.py - the baseline: a census written in gdb's Python API alone, with no C helper.
# It walks the same GC lists as libpyleaks, reading target memory in 64 KiB chunks through
# gdb.Inferior.read_memory (cached per chunk) and counting objects per type address, the way
# a pure gdb extension would. Offsets come from gdb's own reading of the DWARF (CPython 3.12).
# Run: gdb -batch -x gdb_walk.py PYTHON CORE   -> prints "gdb-walk: N objects in T s"
import struct
import time

import gdb

CHUNK = 64 * 1024


class Reader(object):
    def __init__(self):
        self.inf = gdb.selected_inferior()
        self.cache = {}

    def u64(self, addr):
        base = addr - addr % CHUNK
        chunk = self.cache.get(base)
        if chunk is None:
            try:
                chunk = bytes(self.inf.read_memory(base, CHUNK))
            except gdb.MemoryError:  # the chunk crosses into unmapped memory
                chunk = b""
            self.cache[base] = chunk
        off = addr - base
        if off + 8 <= len(chunk):
            return struct.unpack_from("<Q", chunk, off)[0]
        return struct.unpack("<Q", bytes(self.inf.read_memory(addr, 8)))[0]


def offset(expr):
    return int(gdb.parse_and_eval("(long)&(%s)" % expr))


def main():
    t0 = time.perf_counter()
    r = Reader()
    runtime = int(gdb.parse_and_eval("(long)&_PyRuntime"))
    head = r.u64(runtime + offset("((_PyRuntimeState*)0)->interpreters.head"))
    gc_off = offset("((PyInterpreterState*)0)->gc")
    gen0_off = offset("((struct _gc_runtime_state*)0)->generation0")
    perm_off = offset("((struct _gc_runtime_state*)0)->permanent_generation")
    genw = int(gdb.parse_and_eval("sizeof(struct gc_generation)"))
    type_off = offset("((PyObject*)0)->ob_type")
    counts = {}
    total = 0
    interp = head
    while interp:
        gcs = interp + gc_off
        gen0 = r.u64(gcs + gen0_off)
        for h in [gen0, gen0 + genw, gen0 + 2 * genw, gcs + perm_off]:
            g = r.u64(h) & ~3
            while g != h:
                t = r.u64(g + 16 + type_off)
                counts[t] = counts.get(t, 0) + 1
                total += 1
                g = r.u64(g) & ~3
        interp = r.u64(interp + offset("((PyInterpreterState*)0)->next"))
    dt = time.perf_counter() - t0
    print("gdb-walk: %d objects, %d types in %.3f s" % (total, len(counts), dt))


main()
