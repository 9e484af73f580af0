#!/usr/bin/env bash
# The demo (README's main-job command: `make -f Makefile.mingw demo`).
#
# Starts an embedded Samba on a loopback address with two users holding
# sessions, installs our netapi32.dll into a throwaway Wine prefix and runs
# unmodified Windows programs against it: the three seed samples
# (NetSessionEnum level 10, NetSessionGetInfo, NetSessionDel) and netsess.exe,
# showing the session list before and after a delete.  Stops the server and
# leaves nothing running.  Needs root (for the loopback alias and port 445).
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
IP=127.0.0.11
SRV='\\'$IP
PREFIX="$REPO/$BUILD/demo-prefix"

source tests/lib/samba.sh
source tests/lib/wine.sh
export WINE_STDERR=/dev/stdout   # the samples report results on stderr: show them

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

samba_can_run || die "cannot start the embedded Samba: $SAMBA_WHY (run as root)"
wine_available || die "wine is not installed (run: make -f Makefile.mingw deps)"
for f in "$BUILD/x86_64/netapi32.dll" "$BUILD/x86_64/netsess.exe" "$BUILD/x86_64/seeds/enum_003.exe" \
         "$BUILD/x86_64/seeds/getinfo_004.exe" "$BUILD/x86_64/seeds/del_001.exe"; do
    [ -f "$f" ] || die "$f is missing: run make -f Makefile.mingw all winetests-build"
done

cleanup() { samba_stop_all; wine_prefix_drop "$PREFIX"; }
samba_trap
trap 'cleanup' EXIT
trap 'cleanup; exit 130' INT TERM

say "Starting an embedded Samba 4.17 on $IP (private config in $BUILD/samba/demo)"
samba_start demo "$IP" || die "Samba did not start"
samba_hold_session demo "$IP" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null || die "no session for $SAMBA_USER1"
samba_hold_session demo "$IP" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null || die "no session for $SAMBA_USER2"
samba_wait_user demo "$SAMBA_USER1" && samba_wait_user demo "$SAMBA_USER2"
echo "Sessions the server reports (smbstatus -b):"
smbstatus -s "$(samba_conf demo)" -b 2>/dev/null | sed -n '/^---/,$p'

say "Creating a throwaway Wine prefix and installing our netapi32.dll"
wine_prefix_new "$PREFIX" || die "wine prefix"
wine_install "$PREFIX" || die "install"
echo "installed into $PREFIX (HKCU\\Software\\Wine\\DllOverrides: netapi32=native,builtin)"

say "Storing the administrator's credentials in the Credential Manager"
echo "> netsess /cred:add $SRV $SAMBA_ADMIN_USER   (password read from stdin, never echoed)"
printf '%s\n' "$SAMBA_ADMIN_PASS" | wine_run "$PREFIX" 60 "$BUILD/x86_64/netsess.exe" /cred:add "$SRV" "$SAMBA_ADMIN_USER"
wine_run "$PREFIX" 60 "$BUILD/x86_64/netsess.exe" /cred:list

say "Seed sample 003 (NetSessionEnum, level 10), unchanged"
echo "> enum_003.exe $SRV"
wine_run "$PREFIX" 60 "$BUILD/x86_64/seeds/enum_003.exe" "$SRV"

say "netsess.exe: the list before the delete"
wine_run "$PREFIX" 60 "$BUILD/x86_64/netsess.exe" "$SRV"

client='\\'$IP
say "Seed sample 004 (NetSessionGetInfo, level 10), unchanged"
echo "> getinfo_004.exe $SRV $client $SAMBA_USER2"
wine_run "$PREFIX" 60 "$BUILD/x86_64/seeds/getinfo_004.exe" "$SRV" "$client" "$SAMBA_USER2"

say "Seed sample 001 (NetSessionDel), unchanged: end $SAMBA_USER2's sessions"
echo "> del_001.exe $SRV $client $SAMBA_USER2"
wine_run "$PREFIX" 60 "$BUILD/x86_64/seeds/del_001.exe" "$SRV" "$client" "$SAMBA_USER2"
sleep 1

say "netsess.exe: the list after the delete"
wine_run "$PREFIX" 60 "$BUILD/x86_64/netsess.exe" "$SRV"
echo "Sessions the server reports now (smbstatus -b):"
smbstatus -s "$(samba_conf demo)" -b 2>/dev/null | sed -n '/^---/,$p'

say "Done: stopping Samba and removing the throwaway prefix"
