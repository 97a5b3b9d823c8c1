#!/usr/bin/env bash
# The instructor's grader end to end: etc/grade.sh grades, for stage 1, its own reference tree
# (OUT/reference, which records each test's cases in OUT/cases.json) and three submissions:
# the minimal solution; the reference with planted bugs (tests/framework/lib/plant_bugs.py: a crash,
# a hang that also forks away, writes outside its tree and fills /tmp, and a unit broken in one
# case of three); and the reference with the exit(0) cheat (a constructor that exits 0 before
# main, and an _exit(0) inside a function every test calls). Then it checks results.json
# (Gradescope's format: score, max_score, tests[] with name, score, max_score, status, output,
# visibility; scores add up; the reference and the minimal solution score full marks; the
# crash scores 0, the hang at most what its cases before it earn, within the time limit; the
# unit broken in the second of three cases earns 1/3 of its test's weight; the cheat scores 0
# everywhere and its lines are flagged for review), junit.xml (well formed, failures where marks
# were lost) and gradebook.csv (one row per submission), that nothing was written outside the
# tree and that no process of the grading user outlived the grading. Needs root (namespaces,
# mounts, a grading user) and git (the export); exits 77 without them.
set -u
src=${SPONGE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ "$(id -u)" -ne 0 ] || ! unshare --mount --net --pid --fork --mount-proc true 2>/dev/null; then
    echo "SKIP: needs root and mount/network/pid namespaces"
    exit 77
fi
if ! command -v git >/dev/null || ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    echo "SKIP: the source tree is not a git checkout (the export copies git ls-files)"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
fail() {
    echo "FAIL: $*"
    exit 1
}

# Submissions: student repositories as the export makes them.
bash "$src/etc/export_stage.sh" 2 "$work/reference" >/dev/null || fail "export of stage 2"
bash "$src/etc/export_stage.sh" 1 "$work/minimal" >/dev/null || fail "export of stage 1"
for f in $(cd "$src/tests/solutions/lab1" && find . -name '*.[ch]'); do
    python3 "$src/etc/stub_stage.py" --fill 1 "$src/$f" "$src/tests/solutions/lab1/$f" >"$work/minimal/$f" ||
        fail "filling $f from the minimal solution"
done
cp -a "$work/reference" "$work/buggy"
python3 "$src/tests/framework/lib/plant_bugs.py" "$work/buggy" "$work" || fail "planting the bugs"
cp -a "$work/reference" "$work/cheat"
python3 "$src/tests/framework/lib/plant_bugs.py" --cheat "$work/cheat" || fail "planting the cheat"

limit=5
start=$(date +%s)
bash "$src/etc/grade.sh" -s 1 -o "$work/out" -t $limit "$work/minimal" "$work/buggy" "$work/cheat" \
    >"$work/grade.log" 2>&1 || {
    tail -n 30 "$work/grade.log"
    fail "etc/grade.sh failed"
}
echo "graded the reference and three submissions in $(($(date +%s) - start)) s"

[ -e "$work/escaped" ] && fail "the planted bug wrote outside its tree ($work/escaped)"
if pgrep -u sponge-grader >/dev/null; then
    fail "processes of sponge-grader outlived the grading: $(pgrep -u sponge-grader -a | head -n 3)"
fi

python3 - "$work/out" "$limit" <<'PY' || fail "the reports are wrong (above)"
import csv, json, sys
import xml.etree.ElementTree as ET

out, limit = sys.argv[1], float(sys.argv[2])
subs = ("reference", "minimal", "buggy", "cheat")
bad = []
res = {}
number = (int, float)
for sub in subs:
    with open(f"{out}/{sub}/results.json") as f:
        r = json.load(f)
    res[sub] = r
    tests = r.get("tests", [])
    # Gradescope's results.json: top-level score and max_score, tests[] each with name, score,
    # max_score, status ("passed"/"failed"), output, visibility.
    if not isinstance(r.get("score"), number) or not isinstance(r.get("max_score"), number) or \
            not isinstance(r.get("output", ""), str) or not tests:
        bad.append(f"{sub}: results.json lacks score, max_score or tests")
        continue
    if abs(sum(t["score"] for t in tests) - r["score"]) > 1e-3 or \
            abs(sum(t["max_score"] for t in tests) - r["max_score"]) > 1e-9:
        bad.append(f"{sub}: the tests' scores do not add up to score/max_score")
    for t in tests:
        if not {"name", "score", "max_score", "status", "output", "visibility"} <= t.keys() or \
                not isinstance(t["name"], str) or not isinstance(t["output"], str) or \
                not isinstance(t["score"], number) or not isinstance(t["max_score"], number) or \
                not 0 <= t["score"] <= t["max_score"] or \
                t["status"] != ("passed" if t["score"] == t["max_score"] else "failed") or \
                t["visibility"] not in ("visible", "hidden", "after_due_date", "after_published"):
            bad.append(f"{sub}: malformed test entry {t.get('name')}")
    names = [t["name"] for t in tests]
    if not any(n.startswith("lab0/") for n in names) or not any(n.startswith("lab1/") for n in names) or \
            any(n.startswith("lab2/") for n in names):
        bad.append(f"{sub}: stage 1 must grade lab0 and lab1 tests only, got {names}")
    if not any("instructor_" in n for n in names):
        bad.append(f"{sub}: no instructor-only test was graded")
    junit = ET.parse(f"{out}/{sub}/junit.xml").getroot()  # raises on a malformed file
    cases = junit.findall(".//testcase")
    failures = [c.get("name") for c in cases if c.find("failure") is not None]
    if len(cases) != len(tests) or sorted(failures) != sorted(t["name"] for t in tests if t["score"] < t["max_score"]):
        bad.append(f"{sub}: junit.xml disagrees with results.json")
    if sub != "reference" and res[sub]["max_score"] != res["reference"]["max_score"]:
        bad.append(f"{sub}: max_score differs from the reference's")

with open(f"{out}/cases.json") as f:
    recorded = json.load(f)
if sorted(recorded) != sorted(t["name"] for t in res["reference"]["tests"]) or not all(recorded.values()):
    bad.append(f"cases.json: not one non-empty case list per graded test: {recorded}")

for sub in ("reference", "minimal"):
    r = res[sub]
    if r["score"] != r["max_score"] or r["max_score"] <= 0:
        failed = [t["name"] for t in r["tests"] if t["score"] != t["max_score"]]
        bad.append(f"{sub}: {r['score']}/{r['max_score']}, failed {failed}")

buggy = {t["name"]: t for t in res["buggy"]["tests"]}
lost = {n for n, t in buggy.items() if t["score"] < t["max_score"]}
want = {"lab0/byte_stream_two_writes": "killed by SIGSEGV", "lab1/reassembler_eof": "timed out",
        "lab0/byte_stream_capacity": "exit status 1"}
if lost != set(want):
    bad.append(f"buggy: lost marks on {sorted(lost)}, expected exactly {sorted(want)}")
for name, verdict in want.items():
    if name in buggy and not buggy[name]["output"].startswith(verdict):
        bad.append(f"buggy: {name}: expected '{verdict}', got '{buggy[name]['output'][:80]}'")
crash = buggy.get("lab0/byte_stream_two_writes", {"score": -1})
if crash["score"] != 0:
    bad.append(f"buggy: the crash in the first case scored {crash['score']}, not 0")
part = buggy.get("lab0/byte_stream_capacity", {"score": -1, "max_score": 0})
if not 0 < part["score"] < part["max_score"] or abs(part["score"] - part["max_score"] / 3) > 1e-3 or \
        "1 of 3 cases passed" not in part.get("output", ""):
    bad.append(f"buggy: the unit broken in the second case of three scored {part['score']}/{part['max_score']}, "
               f"not 1/3 of it: {part.get('output', '')[:120]}")
hang_time = [float(c.get("time")) for c in ET.parse(f"{out}/buggy/junit.xml").getroot().iter("testcase")
             if c.get("name") == "lab1/reassembler_eof"]
if not hang_time or not limit <= hang_time[0] < limit + 3:
    bad.append(f"buggy: the hang took {hang_time} s, expected the {limit:g} s limit")

cheat = [t for t in res["cheat"]["tests"] if t["score"] != 0]
if cheat:
    bad.append(f"cheat: exiting 0 before the cases ran still scored: {[(t['name'], t['score']) for t in cheat]}")
with open(f"{out}/cheat/review.txt") as f:
    review = f.read()
if "constructor" not in review or "_exit(0)" not in review:
    bad.append(f"cheat: review.txt does not flag the constructor and the _exit: {review!r}")

with open(f"{out}/gradebook.csv") as f:
    rows = list(csv.DictReader(f))
if [row["submission"] for row in rows] != ["minimal", "buggy", "cheat"]:
    bad.append(f"gradebook.csv: rows {[row['submission'] for row in rows]}")
else:
    if any(abs(float(row["score"]) - res[row["submission"]]["score"]) > 1e-6 for row in rows):
        bad.append("gradebook.csv: scores differ from results.json")
    if rows[0]["review"] != "0" or int(rows[2]["review"]) < 2:
        bad.append(f"gradebook.csv: review counts {[row['review'] for row in rows]}")
for b in bad:
    print(b)
if not bad:
    print(", ".join(f"{s} {res[s]['score']:g}/{res[s]['max_score']:g}" for s in subs) +
          f" (crash and hang cost only their tests; the case broken in a test of three earns 1/3 of "
          f"{part['max_score']:g}; the cheat scores nothing)")
sys.exit(1 if bad else 0)
PY
echo "PASS"
