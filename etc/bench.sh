#!/usr/bin/env bash
# Runs each benchmark program given on the command line RUNS times (default 5) and prints
# the median of the figure on its last line, as `NAME: VALUE UNIT`.
set -u
runs=${SPONGE_BENCH_RUNS:-5}
status=0
for prog in "$@"; do
    values=()
    name="" unit=""
    for ((i = 0; i < runs; i++)); do
        # Not `prog | tail`: the pipeline's status would be tail's and hide a failing run.
        out=$("$prog")
        rc=$?
        last=${out##*$'\n'}
        if [ "$rc" -ne 0 ] || ! [[ $last =~ ^[^:]+:\ [0-9.eE+-]+\ .+$ ]]; then
            echo "$(basename "$prog"): FAILED (exit $rc, last line \"$last\")" >&2
            status=1
            continue 2
        fi
        name=${last%%:*}
        rest=${last#*: }
        values+=("${rest%% *}")
        unit=${rest#* }
        echo "  run $((i + 1)): $last"
    done
    median=$(printf '%s\n' "${values[@]}" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
    echo "$name: $median $unit (median of $runs)"
done
exit $status
