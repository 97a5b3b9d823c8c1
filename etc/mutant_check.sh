#!/usr/bin/env bash
# Planted student bugs must be caught (issue 15): for every patch tests/mutants/labN/*.patch,
# builds the reference with the patch applied and runs stage N's step tests; some test must fail.
#
#   etc/mutant_check.sh [--build DIR] [labN ...]     (default: every tests/mutants/lab* directory)
#
# The tests run are the stage's C tests: CTest label labN, without the end-to-end scripts (label
# e2e: slow, and some need root) and without the instructor-only tests (label instructor): the
# tests a student has must catch the bugs. Each runs under a per-test timeout
# (SPONGE_MUTANT_TIMEOUT seconds, default 20), so a mutant that hangs is caught by the timeout;
# two run at a time (SPONGE_MUTANT_JOBS), and a mutant's tests stop at its first failure.
#
# The work happens in DIR/mutants/ (DIR defaults to build/): src/ is a copy of the tree's files
# (tracked and untracked-but-not-ignored, as they are in the working tree), build/ its Release
# build without sanitizers (Ninja if installed), configured once and rebuilt incrementally: per
# mutant only the patched file and the stage's test executables. Before the mutants, the stage's
# tests run on the unpatched copy: a stage whose tests fail there is reported and its mutants are
# not judged.
#
# A patch is `git diff` output from the repository root, preceded by a line "# bug: ..." (see
# tests/mutants/README.md); it may change only code between the "LABN BEGIN" and "LABN END"
# comment lines (or the end of the file) of its stage N.
#
# Output: one line per mutant, "caught   lab1/03-x (by lab1/reassembler_eof)" or
# "SURVIVED lab1/03-x: <its bug line>", or "BROKEN   lab1/03-x: ..." saying why it could not be
# judged (it no longer applies, does not compile, changes code outside its stage's parts, has no
# bug line);
# then "N caught, N survived[, N broken]". Exit status 1 if any mutant survived or was broken,
# or a stage's tests fail without a mutant; 2 on bad usage; 77 (skipped) outside a git checkout.
set -uo pipefail
# The whole script is one block, read before it runs: editing the file during a run is safe.
{

usage() {
    echo "usage: etc/mutant_check.sh [--build DIR] [labN ...]" >&2
    exit 2
}
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$src/build
labs=()
while [ $# -gt 0 ]; do
    case $1 in
    --build)
        [ $# -ge 2 ] || usage
        build=$2
        shift 2
        ;;
    lab[0-9]*)
        labs+=("$1")
        shift
        ;;
    *) usage ;;
    esac
done
if [ ${#labs[@]} -eq 0 ]; then
    for d in "$src"/tests/mutants/lab*/; do
        [ -d "$d" ] && labs+=("$(basename "$d")")
    done
fi
[ ${#labs[@]} -gt 0 ] || {
    echo "mutant_check: no tests/mutants/lab* directories"
    exit 1
}
if ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    echo "SKIP: the source tree is not a git checkout (the copy is made of git ls-files)"
    exit 77
fi
timeout_s=${SPONGE_MUTANT_TIMEOUT:-20}
jobs=${SPONGE_MUTANT_JOBS:-2}

mkdir -p "$build/mutants" || exit 2
work=$(cd "$build/mutants" && pwd)
copy=$work/src
bdir=$work/build
# One run at a time per build directory: they share the copy.
exec 9>"$work/lock"
flock 9

# The copy, with the files' times kept, so that the build stays incremental across runs. A file a
# mutant patched may have been compiled from the mutant last (a run can be interrupted), so every
# file ever patched here is touched after the copy: it is compiled again from the reference.
rm -rf "$copy"
mkdir -p "$copy"
inside=${work#"$src"/}/ # the work directory's path in the tree, if it is inside (not ignored)
(cd "$src" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] && [[ $f != "$inside"* ]] && printf '%s\0' "$f"
done | tar --null -T - -cf -) | tar -xf - -C "$copy" || {
    echo "mutant_check: could not copy the tree (is $src a git checkout?)"
    exit 1
}
touch "$work/patched_files"
sort -u -o "$work/patched_files" "$work/patched_files"
while IFS= read -r f; do
    [ -e "$copy/$f" ] && touch "$copy/$f"
done <"$work/patched_files"
# git apply run inside a repository applies paths relative to its top: the copy is its own.
git -C "$copy" init -q || exit 1

# Ninja if there is one: its no-op and one-file rebuilds cost a fraction of make's.
gen=() cc=()
if command -v ninja >/dev/null; then
    gen=(-G Ninja)
elif [ -f "$build/CMakeCache.txt" ]; then
    g=$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' "$build/CMakeCache.txt")
    [ -n "$g" ] && gen=(-G "$g")
fi
if [ -f "$build/CMakeCache.txt" ]; then
    c=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
    [ -n "$c" ] && cc=(-DCMAKE_C_COMPILER="$c")
fi
if [ -f "$bdir/CMakeCache.txt" ] && [ ${#gen[@]} -gt 0 ] &&
    ! grep -qx "CMAKE_GENERATOR:INTERNAL=${gen[1]}" "$bdir/CMakeCache.txt"; then
    rm -rf "$bdir"
fi
if [ ! -f "$bdir/CMakeCache.txt" ]; then
    if ! cmake -S "$copy" -B "$bdir" "${gen[@]}" "${cc[@]}" -DCMAKE_BUILD_TYPE=Release >"$work/configure.log" 2>&1; then
        echo "mutant_check: configuring the copy failed (see $work/configure.log)"
        rm -f "$bdir/CMakeCache.txt"
        exit 1
    fi
fi

# stage_tests LAB: the names of the stage's C tests (see the header). Each is built by the target
# of its name with "/" made "_" (etc/tests.cmake: test labN/NAME runs executable labN_NAME).
stage_tests() {
    (cd "$bdir" && ctest --show-only=json-v1 -L "^$1\$" -LE '^(e2e|instructor)$') |
        python3 -c 'import json, sys; print("\n".join(t["name"] for t in json.load(sys.stdin)["tests"]))'
}

# build TARGETS...: builds them, output in $work/build.log.
build_targets() {
    cmake --build "$bdir" -j "$jobs" --target "$@" >"$work/build.log" 2>&1
}

# run_tests (etc/lib/parallel_tests.sh): names[]/exes[], $jobs at a time, first failure.
# shellcheck source=etc/lib/parallel_tests.sh
. "$src/etc/lib/parallel_tests.sh"

# outside_parts STAGE PATCH: prints the first changed line of PATCH that lies outside the
# "LAB<STAGE> BEGIN" .. "LAB<STAGE> END" (or end of file) parts of the file in the copy.
outside_parts() {
    local stage=$1 patch=$2 f
    for f in $(sed -n 's|^--- a/||p' "$patch"); do
        awk -v stage="$stage" -v file="$f" '
        FNR == NR {
            if ($0 ~ "^[ \t]*/[*][ \t]*LAB" stage " BEGIN") { inside = 1; first[++n] = FNR }
            else if ($0 ~ "^[ \t]*/[*][ \t]*LAB[0-9]+ END") { if (inside) last[n] = FNR; inside = 0 }
            if (inside) last[n] = FNR + 1  # up to the end of the file
            next
        }
        # ok(L, insert): old line L may change (or, inserting, a line may go before it).
        function ok(l, insert,   k) {
            for (k = 1; k <= n; k++)
                if (l > first[k] && (l < last[k] || (insert && l == last[k]))) return 1
            return 0
        }
        /^--- / { mine = ($0 == "--- a/" file); next }
        !mine || /^\+\+\+ / { next }
        /^@@ / { split($2, a, ","); old = -a[1]; next }
        /^-/ { if (!ok(old, 0)) { print file ":" old; exit }; old++; next }
        /^\+/ { if (!ok(old, 1)) { print file ":" old; exit }; next }
        /^ / { old++ }' "$copy/$f" "$patch"
    done | head -n 1
}

caught=0 survived=0 broken=0 stage_failed=0
for lab in "${labs[@]}"; do
    dir=$src/tests/mutants/$lab
    stage=${lab#lab}
    patches=("$dir"/*.patch)
    if [ ! -e "${patches[0]}" ]; then
        echo "mutant_check: no patches in tests/mutants/$lab"
        stage_failed=1
        continue
    fi
    # Building first re-runs CMake if tests were added since (their globs are CONFIGURE_DEPENDS).
    if ! build_targets sponge_harness; then
        echo "mutant_check: the unpatched tree does not build (see $work/build.log)"
        exit 1
    fi
    names=() exes=() targets=()
    while IFS= read -r name; do
        [ -n "$name" ] || continue
        names+=("$name")
        targets+=("${name//\//_}")
        exes+=("$bdir/${name//\//_}")
    done < <(stage_tests "$lab")
    if [ ${#names[@]} -eq 0 ]; then
        echo "mutant_check: $lab has no C tests to run"
        stage_failed=1
        continue
    fi
    if ! build_targets "${targets[@]}"; then
        echo "mutant_check: the unpatched tree does not build (see $work/build.log)"
        exit 1
    fi
    run_tests
    if [ -n "$first_fail" ]; then
        echo "mutant_check: $first_fail fails without a mutant: the $lab mutants are not judged"
        stage_failed=1
        continue
    fi
    for patch in "${patches[@]}"; do
        id=$lab/$(basename "$patch" .patch)
        rel=${patch#"$src"/}
        bug=$(sed -n '1,/^diff /s/^# bug: *//p' "$patch" | head -n 1)
        if [ -z "$bug" ]; then
            echo "BROKEN   $id: $rel has no '# bug:' line"
            broken=$((broken + 1))
            continue
        fi
        where=$(outside_parts "$stage" "$patch")
        if [ -n "$where" ]; then
            echo "BROKEN   $id: $rel changes $where, outside the LAB$stage parts"
            broken=$((broken + 1))
            continue
        fi
        if ! git -C "$copy" apply "$patch" 2>/dev/null; then
            echo "BROKEN   $id: $rel: no longer applies"
            broken=$((broken + 1))
            continue
        fi
        git -C "$copy" apply --numstat "$patch" | cut -f 3 >>"$work/patched_files"
        if build_targets "${targets[@]}"; then
            run_tests
            if [ -n "$first_fail" ]; then
                echo "caught   $id (by $first_fail)"
                caught=$((caught + 1))
            else
                echo "SURVIVED $id: $bug"
                survived=$((survived + 1))
            fi
        else
            echo "BROKEN   $id: $rel does not compile:"
            grep -m 3 -E ': (fatal )?error:|undefined reference' "$work/build.log" | sed 's/^/    /'
            broken=$((broken + 1))
        fi
        git -C "$copy" apply -R "$patch" || {
            echo "mutant_check: could not revert $rel in the copy"
            exit 1
        }
    done
done

line="$caught caught, $survived survived"
[ $broken -gt 0 ] && line+=", $broken broken"
echo "$line"
[ $survived -eq 0 ] && [ $broken -eq 0 ] && [ $stage_failed -eq 0 ]
exit
}
