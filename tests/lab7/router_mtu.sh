#!/bin/bash
# MTU done right, end to end: our two routers with a 576-byte link between them (every packet on
# this machine, in a private namespace; topology: lib/two_routers.sh), plus our TCP on a TUN
# device in host A's namespace (A's kernel forwards between tun144 and its LAN):
#
#   our TCP 169.254.144.9 --tun144-- host A --1500-- R1 ==576== R2 --1500-- host B
#   our TCP 169.254.10.9  --tap10----/
#
# Checks:
#   1. ping -M dont -s 1400 A -> B: R1 fragments the requests, R2 the replies (RFC 791);
#   2. curl on A fetches 1 MiB from python3 -m http.server on B: B's kernel sends DF segments of
#      1500 bytes, R2 answers Fragmentation Needed (mtu 576), B lowers its path MTU (RFC 1191)
#      and the file arrives byte-exact;
#   3. ping -M do -s 1400 A -> B: A hears "mtu = 576" from R1;
#   4. a limited broadcast from A is not forwarded by R1 (RFC 1812 5.3.5.1);
#   5. our TCP (tcp_ipv4 on the TUN, tcp_ip_ethernet on the TAP; modern mode) sends 1 MiB to
#      tcp_native on B: its 1500-byte segments draw Fragmentation Needed from R1, it lowers its
#      segment size (mss_lowered) and every byte arrives; webget over our TCP fetches the 1 MiB
#      file from B;
#   6. the routers' counters: fragmented, frag_needed, broadcast.
# Needs root, /dev/net/tun, iproute2, iputils-ping, curl, python3, sha256sum. Exit 77 (skipped)
# only without root or namespaces.
# rules: L7.R4 L7.R8 L7.R9
set -u

if [ "${1:-}" != --in-namespace ]; then
    [ "$(id -u)" = 0 ] || { echo "skipped: needs root for private network namespaces"; exit 77; }
    [ -c /dev/net/tun ] || { echo "skipped: no /dev/net/tun"; exit 77; }
    unshare -n true 2>/dev/null || { echo "skipped: cannot create a network namespace (unshare -n)"; exit 77; }
    for tool in ip ping curl python3 sha256sum timeout; do
        command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
    done
    exec unshare -n bash "$0" --in-namespace
fi

build="${SPONGE_BUILD:-$(dirname "$0")/../../build}"
for app in router tcp_ipv4 tcp_ip_ethernet tcp_native webget; do
    [ -x "$build/$app" ] || { echo "FAIL: $build/$app not built"; exit 1; }
done
# shellcheck source=lib/two_routers.sh
source "$(dirname "$0")/lib/two_routers.sh"
two_routers_init mtu
two_routers_up "$build/router" 576 "route 169.254.144.0/24 tapA1 via 169.254.1.2
route 169.254.10.0/24 tapA1 via 169.254.1.2"
echo "ok: routers up, link R1-R2 with MTU 576"
ip link show tapL1 | grep -q "mtu 576" || fail "tapL1's MTU is not 576: $(ip link show tapL1)"

show() { while IFS= read -r l; do echo "  $1: $l"; done <<<"$2"; }
counter() { sed -n "s/^router: .* $1 \([0-9]*\).*/\1/p" "$work/$2.err" | head -1; }

# 1. Fragmentation: DF clear, 1428-byte datagrams both ways.
out=$(in_a ping -n -c 2 -W 3 -M dont -s 1400 169.254.2.2 2>&1)
show "ping -M dont" "$out"
[ "$(grep -c 'bytes from 169.254.2.2' <<<"$out")" = 2 ] || fail "ping -M dont -s 1400: not 2 replies"
echo "ok: 1428-byte pings without DF cross the 576 link (fragmented)"

# 2. Path MTU discovery between Linux hosts: curl of 1 MiB.
mkdir "$work/www"
head -c 1048576 /dev/urandom >"$work/www/blob"
start http "Serving HTTP" ip netns exec "$NS_B" python3 -u -m http.server 8080 --bind 169.254.2.2 --directory "$work/www"
in_a curl -sS --max-time 60 -o "$work/got" http://169.254.2.2:8080/blob || fail "curl A <- B failed"
[ "$(sha256sum <"$work/www/blob")" = "$(sha256sum <"$work/got")" ] || fail "curl: the file fetched differs"
route=$(in_b ip route get 169.254.1.2)
show "B's route to A" "$route"
grep -q "mtu 576" <<<"$route" || fail "B did not learn path MTU 576 towards A"
echo "ok: curl fetched 1 MiB byte-exact; B learned path MTU 576 from R2's Fragmentation Needed"

# 3. DF set, too big: Fragmentation Needed with the next-hop MTU, from R1.
out=$(in_a ping -n -c 2 -W 3 -M "do" -s 1400 169.254.2.2 2>&1)
show "ping -M do" "$out"
grep -Eq "mtu ?= ?576" <<<"$out" || fail "ping -M do -s 1400: no 'mtu = 576'"
echo "ok: ping -M do -s 1400: A told mtu = 576"

# 4. A limited broadcast from A stays on A's LAN.
in_a python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.sendto(b"everyone", ("255.255.255.255", 9))' || fail "cannot send a broadcast from A"

# 5. Our TCP in A's namespace, A's kernel forwarding to R1: on tun144 (tcp_ipv4) and on tap10
# (tcp_ip_ethernet, our NetworkInterface below it).
in_a sysctl -qw net.ipv4.ip_forward=1
in_a ip tuntap add mode tun name tun144 || fail "cannot create tun144"
in_a ip addr add 169.254.144.1/24 dev tun144
in_a ip link set tun144 up
in_a ip tuntap add mode tap name tap10 || fail "cannot create tap10"
in_a ip addr add 169.254.10.1/24 dev tap10
in_a ip link set tap10 up

# send_mib NAME PORT APP ARGS...: our APP sends the 1 MiB file to tcp_native on B at PORT; every
# byte must arrive and our TCP must have lowered its segment size.
send_mib() {
    local name=$1 port=$2 sink_pid lowered _
    shift 2
    # tcp_native logs on stderr, the payload alone on stdout: wait (10 s at most) for "listening".
    ip netns exec "$NS_B" "$build/tcp_native" -l 169.254.2.2 "$port" </dev/null >"$work/$name.received" \
        2>"$work/$name.sink.err" &
    sink_pid=$!
    pids+=("$sink_pid")
    for _ in $(seq 200); do
        grep -q "listening" "$work/$name.sink.err" && break
        sleep 0.05
    done
    grep -q "listening" "$work/$name.sink.err" || fail "tcp_native on B is not listening"
    in_a timeout 60 "${wrap[@]}" "$@" 169.254.2.2 "$port" <"$work/www/blob" >/dev/null 2>"$work/$name.err" ||
        fail "$name -> B failed (status $?)"
    wait "$sink_pid" || fail "tcp_native on B failed"
    [ "$(sha256sum <"$work/www/blob")" = "$(sha256sum <"$work/$name.received")" ] ||
        fail "B received $(stat -c %s "$work/$name.received") bytes from $name, not the 1 MiB sent"
    lowered=$(sed -n 's/.*mss_lowered=\([0-9]*\).*/\1/p' "$work/$name.err" | tail -1)
    [ "${lowered:-0}" -ge 1 ] || fail "$name did not lower its segment size (mss_lowered=${lowered:-?})"
    echo "ok: $name sent 1 MiB across the 576 link (mss_lowered=$lowered), byte-exact"
}
send_mib tcp_ipv4 9090 "$build/tcp_ipv4" -d tun144
send_mib tcp_ip_ethernet 9091 "$build/tcp_ip_ethernet" -d tap10
in_a timeout 60 "${wrap[@]}" "$build/webget" -d tun144 169.254.2.2:8080 /blob >"$work/webget.out" \
    2>"$work/webget.err" || fail "webget over our TCP failed"
python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.stdout.buffer.write(d[d.index(b"\r\n\r\n") + 4:])' \
    "$work/webget.out" >"$work/webget.body"
[ "$(sha256sum <"$work/www/blob")" = "$(sha256sum <"$work/webget.body")" ] ||
    fail "webget: the body fetched differs ($(stat -c %s "$work/webget.body") bytes)"
echo "ok: webget over our TCP fetched 1 MiB byte-exact"

# 6. The routers' accounts.
two_routers_stop
[ "$(counter fragmented r1)" -ge 2 ] || fail "R1 fragmented $(counter fragmented r1), want >= 2"
[ "$(counter fragmented r2)" -ge 2 ] || fail "R2 fragmented $(counter fragmented r2), want >= 2"
[ "$(counter frag_needed r2)" -ge 1 ] || fail "R2 frag_needed $(counter frag_needed r2), want >= 1"
[ "$(counter frag_needed r1)" -ge 2 ] || fail "R1 frag_needed $(counter frag_needed r1), want >= 2"
[ "$(counter broadcast r1)" -ge 1 ] || fail "R1 broadcast drops $(counter broadcast r1), want >= 1"
echo "ok: counters: R1 and R2 fragmented, sent Fragmentation Needed, R1 dropped the broadcast"
exit 0
