#!/usr/bin/env bash
# Runs the CTest tests whose label matches $1 (a regex such as "^(lab0|lab1)$"), leaving
# out those with a label matching $2 if given (e.g. "^e2e$"), and those whose name matches
# $SPONGE_CHECK_EXCLUDE if set (a regex, e.g. "^framework/starter_code$"), in the current
# build directory. Prints the output of failing tests first, then why each skipped test
# skipped, then a table (a row per lab stage, then modern, framework and doctests) and the
# closing line "N passed, N failed[, N skipped]". Exit status is non-zero when any test
# failed (or no test matched).
set -u
label_regex=${1:-.}
exclude=()
[ -n "${2:-}" ] && exclude=(-LE "$2")
[ -n "${SPONGE_CHECK_EXCLUDE:-}" ] && exclude+=(-E "$SPONGE_CHECK_EXCLUDE")
log=$(mktemp)
trap 'rm -f "$log"' EXIT

ctest -L "$label_regex" "${exclude[@]}" --output-on-failure -j "${SPONGE_JOBS:-2}" >"$log" 2>&1
status=$?
if grep -q "No tests were found" "$log"; then
    echo "no tests matched label $label_regex"
    status=1
fi

# A result line is "  3/8 Test  #4: lab1/name ....***Failed  0.01 sec". Skipped means the
# test exited 77 ("***Skipped") or is disabled; anything else that did not pass (a failure,
# a crash, a timeout, an executable that was never built: "***Not Run") is a failure.
result='^[[:space:]]*[0-9]+/[0-9]+ Test +#[0-9]+: '
skipped='[*][*][*]Skipped|Not Run [(]Disabled[)]'

# Failing tests' output (ctest prints it right after the result line), harness message first:
# from the test's first "FAIL" line on (the "ok:" lines of its passing cases and ctest's
# framing are left out), at most 40 lines a test and 400 in all. A test that printed no FAIL
# line (a crash, a timeout, an executable that was never built) gets one, from ctest's verdict.
awk -v result="$result" -v skipped="$skipped" '
function flush() {
    if (name == "") return
    if (nlines == 0 || !seen_fail) print "FAIL: " name ": " verdict
    for (i = 1; i <= nlines && i <= 40; i++) print lines[i]
    if (nlines > 40) print "  ... (" nlines - 40 " more lines: ctest -R " name " --output-on-failure)"
    if (nlines > 0) print "  (test " name ")\n"
    name = ""
}
$0 ~ result {
    flush()
    if ($0 !~ /  Passed/ && $0 !~ skipped) {
        name = $0; sub(/^.*Test +#[0-9]+: /, "", name); sub(/ .*$/, "", name)
        verdict = $0; sub(/^.*Test +#[0-9]+: [^ ]+ [.]*/, "", verdict); sub(/^[*]+/, "", verdict)
        sub(/ +[0-9.]+ sec$/, "", verdict)
        if (verdict == "Not Run") verdict = "not run (its executable was not built: see the build output)"
        nlines = 0; seen_fail = 0
    }
    next
}
/^[[:space:]]*Start +[0-9]+: / || /^[0-9]+% tests passed/ { flush(); next }
name != "" && !/^[[:space:]]*$/ {
    if (!seen_fail && /^FAIL/) { seen_fail = 1; nlines = 0 }
    if (seen_fail || !/^(ok|seed): /) lines[++nlines] = $0
}
END { flush() }' "$log" | sed -n '1,400p'

# The last line a skipped test printed is its reason (ctest keeps it in LastTest.log).
awk -v result="$result" -v skipped="$skipped" '
FNR == NR {
    if ($0 ~ result && $0 ~ skipped) {
        name = $0; sub(/^.*Test +#[0-9]+: /, "", name); sub(/ .*$/, "", name); skip[name] = 1
    }
    next
}
/^[0-9]+\/[0-9]+ Test: / { name = $0; sub(/^.*Test: /, "", name) }
/^Output:$/ { reason = "(printed nothing)"; next }
/^<end of output>$/ && (name in skip) { printf "skipped %s: %s\n", name, reason }
!/^-+$/ && !/^[[:space:]]*$/ { reason = $0 }' "$log" Testing/Temporary/LastTest.log 2>/dev/null

awk -v result="$result" -v skipped="$skipped" '
$0 ~ result {
    name = $0; sub(/^.*Test +#[0-9]+: /, "", name); sub(/ .*$/, "", name)
    lab = name; sub(/\/.*$/, "", lab)
    if (!(lab in total)) order[++nlabs] = lab
    total[lab]++
    if ($0 ~ /  Passed/) { passed[lab]++; npass++ }
    else if ($0 ~ skipped) { skip[lab]++; nskip++ }
    else { failed[lab]++; nfail++; failing[lab] = failing[lab] " " substr(name, length(lab) + 2) }
}
END {
    # Lab stages in order, then modern, the framework and the rest (doctests); ctest -j
    # finishes tests out of order.
    for (i = 1; i <= nlabs; i++)
        key[i] = (order[i] ~ /^lab/ ? "0" : order[i] == "modern" ? "1" : order[i] == "framework" ? "2" : "3") order[i]
    for (i = 2; i <= nlabs; i++)
        for (j = i; j > 1 && key[j - 1] > key[j]; j--) {
            t = key[j]; key[j] = key[j - 1]; key[j - 1] = t
            t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
        }
    printf "\n%-10s %7s %7s %7s %7s  %s\n", "stage", "passed", "failed", "skipped", "total", "failing tests"
    for (i = 1; i <= nlabs; i++) {
        l = order[i]
        printf "%-10s %7d %7d %7d %7d %s\n", l, passed[l], failed[l], skip[l], total[l], failing[l]
    }
    line = sprintf("%d passed, %d failed", npass, nfail)
    if (nskip > 0) line = line sprintf(", %d skipped", nskip)
    print ""
    print line
}' "$log"

exit $status
