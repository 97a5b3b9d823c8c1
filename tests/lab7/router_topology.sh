#!/bin/bash
# Two of our routers between two Linux hosts, every packet on this machine:
#
#   host A (netns)            router R1 (our code)          router R2 (our code)          host B (netns)
#   169.254.1.2 --tapA1-- 169.254.1.1 | 169.254.12.1 --tapL1--[br12]--tapL2-- 169.254.12.2 | 169.254.2.1 --tapB2-- 169.254.2.2
#
# The test runs in a private network namespace of its own (unshare -n): the two `router`
# processes create their TAP devices there; tapA1 and tapB2 are then moved into the hosts'
# namespaces (the routers keep their descriptors) and tapL1/tapL2 are enslaved to a Linux
# bridge. Hosts use default routes via their router. Checks:
#   - ping -c 3 from A to B: three replies, each with TTL 62 (B's 64 less two router hops);
#   - curl on A fetches a generated 1 MiB file from python3 -m http.server on B, byte-exact
#     (sha256);
#   - after SIGTERM each router exits 0 and prints counters showing it forwarded at least the
#     pings and every data segment of the file.
# Needs root, /dev/net/tun, iproute2, iputils-ping, curl, python3. Exit 77 (skipped) only
# without root or namespaces.
set -u

if [ "${1:-}" != --in-namespace ]; then
    [ "$(id -u)" = 0 ] || { echo "skipped: needs root for private network namespaces"; exit 77; }
    [ -c /dev/net/tun ] || { echo "skipped: no /dev/net/tun"; exit 77; }
    unshare -n true 2>/dev/null || { echo "skipped: cannot create a network namespace (unshare -n)"; exit 77; }
    for tool in ip ping curl python3 sha256sum; do
        command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
    done
    exec unshare -n bash "$0" --in-namespace
fi

router="${SPONGE_BUILD:-$(dirname "$0")/../../build}/router"
[ -x "$router" ] || { echo "FAIL: $router not built"; exit 1; }
# SPONGE_WRAP: a command prefix for our programs (e.g. valgrind; tests/lab7/valgrind_apps.sh).
read -r -a wrap <<<"${SPONGE_WRAP:-}"

NS_A="sponge-topo-$$-a"
NS_B="sponge-topo-$$-b"
work=$(mktemp -d)
pids=()
made_etc_netns=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
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
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    for r in r1 r2 http; do
        [ -s "$work/$r.err" ] && sed "s/^/  $r: /" "$work/$r.err"
    done
    exit 1
}

# No IPv6 anywhere (no router solicitations or DAD frames to confuse the counts).
no_ipv6() {
    "$@" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' \
        2>/dev/null
}
no_ipv6 env
ip link set lo up
ip netns add "$NS_A" || fail "ip netns add $NS_A"
ip netns add "$NS_B" || fail "ip netns add $NS_B"
in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }
# Name lookups inside the hosts (http.server asks for its address's name) stay local: `ip netns
# exec` mounts /etc/netns/NS/* over /etc, so each host gets its own hosts file and a resolver
# on its own loopback (nothing listens: a lookup fails at once instead of sending DNS queries
# towards the machine's real name server through our routers).
[ -d /etc/netns ] || made_etc_netns=yes
for ns in "$NS_A" "$NS_B"; do
    mkdir -p "/etc/netns/$ns" || fail "cannot create /etc/netns/$ns"
    echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
done
printf '127.0.0.1 localhost\n169.254.1.2 host-a\n' >"/etc/netns/$NS_A/hosts"
printf '127.0.0.1 localhost\n169.254.2.2 host-b\n' >"/etc/netns/$NS_B/hosts"
no_ipv6 in_a
no_ipv6 in_b

cat >"$work/r1.conf" <<'EOF'
# R1: host A's LAN and the link to R2
interface tapA1 02:00:00:00:01:01 169.254.1.1
interface tapL1 02:00:00:00:0c:01 169.254.12.1
route 169.254.1.0/24 tapA1
route 169.254.12.0/24 tapL1
route 169.254.2.0/24 tapL1 via 169.254.12.2
EOF
cat >"$work/r2.conf" <<'EOF'
# R2: host B's LAN, and everything else through R1
interface tapB2 02:00:00:00:02:01 169.254.2.1
interface tapL2 02:00:00:00:0c:02 169.254.12.2
route 169.254.2.0/24 tapB2
route 169.254.12.0/24 tapL2
route 0.0.0.0/0 tapL2 via 169.254.12.1
EOF

# Start a program with stdout on a FIFO and wait (bounded) for its first line.
# Usage: start NAME EXPECTED_PREFIX COMMAND...; sets started_pid.
start() {
    local name=$1 expect=$2 line fd
    shift 2
    mkfifo "$work/$name.out"
    "$@" >"$work/$name.out" 2>"$work/$name.err" &
    started_pid=$!
    pids+=("$started_pid")
    exec {fd}<"$work/$name.out"
    if ! read -r -t 10 line <&"$fd" || [ "${line#"$expect"}" = "$line" ]; then
        fail "$name did not print $expect within 10 s (got '${line:-}')"
    fi
}

start r1 READY "${wrap[@]}" "$router" -c "$work/r1.conf"
r1_pid=$started_pid
start r2 READY "${wrap[@]}" "$router" -c "$work/r2.conf"
r2_pid=$started_pid
echo "ok: both routers READY (pids $r1_pid $r2_pid)"

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

# 1. ping: three replies, each having crossed both routers (B sends with TTL 64).
ping_out=$(in_a ping -n -c 3 -W 5 169.254.2.2 2>&1)
while IFS= read -r l; do echo "  ping: $l"; done <<<"$ping_out"
replies=$(echo "$ping_out" | grep -c 'bytes from 169.254.2.2')
ttl62=$(echo "$ping_out" | grep -c 'bytes from 169.254.2.2: .*ttl=62 ')
[ "$replies" = 3 ] || fail "ping A -> B: $replies of 3 replies"
[ "$ttl62" = 3 ] || fail "ping A -> B: $ttl62 of 3 replies have ttl=62 (two hops from B's 64)"
echo "ok: ping A -> B: 3 replies, ttl=62 (two router hops)"

# 2. HTTP: a 1 MiB file of random bytes from B to A, byte-exact.
mkdir "$work/www"
head -c 1048576 /dev/urandom >"$work/www/blob"
# `ip netns exec` execs the server, so the PID recorded is the server's own (a shell function
# in between would leave the server behind when the trap kills that PID).
start http "Serving HTTP" ip netns exec "$NS_B" python3 -u -m http.server 8080 --bind 169.254.2.2 --directory "$work/www"
in_a curl -sS --max-time 60 -o "$work/got" http://169.254.2.2:8080/blob || fail "curl A <- B failed"
want=$(sha256sum <"$work/www/blob")
got=$(sha256sum <"$work/got")
[ "$want" = "$got" ] || fail "the file fetched differs: $(stat -c %s "$work/got") bytes, sha256 $got (want $want)"
echo "ok: curl fetched 1048576 bytes from B, sha256 matches"

# 3. The routers' own accounts: stop them and read the counters.
for r in r1 r2; do
    pid=$r1_pid
    [ "$r" = r2 ] && pid=$r2_pid
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    [ "$rc" = 0 ] || fail "$r exited with status $rc after SIGTERM"
    forwarded=$(sed -n 's/^router: forwarded \([0-9]*\);.*/\1/p' "$work/$r.err")
    sed "s/^/  $r: /" "$work/$r.err"
    # At least 6 ping datagrams and ceil(1048576 / 1460) = 719 data segments.
    if [ -z "$forwarded" ] || [ "$forwarded" -lt 725 ]; then
        fail "$r forwarded ${forwarded:-?} datagrams, expected >= 725"
    fi
    echo "ok: $r forwarded $forwarded datagrams"
done
echo "ok: A and B talk through our two routers"
exit 0
