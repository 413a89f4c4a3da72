#!/usr/bin/env python3
"""check_dominators.py GRAPH: pyleaks' dominator tree against an independent computation.

GRAPH is `pyleaks graph --dominators` (JSON lines). This script builds the same graph (a super
root holding every root line and every object marked with a root_kind), computes immediate
dominators with the Cooper-Harvey-Kennedy iterative algorithm over a reverse postorder (a
different algorithm from pyleaks' semi-NCA), and retained sizes by summing the tree bottom up,
and compares both for every object. The objects pyleaks calls roots must be what their kind
says: modules, objects whose reference count exceeds their referrers (held from C), or
frames/generators standing for a thread's frame; every module must be one. Exits 1 on any
difference."""
import json
import sys


def main(path):
    addr_of, index, types, sizes, refcounts, tracked, idom_given, retained_given, root_kind = \
        [], {}, [], [], [], [], [], [], {}
    succ, root_lines = [], []
    for line in open(path):
        d = json.loads(line)
        i = len(addr_of)
        addr_of.append(d["address"])
        succ.append(d["refs"])
        if "root" in d:
            root_lines.append(i)
            types.append("<root %s>" % d["root"])
            sizes.append(0)
            refcounts.append(-1)
            tracked.append(False)
            idom_given.append("")
            retained_given.append(None)
        else:
            index[d["address"]] = i
            types.append(d["type"])
            sizes.append(d["size"])
            refcounts.append(d["refcount"])
            tracked.append(d["tracked"])
            idom_given.append(d["idom"])
            if "root_kind" in d:
                root_kind[i] = d["root_kind"]
            retained_given.append((d.get("retained"), d.get("retained_objects")))
    n = len(addr_of)
    succ = [[index[a] for a in refs if a in index] for refs in succ]
    indeg = [0] * n
    for s in succ:
        for v in s:
            indeg[v] += 1
    errors = []
    object_roots = sorted(root_kind)
    for i in object_roots:
        ok = {"module": types[i] == "module",
              "held-from-c": tracked[i] and refcounts[i] > indeg[i],
              "thread": types[i] in ("frame", "generator", "coroutine", "async_generator")}
        if not ok.get(root_kind[i]):
            errors.append("%s %s is a root for pyleaks (%s), but no module, not held from C "
                          "(refcount %d, %d referrers) and no frame"
                          % (types[i], addr_of[i], root_kind[i], refcounts[i], indeg[i]))
    for i in range(n):
        if types[i] == "module" and root_kind.get(i) != "module":
            errors.append("module %s is not a root" % addr_of[i])
    # super root = n
    SUPER = n
    roots = root_lines + object_roots
    succ.append(roots)
    # reverse postorder by an iterative depth-first search
    order, seen = [], [False] * (n + 1)
    stack = [(SUPER, 0)]
    seen[SUPER] = True
    while stack:
        u, k = stack[-1]
        if k < len(succ[u]):
            stack[-1] = (u, k + 1)
            v = succ[u][k]
            if not seen[v]:
                seen[v] = True
                stack.append((v, 0))
        else:
            stack.pop()
            order.append(u)
    order.reverse()
    rpo = {v: k for k, v in enumerate(order)}
    preds = [[] for _ in range(n + 1)]
    for u in range(n + 1):
        if seen[u]:
            for v in succ[u]:
                preds[v].append(u)
    idom = {SUPER: SUPER}

    def intersect(a, b):
        while a != b:
            while rpo[a] > rpo[b]:
                a = idom[a]
            while rpo[b] > rpo[a]:
                b = idom[b]
        return a

    changed = True
    while changed:
        changed = False
        for v in order[1:]:
            new = None
            for p in preds[v]:
                if p in idom:
                    new = p if new is None else intersect(p, new)
            if idom.get(v) != new:
                idom[v] = new
                changed = True
    retained = [0] * (n + 1)
    count = [0] * (n + 1)
    virtual = set(root_lines)
    for v in order[1:]:
        retained[v] = sizes[v]
        count[v] = 0 if v in virtual else 1
    for v in reversed(order[1:]):
        retained[idom[v]] += retained[v]
        count[idom[v]] += count[v]
    compared = 0
    for i in range(n):
        if i not in virtual:
            mine = idom.get(i)
            want = None if mine is None else ("" if mine == SUPER else addr_of[mine])
            if want != idom_given[i]:
                errors.append("%s %s: immediate dominator %s, pyleaks says %s"
                              % (types[i], addr_of[i], want, idom_given[i]))
                continue
            if mine is not None and retained_given[i] != (retained[i], count[i]):
                errors.append("%s %s: retains %d bytes in %d objects, pyleaks says %s"
                              % (types[i], addr_of[i], retained[i], count[i], retained_given[i]))
                continue
            compared += 1
    for e in errors[:40]:
        print(e)
    if errors:
        print("%d differences" % len(errors))
        return 1
    print("%d objects: the same immediate dominators and retained sizes (%d roots, %d reached)"
          % (compared, len(roots), len(order) - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
