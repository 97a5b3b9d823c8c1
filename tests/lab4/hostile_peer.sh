#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: a hostile peer (lib/hostile_peer.py, scapy) against our TCP listening on
# tun144 (tcp_ipv4 -l), each case in its own private network namespace (lib/netns.sh).
#   malformed        bad IP/TCP checksums, truncated and overlong headers, bad data offsets,
#                    options with bad lengths: no answer, counted by reason (the app's counters
#                    on stderr at exit), and the connection goes on working
#   window           data outside the window: answered with an ACK, not taken
#   bogus_ack        an ACK of data never sent: answered with an ACK, not taken
#   rst_inwindow     RSTs in the window but not at RCV.NXT: challenge ACKs, no reset (RFC 5961 3)
#   syn_established  SYNs on an established connection: challenge ACKs, no reset (RFC 5961 4)
#   rst_exact        a RST at exactly RCV.NXT: the app exits with "connection reset by peer"
# Every case but rst_exact ends with a clean close and checks the bytes our app received.
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
HOSTILE_PY=$(dirname "$0")/lib/hostile_peer.py

# hostile_run SCENARIO: our server (stdin a FIFO the hostile peer holds) and the hostile peer.
# Sets HOSTILE_RC_OURS and HOSTILE_RC_PEER; logs in $E2E_DIR/{ours.err,peer.out}.
hostile_run() {
    local d=$E2E_DIR
    e2e_setup_tun tun144 169.254.144.1/24
    mkfifo "$d/stdin"
    # The server opens the FIFO for reading once the peer opens it for writing.
    e2e_spawn ours "$d/stdin" "$d/got" "$E2E_BUILD/tcp_ipv4" -l -t "$E2E_RTO" 169.254.144.9 "$E2E_PORT"
    e2e_spawn peer /dev/null "$d/peer.out" /usr/bin/python3 "$HOSTILE_PY" --port "$E2E_PORT" --fifo "$d/stdin" \
        --expect-out "$d/want" "$1"
    HOSTILE_RC_OURS=0 HOSTILE_RC_PEER=0
    # shellcheck disable=SC2154 # set by e2e_spawn
    wait "$E2E_PID_peer" || HOSTILE_RC_PEER=$?
    # shellcheck disable=SC2154
    wait "$E2E_PID_ours" || HOSTILE_RC_OURS=$?
}

hostile_show_logs() {
    echo "  --- hostile peer:"
    sed 's/^/  /' "$E2E_DIR/peer.out" "$E2E_DIR/peer.err"
    echo "  --- our end (tcp_ipv4 -l) stderr:"
    tail -n 8 "$E2E_DIR/ours.err" | sed 's/^/  /'
}

# The peer passed every check, our end closed cleanly and received exactly what it should.
hostile_expect_clean() {
    local problems=""
    [ "$HOSTILE_RC_PEER" = 0 ] || problems+=" hostile peer: $(grep -m1 FAIL "$E2E_DIR/peer.out" || echo "exit $HOSTILE_RC_PEER");"
    [ "$HOSTILE_RC_OURS" = 0 ] || problems+=" our end exited $HOSTILE_RC_OURS;"
    if [ -f "$E2E_DIR/want" ] && ! cmp -s "$E2E_DIR/want" "$E2E_DIR/got"; then
        problems+=" our end received \"$(head -c 80 "$E2E_DIR/got")\", expected \"$(cat "$E2E_DIR/want")\";"
    fi
    if [ -n "$problems" ]; then
        echo "$problems"
        hostile_show_logs
        return 1
    fi
}

case_malformed() {
    hostile_run malformed
    hostile_expect_clean || return 1
    # The peer says how many of each kind it sent; the app's report must count at least those
    # (the kernel sends nothing else to 169.254.144.9 here, so in practice exactly those).
    local want report name n got
    want=$(sed -n 's/^expect-drops: //p' "$E2E_DIR/peer.out")
    report=$(grep -m1 '^tcp_ipv4: sent' "$E2E_DIR/ours.err")
    if [ -z "$want" ] || [ -z "$report" ]; then
        echo "missing counters (peer: '$want', app: '$report')"
        hostile_show_logs
        return 1
    fi
    for kv in $want; do
        name=${kv%=*} n=${kv#*=}
        got=$(grep -o " $name=[0-9]*" <<<"$report" | cut -d= -f2)
        if [ -z "$got" ] || [ "$got" -lt "$n" ]; then
            echo "counter $name is ${got:-missing}, expected at least $n; report: $report"
            return 1
        fi
    done
}

case_peer() {
    hostile_run "$1"
    hostile_expect_clean
}

case_rst_exact() {
    hostile_run rst_exact
    local last
    last=$(tail -n 1 "$E2E_DIR/ours.err")
    if [ "$HOSTILE_RC_PEER" != 0 ] || [ "$HOSTILE_RC_OURS" = 0 ] || [ "$last" != "tcp_ipv4: connection reset by peer" ]; then
        echo "peer exit $HOSTILE_RC_PEER, our exit $HOSTILE_RC_OURS (want non-zero), last line \"$last\" (want the reset line)"
        hostile_show_logs
        return 1
    fi
    cmp -s "$E2E_DIR/want" "$E2E_DIR/got" || { echo "data before the reset did not arrive"; return 1; }
}

E2E_TOOLS=(/usr/bin/python3)
E2E_DEADLINE=${E2E_DEADLINE:-60}
E2E_CASES=(
    "malformed"
    "peer window"
    "peer bogus_ack"
    "peer rst_inwindow"
    "peer syn_established"
    "rst_exact"
)
if [ "${1:-}" != __case ] && ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
    echo "SKIP: Debian's python3-scapy is not installed (/usr/bin/python3 cannot import scapy)"
    exit 77
fi
e2e_main "$@"
