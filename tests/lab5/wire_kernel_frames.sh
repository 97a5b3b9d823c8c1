#!/bin/bash
# rules: L5.R17 (docs/labs/lab5.md)
# Frames no one here wrote: in a private network namespace the Linux kernel sends an ARP request
# and then a UDP datagram (in an IPv4 frame) out of TAP device tap10, and apps/tap_capture_check
# checks every Ethernet, ARP, IPv4 and UDP field with our parsers, answering the ARP request with
# a reply built by our serializers (see that file). The kernel must then have learned our
# address from that reply.
# Needs root (for the namespace), /dev/net/tun, iproute2 and socat. Exit 77 (skipped) without
# root, /dev/net/tun or namespaces.
set -u

UDP_SPORT=40110 UDP_DPORT=5110
PAYLOAD="sponge wire check: kernel-built frame on tap10"
OUR_ETH=02:00:00:00:10:09 # apps/tap_capture_check's address for 169.254.10.9

if [ "${1:-}" != --in-namespace ]; then
    [ "$(id -u)" = 0 ] || { echo "skipped: needs root for a private network namespace"; exit 77; }
    [ -c /dev/net/tun ] || { echo "skipped: no /dev/net/tun"; exit 77; }
    unshare -n true 2>/dev/null || { echo "skipped: cannot create a network namespace (unshare -n)"; exit 77; }
    command -v socat >/dev/null || { echo "FAIL: socat is not installed"; exit 1; }
    command -v ip >/dev/null || { echo "FAIL: ip (iproute2) is not installed"; exit 1; }
    exec unshare -n bash "$0" --in-namespace
fi

checker="${SPONGE_BUILD:-$(dirname "$0")/../../build}/tap_capture_check"
[ -x "$checker" ] || { echo "FAIL: $checker not built"; exit 1; }
# SPONGE_WRAP: a command prefix for our programs (e.g. valgrind; tests/framework/valgrind_apps.sh).
read -r -a wrap <<<"${SPONGE_WRAP:-}"

ip link set lo up
coproc CHECK { exec "${wrap[@]}" "$checker" tap10 "$UDP_SPORT" "$UDP_DPORT" "$PAYLOAD"; }
# shellcheck disable=SC2153 # CHECK_PID is set by coproc
check_pid=$CHECK_PID
if ! read -r -t 10 line <&"${CHECK[0]}" || [ "$line" != ready ]; then
    echo "FAIL: tap_capture_check did not start"
    kill "$check_pid" 2>/dev/null
    exit 1
fi

# No IPv6 on the device (no router solicitations, no DAD), then the kernel's address.
if [ -e /proc/sys/net/ipv6/conf/tap10/disable_ipv6 ]; then
    echo 1 >/proc/sys/net/ipv6/conf/tap10/disable_ipv6
fi
ip addr add 169.254.10.1/24 dev tap10
ip link set tap10 up
# The checker compares the kernel's source address with the one `ip link` shows (sysfs here
# would still describe the namespace it was mounted in).
tap_eth=$(ip -o link show dev tap10 | sed -n 's/.* link\/ether \([0-9a-f:]*\) .*/\1/p')
echo "tap10's address: ${tap_eth:-none}"
echo "$tap_eth" >&"${CHECK[1]}"

# The neighbour entry does not exist yet: the kernel queues the datagram and sends ARP first.
printf '%s' "$PAYLOAD" | socat -u - "UDP4-SENDTO:169.254.10.9:$UDP_DPORT,sourceport=$UDP_SPORT"

# The checker says "checked" when done and keeps the device until its stdin closes: the kernel
# flushes the neighbour table of a device that loses its carrier.
rc=1
if read -r -t 20 line <&"${CHECK[0]}" && [ "$line" = checked ]; then
    neigh=$(ip neigh show 169.254.10.9 dev tap10)
    case "$neigh" in
    *"lladdr $OUR_ETH "*)
        echo "ok: kernel neighbour entry: $neigh"
        rc=0
        ;;
    *) echo "FAIL: the kernel did not learn $OUR_ETH from our ARP reply (ip neigh: '$neigh')" ;;
    esac
fi
to_checker=${CHECK[1]}
exec {to_checker}>&-
wait "$check_pid"
check_rc=$?
[ "$check_rc" = 0 ] || rc=$check_rc
if [ "$rc" = 0 ]; then
    echo "ok: the kernel's ARP request and IPv4 frame parsed and checked, our ARP reply accepted"
else
    echo "FAIL: tap_capture_check exit status $check_rc"
fi
exit "$rc"
