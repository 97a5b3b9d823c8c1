#!/usr/bin/env bash
# sandbox.sh SRC SUBMISSION WORK OUT NAME STAGE TIME_LIMIT MEM_MIB DISK_MIB USER CASES_MODE CASES:
# grades one submission for etc/grade.sh (see there), run as root in a private mount and network
# namespace. CASES_MODE is --cases (grade against the reference's case lists in the file CASES)
# or --record-cases (SUBMISSION is the reference: write them there; etc/grade/run_tests.py).
# The graded tree lives on a tmpfs mounted over /mnt in this namespace only (DISK_MIB
# in all, with the tests' /tmp): it vanishes when the namespace does. Writes OUT/results.json,
# OUT/junit.xml, OUT/summary.json and OUT/build.log.
set -euo pipefail
src=$1 sub=$2 work=$3 out=$4 name=$5 stage=$6 time_limit=$7 mem_mib=$8 disk_mib=$9 user=${10}
cases_mode=${11} cases=${12}

mount -t tmpfs -o "size=${disk_mib}m,mode=755" sponge-grade /mnt
mkdir -p /mnt/tree /mnt/tmp
chmod 1777 /mnt/tmp
cp "$src/etc/grade/jail.sh" /mnt/jail.sh # read from here: the jail hides /tmp, where SRC may be

# The student's tree without its VCS data and build directories, then the instructor's files
# over it: everything tracked but the files with student parts (and tests/solutions).
# Symbolic links are dropped: one could lead the build or a test to a file outside the tree.
tar -C "$sub" --exclude=.git --exclude='./build*' -cf - . | tar -C /mnt/tree -xf -
find /mnt/tree -type l -delete
rm -rf /mnt/tree/tests /mnt/tree/etc /mnt/tree/CMakeLists.txt
(cd "$src" && tar --null -T "$work/instructor_files" -cf -) | tar -C /mnt/tree -xf -
chown -R "$user:" /mnt/tree

jail=(unshare --pid --fork --mount-proc --kill-child bash /mnt/jail.sh "$user")
build_ok=1
{
    labels=$(seq -s '|' -f 'lab%g' 0 "$stage")
    timeout -k 5 900 "${jail[@]}" 4096 512 256 bash -c '
        cmake -S /mnt/tree -B /mnt/tree/build -DCMAKE_BUILD_TYPE=Release >/dev/null &&
        targets=$(make -C /mnt/tree/build help | sed -En "s/^[.]{3} (('"$labels"')_[a-z0-9_]+)$/\1/p") &&
        make -C /mnt/tree/build -j2 sponge $targets'
} >"$out/build.log" 2>&1 || build_ok=0

# The built tree becomes root's and read-only for the tests: a test cannot change another's
# executable or the harness; it writes only to its private /tmp.
chown -R root:root /mnt/tree
chmod -R go-w /mnt/tree

failed=()
[ $build_ok -eq 1 ] || failed=(--build-failed "$out/build.log")
if [ $build_ok -eq 0 ] && [ ! -f /mnt/tree/build/CTestTestfile.cmake ]; then
    # CMake itself failed: list the tests from the instructor's tree instead.
    rm -rf /mnt/tree/build
    cmake -S /mnt/tree -B /mnt/tree/build >/dev/null 2>&1 || true
fi
python3 "$src/etc/grade/run_tests.py" --build /mnt/tree/build --stage "$stage" --weights "$src/etc/grade_weights.txt" \
    --out "$out" --name "$name" --time-limit "$time_limit" "$cases_mode" "$cases" "${failed[@]}" \
    --wrap "${jail[@]}" "$mem_mib" 64 64
