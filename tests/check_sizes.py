#!/usr/bin/env python3
"""check_sizes.py SIZES GRAPH: pyleaks' object sizes against sys.getsizeof.

SIZES is what a corpora program wrote about itself (truth.py's write_sizes): "ADDRESS TRACKED
SIZE TYPE" for every object tp_traverse reaches from the tracked ones. GRAPH is `pyleaks graph`
of a core of that program (JSON lines; every object with its "size" and "tracked").

Every object in both must have the same size (types in INEXACT excepted: their __sizeof__
counts what pyleaks does not read, and each is counted apart), and every untracked object the
interpreter reached must be in the graph too, but for those only tp_traverse finds (REACHED_APART:
what pyleaks does not decode). Prints a summary; exits 1 on a mismatch or a missed object."""
import collections
import json
import sys

# Types whose size pyleaks cannot give exactly, and why.
INEXACT = {
    "_io.BufferedReader": "its buffer, which _io's own __sizeof__ counts",
    "_io.BufferedWriter": "its buffer, which _io's own __sizeof__ counts",
    "_struct.Struct": "its format codes, which _struct's own __sizeof__ counts",
}

# Untracked objects the interpreter's tp_traverse reaches that pyleaks' graph may not: held by
# what pyleaks does not read as references.
VIA_UNDECODED = {
    "module": "a C module's state, scanned conservatively: only tracked objects are found there",
    "_io.TextIOWrapper": "a C type without a decoder, scanned conservatively",
    "_io.BufferedReader": "a C type without a decoder, scanned conservatively",
    "_json.Scanner": "a C type without a decoder, scanned conservatively",
    "_struct.Struct": "a C type without a decoder, scanned conservatively",
    "operator.attrgetter": "a C type without a decoder, scanned conservatively",
    "frame": "a running frame's value stack, which is not read (its extent is not kept up to date)",
}

REACHED_APART = {
    "type": "static types: they live in their binary, and are roots of their own",
}


def main():
    sizes_path, graph_path = sys.argv[1:3]
    oracle = {}
    for line in open(sizes_path):
        addr, tracked, size, name, via = line.split()
        oracle[int(addr, 16)] = (tracked == "1", int(size), name, via)
    graph = {}
    interned = set()  # dicts whose every entry maps a str to itself: the interned strings
    for line in open(graph_path):
        d = json.loads(line)
        if "type" in d:
            graph[int(d["address"], 16)] = (d["tracked"], d["size"], d["type"])
            refs = d.get("refs", [])
            if d["type"] == "dict" and len(refs) > 1000 and \
                    all(refs[i] == refs[i + 1] for i in range(0, len(refs) - 1, 2)):
                interned.add(int(d["address"], 16))
    wrong = collections.defaultdict(list)
    inexact = collections.Counter()
    missed = collections.defaultdict(list)
    compared = 0
    for addr, (tracked, size, name, via) in oracle.items():
        got = graph.get(addr)
        if got is None:
            via_addr, _, via_type = via.partition(":")
            # an object reached only from one gone by the time of the core (the program's
            # own scratch objects) is not missed, nor a string interned for a moment (3.12+
            # drop a mortal interned string from the interned dict when it dies)
            if not tracked and name not in REACHED_APART and via_type not in VIA_UNDECODED and \
                    (via == "-" or int(via_addr, 16) in graph) and \
                    (via == "-" or int(via_addr, 16) not in interned):
                missed[name].append((addr, via_type))
            continue
        compared += 1
        if got[1] != size:
            if name in INEXACT:
                inexact[name] += 1
            else:
                wrong[name].append((addr, size, got[1]))
    untracked = sum(1 for t, _, _, _ in oracle.values() if not t)
    print("%d objects compared with sys.getsizeof (%d untracked ones in the interpreter's view)"
          % (compared, untracked))
    for name, n in sorted(inexact.items()):
        print("  inexact by design: %d %s (%s)" % (n, name, INEXACT[name]))
    status = 0
    for name, items in sorted(wrong.items(), key=lambda kv: -len(kv[1])):
        status = 1
        print("  WRONG SIZE: %d %s, e.g. %s" % (len(items), name, ", ".join(
            "0x%x getsizeof %d pyleaks %d" % x for x in items[:3])))
    for name, items in sorted(missed.items(), key=lambda kv: -len(kv[1])):
        status = 1
        via = collections.Counter(v for _, v in items)
        print("  MISSED: %d untracked %s not in the graph, e.g. %s; reached from %s" % (
            len(items), name, ", ".join("0x%x" % a for a, _ in items[:3]),
            ", ".join("%s %d" % kv for kv in via.most_common(4))))
    return status


if __name__ == "__main__":
    sys.exit(main())
