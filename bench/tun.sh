#!/usr/bin/env bash
# bench/tun.sh - benchmark (not a test): bulk TCP over a TUN device, our stack against lwIP.
#
# Builds the lwIP anchor (../shared/anchors/lwip_tun, copied to a temporary directory) and runs
# its run.sh with both stacks interleaved: -B lwip_tun -B tun_throughput, RUNS runs (default 5)
# in each direction, BYTES per transfer (default 100 MiB). Prints the medians:
#   tun_send: X Gbit/s      (our stack -> kernel TCP)
#   tun_recv: Y Gbit/s      (kernel TCP -> our stack)
# with lwIP's medians and our/lwIP ratios. Needs root (run.sh makes a private netns) and
# liblwip-dev + libssl-dev for the anchor; if either is missing it prints one skip line.
#
# Usage: bench/tun.sh [BUILD_DIR]   (default: build next to this script's repository)
# Env: RUNS (5), BYTES (104857600), ANCHOR_DIR (the anchor's directory; default ../shared).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
BUILD="${1:-$ROOT/build}"
RUNS=${RUNS:-5}
# run.sh waits up to WAIT_IDLE s before each transfer for an idle host; keep it short here.
export WAIT_IDLE=${WAIT_IDLE:-15}
BYTES=${BYTES:-104857600}
if [ -z "${ANCHOR_DIR:-}" ]; then # ../shared next to the repository (or next to a worktree's parent)
    for d in "$ROOT/../shared" "$ROOT/../../shared"; do
        if [ -f "$d/anchors/lwip_tun/run.sh" ]; then ANCHOR_DIR="$d/anchors/lwip_tun"; break; fi
    done
fi
ANCHOR_DIR=${ANCHOR_DIR:-$ROOT/../shared/anchors/lwip_tun}

skip() { echo "tun: skipped ($1)"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root for a private network namespace"
[ -f "$ANCHOR_DIR/run.sh" ] || skip "lwIP anchor not found at $ANCHOR_DIR"
pkg-config --exists lwip 2>/dev/null || skip "liblwip-dev not installed (apt-get install liblwip-dev libssl-dev)"
[ -x "$BUILD/tun_throughput" ] || skip "$BUILD/tun_throughput not built"

WORK="$(mktemp -d /tmp/sponge_tun_bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$ANCHOR_DIR" "$WORK/anchor"
chmod -R u+w "$WORK/anchor"
make -s -C "$WORK/anchor" lwip_tun >&2 || skip "the lwIP anchor did not build"

"$WORK/anchor/run.sh" -q -r "$RUNS" -b "$BYTES" -B "$WORK/anchor/lwip_tun" -B "$BUILD/tun_throughput" \
    | tee "$WORK/out" || true

# MEDIAN lines: "MEDIAN 0:lwip_tun stack->kernel X Gbit/s (...) kernel->stack Y Gbit/s ..."
med() { # med LABEL DIRECTION
    awk -v l="$1" -v d="$2" '$1 == "MEDIAN" && $2 ~ l { for (i = 3; i <= NF; i++) if ($i == d) print $(i + 1) }' "$WORK/out"
}
ls_=$(med lwip_tun stack-\>kernel)
lr=$(med lwip_tun kernel-\>stack)
os=$(med tun_throughput stack-\>kernel)
or=$(med tun_throughput kernel-\>stack)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "lwip_send: ${ls_:-n/a} Gbit/s   lwip_recv: ${lr:-n/a} Gbit/s   (median of $RUNS, same run)"
echo "ratio ours/lwIP: send $(ratio "$os" "$ls_")x  recv $(ratio "$or" "$lr")x"
echo "tun_recv: ${or:-n/a} Gbit/s (median of $RUNS)"
echo "tun_send: ${os:-n/a} Gbit/s (median of $RUNS)"
