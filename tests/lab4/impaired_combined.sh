#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: our TCP against the kernel's through the impairment relay: 10% loss, 5% duplication, 25% reordering, 20 ms delay, all at once.
# Topology, case format and checks: lib/impaired.sh.
# rules: L4.R24
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
# shellcheck source=lib/impaired.sh
source "$(dirname "$0")/lib/impaired.sh"
IMPAIRED_CASES=(
    "impaired all 15 -l 10 -u 5 -r 25 -d 20"
)
impaired_main "$@"
