#!/usr/bin/env bash
# Builds the libFuzzer programs (clang, ASan + UBSan, in build-fuzz/) and runs each target for
# FUZZ_SECONDS seconds (default 30), starting from its seed corpus tests/fuzz/corpus/<target>/
# (copied: the committed corpus is not changed). Prints one line per target and closes with
# "N passed, N failed"; a crash is a failure, with the path of the crashing input (save it in
# tests/fuzz/regressions/<target>/ so that framework/fuzz_replay replays it). Exit non-zero on any.
#   bash etc/fuzz.sh [TARGET...]        (from anywhere in the repository)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
seconds=${FUZZ_SECONDS:-30}
dir=build-fuzz
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parsers tcp_parse reassembler tcp_connection tcp_pair network_interface router ipv4_reassembler icmp)

mkdir -p "$dir"
log=$dir/fuzz-build.log
: >"$log"
if ! { cmake -S . -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DSPONGE_FUZZ=ON &&
    make --no-print-directory -C "$dir" -j"${SPONGE_JOBS:-2}" fuzz_targets; } >>"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz build failed (all of it in $log)"
    exit 1
fi

passed=0 failed=0
for t in "${targets[@]}"; do
    work=$dir/fuzz-work/$t
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    cp tests/fuzz/corpus/"$t"/* "$work/corpus/"
    status=0
    "$dir/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
        -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1 || status=$?
    crash=$(find "$work/artifacts" -type f | head -n 1)
    if [ "$status" -eq 0 ] && [ -z "$crash" ]; then
        runs=$(grep -Eo '#[0-9]+' "$work/log" | tail -n 1)
        echo "fuzz $t: passed (${seconds}s, ${runs:-#0} runs)"
        passed=$((passed + 1))
    else
        echo "fuzz $t: FAILED (exit $status): crashing input: ${crash:-none saved}"
        grep -E 'ERROR|fuzz invariant|SUMMARY|runtime error' "$work/log" | head -n 5
        echo "  (log: $work/log)"
        [ -n "$crash" ] && echo "  to keep it as a regression: cp $crash tests/fuzz/regressions/$t/"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
