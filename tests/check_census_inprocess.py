#!/usr/bin/env python3
"""check_census_inprocess.py - compare the census the in-process agent took where the objects
lie with the read-only census of the same stop (two pyleaks JSON census reports).

Usage: check_census_inprocess.py INPROCESS_JSON READONLY_JSON

Every type (by name, tracked or untracked) must have the same count and size, and so must the
generations and the totals; the first must say "in-process", the second "read-only". Prints
each difference and exits 1 if there is any; prints a one-line summary otherwise."""
import collections
import json
import sys


def table(report):
    counts, sizes = collections.Counter(), collections.Counter()
    for t in report["types"]:
        key = (t["name"], t["tracked"])
        counts[key] += t["count"]
        sizes[key] += t["size"]
    return counts, sizes


def main(inprocess_path, readonly_path):
    a, b = json.load(open(inprocess_path)), json.load(open(readonly_path))
    errors = []
    if a.get("mode") != "in-process" or b.get("mode") != "read-only":
        errors.append("modes are %r and %r, not in-process and read-only" % (a.get("mode"), b.get("mode")))
    for field in ("objects", "size", "untracked", "heap", "generations", "garbage"):
        if a.get(field) != b.get(field):
            errors.append("%s: in-process %r, read-only %r" % (field, a.get(field), b.get(field)))
    (ca, sa), (cb, sb) = table(a), table(b)
    for key in sorted(set(ca) | set(cb)):
        if ca[key] != cb[key] or sa[key] != sb[key]:
            errors.append("%s%s: in-process %d objects, %d bytes; read-only %d, %d"
                          % (key[0], "" if key[1] else " (untracked)", ca[key], sa[key], cb[key], sb[key]))
    for e in errors[:40]:
        print(e)
    if errors:
        return 1
    print("%d types, %d objects (%d untracked): the same in-process and read-only"
          % (len(ca), a["heap"]["objects"], a["heap"]["untracked"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
