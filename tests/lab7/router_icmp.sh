#!/bin/bash
# ICMP end to end: our routers and our hosts against Linux's ping and Debian's traceroute.
#
#   host A (netns)            router R1 (our code)          router R2 (our code)          host B (netns)
#   169.254.1.2 --tapA1-- 169.254.1.1 | 169.254.12.1 --tapL1--[br12]--tapL2-- 169.254.12.2 | 169.254.2.1 --tapB2-- 169.254.2.2
#
# (the topology of router_topology.sh; R1 has no default route, R2's default points at R1).
# From A:
#   - ping each of the four router addresses: replies (RFC 1812 4.3.3.6);
#   - ping -t 1 to B: "Time to live exceeded" from 169.254.1.1 (R1);
#   - traceroute -n to B, UDP probes (the default) and ICMP echo (-I): hop 1 169.254.1.1,
#     hop 2 169.254.12.2 (R2's receiving interface), hop 3 169.254.2.2 (B);
#   - ping 169.254.99.1 (no route at R1): "Destination Net Unreachable" from 169.254.1.1;
#   - ping 169.254.2.77 (B's LAN, nobody there): "Destination Host Unreachable" once R2's ARP
#     request times out (5 s);
#   - the routers' counters (printed at SIGTERM) show the echo replies and errors they sent.
# Then our TCP hosts, on their own devices in this namespace: tcp_ipv4 -l on tun144 and
# tcp_ip_ethernet -l on tap10 answer ping before and during a TCP connection with socat, the
# connection carries its lines both ways and closes cleanly, and their reports count the echo
# replies. Needs root, /dev/net/tun, iproute2, iputils-ping, traceroute, socat. Exit 77
# (skipped) only without root or namespaces.
# rules: L7.R4 L7.R5 L7.R6 L7.R7
set -u

if [ "${1:-}" != --in-namespace ]; then
    [ "$(id -u)" = 0 ] || { echo "skipped: needs root for private network namespaces"; exit 77; }
    [ -c /dev/net/tun ] || { echo "skipped: no /dev/net/tun"; exit 77; }
    unshare -n true 2>/dev/null || { echo "skipped: cannot create a network namespace (unshare -n)"; exit 77; }
    for tool in ip ping traceroute socat; do
        command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
    done
    exec unshare -n bash "$0" --in-namespace
fi

build="${SPONGE_BUILD:-$(dirname "$0")/../../build}"
router="$build/router"
for prog in router tcp_ipv4 tcp_ip_ethernet; do
    [ -x "$build/$prog" ] || { echo "FAIL: $build/$prog not built"; exit 1; }
done

# shellcheck source=lib/two_routers.sh
source "$(dirname "$0")/lib/two_routers.sh"
two_routers_init icmp
two_routers_up "$router"
echo "ok: two routers between A and B"

show() { while IFS= read -r l; do echo "  $1: $l"; done <<<"$2"; }

# 1. Echo: every router address answers.
for addr in 169.254.1.1 169.254.12.1 169.254.12.2 169.254.2.1; do
    out=$(in_a ping -n -c 2 -W 3 "$addr" 2>&1)
    n=$(grep -c "bytes from $addr: icmp_seq" <<<"$out")
    [ "$n" = 2 ] || { show ping "$out"; fail "ping A -> router $addr: $n of 2 replies"; }
    echo "ok: ping $addr: 2 replies"
done

# 2. TTL 1: Time Exceeded from R1.
out=$(in_a ping -n -c 1 -W 3 -t 1 169.254.2.2 2>&1)
show "ping -t 1" "$out"
grep -q "From 169.254.1.1 icmp_seq=1 Time to live exceeded" <<<"$out" || fail "no Time Exceeded from R1"
echo "ok: ping -t 1: Time to live exceeded from 169.254.1.1"

# 3. traceroute, UDP probes and ICMP echo probes.
for mode in "" -I; do
    out=$(in_a traceroute -n $mode -w 3 -m 6 169.254.2.2 2>&1)
    show "traceroute $mode" "$out"
    hop() { sed -n "s/^ *$1  *\([0-9.]*\) .*/\1/p" <<<"$out"; }
    [ "$(hop 1)" = 169.254.1.1 ] || fail "traceroute $mode: hop 1 is '$(hop 1)', want 169.254.1.1"
    [ "$(hop 2)" = 169.254.12.2 ] || fail "traceroute $mode: hop 2 is '$(hop 2)', want 169.254.12.2"
    [ "$(hop 3)" = 169.254.2.2 ] || fail "traceroute $mode: hop 3 is '$(hop 3)', want 169.254.2.2"
    [ -z "$(hop 4)" ] || fail "traceroute $mode: a hop 4 after reaching B"
    echo "ok: traceroute -n ${mode:-(UDP)}: 169.254.1.1, 169.254.12.2, 169.254.2.2"
done

# 4. Unreachable: no route at R1; nobody at 169.254.2.77 on B's LAN (R2's ARP times out).
out=$(in_a ping -n -c 1 -W 3 169.254.99.1 2>&1)
show ping "$out"
grep -q "From 169.254.1.1 icmp_seq=1 Destination Net Unreachable" <<<"$out" || fail "no Net Unreachable from R1"
echo "ok: ping 169.254.99.1: Destination Net Unreachable from 169.254.1.1"
out=$(in_a ping -n -c 1 -W 9 169.254.2.77 2>&1)
show ping "$out"
grep -q "From 169.254.12.2 icmp_seq=1 Destination Host Unreachable" <<<"$out" || fail "no Host Unreachable from R2"
echo "ok: ping 169.254.2.77: Destination Host Unreachable from 169.254.12.2 (R2's ARP timed out)"

# 5. The routers' accounts.
counter() { sed -n "s/^router: icmp: .*$1 \([0-9]*\).*/\1/p" "$work/$2.err"; }
two_routers_stop
# R1: its two addresses pinged twice each; Time Exceeded for ping -t 1, 3 UDP and 3 ICMP
# traceroute probes; Net Unreachable once.
[ "$(counter echo_replied r1)" = 4 ] || fail "R1 echo_replied $(counter echo_replied r1), want 4"
[ "$(counter time_exceeded_sent r1)" -ge 7 ] || fail "R1 time_exceeded_sent $(counter time_exceeded_sent r1), want >= 7"
[ "$(counter unreachable_sent r1)" = 1 ] || fail "R1 unreachable_sent $(counter unreachable_sent r1), want 1"
[ "$(counter echo_replied r2)" = 4 ] || fail "R2 echo_replied $(counter echo_replied r2), want 4"
[ "$(counter time_exceeded_sent r2)" -ge 6 ] || fail "R2 time_exceeded_sent $(counter time_exceeded_sent r2), want >= 6"
[ "$(counter unreachable_sent r2)" = 1 ] || fail "R2 unreachable_sent $(counter unreachable_sent r2), want 1"
echo "ok: router counters: R1 and R2 each 4 echo replies, their Time Exceeded and 1 unreachable"
pids=()

# 6. Our hosts answer ping, before and during a TCP connection that works.
# host_case APP DEV NET: our APP listens on NET.9 port 9090 on DEV (the kernel is NET.1).
host_case() {
    local app=$1 dev=$2 net=$3 mode=tun ours socat out n
    [ "$app" = tcp_ip_ethernet ] && mode=tap
    ip tuntap add mode "$mode" name "$dev" || fail "cannot create $dev"
    sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
    ip addr add "$net.1/24" dev "$dev"
    ip link set "$dev" up
    mkfifo "$work/$app.in" "$work/$app.peer.in"
    exec {ours}<>"$work/$app.in"
    exec {socat}<>"$work/$app.peer.in"
    # Neither program may inherit the write ends (the FIFOs' EOF would never come).
    "$build/$app" -l -d "$dev" "$net.9" 9090 <"$work/$app.in" >"$work/$app.got" 2>"$work/$app.err" \
        {ours}>&- {socat}>&- &
    local our_pid=$!
    pids+=("$our_pid")
    for _ in $(seq 100); do
        ip link show "$dev" | grep -q LOWER_UP && break
        sleep 0.05
    done
    out=$(ping -n -c 2 -W 3 "$net.9" 2>&1)
    n=$(grep -c "bytes from $net.9: icmp_seq" <<<"$out")
    [ "$n" = 2 ] || { show ping "$out"; fail "$app: $n of 2 replies while listening"; }
    socat -t 30 STDIO "TCP:$net.9:9090" <"$work/$app.peer.in" >"$work/$app.peer.got" 2>"$work/$app.peer.err" \
        {ours}>&- {socat}>&- &
    local socat_pid=$!
    pids+=("$socat_pid")
    echo "from the kernel" >&"$socat"
    echo "from our $app" >&"$ours"
    for _ in $(seq 200); do
        grep -q "from the kernel" "$work/$app.got" && grep -q "from our $app" "$work/$app.peer.got" && break
        sleep 0.05
    done
    grep -q "from the kernel" "$work/$app.got" || fail "$app: the kernel's line did not arrive"
    grep -q "from our $app" "$work/$app.peer.got" || fail "$app: our line did not reach the kernel"
    out=$(ping -n -c 3 -i 0.2 -W 3 "$net.9" 2>&1)
    n=$(grep -c "bytes from $net.9: icmp_seq" <<<"$out")
    [ "$n" = 3 ] || { show ping "$out"; fail "$app: $n of 3 replies during the connection"; }
    # The kernel closes first (our end then needs no TIME-WAIT linger), then we do.
    exec {socat}>&-
    sleep 0.2
    exec {ours}>&-
    wait "$socat_pid" || fail "$app: socat did not exit 0"
    wait "$our_pid" || fail "$app: our stack did not exit 0 after a clean close"
    pids=()
    grep -q "icmp_echo_replied=5;" "$work/$app.err" || fail "$app: the report does not count 5 echo replies"
    echo "ok: $app on $dev answered 5 pings (2 listening, 3 during the connection); the connection worked"
}
host_case tcp_ipv4 tun144 169.254.144
host_case tcp_ip_ethernet tap10 169.254.10
echo "ok: ICMP through our routers and from our hosts"
exit 0
