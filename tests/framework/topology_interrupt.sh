#!/bin/bash
# Ctrl-C in the middle of etc/topology_run.sh leaves nothing behind: the runner (in a process
# group of its own, as a terminal's foreground job) gets SIGINT once the chain of 8 routers is
# up, and again every 20 ms during its teardown; it must stop at once (exit 130), and then none of the processes it started is alive, none of its host namespaces
# (tpPID-*) exists, and it exits non-zero. Exit 77 (skipped) without root or namespaces.
set -u
src="${SPONGE_SRC:-$(dirname "$0")/../..}"
[ "$(id -u)" = 0 ] || { echo "skipped: needs root for private network namespaces"; exit 77; }
unshare -n true 2>/dev/null || { echo "skipped: cannot create a network namespace (unshare -n)"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# (a background job of a script starts with SIGINT ignored, which bash cannot trap: restore it)
setsid env --default-signal=INT bash "$src/etc/topology_run.sh" "$src/etc/topologies/chain8.topo" >"$out" 2>&1 &
pid=$!
for ((i = 0; i < 300; i++)); do
    grep -q "^ok: chain8 is up" "$out" && break
    sleep 0.1
done
grep -q "^ok: chain8 is up" "$out" || { cat "$out"; echo "FAIL: the runner did not bring chain8 up"; kill -INT -- -"$pid"; exit 1; }
children=$(pgrep -P "$pid" | tr '\n' ' ')
namespaces=$(ip netns list | grep -c "^tp$pid-")
echo "ok: chain8 up: runner $pid with children $children and $namespaces host namespaces"
[ "$namespaces" -gt 0 ] || { echo "FAIL: no host namespaces named tp$pid-*"; exit 1; }
kill -INT -- -"$pid"
# an impatient user keeps pressing Ctrl-C while the teardown runs: it must still finish
for ((i = 0; i < 50; i++)); do
    sleep 0.02
    kill -INT -- -"$pid" 2>/dev/null || break
done
wait "$pid"
rc=$?
tail -3 "$out"
if [ "$rc" != 130 ] || ! grep -q "^interrupted: tearing down" "$out"; then
    echo "FAIL: the runner did not stop on the interrupt (exit $rc)"
    exit 1
fi
left=""
for c in $children; do
    kill -0 "$c" 2>/dev/null && left+=" $c"
done
[ -z "$left" ] || { echo "FAIL: still running after the interrupt:$left"; exit 1; }
[ "$(ip netns list | grep -c "^tp$pid-")" = 0 ] || { echo "FAIL: host namespaces left: $(ip netns list | grep "^tp$pid-")"; exit 1; }
[ ! -e "/etc/netns/tp$pid-a1" ] || { echo "FAIL: /etc/netns/tp$pid-a1 left behind"; exit 1; }
echo "ok: interrupted runner exited $rc; no process, namespace or /etc/netns entry left"
