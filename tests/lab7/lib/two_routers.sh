# shellcheck shell=bash
# Two of our routers between two Linux hosts, every packet on this machine (sourced by
# router_topology.sh and router_icmp.sh, inside their own `unshare -n` namespace):
#
#   host A (netns)            router R1 (our code)          router R2 (our code)          host B (netns)
#   169.254.1.2 --tapA1-- 169.254.1.1 | 169.254.12.1 --tapL1--[br12]--tapL2-- 169.254.12.2 | 169.254.2.1 --tapB2-- 169.254.2.2
#
# The two `router` processes create their TAP devices here; tapA1 and tapB2 are then moved
# into the hosts' namespaces (the routers keep their descriptors) and tapL1/tapL2 are
# enslaved to a Linux bridge. Hosts use default routes via their router; R1 has no default
# route, R2's points at R1. Provides: $work (scratch, removed at exit), pids (killed at exit),
# fail, start, in_a, in_b, wrap (SPONGE_WRAP, a command prefix for our programs, e.g.
# valgrind), two_routers_up (sets r1_pid, r2_pid), two_routers_stop.
# Usage: two_routers_init NAME (namespace names), then two_routers_up ROUTER_PROGRAM [LINK_MTU
# [R1_LINES]]: LINK_MTU is the MTU of the link between the routers (default 1500), R1_LINES more
# configuration lines for R1 (extra routes).

two_routers_init() {
    NS_A="sponge-$1-$$-a"
    NS_B="sponge-$1-$$-b"
    work=$(mktemp -d)
    pids=()
    made_etc_netns=""
    read -r -a wrap <<<"${SPONGE_WRAP:-}"
    trap two_routers_cleanup EXIT
    # No IPv6 anywhere (no router solicitations or DAD frames to confuse the counts).
    no_ipv6 env
    ip link set lo up
    ip netns add "$NS_A" || fail "ip netns add $NS_A"
    ip netns add "$NS_B" || fail "ip netns add $NS_B"
    # Name lookups inside the hosts (http.server asks for its address's name) stay local: `ip
    # netns exec` mounts /etc/netns/NS/* over /etc, so each host gets its own hosts file and a
    # resolver on its own loopback (nothing listens: a lookup fails at once instead of sending
    # DNS queries towards the machine's real name server through our routers).
    [ -d /etc/netns ] || made_etc_netns=yes
    for ns in "$NS_A" "$NS_B"; do
        mkdir -p "/etc/netns/$ns" || fail "cannot create /etc/netns/$ns"
        echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
    done
    printf '127.0.0.1 localhost\n169.254.1.2 host-a\n' >"/etc/netns/$NS_A/hosts"
    printf '127.0.0.1 localhost\n169.254.2.2 host-b\n' >"/etc/netns/$NS_B/hosts"
    no_ipv6 in_a
    no_ipv6 in_b
}

# shellcheck disable=SC2317 # called by the EXIT trap
two_routers_cleanup() {
    # Our own processes first (by PID): closing the routers' descriptors removes their TAPs.
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null
    done
    ip netns del "$NS_A" 2>/dev/null
    ip netns del "$NS_B" 2>/dev/null
    rm -rf "/etc/netns/$NS_A" "/etc/netns/$NS_B" "$work"
    [ -n "$made_etc_netns" ] && rmdir /etc/netns 2>/dev/null
}

fail() {
    echo "FAIL: $*"
    for f in "$work"/*.err; do
        [ -s "$f" ] && sed "s/^/  $(basename "$f" .err): /" "$f"
    done
    exit 1
}

no_ipv6() {
    "$@" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' \
        2>/dev/null
}
in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }

# start NAME EXPECTED_PREFIX COMMAND... (sets started_pid; fails the test if the program does
# not say it is ready within 10 s): the shared library.
# shellcheck source=../../../etc/lib/fifo_start.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../etc/lib/fifo_start.sh"

# two_routers_stop: SIGTERM to both routers; each must exit 0; prints their counters (in
# $work/r1.err, $work/r2.err).
two_routers_stop() {
    local r pid
    for r in r1 r2; do
        pid=$r1_pid
        [ "$r" = r2 ] && pid=$r2_pid
        kill -TERM "$pid"
        wait "$pid" || fail "$r did not exit 0 after SIGTERM"
        sed "s/^/  $r: /" "$work/$r.err"
    done
}

# two_routers_up ROUTER_PROGRAM [LINK_MTU [R1_LINES]]: starts R1 and R2, bridges their link,
# sets up the hosts.
two_routers_up() {
    local router=$1 mtu=${2:-1500} r1_lines=${3:-}
    cat >"$work/r1.conf" <<CONF
# R1: host A's LAN and the link to R2
interface tapA1 02:00:00:00:01:01 169.254.1.1
interface tapL1 02:00:00:00:0c:01 169.254.12.1 mtu $mtu
route 169.254.1.0/24 tapA1
route 169.254.12.0/24 tapL1
route 169.254.2.0/24 tapL1 via 169.254.12.2
$r1_lines
CONF
    cat >"$work/r2.conf" <<CONF
# R2: host B's LAN, and everything else through R1
interface tapB2 02:00:00:00:02:01 169.254.2.1
interface tapL2 02:00:00:00:0c:02 169.254.12.2 mtu $mtu
route 169.254.2.0/24 tapB2
route 169.254.12.0/24 tapL2
route 0.0.0.0/0 tapL2 via 169.254.12.1
CONF
    # shellcheck disable=SC2034 # r1_pid, r2_pid: for the caller
    start r1 READY "${wrap[@]}" "$router" -c "$work/r1.conf" && r1_pid=$started_pid
    # shellcheck disable=SC2034
    start r2 READY "${wrap[@]}" "$router" -c "$work/r2.conf" && r2_pid=$started_pid
    # The link between the routers: a bridge in this namespace.
    ip link add br12 type bridge forward_delay 0 || fail "cannot create a bridge"
    ip link set tapL1 master br12 || fail "tapL1 into br12"
    ip link set tapL2 master br12 || fail "tapL2 into br12"
    ip link set br12 up
    # The hosts: each gets its router's LAN device, an address and a default route.
    ip link set tapA1 netns "$NS_A" || fail "cannot move tapA1 into $NS_A"
    ip link set tapB2 netns "$NS_B" || fail "cannot move tapB2 into $NS_B"
    in_a ip link set lo up
    in_a ip addr add 169.254.1.2/24 dev tapA1
    in_a ip link set tapA1 up
    in_a ip route add default via 169.254.1.1 || fail "host A default route"
    in_b ip link set lo up
    in_b ip addr add 169.254.2.2/24 dev tapB2
    in_b ip link set tapB2 up
    in_b ip route add default via 169.254.2.1 || fail "host B default route"
}
