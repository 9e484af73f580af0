#!/bin/bash
# Installs / uninstalls the netapi32 drop-in in a Wine prefix.
#
#   tools/install.sh install   PREFIX [BUILD]
#   tools/install.sh uninstall PREFIX [BUILD]
#
# install:   creates PREFIX if needed; copies BUILD/x86_64/netapi32.dll to system32 and
#            (64-bit prefix) BUILD/i686/netapi32.dll to syswow64; copies Wine's builtin
#            netapi32 of the same architecture next to it as wine_netapi32.dll (the
#            forward target of every function we do not implement); netsess.exe when
#            built; HKCU\Software\Wine\DllOverrides netapi32=native,builtin.
#            The files it replaces are kept in PREFIX/netapi32-wine/backup.
# uninstall: removes the override and our files and restores Wine's builtin.
# svrapi.dll (Windows 95/98 programs) is installed and removed alongside by
# tools/install_svrapi.sh when BUILD/i686/svrapi.dll is built.
# Both are idempotent.  Environment: WINE_DLLDIR64 / WINE_DLLDIR32 (Wine's
# x86_64-windows / i386-windows dirs) override the search below.
set -u
DLL=netapi32
source "$(dirname "$0")/install_lib.sh"

if [ "$cmd" = install ]; then
    command -v wine >/dev/null || die "wine not found"
    [ -f "$BUILD/x86_64/netapi32.dll" ] || die "$BUILD/x86_64/netapi32.dll not built"
    W64=$(find_wine_dir x86_64); [ -n "$W64" ] || die "Wine's x86_64-windows/netapi32.dll not found (set WINE_DLLDIR64)"
    W32=$(find_wine_dir i386)
    ensure_prefix
    prefix_is_64 || die "$PREFIX is a 32-bit prefix; only 64-bit prefixes are supported"
    SYS64=$PREFIX/drive_c/windows/system32 SYSWOW=$PREFIX/drive_c/windows/syswow64
    backup system32 netapi32.dll
    cp "$BUILD/x86_64/netapi32.dll" "$SYS64/netapi32.dll"
    cp "$W64/netapi32.dll" "$SYS64/$TARGET.dll"
    msg="x64: system32/netapi32.dll -> $TARGET.dll ($W64)"
    # Optional WINEDLLPATH tree that gives the renamed builtin its unix library.
    mkdir -p "$STATE/x86_64-windows" && cp "$W64/netapi32.dll" "$STATE/x86_64-windows/$TARGET.dll"
    U64=${W64%-windows}-unix
    [ -f "$U64/netapi32.so" ] && mkdir -p "$STATE/x86_64-unix" && cp "$U64/netapi32.so" "$STATE/x86_64-unix/$TARGET.so"
    if [ -f "$BUILD/x86_64/netsess.exe" ]; then cp "$BUILD/x86_64/netsess.exe" "$SYS64/netsess.exe"; msg="$msg, netsess.exe"; fi
    echo "$msg"
    if [ -f "$BUILD/i686/netapi32.dll" ] && [ -d "$SYSWOW" ]; then
        backup syswow64 netapi32.dll
        cp "$BUILD/i686/netapi32.dll" "$SYSWOW/netapi32.dll"
        msg="x86: syswow64/netapi32.dll"
        if [ -n "$W32" ]; then
            cp "$W32/netapi32.dll" "$SYSWOW/$TARGET.dll"; msg="$msg -> $TARGET.dll ($W32)"
            mkdir -p "$STATE/i386-windows" && cp "$W32/netapi32.dll" "$STATE/i386-windows/$TARGET.dll"
        else
            msg="$msg (no 32-bit Wine: forward target not installed)"
        fi
        if [ -f "$BUILD/i686/netsess.exe" ]; then cp "$BUILD/i686/netsess.exe" "$SYSWOW/netsess.exe"; msg="$msg, netsess.exe"; fi
        echo "$msg"
    fi
    wine_quiet reg add "$OVR" /v netapi32 /t REG_SZ /d native,builtin /f || die "wine reg add failed"
    wineserver -w
    echo "DllOverrides netapi32=native,builtin set in $PREFIX"
    # svrapi.dll for Windows 95/98 programs (i686 only; issue 13): its own script
    if [ -f "$BUILD/i686/svrapi.dll" ]; then
        bash "$(dirname "$0")/install_svrapi.sh" install "$PREFIX" "$BUILD" || die "svrapi.dll install failed"
    fi
    [ -d "$STATE/x86_64-unix" ] && echo "optional: export WINEDLLPATH=$STATE to give $TARGET its unix library"
    exit 0
fi

# ---- uninstall ----
if [ ! -f "$PREFIX/system.reg" ]; then echo "no Wine prefix at $PREFIX: nothing to uninstall"; exit 0; fi
W64=$(find_wine_dir x86_64); W32=$(find_wine_dir i386)
wine_quiet reg delete "$OVR" /v netapi32 /f     # fails harmlessly when absent
wineserver -w
restore system32 netapi32.dll "${W64:+$W64/netapi32.dll}"
restore syswow64 netapi32.dll "${W32:+$W32/netapi32.dll}"
for d in system32 syswow64; do
    rm -f "$PREFIX/drive_c/windows/$d/$TARGET.dll" "$PREFIX/drive_c/windows/$d/netsess.exe"
done
rm -rf "$STATE"
bash "$(dirname "$0")/install_svrapi.sh" uninstall "$PREFIX" "$BUILD" >/dev/null   # svrapi.dll (issue 13)
echo "uninstalled: $PREFIX uses Wine's builtin netapi32 again"
