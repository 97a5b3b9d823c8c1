#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Beyond the labs, end to end: SYN floods survived, not just bounded (RFC 4987), in modern mode.
# 10,000 SYNs from random ports of 169.254.144.77 (an address nobody owns: our SYN+ACKs are
# never answered, not even with a RST; scapy, lib/hostile_peer.py synflood_unanswered), then a
# legitimate kernel client (socat; the kernel retries its SYN after 1 s) must complete its
# handshake within 3 s and move 64 KiB byte-exact, while our process's RSS stays within 64 MiB.
#   server    build/tcp_server (tcp_host, backlog 64): the flood fills the 64 half-open places,
#             the rest and the client get SYN cookies; the client's data comes back (echo)
#   listener  build/tcp_ipv4 -l (one connection): a SYN must not lock the listener onto a peer
#             that never completes; the first connection to complete is the one taken
# shellcheck source=../lab4/lib/netns.sh
source "$(dirname "$0")/../lab4/lib/netns.sh"
HOSTILE_PY=$(dirname "$0")/../lab4/lib/hostile_peer.py
MAX_RSS_KB=65536
CONNECT_WITHIN_S=3

rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# flood PID: the unanswered flood, then our process's RSS checked.
flood() {
    local pid=$1 d=$E2E_DIR rc=0 rss
    /usr/bin/python3 "$HOSTILE_PY" --port "$E2E_PORT" --count 10000 synflood_unanswered >"$d/peer.out" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { echo "hostile peer failed:"; cat "$d/peer.out"; return 1; }
    rss=$(rss_kb "$pid") || { echo "our process died during the flood"; tail -n 5 "$d/ours.err"; return 1; }
    echo "NOTE: $(grep -o 'unanswered flood: [0-9]* of [0-9]* SYNs' "$d/peer.out"); our RSS after it ${rss} kB"
    if [ "$rss" -gt "$MAX_RSS_KB" ]; then
        echo "RSS ${rss} kB after the flood (limit $MAX_RSS_KB kB)"
        return 1
    fi
}

# client IN OUT: a kernel client (socat) that must connect within CONNECT_WITHIN_S seconds.
client() {
    local start=$EPOCHREALTIME rc=0
    socat -t 10 -T 20 STDIO "TCP:169.254.144.9:$E2E_PORT,connect-timeout=$CONNECT_WITHIN_S" <"$1" >"$2" 2>"$E2E_DIR/client.err" ||
        rc=$?
    echo "NOTE: legitimate client done in $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }') s (socat exit $rc)"
    if [ "$rc" != 0 ]; then
        echo "the legitimate client did not get in within ${CONNECT_WITHIN_S} s: $(tail -n 1 "$E2E_DIR/client.err")"
        return 1
    fi
}

server_up() {
    grep -q READY "$E2E_DIR/ours.err"
}

# The device (its queue long enough for the flood) and the client's data.
setup() {
    e2e_setup_tun tun144 169.254.144.1/24
    ip link set tun144 txqueuelen 10000
    head -c 65536 /dev/urandom >"$E2E_DIR/data"
}

case_server() {
    local d=$E2E_DIR
    setup
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 \
        e2e_spawn ours /dev/null /dev/null "$E2E_BUILD/tcp_server" -b 64 "$E2E_PORT"
    e2e_wait_for server_up || { echo "tcp_server did not come up"; return 1; }
    # shellcheck disable=SC2154 # set by e2e_spawn
    local pid=$E2E_PID_ours
    flood "$pid" || return 1
    client "$d/data" "$d/got" || { tail -n 3 "$d/ours.err"; return 1; }
    cmp -s "$d/data" "$d/got" || { echo "echo: got $(stat -c %s "$d/got") bytes, not the 65536 sent"; return 1; }
    kill -TERM "$pid"
    wait "$pid" || { echo "tcp_server exited $?"; return 1; }
    local line
    line=$(grep '^tcp_server: accepted' "$d/ours.err")
    echo "NOTE: ${line#tcp_server: }"
    local sent validated
    sent=$(sed -n 's/.* cookies_sent \([0-9]*\) .*/\1/p' <<<"$line")
    validated=$(sed -n 's/.* cookies_validated \([0-9]*\) .*/\1/p' <<<"$line")
    [ "${sent:-0}" -ge 5000 ] || { echo "expected most SYNs answered with cookies: $line"; return 1; }
    [ "${validated:-0}" -ge 1 ] || { echo "the client did not come in through a cookie: $line"; return 1; }
}

case_listener() {
    local d=$E2E_DIR
    setup
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 \
        e2e_spawn ours /dev/null "$d/got" "$E2E_BUILD/tcp_ipv4" -l -t "$E2E_RTO" 169.254.144.9 "$E2E_PORT"
    e2e_wait_for e2e_tun_attached tun144 || { echo "our listener did not attach to tun144"; return 1; }
    local pid=$E2E_PID_ours
    flood "$pid" || return 1
    client "$d/data" /dev/null || { tail -n 3 "$d/ours.err"; return 1; }
    local rc=0
    wait "$pid" || rc=$?
    [ "$rc" = 0 ] || { echo "our listener exited $rc"; tail -n 5 "$d/ours.err"; return 1; }
    cmp -s "$d/data" "$d/got" || { echo "our listener received $(stat -c %s "$d/got") bytes, not the 65536 sent"; return 1; }
    local counters
    counters=$(grep -o 'cookies: sent=[0-9]* validated=[0-9]* rejected=[0-9]* bad_ts=[0-9]*' "$d/ours.err" | tail -n 1)
    echo "NOTE: $counters"
    grep -q 'validated=1 ' <<<"$counters" || { echo "the client did not come in through a cookie: $counters"; return 1; }
}

E2E_TOOLS=(/usr/bin/python3 socat)
E2E_DEADLINE=${E2E_DEADLINE:-120}
E2E_CASES=(
    "server"
    "listener"
)
if [ "${1:-}" != __case ] && ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
    echo "SKIP: Debian's python3-scapy is not installed (/usr/bin/python3 cannot import scapy)"
    exit 77
fi
e2e_main "$@"
