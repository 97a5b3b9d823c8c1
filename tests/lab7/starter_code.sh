#!/usr/bin/env bash
# Starter code: for every lab stage 0..6, exports the student tree (etc/export_stage.sh),
# builds it, and checks that the tests of every earlier stage pass while the stage's own
# tests fail: at least one, and every test of a unit the stage stubs (by name prefix below).
# Script tests (label e2e) are not run here. Needs git (the export copies `git ls-files`).
set -u
src=${SPONGE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v git >/dev/null || ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    echo "SKIP: the source tree is not a git checkout (the export copies git ls-files)"
    exit 77
fi

# The tests that exercise each stage's stubbed units (regex over the test name after labN/).
unit_tests=(
    [0]='^byte_stream_'
    [1]='^reassembler_'
    [2]='^(wrapping_(wrap|unwrap|random)|receiver_)' # wrapping_compare tests the header's inline seq_*
    [3]='^sender_'
    [4]='^connection_'
    [5]='^network_interface_'
    [6]='^(router_|lpm_table)'
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work # the failing tests' captures (sponge-*.pcap) go here and vanish with it
failed=0
problem() {
    echo "FAIL lab$1: $2"
    failed=1
}

for stage in 0 1 2 3 4 5 6; do
    tree=$work/lab$stage
    if ! bash "$src/etc/export_stage.sh" "$stage" "$tree" >"$work/export.log" 2>&1; then
        problem "$stage" "export failed: $(tail -n 3 "$work/export.log")"
        continue
    fi
    # Debug: a third less compiler time than Release for seven builds; the tests are small.
    if ! { cmake -S "$tree" -B "$tree/build" -DCMAKE_BUILD_TYPE=Debug &&
        make -C "$tree/build" -j2; } >"$work/build.log" 2>&1; then
        problem "$stage" "the starter code does not build:"
        grep -E 'error|Error' "$work/build.log" | head -n 10
        continue
    fi
    cd "$tree/build" || exit 1

    # Earlier stages: every (non-script) test passes.
    if [ "$stage" -gt 0 ]; then
        earlier=$(seq -s '|' -f 'lab%g' 0 $((stage - 1)))
        if ! ctest -L "^($earlier)\$" -LE e2e -j2 --timeout 30 >"$work/earlier.log" 2>&1; then
            problem "$stage" "tests of earlier stages fail:$(grep -Eo 'lab[0-9]/[a-z0-9_]+ [(].*[)]' "$work/earlier.log" |
                tr '\n' ' ' | sed 's/^/ /')"
        fi
    fi

    # This stage: list its tests, then run them; each one of a stubbed unit must fail.
    ctest -N -L "^lab$stage\$" -LE e2e | sed -n 's/^ *Test *#[0-9]*: lab[0-9]\///p' >"$work/tests"
    ctest -L "^lab$stage\$" -LE e2e -j2 --timeout 10 >"$work/stage.log" 2>&1
    nfail=0
    passing=""
    while IFS= read -r name; do
        if grep -Eq "Test +#[0-9]+: lab$stage/$name [.]+ +Passed" "$work/stage.log"; then
            [[ $name =~ ${unit_tests[$stage]} ]] && passing+=" $name"
        else
            nfail=$((nfail + 1))
        fi
    done <"$work/tests"
    [ -n "$passing" ] && problem "$stage" "these tests pass against the stubs:$passing"
    [ "$nfail" -gt 0 ] || problem "$stage" "no test of the stage fails against the stubs"
    echo "lab$stage: exported, built; earlier stages pass; $nfail of $(wc -l <"$work/tests") lab$stage tests fail against the stubs"
    cd "$work" || exit 1
    rm -rf "$tree"
done
exit $failed
