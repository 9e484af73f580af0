#!/bin/bash
# Export-table checks under Wine, for x64 and x86 from ONE list of parts
# (PARTS below): forwarded functions, ordinal imports, secur32's NTLM package,
# names Wine lacks, Wine's own names (GetProcAddress parity for every name of
# spec/wine.names, a program importing DavGetHTTPFromUNCPath), every
# NetApiBuffer* edge against the builtin, install/uninstall round trip.
#
#   BUILD=dir (default build)  WINEPREFIX=dir (default: a throwaway prefix, removed at the end)
#   EXPORTS_SERVER='\\127.0.0.1' target of the NetSessionEnum smoke calls (nothing needs to listen)
#
# The DLLs are built with the default (ws03) profile: ordinal 224 = NetSessionEnum.
# One line per check: PASS / FAIL / SKIPPED.
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SERVER=${EXPORTS_SERVER:-'\\127.0.0.1'}
OUT=$BUILD/winetests/exports
SRC=$ROOT/winetests/exports
TESTS="fwd_session by_ordinal ntlm missing_name wine_stub apibuf getproc dav"
export WINEDEBUG=-all
rc=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; rc=1; }
skip() { echo "SKIPPED: $1: $2"; }

# ---- build the DLLs (ws03) and the test programs for both architectures ----
log=$(mktemp)
if make -s -f Makefile.mingw BUILD="$BUILD" PROFILE=ws03 "$BUILD/x86_64/netapi32.dll" "$BUILD/i686/netapi32.dll" >"$log" 2>&1; then
    pass "exports_build_dlls"
else
    fail "exports_build_dlls" "$(grep -m1 -iE 'error|undefined' "$log")"
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
    if [ $ok = 1 ]; then pass "exports_build_tests_$arch"; else fail "exports_build_tests_$arch" "$(grep -m1 -E 'error' "$d/build.log")"; fi
done
# The ordinal test must really import by ordinal (no name for NetSessionEnum).
if x86_64-w64-mingw32-objdump -p "$OUT/x86_64/by_ordinal.exe" 2>/dev/null | grep -qE '<none>|Ordinal|^\s+224\b' &&
   ! x86_64-w64-mingw32-objdump -p "$OUT/x86_64/by_ordinal.exe" | grep -q 'NetSessionEnum'; then
    pass "by_ordinal_imports_ordinal_224"
else
    fail "by_ordinal_imports_ordinal_224" "by_ordinal.exe does not import NetSessionEnum by ordinal"
fi

if ! command -v wine >/dev/null; then
    for t in $TESTS install uninstall; do skip "exports_$t" "wine not installed"; done
    exit $rc
fi
[ -f "$BUILD/x86_64/netapi32.dll" ] || { fail "exports_runtime" "no $BUILD/x86_64/netapi32.dll"; exit 1; }

# ---- prefix ----
own_prefix=0
if [ -z "${WINEPREFIX:-}" ]; then mkdir -p "$OUT"; WINEPREFIX=$(mktemp -d "$OUT/prefix.XXXXXX"); own_prefix=1; rmdir "$WINEPREFIX"; fi
export WINEPREFIX
if [ ! -f "$WINEPREFIX/system.reg" ]; then wineboot -i >/dev/null 2>&1; wineserver -w; fi

wine_path() { local p; p=$(readlink -f "$1"); echo "Z:${p//\//\\}"; }
# run EXE [args]: output (CR stripped) in $runout, status in $runrc.  A run
# that printed nothing at all (Wine did not start the program: one CI run
# lost x64_after_uninstall that way, right after install.sh's `wineserver -w`)
# is run once more; the first attempt's stderr is shown as a "# " line.
runerr=$(mktemp)
trap 'rm -f "$runerr"' EXIT
run_once() { runout=$(cd "$(dirname "$1")" && timeout 120 wine "$@" 2>"$runerr" | tr -d '\r'); runrc=$?; }
run() {
    run_once "$@"
    if [ -z "$runout" ]; then
        echo "# $(basename "$1"): no output, run again (stderr: $(head -c 300 "$runerr" | tr '\n\r' '  '))"
        run_once "$@"
    fi
}
# Relays the program's PASS/FAIL lines; a crash or a missing verdict is a FAIL.
report() { # name
    local n=$1
    echo "$runout" | grep -E '^(PASS|FAIL|SKIPPED): ' | sed "s/^\([A-Z]*\): /\1: $n\//"
    echo "$runout" | grep -q '^FAIL: ' && rc=1
    if [ "$runrc" != 0 ] && ! echo "$runout" | grep -q '^FAIL: '; then fail "$n" "exit status $runrc (crash or timeout)"; fi
    echo "$runout" | grep -q '^PASS: ' || { [ "$runrc" = 0 ] && fail "$n" "no verdict printed"; }
}

# ---- which architectures can run: x64 always, x86 where wine32 runs a program ----
ARCHS="x86_64"
x86_reason=""
bash tools/install.sh uninstall "$WINEPREFIX" "$BUILD" >/dev/null
if [ ! -d /usr/lib/i386-linux-gnu/wine ] && [ ! -d /usr/lib/wine/i386-windows ]; then
    x86_reason="wine32 is not installed (tools/deps.sh installs it where the kernel runs 32-bit programs)"
else
    run "$OUT/i686/wine_stub.exe"
    if echo "$runout" | grep -q '^PASS: '; then ARCHS="x86_64 i686"
    else x86_reason="wine32 is installed but cannot run a 32-bit program here (no IA32 emulation?)"; fi
fi
tag_of() { [ "$1" = i686 ] && echo x86 || echo x64; }
NAMES=$(wine_path "$ROOT/spec/wine.names")

# Baseline with Wine's builtin: the NTLM outcome to reproduce, per architecture.
declare -A NTLM_BEFORE
for a in $ARCHS; do run "$OUT/$a/ntlm.exe"; NTLM_BEFORE[$a]=$(echo "$runout" | grep '^# ' | grep -v 'netapi32 loaded'); done

if bash tools/install.sh install "$WINEPREFIX" "$BUILD" >/dev/null 2>&1; then pass "install"; else fail "install" "install.sh failed"; fi
if bash tools/install.sh install "$WINEPREFIX" "$BUILD" >/dev/null 2>&1 &&
   cmp -s "$WINEPREFIX/drive_c/windows/system32/netapi32.dll" "$BUILD/x86_64/netapi32.dll"; then
    pass "install_again_harmless"
else
    fail "install_again_harmless" "second install failed or left a different DLL"
fi

# ---- the parts: each runs for every architecture in $ARCHS -------------------
part_fwd_session() { run "$D/fwd_session.exe" "$SERVER" installed; report "${T}_fwd_session"; echo "$runout" | grep '^# '; }
part_by_ordinal() { run "$D/by_ordinal.exe" "$SERVER"; report "${T}_by_ordinal"; }
part_missing_name() { run "$D/missing_name.exe"; report "${T}_missing_name"; }
part_ntlm() {
    run "$D/ntlm.exe"; report "${T}_ntlm"
    local after; after=$(echo "$runout" | grep '^# ' | grep -v 'netapi32 loaded')
    if [ -n "${NTLM_BEFORE[$A]}" ] && [ "${NTLM_BEFORE[$A]}" = "$after" ]; then
        pass "${T}_ntlm_same_as_builtin"; echo "$after"
    else
        fail "${T}_ntlm_same_as_builtin" "builtin: $(echo ${NTLM_BEFORE[$A]}) / installed: $(echo $after)"
    fi
    # msv1_0 (NTLM) must have run with OUR netapi32 and its forward target loaded
    # (a 32-bit process sees syswow64 as system32)
    local lt sd=system32
    lt=$(cd "$D" && WINEDEBUG=-all,+loaddll timeout 120 wine ntlm.exe 2>&1 >/dev/null | tr -d '\r')
    if echo "$lt" | grep -qi "$sd\\\\\\\\netapi32.dll\" at .*: native" &&
       echo "$lt" | grep -qi 'wine_netapi32.dll" at .*: builtin' && echo "$lt" | grep -qi 'msv1_0.dll" at'; then
        pass "${T}_ntlm_used_our_dll"
    else
        fail "${T}_ntlm_used_our_dll" "loaddll trace lacks native $sd\\netapi32 / wine_netapi32 / msv1_0"
    fi
}
part_apibuf() { run "$D/apibuf.exe"; report "${T}_apibuf"; }
part_getproc() { run "$D/getproc.exe" "$NAMES"; report "${T}_wine_names"; }
part_dav() { run "$D/dav.exe"; report "${T}_dav_import"; }
PARTS="fwd_session by_ordinal missing_name ntlm apibuf getproc dav"

for A in $ARCHS; do
    T=$(tag_of "$A"); D=$OUT/$A
    for part in $PARTS; do "part_$part"; done
done
[ -n "$x86_reason" ] && for part in $PARTS; do skip "x86_$part" "$x86_reason"; done

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
for A in $ARCHS; do run "$OUT/$A/wine_stub.exe"; report "$(tag_of "$A")_after_uninstall"; done

wineserver -w
if [ $own_prefix = 1 ] && [ -z "${KEEP_PREFIX:-}" ]; then rm -rf "$WINEPREFIX"; fi
exit $rc
