# shellcheck shell=bash
# start(): a background program whose first line of output says it is ready (sourced by
# etc/topology_run.sh and tests/lab7/lib/two_routers.sh, not run itself).
#
# start NAME EXPECTED_PREFIX COMMAND...: runs COMMAND in the background with its stdout on the
# FIFO $work/NAME.out and its stderr in $work/NAME.err, adds its PID to the array `pids` (the
# caller stops them by PID) and sets started_pid, then waits (10 s at most) for its first line,
# which must start with EXPECTED_PREFIX. If it does not, calls the function named by
# $start_fail (default `fail`) with a one-line message; that function should exit (start exits
# with status 1 if it returns). The caller provides $work (a scratch directory) and `pids`.
# The FIFO stays open for reading, so the program never blocks or dies writing more lines.
# shellcheck disable=SC2154 # work: the caller's
start() {
    local name=$1 expect=$2 line fd
    shift 2
    mkfifo "$work/$name.out"
    "$@" >"$work/$name.out" 2>"$work/$name.err" &
    started_pid=$!
    pids+=("$started_pid")
    exec {fd}<"$work/$name.out"
    if ! read -r -t 10 line <&"$fd" || [ "${line#"$expect"}" = "$line" ]; then
        "${start_fail:-fail}" "$name did not print $expect within 10 s (got '${line:-}')"
        exit 1
    fi
}
