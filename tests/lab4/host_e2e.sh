#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end, the multi-connection host (libsponge/adapters/tcp_host): inside a private
# namespace, tun144 with the kernel at 169.254.144.1 and our host at 169.254.144.9.
#   server N CONC SIZE  build/tcp_server (echo, accept queue) serves N kernel connections from
#                       build/conn_load, CONC open at once, SIZE bytes each way, every reply
#                       checked byte for byte; the server exits 0 on SIGTERM with counters
#                       showing every connection accepted and freed.
#   clients N SIZE      build/tcp_clients opens N connections at once to two kernel echo servers
#                       (conn_load -l on 169.254.144.1:7 and 169.254.144.2:8), checks every echo,
#                       closes first (TIME_WAIT, 10 x 100 ms) and waits until the host has freed
#                       them all.
#   refused             a kernel connect to a port nobody listens on is refused at once (our
#                       RST), while the listening port still serves.
#   synflood N          N SYNs from random ports of an address that never answers (raw socket):
#                       the half-open limit (the backlog, 64) holds, the SYNs beyond it are
#                       answered with SYN cookies (modern mode) and counted, the server's memory
#                       stays bounded, and real clients are served
#                       (tests/modern/hostile_cookie_flood.sh times a client during a
#                       10,000-SYN flood).
#   ping N              the kernel's `ping -c N` to the server's address gets N replies while
#                       conn_load keeps 50 connections busy (RFC 1122 3.2.2.6), and so do two
#                       3000-byte pings (fragments, answered after reassembly); the server
#                       counts them (icmp_echo_replied=N+2).
#   fragecho            a client request sent as IPv4 fragments (scapy, lib/fragment_peer.py
#                       echo) comes back whole; the server's report shows the reassembly.
# Namespace setup and case runner: lib/netns.sh.
# rules: L4.R21 L4.R24
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
    out=$(setpriv --pdeathsig KILL "${E2E_WRAP[@]}" "$E2E_BUILD/conn_load" -c "$conc" -n "$n" -s "$size" 169.254.144.9 "$E2E_PORT" 2>&1) ||
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
    ip addr add 169.254.144.2/24 dev tun144
    e2e_spawn echo1 /dev/null /dev/null "$E2E_BUILD/conn_load" -l -a 169.254.144.1 7
    e2e_spawn echo2 /dev/null /dev/null "$E2E_BUILD/conn_load" -l -a 169.254.144.2 8
    e2e_wait_for e2e_tcp_listening 7 || { echo "echo server 1 did not come up"; return 1; }
    e2e_wait_for e2e_tcp_listening 8 || { echo "echo server 2 did not come up"; return 1; }
    setpriv --pdeathsig KILL "${E2E_WRAP[@]}" "$E2E_BUILD/tcp_clients" -n "$n" -s "$size" 169.254.144.1 7 169.254.144.2 8 \
        2>"$E2E_DIR/clients.err" || rc=$?
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

# Sends $1 SYNs to 169.254.144.9:$2 from 169.254.144.77 (nobody: our SYN-ACKs go nowhere).
syn_flood() {
    python3 - "$1" "$2" <<'PY'
import random, socket, struct, sys
count, port = int(sys.argv[1]), int(sys.argv[2])
src, dst = socket.inet_aton("169.254.144.77"), socket.inet_aton("169.254.144.9")
def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF
sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
rng = random.Random(1)
for i in range(count):
    sport = rng.randrange(1024, 65536)
    tcp = struct.pack("!HHIIBBHHH", sport, port, rng.getrandbits(32), 0, 5 << 4, 0x02, 65535, 0, 0)
    tcp = tcp[:16] + struct.pack("!H", csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xFFFF, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    sock.sendto(ip + tcp, ("169.254.144.9", 0))
PY
}

case_synflood() {
    local n=$1 rss
    e2e_setup_tun tun144 169.254.144.1/24
    ip link set tun144 txqueuelen 10000
    e2e_spawn server /dev/null "$E2E_DIR/server.out" "$E2E_BUILD/tcp_server" -b 64 -H 1500 "$E2E_PORT"
    e2e_wait_for host_server_up || { echo "tcp_server did not come up"; return 1; }
    syn_flood "$n" "$E2E_PORT" || { echo "the flood could not be sent"; return 1; }
    rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$E2E_PID_server/status")
    setpriv --pdeathsig KILL "$E2E_BUILD/conn_load" -c 4 -n 20 -s 1000 169.254.144.9 "$E2E_PORT" >/dev/null 2>&1 ||
        { echo "a real client was not served after the flood"; return 1; }
    stop_server || return 1
    local line
    line=$(grep '^tcp_server: accepted' "$E2E_DIR/server.err")
    local syns cookies
    syns=$(sed -n 's/.* syns \([0-9]*\) .*/\1/p' <<<"$line")
    cookies=$(sed -n 's/.* cookies_sent \([0-9]*\) .*/\1/p' <<<"$line")
    if [ "${cookies:-0}" -lt $((n / 2)) ]; then
        echo "expected most of $n SYNs answered with cookies beyond the half-open limit: $line"
        return 1
    fi
    if [ "${rss:-999999}" -gt 65536 ]; then
        echo "server RSS ${rss} kB after the flood (limit 64 MiB)"
        return 1
    fi
    echo "NOTE: $n SYNs: admitted ${syns:-?} (at most 64 at a time), answered with cookies ${cookies:-?}; server RSS ${rss} kB"
}

kernel_clients_connected() {
    ss -Htn state established "dst 169.254.144.9" | grep -q .
}

case_ping() {
    local n=$1 rc=0 out big
    start_server || return 1
    e2e_spawn load /dev/null "$E2E_DIR/load.out" "$E2E_BUILD/conn_load" -c 50 -t 3 -s 2000 169.254.144.9 "$E2E_PORT"
    e2e_wait_for kernel_clients_connected || { echo "conn_load connected nothing"; return 1; }
    out=$(ping -c "$n" -i 0.2 -W 2 169.254.144.9 2>&1) || rc=$?
    big=$(ping -c 2 -i 0.2 -W 2 -s 3000 169.254.144.9 2>&1) || rc=$?
    # shellcheck disable=SC2154 # E2E_PID_load is set by e2e_spawn
    wait "$E2E_PID_load" || { echo "conn_load failed: $(tail -n 1 "$E2E_DIR/load.err")"; return 1; }
    stop_server || return 1
    if [ "$rc" != 0 ] || ! grep -q " $n received" <<<"$out" || ! grep -q " 2 received" <<<"$big"; then
        echo "ping: $(grep -m1 'packets transmitted' <<<"$out" || echo "exit $rc: $out")"
        echo "ping -s 3000: $(grep -m1 'packets transmitted' <<<"$big" || echo "$big")"
        return 1
    fi
    grep -q "icmp_echo_replied=$((n + 2));" "$E2E_DIR/server.err" ||
        { echo "the server did not count $((n + 2)) echo replies: $(grep '^host:' "$E2E_DIR/server.err")"; return 1; }
    local accepted
    accepted=$(grep -o 'accepted [0-9]*' "$E2E_DIR/server.err")
    echo "NOTE: $(grep 'packets transmitted' <<<"$out"); meanwhile the server $accepted connections"
}

case_fragecho() {
    local rc=0
    /usr/bin/python3 -c 'import scapy' 2>/dev/null || { echo "needs Debian's python3-scapy (etc/deps.sh)"; return 1; }
    start_server || return 1
    /usr/bin/python3 "$(dirname "$0")/lib/fragment_peer.py" --dev tun144 --port "$E2E_PORT" echo \
        >"$E2E_DIR/peer.out" 2>&1 || rc=$?
    stop_server || return 1
    if [ "$rc" != 0 ]; then
        echo "fragment peer: $(grep -m1 FAIL "$E2E_DIR/peer.out" || echo "exit $rc")"
        sed 's/^/  /' "$E2E_DIR/peer.out"
        return 1
    fi
    local report want kv got problems=""
    report=$(grep '^host:' "$E2E_DIR/server.err")
    want=$(sed -n 's/^expect-counters: //p' "$E2E_DIR/peer.out")
    [ -n "$want" ] && [ -n "$report" ] || problems+=" missing counters (peer: '$want', server: '$report');"
    for kv in $want; do
        got=$(grep -o " ${kv%=*}=[0-9]*" <<<"${report#*reassembly:}" | cut -d= -f2)
        [ "$got" = "${kv#*=}" ] || problems+=" reassembly counter ${kv%=*} is ${got:-missing}, expected ${kv#*=};"
    done
    [ -z "$problems" ] || { echo "$problems"; echo "  $report"; return 1; }
    echo "NOTE: ${report#*reassembly:}" | cut -d';' -f1
}

E2E_TOOLS=(python3 ping)
E2E_CASES=(
    "server 2000 250 20000"
    "server 4000 1000 1024"
    "clients 16 200000"
    "refused"
    "synflood 5000"
    "ping 3"
    "fragecho"
)
e2e_main "$@"
