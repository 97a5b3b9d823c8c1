# shellcheck shell=bash
# The hostile peer's cases (lib/hostile_peer.py, scapy) against our TCP listening on tun144
# (tcp_ipv4 -l), for tests/lab4/hostile_peer.sh (lab mode) and tests/modern/hostile_rfc5961.sh
# (modern mode). Source lib/netns.sh first, and set the array HOSTILE_APP_FLAGS (the app's mode:
# (--lab) or ()) before sourcing this.
HOSTILE_PY=$(dirname "${BASH_SOURCE[0]}")/hostile_peer.py

# hostile_run SCENARIO: our server (stdin a FIFO the hostile peer holds) and the hostile peer.
# Sets HOSTILE_RC_OURS and HOSTILE_RC_PEER; logs in $E2E_DIR/{ours.err,peer.out}.
hostile_run() {
    local d=$E2E_DIR
    e2e_setup_tun tun144 169.254.144.1/24
    mkfifo "$d/stdin"
    # The server opens the FIFO for reading once the peer opens it for writing.
    e2e_spawn ours "$d/stdin" "$d/got" "$E2E_BUILD/tcp_ipv4" "${HOSTILE_APP_FLAGS[@]}" -l -t "$E2E_RTO" \
        169.254.144.9 "$E2E_PORT"
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
    echo "  --- our end (tcp_ipv4 ${HOSTILE_APP_FLAGS[*]} -l) stderr:"
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

# case_peer SCENARIO: the scenario ends with a clean close.
case_peer() {
    hostile_run "$1"
    hostile_expect_clean
}

# case_reset SCENARIO: the scenario ends with a RST our end accepts: the app exits non-zero
# with the reset line, after receiving the data sent before it.
case_reset() {
    hostile_run "$1"
    local last
    last=$(tail -n 1 "$E2E_DIR/ours.err")
    if [ "$HOSTILE_RC_PEER" != 0 ] || [ "$HOSTILE_RC_OURS" = 0 ] || [ "$last" != "tcp_ipv4: connection reset by peer" ]; then
        echo "peer exit $HOSTILE_RC_PEER, our exit $HOSTILE_RC_OURS (want non-zero), last line \"$last\" (want the reset line)"
        hostile_show_logs
        return 1
    fi
    cmp -s "$E2E_DIR/want" "$E2E_DIR/got" || { echo "data before the reset did not arrive"; return 1; }
}

# Skips the whole script (exit 77) without scapy.
hostile_need_scapy() {
    if [ "${1:-}" != __case ] && ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
        echo "SKIP: Debian's python3-scapy is not installed (/usr/bin/python3 cannot import scapy)"
        exit 77
    fi
}
