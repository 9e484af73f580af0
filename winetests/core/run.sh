#!/bin/bash
# The Windows build of the lower core layers (dll/common, dll/crypto) under
# Wine: every winetests/core/<name>.c program (make coretests), run in a
# throwaway prefix.  PASS/FAIL/SKIPPED lines come from the programs.
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
source "$ROOT/tests/lib/wine.sh"
if ! wine_available; then
    echo "SKIPPED: coretests: wine not installed"
    exit 0
fi
log=$(mktemp)
if ! make -s -f Makefile.mingw BUILD="$BUILD" coretests >"$log" 2>&1; then
    echo "FAIL: coretests.build: $(grep -m1 -E 'error' "$log")"
    rm -f "$log"
    exit 1
fi
rm -f "$log"
PREFIX=$BUILD/coretests-prefix
if ! wine_prefix_new "$PREFIX"; then
    echo "SKIPPED: coretests: no Wine prefix could be created"
    exit 0
fi
wine_server_keep "$PREFIX" 600   # one wineserver for the whole run (tests/lib/wine.sh)
rc=0
for exe in "$BUILD"/x86_64/coretests/*.exe; do
    name=$(basename "$exe" .exe)
    out=$(wine_run "$PREFIX" 120 "$exe")
    st=$?
    printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIPPED): '
    if [ $st != 0 ] && [ $st != 1 ]; then echo "FAIL: coretests.$name: exited with status $st"; rc=1; fi
    [ $st = 1 ] && rc=1
done
wine_prefix_drop "$PREFIX"
exit $rc
