#!/bin/bash
# The in-memory runner on every example topology (network_simulator -t FILE, seeded): every
# datagram's fate as the drawing predicts, every router's counters as predicted. Then the
# scale example (64 routers, 128 hosts) with 20,000 datagrams; its time is printed, not
# judged (the 100,000-datagram figure is in docs/topologies.md). Honours SPONGE_SEED.
# rules: L7.R10
set -u
build="${SPONGE_BUILD:-$(dirname "$0")/../../build}"
src="${SPONGE_SRC:-$(dirname "$0")/../..}"
read -r -a wrap <<<"${SPONGE_WRAP:-}"
seed=${SPONGE_SEED:-$RANDOM}
failed=0
for f in "$src"/etc/topologies/*.topo; do
    n=3000
    [ "$(basename "$f")" = grid64.topo ] && n=20000
    start=$(date +%s.%N)
    out=$("${wrap[@]}" "$build/network_simulator" -t "$f" -s "$seed" -n "$n" 2>&1)
    rc=$?
    secs=$(echo "$(date +%s.%N) $start" | awk '{printf "%.2f", $1 - $2}')
    last=$(printf '%s\n' "$out" | tail -n 1)
    if [ "$rc" = 0 ] && [[ "$last" =~ ^network_simulator:\ [0-9]+\ datagrams\ delivered,\ [0-9]+\ dropped\ as\ expected$ ]]; then
        echo "ok: $(basename "$f"): $n datagrams, ${last#network_simulator: } (${secs} s)"
    else
        printf '%s\n' "$out" | tail -n 15
        echo "FAIL: $(basename "$f") (exit $rc; replay with SPONGE_SEED=$seed)"
        failed=1
    fi
done
exit "$failed"
