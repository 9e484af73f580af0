# tests/lib/wine.sh -- throwaway Wine prefixes for the Windows-side tests.
# Source it (bash).
#
#   wine_prefix_new DIR          fresh 64-bit prefix (headless; display errors are harmless)
#   wine_install DIR             our netapi32.dll into DIR (make install, or a fallback copy
#                                + DllOverrides netapi32=native,builtin until tools/install.sh exists)
#   wine_use_builtin DIR         remove our DLL/override again (dry runs against Wine's builtin)
#   wine_run DIR TIMEOUT EXE [ARGS...]
#                                run EXE under Wine with a hard timeout; stdout to stdout
#                                (when it ends), stderr to $WINE_STDERR (default
#                                DIR/last.stderr); returns the program's exit code (124 on
#                                timeout); run once more when Wine could not start it
#   wine_run_env DIR TIMEOUT [VAR=VALUE...] EXE [ARGS...]
#                                wine_run with the leading VAR=VALUE words in the program's
#                                environment (a word starting with \ or / is never one)
#   wine_winpath PATH            the Windows (Z:) path of a Unix path
#   wine32_usable                0 when 32-bit Windows programs can run here; else sets
#                                WINE32_WHY (with WINE32_PREFIX=DIR: runs a 32-bit program in DIR)
#   wine_server_keep DIR SECONDS keep one wineserver for DIR running (until killed or idle
#                                for SECONDS), its descriptors on /dev/null
#   wine_prefix_stop DIR         stop its wineserver (the prefix stays)
#   wine_prefix_drop DIR         stop its wineserver and delete it

: "${BUILD:=build}"
WINE_REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WINE_BIN="${WINE:-wine}"
export WINEDEBUG="${WINEDEBUG:--all}"

wine_available() { command -v "$WINE_BIN" >/dev/null 2>&1 && command -v wineserver >/dev/null 2>&1; }

wine_prefix_new() {
    local dir=$1
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    # no X here: keep wineboot from trying to show dialogs; failures to open
    # a display are expected and harmless
    WINEPREFIX="$dir" WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY= \
        timeout 180 "$WINE_BIN" wineboot -i >"$dir.boot.log" 2>&1
    WINEPREFIX="$dir" timeout 60 wineserver -w
    [ -f "$dir/system.reg" ] || { echo "wine: prefix $dir was not created (see $dir.boot.log)" >&2; return 1; }
}

wine_install() {
    local dir=$1
    if [ -f "$WINE_REPO_DIR/tools/install.sh" ]; then
        make -s -C "$WINE_REPO_DIR" -f Makefile.mingw install WINEPREFIX="$dir" BUILD="$BUILD" >"$dir.install.log" 2>&1 ||
            { echo "wine: make install failed: $(tail -5 "$dir.install.log")" >&2; return 1; }
    else
        local dll="$WINE_REPO_DIR/$BUILD/x86_64/netapi32.dll"
        [ -f "$dll" ] || dll="$BUILD/x86_64/netapi32.dll"
        [ -f "$dll" ] || { echo "wine: $dll not built" >&2; return 1; }
        cp "$dll" "$dir/drive_c/windows/system32/netapi32.dll"
        WINEPREFIX="$dir" timeout 60 "$WINE_BIN" reg add 'HKCU\Software\Wine\DllOverrides' \
            /v netapi32 /d native,builtin /f >"$dir.install.log" 2>&1 ||
            { echo "wine: reg add failed" >&2; return 1; }
        WINEPREFIX="$dir" timeout 60 wineserver -w
    fi
}

# Back to Wine's builtin netapi32 (used to prove that the checks can fail).
wine_use_builtin() {
    local dir=$1
    WINEPREFIX="$dir" timeout 60 "$WINE_BIN" reg delete 'HKCU\Software\Wine\DllOverrides' \
        /v netapi32 /f >/dev/null 2>&1
    WINEPREFIX="$dir" timeout 60 wineserver -w
}

wine_winpath() {
    local p
    p=$(readlink -f "$1")
    echo "Z:${p//\//\\}"
}

# Wine's own message when it could not start a program at all (CreateProcess
# failed, then start.exe's ShellExecuteEx: seen once in a CI run, "Internal
# error"): the program never ran, so wine_run runs it once more.
WINE_NOT_STARTED='Application could not be started, or no application associated with the specified file.'

wine_run() {
    local dir=$1 to=$2; shift 2
    local err="${WINE_STDERR:-$dir/last.stderr}" out rc try
    for try in 1 2; do
        out=$(WINEPREFIX="$dir" DISPLAY= timeout -k 5 "$to" "$WINE_BIN" "$@" 2>"$err" | tr -d '\r'
              exit "${PIPESTATUS[0]}")
        rc=$?
        [ $try = 1 ] && [ "${out%%$'\n'*}" = "$WINE_NOT_STARTED" ] || break
    done
    [ $try = 2 ] && echo "wine_run: Wine did not start $1 the first time; it was run again" >>"$err"
    [ -z "$out" ] || printf '%s\n' "$out"
    return $rc
}

# A program starting just as an idle wineserver exits fails with "wine client
# error: recvmsg: Connection reset by peer"; one persistent server per run avoids
# it.  Started here with its descriptors on /dev/null, and a first program run
# with them too: a server that a captured program ($(wine ...)) had started would
# hold that pipe open, and the capture would wait as long as the server lives.
wine_server_keep() {
    local dir=$1 secs=$2
    WINEPREFIX="$dir" wineserver -p "$secs" </dev/null >/dev/null 2>&1
    WINEPREFIX="$dir" DISPLAY= timeout 60 "$WINE_BIN" reg query 'HKCU\Environment' </dev/null >/dev/null 2>&1
    WINEPREFIX="$dir" wineserver -p "$secs" </dev/null >/dev/null 2>&1
    return 0
}

wine_run_env() {
    local dir=$1 to=$2; shift 2
    (
        while [ $# -gt 0 ] && [[ "$1" == *=* ]] && [[ "$1" != [\\/]* ]]; do export "$1"; shift; done
        wine_run "$dir" "$to" "$@"
    )
}

wine32_usable() {
    WINE32_WHY=""
    if [ ! -d /usr/lib/i386-linux-gnu/wine ]; then
        WINE32_WHY="wine32 cannot run on this kernel (no IA32 emulation)"
        # say which, when we can tell
        local t32
        t32=$(mktemp)
        echo 'f0VMRgEBAQAAAAAAAAAAAAIAAwABAAAAVIAECDQAAAAAAAAAAAAAADQAIAABAAAAAAAAAAEAAAAAAAAAAIAECACABAhdAAAAXQAAAAUAAAAAEAAAuAEAAAAx282A' | base64 -d > "$t32"
        chmod +x "$t32"
        if "$t32" 2>/dev/null; then WINE32_WHY="wine32 is not installed (tools/deps.sh installs it where the kernel runs 32-bit programs)"; fi
        rm -f "$t32"
        return 1
    fi
    # with a prefix: a 32-bit program (Wine's own 32-bit cmd.exe) must really run
    if [ -n "${WINE32_PREFIX:-}" ]; then
        local out
        out=$(wine_run "$WINE32_PREFIX" 60 'C:\windows\syswow64\cmd.exe' /c echo wine32-ok 2>/dev/null)
        printf '%s\n' "$out" | grep -q wine32-ok ||
            { WINE32_WHY="wine32 is installed but a 32-bit program does not run here (no IA32 emulation?)"; return 1; }
    fi
    return 0
}

wine_prefix_stop() {
    local dir=$1
    [ -d "$dir" ] || return 0
    WINEPREFIX="$dir" wineserver -k 2>/dev/null
    WINEPREFIX="$dir" timeout 20 wineserver -w 2>/dev/null
    return 0
}

wine_prefix_drop() {
    local dir=$1
    [ -d "$dir" ] || return 0
    wine_prefix_stop "$dir"
    rm -rf "$dir" "$dir".*.log
}
