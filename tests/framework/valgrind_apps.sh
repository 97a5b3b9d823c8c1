#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Every app under valgrind (memcheck) in one end-to-end case each, reusing the other tests'
# setups through SPONGE_WRAP (each case in its own private network namespace, ../lab4/lib/netns.sh).
# A case passes only if its own checks pass AND valgrind ran each app it names to the end with
# no error: every valgrind log of the case ends with "ERROR SUMMARY: 0 errors" (invalid reads
# and writes, uses of uninitialised values, bad frees, and definitely lost blocks, which
# --errors-for-leak-kinds=definite makes errors), and every app the case names appears in one.
# --error-exitcode also makes a failing app exit non-zero, which the reused checks see.
# Runs against the Release build; in a Sanitize build (ASan and valgrind do not mix) it skips.
# shellcheck source=../lab4/lib/netns.sh
source "$(dirname "$0")/../lab4/lib/netns.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)

# vg_begin NAME: from here on our programs run under valgrind, logging to $E2E_DIR/vg/PID.log.
vg_begin() {
    mkdir -p "$E2E_DIR/vg"
    E2E_WRAP=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
        --show-leak-kinds=definite --log-file="$E2E_DIR/vg/%p.log")
    export SPONGE_WRAP="${E2E_WRAP[*]}" # for the scripts a case runs
}

# vg_end APP...: every valgrind log is complete and clean, and each APP ran under valgrind.
vg_end() {
    local log app problems="" ran=""
    for log in "$E2E_DIR"/vg/*.log; do
        [ -e "$log" ] || continue
        app=$(sed -n 's/^==[0-9]*== Command: \([^ ]*\).*/\1/p' "$log")
        ran+=" ${app##*/}"
        if ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
            if grep -q 'ERROR SUMMARY' "$log"; then
                problems+=" ${app##*/}: $(sed -n 's/^==[0-9]*== ERROR SUMMARY: //p' "$log");"
            else
                problems+=" ${app##*/}: valgrind did not finish (killed?);"
            fi
            echo "--- valgrind log of ${app##*/}:"
            grep -v -e '^==[0-9]*== *$' "$log" | sed -n '1,60p'
        fi
    done
    for app in "$@"; do
        [[ " $ran " == *" $app "* ]] || problems+=" $app never ran under valgrind;"
    done
    if [ -z "$problems" ]; then
        echo "NOTE: valgrind: no error in$ran"
        return 0
    fi
    echo "valgrind:$problems"
    return 1
}

# vg_script SCRIPT [ARGS...]: another test script, its programs under valgrind.
vg_script() {
    local script=$1 out=$E2E_DIR/script.out
    shift
    if ! bash "$SRC/tests/$script" "$@" >"$out" 2>&1; then
        echo "$script $* failed:"
        tail -n 20 "$out"
        return 1
    fi
}

case_tcp() { # KIND ROLE DIRECTION SIZE WINDOW LOSS -- APPS...: a lib/netns.sh case
    local -a spec=()
    while [ "$1" != -- ]; do spec+=("$1") && shift; done
    shift
    vg_begin
    # e2e_case sets its own EXIT trap and directory: keep ours.
    local dir=$E2E_DIR rc=0
    (e2e_case "${spec[@]}") || rc=1
    E2E_DIR=$dir
    vg_end "$@" && [ "$rc" = 0 ]
}

case_webget() {
    e2e_setup_tun tun144 169.254.144.1/24
    vg_begin
    e2e_webget_case 169.254.144.1 && vg_end webget
}

case_benchmark() {
    vg_begin
    "${E2E_WRAP[@]}" "$E2E_BUILD/tcp_benchmark" -n 262144 >/dev/null 2>"$E2E_DIR/bench.err" ||
        { echo "tcp_benchmark failed: $(tail -n 1 "$E2E_DIR/bench.err")"; vg_end; return 1; }
    vg_end tcp_benchmark
}

case_tun_throughput() {
    local d=$E2E_DIR p=$E2E_PORT
    e2e_setup_tun tun144 169.254.144.1/24
    vg_begin
    e2e_spawn peer /dev/null "$d/got" socat -u "TCP-LISTEN:$p,bind=169.254.144.1,reuseaddr" STDOUT
    e2e_wait_for e2e_tcp_listening "$p" || { echo "socat did not listen"; return 1; }
    local rc=0
    TUN_DEV=tun144 "${E2E_WRAP[@]}" "$E2E_BUILD/tun_throughput" send 169.254.144.1 "$p" 262144 >"$d/result" \
        2>"$d/tput.err" || rc=$?
    # shellcheck disable=SC2154 # set by e2e_spawn
    wait "$E2E_PID_peer" || { echo "socat failed"; return 1; }
    [ "$rc" = 0 ] || { echo "tun_throughput exited $rc: $(tail -n 1 "$d/tput.err")"; vg_end; return 1; }
    local want got
    want=$(sed -n 's/^RESULT .*sha256=\([0-9a-f]*\).*/\1/p' "$d/result")
    got=$(sha256sum <"$d/got" | cut -d' ' -f1)
    if [ -z "$want" ] || [ "$want" != "$got" ]; then
        echo "socat got $(stat -c %s "$d/got") bytes, sha256 $got; tun_throughput sent sha256 '$want'"
        return 1
    fi
    vg_end tun_throughput
}

case_script() { # SCRIPT APPS...: another script test, whole
    local script=$1
    shift
    vg_begin
    vg_script "$script" || { vg_end; return 1; }
    vg_end "$@"
}

case_host() { # the multi-connection host: a server for kernel clients, then clients of kernel servers
    vg_begin
    vg_script lab4/host_e2e.sh __case "server 100 20 1000" || { vg_end; return 1; }
    vg_script lab4/host_e2e.sh __case "clients 4 20000" || { vg_end; return 1; }
    vg_end tcp_server conn_load tcp_clients
}

case_two_stacks() {
    vg_begin
    vg_script lab7/two_stacks_udp_relay.sh __case "two_stacks $1" || { vg_end; return 1; }
    vg_end udp_relay lab7
}

if [ "${1:-}" != __case ]; then
    if grep -qs '^CMAKE_BUILD_TYPE:[A-Z]*=Sanitize$' "$E2E_BUILD/CMakeCache.txt"; then
        echo "SKIP: $E2E_BUILD is a Sanitize build (valgrind cannot run ASan programs; this runs in Release)"
        exit 77
    fi
    command -v valgrind >/dev/null || { echo "FAIL: valgrind is not installed (etc/deps.sh installs it)"; exit 1; }
fi

# lib/impaired.sh: case_impaired and its helpers, 256 KiB each way here.
IMPAIRED_SIZE=262144
# shellcheck source=../lab4/lib/impaired.sh
source "$(dirname "$0")/../lab4/lib/impaired.sh"
case_relay() { # lib/impaired.sh's case
    vg_begin
    case_impaired "$@" >"$E2E_DIR/impaired.out" || { cat "$E2E_DIR/impaired.out"; vg_end; return 1; }
    vg_end impair_relay tcp_ipv4
}

E2E_TOOLS=(valgrind socat python3 nsenter curl ping)
# Valgrind runs a program some 20-50 times slower; the cases are small, the deadline generous.
E2E_DEADLINE=150
E2E_CASES=(
    "tcp udp client duplex 65536 default none -- tcp_udp"
    "tcp native server duplex 65536 default none -- tcp_ipv4 tcp_native"
    "tcp tap_socat client duplex 65536 default none -- tcp_ip_ethernet"
    "webget"
    "benchmark"
    "tun_throughput"
    "relay delay 14 -d 20"
    "two_stacks 1048576"
    "host"
    "script lab6/network_simulator.sh network_simulator"
    "script lab7/router_topology.sh router"
    "script lab4/udp_tcpdump.sh udp_tcpdump tcp_udp"
    "script lab2/wire_kernel_packets.sh tun_capture_check"
    "script lab5/wire_kernel_frames.sh tap_capture_check"
)
e2e_main "$@"
