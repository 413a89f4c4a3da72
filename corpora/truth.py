# truth.py - shared by the corpora programs: counts what the program holds, from inside the
# interpreter, prints it as one "PYLEAKS-TRUTH {json}" line, says READY, and waits to be cored.
# Works on Python 2.7 and 3.6+ so that every interpreter on the machine can run a scenario.
import gc
import json
import sys
import time


def type_name(tp):
    module = getattr(tp, "__module__", None)
    qualname = getattr(tp, "__qualname__", tp.__name__)
    if not module or module in ("builtins", "__builtin__"):
        return qualname
    return module + "." + qualname


def write_referents(path):
    """Write what the interpreter says each tracked object holds, one line per object:
    "ADDRESS TYPE REF REF ...", the tracked objects among gc.get_referents(obj) (the type's
    tp_traverse), addresses in hex. A first line "# scratch ADDRESS ..." names the objects this
    function made itself, which are gone by the time anyone looks."""
    objs = gc.get_objects()
    lines = []
    scratch = [id(objs), id(lines)]
    for obj in objs:
        if id(obj) in scratch:
            continue
        refs = [r for r in gc.get_referents(obj) if gc.is_tracked(r)]
        lines.append("%x %s %s" % (id(obj), type_name(type(obj)).replace(" ", "_"),
                                   " ".join("%x" % id(r) for r in refs)))
        refs = None
    scratch.append(id(scratch))
    with open(path, "w") as f:
        f.write("# scratch %s\n" % " ".join("%x" % a for a in scratch))
        f.write("\n".join(lines))
        f.write("\n")
    objs = lines = scratch = None


def referents(obj):
    """What OBJ holds, as tp_traverse says (gc.get_referents), and a dict's keys too: a dict
    whose keys are all str does not traverse them (they cannot form cycles), but holds them."""
    refs = gc.get_referents(obj)
    if isinstance(obj, dict):
        refs.extend(dict.__iter__(obj))
    return refs


def write_sizes(path):
    """Write sys.getsizeof of every object the interpreter's own tp_traverse reaches from the
    tracked objects (untracked ones included: str, bytes, int, untracked tuples and dicts;
    see referents()), one
    line per object: "ADDRESS TRACKED SIZE TYPE VIA", addresses in hex, TRACKED 1 or 0, VIA
    "ADDRESS:TYPE" of the object it was first reached from ("-" for the tracked ones, which
    gc.get_objects() lists). Objects whose
    __sizeof__ fails are left out. The objects this function makes are gone by the time anyone
    looks."""
    enabled = gc.isenabled()
    gc.disable()  # a collection now would untrack tuples and dicts as they are measured
    objs = gc.get_objects()
    seen = {}
    stack = [(obj, "-") for obj in objs]
    scratch = set([id(objs), id(seen), id(stack)])
    while stack:
        obj, via = stack.pop()
        key = id(obj)
        if key in seen or key in scratch:
            continue
        try:
            size = sys.getsizeof(obj)
        except Exception:
            size = -1
        name = type_name(type(obj)).replace(" ", "_")
        seen[key] = (1 if gc.is_tracked(obj) else 0, size, name, via)
        here = "%x:%s" % (key, name)
        for ref in referents(obj):  # a loop: a generator would be measured too
            stack.append((ref, here))
    obj = objs = stack = None
    with open(path, "w") as f:
        for key, (tracked, size, name, via) in seen.items():
            if size >= 0:
                f.write("%x %d %d %s %s\n" % (key, tracked, size, name, via))
    seen = None
    if enabled:
        gc.enable()


class LeakBaseline(object):
    """The objects that exist before a scenario builds its leak (see leak_baseline)."""

    def __init__(self):
        enabled = gc.isenabled()
        gc.disable()
        self.keep = _reachable(gc.get_objects())
        self.ids = set(id(o) for o in self.keep)
        if enabled:
            gc.enable()


def _reachable(roots):
    """Every object tp_traverse reaches from ROOTS, ROOTS included, each once (a list)."""
    seen, out, stack = set(), [], list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        out.append(obj)
        for ref in referents(obj):  # a loop: a generator would be measured too
            stack.append(ref)
    return out


def leak_baseline():
    """Call just before the scenario builds its leak: remembers every object that exists now
    (and keeps them alive until leak_measure, so that no address is reused)."""
    return LeakBaseline()


def leak_measure(baseline, *containers):
    """The planted leak as the program itself sees it: every object reachable from CONTAINERS
    through gc.get_referents, the containers included, that did not exist at BASELINE (the
    search does not go on through those that did: what they hold is not the leak's), with
    the sum of their sys.getsizeof. Returns {"objects": N, "size": BYTES}."""
    enabled = gc.isenabled()
    gc.disable()
    old, scratch = baseline.ids, set([id(baseline), id(baseline.keep), id(baseline.ids)])
    seen, stack = set(), list(containers)
    objects = size = 0
    while stack:
        obj = stack.pop()
        key = id(obj)
        if key in seen or key in scratch:
            continue
        seen.add(key)
        if key in old and not any(obj is c for c in containers):
            continue
        objects += 1
        size += sys.getsizeof(obj)
        for ref in referents(obj):  # a loop: a generator would be measured too
            stack.append(ref)
    obj = stack = seen = None
    baseline.keep = baseline.ids = None
    if enabled:
        gc.enable()
    return {"objects": objects, "size": size}


def report_and_wait(class_names, frozen=None, referents=False, extra=None, leak=None):
    """Print the ground truth (see report), then sleep until killed."""
    report(class_names, frozen, referents, extra, leak)
    while True:
        time.sleep(3600)


def report(class_names, frozen=None, referents=False, extra=None, leak=None):
    """Print the ground truth and READY; the program goes on (a service serving requests).

    class_names: names (module.Qualname) whose tracked instances to count.
    frozen: {name: count} of instances the program moved to the permanent generation with
    gc.freeze() (gc.get_objects() does not list those).
    referents: also write referents.txt (see write_referents) into PYLEAKS_SCENARIO_OUT.
    extra: more facts for the tests, added to the truth as they are.
    leak: the planted leak as leak_measure() measured it.

    With the collector on, a collection first frees the garbage the program left, so that
    none is freed between this count and the core (programs that keep garbage disable it)."""
    if gc.isenabled():
        gc.collect()
    counts = dict((name, 0) for name in class_names)
    for obj in gc.get_objects():
        name = type_name(type(obj))
        if name in counts:
            counts[name] += 1
    obj = None
    for name, n in (frozen or {}).items():
        counts[name] = counts.get(name, 0) + n
    freeze_count = gc.get_freeze_count() if hasattr(gc, "get_freeze_count") else 0
    truth = {
        "python": "%d.%d.%d" % sys.version_info[:3],
        "classes": counts,
        "garbage": len(gc.garbage),
        "frozen": freeze_count,
        "freeze_supported": hasattr(gc, "freeze"),
    }
    truth.update(extra or {})
    if leak is not None:
        truth["leak"] = leak
    truth["objects"] = len(gc.get_objects()) + freeze_count
    out = __import__("os").environ.get("PYLEAKS_SCENARIO_OUT")
    if referents and out:
        write_referents(out + "/referents.txt")
    if out:
        write_sizes(out + "/sizes.txt")
    # 2.7 sorts keys in Python code that leaves cyclic garbage behind the count: unsorted, its
    # C encoder leaves none
    sys.stdout.write("PYLEAKS-TRUTH " + json.dumps(truth, sort_keys=sys.version_info[0] >= 3)
                     + "\n")
    sys.stdout.write("READY\n")
    sys.stdout.flush()
