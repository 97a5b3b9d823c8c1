#!/usr/bin/env python3
"""gradebook.py CSV SUMMARY.json...: the gradebook over all submissions graded by etc/grade.sh.

One row per submission (its summary.json, written by etc/grade/run_tests.py): submission,
score, max_score, note, review (how many lines of the student's files etc/grade.sh flagged for a
person to read: review.txt beside summary.json), then one column per test (its score; empty if
that submission did not have the test)."""

import csv
import json
import os
import sys


def review_lines(summary_path):
    path = os.path.join(os.path.dirname(summary_path), "review.txt")
    if not os.path.exists(path):
        return 0
    with open(path, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if line.strip())


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: gradebook.py CSV SUMMARY.json...")
    rows = []
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            rows.append(json.load(f))
        rows[-1]["review"] = review_lines(path)
    tests = []
    for row in rows:
        tests += [t for t in row["tests"] if t not in tests]
    with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["submission", "score", "max_score", "note", "review"] + tests)
        for row in rows:
            w.writerow([row["submission"], f"{row['score']:.10g}", f"{row['max_score']:.10g}", row["note"],
                        row["review"]] + [f"{row['tests'][t]:.10g}" if t in row["tests"] else "" for t in tests])


if __name__ == "__main__":
    main()
