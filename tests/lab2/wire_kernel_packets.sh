#!/bin/bash
# rules: L2.R20 (docs/labs/lab2.md)
# Packets no one here wrote: in a private network namespace the Linux kernel sends a TCP SYN
# and a UDP datagram into TUN device tun144, and apps/tun_capture_check parses them with our
# IPv4/TCP/UDP parsers and checks every field and both checksums (see that file).
# Needs root (for the namespace), /dev/net/tun and socat. Exit 77 (skipped) without them.
set -u

TCP_SPORT=40144 TCP_DPORT=7144 UDP_SPORT=40145 UDP_DPORT=5144
PAYLOAD="sponge wire check: kernel-built UDP"

if [ "${1:-}" != --in-namespace ]; then
    [ "$(id -u)" = 0 ] || { echo "skipped: needs root for a private network namespace"; exit 77; }
    [ -c /dev/net/tun ] || { echo "skipped: no /dev/net/tun"; exit 77; }
    unshare -n true 2>/dev/null || { echo "skipped: cannot create a network namespace (unshare -n)"; exit 77; }
    command -v socat >/dev/null || { echo "FAIL: socat is not installed"; exit 1; }
    exec unshare -n bash "$0" --in-namespace
fi

checker="${SPONGE_BUILD:-$(dirname "$0")/../../build}/tun_capture_check"
[ -x "$checker" ] || { echo "FAIL: $checker not built"; exit 1; }
# SPONGE_WRAP: a command prefix for our programs (e.g. valgrind; tests/framework/valgrind_apps.sh).
read -r -a wrap <<<"${SPONGE_WRAP:-}"

ip link set lo up
coproc CHECK { exec "${wrap[@]}" "$checker" tun144 "$TCP_SPORT" "$TCP_DPORT" "$UDP_SPORT" "$UDP_DPORT" "$PAYLOAD"; }
check_pid=$CHECK_PID
if ! read -r -t 10 line <&"${CHECK[0]}" || [ "$line" != ready ]; then
    echo "FAIL: tun_capture_check did not start"
    kill "$check_pid" 2>/dev/null
    exit 1
fi

# No IPv6 on the device (no router solicitations, no DAD), then the kernel's address.
if [ -e /proc/sys/net/ipv6/conf/tun144/disable_ipv6 ]; then
    echo 1 > /proc/sys/net/ipv6/conf/tun144/disable_ipv6
fi
ip addr add 169.254.144.1/24 dev tun144
ip link set tun144 up

# The SYN: nobody answers, so socat keeps retrying until we stop it.
socat -u /dev/null "TCP4:169.254.144.9:$TCP_DPORT,sourceport=$TCP_SPORT,connect-timeout=20" 2>/dev/null &
syn_pid=$!
printf '%s' "$PAYLOAD" | socat -u - "UDP4-SENDTO:169.254.144.9:$UDP_DPORT,sourceport=$UDP_SPORT"

wait "$check_pid"
rc=$?
kill "$syn_pid" 2>/dev/null
wait "$syn_pid" 2>/dev/null
if [ "$rc" = 0 ]; then
    echo "ok: the kernel's SYN and UDP datagram parsed and checked"
else
    echo "FAIL: tun_capture_check exit status $rc"
fi
exit "$rc"
