#!/usr/bin/env python3
"""check_damaged.py - what `pyleaks leaks --json` must say about a core of corpora/damaged
after one damage (see badinput.bats): a warning naming what was lost where something was, and
the rest of the answer (the 300 Holders made before the victims, and every type the
undamaged core has, with its count, except the ones the damage touches).

Usage: check_damaged.py args DAMAGE TRUTH.json   (prints the relayout_core.py options)
       check_damaged.py DAMAGE UNDAMAGED.json DAMAGED.json"""
import struct
import json
import sys

# DAMAGE -> (a warning must contain this, or None for no warning needed;
#            the types whose counts may change)
EXPECT = {
    "int-size": (None, set()),
    "list-size": ("the references of 1 objects could not be read", set()),
    "dict-size": (None, set()),
    "ob-type": ("have a type that is not a readable type object",
                {"__main__.Victim", "<invalid type 0xdead0000>"}),
    "type-name": (None, {"enumerate"}),
    "gc-loop": ("broken", None),
    "gc-unmapped": ("broken", None),
    "phdr-misaligned": (None, set()),
    "phdr-offset": ("the core file is truncated", None),
    "nt-file-lost": ("found from the dynamic linker's list in its memory", set()),
    "notes-lost": ("found from the dynamic linker's list in its memory", set()),
}


def le64(value):
    return struct.pack("<Q", value & (2 ** 64 - 1)).hex()


def damage_args(damage, truth_path):
    """The relayout_core.py options that make DAMAGE in a core of corpora/damaged."""
    truth = json.load(open(truth_path))
    addr = dict((k, int(v, 16)) for k, v in truth["addr"].items())
    head = truth["gc_head"]

    def poke(at, value):
        return ["--poke", "%x=%s" % (at, le64(value))]
    return {
        "int-size": poke(addr["int"] + 16, 1 << 63),          # ob_size (lv_tag) INT64_MIN
        "list-size": poke(addr["list"] + 16, 1 << 60),        # ob_size 2^60
        "dict-size": poke(addr["dict"] + 16, 1 << 62),        # ma_used
        "ob-type": poke(addr["obj"] + 8, 0xdead0000),         # ob_type into nowhere
        "type-name": poke(addr["static_type"] + 24, addr["blob"] + 32),  # tp_name: 100 kB of A
        "gc-loop": poke(addr["link_b"] - head, addr["link_a"] - head),   # B's next is A
        "gc-unmapped": poke(addr["link_b"] - head, 0x10),
        "phdr-misaligned": ["--phdr-pad", "4"],
        "phdr-offset": ["--phdr", "-1:offset=0xffffffffffff0000"],
        "nt-file-lost": ["--drop-note", "NT_FILE"],
        "notes-lost": ["--drop-note", "all"],
    }[damage]


def counts(report):
    return dict(((t["name"], t["tracked"]), t["count"]) for t in report["types"])


def main(damage, base_path, out_path):
    warning, may_change = EXPECT[damage]
    base, out = json.load(open(base_path)), json.load(open(out_path))
    problems = []
    warnings = out.get("warnings") or []
    if warning and not any(warning in w for w in warnings):
        problems.append("no warning containing %r (warnings: %r)" % (warning, warnings))
    if warning is None and warnings:
        problems.append("unexpected warnings: %r" % warnings)
    before, after = counts(base), counts(out)
    holders = after.get(("__main__.Holder", True), 0)
    if holders < 300:
        problems.append("only %d of the 300 Holders made before the damage are counted" % holders)
    if may_change is not None:
        for key in set(before) | set(after):
            if key[0] in may_change or key[0].startswith("AAAA"):
                continue
            if not key[1]:
                continue  # untracked objects are found through references: any damage moves them
            if before.get(key) != after.get(key):
                problems.append("%s: %s before the damage, %s after" %
                                (key[0], before.get(key), after.get(key)))
    if damage == "type-name":
        names = [k[0] for k in after if k[0].startswith("AAAA")]
        if len(names) != 1 or len(names[0]) > 512:
            problems.append("the damaged type name should be one run of A's, at most 512 "
                            "bytes: %r" % [n[:40] for n in names])
    if damage == "ob-type" and after.get(("<invalid type 0xdead0000>", True)) != 1:
        problems.append("the object with a broken type is not counted under its bad type")
    for p in problems:
        print("%s: %s" % (damage, p))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "args":
        print(" ".join(damage_args(sys.argv[2], sys.argv[3])))
        sys.exit(0)
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
