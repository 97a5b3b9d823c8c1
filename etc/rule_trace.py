#!/usr/bin/env python3
"""Checks that the handouts' rules and the stage tests trace each other.

Usage: rule_trace.py [SOURCE_DIR]      (default: the repository this file is in)

A stage N is traced once docs/labs/labN.md exists. Its rules are the lines

    - **LN.Rk** one-line text of the rule

and its test cases are every test-starting call in tests/labN/*.c (harness_begin, or a
helper *_begin(..., const char *name, ...) that passes its name on to harness_begin) and
every script tests/labN/*.sh. A case cites its rules at the end of its name, as
"reassembler: ... [L1.R8 L1.R9]" (every branch of a conditional name); a script cites them
on a line "# rules: L5.R17 L5.R3 (any comment after the ids)". The check fails (exit 1) if a traced stage has a rule no test
cites, a case that cites nothing, or a citation of an unknown rule. Stages without a handout
are listed as "not traced yet", which is not a pass: they are simply not checked.
"""

import os
import re
import sys

RULE_LINE = re.compile(r"^- \*\*(L(\d+)\.R(\d+))\*\* (\S.*)$")
RULE_ID = re.compile(r"^L\d+\.R\d+$")
CITED = re.compile(r"\[(L\d+\.R\d+(?:\s+L\d+\.R\d+)*)\]\s*$")
SCRIPT_RULES = re.compile(r"^#\s*rules:((?:\s+L\d+\.R\d+)+)", re.M)
STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
WRAPPER = re.compile(r"\b(\w+_begin)\s*\([^)]*const char \*(\w+)[^)]*\)\s*\{[^}]*?\bharness_begin\s*\(\s*[^,()]+,\s*\2\s*\)")
STAGES = range(0, 8)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def rules_of(handout, stage, errors):
    """The {id: text} of a handout, with errors for malformed or misplaced ids."""
    rules = {}
    for n, line in enumerate(read(handout).splitlines(), 1):
        m = RULE_LINE.match(line)
        if not m:
            if re.match(r"^- \*\*L\d+\.R\d+\*\*", line):
                errors.append(f"{handout}:{n}: a rule line needs one line of text after its id")
            continue
        rid, lab, text = m.group(1), int(m.group(2)), m.group(4)
        if lab != stage:
            errors.append(f"{handout}:{n}: {rid} is not a rule of lab {stage}")
        elif rid in rules:
            errors.append(f"{handout}:{n}: {rid} is defined twice")
        rules[rid] = text
    return rules


def call_args(text, open_paren):
    """The text between the parenthesis at open_paren and its match (strings skipped)."""
    depth, i = 0, open_paren
    while i < len(text):
        c = text[i]
        if c == '"':
            m = STRING.match(text, i)
            i = m.end() if m else i + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return text[open_paren + 1 : i]
        i += 1
    return text[open_paren + 1 :]


def name_branches(args):
    """The string-literal names in a call's arguments: adjacent literals join; a conditional
    name gives one branch per literal group."""
    branches, current, last_end = [], None, None
    for m in STRING.finditer(args):
        if current is not None and args[last_end : m.start()].strip() == "":
            current += m.group(1)
        else:
            if current is not None:
                branches.append(current)
            current = m.group(1)
        last_end = m.end()
    if current is not None:
        branches.append(current)
    return branches


def test_starters(src):
    """harness_begin and every helper that passes its name parameter on to harness_begin."""
    names = {"harness_begin"}
    for root in ("tests",):
        for dirpath, _, files in os.walk(os.path.join(src, root)):
            for f in files:
                if f.endswith((".c", ".h")):
                    names.update(m.group(1) for m in WRAPPER.finditer(read(os.path.join(dirpath, f))))
    return names


def cases_of(src, stage, starters, errors):
    """[(where, name, [cited ids])] for the C cases and scripts of tests/labN."""
    cases = []
    folder = os.path.join(src, "tests", f"lab{stage}")
    if not os.path.isdir(folder):
        return cases
    call = re.compile(r"\b(" + "|".join(sorted(starters)) + r")\s*\(")
    for f in sorted(os.listdir(folder)):
        path = os.path.join(folder, f)
        rel = os.path.relpath(path, src)
        if f.endswith(".c"):
            text = read(path)
            for m in call.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                if re.match(r"\s*(static|void|int)\b", text[text.rfind("\n", 0, m.start()) + 1 : m.start()]):
                    continue  # the helper's own definition
                branches = name_branches(call_args(text, m.end() - 1))
                if not branches:
                    errors.append(f"{rel}:{line}: the test case's name is not a string literal: cannot trace it")
                for name in branches:
                    cited = CITED.search(name)
                    cases.append((f"{rel}:{line}", name, cited.group(1).split() if cited else []))
        elif f.endswith(".sh"):
            found = SCRIPT_RULES.findall(read(path))
            cases.append((rel, f, " ".join(found).split()))
    return cases


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    errors, all_rules, traced = [], {}, []
    for stage in STAGES:
        handout = os.path.join(src, "docs", "labs", f"lab{stage}.md")
        if os.path.exists(handout):
            all_rules.update(rules_of(handout, stage, errors))
            traced.append(stage)
    starters = test_starters(src)
    cited_anywhere = set()
    cases_by_stage = {}
    for stage in STAGES:
        cases = cases_of(src, stage, starters, [] if stage not in traced else errors)
        cases_by_stage[stage] = cases
        for where, name, ids in cases:
            cited_anywhere.update(ids)
            if stage not in traced:
                continue
            if not ids:
                errors.append(f"{where}: test '{name}' cites no rule (end its name with [L{stage}.Rk ...])")
            for rid in ids:
                if not RULE_ID.match(rid) or rid not in all_rules:
                    errors.append(f"{where}: test '{name}' cites unknown rule {rid}")
    for rid, text in all_rules.items():
        if rid not in cited_anywhere:
            errors.append(f"{rid} has no test: {text}")
    for stage in STAGES:
        n_cases = len(cases_by_stage[stage])
        if stage in traced:
            n_rules = sum(1 for r in all_rules if r.startswith(f"L{stage}."))
            print(f"lab{stage}: {n_rules} rules, {n_cases} test cases")
        else:
            print(f"lab{stage}: not traced yet (no docs/labs/lab{stage}.md; {n_cases} test cases unchecked)")
    for e in errors:
        print("rule trace: " + e)
    print(f"rule trace: {len(traced)} stages traced, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
