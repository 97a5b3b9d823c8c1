#!/usr/bin/env bash
# The handouts' rules and the stage tests trace each other (etc/rule_trace.py, docs/labs/README.md):
# the real tree passes, and copies of it with a rule no test cites, a test case that cites no
# rule, a citation of an unknown rule, or a script without its rules line each fail, naming
# the problem. A failing step test prints the rules it checks with their handout text.
set -u
src=${SPONGE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
check="$src/etc/rule_trace.py"
failed=0

echo "== the tree"
python3 "$check" "$src" || failed=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# A copy of what the check reads, then one planted problem; expects exit 1 and `want` in the output.
planted() {
    local what=$1 want=$2
    shift 2
    rm -rf "$tmp/t" && mkdir -p "$tmp/t/docs" "$tmp/t/etc"
    cp -r "$src/docs/labs" "$tmp/t/docs/" && cp -r "$src/tests" "$tmp/t/"
    (cd "$tmp/t" && "$@")
    local out status
    out=$(python3 "$check" "$tmp/t" 2>&1)
    status=$?
    if [ "$status" -eq 1 ] && grep -qF -- "$want" <<<"$out"; then
        echo "ok: $what is caught ($want)"
    else
        echo "FAIL: $what: expected exit 1 and '$want', got exit $status:"
        printf '%s\n' "$out" | tail -5
        failed=1
    fi
}
planted "a rule without a test" "L1.R99 has no test: planted rule" \
    sh -c 'echo "- **L1.R99** planted rule" >>docs/labs/lab1.md'
planted "a test case citing no rule" "cites no rule" \
    sed -i 's/ \[L0\.R1\]"/"/' tests/lab0/byte_stream_construction.c
planted "a citation of an unknown rule" "cites unknown rule L6.R98" \
    sed -i 's/\[L6\.R2\]/[L6.R98]/' tests/lab6/router_drops.c
planted "a script without its rules line" "network_simulator.sh' cites no rule" \
    sed -i '/^# rules:/d' tests/lab6/network_simulator.sh
planted "a rule of another lab in a handout" "L2.R1 is not a rule of lab 1" \
    sh -c 'echo "- **L2.R1** misplaced" >>docs/labs/lab1.md'

echo "== the failure report quotes the rule"
build=${SPONGE_BUILD:-}
if [ -n "$build" ] && [ -d "$build" ]; then
    cat >"$tmp/fail.c" <<'C'
#include "harness.h"
int main(void) {
    struct harness h;
    harness_begin(&h, "planted failure [L1.R9 L1.R99]");
    EXPECT_EQ(&h, "one", 1, 2);
    return harness_end(&h);
}
C
    harness_lib="$build/libsponge_harness.a"
    cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" 2>/dev/null; }
    cc=$(cache CMAKE_C_COMPILER)
    flags=()
    [ "$(cache CMAKE_BUILD_TYPE)" = Sanitize ] && flags=("-fsanitize=address,undefined")
    if [ -f "$harness_lib" ] && "${cc:-cc}" -std=c11 "${flags[@]}" -I"$src/tests/harness" -I"$src/libsponge" \
        "$tmp/fail.c" "$harness_lib" "$build/libsponge.a" -lpcap -lpthread -o "$tmp/fail" 2>"$tmp/cc.err"; then
        out=$(SPONGE_SRC="$src" "$tmp/fail" 2>&1)
        text=$(sed -n 's/^- \*\*L1\.R9\*\* //p' "$src/docs/labs/lab1.md")
        if grep -qF "checks L1.R9: $text" <<<"$out" && grep -qF "checks L1.R99: (text not found" <<<"$out"; then
            echo "ok: the report names L1.R9 with its text, and L1.R99 as unknown"
        else
            echo "FAIL: the failure report does not quote the rules:"
            printf '%s\n' "$out"
            failed=1
        fi
    else
        echo "FAIL: cannot build the planted failing test against $harness_lib"
        cat "$tmp/cc.err" 2>/dev/null
        failed=1
    fi
else
    echo "(SPONGE_BUILD not set: the failure report is not checked)"
fi
exit $failed
