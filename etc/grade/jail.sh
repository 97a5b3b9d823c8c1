#!/usr/bin/env bash
# jail.sh USER AS_MIB FSIZE_MIB NPROC CMD...: runs CMD as USER under limits, for etc/grade.sh.
# Started by root as the first process of a fresh pid and mount namespace (unshare -p --fork
# --mount-proc --kill-child), so every process CMD forks dies with this script. It gives the
# namespace a private /tmp, /var/tmp and /dev/shm (the sandbox's size-limited /mnt/tmp), drops
# to USER without capabilities or new privileges, limits address space, file size, process
# count and core dumps, and waits for CMD: it does not exec it, so CMD is never the namespace's
# init (which would ignore its own signals). SPONGE_GRADE (the grading record's pipe and file,
# tests/harness/harness_record.h) is the one variable of the caller's environment CMD sees; the
# descriptors it names stay open through setpriv. Exit status: CMD's (128+N when killed by
# signal N).
set -u
user=$1 as_mib=$2 fsize_mib=$3 nproc=$4
shift 4
for d in /tmp /var/tmp /dev/shm; do
    [ -d "$d" ] && mount --bind /mnt/tmp "$d"
done
setpriv --reuid="$user" --regid="$user" --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs -- \
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp TMPDIR=/tmp LANG=C.UTF-8 \
    ${SPONGE_GRADE:+"SPONGE_GRADE=$SPONGE_GRADE"} \
    prlimit --as=$((as_mib << 20)) --fsize=$((fsize_mib << 20)) --nproc="$nproc" --core=0 -- "$@"
exit $?
