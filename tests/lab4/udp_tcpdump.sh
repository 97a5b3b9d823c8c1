#!/usr/bin/env bash
# udp_tcpdump decodes a live tcp_udp exchange: inside a private network namespace, it captures
# on lo while two tcp_udp processes move a short message, and must print the handshake, the
# data segment and the FINs, one decoded line each; stopped with SIGTERM, it must print its
# summary and exit 0.
# rules: L4.R23
set -u
build=${SPONGE_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
    echo "SKIP: needs root to make a private network namespace for a live capture"
    exit 77
fi
if [ "${1:-}" != __inside ]; then
    exec unshare -n bash "$0" __inside
fi

ip link set lo up
# SPONGE_WRAP: a command prefix for our programs (e.g. valgrind; tests/framework/valgrind_apps.sh).
read -r -a wrap <<<"${SPONGE_WRAP:-}"
dir=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    rm -rf "$dir"
}
trap cleanup EXIT

timeout 30 "${wrap[@]}" "$build/udp_tcpdump" -i lo udp port 7000 >"$dir/dump" 2>"$dir/dump.err" &
dump=$!
pids+=("$dump")
for _ in $(seq 100); do
    grep -q "listening on" "$dir/dump.err" && break
    sleep 0.05
done
grep -q "listening on" "$dir/dump.err" || { echo "FAIL: udp_tcpdump did not start: $(cat "$dir/dump.err")"; exit 1; }

timeout 20 "${wrap[@]}" "$build/tcp_udp" -t 50 -l 127.0.0.1 7000 </dev/null >"$dir/received" 2>"$dir/server.err" &
server=$!
pids+=("$server")
for _ in $(seq 100); do
    ss -uln | grep -q ':7000 ' && break
    sleep 0.05
done
printf 'hello' | timeout 20 "${wrap[@]}" "$build/tcp_udp" -t 50 127.0.0.1 7000 >/dev/null 2>"$dir/client.err" ||
    { echo "FAIL: tcp_udp client: $(tail -n 1 "$dir/client.err")"; exit 1; }
wait "$server" || { echo "FAIL: tcp_udp server: $(tail -n 1 "$dir/server.err")"; exit 1; }
# Every segment was captured before its sender's sendto returned (lo): stop the capture.
kill -TERM "$dump"
wait "$dump" || { echo "FAIL: udp_tcpdump exited $? after SIGTERM: $(tail -n 1 "$dir/dump.err")"; exit 1; }
grep -q '^udp_tcpdump: [0-9]* segments, ' "$dir/dump.err" || { echo "FAIL: no summary from udp_tcpdump"; exit 1; }

echo "--- decoded segments"
cat "$dir/dump"
fail=0
expect() { # expect DESCRIPTION REGEX
    if grep -Eq "$2" "$dir/dump"; then
        echo "ok: $1"
    else
        echo "FAIL: no line with $1 (/$2/)"
        fail=1
    fi
}
expect "the SYN from the client" '127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:7000 S seq=[0-9]+ win=[0-9]+ len=0'
expect "the SYN-ACK from the server" '127\.0\.0\.1:7000 > 127\.0\.0\.1:[0-9]+ SA seq=[0-9]+ ack=[0-9]+'
expect "the 5-byte data segment" '> 127\.0\.0\.1:7000 A.* len=5'
expect "a FIN" ' A?F'
[ "$(cat "$dir/received")" = hello ] || { echo "FAIL: server received '$(cat "$dir/received")'"; fail=1; }
exit $fail
