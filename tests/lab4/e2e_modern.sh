#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Beyond the labs, end to end: our TCP in modern mode (the apps' default: MSS, window scaling,
# timestamps, SACK-permitted, RFC 6298 RTO, NewReno) on tun144 to the Linux kernel's TCP
# (socat), 1 MiB each way, sha256 checked; with loss on our end too; modern to modern over UDP;
# and one case with --lab, the labs' behaviour through the same apps.
# Case format and namespace setup: lib/netns.sh.
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
E2E_TOOLS=(socat)
E2E_CASES=(
    "socat client duplex 1048576 default none"
    "socat server duplex 1048576 default none"
    "socat client send 1048576 default down"
    "socat server recv 1048576 default up"
    "socat client duplex 1048576 default both"
    "udp client duplex 1048576 default both"
    "socat client duplex 262144 default none lab"
)
e2e_main "$@"
