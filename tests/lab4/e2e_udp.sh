#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: our TCP to our TCP, segments in UDP on 127.0.0.1 (tcp_udp at both ends).
# Case format and namespace setup: lib/netns.sh. One line per case, sha256 of both directions checked.
# rules: L4.R24
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
E2E_TOOLS=()
E2E_CASES=(
    "udp client send 16 1 none"
    "udp server recv 32768 default none"
    "udp client duplex 1048576 default none"
    "udp server send 131072 8192 down"
    "udp client recv 131072 8192 up"
    "udp client duplex 131072 8192 both"
)
e2e_main "$@"
