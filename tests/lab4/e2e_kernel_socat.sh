#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: our TCP on tun144 to the Linux kernel's TCP (socat).
# Case format and namespace setup: lib/netns.sh. One line per case, sha256 of both directions checked.
# rules: L4.R24
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
E2E_TOOLS=(socat)
E2E_CASES=(
    "socat client duplex 32768 default none"
    "socat server send 1048576 default none"
    "socat server recv 131072 8192 both"
    "socat client send 16 1 none"
)
e2e_main "$@"
