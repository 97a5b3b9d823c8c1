#!/usr/bin/env python3
"""Runs the graded tests of one built tree and writes its scorecard.

    run_tests.py --build DIR --stage N --weights FILE [--out DIR] [--name NAME]
                 [--time-limit S] [--wrap CMD...] [--build-failed LOG]

The graded tests are the CTest tests labelled lab0..labN, leaving out the script tests
(label e2e: they need root and namespaces of their own). Each test runs alone, its command
prefixed by --wrap (the grader's sandbox: namespaces, user, limits; see etc/grade.sh), and
is killed after --time-limit seconds. A test scores its weight (etc/grade_weights.txt, first
matching regex) when it exits 0, else 0. Writes, under --out: results.json (Gradescope
autograder format), junit.xml, and summary.json (one line per test, for the gradebook);
prints the scorecard table. With --build-failed LOG every test scores 0 and its output is
the build log's tail. Exit status 0 unless the grader itself failed.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

OUTPUT_LIMIT = 8000  # characters of a test's output kept in the reports


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
    """(passed, output, seconds, verdict). The test runs in its own session; on timeout the
    whole process group is killed (the sandbox's pid namespace takes any escapee with it)."""
    start = time.monotonic()
    try:
        proc = subprocess.Popen(wrap + command, cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as e:
        return False, f"could not start the test: {e}", 0.0, "not run"
    try:
        out, _ = proc.communicate(timeout=time_limit)
        verdict = "passed" if proc.returncode == 0 else describe_exit(proc.returncode)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        verdict = f"timed out after {time_limit:g} s"
    text = out.decode("utf-8", "replace")
    if len(text) > OUTPUT_LIMIT:
        text = text[:OUTPUT_LIMIT // 2] + "\n... (output cut) ...\n" + text[-OUTPUT_LIMIT // 2:]
    return verdict == "passed", text, time.monotonic() - start, verdict


def describe_exit(code):
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    if code >= 128 and code - 128 in signal.valid_signals():
        return f"killed by {signal.Signals(code - 128).name}"  # through a shell or timeout
    return f"exit status {code}"


def write_reports(out_dir, name, results, note):
    """results: [{name, score, max_score, passed, output, seconds, verdict, visibility}]."""
    os.makedirs(out_dir, exist_ok=True)
    score = sum(r["score"] for r in results)
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
            "output": f"{r['verdict']}\n{r['output']}",
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
            failure = ET.SubElement(case, "failure", message=r["verdict"])
            failure.text = r["output"]
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


def print_scorecard(name, results, note):
    width = max([len(r["name"]) for r in results] + [20])
    print(f"scorecard: {name}")
    if note:
        print(f"  {note}")
    for r in results:
        mark = "" if r["passed"] else f"  ({r['verdict']})"
        print(f"  {r['name']:<{width}} {r['score']:>5g} / {r['max_score']:<5g}{mark}")
    score = sum(r["score"] for r in results)
    max_score = sum(r["max_score"] for r in results)
    print(f"  {'total':<{width}} {score:>5g} / {max_score:<5g}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", required=True)
    p.add_argument("--stage", type=int, required=True)
    p.add_argument("--weights", required=True)
    p.add_argument("--out")
    p.add_argument("--name", default="submission")
    p.add_argument("--time-limit", type=float, default=30.0)
    p.add_argument("--build-failed", metavar="LOG")
    p.add_argument("--wrap", nargs=argparse.REMAINDER, default=[])
    a = p.parse_args()

    rules = read_weights(a.weights)
    tests = list_tests(a.build, a.stage)
    if not tests:
        sys.exit(f"run_tests: no lab0..lab{a.stage} tests in {a.build}")
    note = ""
    build_log = ""
    if a.build_failed:
        with open(a.build_failed, encoding="utf-8", errors="replace") as f:
            build_log = "".join(f.readlines()[-40:])
        note = "the submission does not build: every test scores 0"
    results = []
    for test_name, command, workdir, labels in tests:
        if a.build_failed:
            passed, output, seconds, verdict = False, build_log, 0.0, "build failed"
        else:
            passed, output, seconds, verdict = run_one(command, workdir, a.wrap, a.time_limit)
        weight = weight_of(rules, test_name)
        results.append({
            "name": test_name,
            "score": weight if passed else 0.0,
            "max_score": weight,
            "passed": passed,
            "output": output,
            "seconds": seconds,
            "verdict": verdict,
            # Instructor-only tests: the student sees them once the grades are published.
            "visibility": "after_published" if "instructor" in labels else "visible",
        })
    if a.out:
        write_reports(a.out, a.name, results, note)
    print_scorecard(a.name, results, note)


if __name__ == "__main__":
    main()
