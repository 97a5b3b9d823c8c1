#!/usr/bin/env python3
"""Runs the graded tests of one built tree and writes its scorecard.

    run_tests.py --build DIR --stage N --weights FILE [--out DIR] [--name NAME]
                 [--time-limit S] [--cases FILE | --record-cases FILE]
                 [--wrap CMD...] [--build-failed LOG]

The graded tests are the CTest tests labelled lab0..labN, leaving out the script tests
(label e2e: they need root and namespaces of their own). Each test runs alone, its command
prefixed by --wrap (the grader's sandbox: namespaces, user, limits; see etc/grade.sh), and
is killed after --time-limit seconds.

A test is not judged by its exit status alone: each run gets a fresh random nonce through a
pipe and a file for the harness's grading record (tests/harness/harness_record.h), where each
test case writes a line when it passes. A test scores its weight (etc/grade_weights.txt,
first matching regex) when it exits 0 and every case the reference passes (--cases FILE, as
written by --record-cases from the reference tree) has a pass line with this run's nonce;
otherwise weight x (cases passed / cases expected). A record line with another nonce scores
the test 0. A test whose reference run writes no record (not a harness test) scores its
weight when it exits 0, else 0. Without --cases (`make grade`) there is no reference: a test
passes when it exits 0 right after a pass line, and a failing test's cases passed are counted
against the cases it began (the cases after a failure never begin, so this partial credit is
approximate, marked "~").

--record-cases FILE runs the reference tree and writes, for each test, the names of the cases
that passed; it fails if a test fails. Writes, under --out: results.json (Gradescope
autograder format), junit.xml, and summary.json (one line per test, for the gradebook);
prints the scorecard table. With --build-failed LOG every test scores 0 and its output is
the build log's tail. Exit status 0 unless the grader itself failed (or, with
--record-cases, the reference failed).
"""

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
import xml.etree.ElementTree as ET

OUTPUT_LIMIT = 8000  # characters of a test's output kept in the reports
RECORD_LIMIT = 1 << 20  # bytes of a grading record read
RECORD_PREFIX = "sponge-grade "


def read_weights(path):
    """[(compiled regex, weight)] from 'REGEX WEIGHT' lines; '#' starts a comment."""
    rules = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2:
                sys.exit(f"{path}:{number}: expected 'REGEX WEIGHT', got '{line}'")
            try:
                rules.append((re.compile(parts[0]), float(parts[1])))
            except (re.error, ValueError) as e:
                sys.exit(f"{path}:{number}: {e}")
    return rules


def weight_of(rules, name):
    for regex, weight in rules:
        if regex.search(name):
            return weight
    return 1.0


def list_tests(build, stage):
    """[(name, command, workdir, labels)] of the graded tests of stages 0..stage."""
    labels = "|".join(f"lab{n}" for n in range(stage + 1))
    out = subprocess.run(["ctest", "--show-only=json-v1", "-L", f"^({labels})$", "-LE", "^e2e$"], cwd=build,
                         capture_output=True, text=True, check=True).stdout
    tests = []
    for t in json.loads(out).get("tests", []):
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        workdir = props.get("WORKING_DIRECTORY", build)
        tests.append((t["name"], t.get("command", []), workdir, props.get("LABELS", [])))
    return tests


def run_one(command, workdir, wrap, time_limit):
    """{exit_ok, output, seconds, verdict, record}. The test runs in its own session with
    SPONGE_GRADE naming a pipe that holds a fresh nonce and a file for its grading record; on
    timeout the whole process group is killed (the sandbox's pid namespace takes any escapee
    with it)."""
    nonce = secrets.token_hex(16)
    start = time.monotonic()
    nonce_in, nonce_out = os.pipe()
    os.write(nonce_out, (nonce + "\n").encode())
    os.close(nonce_out)
    with tempfile.TemporaryFile() as record_file:
        env = dict(os.environ, SPONGE_GRADE=f"{nonce_in} {record_file.fileno()}")
        try:
            proc = subprocess.Popen(wrap + command, cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True, env=env,
                                    pass_fds=(nonce_in, record_file.fileno()))
        except OSError as e:
            os.close(nonce_in)
            return {"exit_ok": False, "output": f"could not start the test: {e}", "seconds": 0.0,
                    "verdict": "not run", "record": parse_record("", nonce)}
        os.close(nonce_in)
        try:
            out, _ = proc.communicate(timeout=time_limit)
            verdict = "exit status 0" if proc.returncode == 0 else describe_exit(proc.returncode)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            verdict = f"timed out after {time_limit:g} s"
        record_file.seek(0)
        record = parse_record(record_file.read(RECORD_LIMIT).decode("utf-8", "replace"), nonce)
    text = out.decode("utf-8", "replace")
    if len(text) > OUTPUT_LIMIT:
        text = text[:OUTPUT_LIMIT // 2] + "\n... (output cut) ...\n" + text[-OUTPUT_LIMIT // 2:]
    return {"exit_ok": verdict == "exit status 0", "output": text, "seconds": time.monotonic() - start,
            "verdict": verdict, "record": record}


def parse_record(text, nonce):
    """{begun: [case], passed: [case], forged: [line], last: "begin"|"pass"|None} from a grading
    record: the lines "sponge-grade NONCE begin|pass NAME" with this run's nonce; any other
    line is forged."""
    record = {"begun": [], "passed": [], "forged": [], "last": None}
    for line in text.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4 and parts[0] + " " == RECORD_PREFIX and parts[1] == nonce and \
                parts[2] in ("begin", "pass"):
            record["begun" if parts[2] == "begin" else "passed"].append(parts[3])
            record["last"] = parts[2]
        elif line:
            record["forged"].append(line[:200])
    return record


def judge(run, weight, expected):
    """(score, passed, summary, missing) of one run: `summary` counts the cases passed,
    `missing` names the expected cases that did not pass. `expected`: the case names the
    reference passed, [] for a test without a record (judged by its exit status), None when
    unknown."""
    record = run["record"]
    if record["forged"]:
        return 0.0, False, f"{len(record['forged'])} grading record line(s) without this run's nonce: scored 0", []
    if expected == []:
        return (weight, True, "", []) if run["exit_ok"] else (0.0, False, "", [])
    passed = record["passed"]
    if expected is None:
        # No reference: a run that exits 0 right after a case passed passes; otherwise the
        # cases it began stand in for the expected ones (forked cases that fail on purpose
        # count too, so the partial credit is approximate).
        if run["exit_ok"] and record["last"] == "pass":
            return weight, True, f"{len(passed)} cases passed", []
        expected = record["begun"]
    matched = sum((Counter(passed) & Counter(expected)).values())
    total = len(expected)
    if run["exit_ok"] and total > 0 and matched == total:
        return weight, True, f"{total} of {total} cases passed", []
    missing = list((Counter(expected) - Counter(passed)).elements())
    summary = f"{matched} of {total} cases passed" if total else "no test case ran"
    if run["exit_ok"]:
        summary += ", yet it exited 0"
    return (round(weight * matched / total, 4) if total else 0.0), False, summary, missing


def describe_exit(code):
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    if code >= 128 and code - 128 in signal.valid_signals():
        return f"killed by {signal.Signals(code - 128).name}"  # through a shell or timeout
    return f"exit status {code}"


def write_reports(out_dir, name, results, note):
    """results: [{name, score, max_score, passed, output, seconds, verdict, cases, visibility}]:
    `verdict` says how the test ended, `cases` how many of its cases passed."""
    os.makedirs(out_dir, exist_ok=True)
    score = round(sum(r["score"] for r in results), 4)
    max_score = sum(r["max_score"] for r in results)
    gradescope = {
        "score": score,
        "max_score": max_score,
        "output": note,
        "visibility": "visible",
        "execution_time": round(sum(r["seconds"] for r in results), 3),
        "tests": [{
            "name": r["name"],
            "score": r["score"],
            "max_score": r["max_score"],
            "status": "passed" if r["passed"] else "failed",
            "output": f"{headline(r)}\n{missing_text(r)}{r['output']}",
            "visibility": r["visibility"],
        } for r in results],
    }
    with open(os.path.join(out_dir, "results.json"), "w", encoding="utf-8") as f:
        json.dump(gradescope, f, indent=1)
        f.write("\n")

    suite = ET.Element("testsuite", name=name, tests=str(len(results)),
                       failures=str(sum(not r["passed"] for r in results)),
                       time=f"{sum(r['seconds'] for r in results):.3f}")
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=name, name=r["name"], time=f"{r['seconds']:.3f}")
        ET.SubElement(case, "properties")
        ET.SubElement(case[0], "property", name="score", value=f"{r['score']:g}/{r['max_score']:g}")
        if not r["passed"]:
            failure = ET.SubElement(case, "failure", message=headline(r))
            failure.text = missing_text(r) + r["output"]
        else:
            ET.SubElement(case, "system-out").text = r["output"]
    suites = ET.Element("testsuites", name="sponge grade")
    suites.append(suite)
    ET.ElementTree(suites).write(os.path.join(out_dir, "junit.xml"), encoding="utf-8", xml_declaration=True)

    with open(os.path.join(out_dir, "summary.json"), "w", encoding="utf-8") as f:
        json.dump({"submission": name, "score": score, "max_score": max_score, "note": note,
                   "tests": {r["name"]: r["score"] for r in results}}, f)
        f.write("\n")
    return score, max_score


def headline(r):
    """How a test ended, and how many of its cases passed: "killed by SIGSEGV; 1 of 2 cases
    passed; not passed: ..."."""
    return "; ".join(part for part in (r["verdict"], r["cases"]) if part)


def missing_text(r):
    if not r["missing"]:
        return ""
    return "cases not passed:\n" + "".join(f"  - {case}\n" for case in r["missing"])


def print_scorecard(name, results, note):
    width = max([len(r["name"]) for r in results] + [20])
    print(f"scorecard: {name}")
    if note:
        print(f"  {note}")
    for r in results:
        mark = "" if r["passed"] else f"  ({headline(r)})"
        score = f"{'~' if r['approximate'] else ''}{r['score']:g}"
        print(f"  {r['name']:<{width}} {score:>6} / {r['max_score']:<5g}{mark}")
    score = round(sum(r["score"] for r in results), 4)
    max_score = sum(r["max_score"] for r in results)
    print(f"  {'total':<{width}} {score:>6g} / {max_score:<5g}")
    if any(r["approximate"] for r in results):
        print("  ~: partial credit counted against the cases this run began; the grader counts against the\n"
              "     reference's cases")


def record_cases(path, runs):
    """Writes {test: [names of the cases that passed]} from the reference's runs; exits 1 if
    any test failed there (its case list would be wrong)."""
    failed = [f"{n}: {r['verdict']}" + (f" ({len(r['record']['forged'])} forged record lines)"
                                       if r["record"]["forged"] else "")
              for n, r in runs.items() if not r["exit_ok"] or r["record"]["forged"]]
    if failed:
        print("run_tests: the reference fails these tests, so their case lists are unknown:\n  " +
              "\n  ".join(failed), file=sys.stderr)
        sys.exit(1)
    for n, r in runs.items():
        if not r["record"]["passed"]:
            print(f"run_tests: {n} writes no grading record: it is graded by its exit status alone",
                  file=sys.stderr)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({n: r["record"]["passed"] for n, r in runs.items()}, f, indent=1)
        f.write("\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", required=True)
    p.add_argument("--stage", type=int, required=True)
    p.add_argument("--weights", required=True)
    p.add_argument("--out")
    p.add_argument("--name", default="submission")
    p.add_argument("--time-limit", type=float, default=30.0)
    p.add_argument("--build-failed", metavar="LOG")
    cases_arg = p.add_mutually_exclusive_group()
    cases_arg.add_argument("--cases", metavar="FILE", help="the reference's case lists (from --record-cases)")
    cases_arg.add_argument("--record-cases", metavar="FILE", help="run the reference and write its case lists")
    p.add_argument("--wrap", nargs=argparse.REMAINDER, default=[])
    a = p.parse_args()

    rules = read_weights(a.weights)
    tests = list_tests(a.build, a.stage)
    if not tests:
        sys.exit(f"run_tests: no lab0..lab{a.stage} tests in {a.build}")
    cases = None
    if a.cases:
        with open(a.cases, encoding="utf-8") as f:
            cases = json.load(f)
        unknown = [t[0] for t in tests if t[0] not in cases]
        if unknown:
            sys.exit(f"run_tests: {a.cases} has no case list for {', '.join(unknown)}: record it again")
    note = ""
    build_log = ""
    if a.build_failed:
        with open(a.build_failed, encoding="utf-8", errors="replace") as f:
            build_log = "".join(f.readlines()[-40:])
        note = "the submission does not build: every test scores 0"
    results = []
    runs = {}
    for test_name, command, workdir, labels in tests:
        weight = weight_of(rules, test_name)
        if a.build_failed:
            run = {"output": build_log, "seconds": 0.0, "verdict": "build failed"}
            score, passed, summary, missing = 0.0, False, "", []
        else:
            run = run_one(command, workdir, a.wrap, a.time_limit)
            runs[test_name] = run
            score, passed, summary, missing = judge(run, weight, cases[test_name] if cases is not None else None)
        results.append({
            "name": test_name,
            "score": score,
            "max_score": weight,
            "passed": passed,
            "output": run["output"],
            "seconds": run["seconds"],
            "verdict": run["verdict"],
            "cases": summary,
            "missing": missing,
            "approximate": cases is None and not passed and score > 0,
            # Instructor-only tests: the student sees them once the grades are published.
            "visibility": "after_published" if "instructor" in labels else "visible",
        })
    if a.record_cases:
        if a.build_failed:
            sys.exit("run_tests: the reference does not build")
        record_cases(a.record_cases, runs)
    if a.out:
        write_reports(a.out, a.name, results, note)
    print_scorecard(a.name, results, note)


if __name__ == "__main__":
    main()
