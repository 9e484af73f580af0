#!/bin/bash
# Builds both DLLs for every export profile and checks each one's export table
# (ordinal, name, forwarder target), undecorated names and system-only imports.
#   BUILD=dir (default build)   PROFILES="nt4 win10 ws03" (ws03 last: the default stays built)
#   --no-build: check the DLLs already in $BUILD for the default profile only
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
PY=${PYTHON:-python3}
PROFILES=${PROFILES:-"nt4 win10 ws03"}
rc=0
if [ "$1" = "--no-build" ]; then PROFILES=${PROFILE:-ws03}; fi
for p in $PROFILES; do
    if [ "$1" != "--no-build" ]; then
        log=$(mktemp)
        if ! make -s -f Makefile.mingw BUILD="$BUILD" PROFILE="$p" "$BUILD/x86_64/netapi32.dll" "$BUILD/i686/netapi32.dll" >"$log" 2>&1; then
            echo "FAIL: build_$p: make failed: $(grep -m1 -iE 'error|undefined' "$log")"
            rm -f "$log"; rc=1; continue
        fi
        rm -f "$log"
        echo "PASS: build_$p"
    fi
    for a in x86_64 i686; do
        dll="$BUILD/$a/netapi32.dll"
        if [ ! -f "$dll" ]; then echo "FAIL: exports_${p}_$a: $dll missing"; rc=1; continue; fi
        $PY tests/static/check_dll.py "$p" "$a" "$dll" || rc=1
    done
done
exit $rc
