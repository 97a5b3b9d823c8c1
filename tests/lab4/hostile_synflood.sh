#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: SYN floods against our single-connection listener in lab mode (tcp_ipv4 -l
# --lab on tun144, CS144's listener), then a legitimate client (socat, the kernel's TCP) must
# still be served. (The modern listener answers SYNs with cookies and is never locked by one:
# tests/modern/hostile_cookie_flood.sh.)
#
# What the listener does (defined here, asserted below): the first SYN fixes its peer and
# puts it in SYN_RCVD; SYNs from anyone else meanwhile are dropped and counted (other_peer);
# if that half-open handshake is reset or never acknowledged (its SYN was spoofed), the
# listener goes back to LISTEN ("listening again" on stderr) and the next SYN gets a chance.
#   flood    10,000 SYNs from random ports of 169.254.144.1 (the kernel's own address, which
#            answers each of our SYN+ACKs with a RST); the app's RSS must not grow by more
#            than 4 MiB, then a socat client sends 256 KiB that must arrive intact
#   spoofed  one SYN from 169.254.144.77 (nobody's address): our SYN+ACK is retransmitted
#            until it gives up (RTO 20 ms, about 10 s), then a socat client is served
# rules: L4.R25
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
HOSTILE_PY=$(dirname "$0")/lib/hostile_peer.py
FLOOD_MAX_RSS_GROWTH_KB=4096

rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# flood_case SCENARIO RTO: our listener, the hostile scenario, then a legitimate client.
flood_case() {
    local scenario=$1 rto=$2 d=$E2E_DIR
    e2e_setup_tun tun144 169.254.144.1/24
    head -c 262144 /dev/urandom >"$d/data"
    # In a Sanitize build, ASan's quarantine would hold every freed connection's buffers (up
    # to 256 MiB) to catch use after free, and RSS would measure that instead of our memory.
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 \
        e2e_spawn ours /dev/null "$d/got" "$E2E_BUILD/tcp_ipv4" --lab -l -t "$rto" 169.254.144.9 "$E2E_PORT"
    e2e_wait_for e2e_tun_attached tun144 || { echo "our listener did not attach to tun144"; return 1; }
    # shellcheck disable=SC2154 # set by e2e_spawn
    local pid=$E2E_PID_ours before after
    before=$(rss_kb "$pid")
    local rc=0
    /usr/bin/python3 "$HOSTILE_PY" --port "$E2E_PORT" "$scenario" >"$d/peer.out" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { echo "hostile peer failed:"; cat "$d/peer.out"; return 1; }
    after=$(rss_kb "$pid") || { echo "our listener died during the $scenario"; tail -n 5 "$d/ours.err"; return 1; }
    echo "RSS of our listener: $before kB before, $after kB after the $scenario"
    if [ $((after - before)) -gt "$FLOOD_MAX_RSS_GROWTH_KB" ]; then
        echo "RSS grew by $((after - before)) kB (limit $FLOOD_MAX_RSS_GROWTH_KB kB)"
        return 1
    fi
    local start=$EPOCHREALTIME
    e2e_spawn client "$d/data" /dev/null socat -t 30 -u STDIO "TCP:169.254.144.9:$E2E_PORT"
    local rc_client=0 rc_ours=0
    # shellcheck disable=SC2154
    wait "$E2E_PID_client" || rc_client=$?
    wait "$pid" || rc_ours=$?
    echo "legitimate client served in $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
    local problems=""
    [ "$rc_client" = 0 ] || problems+=" socat exited $rc_client;"
    [ "$rc_ours" = 0 ] || problems+=" our listener exited $rc_ours;"
    cmp -s "$d/data" "$d/got" || problems+=" our listener received $(stat -c %s "$d/got") bytes, not the client's 262144;"
    grep -q 'listening again$' "$d/ours.err" || problems+=" the listener never went back to LISTEN;"
    if [ -n "$problems" ]; then
        echo "$problems"
        cat "$d/peer.out"
        grep -v 'listening again' "$d/ours.err" | tail -n 8
        return 1
    fi
    echo "listener went back to LISTEN $(grep -c 'listening again$' "$d/ours.err") times"
}

case_flood() {
    flood_case synflood "$E2E_RTO" || return 1
    # The last attempt's counters: SYNs that came while a handshake was pending were dropped.
    grep '^tcp_ipv4: sent' "$E2E_DIR/ours.err" | tail -n 1
}

case_spoofed() {
    flood_case spoofed_syn 20
}

E2E_TOOLS=(/usr/bin/python3 socat)
E2E_DEADLINE=${E2E_DEADLINE:-120}
E2E_CASES=(
    "flood"
    "spoofed"
)
if [ "${1:-}" != __case ] && ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
    echo "SKIP: Debian's python3-scapy is not installed (/usr/bin/python3 cannot import scapy)"
    exit 77
fi
e2e_main "$@"
