#!/usr/bin/env bash
# bench/conn_rate.sh - benchmark (not a test): connections per second that our TCP host accepts
# and serves, against the kernel's TCP over a TUN device.
#
# Our side: build/tcp_server (the multi-connection host, listening with an accept queue, echo
# service) on tun144 as 169.254.144.9. Kernel side: build/conn_load (epoll, non-blocking
# connects) keeping CONCURRENT (1000) connections open at once; each connects, sends 1 KiB,
# reads the 1 KiB echo and checks every byte, and closes. One run lasts SECONDS (3); the
# figure is completed connections / elapsed time, the median of RUNS (5) runs. A wrong byte
# fails the benchmark (exit 1). The two sides are pinned to different CPUs (taskset) when the
# machine has two or more.
#
# Everything runs in a private network namespace (unshare -n), which gets namespace-local
# sysctls: at 20,000 connections/s the kernel client would run out of ephemeral ports while
# its closed sockets sit in TIME_WAIT (60 s), so the range is widened to 1024-65535,
# tcp_tw_reuse=1 lets connect() reuse a TIME_WAIT port after 1 s (RFC 7323 timestamps, which
# our host negotiates, make that safe), and tcp_max_tw_buckets=32768 bounds the TIME_WAIT
# sockets (beyond it the kernel closes them at once).
#
# Prints one line per run (with the server's CPU time per connection, which depends less on the
# machine's other load than the rate does), then (last line) `conn_rate: N conn/s`. Without
# root: one skip line.
# Usage: bench/conn_rate.sh [BUILD_DIR]. Env: RUNS (5), SECONDS_PER_RUN (3), CONCURRENT (1000).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
BUILD="${1:-$ROOT/build}"
RUNS=${RUNS:-5}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-3}
CONCURRENT=${CONCURRENT:-1000}
PORT=9090

skip() {
    echo "conn_rate: skipped ($1)"
    exit 0
}

if [ "${2:-}" != __inner ]; then
    [ "$(id -u)" = 0 ] || skip "needs root for a private network namespace"
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    if [ ! -x "$BUILD/tcp_server" ] || [ ! -x "$BUILD/conn_load" ]; then
        skip "tcp_server/conn_load not built in $BUILD"
    fi
    unshare -n true 2>/dev/null || skip "cannot create a network namespace"
    exec unshare -n bash "$0" "$BUILD" __inner
fi

# --- inside the private namespace ---
WORK=$(mktemp -d /tmp/sponge_conn_rate.XXXXXX)
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
ip link set lo up
ip tuntap add mode tun name tun144
sysctl -qw net.ipv6.conf.tun144.disable_ipv6=1
ip addr add 169.254.144.1/24 dev tun144
# The kernel queues what it sends to us in the device's queue (default 500 packets) while our
# single thread is busy or descheduled; at 20,000 connections/s (~120,000 packets/s to us)
# overflows there would cost 1 s SYN retransmissions. A longer queue, as a NIC ring would be.
ip link set tun144 txqueuelen 8192
ip link set tun144 up
sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
sysctl -qw net.ipv4.tcp_tw_reuse=1
sysctl -qw net.ipv4.tcp_max_tw_buckets=32768

pin_server=() pin_client=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    pin_server=(taskset -c 0) pin_client=(taskset -c 1)
fi

rates=()
for run in $(seq "$RUNS"); do
    : >"$WORK/server.err"
    "${pin_server[@]}" "$BUILD/tcp_server" -b 1024 -c 4096 "$PORT" 2>"$WORK/server.err" &
    SERVER=$!
    for _ in $(seq 200); do
        grep -q READY "$WORK/server.err" && break
        sleep 0.05
    done
    grep -q READY "$WORK/server.err" || { echo "conn_rate: tcp_server did not start: $(tail -n 1 "$WORK/server.err")"; exit 1; }
    rc=0
    out=$("${pin_client[@]}" "$BUILD/conn_load" -c "$CONCURRENT" -t "$SECONDS_PER_RUN" -s 1024 169.254.144.9 "$PORT" 2>&1) || rc=$?
    kill "$SERVER"
    wait "$SERVER" || true
    SERVER=""
    if [ "$rc" = 2 ] || ! grep -q '^conn_load: completed' <<<"$out"; then
        echo "conn_rate: FAILED in run $run (wrong bytes or no result): $out"
        exit 1
    fi
    rate=$(awk '/^conn_load: completed/ { print $(NF - 1) }' <<<"$out")
    done_n=$(awk '/^conn_load: completed/ { print $3 }' <<<"$out")
    # The server's CPU time per connection (user + system, including the kernel's work on the
    # datagrams it writes): a figure that depends less on what else the machine runs.
    cpu_us=$(awk -v n="$done_n" '/cpu_user_s=/ { split($2, u, "="); split($3, s, "=");
        if (n > 0) printf "%.1f", (u[2] + s[2]) * 1e6 / n }' "$WORK/server.err")
    echo "run $run: $out; server CPU ${cpu_us:-?} us/conn"
    grep -E '^(tcp_server|host):' "$WORK/server.err" | sed 's/^/    /'
    rates+=("$rate")
done
ip -s link show tun144 | sed -n "/TX/{n;p}" | awk '{ print "tun144 kernel-side TX: packets " $2 " dropped " $4 }'
nstat -az TcpRetransSegs TcpExtListenDrops 2>/dev/null | tail -n +2 | awk '{ print "kernel " $1 " " $2 }' || true
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "conn_rate: $median conn/s"
