#!/usr/bin/env bash
# The instructor's grader end to end: etc/grade.sh grades three submissions for stage 1 (the
# reference, the minimal solution, and the reference with planted bugs: a crash, and a hang
# that also forks away, writes outside its tree and fills /tmp; tests/framework/lib/plant_bugs.py),
# then checks results.json (Gradescope: scores add up; the reference and the minimal solution
# score full marks; the planted bugs cost exactly their tests, the hang within the time limit),
# junit.xml and gradebook.csv (one row per submission), that nothing was written outside the
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

limit=5
start=$(date +%s)
bash "$src/etc/grade.sh" -s 1 -o "$work/out" -t $limit "$work/reference" "$work/minimal" "$work/buggy" \
    >"$work/grade.log" 2>&1 || {
    tail -n 30 "$work/grade.log"
    fail "etc/grade.sh failed"
}
echo "graded three submissions in $(($(date +%s) - start)) s"

[ -e "$work/escaped" ] && fail "the planted bug wrote outside its tree ($work/escaped)"
if pgrep -u sponge-grader >/dev/null; then
    fail "processes of sponge-grader outlived the grading: $(pgrep -u sponge-grader -a | head -n 3)"
fi

python3 - "$work/out" "$limit" <<'PY' || fail "the reports are wrong (above)"
import csv, json, sys
import xml.etree.ElementTree as ET

out, limit = sys.argv[1], float(sys.argv[2])
bad = []
res = {}
for sub in ("reference", "minimal", "buggy"):
    with open(f"{out}/{sub}/results.json") as f:
        r = json.load(f)
    res[sub] = r
    tests = r["tests"]
    if abs(sum(t["score"] for t in tests) - r["score"]) > 1e-9 or \
            abs(sum(t["max_score"] for t in tests) - r["max_score"]) > 1e-9:
        bad.append(f"{sub}: the tests' scores do not add up to score/max_score")
    for t in tests:
        if not {"name", "score", "max_score", "output", "visibility"} <= t.keys() or \
                t["visibility"] not in ("visible", "hidden", "after_due_date", "after_published"):
            bad.append(f"{sub}: malformed test entry {t.get('name')}")
    names = [t["name"] for t in tests]
    if not any(n.startswith("lab0/") for n in names) or not any(n.startswith("lab1/") for n in names) or \
            any(n.startswith("lab2/") for n in names):
        bad.append(f"{sub}: stage 1 must grade lab0 and lab1 tests only, got {names}")
    if not any("instructor_" in n for n in names):
        bad.append(f"{sub}: no instructor-only test was graded")
    junit = ET.parse(f"{out}/{sub}/junit.xml").getroot()
    cases = junit.findall(".//testcase")
    failures = [c.get("name") for c in cases if c.find("failure") is not None]
    if len(cases) != len(tests) or sorted(failures) != sorted(t["name"] for t in tests if t["score"] == 0):
        bad.append(f"{sub}: junit.xml disagrees with results.json")

for sub in ("reference", "minimal"):
    r = res[sub]
    if r["score"] != r["max_score"] or r["max_score"] <= 0:
        failed = [t["name"] for t in r["tests"] if t["score"] != t["max_score"]]
        bad.append(f"{sub}: {r['score']}/{r['max_score']}, failed {failed}")
buggy = {t["name"]: t for t in res["buggy"]["tests"]}
failed = {n for n, t in buggy.items() if t["score"] == 0}
want = {"lab0/byte_stream_two_writes": "killed by SIGSEGV", "lab1/reassembler_eof": "timed out"}
if failed != set(want):
    bad.append(f"buggy: failed {sorted(failed)}, expected exactly {sorted(want)}")
for name, verdict in want.items():
    if name in buggy and not buggy[name]["output"].startswith(verdict):
        bad.append(f"buggy: {name}: expected '{verdict}', got '{buggy[name]['output'][:80]}'")
hang_time = [float(c.get("time")) for c in ET.parse(f"{out}/buggy/junit.xml").getroot().iter("testcase")
             if c.get("name") == "lab1/reassembler_eof"]
if not hang_time or not limit <= hang_time[0] < limit + 3:
    bad.append(f"buggy: the hang took {hang_time} s, expected the {limit:g} s limit")
if res["buggy"]["max_score"] != res["reference"]["max_score"]:
    bad.append("buggy: max_score differs from the reference's")

with open(f"{out}/gradebook.csv") as f:
    rows = list(csv.DictReader(f))
if [row["submission"] for row in rows] != ["reference", "minimal", "buggy"]:
    bad.append(f"gradebook.csv: rows {[row['submission'] for row in rows]}")
elif [float(row["score"]) for row in rows] != [res[s]["score"] for s in ("reference", "minimal", "buggy")]:
    bad.append("gradebook.csv: scores differ from results.json")
for b in bad:
    print(b)
if not bad:
    r = res["buggy"]
    print(f"reference {res['reference']['score']:g}/{res['reference']['max_score']:g}, "
          f"minimal {res['minimal']['score']:g}/{res['minimal']['max_score']:g}, "
          f"buggy {r['score']:g}/{r['max_score']:g} (crash and hang cost only their tests)")
sys.exit(1 if bad else 0)
PY
echo "PASS"
