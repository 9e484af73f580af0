# tools/install_lib.sh -- what tools/install.sh (netapi32.dll) and
# tools/install_svrapi.sh (svrapi.dll) share; sourced, never run.
#
# The caller sets DLL (netapi32|svrapi) before sourcing, and passes its own
# "$@".  Sets cmd, PREFIX (absolute), BUILD, TARGET (wine_$DLL: the renamed
# builtin, forward target of every export we do not implement), STATE (the
# backup + optional WINEDLLPATH tree), OVR; exports WINEPREFIX.
cmd=${1:-}; PREFIX=${2:-}; BUILD=${3:-build}
if [ -z "$cmd" ] || [ -z "$PREFIX" ] || { [ "$cmd" != install ] && [ "$cmd" != uninstall ]; }; then
    echo "usage: $0 install|uninstall PREFIX [BUILD]" >&2; exit 2
fi
case $PREFIX in /*) ;; *) PREFIX=$PWD/$PREFIX ;; esac
export WINEPREFIX=$PREFIX WINEDEBUG=-all
TARGET=wine_$DLL                # tools/gen_spec.py / gen_svrapi_def.py FORWARD_DLL
STATE=$PREFIX/$DLL-wine         # backup + optional WINEDLLPATH tree
OVR='HKCU\Software\Wine\DllOverrides'

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# Wine's directory of builtin PE DLLs for $1 = x86_64|i386 holding $DLL.dll;
# WINE_DLLDIR64 / WINE_DLLDIR32 override the search.
find_wine_dir() {
    local a=$1 d
    local var=WINE_DLLDIR64; [ "$a" = i386 ] && var=WINE_DLLDIR32
    if [ -n "${!var:-}" ]; then [ -f "${!var}/$DLL.dll" ] && echo "${!var}"; return; fi
    local multi=x86_64-linux-gnu lib=lib64; [ "$a" = i386 ] && multi=i386-linux-gnu lib=lib32
    for d in /usr/lib/$multi/wine/$a-windows /usr/lib/wine/$a-windows /usr/$lib/wine/$a-windows \
             /usr/local/lib/wine/$a-windows /opt/wine-stable/lib/wine/$a-windows \
             /opt/wine-stable/lib64/wine/$a-windows; do
        [ -f "$d/$DLL.dll" ] && { echo "$d"; return; }
    done
}

is_ours() { [ -f "$1" ] && grep -q "$TARGET\." "$1" 2>/dev/null; }

prefix_is_64() { grep -q '^#arch=win64' "$PREFIX/system.reg" 2>/dev/null; }

# Creates the prefix when it does not exist yet.
ensure_prefix() {
    [ -f "$PREFIX/system.reg" ] && return 0
    echo "creating prefix $PREFIX"
    wineboot -i >/dev/null 2>&1; wineserver -w
    [ -f "$PREFIX/system.reg" ] || die "wineboot -i failed for $PREFIX"
}

# Keeps the file we are about to replace (once: never back up our own DLL).
backup() {  # $1 = dir name (system32|syswow64), $2 = file name
    local src=$PREFIX/drive_c/windows/$1/$2 bdir=$STATE/backup/$1
    [ -e "$bdir/$2" ] || [ -e "$bdir/$2.absent" ] && return 0
    mkdir -p "$bdir"
    if [ -f "$src" ] && ! is_ours "$src"; then cp -p "$src" "$bdir/$2"; else touch "$bdir/$2.absent"; fi
}

# Puts back what backup kept; a file of ours without a backup becomes Wine's
# builtin $3 (or goes, when $3 is empty).
restore() { # $1 = dir name, $2 = file name, $3 = Wine builtin fallback (may be empty)
    local dst=$PREFIX/drive_c/windows/$1/$2 bdir=$STATE/backup/$1
    if [ -f "$bdir/$2" ]; then cp -p "$bdir/$2" "$dst"
    elif [ -e "$bdir/$2.absent" ]; then rm -f "$dst"
    elif is_ours "$dst"; then
        if [ -n "$3" ]; then cp "$3" "$dst"; else rm -f "$dst"; fi
    fi
}

wine_quiet() { wine "$@" >/dev/null 2>&1; }
