#!/usr/bin/env bash
# Exports the starter code of a lab stage: etc/export_stage.sh STAGE DESTDIR
#
# STAGE is 0..6 (or lab0..lab6). Copies the repository's tracked files (git ls-files, as they
# are in the working tree) to DESTDIR (created; it must not exist or be empty), with the
# student-written parts of STAGE and every later stage replaced by stubs that compile and
# say what to do (etc/stub_stage.py); the parts of earlier stages stay implemented. The
# parts are marked in the reference sources by "/* LABn BEGIN: ... */" comment lines.
# tests/solutions/ (the minimal solutions the starter-code test drops in) is not exported.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: etc/export_stage.sh STAGE DESTDIR   (STAGE 0..6)" >&2
    exit 2
fi
stage=${1#lab}
dest=$2
if ! [[ $stage =~ ^[0-6]$ ]]; then
    echo "export_stage: STAGE must be 0..6 (or lab0..lab6), not '$1'" >&2
    exit 2
fi
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
    echo "export_stage: $dest exists and is not empty" >&2
    exit 2
fi
mkdir -p "$dest"

stubbed=0
while IFS= read -r -d '' file; do
    [ -f "$src/$file" ] || continue # deleted in the working tree
    [[ $file == tests/solutions/* ]] && continue
    mkdir -p "$dest/$(dirname "$file")"
    if [[ $file == *.[ch] ]] && grep -Eq '^[[:space:]]*/\*[[:space:]]*LAB[0-9]+ BEGIN' "$src/$file"; then
        python3 "$src/etc/stub_stage.py" "$stage" "$src/$file" >"$dest/$file"
        cmp -s "$src/$file" "$dest/$file" || stubbed=$((stubbed + 1))
    else
        cp -p "$src/$file" "$dest/$file"
    fi
done < <(git -C "$src" ls-files -z)
echo "exported lab$stage starter code to $dest ($stubbed files with stubs)"
