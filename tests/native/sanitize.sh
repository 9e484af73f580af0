#!/usr/bin/env bash
# The native core and every cmocka unit test built with AddressSanitizer and
# UndefinedBehaviorSanitizer (-fno-sanitize-recover=all: the first report
# ends the program) into $BUILD/asan, then every unit test binary run.
#
#   bash tests/native/sanitize.sh
#
# One line per test binary: PASS: asan.<test> / FAIL: asan.<test>: <why>
# (a failing cmocka test, a sanitizer report, a leak or a crash).  SKIPPED
# when the compiler lacks the sanitizer runtimes (libasan / libubsan).
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
BUILD="${BUILD:-build}"
case "$BUILD" in /*) ;; *) BUILD="$REPO/$BUILD" ;; esac
CC_NATIVE="${CC_NATIVE:-gcc}"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
OUT="$BUILD/asan"
mkdir -p "$OUT"

# Does the compiler have the runtimes, and do they run here?
probe="$OUT/probe"
printf 'int main(void) { return 0; }\n' > "$probe.c"
if ! $CC_NATIVE $SAN "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
    echo "SKIPPED: asan: $CC_NATIVE cannot link $SAN (sanitizer runtime missing: $(head -c 160 "$probe.log" | tr '\n' ' '))"
    exit 0
fi
if ! "$probe" >"$probe.log" 2>&1; then
    echo "SKIPPED: asan: a trivial sanitized program does not run here: $(head -c 160 "$probe.log" | tr '\n' ' ')"
    exit 0
fi

t0=$(date +%s)
if ! make -f Makefile.mingw BUILD="$OUT" CC_NATIVE="$CC_NATIVE" NATIVE_SAN="$SAN" -j"$(nproc 2>/dev/null || echo 2)" native \
        >"$OUT/build.log" 2>&1; then
    echo "FAIL: asan.build: make native with $SAN failed: $(grep -m1 -E 'error|Error' "$OUT/build.log" | head -c 200) (see $OUT/build.log)"
    exit 1
fi
echo "asan: built in $(( $(date +%s) - t0 )) s"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p "$OUT/logs"
shopt -s nullglob
bins=("$OUT"/native/tests/test_*)
if [ ${#bins[@]} = 0 ]; then
    echo "FAIL: asan.build: no unit test binaries in $OUT/native/tests"
    exit 1
fi
failed=0
t1=$(date +%s)
for bin in "${bins[@]}"; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    name=$(basename "$bin")
    log="$OUT/logs/$name.log"
    timeout 300 "$bin" >"$log" 2>&1
    rc=$?
    ok=$(grep -c '^\[       OK \]' "$log")
    why=""
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log"; then
        why=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log" | sed 's/^==[0-9]*==//' | head -c 200)
    elif grep -qE '^\[  FAILED  \] [^ ]+$' "$log"; then
        why="failing tests: $(grep -E '^\[  FAILED  \] [^ ]+$' "$log" | sort -u | sed 's/^\[  FAILED  \] //' | tr '\n' ' ' | head -c 200)"
    elif [ $rc = 124 ]; then
        why="timed out after 300 s"
    elif [ $rc != 0 ]; then
        why="exit status $rc"
    elif [ "$ok" = 0 ]; then
        why="no test ran"
    fi
    if [ -n "$why" ]; then
        echo "FAIL: asan.$name: $why (see $log)"
        failed=1
    else
        echo "PASS: asan.$name ($ok tests)"
    fi
done
echo "asan: ran ${#bins[@]} binaries in $(( $(date +%s) - t1 )) s"
exit $failed
