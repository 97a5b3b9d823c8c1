#!/bin/bash
# A bad topology file gets "FILE:LINE: what is wrong" on stderr and exit 1, from apps/topology,
# network_simulator -t and etc/topology_run.sh alike (the whole catalogue of mistakes is
# tests/framework/topology_file.c; this checks the command lines). Needs nothing but the programs.
set -u
build="${SPONGE_BUILD:-$(dirname "$0")/../../build}"
src="${SPONGE_SRC:-$(dirname "$0")/../..}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# expect NAME STATUS STDERR COMMAND...: the exit status and the whole stderr.
expect() {
    local name=$1 want_rc=$2 want_err=$3 rc err
    shift 3
    err=$("$@" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" = "$want_rc" ] && [ "$err" = "$want_err" ]; then
        echo "ok: $name: exit $rc, '$err'"
    else
        echo "FAIL: $name: exit $rc (want $want_rc), stderr '$err' (want '$want_err')"
        failed=1
    fi
}

printf 'router R1\nhost a\nhost b\nlink la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.10 b=10.0.1.11 mtu 9000\n' >"$work/bad.topo"
why="$work/bad.topo:4: bad mtu \"9000\" (68..1500 bytes)"
expect "topology check" 1 "$why" "$build/topology" check "$work/bad.topo"
expect "topology plan" 1 "$why" "$build/topology" plan "$work/bad.topo"
expect "topology dot" 1 "$why" "$build/topology" dot "$work/bad.topo"
expect "network_simulator -t" 1 "$why" "$build/network_simulator" -t "$work/bad.topo"
expect "topology_run.sh" 1 "$why" bash "$src/etc/topology_run.sh" "$work/bad.topo"
expect "missing file" 1 "topology: cannot read $work/none: No such file or directory" "$build/topology" check "$work/none"
expect "usage" 2 "usage: topology check FILE | plan FILE | dot FILE [STATS]" "$build/topology" draw "$work/bad.topo"
for f in "$src"/etc/topologies/*.topo; do
    expect "example $(basename "$f")" 0 "" "$build/topology" check "$f"
done
# The built-in network of network_simulator is the lab-6 example, word for word.
if "$build/network_simulator" --print-builtin | cmp -s - "$src/etc/topologies/lab6.topo"; then
    echo "ok: network_simulator's built-in topology is etc/topologies/lab6.topo"
else
    echo "FAIL: network_simulator --print-builtin differs from etc/topologies/lab6.topo"
    failed=1
fi
exit "$failed"
