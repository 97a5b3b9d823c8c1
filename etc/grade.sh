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
#    outside the tree fails, and nothing else does.
#  - weights come from etc/grade_weights.txt (REGEX WEIGHT, first match wins, default 1).
#  - writes OUT/NAME/results.json (Gradescope autograder), OUT/NAME/junit.xml, and
#    OUT/gradebook.csv (one row per submission, one column per test); prints each scorecard.
#    NAME is the submission directory's name.
# Options: -s STAGE (0..7, default 1), -o OUT (default ./grades), -t SECONDS per test (default
# 30), -m MIB of address space per test (default 1024), -d MIB of disk for the tree (default
# 1024). On Gradescope, run_autograder calls `etc/grade.sh -s N -o /tmp/grades
# /autograder/submission` and copies /tmp/grades/submission/results.json to
# /autograder/results/results.json. Needs root (namespaces, mounts, setpriv). A student runs
# `make grade` instead (the same scorecard from the public tests, no sandbox).
set -euo pipefail

usage() {
    echo "usage: etc/grade.sh [-s STAGE] [-o OUT] [-t SECONDS] [-m MIB] [-d MIB] SUBMISSION..." >&2
    exit 2
}
stage=1
out=grades
time_limit=30
mem_mib=1024
disk_mib=1024
while getopts 's:o:t:m:d:h' opt; do
    case $opt in
    s) stage=${OPTARG#lab} ;;
    o) out=$OPTARG ;;
    t) time_limit=$OPTARG ;;
    m) mem_mib=$OPTARG ;;
    d) disk_mib=$OPTARG ;;
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
while IFS= read -r -d '' f; do
    [ -f "$src/$f" ] || continue
    [[ $f == tests/solutions/* ]] && continue
    if [[ $f == *.[ch] ]] && grep -Eq '^[[:space:]]*/\*[[:space:]]*LAB[0-9]+ BEGIN' "$src/$f"; then
        continue # the student's
    fi
    printf '%s\0' "$f" >>"$work/instructor_files"
done <"$work/files"

declare -A seen=()
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
    unshare --mount --net --propagation private \
        bash "$src/etc/grade/sandbox.sh" "$src" "$(cd "$sub" && pwd)" "$work" "$out/$name" "$name" "$stage" \
        "$time_limit" "$mem_mib" "$disk_mib" "$user" || {
        echo "grade: the grader failed on $sub (see above)" >&2
        exit 1
    }
    summaries+=("$out/$name/summary.json")
done
python3 "$src/etc/grade/gradebook.py" "$out/gradebook.csv" "${summaries[@]}"
echo "grades: $out (gradebook.csv; NAME/results.json, NAME/junit.xml)"
