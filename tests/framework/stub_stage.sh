#!/usr/bin/env bash
# etc/stub_stage.py keeps every function: for a few tricky layouts of a LAB part (file-scope
# data with braces and `=` before the first function, initialised tables, a part without END)
# and for every reference source with LAB parts, at every stage, the exported text defines
# exactly the non-static functions the reference defines, and drops the static ones.
set -u
src=${SPONGE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
python3 - "$src" <<'PY'
import glob, os, re, sys

src = sys.argv[1]
sys.path.insert(0, os.path.join(src, "etc"))
import stub_stage

FUNC = re.compile(r"^(?!static\b)[A-Za-z_][\w \t\*]*?\b(\w+)\s*\([^;{]*\)\s*\{", re.M)
STATIC = re.compile(r"^static\b[^;{=]*?\b(\w+)\s*\([^;{]*\)\s*\{", re.M)
failed = 0


def check(label, text, stage, statics_gone=False):
    """The export of `text` at `stage` defines the same non-static functions, in order; with
    statics_gone (every part of `text` is stubbed at `stage`), no static function either."""
    global failed
    out = stub_stage.export(text, stage)
    want, got = FUNC.findall(text), FUNC.findall(out)
    if want != got:
        print(f"FAIL {label} stage {stage}: functions {want} became {got}")
        failed = 1
    if statics_gone and STATIC.findall(out):
        print(f"FAIL {label} stage {stage}: static helpers kept: {STATIC.findall(out)}")
        failed = 1


cases = {
    "enum with = before the first function": """#include "x.h"
/* LAB1 BEGIN: x */
enum { WORD_BITS = 64 };

int a_init(int n) {
    return n;
}

void a_destroy(int *p) {
    *p = 0;
}

static int helper(int x) { return x + WORD_BITS; }

int a_run(int x) {
    return helper(x);
}
""",
    "initialised table and struct before functions": """/* LAB5 BEGIN: y */
static const int table[] = {1, 2, 3};
struct pair { int a, b; };
static const struct pair origin = {.a = 0, .b = 0};

int b_first(const struct pair *p) {
    return p->a + table[0] + origin.b;
}
/* LAB5 END */

int given(void) { return 1; }

/* LAB6 BEGIN: z */
int c_second(int x, int y) {
    int v[2] = {x, y};
    return v[0] == v[1];
}
""",
}
for label, text in cases.items():
    for stage in (0, 1, 5, 6):
        check(label, text, stage, statics_gone=stage <= 1)

sources = sorted(glob.glob(os.path.join(src, "libsponge", "**", "*.c"), recursive=True))
for path in sources:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not re.search(r"LAB\d+ BEGIN", text):
        continue
    for stage in range(7):
        check(os.path.relpath(path, src), text, stage)
print("stub_stage: " + ("FAILED" if failed else "every function kept, at every stage"))
sys.exit(failed)
PY
