#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# rules: L5.R17 (docs/labs/lab5.md)
# Lab 5 end to end: `webget -d tap10` (our TCP through our NetworkInterface, Ethernet + ARP,
# our address 169.254.10.9) fetches a generated 1 MiB file from python3's http.server bound to
# 169.254.10.1:80 inside a private namespace; the body's sha256 must match the file's.
# Namespace setup and case runner: ../lab4/lib/netns.sh.
# shellcheck source=../lab4/lib/netns.sh
source "$(dirname "$0")/../lab4/lib/netns.sh"

case_webget() {
    e2e_setup_tap tap10 169.254.10.1/24
    e2e_webget_case 169.254.10.1 -d tap10 || return 1
    # The frames really went through our NetworkInterface: it resolved the kernel with ARP.
    if ! grep -q 'tcp_eth: .*arp requests [1-9]' "$E2E_DIR/err"; then
        echo "no ARP request counted by our interface: $(grep 'tcp_eth:' "$E2E_DIR/err")"
        return 1
    fi
}

E2E_TOOLS=(python3)
E2E_CASES=("webget 1MiB")
e2e_main "$@"
