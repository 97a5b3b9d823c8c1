#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Beyond the labs, end to end: a hostile peer (tests/lab4/lib/hostile_peer.py, scapy) against
# our TCP in modern mode (the apps' default) listening on tun144, RFC 5961's blind-attack
# defences, each case in its own private network namespace (tests/lab4/lib/netns.sh; the cases
# are in tests/lab4/lib/hostile.sh). Lab mode's answers: tests/lab4/hostile_peer.sh.
#   rst_inwindow     RSTs in the window but not at RCV.NXT: challenge ACKs, no reset (RFC 5961 3)
#   syn_established  SYNs on an established connection: challenge ACKs, no reset (RFC 5961 4)
#   rst_exact        a RST one past RCV.NXT is challenged; then one at exactly RCV.NXT: the app
#                    exits with "connection reset by peer"
# shellcheck source=../lab4/lib/netns.sh
source "$(dirname "$0")/../lab4/lib/netns.sh"
HOSTILE_APP_FLAGS=()
# shellcheck source=../lab4/lib/hostile.sh
source "$(dirname "$0")/../lab4/lib/hostile.sh"

E2E_TOOLS=(/usr/bin/python3)
E2E_DEADLINE=${E2E_DEADLINE:-60}
E2E_CASES=(
    "peer rst_inwindow"
    "peer syn_established"
    "reset rst_exact"
)
hostile_need_scapy "$@"
e2e_main "$@"
