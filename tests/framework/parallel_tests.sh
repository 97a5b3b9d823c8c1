#!/usr/bin/env bash
# etc/lib/parallel_tests.sh (the mutant check's runner) finishes, with the right verdict, even
# when one of its jobs' exit status was collected behind its back. Once in CI (bash 5.2) the
# runner was left with a job that no longer existed and that `wait -n` would never report, and
# spun at full CPU until CI's time ran out. Here a stand-in for `wait` collects one status first.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [ "${1:-}" = __case ]; then # __case DIR EXES...: one run of the runner, prints its verdict
    shift
    # shellcheck source=etc/lib/parallel_tests.sh
    . "$ROOT/etc/lib/parallel_tests.sh"
    bdir=$1 jobs=2 timeout_s=4
    shift
    names=() exes=()
    for e in "$@"; do
        names+=("t${#names[@]}_$e")
        exes+=("$bdir/$e")
    done
    # The stand-in: on the first `wait -n`, once both running jobs have ended, one status is
    # taken away (as bash's own bookkeeping once did) before the real wait runs.
    swallowed=0
    # shellcheck disable=SC2317 # called by run_tests
    wait() {
        if [ "${1:-}" = -n ] && [ "$swallowed" = 0 ]; then
            swallowed=1
            sleep 0.3
            builtin wait -n
        fi
        builtin wait "$@"
    }
    run_tests
    echo "first_fail=[$first_fail]"
    exit 0
fi

work=$(mktemp -d /tmp/sponge_parallel_tests.XXXXXX)
trap 'rm -rf "$work"' EXIT
printf '#!/bin/sh\nexit 0\n' >"$work/pass"
printf '#!/bin/sh\nsleep 0.2\nexit 1\n' >"$work/fail_late"
chmod +x "$work/pass" "$work/fail_late"

# case_of WHAT EXPECTED_FIRST_FAIL EXES...: the runner over EXES, given 5 s.
case_of() {
    local what=$1 expect=$2 got rc=0
    shift 2
    got=$(timeout 5 bash "${BASH_SOURCE[0]}" __case "$work" "$@") || rc=$?
    [ $rc = 124 ] && got="(still running after 5 s)"
    if [ "$got" != "first_fail=[$expect]" ]; then
        echo "FAIL: parallel_tests: $what: expected first_fail=[$expect], got $got"
        exit 1
    fi
    echo "ok: parallel_tests: $what"
}
case_of "three passing tests, one status lost: all pass, no spin" "" pass pass pass
case_of "a failing test after a lost status: the failure is reported" "t2_fail_late" pass pass fail_late pass
echo "parallel_tests: 2 cases passed"
