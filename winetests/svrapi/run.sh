#!/usr/bin/env bash
# winetests/svrapi/run.sh -- svrapi.dll (Windows 95/98 session API, issue 13):
# 32-bit Windows programs linked with MinGW-w64's own -lsvrapi, run under
# 32-bit Wine with our svrapi.dll installed (tools/install.sh) in a throwaway
# 64-bit prefix, against a private Samba.  Prints PASS:/FAIL:/SKIPPED: lines.
# Run it inside tools/isolate.sh (it starts smbd).
#
# Server sv9x on 127.0.0.21; sessions: ntsuser1 from 127.0.0.21 (smbclient),
# ntsuser1 and ntsuser2 from 127.0.0.22 (impacket).  Closed port: 127.0.0.29.
set -u
unset NETAPI32_USER NETAPI32_PASSWORD NETAPI32_AUTH_FILE NETAPI32_TRACE
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
source tests/lib/samba.sh
source tests/lib/wine.sh
OUT="$REPO/$BUILD/winetests/svrapi"
mkdir -p "$OUT"
LOG="$OUT/log"; mkdir -p "$LOG"
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $(printf '%s' "$2" | tr '\r\n\t' '   ' | cut -c1-300)"; }
skip() { echo "SKIPPED: $1: $2"; }
RUNTIME="svrapi.builtin_baseline svrapi.levels svrapi.small svrapi.args svrapi.errors svrapi.forwarders svrapi.sample9x svrapi.del svrapi.install"
skip_runtime() { local t; for t in $RUNTIME; do skip "$t" "$1"; done; exit 0; }

# ---- build: our DLL, and the test programs against MinGW's libsvrapi.a -----------
if make -s -f Makefile.mingw BUILD="$BUILD" svrapi >"$LOG/build.log" 2>&1; then pass "svrapi.build_dll"
else fail "svrapi.build_dll" "$(grep -m1 -iE 'error|undefined' "$LOG/build.log")"; exit 1; fi
ok=1
for p in sample9x sv9x_test; do
    i686-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O1 -D__USE_MINGW_ANSI_STDIO=0 -s \
        -o "$OUT/$p.exe" "winetests/svrapi/$p.c" -lsvrapi >>"$LOG/build.log" 2>&1 || ok=0
done
if [ $ok = 1 ]; then pass "svrapi.build_programs_with_mingw_libsvrapi"
else fail "svrapi.build_programs_with_mingw_libsvrapi" "$(grep -m1 error "$LOG/build.log")"; exit 1; fi

# ---- static proofs: decoration and calling convention ------------------------------
# The programs import the undecorated names from svrapi.dll (MinGW's import
# library: stdcall, Name@N), and our DLL binds those names to stdcall symbols
# with the same N: caller and callee agree on who pops how many bytes.
imp=$(i686-w64-mingw32-objdump -p "$OUT/sv9x_test.exe" | awk '/DLL Name: /{d=toupper($3)} d=="SVRAPI.DLL" && /Net/{print $NF}' | sort | tr '\n' ' ')
if [ "$imp" = "NetSessionDel NetSessionEnum NetSessionGetInfo " ]; then pass "svrapi.program_imports_by_name"
else fail "svrapi.program_imports_by_name" "svrapi.dll imports: [$imp]"; fi
lib=$(i686-w64-mingw32-nm /usr/i686-w64-mingw32/lib/libsvrapi.a 2>/dev/null | grep -oE '_NetSession(Enum|GetInfo|Del)@[0-9]+' | sort -u | tr '\n' ' ')
ours=$(i686-w64-mingw32-nm "$BUILD/i686/obj/dll/svrapi/exports_win.o" | grep -oE '_NetSession(Enum|GetInfo|Del)@[0-9]+' | sort -u | tr '\n' ' ')
if [ -n "$lib" ] && [ "$lib" = "$ours" ]; then pass "svrapi.stdcall_decoration_matches_libsvrapi"
else fail "svrapi.stdcall_decoration_matches_libsvrapi" "libsvrapi.a [$lib] ours [$ours]"; fi
WINE32_DIR=/usr/lib/i386-linux-gnu/wine/i386-windows
WREF=$WINE32_DIR/svrapi.dll; [ -f "$WREF" ] || WREF=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/svrapi.dll
if out=$(python3 tests/static/check_svrapi.py "$BUILD/i686/svrapi.dll" "$WREF" 2>&1); then
    echo "$out" | grep -E '^(PASS|FAIL): '
else
    echo "$out" | grep -E '^(PASS|FAIL): '; echo "$out" | grep -q '^FAIL: ' || fail "svrapi.check_dll" "$out"
fi

# ---- runtime prerequisites -------------------------------------------------------------
samba_can_run || skip_runtime "$SAMBA_WHY"
wine_available || skip_runtime "wine is not installed"
[ -d /usr/lib/i386-linux-gnu/wine ] || skip_runtime "wine32 is not installed (tools/deps.sh installs it where the kernel runs 32-bit programs)"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import impacket' 2>/dev/null || skip_runtime "python3-impacket is not installed"

PREFIX="$OUT/prefix"
cleanup() {
    samba_stop_all
    wine_prefix_stop "$PREFIX"
    return 0
}
mkdir -p "$SAMBA_ROOT_DIR"; rm -f "$SAMBA_ROOT_DIR/holders"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
export WINEDLLOVERRIDES="winedbg.exe=d"

wine_prefix_new "$PREFIX" || { fail "svrapi.prefix" "wineboot failed (see $PREFIX.boot.log)"; exit 1; }
# can this machine run 32-bit Windows programs at all? (usage text, exit 1)
u=$(wine_run "$PREFIX" 60 "$OUT/sample9x.exe" 2>/dev/null; echo "rc=$?")
if ! grep -q 'Usage' "$PREFIX/last.stderr" 2>/dev/null; then
    skip_runtime "32-bit Windows programs do not run under this Wine ($(echo $u | tail -c 80); $(tail -c 200 "$PREFIX/last.stderr" | tr '\n' ' '))"
fi
SYSWOW="$PREFIX/drive_c/windows/syswow64"
# baseline: with Wine's builtin svrapi (stubs) the 9x sample cannot list anything,
# which proves the sample checks below can fail
WINE_STDERR="$LOG/builtin.stderr" wine_run "$PREFIX" 60 "$OUT/sample9x.exe" '\\127.0.0.21' >"$LOG/builtin.stdout"
brc=$?
if [ $brc != 0 ] && ! grep -q '^Client:' "$LOG/builtin.stdout" && ! grep -q 'Total of' "$LOG/builtin.stderr"; then
    pass "svrapi.builtin_baseline_sample_fails"
else
    fail "svrapi.builtin_baseline_sample_fails" "rc $brc with Wine's builtin: $(head -c 200 "$LOG/builtin.stdout")"
fi
before=""; [ -f "$SYSWOW/svrapi.dll" ] && { cp -p "$SYSWOW/svrapi.dll" "$OUT/svrapi.before"; before=1; }
make -s -f Makefile.mingw BUILD="$BUILD" x86_64 i686 >>"$LOG/build.log" 2>&1
if bash tools/install.sh install "$PREFIX" "$BUILD" >"$LOG/install.log" 2>&1 &&
   cmp -s "$SYSWOW/svrapi.dll" "$BUILD/i686/svrapi.dll" && cmp -s "$SYSWOW/wine_svrapi.dll" "$WINE32_DIR/svrapi.dll" &&
   WINEPREFIX="$PREFIX" wine reg query 'HKCU\Software\Wine\DllOverrides' /v svrapi 2>/dev/null | tr -d '\r' | grep -q 'native,builtin'; then
    pass "svrapi.install.syswow64_forward_target_override"
else
    fail "svrapi.install.syswow64_forward_target_override" "$(tail -3 "$LOG/install.log")"; exit 1
fi
wine_server_keep "$PREFIX" 600

ADMIN_ENV=(NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS")
wt() {   # wt NAME TIMEOUT [VAR=VALUE...] EXE ARGS...: relays PASS/FAIL, a crash is a FAIL
    local name=$1 to=$2; shift 2
    local envs=() out rc
    while [ $# -gt 0 ] && [[ "$1" == *=* ]] && [[ "$1" != [\\/]* ]]; do envs+=("$1"); shift; done
    out=$(env "${envs[@]}" WINE_STDERR="$LOG/$name.stderr" bash -c 'source "$1"; shift; wine_run "$@"' _ \
          tests/lib/wine.sh "$PREFIX" "$to" "$@")
    rc=$?
    printf '%s\n' "$out" > "$LOG/$name.stdout"
    printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIPPED): ' | sed "s/^\([A-Z]*\): /\1: svrapi.$name./"
    if [ $rc -gt 1 ]; then fail "svrapi.$name" "exit status $rc (crash or timeout): $(tail -c 200 "$LOG/$name.stderr")"; fi
    printf '%s\n' "$out" | grep -qE '^(PASS|FAIL): ' || fail "svrapi.$name" "no result lines (rc $rc)"
}
wine_cmd() { # wine_cmd TIMEOUT [VAR=VALUE...] EXE ARGS (raw output)
    local to=$1; shift
    local envs=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do envs+=("$1"); shift; done
    env "${envs[@]}" WINEPREFIX="$PREFIX" DISPLAY= timeout -k 5 "$to" wine "$@"
}

# ---- server and sessions ----------------------------------------------------------------
S=127.0.0.21; SRC=127.0.0.22; CLOSED=127.0.0.29
samba_start sv9x "$S" >/dev/null 2>&1 || { fail "svrapi.samba" "smbd did not start"; exit 1; }
samba_hold_session sv9x "$S" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_hold_session_from sv9x "$S" "$SRC" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_hold_session_from sv9x "$S" "$SRC" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
has() { samba_truth_sessions sv9x | grep -qx "$1 $2"; }
settle() { local i; for i in $(seq 1 50); do "$@" && return 0; sleep 0.2; done; return 1; }
gone() { ! has "$1" "$2"; }
settle has "$SAMBA_USER1" "$S" && settle has "$SAMBA_USER1" "$SRC" && settle has "$SAMBA_USER2" "$SRC" ||
    fail "svrapi.samba.sessions" "held sessions did not appear: $(samba_truth_sessions sv9x | tr '\n' ';')"
T="$OUT/sv9x_test.exe"

wt levels 120 "${ADMIN_ENV[@]}" "$T" levels "\\\\$S" "$SRC" "$SAMBA_USER2"
wt small 120 "${ADMIN_ENV[@]}" "$T" small "\\\\$S"
wt args 120 "${ADMIN_ENV[@]}" "$T" args "\\\\$S"
wt errors.closed_port 60 "${ADMIN_ENV[@]}" "$T" expect "\\\\$CLOSED" 50 53 closed_port_53
wt errors.bad_name 60 "${ADMIN_ENV[@]}" "$T" expect '\\bad*name?' 50 2351 bad_name_2351
wt errors.non_admin 60 NETAPI32_USER="$SAMBA_USER1" NETAPI32_PASSWORD="$SAMBA_USER1_PASS" "$T" expect "\\\\$S" 50 5 non_admin_5
wt errors.wrong_password 60 NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD='Wrong!Pass1' "$T" expect "\\\\$S" 50 1326 wrong_password_1326
wt forwarders 60 "$T" fwd

# ---- the 9x-style sample: list, then read one session and end it by its key ----------------
out=$(wine_cmd 60 "${ADMIN_ENV[@]}" "$OUT/sample9x.exe" "\\\\$S" 2>"$LOG/sample.stderr" | tr -d '\r')
printf '%s\n' "$out" > "$LOG/sample.stdout"
got=$(printf '%s\n' "$out" | awk -F'\t' -v a="$SAMBA_ADMIN_USER" '/^Client:/ { c=$1; sub(/^Client: /,"",c); sub(/^\\\\/,"",c); u=$2; sub(/^User: /,"",u); if (u!=a) print u, c }' | sort)
want=$(samba_truth_sessions sv9x | grep -v "^$SAMBA_ADMIN_USER " | sort)
if [ -n "$got" ] && [ "$got" = "$want" ]; then pass "svrapi.sample9x.lists_what_smbstatus_shows"
else fail "svrapi.sample9x.lists_what_smbstatus_shows" "got [$(echo $got)] smbstatus [$(echo $want)] stderr [$(head -c 200 "$LOG/sample.stderr")]"; fi
out=$(wine_cmd 60 "${ADMIN_ENV[@]}" "$OUT/sample9x.exe" "\\\\$S" "$SRC" 2>"$LOG/sample.del.stderr" | tr -d '\r')
printf '%s\n' "$out" > "$LOG/sample.del.stdout"
victim=$(printf '%s\n' "$out" | awk -F'\t' '/^Session:/ { u=$2; sub(/^User: /,"",u); print u }')
other=$SAMBA_USER2; [ "$victim" = "$SAMBA_USER2" ] && other=$SAMBA_USER1
if grep -q 'successfully deleted' "$LOG/sample.del.stderr" && [ -n "$victim" ] && settle gone "$victim" "$SRC" &&
   has "$other" "$SRC" && has "$SAMBA_USER1" "$S"; then
    pass "svrapi.sample9x.getinfo_then_del_by_key_ends_only_that_session"
else
    fail "svrapi.sample9x.getinfo_then_del_by_key_ends_only_that_session" "victim [$victim] stderr [$(head -c 200 "$LOG/sample.del.stderr")] smbstatus [$(samba_truth_sessions sv9x | tr '\n' ';')]"
fi

# ---- key round trip (sv9x_test del), verified by the server -----------------------------------
wt del 120 "${ADMIN_ENV[@]}" "$T" del "\\\\$S" "$S" "$SAMBA_USER1"
if settle gone "$SAMBA_USER1" "$S" && has "$other" "$SRC"; then pass "svrapi.del.smbstatus_confirms_only_that_session"
else fail "svrapi.del.smbstatus_confirms_only_that_session" "smbstatus [$(samba_truth_sessions sv9x | tr '\n' ';')]"; fi

# ---- uninstall: exact restore ------------------------------------------------------------------
WINEPREFIX="$PREFIX" wineserver -k 2>/dev/null; WINEPREFIX="$PREFIX" timeout 20 wineserver -w 2>/dev/null
if bash tools/install.sh uninstall "$PREFIX" "$BUILD" >"$LOG/uninstall.log" 2>&1 && [ ! -e "$SYSWOW/wine_svrapi.dll" ] &&
   { { [ -n "$before" ] && cmp -s "$SYSWOW/svrapi.dll" "$OUT/svrapi.before"; } || { [ -z "$before" ] && [ ! -e "$SYSWOW/svrapi.dll" ]; }; } &&
   ! WINEPREFIX="$PREFIX" wine reg query 'HKCU\Software\Wine\DllOverrides' /v svrapi >/dev/null 2>&1; then
    pass "svrapi.uninstall.exact_restore"
else
    fail "svrapi.uninstall.exact_restore" "$(tail -3 "$LOG/uninstall.log")"
fi
exit 0
