#!/usr/bin/env bash
# The main job: installs the Debian packages it needs (as root on Debian 12), builds
# Release in build/, then runs the project end to end:
#   1. webget over this project's TCP against a local web server inside a private network
#      namespace (tests/lab4/webget_tun.sh; until it exists, the lab-0 native webget test);
#   2. the multi-router simulation in memory (build/network_simulator -t etc/topologies/lab6.topo);
#   3. a topology in real namespaces (etc/topology_run.sh etc/topologies/ring.topo: our routers on
#      TAP devices, Linux hosts, an impaired link), its picture written to build/topology/;
#   4. the benchmarks (make bench: each prints `NAME: VALUE UNIT`, median of 5 runs).
# Ends with a summary; exit status 0 only if every step that exists passed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
source etc/deps.sh
SPONGE_PACKAGES+=("${SPONGE_BENCH_PACKAGES[@]}")
sponge_setup main_job || exit 1

summary=()
failed=0
# step LIMIT NAME COMMAND...: runs one step (at most LIMIT seconds) and records its outcome;
# exit status 77 means the step could not run here (e.g. no network namespace) and is skipped.
step() {
    local limit=$1 name=$2 status
    shift 2
    echo
    echo "== $name"
    timeout "$limit" "$@"
    status=$?
    case $status in
        0) summary+=("$name: passed") ;;
        77) summary+=("$name: skipped (see its message above)") ;;
        *)
            summary+=("$name: FAILED (exit $status)")
            failed=1
            ;;
    esac
}

export SPONGE_BUILD=$PWD/build SPONGE_SRC=$PWD
if [ -f tests/lab4/webget_tun.sh ]; then
    step 600 "webget over our TCP (tests/lab4/webget_tun.sh)" bash tests/lab4/webget_tun.sh
else
    echo "tests/lab4/webget_tun.sh does not exist yet: running the lab-0 native webget test instead"
    step 600 "webget over the OS's TCP (tests/lab0/webget_native.sh)" bash tests/lab0/webget_native.sh
fi

step 600 "network_simulator -t etc/topologies/lab6.topo (in memory)" build/network_simulator -t etc/topologies/lab6.topo
step 600 "etc/topology_run.sh etc/topologies/ring.topo (namespaces; picture in build/topology/)" \
    bash etc/topology_run.sh --picture build/topology etc/topologies/ring.topo

bench_out=$(mktemp)
trap 'rm -f "$bench_out"' EXIT
if compgen -G "bench/*.c" >/dev/null; then
    # All benchmarks, the TUN, connection-rate and 20 ms RTT ones included: about 15 minutes.
    # shellcheck disable=SC2016 # $0 is expanded by the inner bash: the file to tee into
    step 2700 "make bench" bash -o pipefail -c 'make -s --no-print-directory -C build bench | tee "$0"' "$bench_out"
else
    echo
    echo "no benchmark programs (bench/*.c) yet: make bench not run"
    summary+=("make bench: no benchmarks yet")
fi

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
# Each benchmark's figure lines (`NAME: VALUE UNIT`, at the start of a line).
grep -E '^[a-z0-9_]+: [0-9.]+ ' "$bench_out" | sed 's/^/  /'
exit $failed
