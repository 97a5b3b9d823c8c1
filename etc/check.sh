#!/usr/bin/env bash
# Runs the CTest tests whose label matches $1 (a regex such as "^(lab0|lab1)$") in the
# current build directory, then prints a table per lab stage and the closing line
# "N passed, N failed[, N skipped]". Exit status is non-zero when any test failed.
set -u
label_regex=${1:-.}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

ctest -L "$label_regex" --output-on-failure -j "${SPONGE_JOBS:-2}" >"$log" 2>&1
status=$?

# Print the output of failing tests first (harness message leads), then the table.
awk '/^[[:space:]]*[0-9]+\/[0-9]+ Test/ {show=0} /\*\*\*Failed|\*\*\*Timeout|\*\*\*Exception|Failed  *[0-9.]+ sec/ {show=1; print; next} show {print}' "$log" |
    grep -v '^[[:space:]]*$' | sed -n '1,400p'

awk '
/^[[:space:]]*[0-9]+\/[0-9]+ Test +#[0-9]+: / {
    name = $0; sub(/^.*Test +#[0-9]+: /, "", name); sub(/ .*$/, "", name)
    lab = name; sub(/\/.*$/, "", lab)
    if (!(lab in seen)) { seen[lab] = 1; order[++nlabs] = lab }
    total[lab]++
    if ($0 ~ /Passed/) { passed[lab]++; npass++ }
    else if ($0 ~ /Skipped|Not Run/) { skipped[lab]++; nskip++ }
    else { failed[lab]++; nfail++; failing[lab] = failing[lab] " " substr(name, length(lab) + 2) }
}
END {
    printf "\n%-10s %8s %8s %8s  %s\n", "stage", "passed", "skipped", "total", "failing tests"
    for (i = 1; i <= nlabs; i++) {
        l = order[i]
        printf "%-10s %8d %8d %8d %s\n", l, passed[l], skipped[l], total[l], failing[l]
    }
    line = sprintf("%d passed, %d failed", npass, nfail)
    if (nskip > 0) line = line sprintf(", %d skipped", nskip)
    print ""
    print line
}' "$log"

if grep -q "No tests were found" "$log"; then
    echo "no tests matched label $label_regex"
    exit 1
fi
exit $status
