#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: IPv4 fragments from a scapy peer (lib/fragment_peer.py) to our TCP listening
# on tun144 (tcp_ipv4 -l) or, in the tap cases, on tap10 through our NetworkInterface
# (tcp_ip_ethernet -l), each case in its own private network namespace (lib/netns.sh).
#   fragments  segments split into fragments in order, reversed, shuffled with a repeat: our app's
#              stdout gets exactly their data; an overlapping set is dropped (RFC 5722; nothing
#              acknowledged, counted as overlap) and its unfragmented retransmission gets through
#   timeout    with SPONGE_FRAG_TIMEOUT_MS=1000: a first fragment alone is dropped after the
#              timeout (its last fragment later does not complete it), counted as timeout
# Each case checks the bytes our app received, a clean close, and the reassembly counters in the
# report our app prints on stderr at exit. Needs Debian's python3-scapy.
# rules: L4.R24 L4.R21
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
FRAG_PY=$(dirname "$0")/lib/fragment_peer.py

# case_frag tun|tap SCENARIO
case_frag() {
    local kind=$1 scenario=$2 d=$E2E_DIR app=tcp_ipv4 addr=169.254.144.9 prefix=tcp_ipv4
    local -a peer_opts=(--dev tun144)
    if [ "$kind" = tap ]; then
        e2e_setup_tap tap10 169.254.10.1/24
        app=tcp_ip_ethernet addr=169.254.10.9 prefix=tcp_eth peer_opts=(--dev tap10 --ethernet)
    else
        e2e_setup_tun tun144 169.254.144.1/24
    fi
    mkfifo "$d/stdin"
    # The server opens the FIFO for reading once the peer opens it for writing.
    SPONGE_FRAG_TIMEOUT_MS=1000 e2e_spawn ours "$d/stdin" "$d/got" "$E2E_BUILD/$app" -l -t "$E2E_RTO" \
        "$addr" "$E2E_PORT"
    e2e_spawn peer /dev/null "$d/peer.out" /usr/bin/python3 "$FRAG_PY" "${peer_opts[@]}" --port "$E2E_PORT" \
        --fifo "$d/stdin" --expect-out "$d/want" --timeout-s 1 "$scenario"
    local rc_ours=0 rc_peer=0 problems=""
    # shellcheck disable=SC2154 # set by e2e_spawn
    wait "$E2E_PID_peer" || rc_peer=$?
    # shellcheck disable=SC2154
    wait "$E2E_PID_ours" || rc_ours=$?
    [ "$rc_peer" = 0 ] || problems+=" peer: $(grep -m1 FAIL "$d/peer.out" || echo "exit $rc_peer");"
    [ "$rc_ours" = 0 ] || problems+=" our end exited $rc_ours;"
    if [ -f "$d/want" ] && ! cmp -s "$d/want" "$d/got"; then
        problems+=" our end received $(stat -c %s "$d/got") bytes, not the $(stat -c %s "$d/want") sent;"
    fi
    # The counters the peer expects, in the report line our app printed at exit.
    local want report kv name n got
    want=$(sed -n 's/^expect-counters: //p' "$d/peer.out")
    report=$(grep -m1 "^$prefix: sent" "$d/ours.err")
    [ -n "$want" ] && [ -n "$report" ] || problems+=" missing counters (peer: '$want', app: '$report');"
    for kv in $want; do
        name=${kv%=*} n=${kv#*=}
        got=$(grep -o " $name=[0-9]*" <<<"${report#*reassembly:}" | cut -d= -f2)
        [ "$got" = "$n" ] || problems+=" reassembly counter $name is ${got:-missing}, expected $n;"
    done
    if [ -n "$problems" ]; then
        echo "$problems"
        echo "  --- fragment peer:"
        sed 's/^/  /' "$d/peer.out" "$d/peer.err"
        echo "  --- our end ($app -l) stderr:"
        tail -n 8 "$d/ours.err" | sed 's/^/  /'
        return 1
    fi
    echo "NOTE: ${report#*reassembly:}"
}

E2E_TOOLS=(/usr/bin/python3)
E2E_DEADLINE=${E2E_DEADLINE:-60}
E2E_CASES=(
    "frag tun fragments"
    "frag tun timeout"
    "frag tap fragments"
    "frag tap timeout"
)
if [ "${1:-}" != __case ] && ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
    echo "SKIP: Debian's python3-scapy is not installed (/usr/bin/python3 cannot import scapy)"
    exit 77
fi
e2e_main "$@"
