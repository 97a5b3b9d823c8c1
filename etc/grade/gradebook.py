#!/usr/bin/env python3
"""gradebook.py CSV SUMMARY.json...: the gradebook over all submissions graded by etc/grade.sh.

One row per submission (its summary.json, written by etc/grade/run_tests.py): submission,
score, max_score, note, then one column per test (its score; empty if that submission did not
have the test)."""

import csv
import json
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: gradebook.py CSV SUMMARY.json...")
    rows = []
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            rows.append(json.load(f))
    tests = []
    for row in rows:
        tests += [t for t in row["tests"] if t not in tests]
    with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["submission", "score", "max_score", "note"] + tests)
        for row in rows:
            w.writerow([row["submission"], f"{row['score']:g}", f"{row['max_score']:g}", row["note"]] +
                       [f"{row['tests'][t]:g}" if t in row["tests"] else "" for t in tests])


if __name__ == "__main__":
    main()
