#!/usr/bin/env python3
"""Turns one reference source file into its starter-code version for a lab stage.

Usage: stub_stage.py STAGE FILE              (STAGE is a number; prints the result on stdout)
       stub_stage.py --fill STAGE FILE PARTS  (FILE with its stage-STAGE parts taken from PARTS)

The reference sources mark the code a student writes with comment lines

    /* LAB3 BEGIN: what the student writes */
    ... whole top-level functions ...
    /* LAB3 END */            (optional: without it the part runs to the end of the file)

For a part of stage STAGE or later, every non-static function keeps its signature and
gets a stub body (each parameter cast to void, a "TODO(labN)" comment, and a return of
zero, false, NULL or "" for its type); static functions and file-scope data in the part,
and the comments in front of them, are removed (nothing would use them). Preprocessor
lines stay. Parts of earlier stages are copied unchanged. A part in a header (FILE ending in
.h) marks state that is the student's to change (a struct's private fields): it is copied
unchanged, so that the starter code compiles and says what the given code assumes.
"""

import re
import sys

BEGIN = re.compile(r"^\s*/\*\s*LAB(\d+) BEGIN\b.*\*/\s*$")
END = re.compile(r"^\s*/\*\s*LAB(\d+) END\b.*\*/\s*$")


def scan_items(text):
    """Splits C source text into top-level items: ('comment'|'pp'|'blank'|'code', text)."""
    items = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            items.append(("comment", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            items.append(("comment", text[i:j]))
            i = j
        elif text[i] == "#":
            j = i
            while True:
                k = text.find("\n", j)
                if k < 0:
                    k = n
                    break
                if text[k - 1] != "\\":
                    break
                j = k + 1
            items.append(("pp", text[i:k]))
            i = k
        elif text[i].isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            items.append(("blank", text[i:j]))
            i = j
        else:
            j = end_of_code_item(text, i)
            items.append(("code", text[i:j]))
            i = j
    return items


def end_of_code_item(text, i):
    """End of a top-level declaration or definition starting at i: after the `;` at depth 0,
    or after the `}` closing a function body. Only the item's own text (from i) decides whether
    a `{` opens a function body: earlier items (`enum { N = 64 };`) must not count."""
    start = i
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            i = text.find("*/", i + 2)
            i = n if i < 0 else i + 2
            continue
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
            if depth == 0 and c == "}" and is_function_head(text[start : text_rfind_open(text, i) + 1]):
                return i + 1
        elif c == ";" and depth == 0:
            return i + 1
        i += 1
    return n


def text_rfind_open(text, close):
    """Index of the `{` matching the `}` at `close` (plain scan; bodies were balanced)."""
    depth = 0
    for k in range(close, -1, -1):
        if text[k] == "}":
            depth += 1
        elif text[k] == "{":
            depth -= 1
            if depth == 0:
                return k
    return 0


def is_function_head(upto_brace):
    """True if the text before a top-level `{` ends like a function declarator: `...)` then `{`."""
    head = upto_brace.rstrip()
    if not head.endswith("{"):
        return False
    before = head[:-1].rstrip()
    return before.endswith(")") and "=" not in before.split("(")[0]


def split_params(params):
    out, depth, cur = [], 0, ""
    for c in params:
        if c == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        cur += c
    out.append(cur)
    names = []
    for p in out:
        p = p.strip()
        if p in ("", "void", "..."):
            continue
        m = re.search(r"(\w+)\s*(\[[^\]]*\])*\s*$", p)
        if m:
            names.append(m.group(1))
    return names


def stub_function(code, stage):
    brace = code.index("{")
    head = code[:brace].rstrip()
    name_match = re.search(r"(\w+)\s*\(", head)
    name = name_match.group(1)
    ret = head[: name_match.start()].strip()
    ret = re.sub(r"\b(extern|inline)\b", "", ret).strip()
    params = head[name_match.end() : head.rindex(")")]
    lines = [
        head + " {",
        f"    /* TODO(lab{stage}): implement {name} (its comment in the header says what it does). */",
    ]
    lines += [f"    (void){p};" for p in split_params(params)]
    if ret != "void":
        if "*" in ret:
            value = '""' if re.search(r"\bchar\s*\*$", ret) else "NULL"
        elif ret == "bool":
            value = "false"
        elif ret == "enum sponge_err":
            value = "SPONGE_OK"
        elif ret.startswith(("struct ", "union ")):
            value = f"({ret}){{0}}"
        else:
            value = "0"
        lines.append(f"    return {value};")
    lines.append("}")
    return "\n".join(lines)


def stub_part(text, stage):
    items = scan_items(text)
    out = []
    pending = []  # comments and blank lines waiting for the item they describe
    for kind, item in items:
        if kind in ("comment", "blank"):
            pending.append(item)
            continue
        if kind == "pp":
            out += pending + [item]
        elif is_function_head(item[: item.find("{") + 1] if "{" in item else "") and item.rstrip().endswith("}"):
            if re.match(r"\s*static\b", item):
                pending = [p for p in pending if p.strip() == ""][:1]
                out += pending
            else:
                out += pending + [stub_function(item, stage)]
        else:
            out += [p for p in pending if p.strip() == ""][:1]
        pending = []
    out += pending
    result = re.sub(r"\n{3,}", "\n\n", "".join(out))
    return "\n" + result.lstrip("\n")  # one blank line after the BEGIN marker


def export(text, stage, header=False):
    """The starter-code version of `text` for `stage` (header: the parts are kept, see above)."""
    if header:
        return text
    lines = text.splitlines(keepends=True)
    out, part, part_stage = [], None, None
    for line in lines:
        b, e = BEGIN.match(line), END.match(line)
        if part is None:
            out.append(line)
            if b and int(b.group(1)) >= stage:
                part, part_stage = [], int(b.group(1))
        elif e:
            out.append(stub_part("".join(part), part_stage))
            out.append(line)
            part = None
        else:
            part.append(line)
    if part is not None:
        out.append(stub_part("".join(part), part_stage))
    return "".join(out)


def parts_of(text, stage):
    """The parts of `stage` in `text`, each as its lines between BEGIN and END (or the end)."""
    parts, part = [], None
    for line in text.splitlines(keepends=True):
        b, e = BEGIN.match(line), END.match(line)
        if part is None:
            if b and int(b.group(1)) == stage:
                part = []
        elif e:
            parts.append("".join(part))
            part = None
        else:
            part.append(line)
    if part is not None:
        parts.append("".join(part))
    return parts


def fill(text, stage, solution):
    """`text` with its parts of `stage` replaced, in order, by the parts of `stage` found in
    `solution` (a student's file, or one holding only the parts). Raises ValueError when the
    counts differ."""
    given = parts_of(solution, stage)
    if len(given) != len(parts_of(text, stage)):
        raise ValueError(f"{len(parts_of(text, stage))} LAB{stage} parts, the solution has {len(given)}")
    out, inside, k = [], False, 0
    for line in text.splitlines(keepends=True):
        b, e = BEGIN.match(line), END.match(line)
        if inside:
            if e:
                out.append(line)
                inside = False
            continue
        out.append(line)
        if b and int(b.group(1)) == stage:
            out.append(given[k])
            k += 1
            inside = True
    return "".join(out)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--fill":
        with open(sys.argv[3], encoding="utf-8") as f, open(sys.argv[4], encoding="utf-8") as g:
            text, solution = f.read(), g.read()
        try:
            sys.stdout.write(fill(text, int(sys.argv[2]), solution))
        except ValueError as err:
            sys.exit(f"stub_stage: {sys.argv[4]}: {err}")
        return
    if len(sys.argv) != 3:
        sys.exit("usage: stub_stage.py STAGE FILE | stub_stage.py --fill STAGE FILE PARTS")
    stage = int(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        text = f.read()
    sys.stdout.write(export(text, stage, header=sys.argv[2].endswith(".h")))


if __name__ == "__main__":
    main()
