#!/usr/bin/env bash
# winetests/kerberos/run.sh -- single sign-on (issue 12): unmodified Windows
# programs under Wine with our netapi32.dll, a kinit ticket and NO password
# anywhere, against a private Samba AD DC (tests/lib/addc.sh) whose smbd has
# `ntlm auth = disabled`, so every success is a Kerberos logon.
#
# Per architecture (x86_64; i686 where 32-bit Wine runs):
#   - the seed samples enum_003 (lists the held Kerberos sessions), getinfo_004
#     (reads one), del_001 (ends one: smbstatus -b no longer shows it);
#   - netsess.exe list (= smbstatus + our own session), read (GetInfo), end
#     (/delete; gone from smbstatus);
#   - the trace shows our own AP-REQ (Wine 8 gives no SSPI session key), the
#     single-sign-on principal and signing=1 on the connection;
#   - no ticket cache at all: anonymous, which this DC refuses -> 1326;
#     an expired ticket -> 1326 (ERROR_LOGON_FAILURE, never anonymous);
#     a server name whose SPN the KDC does not know (cifs/<second address>,
#     same smbd) -> 1326.
# Addresses: DC 127.0.0.62 (+ 127.0.0.63, the same smbd under an unknown
# SPN); sessions of ntsuser1 and ntsuser2 held by smbclient with their tickets.
# Run inside tools/isolate.sh.  Prints PASS/FAIL/SKIPPED lines.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
unset NETAPI32_USER NETAPI32_PASSWORD NETAPI32_AUTH_FILE NETAPI32_TRACE NETAPI32_KERBEROS KRB5CCNAME
NAME=sso
IP=127.0.0.62
ALT=127.0.0.63
WT="$REPO/$BUILD/kerberos-run"
mkdir -p "$WT"

source "$REPO/tests/lib/addc_sessions.sh"
source "$REPO/tests/lib/wine.sh"
addc_can_run || { skip "kerberos" "$ADDC_WHY"; exit 0; }
wine_available || { skip "kerberos" "wine is not installed"; exit 0; }
command -v smbclient >/dev/null 2>&1 || { skip "kerberos" "smbclient is not installed"; exit 0; }

PREFIX="$WT/prefix"
cleanup() {
    sso_cleanup
    wine_prefix_drop "$PREFIX" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
sso_setup kerberos || exit 1
SSO_ENV=(KRB5CCNAME="$CC" KRB5_CONFIG="$KRB5_CONFIG")

wine_prefix_new "$PREFIX" && wine_install "$PREFIX" || { fail "kerberos.prefix" "prefix/install failed"; exit 1; }
export WINEPREFIX="$PREFIX"
wine_server_keep "$PREFIX" 900   # one wineserver for the whole run (tests/lib/wine.sh)

run() {    # TAG TIMEOUT [VAR=VALUE...] EXE ARGS: $out $err $st (CR stripped)
    local tag=$1 to=$2; shift 2
    local envs=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do envs+=("$1"); shift; done
    env "${envs[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr DISPLAY= timeout -k 5 "$to" wine "$@" \
        >"$WT/$tag.stdout" 2>"$WT/$tag.stderr"
    st=$?
    out=$(tr -d '\r' <"$WT/$tag.stdout")
    err=$(tr -d '\r' <"$WT/$tag.stderr")
}
ok_code() {   # CHECK CODE: the seed's "A system error has occurred: CODE" (or netsess' line)
    if grep -qE "(A system error has occurred: $2|System error $2 has occurred)" <<<"$err$out"; then pass "$1"
    else fail "$1" "want error $2; status $st stdout [$(head -c 120 <<<"$out")] stderr [$(grep -v '^trace:\|^[0-9a-f]*:trace' <<<"$err" | head -c 160)]"; fi
}

source "$HERE/parts.sh"

run_arch() {
    local a=$1 t
    [ "$a" = i686 ] && t="x86.kerberos" || t="kerberos"
    if ! make -s -f Makefile.mingw BUILD="$BUILD" "winetests-$a" "$a" >"$WT/build.$a.log" 2>&1; then
        fail "$t.build" "$(tail -3 "$WT/build.$a.log")"; return
    fi
    BIN="$REPO/$BUILD/$a"
    kerberos_parts "$t"
}

run_arch x86_64
if WINE32_PREFIX="$PREFIX" wine32_usable; then
    # the DLL of each arch: make install put both into the prefix
    run_arch i686
else
    skip "x86.kerberos" "$WINE32_WHY"
fi
[ "$failures" = 0 ]
