#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Lab 4 end to end: our TCP against the kernel's through the impairment relay: 5% duplication;
# 25% reordering with 10 ms delay; 20 ms delay; 10 ms delay with 8 ms jitter.
# Topology, case format and checks: lib/impaired.sh.
# rules: L4.R24
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"
# shellcheck source=lib/impaired.sh
source "$(dirname "$0")/lib/impaired.sh"
IMPAIRED_CASES=(
    "impaired dup 12 -u 5"
    "impaired reorder 13 -r 25 -d 10"
    "impaired delay 14 -d 20"
    "impaired jitter 16 -d 10 -j 8"
)
impaired_main "$@"
