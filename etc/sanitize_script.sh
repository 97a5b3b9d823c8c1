#!/usr/bin/env bash
# Runs one script test of a Sanitize build (etc/tests.cmake registers it so): bash SCRIPT.
# A script may ignore a program's stderr or exit status (a relay stopped with SIGTERM, a
# peer whose output is discarded), so the sanitizers do not write their reports there: ASan
# (with LeakSanitizer) and UBSan write them to files in a fresh directory (log_path, one file
# per reporting process), and any report found there afterwards is printed and fails the
# test, whatever the script's exit status (77 included). Every error is fatal: the build uses
# -fno-sanitize-recover=all, and halt_on_error is set here for ASan and UBSan alike.
set -u
[ $# -ge 1 ] || { echo "usage: sanitize_script.sh SCRIPT [ARGS...]" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Ours come last: a sanitizer takes the last value of an option given twice.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}halt_on_error=1:detect_leaks=1:log_path=$dir/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1:log_path=$dir/ubsan"
bash "$@"
status=$?
shopt -s nullglob
reports=("$dir"/*)
if [ ${#reports[@]} -gt 0 ]; then
    for f in "${reports[@]}"; do
        echo "FAIL: sanitizer report of process ${f##*.} (${f##*/}):"
        sed -n '1,60p' "$f"
    done
    echo "FAIL: ${#reports[@]} sanitizer report(s) from programs this test started (script exit status $status)"
    exit 1
fi
exit "$status"
