#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: our TCP on tun144 to the Linux kernel's TCP (tcp_native).
# Case format and namespace setup: lib/netns.sh. One line per case, sha256 of both directions checked.
# rules: L4.R24
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
E2E_TOOLS=()
E2E_CASES=(
    "native client send 1048576 32768 none"
    "native client recv 1048576 default none"
    "native server duplex 131072 8192 none"
    "native server recv 16 1 none"
    "native client duplex 131072 8192 down"
    "native server send 131072 8192 up"
)
e2e_main "$@"
