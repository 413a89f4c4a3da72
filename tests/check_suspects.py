#!/usr/bin/env python3
"""check_suspects.py TRUTH EXPECTED REPORT: is the top suspect the planted leak?

TRUTH is what a corpora program printed about itself: its "leak" is the leak as the program
measured it from inside (every object reachable from the leaking container that did not exist
before the leak was built, and the sum of their sys.getsizeof). EXPECTED is the scenario's
expected.json: its "leak" says the kind of suspect, the type of what piles up, and where
given the holder's type, the wrappers and the number of containers. REPORT is `pyleaks
suspects --json`. The top suspect must be that leak, and its retained size within 10% of the
program's own figure. Prints one line; exits 1 on a mismatch."""
import json
import sys

import scenario_expected

TOLERANCE = 0.10


def main(truth_path, expected_path, report_path):
    truth = json.load(open(truth_path))
    expected = scenario_expected.load(expected_path, truth)
    report = json.load(open(report_path))
    want = expected.get("leak")
    if want is None:
        print("ok: %s has no planted leak" % expected["scenario"])
        return 0
    errors = []
    for key in ("schema", "python", "heap", "gc", "suspects"):
        if key not in report:
            errors.append("the report has no %r" % key)
    if report.get("schema") != 1:
        errors.append("schema %r, not 1" % report.get("schema"))
    top = report["suspects"][0] if report.get("suspects") else None
    if top is None:
        errors.append("no suspect at all")
    else:
        if top["kind"] != want["kind"] or top["rank"] != 1:
            errors.append("top suspect is %s (rank %s), not %s" % (top["kind"], top["rank"], want["kind"]))
        names = [top["type"]] + [t["name"] for t in top.get("types", [])]
        if want["type"] not in (names if want["kind"] == "unreachable-cycles" else names[:1]):
            errors.append("top suspect's type is %s (types %s), not %s" % (top["type"], names[1:], want["type"]))
        holder = (top.get("holder") or {}).get("type")
        if "holder" in want and holder != want["holder"]:
            errors.append("holder is %s, not %s" % (holder, want["holder"]))
        for key in ("wrappers", "holders"):
            if key in want and top.get(key) != want[key]:
                errors.append("%s %r, not %r" % (key, top.get(key), want[key]))
        if "reason" in want and top.get("garbage_reason") != want["reason"]:
            errors.append("garbage reason %r, not %r" % (top.get("garbage_reason"), want["reason"]))
        for name in want.get("finalizers", []):
            if name not in [f["type"] for f in top.get("finalizers", [])]:
                errors.append("finalizer of %s not reported (%s)" % (name, top.get("finalizers")))
        size = truth["leak"]["size"]
        off = (top["retained"] - size) / float(size) if size else 1.0
        if abs(off) > TOLERANCE:
            errors.append("retains %d bytes, the program measured %d (%+.1f%%, more than %d%%)"
                          % (top["retained"], size, 100 * off, 100 * TOLERANCE))
    if "gc_enabled" in want and report["gc"]["enabled"] != want["gc_enabled"]:
        errors.append("gc enabled is %r, not %r" % (report["gc"]["enabled"], want["gc_enabled"]))
    for e in errors:
        print("MISMATCH " + e)
    if errors:
        return 1
    print("ok: %s %s: suspect 1 is %s %s x%d, %d bytes retained, program measured %d (%+.1f%%)"
          % (expected["scenario"], truth["python"], top["kind"], top["type"], top["count"],
             top["retained"], truth["leak"]["size"], 100 * off))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
