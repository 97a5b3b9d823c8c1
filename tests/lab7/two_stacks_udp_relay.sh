#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 7 end to end: two whole stacks of ours (apps/lab7: TCP, NetworkInterface, Router), one
# per process, exchange Ethernet frames in UDP datagrams through apps/udp_relay on 127.0.0.1
# inside a private namespace. The relay loses 10% of the frames each way (ARP included),
# seeded (SPONGE_SEED, else a random seed, printed). 1 MiB goes each way at once; the sha256
# of both directions must match, and the relay's counters must show that it really lost
# about 10% each way (see relay_ok). Both in the apps' default (modern) TCP and in CS144's
# (--lab). Namespace setup and case runner: ../lab4/lib/netns.sh.
# rules: L7.R1 L7.R2
# shellcheck source=../lab4/lib/netns.sh
source "$(dirname "$0")/../lab4/lib/netns.sh"

# Loss makes ARP rounds on the WAN fail now and then, each costing 5 s: be generous.
E2E_DEADLINE=${E2E_DEADLINE:-240}
RELAY_PORT_SERVER=7000
RELAY_PORT_CLIENT=7001

# relay_ok FILE: each direction's line shows at least 500 frames received and a lost fraction
# within 5 standard deviations of 10% (binomial: 5 * sqrt(0.09 / received), about 4.5 points
# for 1000 frames; a correct relay falls outside with probability under 1e-6).
relay_ok() {
    awk '
        $1 ~ /->/ {
            n++; rec = $3; lost = $7
            if (rec < 500) { printf "%s: only %d frames received\n", $1, rec; bad = 1; next }
            f = lost / rec; tol = 5 * sqrt(0.09 / rec)
            if (f < 0.1 - tol || f > 0.1 + tol) {
                printf "%s: lost %d of %d (%.1f%%), expected 10%% +- %.1f\n", $1, lost, rec, 100 * f, 100 * tol; bad = 1
            }
        }
        END { if (n != 2) { print "relay printed " n " direction lines, expected 2"; bad = 1 } exit bad }
    ' "$1"
}

# case_two_stacks SIZE [MODE]: MODE modern (the apps' default) or lab (CS144's TCP, --lab).
case_two_stacks() {
    local size=$1 mode=${2:-modern} d=$E2E_DIR b=$E2E_BUILD seed=${SPONGE_SEED:-$((RANDOM * 32768 + RANDOM))}
    local -a tcp=(-t "$E2E_RTO")
    [ "$mode" = lab ] && tcp+=(--lab)
    head -c "$size" /dev/urandom >"$d/data_server"
    head -c "$size" /dev/urandom >"$d/data_client"
    SPONGE_SEED=$seed e2e_spawn relay /dev/null "$d/relay.out" \
        "$b/udp_relay" -L 0.1 127.0.0.1 "$RELAY_PORT_SERVER" "$RELAY_PORT_CLIENT"
    e2e_wait_for e2e_udp_bound "$RELAY_PORT_CLIENT" || { echo "relay did not come up"; cat "$d/relay.err"; return 1; }
    e2e_spawn server "$d/data_server" "$d/got_server" "$b/lab7" -l "${tcp[@]}" 127.0.0.1 "$RELAY_PORT_SERVER"
    # The server's router has said hello: the relay knows where to send the client's frames.
    e2e_wait_for grep -qs '^udp_relay: side a is' "$d/relay.err" || { echo "server never reached the relay"; return 1; }
    e2e_spawn client "$d/data_client" "$d/got_client" "$b/lab7" "${tcp[@]}" 127.0.0.1 "$RELAY_PORT_CLIENT"
    local rc_server=0 rc_client=0 start=$EPOCHREALTIME
    # shellcheck disable=SC2154 # E2E_PID_* are set by e2e_spawn (printf -v)
    wait "$E2E_PID_server" || rc_server=$?
    # shellcheck disable=SC2154
    wait "$E2E_PID_client" || rc_client=$?
    local took
    took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    # shellcheck disable=SC2154
    kill -TERM "$E2E_PID_relay"
    local rc_relay=0
    wait "$E2E_PID_relay" || rc_relay=$?

    local problems="" w g
    [ "$rc_relay" = 0 ] || problems+=" relay exited $rc_relay after SIGTERM;"
    [ "$rc_server" = 0 ] || problems+=" server exited $rc_server;"
    [ "$rc_client" = 0 ] || problems+=" client exited $rc_client;"
    w=$(sha256sum <"$d/data_client" | cut -c1-16)
    g=$(sha256sum <"$d/got_server" | cut -c1-16)
    [ "$w" = "$g" ] || problems+=" server received $(stat -c %s "$d/got_server") bytes, sha256 $g, expected $w;"
    w=$(sha256sum <"$d/data_server" | cut -c1-16)
    g=$(sha256sum <"$d/got_client" | cut -c1-16)
    [ "$w" = "$g" ] || problems+=" client received $(stat -c %s "$d/got_client") bytes, sha256 $g, expected $w;"
    local relay_problem
    relay_problem=$(relay_ok "$d/relay.out") || problems+=" relay: $relay_problem;"
    if [ -n "$problems" ]; then
        echo "$problems (seed $seed)"
        echo "  --- relay stdout:"
        sed 's/^/  /' "$d/relay.out"
        local who
        for who in server client; do
            echo "  --- $who stderr:"
            tail -n 8 "$d/$who.err" | sed 's/^/  /'
        done
        return 1
    fi
    echo "NOTE: transfer ${took}s, relay seed $seed"
    sed 's/^/NOTE: relay /' "$d/relay.out"
    grep -h '^router wan interface' "$d/server.err" "$d/client.err" | sed 's/^/NOTE: /'
}

E2E_TOOLS=()
E2E_CASES=(
    "two_stacks 1048576"
    "two_stacks 1048576 lab"
)
e2e_main "$@"
