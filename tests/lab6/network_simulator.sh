#!/usr/bin/env bash
# rules: L6.R14 (docs/labs/lab6.md)
# Runs the multi-router simulation (apps/network_simulator.c) in memory: no devices, no root.
# Passes only if the simulator exits 0 and ends with its summary line. Honours SPONGE_SEED.
set -u
sim="${SPONGE_BUILD:?SPONGE_BUILD is not set}/network_simulator"
if [ ! -x "$sim" ]; then
    echo "network_simulator: $sim not built" >&2
    exit 1
fi
# SPONGE_WRAP: a command prefix (e.g. valgrind; tests/framework/valgrind_apps.sh).
read -r -a wrap <<<"${SPONGE_WRAP:-}"
out=$("${wrap[@]}" "$sim" -n 3000)
status=$?
printf '%s\n' "$out"
if [ "$status" -ne 0 ]; then
    echo "network_simulator exited with status $status" >&2
    exit 1
fi
last=$(printf '%s\n' "$out" | tail -n 1)
if ! [[ "$last" =~ ^network_simulator:\ [0-9]+\ datagrams\ delivered,\ [0-9]+\ dropped\ as\ expected$ ]]; then
    echo "unexpected last line: $last" >&2
    exit 1
fi
