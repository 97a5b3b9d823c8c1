#!/usr/bin/env bash
# Runs every test: installs the Debian packages it needs (as root on Debian 12), builds
# Release in build/, runs `make check` (every lab stage and the doctests), and ends with
# check.sh's closing line "N passed, N failed[, N skipped]". Exit status 0 only if nothing
# failed. apt and cmake output go to build/test_all.log unless a step fails.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
source etc/deps.sh
sponge_setup test_all || exit 1
# make's own "*** Error" and "Built target" lines would bury check.sh's closing line.
make -s --no-print-directory -C build check 2>&1 | grep -v -e '^make\(\[[0-9]*\]\)\?: \*\*\* ' -e 'Built target check$'
exit "${PIPESTATUS[0]}"
