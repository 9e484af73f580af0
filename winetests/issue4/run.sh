#!/bin/bash
# Issue 4 runtime checks under Wine: forwarded functions, ordinal imports,
# secur32's NTLM package, names Wine lacks, install/uninstall round trip.
#
#   BUILD=dir (default build)  WINEPREFIX=dir (default: a throwaway prefix, removed at the end)
#   ISSUE4_SERVER='\\127.0.0.1' target of the NetSessionEnum smoke calls (nothing needs to listen)
#
# The DLLs are built with the default (ws03) profile: ordinal 224 = NetSessionEnum.
# One line per check: PASS / FAIL / SKIPPED.
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SERVER=${ISSUE4_SERVER:-'\\127.0.0.1'}
OUT=$BUILD/winetests/issue4
SRC=$ROOT/winetests/issue4
TESTS="fwd_session by_ordinal ntlm missing_name wine_stub"
export WINEDEBUG=-all
rc=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; rc=1; }
skip() { echo "SKIPPED: $1: $2"; }

# ---- build the DLLs (ws03) and the test programs for both architectures ----
log=$(mktemp)
if make -s -f Makefile.mingw BUILD="$BUILD" PROFILE=ws03 "$BUILD/x86_64/netapi32.dll" "$BUILD/i686/netapi32.dll" >"$log" 2>&1; then
    pass "issue4_build_dlls"
else
    fail "issue4_build_dlls" "$(grep -m1 -iE 'error|undefined' "$log")"
fi
rm -f "$log"
for arch in x86_64 i686; do
    cc=$arch-w64-mingw32-gcc
    dt="$arch-w64-mingw32-dlltool"; [ $arch = i686 ] && dt="$dt -k"
    d=$OUT/$arch; mkdir -p "$d"
    ok=1
    $dt -d "$SRC/by_ordinal_$arch.def" -l "$d/libnetapi32_ord.a" 2>"$d/build.log" || ok=0
    $dt -d "$SRC/missing_$arch.def" -l "$d/libnetapi32_missing.a" 2>>"$d/build.log" || ok=0
    for t in $TESTS; do
        libs="-lnetapi32"
        case $t in
            by_ordinal) libs="$d/libnetapi32_ord.a" ;;
            missing_name) libs="$d/libnetapi32_missing.a" ;;
            ntlm) libs="-lsecur32" ;;
        esac
        $cc -std=c11 -Wall -Wextra -Werror -O1 -s -static -static-libgcc -o "$d/$t.exe" "$SRC/$t.c" $libs \
            >>"$d/build.log" 2>&1 || ok=0
    done
    if [ $ok = 1 ]; then pass "issue4_build_tests_$arch"; else fail "issue4_build_tests_$arch" "$(grep -m1 -E 'error' "$d/build.log")"; fi
done
# The ordinal test must really import by ordinal (no name for NetSessionEnum).
if x86_64-w64-mingw32-objdump -p "$OUT/x86_64/by_ordinal.exe" 2>/dev/null | grep -qE '<none>|Ordinal|^\s+224\b' &&
   ! x86_64-w64-mingw32-objdump -p "$OUT/x86_64/by_ordinal.exe" | grep -q 'NetSessionEnum'; then
    pass "by_ordinal_imports_ordinal_224"
else
    fail "by_ordinal_imports_ordinal_224" "by_ordinal.exe does not import NetSessionEnum by ordinal"
fi

if ! command -v wine >/dev/null; then
    for t in $TESTS install uninstall; do skip "issue4_$t" "wine not installed"; done
    exit $rc
fi
[ -f "$BUILD/x86_64/netapi32.dll" ] || { fail "issue4_runtime" "no $BUILD/x86_64/netapi32.dll"; exit 1; }

# ---- prefix ----
own_prefix=0
if [ -z "${WINEPREFIX:-}" ]; then WINEPREFIX=$(mktemp -d /tmp/netapi32-issue4.XXXXXX); own_prefix=1; rmdir "$WINEPREFIX"; fi
export WINEPREFIX
if [ ! -f "$WINEPREFIX/system.reg" ]; then wineboot -i >/dev/null 2>&1; wineserver -w; fi

# run EXE [args]: output (CR stripped) in $runout, status in $runrc
run() { runout=$(cd "$(dirname "$1")" && timeout 120 wine "$@" 2>/dev/null | tr -d '\r'); runrc=$?; }
# Relays the program's PASS/FAIL lines; a crash or a missing verdict is a FAIL.
report() { # name
    local n=$1
    echo "$runout" | grep -E '^(PASS|FAIL|SKIPPED): ' | sed "s/^\([A-Z]*\): /\1: $n\//"
    echo "$runout" | grep -q '^FAIL: ' && rc=1
    if [ "$runrc" != 0 ] && ! echo "$runout" | grep -q '^FAIL: '; then fail "$n" "exit status $runrc (crash or timeout)"; fi
    echo "$runout" | grep -q '^PASS: ' || { [ "$runrc" = 0 ] && fail "$n" "no verdict printed"; }
}

X64=$OUT/x86_64
# Baseline with Wine's builtin: the NTLM outcome to reproduce.
bash tools/install.sh uninstall "$WINEPREFIX" "$BUILD" >/dev/null
run "$X64/ntlm.exe"; ntlm_before=$(echo "$runout" | grep '^# ' | grep -v 'netapi32 loaded')

if bash tools/install.sh install "$WINEPREFIX" "$BUILD" >/dev/null 2>&1; then pass "install"; else fail "install" "install.sh failed"; fi
if bash tools/install.sh install "$WINEPREFIX" "$BUILD" >/dev/null 2>&1 &&
   cmp -s "$WINEPREFIX/drive_c/windows/system32/netapi32.dll" "$BUILD/x86_64/netapi32.dll"; then
    pass "install_again_harmless"
else
    fail "install_again_harmless" "second install failed or left a different DLL"
fi

run "$X64/fwd_session.exe" "$SERVER" installed; report "x64_fwd_session"
echo "$runout" | grep '^# '
run "$X64/by_ordinal.exe" "$SERVER"; report "x64_by_ordinal"
run "$X64/missing_name.exe"; report "x64_missing_name"
run "$X64/ntlm.exe"; report "x64_ntlm"
ntlm_after=$(echo "$runout" | grep '^# ' | grep -v 'netapi32 loaded')
if [ -n "$ntlm_before" ] && [ "$ntlm_before" = "$ntlm_after" ]; then
    pass "x64_ntlm_same_as_builtin"
    echo "$ntlm_after"
else
    fail "x64_ntlm_same_as_builtin" "builtin: $(echo $ntlm_before) / installed: $(echo $ntlm_after)"
fi

# msv1_0 (NTLM) must have run with OUR netapi32 and its forward target loaded.
lt=$(cd "$X64" && WINEDEBUG=-all,+loaddll timeout 120 wine ntlm.exe 2>&1 >/dev/null | tr -d '\r')
if echo "$lt" | grep -qi 'system32\\\\netapi32.dll" at .*: native' &&
   echo "$lt" | grep -qi 'wine_netapi32.dll" at .*: builtin' && echo "$lt" | grep -qi 'msv1_0.dll" at'; then
    pass "x64_ntlm_used_our_dll"
else
    fail "x64_ntlm_used_our_dll" "loaddll trace lacks native netapi32 / wine_netapi32 / msv1_0"
fi

if bash tools/install.sh uninstall "$WINEPREFIX" "$BUILD" >/dev/null 2>&1 &&
   bash tools/install.sh uninstall "$WINEPREFIX" "$BUILD" >/dev/null 2>&1; then
    pass "uninstall_twice"
else
    fail "uninstall_twice" "install.sh uninstall failed"
fi
W64=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/netapi32.dll
if [ ! -f "$W64" ]; then skip "uninstall_restores_builtin" "$W64 not found"
elif cmp -s "$WINEPREFIX/drive_c/windows/system32/netapi32.dll" "$W64" &&
     [ ! -e "$WINEPREFIX/drive_c/windows/system32/wine_netapi32.dll" ]; then pass "uninstall_restores_builtin"
else fail "uninstall_restores_builtin" "system32 does not hold Wine's builtin netapi32 only"; fi
run "$X64/wine_stub.exe"; report "x64_after_uninstall"

# ---- x86 ----
x86_reason=""
if [ ! -d /usr/lib/i386-linux-gnu/wine ] && [ ! -d /usr/lib/wine/i386-windows ]; then
    x86_reason="wine32 cannot run on this kernel (no IA32 emulation)"
else
    run "$OUT/i686/wine_stub.exe"
    echo "$runout" | grep -q '^PASS: ' || x86_reason="wine32 cannot run on this kernel (no IA32 emulation)"
fi
if [ -n "$x86_reason" ]; then
    for t in $TESTS; do skip "x86_$t" "$x86_reason"; done
else
    X86=$OUT/i686
    bash tools/install.sh install "$WINEPREFIX" "$BUILD" >/dev/null 2>&1 || fail "x86_install" "install.sh failed"
    run "$X86/fwd_session.exe" "$SERVER" installed; report "x86_fwd_session"
    run "$X86/by_ordinal.exe" "$SERVER"; report "x86_by_ordinal"
    run "$X86/missing_name.exe"; report "x86_missing_name"
    run "$X86/ntlm.exe"; report "x86_ntlm"
    bash tools/install.sh uninstall "$WINEPREFIX" "$BUILD" >/dev/null 2>&1
    run "$X86/wine_stub.exe"; report "x86_after_uninstall"
fi

wineserver -w
if [ $own_prefix = 1 ] && [ -z "${KEEP_PREFIX:-}" ]; then rm -rf "$WINEPREFIX"; fi
exit $rc
