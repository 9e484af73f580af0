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
cmd=${1:-}; PREFIX=${2:-}; BUILD=${3:-build}
if [ -z "$cmd" ] || [ -z "$PREFIX" ] || { [ "$cmd" != install ] && [ "$cmd" != uninstall ]; }; then
    echo "usage: $0 install|uninstall PREFIX [BUILD]" >&2; exit 2
fi
case $PREFIX in /*) ;; *) PREFIX=$PWD/$PREFIX ;; esac
export WINEPREFIX=$PREFIX WINEDEBUG=-all
TARGET=wine_svrapi              # tools/gen_svrapi_def.py FORWARD_DLL
STATE=$PREFIX/svrapi-wine       # backup + optional WINEDLLPATH tree
OVR='HKCU\Software\Wine\DllOverrides'

die() { echo "install_svrapi.sh: $*" >&2; exit 1; }

find_wine_dir32() {
    local d
    if [ -n "${WINE_DLLDIR32:-}" ]; then [ -f "$WINE_DLLDIR32/svrapi.dll" ] && echo "$WINE_DLLDIR32"; return; fi
    for d in /usr/lib/i386-linux-gnu/wine/i386-windows /usr/lib/wine/i386-windows /usr/lib32/wine/i386-windows \
             /usr/local/lib/wine/i386-windows /opt/wine-stable/lib/wine/i386-windows; do
        [ -f "$d/svrapi.dll" ] && { echo "$d"; return; }
    done
}

is_ours() { [ -f "$1" ] && grep -q "$TARGET\." "$1" 2>/dev/null; }
prefix_is_64() { grep -q '^#arch=win64' "$PREFIX/system.reg" 2>/dev/null; }
sysdir() { if prefix_is_64; then echo syswow64; else echo system32; fi; }

if [ "$cmd" = install ]; then
    command -v wine >/dev/null || die "wine not found"
    [ -f "$BUILD/i686/svrapi.dll" ] || die "$BUILD/i686/svrapi.dll not built"
    if [ ! -f "$PREFIX/system.reg" ]; then
        echo "creating prefix $PREFIX"
        wineboot -i >/dev/null 2>&1; wineserver -w
        [ -f "$PREFIX/system.reg" ] || die "wineboot -i failed for $PREFIX"
    fi
    D=$(sysdir); DIR=$PREFIX/drive_c/windows/$D
    mkdir -p "$DIR"
    # keep what we replace, once (never our own DLL)
    B=$STATE/backup/$D
    if [ ! -e "$B/svrapi.dll" ] && [ ! -e "$B/svrapi.dll.absent" ]; then
        mkdir -p "$B"
        if [ -f "$DIR/svrapi.dll" ] && ! is_ours "$DIR/svrapi.dll"; then cp -p "$DIR/svrapi.dll" "$B/svrapi.dll"
        else touch "$B/svrapi.dll.absent"; fi
    fi
    cp "$BUILD/i686/svrapi.dll" "$DIR/svrapi.dll"
    msg="x86: $D/svrapi.dll"
    W32=$(find_wine_dir32)
    if [ -n "$W32" ]; then
        cp "$W32/svrapi.dll" "$DIR/$TARGET.dll"; msg="$msg -> $TARGET.dll ($W32)"
        mkdir -p "$STATE/i386-windows" && cp "$W32/svrapi.dll" "$STATE/i386-windows/$TARGET.dll"
    else
        msg="$msg (no 32-bit Wine: forward target not installed)"
    fi
    echo "$msg"
    wine reg add "$OVR" /v svrapi /t REG_SZ /d native,builtin /f >/dev/null 2>&1 || die "wine reg add failed"
    wineserver -w
    echo "DllOverrides svrapi=native,builtin set in $PREFIX"
    exit 0
fi

# ---- uninstall ----
if [ ! -f "$PREFIX/system.reg" ]; then echo "no Wine prefix at $PREFIX: nothing to uninstall"; exit 0; fi
wine reg delete "$OVR" /v svrapi /f >/dev/null 2>&1     # fails harmlessly when absent
wineserver -w
for D in system32 syswow64; do
    DIR=$PREFIX/drive_c/windows/$D B=$STATE/backup/$D
    if [ -f "$B/svrapi.dll" ]; then cp -p "$B/svrapi.dll" "$DIR/svrapi.dll"
    elif [ -e "$B/svrapi.dll.absent" ]; then rm -f "$DIR/svrapi.dll"
    elif is_ours "$DIR/svrapi.dll"; then
        W32=$(find_wine_dir32)
        if [ -n "$W32" ]; then cp "$W32/svrapi.dll" "$DIR/svrapi.dll"; else rm -f "$DIR/svrapi.dll"; fi
    fi
    rm -f "$DIR/$TARGET.dll"
done
rm -rf "$STATE"
echo "uninstalled: $PREFIX uses Wine's builtin svrapi again"
