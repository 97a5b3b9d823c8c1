#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 5 end to end: our TCP through our NetworkInterface (Ethernet + ARP) on tap10
# (tcp_ip_ethernet, 169.254.10.9) to the Linux kernel's TCP (tcp_native and socat) at
# 169.254.10.1, the kernel being the ARP peer. A subset of the lab 4 matrix: both roles,
# send/recv/duplex, 16 B to 1 MiB, windows 1, 8 KiB and default, 10% segment loss.
# Case format and namespace setup: ../lab4/lib/netns.sh (one private namespace per case).
# shellcheck source=../lab4/lib/netns.sh
source "$(dirname "$0")/../lab4/lib/netns.sh"
E2E_TOOLS=(socat)
E2E_CASES=(
    "tap_native client send 1048576 default none"
    "tap_native client recv 1048576 default none"
    "tap_native server duplex 131072 8192 none"
    "tap_native server recv 16 1 none"
    "tap_native client duplex 16 1 none"
    "tap_native client duplex 131072 8192 down"
    "tap_native server send 131072 8192 up"
    "tap_native client recv 131072 8192 both"
    "tap_socat client duplex 32768 default none"
    "tap_socat server send 1048576 default none"
    "tap_socat server recv 131072 8192 both"
    "tap_socat client send 16 1 none"
    "tap_socat server duplex 1048576 default none"
)
e2e_main "$@"
