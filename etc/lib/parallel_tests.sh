# shellcheck shell=bash
# run_tests(): a stage's test executables, a few at a time, stopping at the first failure
# (sourced by etc/mutant_check.sh and tests/framework/parallel_tests.sh, not run itself).
#
# The caller sets names[] (test names) and exes[] (their executables, run in $bdir), $jobs (how
# many at a time) and $timeout_s (each test's limit). run_tests sets first_fail to the first
# failing test's name, "NAME (timeout)" if it ran out of time, or "" if all passed.
# shellcheck disable=SC2154 # names, exes, jobs, timeout_s, bdir: the caller's
run_tests() {
    local -A running=() # PID -> index into names[]/exes[]
    local i=0 k pid status me=$BASHPID
    first_fail=""
    while :; do
        while [ -z "$first_fail" ] && [ $i -lt ${#names[@]} ] && [ ${#running[@]} -lt "$jobs" ]; do
            run_one "$i" &
            running[$!]=$i
            i=$((i + 1))
        done
        [ ${#running[@]} -eq 0 ] && break
        pid=""
        wait -n -p pid
        status=$?
        if [ -z "${pid:-}" ] || [ -z "${running[$pid]+set}" ]; then
            # None of ours. If one of ours has ended all the same, its status was collected
            # elsewhere and `wait -n` will never report it (seen once in CI, bash 5.2): run that
            # test again, here, for its status. If `wait -n` had nothing to wait for, wait a
            # moment rather than spin.
            local other=${pid:-}
            pid=$(gone_job "$me")
            if [ -z "$pid" ]; then
                [ -n "$other" ] || sleep 0.05
                continue
            fi
            run_one "${running[$pid]}"
            status=$?
        fi
        k=${running[$pid]}
        unset "running[$pid]"
        if [ $status -ne 0 ] && [ -z "$first_fail" ]; then
            first_fail=${names[$k]}
            [ $status -eq 124 ] && first_fail="${names[$k]} (timeout)"
            for pid in "${!running[@]}"; do
                kill "$pid" 2>/dev/null
            done
        fi
    done
}

# run_one K: runs test K in $bdir under its time limit; returns its status (124: timed out).
run_one() {
    (cd "$bdir" && exec timeout -k 2 "$timeout_s" "${exes[$1]}") >/dev/null 2>&1
}

# gone_job SHELL_PID: prints a PID of running[] (run_tests') that is no longer a child of that
# shell (a child that has ended but is not yet waited for is still one).
gone_job() {
    local p ppid rest
    for p in "${!running[@]}"; do
        ppid=""
        if [ -r "/proc/$p/stat" ]; then
            read -r rest <"/proc/$p/stat" 2>/dev/null || rest=""
            rest=${rest##*) } # past "PID (COMM) "
            ppid=${rest#* }
            ppid=${ppid%% *}
        fi
        if [ "$ppid" != "$1" ]; then
            echo "$p"
            return
        fi
    done
}
