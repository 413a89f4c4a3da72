#!/usr/bin/env python3
"""check_census.py - compare a pyleaks JSON census with a corpora program's own ground truth.

Usage: check_census.py TRUTH_JSON EXPECTED_JSON REPORT_JSON

TRUTH_JSON is what the program printed about itself (PYLEAKS-TRUTH line), EXPECTED_JSON the
scenario's expectation file, REPORT_JSON what pyleaks wrote. Prints each mismatch and exits 1
if there is any; prints a one-line summary and exits 0 otherwise."""
import json
import sys

import scenario_expected


def main(truth_path, expected_path, report_path):
    truth = json.load(open(truth_path))
    expected = scenario_expected.load(expected_path, truth)
    report = json.load(open(report_path))
    errors = []
    if report.get("schema") != 1:
        errors.append("schema is %r, not 1" % report.get("schema"))
    if report["python"]["version"].split("-")[0] != truth["python"]:
        errors.append("version %s, program says %s" % (report["python"]["version"], truth["python"]))
    # Two distinct types can share a name (3.14 has two functools._PlaceholderType): add them up.
    counts, untracked = {}, 0
    for t in report["types"]:
        if t["tracked"]:
            counts[t["name"]] = counts.get(t["name"], 0) + t["count"]
        else:
            untracked += t["count"]
    for name, n in sorted(truth["classes"].items()):
        if counts.get(name, 0) != n:
            errors.append("%s: pyleaks counts %d, program counts %d" % (name, counts.get(name, 0), n))
    total, want = report["objects"], truth["objects"]
    if abs(total - want) > want * 0.001:
        errors.append("total %d not within 0.1%% of the program's %d" % (total, want))
    if sum(counts.values()) != total:
        errors.append("type counts add up to %d, total says %d" % (sum(counts.values()), total))
    heap = report["heap"]
    if untracked != report["untracked"]["count"] or heap["untracked"] != untracked or \
            heap["tracked"] != total or heap["objects"] != total + untracked:
        errors.append("untracked rows add up to %d; untracked %s, heap %s"
                      % (untracked, report["untracked"], heap))
    if heap["size"] != report["size"] + report["untracked"]["size"]:
        errors.append("heap size %d is not tracked %d + untracked %d"
                      % (heap["size"], report["size"], report["untracked"]["size"]))
    if untracked == 0:
        errors.append("no untracked objects found (every program has str and int objects)")
    ranked = [t["name"] for t in report["types"] if t["tracked"]]
    suspect, top = expected["suspect"], expected["suspect_in_top"]
    if suspect not in ranked[:top]:
        errors.append("%s not in the top %d types: %s" % (suspect, top, ranked[:top]))
    if counts.get(suspect, 0) < expected["suspect_min_count"]:
        errors.append("%s: %d instances, expected at least %d"
                      % (suspect, counts.get(suspect, 0), expected["suspect_min_count"]))
    garbage = report["garbage"]
    if len(garbage) != truth["garbage"]:
        errors.append("gc.garbage has %d entries, program says %d" % (len(garbage), truth["garbage"]))
    for name, n in expected.get("garbage_types", {}).items():
        got = sum(1 for g in garbage if g["type"] == name)
        if got != n:
            errors.append("gc.garbage holds %d %s, expected %d" % (got, name, n))
    permanent = report["generations"]["permanent"]["count"]
    if permanent != truth["frozen"]:
        errors.append("permanent generation %d, program's gc.get_freeze_count() %d"
                      % (permanent, truth["frozen"]))
    if truth.get("freeze_supported", True) and permanent < expected.get("permanent_min", 0):
        errors.append("permanent generation %d < %d" % (permanent, expected["permanent_min"]))
    for e in errors:
        print("MISMATCH " + e)
    if not errors:
        print("ok: %s %s, %d objects (program %d) and %d untracked, %s=%d"
              % (expected["scenario"], truth["python"], total, want, untracked, suspect,
                 counts.get(suspect, 0)))
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
