#!/usr/bin/env bash
# The RAP session codec (dll/rap) against a real SMB1-only Samba on
# 127.0.0.84 (server min/max protocol = NT1).  An independent SMB1 client
# (impacket) carries dll/rap's own request bytes (tools/native/raptool) in a
# TRANSACTION on \PIPE\LANMAN, and raptool decodes Samba's answer (the DLL's
# own SMB1 transport carries RAP in winetests/smb1/run.sh): the users it lists must be the ones smbstatus
# shows; Samba's refusals (RAP level 10, GetInfo, Del: ERROR_NOT_SUPPORTED)
# and a non-administrator's empty list must decode as such.
#
# Measured (checked at the end): Samba 4.17 answers RAP NetSessionEnum by
# calling its own srvsvc, so there is no configuration where Samba answers
# RAP but not srvsvc: without samba-dcerpcd (`rpc start on demand helpers =
# no`) the srvsvc pipe is gone (STATUS_OBJECT_NAME_NOT_FOUND) and the RAP
# answer is an empty success; `rpc_server:srvsvc = disabled` has no effect.
# (`rpc_server:srvsvc = external`/`embedded` and `dcerpc endpoint servers =
# -srvsvc` leave the pipe open too.)  So the API's RAP path is tested with the
# client told to use RAP against Samba (NETAPI32_FORCE_RAP=1,
# winetests/smb1/run.sh), over scripted connections (tests/test_api_rap.c,
# tests/test_api_rap_bind.c) and, without NETAPI32_FORCE_RAP, against the
# scripted RAP-only server tests/lib/rap_server.py (winetests/rap/run.sh).
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
source tests/lib/samba.sh
TOOL="$BUILD/native/tools/raptool"
if ! samba_can_run; then echo "SKIPPED: rap.samba: $SAMBA_WHY"; exit 0; fi
"$SAMBA_PY" -c 'import impacket' 2>/dev/null || { echo "SKIPPED: rap.samba: python3-impacket not installed"; exit 0; }
[ -x "$TOOL" ] || { echo "FAIL: rap.samba: $TOOL not built"; exit 1; }
IP=127.0.0.84
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
samba_trap
samba_start_smb1 rapsmb1 "$IP" >/dev/null 2>&1 || { echo "FAIL: rap.smb1_start: SMB1-only Samba did not start"; exit 1; }
if smbclient -L "//$IP" -U "$SAMBA_USER1%$SAMBA_USER1_PASS" --option='client min protocol=SMB2_02' >/dev/null 2>&1; then
    fail rap.server_is_smb1_only "an SMB2 client got in"
else pass rap.server_is_smb1_only; fi
export SAMBA_HOLD_MIN_PROTOCOL=NT1
samba_hold_session rapsmb1 "$IP" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_hold_session rapsmb1 "$IP" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
samba_wait_user rapsmb1 "$SAMBA_USER1" && samba_wait_user rapsmb1 "$SAMBA_USER2" ||
    fail rap.sessions "smbstatus does not show both held SMB1 sessions"

# send PARAMHEX as USER/PASS; sets PAR and DAT (hex) from Samba's answer
ask() {
    local out
    out=$("$SAMBA_PY" tests/lib/rap_capture.py "$IP" "$1" "$2" --param "$3" 2>&1)
    PAR=$(echo "$out" | sed -n 's/^params=//p') DAT=$(echo "$out" | sed -n 's/^data=//p')
    [ -n "$PAR" ] || { echo "rap_capture: $(echo "$out" | tail -1)" >&2; return 1; }
}

req=$("$TOOL" enum-request 2 65535)
if ask "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" "$req"; then
    dec=$("$TOOL" enum-decode 2 2 "$PAR" "$DAT")
    got=$(echo "$dec" | sed -n 's/.*username=\([^\t]*\).*/\1/p' | sort | tr '\n' ' ')
    # the admin's own RAP connection is a session too
    want=$( (samba_truth_sessions rapsmb1 | awk '{print $1}'; echo "$SAMBA_ADMIN_USER") | sort -u | tr '\n' ' ')
    if echo "$dec" | head -1 | grep -q '^rc=0 status=0 ' && [ "$got" = "$want" ]; then pass rap.enum_level2_matches_smbstatus
    else fail rap.enum_level2_matches_smbstatus "decoded [$got] smbstatus [$want] ($(echo "$dec" | head -1))"; fi
    echo "$dec" | grep -q "cltype_name=Unknown Client" && pass rap.enum_level2_cltype ||
        fail rap.enum_level2_cltype "$(echo "$dec" | sed -n 2p)"
    n10=$("$TOOL" enum-decode 2 10 "$PAR" "$DAT" | grep -c "idle_time=")
    [ "$n10" -ge 3 ] && pass rap.enum_level10_from_rap2 || fail rap.enum_level10_from_rap2 "$n10 entries"
else
    fail rap.enum_level2_matches_smbstatus "no answer from Samba"
fi

# Samba serves only RAP level 2: level 10 is refused (the API layer then uses 2)
if ask "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" "$("$TOOL" enum-request 10 65535)"; then
    dec=$("$TOOL" enum-decode 10 10 "$PAR" "$DAT" | head -1)
    [ "$dec" = "rc=0 status=50 count=0 total=0" ] && pass rap.enum_level10_refused || fail rap.enum_level10_refused "$dec"
else fail rap.enum_level10_refused "no answer"; fi
# a non-administrator gets an empty list from Samba, not an error
if ask "$SAMBA_USER2" "$SAMBA_USER2_PASS" "$req"; then
    dec=$("$TOOL" enum-decode 2 2 "$PAR" "$DAT" | head -1)
    [ "$dec" = "rc=0 status=0 count=0 total=0" ] && pass rap.enum_not_admin_empty || fail rap.enum_not_admin_empty "$dec"
else fail rap.enum_not_admin_empty "no answer"; fi
# GetInfo and Del: Samba does not implement them over RAP; its answer decodes as ERROR_NOT_SUPPORTED
for op in "getinfo-request \\\\127.0.0.84 2 4096" "del-request \\\\127.0.0.84"; do
    name=rap.${op%%-*}_unsupported_by_samba
    if ask "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" "$("$TOOL" $op)"; then
        dec=$("$TOOL" del-decode "$PAR")
        [ "$dec" = "rc=0 status=50" ] && pass "$name" || fail "$name" "$dec"
    else fail "$name" "no answer"; fi
done
samba_truth_sessions rapsmb1 | grep -q "^$SAMBA_USER1 " && pass rap.del_left_sessions || fail rap.del_left_sessions "a session vanished"

# the measured Samba fact above: no srvsvc, and RAP lists nothing
samba_stop rapsmb1
if samba_start_smb1 rapnorpc "$IP" "rpc start on demand helpers = no" >/dev/null 2>&1; then
    samba_hold_session rapnorpc "$IP" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
    samba_wait_user rapnorpc "$SAMBA_USER1"
    imp=$(samba_impacket_sessions "$IP" 1 2>&1 | tail -1)
    if ask "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" "$req"; then dec=$("$TOOL" enum-decode 2 2 "$PAR" "$DAT" | head -1)
    else dec="no answer"; fi
    if echo "$imp" | grep -q OBJECT_NAME_NOT_FOUND && [ "$dec" = "rc=0 status=0 count=0 total=0" ]; then
        pass rap.samba_rap_needs_srvsvc
    else fail rap.samba_rap_needs_srvsvc "srvsvc: $imp / RAP: $dec"; fi
else
    fail rap.samba_rap_needs_srvsvc "Samba without helpers did not start"
fi
exit 0
