#!/usr/bin/env bash
# The SMB1 client and the family choice (dll/smb1, dll/api/family.c) natively
# (tools/native/apicli: the DLL's own code without Wine) against real servers:
#  - an SMB2 Samba with NETAPI32_SMB1=1 is still spoken to in SMB2 (never a
#    downgrade: the trace names the family);
#  - an SMB1-only Samba with its NT1 default `server signing = disabled`
#    cannot sign: a logon with credentials is refused with 50 before the
#    password is used (never an unsigned session with credentials);
#  - signature tampering: a proxy flips a bit in the server's TRANSACTION /
#    NT_CREATE_ANDX answers: 59, and the trace says "bad response signature";
#  - without NETAPI32_SMB1 the SMB1-only server gets 50 and the trace says how
#    to enable SMB1 (its SMB1 answer to a NEGOTIATE offering only SMB2 dialects
#    proves it), while a server that just drops the connection stays 59.
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
source tests/lib/samba.sh
BIN="$BUILD/native/tools/apicli"
if ! samba_can_run; then echo "SKIPPED: smb1.samba: $SAMBA_WHY"; exit 0; fi
[ -x "$BIN" ] || { echo "FAIL: smb1.samba: $BIN not built"; exit 1; }
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $(printf '%s' "$2" | tr '\r\n\t' '   ' | cut -c1-300)"; }
samba_trap
S2=127.0.0.89 N1=127.0.0.90 N1OFF=127.0.0.91 PROXY=127.0.0.92 DROP=127.0.0.93
samba_start smb2x "$S2" >/dev/null 2>&1 || { fail smb1.start "SMB2 Samba did not start"; exit 1; }
samba_start_smb1 smb1x "$N1" "server signing = auto" >/dev/null 2>&1 || { fail smb1.start "NT1 Samba did not start"; exit 1; }
samba_start_smb1 smb1off "$N1OFF" >/dev/null 2>&1 || { fail smb1.start "NT1 Samba (signing off) did not start"; exit 1; }
export NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" NETAPI32_TRACE=1
run() { out=$("$BIN" enum "\\\\$1" 1 2>&1); st=$(echo "$out" | sed -n 's/^status=//p' | tail -1); }

NETAPI32_SMB1=1 run "$S2"
if [ "$st" = 0 ] && echo "$out" | grep -q "connected $S2:445 smb2 dialect=0x03"; then pass smb1.smb2_server_stays_smb2
else fail smb1.smb2_server_stays_smb2 "status $st: $(echo "$out" | grep -E 'connected|smb1' | head -3)"; fi
NETAPI32_SMB1=1 run "$N1"
if [ "$st" = 0 ] && echo "$out" | grep -q "connected $N1:445 smb1 dialect=0x0001 signing=1"; then pass smb1.nt1_server_signed
else fail smb1.nt1_server_signed "status $st: $(echo "$out" | tail -3)"; fi
run "$N1"
if [ "$st" = 50 ] && echo "$out" | grep -q "set NETAPI32_SMB1=1" && echo "$out" | grep -q "answered in SMB1"; then pass smb1.disabled_refused_50_with_hint
else fail smb1.disabled_refused_50_with_hint "status $st: $(echo "$out" | tail -2)"; fi
NETAPI32_SMB1=1 run "$N1OFF"
if [ "$st" = 50 ] && echo "$out" | grep -q "cannot sign SMB1"; then pass smb1.server_without_signing_refused
else fail smb1.server_without_signing_refused "status $st: $(echo "$out" | tail -2)"; fi

/usr/bin/python3 tests/lib/smb1_proxy.py "$PROXY" "$N1" tamper > "$BUILD/smb1_proxy.out" 2>&1 &
PROXY_PID=$!
for i in $(seq 1 25); do grep -q ready "$BUILD/smb1_proxy.out" 2>/dev/null && break; sleep 0.2; done
NETAPI32_SMB1=1 run "$PROXY"
if [ "$st" = 59 ] && echo "$out" | grep -q "bad response signature"; then pass smb1.tampered_signature_refused
else fail smb1.tampered_signature_refused "status $st: $(echo "$out" | tail -3)"; fi
kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null

/usr/bin/python3 tests/lib/badserver.py "$DROP" 445 drop > "$BUILD/smb1_drop.out" 2>&1 &
DROP_PID=$!
for i in $(seq 1 25); do grep -q ready "$BUILD/smb1_drop.out" 2>/dev/null && break; sleep 0.2; done
run "$DROP"
if [ "$st" = 59 ] && echo "$out" | grep -q "no SMB1 answer"; then pass smb1.dropping_server_not_taken_for_smb1
else fail smb1.dropping_server_not_taken_for_smb1 "status $st: $(echo "$out" | tail -3)"; fi
kill "$DROP_PID" 2>/dev/null; wait "$DROP_PID" 2>/dev/null
exit 0
