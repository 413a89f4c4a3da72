#!/usr/bin/env python3
"""check_refs.py - compare pyleaks' reference graph with what the interpreter itself said.

Usage: check_refs.py REFERENTS_TXT GRAPH_JSONL

REFERENTS_TXT is what corpora/truth.py's write_referents() wrote inside the live program: for
each tracked object, the tracked objects gc.get_referents() returns (the type's tp_traverse).
The graph's edges to untracked objects (str, int, ...) are left out of the comparison.
GRAPH_JSONL is `pyleaks graph --labels` of a core of the same process.

For every object in both with the same type name, every reference tp_traverse visits must be
an edge of pyleaks' graph (as many times as visited): nothing pyleaks misses. The other way,
pyleaks may know strong references that tp_traverse does not visit because they cannot form
cycles (a type's __subclasses__ dict, __name__, ...); those are allowed only with the labels
listed in EXTRA_OK, with the reason. Every other extra edge is an error: a decoder that reads
something that is not there. A conservative reference (a word of a C type no decoder explains
that holds an object's address: a guess by nature) is an error too: every type of the stdlib,
modules' C states included, is decoded by name on every build.

Prints each mismatch and exits 1 if there is any; else prints a summary and exits 0."""
import collections
import json
import sys

# Strong references pyleaks reports that tp_traverse leaves out, by label, and why.
EXTRA_OK = {
    # type_traverse: "tp_subclasses is a dict of weakrefs, ht_name/ht_qualname/ht_slots can't
    # be involved in cycles" (Objects/typeobject.c); they are strong references all the same.
    "__subclasses__": "type_traverse skips tp_subclasses",
    "__name__": "not traversed: a str, or a tuple of them, cannot form a cycle",
    "__qualname__": "not traversed: a str cannot form a cycle",
    "__slots__": "type_traverse skips ht_slots",
    "__doc__": "some types do not traverse their doc",
    # A frame's builtins and globals are not visited by frame_traverse of 3.11+ frame objects:
    # they are borrowed there; before 3.11 they are owned and visited.
    "f_builtins": "borrowed or not traversed",
    # _thread._local owns the callback of the weak reference it keeps to each thread (3.6 - 3.12)
    # and does not visit it: no cycle runs through it back to the local.
    "wr_callback": "owned by a thread-local, not traversed",
    # _random's module state holds int.__abs__ (3.9 - 3.11 here) and its traverse visits only
    # the Random type: a strong reference all the same (Modules/_randommodule.c).
    "md_state->Long___abs__": "_random's traverse visits only Random_Type",
    # Owned by a module's state and not visited by its traverse (the class is imported lazily):
    # _decimal 3.13+, _curses_panel 3.9.
    "md_state->PyDecimal": "_decimal's traverse leaves it out",
    "md_state->PyCursesPanel_Type": "_curses_panel's traverse leaves it out",
}

# Types whose objects change after the dump was written (the dump's own output goes through
# them), so their references at core time may differ from the dump's.
UNSTABLE = ("_io.", "io.")


def load_referents(path):
    objs, scratch = {}, set()
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "#":
                scratch.update(int(a, 16) for a in parts[2:])
                continue
            objs[int(parts[0], 16)] = (parts[1], [int(a, 16) for a in parts[2:]])
    return objs, scratch


def load_graph(path, unstable):
    """The graph's objects; the dicts that hold a type's subclasses go into UNSTABLE: they change
    whenever a subclass is made, the dump's own classes included."""
    objs = {}
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            for r, l in zip(o.get("refs", []), o.get("labels") or []):
                if l == "__subclasses__":
                    unstable.add(int(r, 16))
            if "address" in o and "type" in o:
                objs[int(o["address"], 16)] = (o["type"].replace(" ", "_"),
                                               [int(a, 16) for a in o["refs"]],
                                               o.get("labels") or [""] * len(o["refs"]),
                                               o.get("tracked", True))
    return objs


def main(referents_path, graph_path):
    truth, scratch = load_referents(referents_path)
    graph = load_graph(graph_path, scratch)
    compared = renamed = 0
    errors = []
    extras_ok = collections.Counter()
    # 3.13 before gh-130327 (3.13.0 here): an object whose dict was made of its inline values
    # visits the values itself, and the dict visits none; pyleaks, as the fixed builds do,
    # reaches them through the dict. The same references, one step apart: matched as such.
    via_dict = {}  # object -> its __dict__, and the dict -> its object
    for addr, (gname, grefs, labels, _) in graph.items():
        for r, l in zip(grefs, labels):
            if l == "__dict__":
                via_dict[addr] = r
                via_dict.setdefault(("owner", r), addr)

    shared = collections.Counter()
    conservative = collections.Counter()  # by owner type: words of C types without a decoder
    for gname, grefs, labels, _ in graph.values():
        conservative[gname] += sum(1 for l in labels if l.endswith("(conservative)"))
    conservative = {t: n for t, n in conservative.items() if n}
    for addr, (tname, refs) in sorted(truth.items()):
        if addr not in graph or addr in scratch or tname.startswith(UNSTABLE):
            continue
        gname, grefs, labels, _ = graph[addr]
        if gname != tname:
            renamed += 1
            continue
        if any(r in scratch for r in refs):
            continue
        compared += 1
        # the dump lists tracked objects only; the graph has the untracked ones too
        tracked = [(r, l) for r, l in zip(grefs, labels) if graph.get(r, (0, 0, 0, True))[3]]
        grefs, labels = [r for r, _ in tracked], [l for _, l in tracked]
        mine = collections.Counter(grefs)
        missing = collections.Counter(r for r in refs if r in graph) - mine
        d, through_dict = via_dict.get(addr), False
        if missing and d in graph and d in truth and not truth[d][1]:
            through = collections.Counter(graph[d][1])
            for r in list(missing):
                if through[r] >= missing[r]:
                    shared["held through the dict made of its inline values"] += missing.pop(r)
                    through_dict = True
        owner = via_dict.get(("owner", addr))
        if owner in truth and not refs:
            owned = collections.Counter(truth[owner][1])
            held = collections.Counter(r for r in grefs)
            if held and all(owned[r] >= n for r, n in held.items()):
                shared["its values, which its object visits"] += sum(held.values())
                continue
        for r, n in missing.items():
            errors.append("%s at 0x%x: pyleaks misses its reference to %s 0x%x (x%d)"
                          % (tname, addr, graph[r][0], r, n))
        extra = mine - collections.Counter(refs)
        if through_dict:
            extra.pop(d, None)  # that dict, which this build's object does not visit
        for r, n in extra.items():
            why = [l for t, l in zip(grefs, labels) if t == r]
            if all(l in EXTRA_OK for l in why):
                extras_ok[why[0]] += n
                continue
            errors.append("%s at 0x%x: pyleaks has a reference to %s 0x%x (x%d, %s) that "
                          "tp_traverse does not visit" % (tname, addr, graph.get(r, ("?",))[0],
                                                          r, n, ", ".join(why)))
    if conservative:
        errors.append("conservative references (words no decoder explains), by type: %s"
                      % ", ".join("%s %d" % tn for tn in sorted(conservative.items())))
    if compared < len(truth) // 2:
        errors.append("only %d of %d objects compared (%d with other type names)"
                      % (compared, len(truth), renamed))
    if renamed > len(truth) // 100:
        errors.append("%d objects have another type name in pyleaks" % renamed)
    for e in errors[:60]:
        print(e)
    if len(errors) > 60:
        print("... and %d more" % (len(errors) - 60))
    if errors:
        return 1
    print("%d objects compared with gc.get_referents: none missed; extra strong references "
          "tp_traverse skips: %s;%s no conservative reference"
          % (compared, dict(extras_ok) or "none",
             " matched one step apart (3.13 before gh-130327): %s;" % dict(shared) if shared else ""))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
