#!/usr/bin/env bash
# Starter code: for every lab stage 0..6,
#  1. exports the student tree (etc/export_stage.sh), builds it, and checks that every function
#     declared in a libsponge header is defined in the built library (a stub the export lost
#     would be a link error in the student's code), that the tests of every earlier stage pass,
#     and that the stage's own tests fail: at least one, and every test of a unit the stage
#     stubs (by name prefix below);
#  2. then drops in the stage's minimal student-style solution (tests/solutions/labN/, see its
#     README: the LABN parts of each file, written independently of the reference), puts the
#     reference back for the later stages, rebuilds, and requires the tests of that stage, of
#     every later lab stage and of the framework (tests/framework: the harness, the fuzz
#     replay and the tools' parsers run the whole library) to pass. That is the evidence that
#     a stage asks for its unit's CS144 functions and nothing else. A stage without a minimal
#     solution yet is reported as such ("NOT CHECKED"), never as passed.
# Script tests (label e2e) are not run here. Needs git (the export copies `git ls-files`).
# SPONGE_STAGES="0 6" limits the run to some stages; SPONGE_STARTER_BUILD=Sanitize builds the
# trees with the sanitizers instead of Debug.
set -u
src=${SPONGE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v git >/dev/null || ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    echo "SKIP: the source tree is not a git checkout (the export copies git ls-files)"
    exit 77
fi
if ! command -v nm >/dev/null; then
    echo "SKIP: no nm (binutils) to list the starter library's functions"
    exit 77
fi

# The tests that exercise each stage's stubbed units (regex over the test name after labN/).
unit_tests=(
    [0]='^byte_stream_'
    [1]='^reassembler_'
    [2]='^(wrapping_(wrap|unwrap|random)|receiver_)' # wrapping_compare tests util/seq32.h (given)
    [3]='^sender_'
    [4]='^connection_'
    [5]='^network_interface_'
    [6]='^router_' # lpm_table tests the given trie
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work # the failing tests' captures (sponge-*.pcap) go here and vanish with it
failed=0
unchecked=""
problem() {
    echo "FAIL lab$1: $2"
    failed=1
}

# The reference files with LAB parts (git ls-files, as the export copies them).
mapfile -t part_files < <(cd "$src" && git ls-files -- '*.c' '*.h' ':!tests/solutions' |
    while IFS= read -r f; do
        [ -f "$f" ] && grep -Eq '^[[:space:]]*/\*[[:space:]]*LAB[0-9]+ BEGIN' "$f" && echo "$f"
    done)

# install_solution STAGE TREE: the stage's parts from tests/solutions/labSTAGE, every other part
# from the reference. Prints what is missing and returns 1 if the solution is incomplete.
install_solution() {
    local stage=$1 tree=$2 sol=$src/tests/solutions/lab$1 f ok=0
    for f in "${part_files[@]}"; do
        if grep -Eq "^[[:space:]]*/\*[[:space:]]*LAB$stage BEGIN" "$src/$f"; then
            if [ -f "$sol/$f" ]; then
                python3 "$src/etc/stub_stage.py" --fill "$stage" "$src/$f" "$sol/$f" >"$tree/$f" || ok=1
            elif [[ $f == *.h ]]; then
                cp "$src/$f" "$tree/$f" # the reference's state is the solution's too
            else
                echo "no $sol/$f"
                ok=1
            fi
        else
            cp "$src/$f" "$tree/$f"
        fi
    done
    return $ok
}

for stage in ${SPONGE_STAGES:-0 1 2 3 4 5 6}; do
    tree=$work/lab$stage
    # With the later stages' tests, which a student's export leaves out (they come with the merge).
    if ! SPONGE_EXPORT_LATER_TESTS=1 bash "$src/etc/export_stage.sh" "$stage" "$tree" >"$work/export.log" 2>&1; then
        problem "$stage" "export failed: $(tail -n 3 "$work/export.log")"
        continue
    fi
    # Debug: a third less compiler time than Release for seven builds; the tests are small.
    if ! { cmake -S "$tree" -B "$tree/build" -DCMAKE_BUILD_TYPE="${SPONGE_STARTER_BUILD:-Debug}" &&
        make -C "$tree/build" -j2; } >"$work/build.log" 2>&1; then
        problem "$stage" "the starter code does not build:"
        grep -E 'error|Error' "$work/build.log" | head -n 10
        continue
    fi
    cd "$tree/build" || exit 1

    # Every function a header declares is defined (stubbed or given), so a student can call it.
    if ! python3 "$src/tests/framework/lib/undefined_functions.py" libsponge.a \
        $(find "$tree/libsponge" -name '*.h' | sort) >"$work/undefined.log"; then
        problem "$stage" "declared but not defined in the starter library: $(tr '\n' ' ' <"$work/undefined.log")"
    fi

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
    echo "lab$stage: exported, built, every declared function defined; earlier stages pass; $nfail of $(wc -l <"$work/tests") lab$stage tests fail against the stubs"

    # The minimal solution, with the reference for the later stages: this stage, every later
    # lab stage and the framework's tests pass.
    if [ ! -d "$src/tests/solutions/lab$stage" ]; then
        echo "lab$stage: NOT CHECKED: no minimal solution in tests/solutions/lab$stage yet"
        unchecked+=" lab$stage"
    elif ! install_solution "$stage" "$tree" >"$work/install.log" 2>&1; then
        problem "$stage" "the minimal solution does not fit the starter code: $(tr '\n' ' ' <"$work/install.log")"
    elif ! make -C "$tree/build" -j2 >"$work/build.log" 2>&1; then
        problem "$stage" "the minimal solution does not build:"
        grep -E 'error|Error' "$work/build.log" | head -n 10
    else
        later="$(seq -s '|' -f 'lab%g' "$stage" 7)|framework"
        if ctest -L "^($later)\$" -LE e2e -j2 --timeout 60 >"$work/later.log" 2>&1; then
            echo "lab$stage: the minimal solution passes every test of lab$stage..lab7 and framework ($(grep -Eo 'out of [0-9]+' "$work/later.log" | tail -n 1 | cut -d' ' -f3) tests)"
        else
            problem "$stage" "with the minimal solution these tests of lab$stage..lab7 and framework fail:$(grep -Eo '(lab[0-9]|framework)/[a-z0-9_]+ [(].*[)]' "$work/later.log" |
                tr '\n' ' ' | sed 's/^/ /')"
        fi
    fi
    cd "$work" || exit 1
    rm -rf "$tree"
done
[ -n "$unchecked" ] && echo "no minimal solution yet (not checked, not counted as passed):$unchecked"
exit $failed
