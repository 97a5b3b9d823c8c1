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
# rules: L7.R3 L7.R4
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
# shellcheck source=lib/two_routers.sh
source "$(dirname "$0")/lib/two_routers.sh"
two_routers_init topo
two_routers_up "$router"
echo "ok: both routers READY (pids $r1_pid $r2_pid), hosts A and B up"

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
