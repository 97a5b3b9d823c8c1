#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 5 end to end: `webget -d tap10` (our TCP through our NetworkInterface, Ethernet + ARP,
# our address 169.254.10.9) fetches a generated 1 MiB file from python3's http.server bound to
# 169.254.10.1:80 inside a private namespace; the body's sha256 must match the file's.
# Namespace setup and case runner: ../lab4/lib/netns.sh.
# shellcheck source=../lab4/lib/netns.sh
source "$(dirname "$0")/../lab4/lib/netns.sh"

case_webget() {
    e2e_setup_tap tap10 169.254.10.1/24
    local d=$E2E_DIR
    mkdir "$d/www"
    head -c 1048576 /dev/urandom >"$d/www/file"
    e2e_spawn server /dev/null "$d/server.out" python3 -m http.server --bind 169.254.10.1 --directory "$d/www" 80
    e2e_wait_for e2e_tcp_listening 80 || { echo "http.server did not come up"; tail -n 3 "$d/server.err"; return 1; }
    local rc=0
    setpriv --pdeathsig KILL "$E2E_BUILD/webget" -d tap10 169.254.10.1 /file >"$d/response" 2>"$d/err" || rc=$?
    if [ "$rc" != 0 ]; then
        echo "webget exited $rc: $(tail -n 1 "$d/err")"
        return 1
    fi
    # The frames really went through our NetworkInterface: it resolved the kernel with ARP.
    if ! grep -q 'tcp_eth: .*arp requests [1-9]' "$d/err"; then
        echo "no ARP request counted by our interface: $(grep 'tcp_eth:' "$d/err")"
        return 1
    fi
    python3 - "$d/response" "$d/body" <<'PY' || return 1
import sys
data = open(sys.argv[1], "rb").read()
head, sep, body = data.partition(b"\r\n\r\n")
if not sep or head.split(b"\r\n", 1)[0].split(b" ")[1:2] != [b"200"]:
    sys.exit("no 200 response with headers in %d bytes" % len(data))
open(sys.argv[2], "wb").write(body)
PY
    local want got
    want=$(sha256sum <"$d/www/file" | cut -c1-16)
    got=$(sha256sum <"$d/body" | cut -c1-16)
    if [ "$want" != "$got" ]; then
        echo "body: $(stat -c %s "$d/body") bytes, sha256 $got; file sha256 $want"
        return 1
    fi
}

E2E_TOOLS=(python3)
E2E_CASES=("webget 1MiB")
e2e_main "$@"
