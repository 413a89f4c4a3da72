#!/usr/bin/env python3
"""check_salvage.py - salvage from kernel cores cut short (issue #9).

  check_salvage.py cuts CORE RUNTIME
      Print the file sizes to cut the kernel core CORE at, one a line: where the memory of
      the runtime's writable data begins (RUNTIME: the path of libpython or the executable,
      as the core's NT_FILE note names it; the kernel writes memory in address order, so
      libpython's data, above the heap's arenas, is lost with all after it), and two cuts
      into the memory below it (more of the heap lost too).

  check_salvage.py judge FULL CUT CUTCORE TRUTH LEAK
      FULL, CUT: `pyleaks graph` of the whole core and of CUTCORE (the core cut short).
      Every tracked object of CUT must be one of FULL with the same type (nothing made up;
      where the type's name was in lost memory, the name may be shorter or missing);
      every tracked object of FULL whose GC header lies in the memory CUTCORE kept must be in
      CUT (nothing left behind that could be found); and the instances of LEAK (the planted
      leak's type, module.Qualname) that CUT counts must be those of FULL in kept memory.
      TRUTH: the program's truth.json (its Python version: the size of a GC header)."""
import json
import os
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD, PT_NOTE, NT_FILE = 1, 4, 0x46494C45


def phdrs(data):
    e = EHDR.unpack_from(data, 0)
    phoff, phentsize, phnum = e[5], e[9], e[10]
    return [PHDR.unpack_from(data, phoff + i * phentsize) for i in range(phnum)]


def mapped_files(data):
    """NT_FILE entries: (start, end, file offset in pages, path)."""
    for p in phdrs(data):
        if p[0] != PT_NOTE:
            continue
        off, end = p[2], p[2] + p[5]
        while off + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", data, off)
            desc = off + 12 + ((namesz + 3) & ~3)
            if ntype == NT_FILE:
                count, _page = struct.unpack_from("<QQ", data, desc)
                entries = [struct.unpack_from("<QQQ", data, desc + 16 + 24 * i) for i in range(count)]
                names = data[desc + 16 + 24 * count:desc + descsz].split(b"\0")
                return [(s, e, o, n.decode()) for (s, e, o), n in zip(entries, names)]
            off = desc + ((descsz + 3) & ~3)
    sys.exit("check_salvage: no NT_FILE note")


def cuts(core, runtime):
    data = open(core, "rb").read()
    files = [f for f in mapped_files(data) if os.path.realpath(f[3]) == os.path.realpath(runtime)]
    if not files:
        sys.exit("check_salvage: %s is not mapped in %s" % (runtime, core))
    loads = [p for p in phdrs(data) if p[0] == PT_LOAD and p[5]]
    # the runtime's writable data: its mapping with the highest address (.data, after the code)
    data_lo = max(f[0] for f in files)
    at = min(p[2] for p in loads if p[3] >= data_lo)
    first = min(p[2] for p in loads)
    for cut in (at, first + (at - first) * 3 // 4, first + (at - first) // 2):
        print(cut)


def graph(path):
    objs = {}
    for line in open(path):
        n = json.loads(line)
        if "root" not in n and n["tracked"]:
            objs[int(n["address"], 16)] = n["type"]
    return objs


def kept_ranges(core):
    data = open(core, "rb").read()
    size = len(data)
    out = []
    for p in phdrs(data):
        if p[0] == PT_LOAD and p[5] and p[2] < size:
            out.append((p[3], p[3] + min(p[5], size - p[2])))
    return out


def judge(full_path, cut_path, cut_core, truth_path, leak):
    full, cut = graph(full_path), graph(cut_path)
    kept = kept_ranges(cut_core)
    truth = json.load(open(truth_path))
    gc_head = 24 if truth["python"].startswith(("3.6.", "3.7.")) else 16
    # a type whose name (or module's name) was in lost memory has none, or a shorter one
    def same_type(whole, salvaged):
        return whole is not None and (whole == salvaged or whole.endswith("." + salvaged) or
                                      "<type at " in salvaged or "<invalid type " in salvaged)
    made_up = [(hex(a), t) for a, t in cut.items() if not same_type(full.get(a), t)]
    # the GC header before each object must be kept for the scan to see it
    def in_kept(a):
        g = a - gc_head
        return any(lo <= g and a + 16 <= hi for lo, hi in kept)
    findable = {a: t for a, t in full.items() if in_kept(a)}
    missed = [(hex(a), t) for a, t in findable.items() if a not in cut]
    leak_full = sum(1 for t in full.values() if t == leak)
    leak_kept = sum(1 for t in findable.values() if t == leak)
    leak_cut = sum(1 for a in cut if full.get(a) == leak)  # by address: its name may be lost
    print("whole core: %d tracked (%d %s); kept memory holds %d of them (%d %s); salvaged %d "
          "(%d %s); made up %d, missed %d" % (len(full), leak_full, leak, len(findable), leak_kept,
                                               leak, len(cut), leak_cut, leak, len(made_up),
                                               len(missed)))
    ok = True
    if made_up:
        print("made up (not in the whole core, or another type):", made_up[:10])
        ok = False
    if missed:
        print("missed:", missed[:10])
        ok = False
    if leak_cut != leak_kept:
        print("the leak: %d salvaged, %d in kept memory" % (leak_cut, leak_kept))
        ok = False
    if not cut:
        print("nothing salvaged")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "cuts":
        cuts(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 7 and sys.argv[1] == "judge":
        judge(*sys.argv[2:])
    else:
        sys.exit(__doc__)
