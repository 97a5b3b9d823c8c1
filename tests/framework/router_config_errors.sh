#!/bin/bash
# apps/router refuses bad command lines and configuration files with one line on stderr (the
# file and line number for a bad line) and a non-zero exit, before touching any device.
# Needs nothing but the built program.
set -u

router="${SPONGE_BUILD:-$(dirname "$0")/../../build}/router"
[ -x "$router" ] || { echo "FAIL: $router not built"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# expect NAME STATUS STDERR_LINE ARGS...: the exit status and the whole (single-line) stderr.
expect() {
    local name=$1 want_rc=$2 want_err=$3 rc err
    shift 3
    err=$("$router" "$@" 2>&1 >"$work/stdout")
    rc=$?
    if [ "$rc" = "$want_rc" ] && [ "$err" = "$want_err" ] && [ ! -s "$work/stdout" ]; then
        echo "ok: $name: exit $rc, '$err'"
    else
        echo "FAIL: $name: exit $rc (want $want_rc), stderr '$err' (want '$want_err'), stdout '$(cat "$work/stdout")'"
        failed=1
    fi
}

expect "no arguments" 2 "usage: router [--no-icmp] -c CONFIG_FILE"
expect "extra argument" 2 "usage: router [--no-icmp] -c CONFIG_FILE" -c "$work/x" extra
expect "missing file" 1 "router: cannot read $work/none: No such file or directory" -c "$work/none"

printf '# R1\ninterface tapA 02:00:00:00:01:01 169.254.1.1\n\nroute 169.254.2.0/24 tapB via 169.254.1.9\n' >"$work/a"
expect "unknown interface" 1 \
    "router: $work/a:4: unknown interface tapB (declare it on an earlier interface line)" -c "$work/a"
printf 'interface tapA 02:00:00:00:01:01 169.254.1.1\nroute 169.254.1.1/24 tapA\n' >"$work/b"
expect "host bits" 1 "router: $work/b:2: prefix 169.254.1.1/24 has bits set past its length" -c "$work/b"
printf 'interface tapA 02:00:00:00:01:01 169.254.1.1\ngateway 169.254.1.9\n' >"$work/c"
expect "unknown statement" 1 \
    "router: $work/c:2: unknown statement \"gateway\" (expected interface or route)" -c "$work/c"
printf '# empty\n' >"$work/d"
expect "no interface" 1 "router: $work/d: no interface line" -c "$work/d"
printf 'interface tapA 02:00:00:00:01:01 169.254.1.1\0\n' >"$work/e"
expect "binary file" 1 "router: cannot read $work/e: not a text file (it holds a NUL byte)" -c "$work/e"

[ "$failed" = 0 ] && echo "ok: every bad configuration refused with its line"
exit "$failed"
