#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: a hostile peer (lib/hostile_peer.py, scapy) against our TCP in lab mode
# listening on tun144 (tcp_ipv4 --lab -l), each case in its own private network namespace
# (lib/netns.sh; the cases are in lib/hostile.sh).
#   malformed        bad IP/TCP checksums, truncated and overlong headers, bad data offsets,
#                    options with bad lengths: no answer, counted by reason (the app's counters
#                    on stderr at exit), and the connection goes on working
#   window           data outside the window: answered with an ACK, not taken
#   bogus_ack        an ACK of data never sent: answered with an ACK, not taken
#   syn_established  SYNs on an established connection: each acknowledged (it occupies a
#                    sequence number), none taken, no reset
#   rst_window       RSTs outside the window are ignored; one in the window, not at RCV.NXT,
#                    resets: the app exits with "connection reset by peer"
# Every case but rst_window ends with a clean close and checks the bytes our app received.
# Modern mode's RFC 5961 answers (challenge ACKs): tests/modern/hostile_rfc5961.sh.
# rules: L4.R25 L4.R7 L4.R9
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
HOSTILE_APP_FLAGS=(--lab)
# shellcheck source=lib/hostile.sh
source "$(dirname "$0")/lib/hostile.sh"

case_malformed() {
    hostile_run malformed
    hostile_expect_clean || return 1
    # The peer says how many of each kind it sent; the app's report must count at least those
    # (the kernel sends nothing else to 169.254.144.9 here, so in practice exactly those).
    local want report name n got
    want=$(sed -n 's/^expect-drops: //p' "$E2E_DIR/peer.out")
    report=$(grep -m1 '^tcp_ipv4: sent' "$E2E_DIR/ours.err")
    if [ -z "$want" ] || [ -z "$report" ]; then
        echo "missing counters (peer: '$want', app: '$report')"
        hostile_show_logs
        return 1
    fi
    for kv in $want; do
        name=${kv%=*} n=${kv#*=}
        got=$(grep -o " $name=[0-9]*" <<<"$report" | cut -d= -f2)
        if [ -z "$got" ] || [ "$got" -lt "$n" ]; then
            echo "counter $name is ${got:-missing}, expected at least $n; report: $report"
            return 1
        fi
    done
}

E2E_TOOLS=(/usr/bin/python3)
E2E_DEADLINE=${E2E_DEADLINE:-60}
E2E_CASES=(
    "malformed"
    "peer window"
    "peer bogus_ack"
    "peer syn_established"
    "reset rst_window"
)
hostile_need_scapy "$@"
e2e_main "$@"
