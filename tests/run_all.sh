#!/usr/bin/env bash
# tests/run_all.sh [--unit-only] -- runs the whole test suite and prints one
# summary line "N passed, M failed, K skipped".  Exit status is non-zero when
# anything failed or nothing passed.
#
#  (a) every native cmocka binary in $BUILD/native/tests/ (individual tests are
#      counted from cmocka's "[       OK ]", "[  FAILED  ]", "[  SKIPPED ]" lines);
#  (b) unless --unit-only: every executable tests/static/*.sh, tests/native/*.sh,
#      winetests/run.sh and winetests/*/run.sh, counting "PASS:", "FAIL:" and
#      "SKIPPED:" lines.  A program that exits non-zero without printing any
#      FAIL line counts as one failure (so does a cmocka binary that crashes).
# Per-program logs: $BUILD/test-logs/.
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
UNIT_ONLY=0
[ "${1:-}" = "--unit-only" ] && UNIT_ONLY=1

LOGS="$BUILD/test-logs"
mkdir -p "$LOGS"
PASSED=0 FAILED=0 SKIPPED=0
FAILS=()

# cmocka binary
run_cmocka() {
    local bin=$1 name log rc p f s
    name=$(basename "$bin")
    log="$LOGS/$name.log"
    echo "== $name"
    "$bin" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^\[       OK \]' "$log")
    f=$(grep -c '^\[  FAILED  \]' "$log")
    s=$(grep -c '^\[  SKIPPED \]' "$log")
    # cmocka also prints a summary "[  FAILED  ] N test(s), listed below:" and
    # the list again: count only the per-test lines (those naming one test)
    f=$(grep -E '^\[  FAILED  \] [^ ]+$' "$log" | sort -u | wc -l)
    s=$(grep -E '^\[  SKIPPED \] [^ ]+$' "$log" | sort -u | wc -l)
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIPPED=$((SKIPPED + s))
    local t
    while read -r t; do [ -n "$t" ] && FAILS+=("$name: $t"); done < <(grep -E '^\[  FAILED  \] [^ ]+$' "$log" | sort -u | sed 's/^\[  FAILED  \] //')
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        FAILED=$((FAILED + 1)); FAILS+=("$name: exited with status $rc without a FAILED test (crash?), see $log")
    fi
    echo "   $p passed, $f failed, $s skipped"
}

# script speaking the PASS:/FAIL:/SKIPPED: protocol
run_script() {
    local script=$1 name log rc p f s
    name=$(echo "${script#./}" | tr '/' '_')
    log="$LOGS/$name.log"
    echo "== $script"
    bash "$script" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^PASS: ' "$log")
    f=$(grep -c '^FAIL: ' "$log")
    s=$(grep -c '^SKIPPED: ' "$log")
    grep -E '^(FAIL|SKIPPED): ' "$log" | sed 's/^/   /'
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIPPED=$((SKIPPED + s))
    local t
    while read -r t; do [ -n "$t" ] && FAILS+=("$t"); done < <(grep '^FAIL: ' "$log" | sed 's/^FAIL: //' | cut -c1-160)
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        FAILED=$((FAILED + 1)); FAILS+=("$script: exited with status $rc without a FAIL line, see $log")
    fi
    echo "   $p passed, $f failed, $s skipped"
}

shopt -s nullglob
bins=("$BUILD"/native/tests/*)
if [ ${#bins[@]} = 0 ]; then
    echo "run_all: no unit test binaries in $BUILD/native/tests (run: make -f Makefile.mingw BUILD=$BUILD native)"
fi
for b in "${bins[@]}"; do
    [ -f "$b" ] && [ -x "$b" ] && run_cmocka "$b"
done

if [ $UNIT_ONLY = 0 ]; then
    for s in tests/static/*.sh tests/native/*.sh winetests/run.sh winetests/*/run.sh; do
        [ -f "$s" ] && [ -x "$s" ] && run_script "$s"
    done
fi

if [ ${#FAILS[@]} -gt 0 ]; then
    echo
    echo "Failed checks:"
    for t in "${FAILS[@]}"; do echo "  $t"; done
fi
echo
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
