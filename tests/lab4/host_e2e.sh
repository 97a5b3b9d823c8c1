#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end, the multi-connection host (libsponge/adapters/tcp_host): inside a private
# namespace, tun144 with the kernel at 169.254.144.1 and our host at 169.254.144.9.
#   server N CONC SIZE  build/tcp_server (echo, accept queue) serves N kernel connections from
#                       build/conn_load, CONC open at once, SIZE bytes each way, every reply
#                       checked byte for byte; the server exits 0 on SIGTERM with counters
#                       showing every connection accepted and freed.
#   clients N SIZE      build/tcp_clients opens N connections at once to a kernel echo server
#                       (conn_load -l), checks every echo, closes first (TIME_WAIT, 10 x 100 ms)
#                       and waits until the host has freed them all.
#   refused             a kernel connect to a port nobody listens on is refused at once (our
#                       RST), while the listening port still serves.
# Namespace setup and case runner: lib/netns.sh.
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"

host_server_up() {
    grep -q READY "$E2E_DIR/server.err"
}

start_server() {
    e2e_setup_tun tun144 169.254.144.1/24
    e2e_spawn server /dev/null "$E2E_DIR/server.out" "$E2E_BUILD/tcp_server" -b 256 "$E2E_PORT"
    e2e_wait_for host_server_up || { echo "tcp_server did not come up: $(tail -n 1 "$E2E_DIR/server.err")"; return 1; }
}

# Stops the server with SIGTERM; it must exit 0 and report counters.
stop_server() {
    # shellcheck disable=SC2154 # E2E_PID_server is set by e2e_spawn
    kill -TERM "$E2E_PID_server"
    local rc=0
    wait "$E2E_PID_server" || rc=$?
    if [ "$rc" != 0 ]; then
        echo "tcp_server exited $rc on SIGTERM: $(tail -n 2 "$E2E_DIR/server.err")"
        return 1
    fi
    grep -q '^tcp_server: accepted' "$E2E_DIR/server.err" || { echo "tcp_server printed no counters"; return 1; }
}

case_server() {
    local n=$1 conc=$2 size=$3 rc=0 out
    start_server || return 1
    out=$(setpriv --pdeathsig KILL "$E2E_BUILD/conn_load" -c "$conc" -n "$n" -s "$size" 169.254.144.9 "$E2E_PORT" 2>&1) ||
        rc=$?
    stop_server || return 1
    if [ "$rc" != 0 ]; then
        echo "conn_load exited $rc: $out"
        tail -n 2 "$E2E_DIR/server.err"
        return 1
    fi
    local accepted
    accepted=$(awk '/^tcp_server: accepted/ { print $3 }' "$E2E_DIR/server.err")
    if [ "$accepted" != "$n" ]; then
        echo "server accepted ${accepted:-?} connections, expected $n"
        return 1
    fi
    echo "NOTE: $out"
    echo "NOTE: $(grep '^tcp_server:' "$E2E_DIR/server.err")"
}

case_clients() {
    local n=$1 size=$2 rc=0
    e2e_setup_tun tun144 169.254.144.1/24
    e2e_spawn echo /dev/null /dev/null "$E2E_BUILD/conn_load" -l -a 169.254.144.1 7
    e2e_wait_for e2e_tcp_listening 7 || { echo "echo server did not come up"; return 1; }
    setpriv --pdeathsig KILL "$E2E_BUILD/tcp_clients" -n "$n" -s "$size" 169.254.144.1 7 2>"$E2E_DIR/clients.err" ||
        rc=$?
    if [ "$rc" != 0 ]; then
        echo "tcp_clients exited $rc: $(tail -n 2 "$E2E_DIR/clients.err")"
        return 1
    fi
    echo "NOTE: $(cut -c1-160 "$E2E_DIR/clients.err")"
}

case_refused() {
    start_server || return 1
    local t0 t1
    t0=$EPOCHREALTIME
    if timeout 5 bash -c 'exec 3<>/dev/tcp/169.254.144.9/9' 2>"$E2E_DIR/refused.err"; then
        echo "connect to a closed port succeeded"
        return 1
    fi
    t1=$EPOCHREALTIME
    grep -q 'refused' "$E2E_DIR/refused.err" || { echo "not refused: $(cat "$E2E_DIR/refused.err")"; return 1; }
    awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 1) }' || { echo "refusal took over 1 s"; return 1; }
    setpriv --pdeathsig KILL "$E2E_BUILD/conn_load" -c 4 -n 20 -s 1000 169.254.144.9 "$E2E_PORT" >/dev/null 2>&1 ||
        { echo "the listening port did not serve after the refusal"; return 1; }
    stop_server || return 1
    grep -q 'rst_sent 1 ' "$E2E_DIR/server.err" || { echo "host did not count one RST: $(tail -n 1 "$E2E_DIR/server.err")"; return 1; }
}

E2E_CASES=(
    "server 2000 250 20000"
    "server 4000 1000 1024"
    "clients 16 200000"
    "refused"
)
e2e_main "$@"
