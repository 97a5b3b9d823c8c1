#!/usr/bin/env bash
# rules: L0.R11 (docs/labs/lab0.md)
# Lab 0: `webget --native` fetches a 1 MiB random file from a local python3 http.server
# (127.0.0.1, a free port the kernel picks) and the body must be byte-identical to it.
# Needs no root and no namespace: it talks to the loopback only.
set -euo pipefail

build=${SPONGE_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
webget=$build/webget
[ -x "$webget" ] || { echo "webget_native: $webget not built" >&2; exit 1; }
# SPONGE_WRAP: a command prefix for our programs (e.g. valgrind; tests/framework/valgrind_apps.sh).
read -r -a wrap <<<"${SPONGE_WRAP:-}"

dir=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT

mkdir "$dir/www"
head -c 1048576 /dev/urandom >"$dir/www/file"

# Port 0: the kernel picks a free port; http.server prints it once its socket is listening.
# The log exists before the loop reads it (set -e would end the script on sed's error).
: >"$dir/server.log"
python3 -u -m http.server --bind 127.0.0.1 --directory "$dir/www" 0 >"$dir/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 100); do # bounded: at most ~10 s
    port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9][0-9]*\).*/\1/p' "$dir/server.log")
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "webget_native: http.server did not start:" >&2
    cat "$dir/server.log" >&2
    exit 1
fi

echo "fetching http://127.0.0.1:$port/file with webget --native"
"${wrap[@]}" "$webget" --native "127.0.0.1:$port" /file >"$dir/response"

# Split the response at the first blank line; the status must be 200.
python3 - "$dir/response" "$dir/body" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
head, sep, body = data.partition(b"\r\n\r\n")
if not sep:
    sys.exit("webget_native: no end of headers in %d response bytes" % len(data))
status = head.split(b"\r\n", 1)[0].decode("latin-1")
print("status line:", status)
if status.split(" ")[1:2] != ["200"]:
    sys.exit("webget_native: expected status 200")
open(sys.argv[2], "wb").write(body)
EOF

want=$(sha256sum <"$dir/www/file" | cut -d' ' -f1)
got=$(sha256sum <"$dir/body" | cut -d' ' -f1)
echo "file sha256: $want ($(stat -c %s "$dir/www/file") bytes)"
echo "body sha256: $got ($(stat -c %s "$dir/body") bytes)"
if [ "$want" != "$got" ]; then
    echo "webget_native: body differs from the file" >&2
    exit 1
fi
echo "webget_native: body matches"
