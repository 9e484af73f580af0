#!/bin/bash
# Installs / uninstalls the svrapi.dll drop-in (Windows 95/98 session API,
# i686 only) in a Wine prefix.  tools/install.sh calls it after netapi32;
# alone it also serves 32-bit prefixes (make install-svrapi).
#
#   tools/install_svrapi.sh install   PREFIX [BUILD]
#   tools/install_svrapi.sh uninstall PREFIX [BUILD]
#
# install:   BUILD/i686/svrapi.dll into the prefix's 32-bit system directory
#            (syswow64 on a 64-bit prefix, system32 on a 32-bit one); Wine's
#            builtin i386 svrapi.dll next to it as wine_svrapi.dll (the forward
#            target of every export we do not implement);
#            HKCU\Software\Wine\DllOverrides svrapi=native,builtin.
#            The file it replaces is kept in PREFIX/svrapi-wine/backup.
# uninstall: removes the override and our files and restores exactly what
#            was there before.  Both are idempotent.
# Environment: WINE_DLLDIR32 (Wine's i386-windows dir) overrides the search.
set -u
DLL=svrapi
source "$(dirname "$0")/install_lib.sh"

sysdir() { if prefix_is_64; then echo syswow64; else echo system32; fi; }

if [ "$cmd" = install ]; then
    command -v wine >/dev/null || die "wine not found"
    [ -f "$BUILD/i686/svrapi.dll" ] || die "$BUILD/i686/svrapi.dll not built"
    ensure_prefix
    D=$(sysdir); DIR=$PREFIX/drive_c/windows/$D
    mkdir -p "$DIR"
    backup "$D" svrapi.dll
    cp "$BUILD/i686/svrapi.dll" "$DIR/svrapi.dll"
    msg="x86: $D/svrapi.dll"
    W32=$(find_wine_dir i386)
    if [ -n "$W32" ]; then
        cp "$W32/svrapi.dll" "$DIR/$TARGET.dll"; msg="$msg -> $TARGET.dll ($W32)"
        mkdir -p "$STATE/i386-windows" && cp "$W32/svrapi.dll" "$STATE/i386-windows/$TARGET.dll"
    else
        msg="$msg (no 32-bit Wine: forward target not installed)"
    fi
    echo "$msg"
    wine_quiet reg add "$OVR" /v svrapi /t REG_SZ /d native,builtin /f || die "wine reg add failed"
    wineserver -w
    echo "DllOverrides svrapi=native,builtin set in $PREFIX"
    exit 0
fi

# ---- uninstall ----
if [ ! -f "$PREFIX/system.reg" ]; then echo "no Wine prefix at $PREFIX: nothing to uninstall"; exit 0; fi
wine_quiet reg delete "$OVR" /v svrapi /f    # fails harmlessly when absent
wineserver -w
W32=$(find_wine_dir i386)
for D in system32 syswow64; do
    restore "$D" svrapi.dll "${W32:+$W32/svrapi.dll}"
    rm -f "$PREFIX/drive_c/windows/$D/$TARGET.dll"
done
rm -rf "$STATE"
echo "uninstalled: $PREFIX uses Wine's builtin svrapi again"
