#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: failures are one line on stderr and a non-zero exit. A connect the kernel
# refuses (RST), a connect nobody answers (timeout), a peer that resets an open connection
# while our stdin is idle, a missing TUN device, and bad arguments.
# Namespace setup and case runner: lib/netns.sh.
# rules: L4.R24 L4.R3 L4.R7 L4.R10
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"

# expect_failure NAME PATTERN: NAME's exit status is non-zero and its last stderr line matches.
expect_failure() {
    local rc=$1 err=$2 pattern=$3 last
    last=$(tail -n 1 "$err")
    if [ "$rc" = 0 ]; then
        echo "exited 0, expected a failure; last stderr line: $last"
        return 1
    fi
    if ! grep -Eq -- "$pattern" <<<"$last"; then
        echo "exit $rc, but the last stderr line \"$last\" does not match /$pattern/"
        return 1
    fi
    return 0
}

# Our client on tun144 connects to a kernel port where nobody listens: the kernel answers RST.
case_refused() {
    e2e_setup_tun tun144 169.254.144.1/24
    local rc=0
    setpriv --pdeathsig KILL "$E2E_BUILD/tcp_ipv4" -t "$E2E_RTO" 169.254.144.1 9091 </dev/null >/dev/null \
        2>"$E2E_DIR/err" || rc=$?
    expect_failure "$rc" "$E2E_DIR/err" '^tcp_ipv4: connect to 169\.254\.144\.1:9091 failed: connection refused'
}

# Our client over UDP to a port where nothing answers: SYN retransmitted, then given up.
case_no_answer() {
    local rc=0
    setpriv --pdeathsig KILL "$E2E_BUILD/tcp_udp" -t 5 127.0.0.1 9092 </dev/null >/dev/null 2>"$E2E_DIR/err" || rc=$?
    expect_failure "$rc" "$E2E_DIR/err" '^tcp_udp: connect to 127\.0\.0\.1:9092 failed: no answer'
}

# A kernel server accepts, then closes with SO_LINGER 0 (a RST) while our stdin is idle.
case_peer_reset() {
    e2e_setup_tun tun144 169.254.144.1/24
    local d=$E2E_DIR
    e2e_spawn server /dev/null "$d/server.out" python3 -c '
import socket, struct
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("169.254.144.1", 9093)); s.listen(1)
c, _ = s.accept()
assert c.recv(5) == b"hello"
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
'
    e2e_wait_for e2e_tcp_listening 9093 || { echo "python server did not come up"; return 1; }
    # stdin: a FIFO we hold open and never close, so our end stays open and idle.
    mkfifo "$d/in"
    exec 3<>"$d/in"
    printf hello >&3
    local rc=0
    setpriv --pdeathsig KILL "$E2E_BUILD/tcp_ipv4" -t "$E2E_RTO" 169.254.144.1 9093 <"$d/in" >/dev/null \
        2>"$d/err" || rc=$?
    exec 3>&-
    expect_failure "$rc" "$d/err" '^tcp_ipv4: connection reset by peer$'
}

case_no_device() {
    local rc=0
    "$E2E_BUILD/tcp_ipv4" -d tun999 169.254.144.1 9090 </dev/null >/dev/null 2>"$E2E_DIR/err" || rc=$?
    expect_failure "$rc" "$E2E_DIR/err" '^tcp_ipv4: TUN device tun999 does not exist'
}

case_bad_args() {
    local rc=0 cmd
    for cmd in "tcp_ipv4 -w 0 169.254.144.1 9090" "tcp_udp -Lu 1.5 127.0.0.1 9090" "tcp_udp 127.0.0.1" \
        "tcp_native -t 10 127.0.0.1 9090" "tcp_ipv4 169.254.144.1 99999"; do
        rc=0
        # shellcheck disable=SC2086
        "$E2E_BUILD"/$cmd </dev/null >/dev/null 2>"$E2E_DIR/err" || rc=$?
        expect_failure "$rc" "$E2E_DIR/err" "^${cmd%% *}: .*usage: " || { echo "($cmd)"; return 1; }
        [ "$(wc -l <"$E2E_DIR/err")" = 1 ] || { echo "$cmd: more than one line on stderr"; return 1; }
    done
}

E2E_TOOLS=(python3)
E2E_CASES=(
    "refused"
    "no_answer"
    "peer_reset"
    "no_device"
    "bad_args"
)
e2e_main "$@"
