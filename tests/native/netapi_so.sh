#!/usr/bin/env bash
# libnetapi32.so, natively, against private Samba servers: the DLL's own
# API-level test programs (winetests/wt_enum.c, wt_getinfo.c, wt_del.c,
# unchanged, built against the library's public header through the small
# Windows shim in tests/native/winshim) run the same checks as under Wine
# (truth from smbstatus and impacket), plus the library's ABI: exported
# symbols, `make install-native` + pkg-config, layouts and NetApiBuffer*.
# Then the same checks again with the library and the programs built with
# AddressSanitizer + UndefinedBehaviorSanitizer (any report fails).
#
#   bash tools/isolate.sh bash tests/native/netapi_so.sh
#
# Servers: s1 127.0.0.60 (ntsuser1, ntsuser2, and ntsuser1 from 127.0.0.62),
# s2 127.0.0.61 (server signing = mandatory; ntsuser2); 127.0.0.63 never
# answers (timeout, and proves "no traffic" for argument errors);
# 127.0.0.64 is closed.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/native_so.sh" so-tests
LOG="$OUT/log"
mkdir -p "$LOG"
CC_NATIVE="${CC_NATIVE:-gcc}"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"

# build VARIANT: the library and the test programs into $OUT/VARIANT
build() {
    local v=$1 san=${2:-} b p
    b="$OUT/$v"
    mkdir -p "$b/bin"
    make -s -f Makefile.mingw BUILD="$b/build" NATIVE_SAN="$san" native-so >"$LOG/build.$v.log" 2>&1 || return 1
    for p in wt_enum wt_getinfo wt_del; do
        $CC_NATIVE -std=c11 -Wall -Wextra -Werror -Wno-unused-function -fshort-wchar -D_DEFAULT_SOURCE $san \
            -Itests/native/winshim -Iinclude -Iwinetests/lib -O1 -g "winetests/$p.c" -o "$b/bin/$p" \
            -L"$b/build/so" -lnetapi32 >>"$LOG/build.$v.log" 2>&1 || return 1
    done
}

# ---- the library itself: exports, install, pkg-config, ABI (no server) -------------
if ! build plain; then fail "so.build" "$(grep -m1 -E 'error' "$LOG/build.plain.log")"; exit 1; fi
LIB="$OUT/plain/build/so/libnetapi32.so.1"
exp=$(nm -D --defined-only "$LIB" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort | tr '\n' ' ')
want="NetApiBufferAllocate NetApiBufferFree NetApiBufferReallocate NetApiBufferSize NetSessionDel NetSessionEnum NetSessionGetInfo "
[ "$exp" = "$want" ] && pass "so.exports_only_the_api" || fail "so.exports_only_the_api" "exports [$exp]"
soname=$(readelf -d "$LIB" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = libnetapi32.so.1 ] && pass "so.soname" || fail "so.soname" "soname [$soname]"

INST="$OUT/prefix"
rm -rf "$INST"
if make -s -f Makefile.mingw BUILD="$OUT/plain/build" install-native PREFIX="$INST" >"$LOG/install.log" 2>&1 &&
   [ -f "$INST/include/netapi32_native.h" ] && [ -L "$INST/lib/libnetapi32.so" ]; then
    pass "so.install_native"
else
    fail "so.install_native" "$(tail -2 "$LOG/install.log")"
fi
if command -v pkg-config >/dev/null 2>&1 &&
   flags=$(PKG_CONFIG_PATH="$INST/lib/pkgconfig" pkg-config --cflags --libs netapi32 2>"$LOG/pkgconfig.log") &&
   $CC_NATIVE -std=c11 -Wall -Wextra -Werror tests/native/so_abi.c $flags -o "$OUT/so_abi" 2>>"$LOG/pkgconfig.log"; then
    pass "so.pkg_config_build"
    LD_LIBRARY_PATH="$INST/lib" timeout 60 "$OUT/so_abi" so.abi
    LD_LIBRARY_PATH="$INST/lib" NETAPI32_LOW_HEAP=0 timeout 60 "$OUT/so_abi" so.abi.malloc_heap
else
    fail "so.pkg_config_build" "$(head -c 300 "$LOG/pkgconfig.log")"
fi

# ---- servers --------------------------------------------------------------------------
if ! samba_can_run; then skip "so.samba" "$SAMBA_WHY"; exit 0; fi
if ! [ -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import impacket' 2>/dev/null; then
    skip "so.samba" "python3-impacket is not installed"; exit 0
fi
S1=127.0.0.60; S2=127.0.0.61; SRC=127.0.0.62; SILENT=127.0.0.63; CLOSED=127.0.0.64
LISTENER_PID=""
cleanup() {
    samba_stop_all
    [ -n "$LISTENER_PID" ] && kill "$LISTENER_PID" 2>/dev/null && wait "$LISTENER_PID" 2>/dev/null
    ip addr del "$SILENT/32" dev lo 2>/dev/null
    return 0
}
mkdir -p "$SAMBA_ROOT_DIR"; rm -f "$SAMBA_ROOT_DIR/holders"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
samba_start sos1 "$S1" >"$LOG/samba.log" 2>&1 || { fail "so.samba.s1" "smbd did not start: $(tail -2 "$LOG/samba.log")"; exit 1; }
samba_start sos2 "$S2" "server signing = mandatory" >>"$LOG/samba.log" 2>&1 ||
    { fail "so.samba.s2" "smbd did not start"; exit 1; }
samba_hold_session sos1 "$S1" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_hold_session sos1 "$S1" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
samba_hold_session_from sos1 "$S1" "$SRC" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_hold_session sos2 "$S2" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
settle() { local i; for i in $(seq 1 50); do "$@" && return 0; sleep 0.2; done; return 1; }
nsess() { [ "$(samba_truth_sessions "$1" | wc -l)" -ge "$2" ]; }
settle nsess sos1 3 || fail "so.samba.s1.sessions" "held sessions did not appear: $(samba_truth_sessions sos1 | tr '\n' ';')"
settle nsess sos2 1 || fail "so.samba.s2.sessions" "held session did not appear"

# truth file (the format of winetests/lib/wt.h): S lines from impacket level 1
# with impacket's own admin session's counters wildcarded, U lines from smbstatus
truth() {
    local name=$1 ip=$2 out=$3 imp
    imp=$(samba_impacket_sessions "$ip" 1 2>"$LOG/impacket.$name.err") ||
        { fail "so.truth.$name" "impacket: $(head -c 200 "$LOG/impacket.$name.err")"; return 1; }
    {
        printf '%s\n' "$imp" | awk -F'\t' -v a="$SAMBA_ADMIN_USER" 'NF >= 6 { c = $1; sub(/^\\\\/, "", c)
            print "S\t" c "\t" $2 "\t" ($2 == a ? "*\t*\t*\t*" : $3 "\t" $4 "\t" $5 "\t" $6) }'
        samba_truth_sessions "$name" | awk 'NF == 2 { print "U\t" $1 "\t" $2 }'
        printf 'U\t%s\t%s\n' "$SAMBA_ADMIN_USER" "$ip"
    } > "$out"
}
truth sos1 "$S1" "$OUT/truth.s1.txt"
truth sos2 "$S2" "$OUT/truth.s2.txt"
ip addr add "$SILENT/32" dev lo 2>/dev/null
: > "$OUT/silent.log"
/usr/bin/python3 tests/lib/listener.py "$SILENT" 445 "$OUT/silent.log" > "$OUT/listener.out" 2>&1 &
LISTENER_PID=$!
for i in $(seq 1 25); do grep -q ready "$OUT/listener.out" 2>/dev/null && break; sleep 0.2; done

ADMIN=(NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS")
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# run PREFIX NAME TIMEOUT [VAR=VALUE...] PROGRAM ARGS: its PASS/FAIL lines, renamed PREFIX.*
run() {
    local pre=$1 name=$2 to=$3; shift 3
    local envs=() out rc
    while [ $# -gt 0 ] && [[ "$1" == *=* ]] && [[ "$1" != [\\/]* ]]; do envs+=("$1"); shift; done
    out=$(env "${envs[@]}" LD_LIBRARY_PATH="$LIBDIR" timeout -k 5 "$to" "$@" 2>"$LOG/$pre.$name.stderr")
    rc=$?
    printf '%s\n' "$out" > "$LOG/$pre.$name.stdout"
    printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIPPED): ' | sed -E "s/^(PASS|FAIL|SKIPPED): /\1: $pre./"
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$LOG/$pre.$name.stderr"; then
        fail "$pre.$name.sanitizer" "$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$LOG/$pre.$name.stderr" | sed 's/^==[0-9]*==//')"
    elif [ $rc = 124 ] || [ $rc = 137 ]; then fail "$pre.$name" "timed out after ${to}s"
    elif [ $rc != 0 ] && [ $rc != 1 ]; then fail "$pre.$name" "exit status $rc: $(tail -2 "$LOG/$pre.$name.stderr")"
    elif ! printf '%s\n' "$out" | grep -qE '^(PASS|FAIL): '; then fail "$pre.$name" "no result lines (rc $rc)"
    fi
}

# the checks of winetests/run.sh, getinfo.sh, creds.sh and del.sh that the
# native library shares with the DLL; VARIANT selects the build
checks() {
    local v=$1 full=$2 p B="$OUT/$1/bin"
    p=so; [ "$v" = plain ] || p="so.$v"
    LIBDIR="$OUT/$v/build/so"
    run "$p" enum.s1 120 "${ADMIN[@]}" "$B/wt_enum" full "\\\\$S1" "$OUT/truth.s1.txt" enum --derived
    run "$p" getinfo.s1 120 "${ADMIN[@]}" "$B/wt_getinfo" full "\\\\$S1" "$OUT/truth.s1.txt" getinfo
    : > "$OUT/silent.log"
    run "$p" enum.args 60 "${ADMIN[@]}" "$B/wt_enum" args "\\\\$SILENT"
    [ -s "$OUT/silent.log" ] && fail "$p.enum.bad_level.no_traffic" "connected: $(head -1 "$OUT/silent.log")" ||
        pass "$p.enum.bad_level.no_traffic"
    run "$p" closed 60 "${ADMIN[@]}" "$B/wt_enum" expect "\\\\$CLOSED" 1 - - 53 enum.closed_port
    local t0=$(date +%s)
    run "$p" timeout 60 "${ADMIN[@]}" NETAPI32_TIMEOUT_MS=2000 "$B/wt_enum" expect "\\\\$SILENT" 1 - - 121 errors.timeout_sem_timeout
    [ $(( $(date +%s) - t0 )) -le 20 ] && pass "$p.errors.timeout_bounded" || fail "$p.errors.timeout_bounded" "took $(( $(date +%s) - t0 ))s"
    run "$p" del.nothing 60 "${ADMIN[@]}" "$B/wt_del" expect "\\\\$S1" '\\192.0.2.77' - 2312 del.nothing.client_2312
    [ "$full" = 1 ] || return 0
    run "$p" enum.s2 120 "${ADMIN[@]}" "$B/wt_enum" full "\\\\$S2" "$OUT/truth.s2.txt" enum.signing --derived
    run "$p" getinfo.s2 120 "${ADMIN[@]}" "$B/wt_getinfo" full "\\\\$S2" "$OUT/truth.s2.txt" getinfo.signing
    run "$p" plain_ip 60 "${ADMIN[@]}" "$B/wt_enum" expect "$S1" 1 - - 0 enum.name.plain_ip
    run "$p" unknown_host 60 "${ADMIN[@]}" "$B/wt_enum" expect '\\nonexistent-host.invalid' 1 - - 53 enum.unknown_host
    run "$p" bad_name 30 "${ADMIN[@]}" "$B/wt_enum" expect '\\bad*name?' 1 - - 2351 enum.bad_name.wildcards
    run "$p" non_admin 60 NETAPI32_USER="$SAMBA_USER1" NETAPI32_PASSWORD="$SAMBA_USER1_PASS" \
        "$B/wt_enum" expect "\\\\$S1" 1 - - 5 enum.non_admin_access_denied
    run "$p" wrong_password 60 NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD='Wrong!Pass1' \
        "$B/wt_enum" expect "\\\\$S1" 1 - - 1326 enum.wrong_password_logon_failure
    run "$p" domain_user 60 NETAPI32_USER="$SAMBA_WORKGROUP\\$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" \
        "$B/wt_enum" expect "\\\\$S1" 1 - - 0 enum.credentials.domain_backslash_user
    run "$p" anonymous 60 "$B/wt_enum" expect "\\\\$S1" 1 - - 5 creds.anonymous_access_denied
    local authf="$OUT/auth.txt"
    printf 'username = %s\npassword = %s\ndomain = %s\n' "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" "$SAMBA_WORKGROUP" > "$authf"
    chmod 600 "$authf"
    run "$p" auth_file 60 NETAPI32_AUTH_FILE="$authf" "$B/wt_enum" expect "\\\\$S1" 1 - - 0 creds.auth_file
    run "$p" env_first 60 NETAPI32_USER="$SAMBA_USER1" NETAPI32_PASSWORD="$SAMBA_USER1_PASS" NETAPI32_AUTH_FILE="$authf" \
        "$B/wt_enum" expect "\\\\$S1" 1 - - 5 creds.env_before_auth_file
    rm -f "$authf"
    run "$p" trace 60 "${ADMIN[@]}" NETAPI32_TRACE=1 "$B/wt_enum" expect "\\\\$S1" 1 - - 0 creds.trace_call
    grep -q '^netapi32: ' "$LOG/$p.trace.stderr" && pass "$p.creds.trace_on_stderr" || fail "$p.creds.trace_on_stderr" "no netapi32: lines on stderr"
    grep -qF "$SAMBA_ADMIN_PASS" "$LOG/$p.trace.stderr" && fail "$p.creds.trace_has_no_password" "password in the trace" ||
        pass "$p.creds.trace_has_no_password"
    # destructive last: end ntsuser1's session from $SRC, by client and user
    run "$p" del.by_both 60 "${ADMIN[@]}" "$B/wt_del" expect "\\\\$S1" "\\\\$SRC" "$SAMBA_USER1" 0 del.by_both
    gone() { ! samba_truth_sessions sos1 | grep -qx "$SAMBA_USER1 $SRC"; }
    settle gone && pass "$p.del.by_both.gone" || fail "$p.del.by_both.gone" "smbstatus: $(samba_truth_sessions sos1 | tr '\n' ';')"
    samba_truth_sessions sos1 | grep -qx "$SAMBA_USER1 $S1" && pass "$p.del.by_both.others_kept" ||
        fail "$p.del.by_both.others_kept" "smbstatus: $(samba_truth_sessions sos1 | tr '\n' ';')"
}

checks plain 1

# ---- the same under ASan/UBSan --------------------------------------------------------
probe="$OUT/probe"
printf 'int main(void) { return 0; }\n' > "$probe.c"
if ! $CC_NATIVE $SAN "$probe.c" -o "$probe" >"$probe.log" 2>&1 || ! "$probe" >/dev/null 2>&1; then
    skip "so.asan" "no sanitizer runtime here: $(head -c 160 "$probe.log" | tr '\n' ' ')"
elif ! build asan "$SAN"; then
    fail "so.asan.build" "$(grep -m1 -E 'error' "$LOG/build.asan.log") (see $LOG/build.asan.log)"
else
    # the deleted session's truth no longer holds: only the non-destructive set
    truth sos1 "$S1" "$OUT/truth.s1.txt"
    checks asan 0
    # the low heap's own checks with its ASan poisoning active
    if $CC_NATIVE -std=c11 -Wall -Wextra -Werror $SAN -Iinclude tests/native/so_abi.c -o "$OUT/asan/bin/so_abi" \
            -L"$OUT/asan/build/so" -lnetapi32 >>"$LOG/build.asan.log" 2>&1; then
        run so.asan abi 60 "$OUT/asan/bin/so_abi" abi
        for bug in overflow after_free; do
            LD_LIBRARY_PATH="$OUT/asan/build/so" timeout 60 "$OUT/asan/bin/so_abi" x "$bug" >"$LOG/asan.$bug.log" 2>&1
            grep -q 'ERROR: AddressSanitizer: use-after-poison' "$LOG/asan.$bug.log" &&
                pass "so.asan.low_heap_reports_$bug" || fail "so.asan.low_heap_reports_$bug" "$(head -c 200 "$LOG/asan.$bug.log")"
        done
    else
        fail "so.asan.abi.build" "see $LOG/build.asan.log"
    fi
fi
exit 0
