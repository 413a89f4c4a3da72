#!/usr/bin/env python3
"""check_chains.py - compare `pyleaks referrers --type NAME --json` with a scenario's expectation.

Usage: check_chains.py REPORT_JSON TRUTH_JSON EXPECTED_JSON TYPE

EXPECTED_JSON["chains"][TYPE] lists the groups the report must show first, in order: each
with its root ({"kind", "name"}: what the root must be), the labels of its merged path (root
first), which steps are "one or more" (repeated, by index), and how many instances ("all":
what the program counted of TYPE). "from_truth" maps root details to facts the program
printed about itself (e.g. "line": "thread.line"). Prints each mismatch and exits 1 if any."""
import json
import sys

import scenario_expected


def fact(truth, dotted):
    for part in dotted.split("."):
        truth = truth[part]
    return truth


def main(report_path, truth_path, expected_path, type_name):
    report, truth = json.load(open(report_path)), json.load(open(truth_path))
    groups = scenario_expected.load(expected_path, truth)["chains"][type_name]
    errors = []
    total = truth["classes"][type_name]
    if report["target"] != {"type": type_name, "classes": 1, "instances": total}:
        errors.append("target %r, the program counted %d" % (report["target"], total))
    chains = report["chains"]
    if sum(c["count"] for c in chains) > total:
        errors.append("the groups hold more instances than there are")
    for i, want in enumerate(groups):
        if i >= len(chains):
            errors.append("group %d missing: %d groups shown" % (i + 1, len(chains)))
            break
        got = chains[i]
        count = total if want["count"] == "all" else want["count"]
        if got["count"] != count:
            errors.append("group %d: %d instances, expected %d" % (i + 1, got["count"], count))
        for key, value in want["root"].items():
            if got["root"].get(key) != value:
                errors.append("group %d: root %s is %r, expected %r"
                              % (i + 1, key, got["root"].get(key), value))
        for key, dotted in want.get("from_truth", {}).items():
            if got["root"]["detail"].get(key) != fact(truth, dotted):
                errors.append("group %d: root detail %s is %r, the program says %r"
                              % (i + 1, key, got["root"]["detail"].get(key), fact(truth, dotted)))
        labels = [p["label"] for p in got["path"]]
        if labels != want["labels"]:
            errors.append("group %d: labels %r, expected %r" % (i + 1, labels, want["labels"]))
        repeated = [k for k, p in enumerate(got["path"]) if p.get("repeated")]
        if repeated != want.get("repeated", []):
            errors.append("group %d: repeated steps %r, expected %r"
                          % (i + 1, repeated, want.get("repeated", [])))
        if got["path"] and got["path"][-1]["type"] != type_name:
            errors.append("group %d ends at %s" % (i + 1, got["path"][-1]["type"]))
    for e in errors:
        print("%s: %s" % (type_name, e))
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
