#!/usr/bin/env python3
"""check_inprocess.py READONLY_GRAPH INPROCESS_GRAPH: do the two modes agree on one stop?

Both are `py-graph --labels` of the same stopped process, read-only and in-process. They
must have the same tracked objects (address and type), and:
  - every reference the read-only graph gives exactly (not marked conservative) is in the
    in-process graph too, with the same label, as many times;
  - where the read-only path scanned a C type's words, the in-process graph has what that
    type's tp_traverse visited, exactly; a word it does not visit stays a conservative guess
    (a module's state or a struct may hold objects its traverse leaves out), never one it
    gives exactly too;
  - every object of the read-only graph is in the in-process graph; the in-process graph may
    have more untracked objects, each reached through a reference that is in-process only.
Prints a summary (how many conservative guesses were confirmed, dropped, and how many
references were found that the guesses missed); exits 1 on a mismatch."""
import collections
import json
import sys


def load(path):
    objects = {}
    for line in open(path):
        o = json.loads(line)
        if "type" in o and "address" in o:
            objects[o["address"]] = o
    return objects


def main(readonly_path, inprocess_path):
    ro, ip = load(readonly_path), load(inprocess_path)
    problems = []
    tracked_ro = {a: o["type"] for a, o in ro.items() if o["tracked"]}
    tracked_ip = {a: o["type"] for a, o in ip.items() if o["tracked"]}
    if tracked_ro != tracked_ip:
        diff = set(tracked_ro.items()) ^ set(tracked_ip.items())
        problems.append("the tracked objects differ: %d (e.g. %s)" % (len(diff), sorted(diff)[:3]))
    missing = [a for a in ro if a not in ip]
    if missing:
        problems.append("%d objects read-only are not in-process (e.g. %s %s)"
                        % (len(missing), missing[0], ro[missing[0]]["type"]))
    confirmed = dropped = found = left = 0
    for addr, o in ip.items():
        labels = o.get("labels", [])
        exact = set(t for t, l in zip(o["refs"], labels) if not l.endswith("(conservative)"))
        both = [t for t, l in zip(o["refs"], labels) if l.endswith("(conservative)") and t in exact]
        if both:
            problems.append("%s %s: in-process, %s both exact and a guess" % (addr, o["type"], both[:3]))
        left += len(labels) - sum(1 for l in labels if not l.endswith("(conservative)"))
        if addr not in ro:
            continue
        r = ro[addr]
        exact_ro = collections.Counter((t, l) for t, l in zip(r["refs"], r.get("labels", []))
                                       if not l.endswith("(conservative)"))
        have = collections.Counter(zip(o["refs"], labels))
        lost = exact_ro - have
        if lost:
            problems.append("%s %s: read-only references missing in-process: %s"
                            % (addr, o["type"], sorted(lost)[:3]))
        guesses = set(t for t, l in zip(r["refs"], r.get("labels", [])) if l.endswith("(conservative)"))
        targets = exact
        confirmed += len(guesses & targets)
        dropped += len(guesses - targets)
        extra = targets - set(r["refs"])
        found += len(extra)
    only_ip = [a for a in ip if a not in ro]
    referred = set()
    for o in ip.values():
        referred.update(o["refs"])
    unexplained = [a for a in only_ip if a not in referred]
    if unexplained:
        problems.append("%d objects only in-process that nothing refers to (e.g. %s)"
                        % (len(unexplained), unexplained[0]))
    if problems:
        print("\n".join(problems))
        return 1
    print("%d tracked objects the same; %d conservative guesses confirmed exactly, %d dropped, "
          "%d left (words tp_traverse does not visit); %d references found that the guesses "
          "missed; %d more untracked objects in-process"
          % (len(tracked_ro), confirmed, dropped, left, found, len(only_ip)))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: check_inprocess.py READONLY_GRAPH INPROCESS_GRAPH")
    sys.exit(main(sys.argv[1], sys.argv[2]))
