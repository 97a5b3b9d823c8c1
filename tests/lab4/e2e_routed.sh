#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: our TCP on tun144 to our TCP on tun145, the kernel routing between them (ip_forward=1).
# Case format and namespace setup: lib/netns.sh. One line per case, sha256 of both directions checked.
# rules: L4.R24
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
E2E_TOOLS=()
E2E_CASES=(
    "routed client send 1048576 default none"
    "routed server duplex 131072 32768 none"
    "routed client recv 131072 8192 both"
    "routed server recv 16 1 none"
)
e2e_main "$@"
