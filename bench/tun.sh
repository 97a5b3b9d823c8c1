#!/usr/bin/env bash
# bench/tun.sh - benchmark (not a test): bulk TCP over a TUN device, four ways, in the same run.
#
#   sponge          our stack (build/tun_throughput) with TUN offloads: TSO super-segments both
#                   ways, partial checksums (docs/BENCHMARKS.md, "TUN offloads")
#   sponge_plain    the same binary with --no-offload: one MSS-sized datagram per read/write
#   lwip            the lwIP anchor (../shared/anchors/lwip_tun, built from a temporary copy)
#   kernel          Linux TCP to Linux TCP over a veth pair between two private namespaces,
#                   offloads on (the veth default): the ceiling of this path
#
# Each stack talks to the kernel's TCP on tun144 (MTU 1500) through bench/tun_peer.py; the kernel
# case runs tun_peer.py at both ends. send = the stack (or the first namespace) sends BYTES
# (default 100 MiB), recv = it receives them; each transfer is checked by SHA-256 at both ends.
# The stack (or the stack-side peer) is pinned to CPU 1 and the kernel-side peer to CPU 0.
# RUNS rounds (default 5); each round runs every contender in both directions, the order rotated
# per round, so that the load of a shared host falls on all of them alike. Each transfer prints
# one line; then per contender and direction the median Gbit/s and the median CPU time per GiB:
# the timed part's user+sys time of the stack process plus that of the kernel-side peer (both
# measured by the processes themselves; kernel work done in their system calls counts, softirq
# work elsewhere does not). Then the ratios the issue asks for, and the load average before and
# after. Last line: `tun_offload: SEND / RECV Gbit/s (median of RUNS)`.
#
# Needs root (private namespaces), python3, liblwip-dev + libssl-dev for the anchor (without
# them the lwip rows are left out, said on one line). Without root: one skip line.
# Usage: bench/tun.sh [BUILD_DIR]   Env: RUNS (5), BYTES (104857600), ANCHOR_DIR,
#   BASELINE (another build's tun_throughput, run as a fifth contender `baseline` with the
#   options in BASELINE_ARGS: a before/after comparison in the same interleaved rounds),
#   ONLY (names of the contenders to run, e.g. "sponge_plain lwip baseline"; default all),
#   RPS=1 (each end's protocol work on its own CPU: receive packet steering sends what the
#   kernel-side peer receives, from tun144 or on vk1, to CPU 0 and what namespace A receives on
#   vk0 to CPU 1; without it the kernel peer's receive path runs in the stack's TUN write, on
#   CPU 1, and so does B's on veth; docs/BENCHMARKS.md, "Steering the peer's work").
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
BUILD="$(realpath "${1:-$ROOT/build}")"
RUNS=${RUNS:-5}
BYTES=${BYTES:-104857600}
PEER="$HERE/tun_peer.py"

skip() { echo "tun: skipped ($1)"; exit 0; }

if [ "${2:-}" != __inner ]; then
    [ "$(id -u)" = 0 ] || skip "needs root for a private network namespace"
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    [ -x "$BUILD/tun_throughput" ] || skip "$BUILD/tun_throughput not built"
    command -v python3 >/dev/null || skip "python3 not installed"
    unshare -n true 2>/dev/null || skip "cannot create a network namespace"
    if [ -z "${ANCHOR_DIR:-}" ]; then # ../shared next to the repository (or next to a worktree's parent)
        for d in "$ROOT/../shared" "$ROOT/../../shared"; do
            if [ -f "$d/anchors/lwip_tun/lwip_tun.c" ]; then ANCHOR_DIR="$d/anchors/lwip_tun"; break; fi
        done
    fi
    WORK="$(mktemp -d /tmp/sponge_tun_bench.XXXXXX)"
    trap 'rm -rf "$WORK"' EXIT
    LWIP=""
    if [ -z "${ANCHOR_DIR:-}" ]; then
        echo "tun: lwIP anchor not found (ANCHOR_DIR): no lwip rows"
    elif ! pkg-config --exists lwip 2>/dev/null; then
        echo "tun: liblwip-dev not installed (apt-get install liblwip-dev libssl-dev): no lwip rows"
    else
        cp -r "$ANCHOR_DIR" "$WORK/anchor"
        chmod -R u+w "$WORK/anchor"
        if make -s -C "$WORK/anchor" lwip_tun >&2; then LWIP="$WORK/anchor/lwip_tun"; else echo "tun: the lwIP anchor did not build: no lwip rows"; fi
    fi
    rc=0
    # A mount namespace too, for a sysfs of namespace A's own (RPS=1 writes rps_cpus there).
    WORK=$WORK LWIP=$LWIP unshare -nm bash "$0" "$BUILD" __inner || rc=$?
    exit $rc
fi

# --- inside the private namespace (A) ---
HOLDER=""
cleanup() {
    [ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip link set lo up
ip tuntap add mode tun name tun144
sysctl -qw net.ipv6.conf.tun144.disable_ipv6=1
ip addr add 169.254.144.1/24 dev tun144
ip link set tun144 mtu 1500 up
export TUN_DEV=tun144
# Namespace B for the kernel-to-kernel case, alive as long as this holder process.
unshare -n sleep 36000 &
HOLDER=$!
for _ in $(seq 100); do
    [ "$(readlink /proc/$HOLDER/ns/net)" != "$(readlink /proc/$$/ns/net)" ] && break
    sleep 0.02
done
INB=(nsenter -t "$HOLDER" -n)
ip link add vk0 type veth peer name vk1 netns "$HOLDER"
ip addr add 169.254.146.1/24 dev vk0
ip link set vk0 up
"${INB[@]}" ip link set lo up
"${INB[@]}" ip addr add 169.254.146.2/24 dev vk1
"${INB[@]}" ip link set vk1 up
CPU_STACK=(taskset -c 1) CPU_PEER=(taskset -c 0)
[ "$(nproc)" -ge 2 ] || CPU_STACK=() CPU_PEER=()
STEERING="off"
if [ "${RPS:-0}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
    mount -t sysfs none /sys
    echo 1 >/sys/class/net/tun144/queues/rx-0/rps_cpus
    echo 2 >/sys/class/net/vk0/queues/rx-0/rps_cpus
    "${INB[@]}" unshare -m sh -c 'mount -t sysfs none /sys && echo 1 >/sys/class/net/vk1/queues/rx-0/rps_cpus'
    STEERING="on (tun144 and vk1 -> CPU 0, vk0 -> CPU 1)"
fi
TMO=(timeout 120)

field() { # field FILE KEY: the value of KEY= in FILE
    sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" "$1" 2>/dev/null | head -n 1
}
wait_ready() { # wait_ready PID FILE: up to 10 s for READY in FILE
    local _
    for _ in $(seq 500); do
        grep -qs READY "$2" && return 0
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.02
    done
    return 1
}
cpu_of() { # cpu_of FILE: user + sys of the timed part
    awk -v u="$(field "$1" cpu_user_s)" -v s="$(field "$1" cpu_sys_s)" 'BEGIN { printf "%.4f", u + s }'
}

PORT=5300
# transfer NAME DIR: one transfer; appends "gbps cpu_s_per_GiB" to $WORK/res.NAME.DIR.
transfer() {
    local name=$1 dir=$2 w=$WORK/t
    PORT=$((PORT + 1))
    rm -f "$w".*
    local -a stack=()
    case $name in
        sponge) stack=("$BUILD/tun_throughput") ;;
        sponge_plain) stack=("$BUILD/tun_throughput" --no-offload) ;;
        lwip) stack=("$LWIP") ;;
        baseline) read -r -a stack <<<"$BASELINE ${BASELINE_ARGS:-}" ;;
    esac
    local rc=0 pid gbps sha_a sha_b bytes cpu
    if [ "$name" = kernel ]; then
        # A (the stack's place, CPU 1) sends to B (CPU 0), or B sends to A.
        local -a rx tx
        if [ "$dir" = send ]; then
            rx=("${INB[@]}" "${CPU_PEER[@]}" python3 "$PEER" recv 169.254.146.2 "$PORT" "$BYTES")
            tx=("${CPU_STACK[@]}" python3 "$PEER" send 169.254.146.2 "$PORT" "$BYTES")
        else
            rx=("${CPU_STACK[@]}" python3 "$PEER" recv 169.254.146.1 "$PORT" "$BYTES")
            tx=("${INB[@]}" "${CPU_PEER[@]}" python3 "$PEER" send 169.254.146.1 "$PORT" "$BYTES")
        fi
        "${TMO[@]}" "${rx[@]}" >"$w.rx" 2>"$w.rx.err" &
        pid=$!
        wait_ready "$pid" "$w.rx.err" || rc=1
        [ $rc = 0 ] && { "${TMO[@]}" "${tx[@]}" >"$w.tx" 2>"$w.tx.err" || rc=$?; }
        wait "$pid" || rc=$?
        gbps=$(field "$w.rx" gbps) sha_a=$(field "$w.rx" sha256) sha_b=$(field "$w.tx" sha256)
        bytes=$(field "$w.rx" bytes)
        cpu=$(awk -v a="$(cpu_of "$w.rx")" -v b="$(cpu_of "$w.tx")" 'BEGIN { printf "%.4f", a + b }')
    else
        if [ "$dir" = send ]; then
            "${CPU_PEER[@]}" "${TMO[@]}" python3 "$PEER" recv 169.254.144.1 "$PORT" "$BYTES" >"$w.peer" 2>"$w.peer.err" &
            pid=$!
            wait_ready "$pid" "$w.peer.err" || rc=1
            [ $rc = 0 ] && { "${CPU_STACK[@]}" "${TMO[@]}" "${stack[@]}" send 169.254.144.1 "$PORT" "$BYTES" \
                >"$w.stack" 2>"$w.stack.err" || rc=$?; }
            wait "$pid" || rc=$?
        else
            "${CPU_STACK[@]}" "${TMO[@]}" "${stack[@]}" recv "$PORT" >"$w.stack" 2>"$w.stack.err" &
            pid=$!
            wait_ready "$pid" "$w.stack" || wait_ready "$pid" "$w.stack.err" || rc=1
            [ $rc = 0 ] && { "${CPU_PEER[@]}" "${TMO[@]}" python3 "$PEER" send 169.254.144.9 "$PORT" "$BYTES" \
                >"$w.peer" 2>"$w.peer.err" || rc=$?; }
            wait "$pid" || rc=$?
        fi
        gbps=$(field "$w.stack" gbps) sha_a=$(field "$w.stack" sha256) sha_b=$(field "$w.peer" sha256)
        bytes=$(field "$w.stack" bytes)
        cpu=$(awk -v a="$(cpu_of "$w.stack.err")" -v b="$(cpu_of "$w.peer")" 'BEGIN { printf "%.4f", a + b }')
    fi
    local per_gib ok=OK
    per_gib=$(awk -v c="$cpu" -v n="$BYTES" 'BEGIN { printf "%.3f", c * 1073741824 / n }')
    if [ "$rc" != 0 ] || [ -z "$sha_a" ] || [ "$sha_a" != "$sha_b" ] || [ "$bytes" != "$BYTES" ]; then
        ok="FAILED (exit $rc, bytes ${bytes:-?})"
        tail -n 3 "$w".*err >&2 || true
    else
        echo "$gbps $per_gib" >>"$WORK/res.$name.$dir"
    fi
    printf 'round %d %-12s %s %8s Gbit/s  CPU %6s s/GiB  %s\n' "$ROUND" "$name" "$dir" "${gbps:-?}" "$per_gib" "$ok"
}

NAMES=(sponge sponge_plain)
[ -n "$LWIP" ] && NAMES+=(lwip)
NAMES+=(kernel)
[ -n "${BASELINE:-}" ] && NAMES+=(baseline)
if [ -n "${ONLY:-}" ]; then
    picked=()
    for name in "${NAMES[@]}"; do [[ " $ONLY " == *" $name "* ]] && picked+=("$name"); done
    NAMES=("${picked[@]}")
fi
echo "tun: $(nproc) CPUs, $(uname -r), $BYTES bytes per transfer, $RUNS rounds; kernel TCP" \
    "cc=$(sysctl -n net.ipv4.tcp_congestion_control); receive steering $STEERING;" \
    "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ROUND in $(seq "$RUNS"); do
    n=${#NAMES[@]}
    for k in $(seq 0 $((n - 1))); do
        name=${NAMES[$(((k + ROUND - 1) % n))]}
        transfer "$name" send
        transfer "$name" recv
    done
done

median() { # median NAME DIR COLUMN
    [ -s "$WORK/res.$1.$2" ] || { echo n/a; return; }
    awk -v c="$3" '{ print $c }' "$WORK/res.$1.$2" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "n/a" }'; }
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for name in "${NAMES[@]}"; do
    printf 'median %-12s send %8s Gbit/s %7s CPU s/GiB   recv %8s Gbit/s %7s CPU s/GiB\n' "$name" \
        "$(median "$name" send 1)" "$(median "$name" send 2)" "$(median "$name" recv 1)" "$(median "$name" recv 2)"
done
for dir in send recv; do
    s=$(median sponge "$dir" 1) p=$(median sponge_plain "$dir" 1) l=$(median lwip "$dir" 1) k=$(median kernel "$dir" 1)
    echo "ratios $dir: offload/lwIP $(ratio "$s" "$l") (target >= 2.5x), offload/kernel $(ratio "$s" "$k")" \
        "(target >= 0.75x), plain/lwIP $(ratio "$p" "$l") (target >= 1.2x)"
done
echo "tun_offload: $(median sponge send 1) / $(median sponge recv 1) Gbit/s send / recv (median of $RUNS)"
