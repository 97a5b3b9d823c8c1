#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: our TCP against the kernel's through the impairment relay: 10% loss each way.
# Topology, case format and checks: lib/impaired.sh.
# rules: L4.R24
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
# shellcheck source=lib/impaired.sh
source "$(dirname "$0")/lib/impaired.sh"
IMPAIRED_CASES=(
    "impaired loss 11 -l 10"
)
impaired_main "$@"
