# shellcheck shell=bash
# Common code of the tests/lab4/impaired_*.sh tests (sourced after lib/netns.sh): our TCP
# (tcp_ipv4 on tun144) against the Linux kernel's TCP (socat) through the impairment relay
# (apps/impair_relay.c, netem's meanings; the kernel here has no netem).
#
# Topology (the relay's header comment has the reasoning):
#   namespace A: tcp_ipv4 on tun144 (kernel side 169.254.144.1) --A's kernel forwards-->
#                tun145 (169.254.145.2) == impair_relay == tun145b, moved into namespace B
#   namespace B: tun145 (169.254.145.1), socat listening on 169.254.145.1:9090
# Each case: 1 MiB each way at once (duplex) must arrive intact (sha256) within
# IMPAIRED_DEADLINE seconds, and the relay's counters must show the impairment happened.
#
# A case line: impaired NAME SEED RELAY_OPTIONS... (the relay's seed makes its decisions
# reproducible; the TCPs' own timing still varies). IMPAIRED_REPEAT=N runs every case N times.

IMPAIRED_SIZE=${IMPAIRED_SIZE:-1048576}
IMPAIRED_DEADLINE=${IMPAIRED_DEADLINE:-180}

# relay_count DIRECTION FIELD: a counter from the relay's report.
relay_count() {
    awk -v dir="$1" -v field="$2" '$1 == "impair_relay:" && $2 == dir {
        for (i = 3; i < NF; i += 2) if ($i == field) print $(i + 1) }' "$E2E_DIR/relay.err"
}

# need FIELD MIN: the counter, summed over both directions, is at least MIN.
need() {
    local a b
    a=$(relay_count a-\>b "$1") b=$(relay_count b-\>a "$1")
    if [ -z "$a" ] || [ -z "$b" ] || [ $((a + b)) -lt "$2" ]; then
        echo "relay counter $1 is a->b ${a:-?} + b->a ${b:-?}, expected at least $2"
        return 1
    fi
}

# need_each FIELD MIN: the counter is at least MIN in each direction.
need_each() {
    local dir n
    for dir in a-\>b b-\>a; do
        n=$(relay_count "$dir" "$1")
        if [ -z "$n" ] || [ "$n" -lt "$2" ]; then
            echo "relay counter $1 $dir is ${n:-?}, expected at least $2"
            return 1
        fi
    done
}

# own_netns PID: the process has left our network namespace.
own_netns() {
    [ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/$$/ns/net)" ]
}

in_b_listening() {
    nsenter -t "$1" -n ss -Htln "sport = :$E2E_PORT" | grep -q .
}

# impaired_topology SEED RELAY_OPTIONS...: the two namespaces, the devices and the relay
# between them (header above). Sets IMPAIRED_BPID, the PID holding namespace B.
impaired_topology() {
    local seed=$1
    shift
    local d=$E2E_DIR b=$E2E_BUILD
    e2e_setup_tun tun144 169.254.144.1/24
    e2e_setup_tun tun145 169.254.145.2/24
    ip tuntap add mode tun name tun145b
    sysctl -qw net.ipv6.conf.tun145b.disable_ipv6=1
    ip link set tun145b up
    sysctl -qw net.ipv4.ip_forward=1

    # Namespace B lives as long as this holder process (killed with the case).
    e2e_spawn holder /dev/null /dev/null unshare -n sleep 3600
    # shellcheck disable=SC2154 # set by e2e_spawn
    local bpid=$E2E_PID_holder
    IMPAIRED_BPID=$bpid
    e2e_wait_for own_netns "$bpid" ||
        { echo "namespace B did not appear"; return 1; }
    e2e_spawn relay /dev/null /dev/null "$b/impair_relay" -s "$seed" "$@" tun145 tun145b
    # The relay names both devices once it holds them (only then may tun145b move away).
    e2e_wait_for grep -qs '<->' "$d/relay.err" || { echo "relay did not attach"; cat "$d/relay.err"; return 1; }
    ip link set tun145b netns "$bpid"
    local -a inb=(nsenter -t "$bpid" -n)
    "${inb[@]}" ip link set lo up
    "${inb[@]}" ip link set tun145b name tun145
    "${inb[@]}" sysctl -qw net.ipv6.conf.tun145.disable_ipv6=1
    "${inb[@]}" ip addr add 169.254.145.1/24 dev tun145
    "${inb[@]}" ip link set tun145 up
    # The kernel's RTO is at least 200 ms and doubles per timeout; against our TCP (no SACK, no
    # timestamps) under 10% loss, Karn's rule gives it no RTT sample to undo the doubling while
    # it recovers, so it backs off to tens of seconds. A 20 ms floor on this route (a LAN with
    # a 1 ms RTT might have that) and a 1 s ceiling (the smallest tcp_rto_max_ms) keep it moving;
    # with the ceiling, 15 retries (tcp_retries2) would be only ~15 s of stalling before the
    # kernel gives up on us, so it gets 60; so does the socket socat closes once it has handed
    # the kernel all its data (an orphan, which gets only tcp_orphan_retries, 8 by default).
    "${inb[@]}" ip route add 169.254.144.0/24 dev tun145 rto_min 20ms
    "${inb[@]}" sysctl -qw net.ipv4.tcp_rto_max_ms=1000 net.ipv4.tcp_retries2=60 net.ipv4.tcp_orphan_retries=60
}

case_impaired() {
    local name=$1 seed=$2
    shift 2
    local d=$E2E_DIR b=$E2E_BUILD
    impaired_topology "$seed" "$@" || return 1
    local bpid=$IMPAIRED_BPID
    local -a inb=(nsenter -t "$bpid" -n)
    head -c "$IMPAIRED_SIZE" /dev/urandom >"$d/data_ours"
    head -c "$IMPAIRED_SIZE" /dev/urandom >"$d/data_peer"
    e2e_spawn peer "$d/data_peer" "$d/got_peer" "${inb[@]}" socat -t 60 STDIO \
        "TCP-LISTEN:$E2E_PORT,bind=169.254.145.1,reuseaddr"
    e2e_wait_for in_b_listening "$bpid" || { echo "socat did not listen"; return 1; }
    if [ -n "${IMPAIRED_CAPTURE:-}" ]; then # debugging aid: a pcap of tun144
        e2e_spawn capture /dev/null /dev/null dumpcap -q -i tun144 -w "$IMPAIRED_CAPTURE"
        sleep 2
    fi
    local start=$EPOCHREALTIME
    e2e_spawn ours "$d/data_ours" "$d/got_ours" "$b/tcp_ipv4" -t "$E2E_RTO" -d tun144 169.254.145.1 "$E2E_PORT"
    local rc_ours=0 rc_peer=0
    # shellcheck disable=SC2154
    wait "$E2E_PID_ours" || rc_ours=$?
    # shellcheck disable=SC2154
    [ "$rc_ours" = 0 ] || kill "$E2E_PID_peer" # our end gave up: do not wait for socat's timeout
    # shellcheck disable=SC2154
    wait "$E2E_PID_peer" || rc_peer=$?
    local secs
    secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    # shellcheck disable=SC2154
    kill -TERM "$E2E_PID_relay"
    local rc_relay=0
    wait "$E2E_PID_relay" || rc_relay=$?

    local problems=""
    [ "$rc_relay" = 0 ] || problems+=" the relay exited $rc_relay after SIGTERM;"
    [ "$rc_ours" = 0 ] || problems+=" our end exited $rc_ours;"
    [ "$rc_peer" = 0 ] || problems+=" socat exited $rc_peer;"
    cmp -s "$d/data_peer" "$d/got_ours" || problems+=" our end received $(stat -c %s "$d/got_ours") bytes, not the 1 MiB sent (sha256 differs);"
    cmp -s "$d/data_ours" "$d/got_peer" || problems+=" socat received $(stat -c %s "$d/got_peer") bytes, not the 1 MiB sent (sha256 differs);"
    if [ -n "$problems" ]; then
        echo "$problems"
        cat "$d/relay.err"
        tail -n 6 "$d/ours.err"
        tail -n 3 "$d/peer.err"
        return 1
    fi
    # What the relay must have done, per case.
    case $name in
        loss) need_each dropped 5 ;;
        dup) need_each duplicated 5 ;;
        reorder) need_each reordered 5 && need_each delayed 5 ;;
        delay)
            # Every packet was held; none overtook another.
            local dir
            for dir in a-\>b b-\>a; do
                [ "$(relay_count "$dir" delayed)" = "$(relay_count "$dir" received)" ] || { echo "$dir: not all delayed"; false; }
            done && need reordered 0 && need_each delayed 100
            ;;
        jitter) need_each delayed 100 ;;
        all) need_each dropped 5 && need_each duplicated 5 && need_each reordered 5 && need_each delayed 5 ;;
        *) echo "unknown case $name"; return 1 ;;
    esac || { cat "$d/relay.err"; return 1; }
    echo "$name: 1 MiB each way in $secs s (deadline ${IMPAIRED_DEADLINE} s)"
    sed -n 's/^impair_relay: \([ab]->[ab]\)/  \1/p' "$d/relay.err"
}

# shellcheck disable=SC2034 # read by e2e_main (lib/netns.sh)
E2E_TOOLS=(socat nsenter)
# shellcheck disable=SC2034
E2E_DEADLINE=$IMPAIRED_DEADLINE

# impaired_main "$@": runs the cases in IMPAIRED_CASES, each IMPAIRED_REPEAT times.
impaired_main() {
    local _
    E2E_CASES=()
    for _ in $(seq "${IMPAIRED_REPEAT:-1}"); do
        E2E_CASES+=("${IMPAIRED_CASES[@]}")
    done
    [ "${1:-}" = __case ] || echo "each case: 1 MiB each way, deadline ${IMPAIRED_DEADLINE} s"
    e2e_main "$@"
}
