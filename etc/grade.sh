#!/usr/bin/env bash
# The instructor's grader: etc/grade.sh [options] SUBMISSION...
#
# Grades each SUBMISSION (a student's repository or a plain directory holding their tree) for
# one lab stage, one submission after another:
#  - the graded tree is the student's files with LAB parts (and any new libsponge/ file they
#    added) under the instructor's everything else: tests/ (with the instructor-only tests in
#    tests/instructor/labN/, which the export never ships), etc/, the harness, CMake files, the
#    given code. A student cannot change what grades them.
#  - it is built and its lab0..labN tests run (script tests left out) in a private mount and
#    network namespace (no network), on size-limited tmpfs mounts (the tree, /tmp, /var/tmp,
#    /dev/shm) that vanish with the namespace, as the unprivileged user sponge-grader (created
#    if missing), each test alone in its own pid namespace under a time, memory, file-size and
#    process-count limit. A test that hangs, crashes, forks away, fills the disk or writes
#    outside the tree loses the marks of the cases it did not pass, and nothing else does.
#  - weights come from etc/grade_weights.txt (REGEX WEIGHT, first match wins, default 1).
#  - partial credit: a test scores weight x (cases passed / cases expected). The expected cases
#    are those the reference passes: first, the instructor's own tree (this one, with its
#    reference parts) is graded the same way into OUT/reference/, which must pass every test,
#    and the names of each test's cases are kept in OUT/cases.json (-c FILE reuses such a file
#    and skips that run). A case passes when the harness writes its pass line, with the run's
#    fresh nonce, to the grading record (etc/grade/run_tests.py, tests/harness/harness_record.h),
#    so a submission that exits 0 early (exit(0) in a constructor) scores nothing.
#  - review: lines of the student's files that could cheat the harness (constructors, exit
#    calls, the grading record's names, /proc, raw syscalls, ...) go to OUT/NAME/review.txt
#    and the gradebook's review column, for a person to read; they do not change the score.
#  - limits of the record: the student's code runs inside the test's process and the harness's
#    source is public, so code written to forge the record can: read the nonce from its pipe
#    before the first case does (or from the harness's memory after), or call harness_begin and
#    harness_end itself with the right case names (the hidden tests' names are in the binary).
#    The record turns a one-line cheat into deliberate work against a documented mechanism, and
#    review.txt shows the lines that work needs; it does not make forging impossible. A failing
#    case ends its test binary, so the cases after it count as not passed even if they would.
#  - writes OUT/NAME/results.json (Gradescope autograder), OUT/NAME/junit.xml, and
#    OUT/gradebook.csv (one row per submission, one column per test); prints each scorecard.
#    NAME is the submission directory's name.
# Options: -s STAGE (0..7, default 1), -o OUT (default ./grades), -t SECONDS per test (default
# 30), -m MIB of address space per test (default 1024), -d MIB of disk for the tree (default
# 1024), -c CASES (the reference's case lists from an earlier run, OUT/cases.json). On
# Gradescope, run_autograder calls `etc/grade.sh -s N -c /autograder/source/cases.json -o
# /tmp/grades /autograder/submission` (cases.json recorded once by the instructor for stage N)
# and copies /tmp/grades/submission/results.json to /autograder/results/results.json. Needs
# root (namespaces, mounts, setpriv). A student runs `make grade` instead (the same scorecard
# from the public tests, no sandbox, no reference: partial credit there is approximate).
set -euo pipefail

usage() {
    echo "usage: etc/grade.sh [-s STAGE] [-o OUT] [-t SECONDS] [-m MIB] [-d MIB] [-c CASES] SUBMISSION..." >&2
    exit 2
}
stage=1
out=grades
time_limit=30
mem_mib=1024
disk_mib=1024
cases=
while getopts 's:o:t:m:d:c:h' opt; do
    case $opt in
    s) stage=${OPTARG#lab} ;;
    o) out=$OPTARG ;;
    t) time_limit=$OPTARG ;;
    m) mem_mib=$OPTARG ;;
    d) disk_mib=$OPTARG ;;
    c) cases=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
[[ $stage =~ ^[0-7]$ ]] || {
    echo "grade: STAGE must be 0..7, not '$stage'" >&2
    exit 2
}
for n in "$time_limit" "$mem_mib" "$disk_mib"; do
    [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || {
        echo "grade: limits are positive integers, not '$n'" >&2
        exit 2
    }
done
if [ -n "$cases" ]; then
    [ -f "$cases" ] || {
        echo "grade: no case lists $cases" >&2
        exit 2
    }
    cases=$(cd "$(dirname "$cases")" && pwd)/$(basename "$cases")
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "grade: needs root (private namespaces, tmpfs mounts, an unprivileged grading user)" >&2
    exit 2
fi
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
user=sponge-grader
if ! id "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

# The instructor's tracked files, and which of them hold student parts (as the export decides).
git -C "$src" ls-files -z --cached --others --exclude-standard >"$work/files" # new instructor files count too
: >"$work/instructor_files"
: >"$work/student_files"
declare -A instructor=()
while IFS= read -r -d '' f; do
    [ -f "$src/$f" ] || continue
    [[ $f == tests/solutions/* ]] && continue
    if [[ $f == *.[ch] ]] && grep -Eq '^[[:space:]]*/\*[[:space:]]*LAB[0-9]+ BEGIN' "$src/$f"; then
        printf '%s\0' "$f" >>"$work/student_files" # the student's
        continue
    fi
    printf '%s\0' "$f" >>"$work/instructor_files"
    instructor[$f]=1
done <"$work/files"

# grade_one SUBMISSION NAME CASES_MODE CASES: one submission in its sandbox, into OUT/NAME.
grade_one() {
    mkdir -p "$out/$2"
    unshare --mount --net --propagation private \
        bash "$src/etc/grade/sandbox.sh" "$src" "$(cd "$1" && pwd)" "$work" "$out/$2" "$2" "$stage" \
        "$time_limit" "$mem_mib" "$disk_mib" "$user" "$3" "$4"
}

# The lines of a submission's own C files (those the instructor's tree does not replace) that
# could cheat the harness or the grading record, for a person to read.
# Run in the submission's directory.
suspect='__attribute__[[:space:]]*\(\(.*(constructor|destructor)|\.(init|fini)_array|\.ctors|SPONGE_GRADE|sponge-grade'
suspect+='|/proc/|\b(__asm__|asm)\b|\b(atexit|at_quick_exit|on_exit|exit|_exit|_Exit|quick_exit|dup2|dup3|close_range'
suspect+='|syscall|dlsym|dlopen|ptrace|fork|vfork|execve?|execl|execvp|system|popen)[[:space:]]*\('
review() {
    local f
    while IFS= read -r -d '' f; do
        f=${f#./}
        [ -n "${instructor[$f]:-}" ] && continue
        grep -nHE "$suspect" "$f" || true
    done < <(find . -path ./.git -prune -o -path './build*' -prune -o -type f -name '*.[ch]' -print0 | sort -z)
}

if [ -z "$cases" ]; then
    # The reference: the instructor's tree with its own student parts, graded like a submission.
    mkdir -p "$work/reference"
    (cd "$src" && tar --null -T "$work/student_files" -cf -) | tar -C "$work/reference" -xf -
    cases=$out/cases.json
    grade_one "$work/reference" reference --record-cases "$cases" >"$work/reference.log" 2>&1 || {
        tail -n 30 "$work/reference.log" >&2
        echo "grade: the reference tree does not pass its own tests (above; $out/reference/build.log)" >&2
        exit 1
    }
    echo "reference: every test passes; case lists in $cases"
fi

declare -A seen=([reference]=1)
summaries=()
for sub in "$@"; do
    if [ ! -d "$sub" ]; then
        echo "grade: $sub is not a directory" >&2
        exit 2
    fi
    name=$(basename "$(cd "$sub" && pwd)")
    [ -n "${seen[$name]:-}" ] && name="$name-$((${#summaries[@]} + 1))"
    seen[$name]=1
    mkdir -p "$out/$name"
    (cd "$sub" && review) >"$out/$name/review.txt"
    if [ -s "$out/$name/review.txt" ]; then
        echo "review $name: $(wc -l <"$out/$name/review.txt") line(s) to read in $out/$name/review.txt"
    fi
    grade_one "$sub" "$name" --cases "$cases" || {
        echo "grade: the grader failed on $sub (see above)" >&2
        exit 1
    }
    summaries+=("$out/$name/summary.json")
done
python3 "$src/etc/grade/gradebook.py" "$out/gradebook.csv" "${summaries[@]}"
echo "grades: $out (gradebook.csv; NAME/results.json, NAME/junit.xml)"
