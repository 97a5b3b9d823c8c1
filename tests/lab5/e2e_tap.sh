#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# rules: L5.R17 (docs/labs/lab5.md)
# Lab 5 end to end: our TCP through our NetworkInterface (Ethernet + ARP) on tap10
# (tcp_ip_ethernet, 169.254.10.9) to the Linux kernel's TCP (tcp_native and socat) at
# 169.254.10.1, the kernel being the ARP peer. A subset of the lab 4 matrix: both roles,
# send/recv/duplex, 16 B to 1 MiB, windows 1, 8 KiB and default, 10% segment loss, in the
# apps' default (modern) TCP and a few in CS144's (--lab).
# Case format and namespace setup: ../lab4/lib/netns.sh (one private namespace per case).
#
# In lab mode the lossy cases lose our segments (up) and the kernel's ACKs and FIN (down), but
# never the kernel's data: CS144's TCP sends neither timestamps nor SACK, so after a lost
# retransmission the kernel keeps its backed-off timer until new data is acknowledged (Karn's
# rule) and the backoff compounds (seen: 13 s between retransmissions, a 128 KiB transfer
# taking 54 s), and once the kernel's application has exited its orphaned socket may give up
# before our end has every byte. The modern TCP negotiates timestamps, so the kernel's data is
# lost too in its cases.
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
    "tap_native client send 1048576 default none lab"
    "tap_native server recv 16 1 none lab"
    "tap_native client send 131072 8192 down lab"
    "tap_native client recv 131072 8192 up lab"
    "tap_socat server send 131072 8192 both lab"
    "tap_socat client duplex 32768 default none lab"
)
e2e_main "$@"
