#!/usr/bin/env bash
# The native core under ThreadSanitizer: libcore.a built with
# -fsanitize=thread into $BUILD/tsan, and tests/native/tsan/stress.c (T
# threads x N NetSessionEnum calls on one server) run against a private
# Samba: with a pool of 4 connections (NETAPI32_MAX_CONNECTIONS=4), with one
# connection shared by every thread (the default: up to 4 calls in flight on
# it, each on its own pipe; then 8; then 1, the callers taking turns), and
# with the credentials looked up on every call (NETAPI32_CRED_RECHECK_MS=0,
# pool of 4); then tests/test_smb2_mux.c and test_smb2_credits.c.  A data race, a failed call or a
# crash fails.
#
#   bash tests/native/tsan.sh        (inside tools/isolate.sh, as run_all.sh runs it)
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
source tests/lib/samba.sh
ABS="$BUILD"
case "$ABS" in /*) ;; *) ABS="$REPO/$ABS" ;; esac
CC_NATIVE="${CC_NATIVE:-gcc}"
SAN="-fsanitize=thread"
OUT="$ABS/tsan"
mkdir -p "$OUT"

probe="$OUT/probe"
printf '#include <pthread.h>\nstatic void *f(void *a) { return a; }\nint main(void) { pthread_t t; pthread_create(&t, 0, f, 0); return pthread_join(t, 0); }\n' > "$probe.c"
if ! $CC_NATIVE $SAN "$probe.c" -o "$probe" -lpthread >"$probe.log" 2>&1 || ! "$probe" >>"$probe.log" 2>&1; then
    echo "SKIPPED: tsan: $CC_NATIVE $SAN does not build or run here: $(head -c 160 "$probe.log" | tr '\n' ' ')"
    exit 0
fi
if ! samba_can_run; then echo "SKIPPED: tsan: $SAMBA_WHY"; exit 0; fi

t0=$(date +%s)
if ! make -s -f Makefile.mingw BUILD="$OUT" CC_NATIVE="$CC_NATIVE" NATIVE_SAN="$SAN" NATIVE_CFLAGS="-O1 -g" \
        -j"$(nproc 2>/dev/null || echo 2)" "$OUT/native/libcore.a" >"$OUT/build.log" 2>&1 ||
   ! $CC_NATIVE -std=c11 -D_DEFAULT_SOURCE -Idll -Iinclude $SAN -O1 -g tests/native/tsan/stress.c \
        "$OUT/native/libcore.a" -lnettle -lpthread -lgssapi_krb5 -o "$OUT/tsan_stress" >>"$OUT/build.log" 2>&1; then
    echo "FAIL: tsan.build: $(grep -m1 -E 'error' "$OUT/build.log" | head -c 200) (see $OUT/build.log)"
    exit 1
fi
echo "tsan: built in $(( $(date +%s) - t0 )) s"

IP=127.0.0.15
samba_trap
samba_start tsan "$IP" >/dev/null 2>&1 || { echo "FAIL: tsan: Samba did not start"; exit 1; }
samba_hold_session tsan "$IP" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_wait_user tsan "$SAMBA_USER1"
export NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 exitcode=66 second_deadlock_stack=1}"

verdict() { # name log rc why-on-exit summary: a race, a failed run or a pass
    if grep -q 'WARNING: ThreadSanitizer' "$2"; then
        echo "FAIL: tsan.$1: $(grep -m1 -A3 'WARNING: ThreadSanitizer' "$2" | tr '\n' ' ' | head -c 300) (see $2)"
    elif [ "$3" != 0 ]; then
        echo "FAIL: tsan.$1: exit $3: $4 (see $2)"
    else
        echo "PASS: tsan.$1 ($5)"
    fi
}

run() { # name, env..., then threads calls
    local name=$1; shift
    local log="$OUT/$name.log"
    env "$@" timeout 300 "$OUT/tsan_stress" "\\\\$IP" 8 "${STRESS_CALLS:-25}" >"$log" 2>&1
    local rc=$?
    verdict "$name" "$log" $rc "$(tail -c 200 "$log" | tr '\n' ' ')" "$(grep -m1 '^calls=' "$log")"
}
run pool_8_threads NETAPI32_MAX_CONNECTIONS=4
run one_connection_8_threads NETAPI32_MAX_CONNECTIONS=1
run one_connection_8_calls_8_threads NETAPI32_MAX_CONNECTIONS=1 NETAPI32_MAX_CALLS=8
run one_connection_taking_turns_8_threads NETAPI32_MAX_CONNECTIONS=1 NETAPI32_MAX_CALLS=1
run creds_every_call_8_threads NETAPI32_CRED_RECHECK_MS=0 NETAPI32_MAX_CONNECTIONS=4

# The SMB2 connection's own threads tests (tests/test_smb2_mux.c: answers
# out of order, interim answers, stale ones, a deadline passing while
# another thread receives, the peer closing; tests/test_smb2_credits.c:
# senders waiting for credits) under the sanitizer too.
for t in smb2_mux smb2_credits; do
    if ! $CC_NATIVE -std=c11 -D_DEFAULT_SOURCE -Idll -Iinclude -Itests $SAN -O1 -g "tests/test_$t.c" \
            "$OUT/native/libcore.a" -lcmocka -lnettle -lpthread -lgssapi_krb5 -o "$OUT/tsan_$t" >>"$OUT/build.log" 2>&1; then
        echo "FAIL: tsan.$t: does not build: $(grep -m1 error "$OUT/build.log" | head -c 200)"
        continue
    fi
    log="$OUT/$t.log"
    timeout 300 "$OUT/tsan_$t" >"$log" 2>&1
    rc=$?
    verdict "$t" "$log" $rc "$(grep -m1 -E 'FAILED|ERROR' "$log" | head -c 200)" \
        "$(grep -c '\[       OK \]' "$log") tests"
done
