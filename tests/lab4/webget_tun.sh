#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: webget over our TCP on tun144 fetches a generated 1 MiB file from
# python3's http.server bound to 169.254.144.1:80 inside a private namespace; the body's
# sha256 must match the file's. Namespace setup and case runner: lib/netns.sh.
# rules: L4.R24
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"

case_webget() {
    e2e_setup_tun tun144 169.254.144.1/24
    e2e_webget_case 169.254.144.1 || return 1
}

E2E_TOOLS=(python3)
E2E_CASES=("webget 1MiB")
e2e_main "$@"
