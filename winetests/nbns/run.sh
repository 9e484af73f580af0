#!/usr/bin/env bash
# NetBIOS names through the DLL under Wine: the seed 003 sample program
# (NetSessionEnum level 10), unchanged, given \\NBWINESRV -- a name that only
# the WINS server (nmbd, wins support = yes, on 127.0.0.85) knows, registered
# there by a second nmbd on 127.0.0.86 where an SMB2 Samba holds a session of
# ntsuser1.  Configured once by NETAPI32_WINS and once by the registry value
# HKLM\Software\Wine\netapi32 WinsServer; an unknown name gives 53.  By the
# same name the seeds' GetInfo (004) and Del (001) samples read and end that
# session (smbstatus is the truth); and an SMB1-only Samba known to WINS only
# as NBSMB1SRV (on 127.0.0.82) is listed with NETAPI32_SMB1=1 (issue 11).
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
source tests/lib/samba.sh
source tests/lib/wine.sh
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $(printf '%s' "$2" | tr '\r\n\t' '   ' | cut -c1-300)"; }
skip_all() { echo "SKIPPED: winetests.nbns: $1"; exit 0; }
samba_can_run || skip_all "$SAMBA_WHY"
command -v nmbd >/dev/null 2>&1 || skip_all "nmbd not installed"
wine_available || skip_all "wine is not installed"
WT="$REPO/$BUILD/winetests-nbns"
mkdir -p "$WT"
X64="$REPO/$BUILD/x86_64"
if ! make -s -f Makefile.mingw BUILD="$BUILD" "$BUILD/x86_64/netapi32.dll" "$BUILD/x86_64/seeds/enum_003.exe" \
        "$BUILD/x86_64/seeds/getinfo_004.exe" "$BUILD/x86_64/seeds/del_001.exe" \
        "$BUILD/i686/netapi32.dll" "$BUILD/i686/seeds/enum_003.exe" >"$WT/build.log" 2>&1; then
    fail winetests.nbns.build "$(tail -3 "$WT/build.log")"; exit 1
fi
PREFIX="$WT/prefix"
cleanup() {
    samba_stop_all
    wine_prefix_stop "$PREFIX"
    return 0
}
mkdir -p "$SAMBA_ROOT_DIR"; rm -f "$SAMBA_ROOT_DIR/holders"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

WINS=127.0.0.85 SRV=127.0.0.86 NB=NBWINESRV
samba_start_wins wtwins "$WINS" >/dev/null 2>&1 || { fail winetests.nbns.wins "nmbd WINS server did not start"; exit 1; }
samba_start wtnbsrv "$SRV" >/dev/null 2>&1 || { fail winetests.nbns.smbd "Samba did not start"; exit 1; }
samba_register_wins wtnbreg "$SRV" "$WINS" "$NB" >/dev/null 2>&1 || { fail winetests.nbns.register "$NB not in WINS"; exit 1; }
samba_hold_session wtnbsrv "$SRV" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_wait_user wtnbsrv "$SAMBA_USER1" || fail winetests.nbns.session "no session of $SAMBA_USER1"

wine_prefix_new "$PREFIX" || { fail winetests.nbns.prefix "wineboot failed"; exit 1; }
wine_install "$PREFIX" || { fail winetests.nbns.install "could not install the DLL"; exit 1; }
wine_server_keep "$PREFIX" 900   # one wineserver for the whole run (tests/lib/wine.sh)
CREDS=(NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" NETAPI32_NBNS_BROADCAST=0)
seed() { env "${CREDS[@]}" "$@" WINEPREFIX="$PREFIX" DISPLAY= timeout -k 5 120 wine "${SEED_EXE:-$X64/seeds/enum_003.exe}" \
             "\\\\${SEED_SERVER:-$NB}" ${SEED_ARGS:-} 2>&1 | tr -d '\r'; }

out=$(seed NETAPI32_WINS="$WINS")
if echo "$out" | grep -q "User: *$SAMBA_USER1" && echo "$out" | grep -q "Total of [1-9]"; then pass winetests.nbns.seed003_by_wins_env
else fail winetests.nbns.seed003_by_wins_env "$out"; fi

WINEPREFIX="$PREFIX" timeout 60 wine reg add 'HKLM\Software\Wine\netapi32' /v WinsServer /d "$WINS" /f >/dev/null 2>&1
out=$(seed)
if echo "$out" | grep -q "User: *$SAMBA_USER1"; then pass winetests.nbns.seed003_by_wins_registry
else fail winetests.nbns.seed003_by_wins_registry "$out"; fi

out=$(SEED_SERVER=NOSUCHWINENAME seed NETAPI32_WINS="$WINS")
echo "$out" | grep -q "A system error has occurred: 53" && pass winetests.nbns.unknown_name_53 ||
    fail winetests.nbns.unknown_name_53 "$out"
# the 32-bit DLL (its own registry view and Winsock), where 32-bit programs run
if wine32_usable; then
    out=$(SEED_EXE="$REPO/$BUILD/i686/seeds/enum_003.exe" seed)
    if echo "$out" | grep -q "User: *$SAMBA_USER1"; then pass winetests.nbns.x86_seed003_by_wins_registry
    else fail winetests.nbns.x86_seed003_by_wins_registry "$out"; fi
else
    echo "SKIPPED: winetests.nbns.x86_seed003_by_wins_registry: $WINE32_WHY"
fi
# GetInfo and Del by the NetBIOS name (seeds 004 and 001, unchanged)
CL=$(samba_truth_sessions wtnbsrv | awk -v u="$SAMBA_USER1" '$1 == u { print $2; exit }')
out=$(SEED_EXE="$X64/seeds/getinfo_004.exe" SEED_ARGS="\\\\$CL $SAMBA_USER1" seed)
if [ -n "$CL" ] && echo "$out" | grep -q "User: *$SAMBA_USER1"; then pass winetests.nbns.seed004_getinfo_by_wins_name
else fail winetests.nbns.seed004_getinfo_by_wins_name "client [$CL]: $out"; fi
out=$(SEED_EXE="$X64/seeds/del_001.exe" SEED_ARGS="\\\\$CL $SAMBA_USER1" seed)
gone=""
for i in $(seq 1 25); do samba_truth_sessions wtnbsrv | grep -q "^$SAMBA_USER1 " || { gone=1; break; }; sleep 0.2; done
if echo "$out" | grep -q "successfully deleted" && [ -n "$gone" ]; then pass winetests.nbns.seed001_del_by_wins_name
else fail winetests.nbns.seed001_del_by_wins_name "gone [$gone]: $out"; fi

# an SMB1-only Samba known only by its NetBIOS name, with NETAPI32_SMB1=1
S1=127.0.0.82 NB1=NBSMB1SRV
if samba_start_smb1 wtnbsmb1 "$S1" "server signing = auto" >/dev/null 2>&1 && samba_register_wins wtnbreg1 "$S1" "$WINS" "$NB1" >/dev/null 2>&1; then
    SAMBA_HOLD_MIN_PROTOCOL=NT1 samba_hold_session wtnbsmb1 "$S1" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
    samba_wait_user wtnbsmb1 "$SAMBA_USER2" || fail winetests.nbns.smb1_session "no SMB1 session of $SAMBA_USER2"
    out=$(SEED_SERVER=$NB1 seed NETAPI32_SMB1=1)
    if echo "$out" | grep -q "User: *$SAMBA_USER2"; then pass winetests.nbns.smb1_seed003_by_wins_name
    else fail winetests.nbns.smb1_seed003_by_wins_name "$out"; fi
    out=$(SEED_SERVER=$NB1 seed)
    echo "$out" | grep -q "A system error has occurred: 50" && pass winetests.nbns.smb1_disabled_50 ||
        fail winetests.nbns.smb1_disabled_50 "$out"
else
    fail winetests.nbns.smb1_server "the SMB1 Samba or its WINS registration did not start"
fi
exit 0
