#!/usr/bin/env python3
# check_growth.py - compare a growth report (JSON, from py-leaks --since, pyleaks growth or
# pyleaks diff) with what corpora/growth wrote about itself.
#
# Usage: check_growth.py GROWTH_TXT REPORT_JSON FIRST LAST [TYPE]
#
# GROWTH_TXT is the program's growth.txt: "N ADDRESS ..." for each iteration N, the ids of the
# Requests it made. The snapshot was taken at stop FIRST and the report at stop LAST, so the
# Requests of iterations FIRST+1 .. LAST are exactly the new ones: TYPE (default
# __main__.Request) must have grown by their number, have that many new objects, and the
# report's new_instances must list exactly their addresses.
import json
import sys


def main(argv):
    if len(argv) not in (5, 6):
        sys.exit("usage: check_growth.py GROWTH_TXT REPORT_JSON FIRST LAST [TYPE]")
    growth_txt, report_json, first, last = argv[1], argv[2], int(argv[3]), int(argv[4])
    want_type = argv[5] if len(argv) == 6 else "__main__.Request"
    batches = {}
    with open(growth_txt) as f:
        for line in f:
            words = line.split()
            if words:
                batches[int(words[0])] = set(int(a, 16) for a in words[1:])
    missing = [n for n in range(1, last + 1) if n not in batches]
    if missing:
        sys.exit("growth.txt has no line for iterations %s" % missing)
    expected = set()
    for n in range(first + 1, last + 1):
        expected |= batches[n]
    with open(report_json) as f:
        report = json.load(f)
    problems = []
    rows = [t for t in report["types"] if t["name"] == want_type]
    if not rows:
        problems.append("%s is not among the report's types" % want_type)
    else:
        row = rows[0]
        if row["delta"] != len(expected):
            problems.append("%s delta %d, expected %d" % (want_type, row["delta"], len(expected)))
        if row["new"] != len(expected):
            problems.append("%s new %d, expected %d" % (want_type, row["new"], len(expected)))
        if report["types"][0]["delta"] < row["delta"]:
            problems.append("types are not sorted by delta")
    listed = report.get("new_instances")
    if listed is None:
        problems.append("no new_instances in the report")
    else:
        if listed["type"] != want_type:
            problems.append("new_instances are of %s, not %s" % (listed["type"], want_type))
        got = [int(a, 16) for a in listed["addresses"]]
        if len(got) != len(set(got)):
            problems.append("new_instances lists an address twice")
        extra, lost = set(got) - expected, expected - set(got)
        if extra:
            problems.append("%d listed addresses are not the program's new Requests (e.g. %x)"
                            % (len(extra), min(extra)))
        if lost:
            problems.append("%d of the program's new Requests are not listed (e.g. %x)"
                            % (len(lost), min(lost)))
    if problems:
        sys.exit("\n".join(problems))
    print("growth: %s +%d, new instances exact" % (want_type, len(expected)))


if __name__ == "__main__":
    main(sys.argv)
