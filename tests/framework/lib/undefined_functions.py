#!/usr/bin/env python3
"""Lists the functions declared in C headers that a static library does not define.

Usage: undefined_functions.py LIBRARY HEADER...   (prints one "header: name" line per missing
function; exit 1 if any is missing). A declaration is a top-level prototype `... name(...);`
outside any braces; static inline functions are defined in the header itself. Defined symbols
are those nm reports as T (text) in LIBRARY.
"""

import re
import subprocess
import sys


def declared(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^\s*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
    names, depth, item = [], 0, ""
    for c in text:
        if c == "{":
            depth += 1
            item = ""
        elif c == "}":
            depth -= 1
            item = ""
        elif depth == 0:
            if c == ";":
                m = re.search(r"(\w+)\s*\(([^()]|\([^()]*\))*\)\s*$", item.strip())
                if m and not re.match(r"\s*(typedef|static)\b", item):
                    names.append(m.group(1))
                item = ""
            else:
                item += c
    return names


def main():
    lib, headers = sys.argv[1], sys.argv[2:]
    nm = subprocess.run(["nm", "--defined-only", lib], capture_output=True, text=True, check=True).stdout
    defined = {line.split()[-1] for line in nm.splitlines() if re.match(r"\S+ [T] \S+$", line)}
    missing = 0
    for header in headers:
        with open(header, encoding="utf-8") as f:
            for name in declared(f.read()):
                if name not in defined:
                    print(f"{header}: {name}")
                    missing += 1
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
