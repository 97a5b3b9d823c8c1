#!/usr/bin/env bash
# The student's repository, end to end (etc/export_stage.sh), as a course runs it:
#  1. the instructor exports stage 0 (a git repository: one commit "stage 0 starter code", the
#     student README, docs/labs/units.md, none of the instructor's files); a student clones it;
#  2. for each stage N from 0 on while tests/solutions/labN exists: the student fills in the
#     stage's minimal solution (tests/solutions/labN, etc/stub_stage.py --fill) and commits; the
#     build passes `make check_labN`; then the instructor adds the branch stage N+1
#     (`export_stage.sh --next`) and the student fetches and merges it: the merge must be clean,
#     bring the tests of stage N+1, and leave every part the student wrote unchanged.
# A stage without a minimal solution ends the chain and is reported as not checked.
# SPONGE_STUDENT_BUILD=Sanitize builds the student's tree with the sanitizers (default Debug).
set -u
src=${SPONGE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
for tool in git python3 cmake make; do
    if ! command -v $tool >/dev/null; then
        echo "SKIP: no $tool"
        exit 77
    fi
done
if ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    echo "SKIP: the source tree is not a git checkout (the export copies git ls-files)"
    exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work # failing tests' captures vanish with it
export GIT_CONFIG_NOSYSTEM=1 HOME=$work # no user git config (hooks, signing) applies
failed=0
fail() {
    echo "FAIL: $*"
    failed=1
}
starter=$work/starter student=$work/student

if ! bash "$src/etc/export_stage.sh" 0 "$starter" >"$work/export.log" 2>&1; then
    echo "FAIL: export of stage 0: $(tail -n 3 "$work/export.log")"
    exit 1
fi
# The exported repository: one commit with the right message, the student's files, no others.
[ "$(git -C "$starter" rev-list --count --all)" = 1 ] ||
    fail "the stage 0 repository has $(git -C "$starter" rev-list --count --all) commits, not 1"
[ "$(git -C "$starter" log -1 --format=%s)" = "stage 0 starter code" ] ||
    fail "the commit message is '$(git -C "$starter" log -1 --format=%s)'"
[ -z "$(git -C "$starter" status --porcelain)" ] || fail "files left out of the commit: $(git -C "$starter" status --porcelain | head -n 3)"
git -C "$starter" ls-files >"$work/files"
grep -q 'docs/labs/lab0\.md' "$starter/README.md" && grep -q 'make -C build check_lab0' "$starter/README.md" ||
    fail "README.md does not point at docs/labs/lab0.md and make check_lab0"
grep -q '^# Lab 0 starter code' "$starter/README.md" || fail "README.md is not the student README"
grep -qx 'docs/labs/units.md' "$work/files" || fail "docs/labs/units.md is not in the repository"
bad=$(grep -E '^(\.ci/|tests/solutions/|tests/lab[1-6]/|docs/BENCHMARKS\.md|docs/wan_.*\.png|etc/grade\.sh|etc/grade/(sandbox|jail)\.sh|etc/grade/gradebook\.py|tests/instructor/|tests/mutants/|etc/mutant_check\.sh|etc/mutants\.cmake|tests/framework/grade\.sh|etc/export_stage\.sh|etc/stub_stage\.py|tests/framework/(starter_code|student_repo|stub_stage)\.sh)' "$work/files")
[ -z "$bad" ] || fail "instructor files exported: $(echo "$bad" | head -n 5 | tr '\n' ' ')"
cites=$(git -C "$starter" grep -l 'CONTRACT\.md') && fail "files cite CONTRACT.md, which is not in the tree: $(echo "$cites" | tr '\n' ' ')"
if [ "$failed" -ne 0 ]; then
    exit 1
fi
echo "stage 0 repository: one commit, student README, docs/labs/units.md, no instructor files"

git clone -q "$starter" "$student" || exit 1
git -C "$student" config user.name student
git -C "$student" config user.email student@localhost

# parts STAGE DIR: every stage-STAGE part of the student's sources in DIR, with file names.
parts() {
    (cd "$2" && git grep -lE 'LAB[0-9]+ BEGIN' -- '*.c' '*.h' | sort | while IFS= read -r f; do
        PYTHONPATH=$src/etc python3 -c 'import stub_stage, sys
print(sys.argv[1], stub_stage.parts_of(open(sys.argv[1]).read(), int(sys.argv[2])))' "$f" "$1"
    done)
}

checked=""
# SPONGE_STUDENT_STAGES: how far the chain goes (0 1 2 by default: each stage builds a tree and
# runs its make check_labN, lab 4's end-to-end scripts included; CI keeps to three).
for stage in ${SPONGE_STUDENT_STAGES:-0 1 2}; do
    sol=$src/tests/solutions/lab$stage
    if [ ! -d "$sol" ]; then
        echo "lab$stage: NOT CHECKED: no minimal solution in tests/solutions/lab$stage (the chain stops here)"
        break
    fi
    # The student writes the stage's parts and commits.
    ok=1
    while IFS= read -r f; do
        rel=${f#"$sol"/}
        if ! python3 "$src/etc/stub_stage.py" --fill "$stage" "$student/$rel" "$f" >"$work/filled" 2>"$work/fill.log"; then
            fail "lab$stage: the solution's $rel does not fit the starter code: $(cat "$work/fill.log")"
            ok=0
        fi
        cp "$work/filled" "$student/$rel"
    done < <(find "$sol" -name '*.[ch]' | sort)
    [ $ok -eq 1 ] || break
    git -C "$student" commit -q -am "lab $stage done" || {
        fail "lab$stage: nothing to commit after filling in the solution"
        break
    }
    if ! { cmake -S "$student" -B "$student/build" -DCMAKE_BUILD_TYPE="${SPONGE_STUDENT_BUILD:-Debug}" &&
        make -C "$student/build" -j2; } >"$work/build.log" 2>&1; then
        fail "lab$stage: the student's repository does not build:"
        grep -E 'error|Error' "$work/build.log" | head -n 10
        break
    fi
    if ! make -C "$student/build" "check_lab$stage" >"$work/check.log" 2>&1; then
        fail "lab$stage: make check_lab$stage fails in the student's repository: $(grep -E '^[0-9]+ passed' "$work/check.log" | tail -n 1)"
        grep -Eo 'lab[0-9]/[a-z0-9_]+ [(].*[)]' "$work/check.log" | head -n 10
        break
    fi
    echo "lab$stage: the student's repository passes make check_lab$stage ($(grep -E '^[0-9]+ passed' "$work/check.log" | tail -n 1))"
    checked+=" lab$stage"
    [ "$stage" -lt 6 ] || break

    # The next stage's starter code arrives as a branch; the student merges it.
    next=$((stage + 1))
    if ! bash "$src/etc/export_stage.sh" --next "$next" "$starter" >"$work/export.log" 2>&1; then
        fail "export --next $next: $(tail -n 3 "$work/export.log")"
        break
    fi
    [ "$(git -C "$starter" log -1 --format=%s "stage$next")" = "stage $next starter code" ] ||
        fail "branch stage$next: the commit message is '$(git -C "$starter" log -1 --format=%s "stage$next")'"
    [ "$(git -C "$starter" rev-parse "stage$next^")" = "$(git -C "$starter" rev-parse "stage$stage")" ] ||
        fail "branch stage$next does not descend from the stage $stage starter commit"
    for ((k = 0; k <= stage; k++)); do parts "$k" "$student"; done >"$work/before"
    if ! git -C "$student" fetch -q origin || ! git -C "$student" merge -q --no-edit "origin/stage$next" >"$work/merge.log" 2>&1; then
        fail "lab$next: the merge of the stage $next starter code is not clean: $(tail -n 5 "$work/merge.log")"
        break
    fi
    for ((k = 0; k <= stage; k++)); do parts "$k" "$student"; done >"$work/after"
    cmp -s "$work/before" "$work/after" || fail "lab$next: the merge changed parts the student wrote: $(diff "$work/before" "$work/after" | head -c 300)"
    [ -n "$(git -C "$student" ls-files "tests/lab$next")" ] || fail "lab$next: the merge brought no tests/lab$next"
    grep -q "check_lab$next" "$student/README.md" || fail "lab$next: the README is not the stage's"
    [ "$failed" -eq 0 ] || break
    echo "lab$next: the starter code merged cleanly into the student's repository, their parts unchanged"
done
[ -n "$checked" ] || fail "no stage checked"
echo "student repository: merge chain checked through:$checked"
exit $failed
