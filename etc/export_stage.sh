#!/usr/bin/env bash
# The student's repository of a lab stage (STAGE is 0..6, or lab0..lab6):
#
#   etc/export_stage.sh STAGE DESTDIR         a new git repository in DESTDIR (which must not
#                                             exist or be empty): one commit, "stage STAGE starter
#                                             code", on branch main, also named stageSTAGE
#   etc/export_stage.sh --next STAGE REPO     adds the branch stageSTAGE to the git repository
#                                             REPO: one commit "stage STAGE starter code" whose
#                                             parent is the stage STAGE-1 starter commit
#
# The tree is the repository's tracked files (git ls-files, as they are in the working tree),
# with the student-written parts of STAGE and every later stage replaced by stubs that compile
# and say what to do (etc/stub_stage.py; the parts are marked in the reference sources by
# "/* LABn BEGIN: ... */" comment lines), minus the instructor's material (below), with a
# generated student README.md in place of the project's. The student's copy of the contract
# (docs/labs/units.md) is a tracked file and comes along.
#
# Moving on, CS144's way: the instructor publishes the stage-0 repository; for every next
# stage, `--next N` on the published repository adds the branch stageN, and each student runs
# `git fetch && git merge origin/stageN` in their own clone. The stageN commit descends from
# the stage N-1 starter commit and differs from it only in what stage N brings: the tests and
# handout of stage N, the new README, and any change to the given code. Every part of an
# earlier stage is copied from the parent starter commit as it was there (a stub, or the
# reference when the first export started past that stage), so the merge never touches the
# code a student wrote for an earlier stage. (The parts of stage N and later are stubs from
# the first export on, since the library must build; they do not change either.)
#
# Not exported (instructor material, or not the student's):
#   README.md                     the project's README (the generated student README replaces it)
#   .ci/                          the project's CI
#   docs/BENCHMARKS.md            the benchmark report, and every picture it shows (docs/*.png
#                                 it references: the WAN figures); the bench/ programs stay
#   tests/solutions/              the minimal solutions
#   tests/mutants/, tests/instructor/   planted-bug patches and instructor-only tests (issue 15)
#   etc/mutant_check.sh, etc/mutants.cmake   the check that the stage tests catch those bugs,
#   etc/lib/parallel_tests.sh and tests/framework/parallel_tests.sh   its test runner and that one's test
#   tests/labM/, docs/labs/labM*  the tests and handout of every later stage M (they arrive with
#                                 the merge of stage M's starter code)
#   tests/modern/ before stage 4  the tests beyond the labs build on lab 4's test steps; they
#                                 arrive with stage 4
#   tests/framework/{starter_code,stub_stage,student_repo}.sh   the checks of this export itself
#   etc/export_stage.sh, etc/stub_stage.py   this exporter
#   etc/grade.sh, etc/grade/{sandbox,jail}.sh, etc/grade/gradebook.py, tests/framework/grade.sh
#   and tests/framework/lib/plant_bugs.py   the instructor's grader and its check (etc/grade/run_tests.py
#                                 and etc/grade_weights.txt stay: `make grade_labN` uses them)
#   etc/main_job.sh               the project's end-to-end job (benchmarks included)
# SPONGE_EXPORT_LATER_TESTS=1 keeps the later stages' tests and tests/modern (framework/starter_code
# runs them against the reference with a stage's minimal solution).
# The issue tracker's notes live outside the tree (the `issues` tool), so nothing to leave out.
set -euo pipefail

usage() {
    echo "usage: etc/export_stage.sh STAGE DESTDIR | etc/export_stage.sh --next STAGE REPO   (STAGE 0..6)" >&2
    exit 2
}
next=0
if [ "${1:-}" = --next ]; then
    next=1
    shift
fi
[ $# -eq 2 ] || usage
stage=${1#lab}
dest=$2
if ! [[ $stage =~ ^[0-6]$ ]]; then
    echo "export_stage: STAGE must be 0..6 (or lab0..lab6), not '$1'" >&2
    exit 2
fi
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for tool in git python3; do
    command -v $tool >/dev/null || {
        echo "export_stage: needs $tool" >&2
        exit 2
    }
done
# The starter commits have one author, whoever runs the export.
export GIT_AUTHOR_NAME="starter code" GIT_AUTHOR_EMAIL="starter@localhost"
export GIT_COMMITTER_NAME="starter code" GIT_COMMITTER_EMAIL="starter@localhost"
message="stage $stage starter code"
part_begin='^[[:space:]]*/\*[[:space:]]*LAB[0-9]+ BEGIN'

# The pictures the benchmark report shows.
bench_figures=" "
if [ -f "$src/docs/BENCHMARKS.md" ]; then
    bench_figures+=$(grep -o '([A-Za-z0-9_./-]*\.png)' "$src/docs/BENCHMARKS.md" | tr -d '()' |
        sed 's|^|docs/|' | tr '\n' ' ')
fi

# excluded FILE: true if FILE is not part of the stage's repository (the list above).
excluded() {
    local f=$1 m
    case $f in
    README.md | .ci/* | docs/BENCHMARKS.md | tests/solutions/* | tests/mutants/* | tests/instructor/* | \
        tests/framework/starter_code.sh | tests/framework/stub_stage.sh | tests/framework/student_repo.sh | \
        etc/export_stage.sh | etc/stub_stage.py | etc/grade.sh | etc/grade/sandbox.sh | etc/grade/jail.sh | \
        etc/grade/gradebook.py | tests/framework/grade.sh | tests/framework/lib/plant_bugs.py | etc/main_job.sh | \
        etc/mutant_check.sh | etc/mutants.cmake | etc/lib/parallel_tests.sh | tests/framework/parallel_tests.sh)
        return 0
        ;;
    esac
    [[ $bench_figures == *" $f "* ]] && return 0
    [ "${SPONGE_EXPORT_LATER_TESTS:-0}" = 1 ] && return 1
    [[ $f == tests/modern/* ]] && [ "$stage" -lt 4 ] && return 0
    if [[ $f =~ ^tests/lab([0-9]+)/ ]] || [[ $f =~ ^docs/labs/lab([0-9]+) ]]; then
        m=${BASH_REMATCH[1]}
        [ "$m" -gt "$stage" ] && [ "$m" -le 6 ] && return 0
    fi
    return 1
}

# student_readme: the README.md of the stage's repository.
student_readme() {
    cat <<EOF
# Lab $stage starter code

This repository is your code for the labs, at stage $stage. The handout of this stage is
[docs/labs/lab$stage.md](docs/labs/lab$stage.md): what to build, the rules the tests grade, and
how to test and debug. What every unit must provide (names, functions, behaviour) is in
[docs/labs/units.md](docs/labs/units.md).

The functions to write are stubs marked \`TODO(lab$stage)\` between the lines
\`/* LAB$stage BEGIN: ... */\` and \`/* LAB$stage END */\`; keep those lines, so that the next
stage's starter code merges cleanly. The parts of earlier stages are already written: yours,
kept by the merge of this stage's starter code (or the reference, in a repository that
starts at this stage).

Build (C11, CMake; Debian: \`apt-get install build-essential cmake libpcap-dev python3\`):

    cmake -S . -B build && make -C build -j2

Test this stage (and every earlier one):

    make -C build check_lab$stage

It prints a harness report for every failing test (the step, what was expected, what
happened), a table per stage and a closing "N passed, N failed" line.
EOF
    [ "$stage" -lt 6 ] && cat <<EOF

When the next stage's starter code is published, merge it into your repository and keep
going: \`git fetch origin && git merge origin/stage$((stage + 1))\`.
EOF
    return 0
}

# make_tree DIR [PARENT]: the stage's files into DIR; with PARENT (a commit of the repository in
# $gd), every part of a stage before STAGE is taken from PARENT's version of its file.
make_tree() {
    local out=$1 parent=${2:-} file k stubbed=0
    while IFS= read -r -d '' file; do
        [ -f "$src/$file" ] || continue # deleted in the working tree
        excluded "$file" && continue
        mkdir -p "$out/$(dirname "$file")"
        if [[ $file == *.[ch] ]] && grep -Eq "$part_begin" "$src/$file"; then
            python3 "$src/etc/stub_stage.py" "$stage" "$src/$file" >"$out/$file"
            cmp -s "$src/$file" "$out/$file" || stubbed=$((stubbed + 1))
            if [ -n "$parent" ] && git --git-dir="$gd" cat-file -e "$parent:$file" 2>/dev/null; then
                git --git-dir="$gd" show "$parent:$file" >"$tmp/parent_file"
                for ((k = 0; k < stage; k++)); do
                    grep -Eq "^[[:space:]]*/\*[[:space:]]*LAB$k BEGIN" "$out/$file" || continue
                    if ! python3 "$src/etc/stub_stage.py" --fill "$k" "$out/$file" "$tmp/parent_file" \
                        >"$tmp/filled"; then
                        echo "export_stage: $file: the LAB$k parts differ from the stage $((stage - 1)) starter's" >&2
                        return 1
                    fi
                    cp "$tmp/filled" "$out/$file"
                done
            fi
        else
            cp -p "$src/$file" "$out/$file"
        fi
    done < <(git -C "$src" ls-files -z)
    student_readme >"$out/README.md"
    echo "$stubbed"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ $next -eq 0 ]; then
    if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
        echo "export_stage: $dest exists and is not empty" >&2
        exit 2
    fi
    mkdir -p "$dest"
    stubbed=$(make_tree "$dest")
    git -C "$dest" init -q
    git -C "$dest" symbolic-ref HEAD refs/heads/main
    git -C "$dest" add -A
    git -C "$dest" commit -q -m "$message"
    git -C "$dest" branch "stage$stage"
    echo "exported lab$stage starter code to $dest: one commit, branch main (and stage$stage), $stubbed files with stubs"
    exit 0
fi

if [ "$stage" -eq 0 ]; then
    echo "export_stage: --next needs a stage after 0 (stage 0 is the first export)" >&2
    exit 2
fi
gd=$(git -C "$dest" rev-parse --absolute-git-dir 2>/dev/null) || {
    echo "export_stage: $dest is not a git repository" >&2
    exit 2
}
sgit() { git --git-dir="$gd" "$@"; } # the repository that gets the branch
prev="stage $((stage - 1)) starter code"
# The parent: branch stageN-1, else the newest commit on any ref with that starter message.
if ! parent=$(sgit rev-parse -q --verify "refs/heads/stage$((stage - 1))^{commit}"); then
    parent=$(sgit log --all --format='%H %s' | awk -v m="$prev" 'substr($0, 42) == m { print $1; exit }') || true
fi
if [ -z "$parent" ]; then
    echo "export_stage: $dest has no branch stage$((stage - 1)) and no commit \"$prev\"" >&2
    exit 2
fi
if sgit rev-parse -q --verify "refs/heads/stage$stage" >/dev/null; then
    echo "export_stage: $dest already has a branch stage$stage" >&2
    exit 2
fi
mkdir "$tmp/tree"
stubbed=$(make_tree "$tmp/tree" "$parent")
export GIT_INDEX_FILE=$tmp/index
sgit --work-tree="$tmp/tree" add -A
commit=$(sgit commit-tree -p "$parent" -m "$message" "$(sgit write-tree)")
sgit update-ref "refs/heads/stage$stage" "$commit"
echo "stage$stage in $dest: $(sgit diff --shortstat "$parent" "$commit" | sed 's/^ //') since the stage $((stage - 1)) starter; $stubbed files with stubs"
