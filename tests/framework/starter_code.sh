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
# Every stage's export is fresh, its build incremental: each export is synced by content into
# one tree with one build directory (a file is rewritten, and so newer, only where it differs),
# so the build recompiles what differs from the previous stage's tree (the LAB parts: the
# dependency scan sees every changed source and header) and relinks. Seven full builds and
# seven full rebuilds were most of this test's time.
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

# build_errors: the first error lines of $work/build.log (not the compiler commands Ninja echoes
# for a failed step: their flags include -Werror).
build_errors() {
    grep -E 'error|Error' "$work/build.log" | grep -Ev '^FAILED: |^[^ ]*(cc|gcc|clang) .* -c ' | head -n 10
}

# put FILE DEST: DEST gets FILE's content, rewritten (and so newer for make) only if it differs.
put() {
    cmp -s "$1" "$2" || cp "$1" "$2"
}

# sync_tree EXPORT TREE: TREE becomes EXPORT's files (not its .git; TREE's build/ stays), each
# rewritten only if its content differs; files and folders EXPORT lacks are removed.
sync_tree() {
    python3 - "$1" "$2" <<'PY'
import filecmp, os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]

def remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)

for root, dirs, files in os.walk(src):
    if root == src:
        dirs[:] = [d for d in dirs if d != ".git"]
    out = os.path.join(dst, os.path.relpath(root, src))
    if not os.path.isdir(out) or os.path.islink(out):
        remove(out)
        os.makedirs(out)
    for f in files:
        a, b = os.path.join(root, f), os.path.join(out, f)
        if os.path.islink(a):
            if not os.path.islink(b) or os.readlink(a) != os.readlink(b):
                remove(b)
                os.symlink(os.readlink(a), b)
        elif os.path.islink(b) or not os.path.isfile(b) or not filecmp.cmp(a, b, shallow=False):
            remove(b)
            shutil.copyfile(a, b)  # the time is now's, newer than anything built from the old file
            shutil.copymode(a, b)
        elif os.stat(a).st_mode != os.stat(b).st_mode:
            shutil.copymode(a, b)
for root, dirs, files in os.walk(dst):
    twin = os.path.join(src, os.path.relpath(root, dst))
    if root == dst:
        dirs[:] = [d for d in dirs if d != "build"]  # the build directory
    for name in files + dirs:
        if not os.path.lexists(os.path.join(twin, name)):
            remove(os.path.join(root, name))
    dirs[:] = [d for d in dirs if os.path.isdir(os.path.join(root, d))]
PY
}

# install_solution STAGE TREE: the stage's parts from tests/solutions/labSTAGE, every other part
# from the reference. Prints what is missing and returns 1 if the solution is incomplete.
install_solution() {
    local stage=$1 tree=$2 sol=$src/tests/solutions/lab$1 f ok=0
    for f in "${part_files[@]}"; do
        if grep -Eq "^[[:space:]]*/\*[[:space:]]*LAB$stage BEGIN" "$src/$f"; then
            if [ -f "$sol/$f" ]; then
                python3 "$src/etc/stub_stage.py" --fill "$stage" "$src/$f" "$sol/$f" >"$work/filled" || ok=1
                put "$work/filled" "$tree/$f"
            elif [[ $f == *.h ]]; then
                put "$src/$f" "$tree/$f" # the reference's state is the solution's too
            else
                echo "no $sol/$f"
                ok=1
            fi
        else
            put "$src/$f" "$tree/$f"
        fi
    done
    return $ok
}

tree=$work/tree # every stage's export, synced in (see the header)
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
for stage in ${SPONGE_STAGES:-0 1 2 3 4 5 6}; do
    exported=$work/lab$stage
    # With the later stages' tests, which a student's export leaves out (they come with the merge).
    if ! SPONGE_EXPORT_LATER_TESTS=1 bash "$src/etc/export_stage.sh" "$stage" "$exported" >"$work/export.log" 2>&1; then
        problem "$stage" "export failed: $(tail -n 3 "$work/export.log")"
        continue
    fi
    if ! sync_tree "$exported" "$tree" >"$work/sync.log" 2>&1; then
        problem "$stage" "could not copy the export into $tree: $(tail -n 3 "$work/sync.log")"
        continue
    fi
    rm -rf "$exported"
    # Debug: a third less compiler time than Release for seven builds; the tests are small. Ninja
    # if installed: the fourteen builds are mostly relinking, which costs a third of make's.
    if ! { cmake -S "$tree" -B "$tree/build" "${generator[@]}" -DCMAKE_BUILD_TYPE="${SPONGE_STARTER_BUILD:-Debug}" &&
        cmake --build "$tree/build" -j2; } >"$work/build.log" 2>&1; then
        problem "$stage" "the starter code does not build:"
        build_errors
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
    elif ! cmake --build "$tree/build" -j2 >"$work/build.log" 2>&1; then
        problem "$stage" "the minimal solution does not build:"
        build_errors
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
done
[ -n "$unchecked" ] && echo "no minimal solution yet (not checked, not counted as passed):$unchecked"
exit $failed
