#!/usr/bin/env bash
# winetests/sspi/run.sh -- Kerberos through Wine's secur32 (dll/auth/sspi_win.c
# and the raw SSPI probe), against a private Samba AD DC on 127.0.0.61
# (tests/lib/addc.sh), with a kinit ticket in a private cache.
#
# For each architecture Wine runs (x86_64; i686 when wine32 works):
#   - probe: the Negotiate and Kerberos packages exist; with a caller-allocated
#     output buffer the first InitializeSecurityContextW yields a Kerberos
#     AP-REQ (Wine 8: raw, not SPNEGO-wrapped);
#   - sspi_win.c (winetests/sspi/mech_test.c) against the service keytab
#     (tools/native/krb_accept): token accepted, mutual authentication
#     completes, session keys equal -- or SKIPPED with the reason when the
#     provider returns no key (Wine 8: SECPKG_ATTR_SESSION_KEY is a stub);
#   - the same token in a real SMB2 SESSION_SETUP to the DC's smbd, NTLM disabled
#     on the server (tests/lib/smb2_gss_login.py);
#   - the workaround (dll/auth/krb5_ap.h, `mech_test.exe ccache`): Wine's
#     Kerberos package fetches the service ticket, our own AP-REQ from the
#     ticket cache (read through Z:) gives a session key, and the SMB2 3.1.1
#     session with smbd is signed: final response verified, signed TREE_CONNECT;
#   - explicit credentials (SEC_WINNT_AUTH_IDENTITY_W) without a ticket cache;
#   - no ticket, an expired ticket: ERROR_NO_SUCH_LOGON_SESSION (1312);
#     a wrong SPN with the Kerberos package: ERROR_LOGON_FAILURE (1326).
# Prints PASS/FAIL/SKIPPED lines.  Run inside tools/isolate.sh.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
unset NETAPI32_USER NETAPI32_PASSWORD NETAPI32_AUTH_FILE
NAME=sspi
IP=127.0.0.61
SPN=cifs/$IP
PY=/usr/bin/python3
ACCEPT="$REPO/$BUILD/native/tools/krb_accept"
WT="$REPO/$BUILD/sspi-run"
mkdir -p "$WT"

failures=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $(printf '%s' "$2" | tr '\r\n\t' '   ' | cut -c1-300)"; failures=$((failures + 1)); }
skip() { echo "SKIPPED: $1: $2"; }

source "$REPO/tests/lib/addc.sh"
source "$REPO/tests/lib/wine.sh"
addc_can_run || { skip "sspi" "$ADDC_WHY"; exit 0; }
wine_available || { skip "sspi" "wine is not installed"; exit 0; }
[ -x "$ACCEPT" ] || { skip "sspi" "$ACCEPT not built (make native)"; exit 0; }
$PY -c 'import impacket' 2>/dev/null || { skip "sspi" "python3-impacket is not installed"; exit 0; }
if ! make -s -f Makefile.mingw BUILD="$BUILD" sspitests >"$WT/build.log" 2>&1; then
    fail "sspi.build" "$(tail -3 "$WT/build.log")"; exit 1
fi

PREFIX="$WT/prefix"
cleanup() { addc_stop_all; wine_prefix_drop "$PREFIX" >/dev/null 2>&1; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
wine_prefix_new "$PREFIX" || { fail "sspi.prefix" "wineboot failed"; exit 1; }
export WINEPREFIX="$PREFIX"
wine_server_keep "$PREFIX" 900   # one wineserver for the whole run (tests/lib/wine.sh)

addc_start "$NAME" "$IP" --no-ntlm || { fail "sspi.addc" "the AD DC did not start"; exit 1; }
eval "$(addc_env "$NAME")"
export KRB5CCNAME
KRB5CCNAME=$(addc_kinit "$NAME" "$ADDC_ADMIN_USER" "$ADDC_ADMIN_PASS") || { fail "sspi.kinit" "kinit failed"; exit 1; }
export KRB5_KTNAME="$ADDC_DIR/svc.keytab"
addc_keytab "$NAME" "$SPN" "$KRB5_KTNAME" || { fail "sspi.keytab" "exportkeytab failed"; exit 1; }

wine_status() {          # NAME WANT ARCH CCACHE SPN [KIND]
    local out
    out=$(KRB5CCNAME=$4 timeout 120 wine "$BUILD/$3/sspi/mech_test.exe" "${6:-negotiate}" "$5" </dev/null 2>/dev/null | tr -d '\r')
    if grep -q "^STATUS $2\$" <<<"$out"; then pass "$1"; else fail "$1" "want STATUS $2, got: $(head -2 <<<"$out")"; fi
}

run_arch() {
    local a=$1 t=sspi.$1 out
    out=$(timeout 120 wine "$BUILD/$a/sspi/probe.exe" info 2>/dev/null)
    grep -q "^package Negotiate: status 0x00000000" <<<"$out" && grep -q "^package Kerberos: status 0x00000000" <<<"$out" &&
        pass "$t.packages" || fail "$t.packages" "$out"
    out=$(PROBE_ALLOC=caller timeout 120 wine "$BUILD/$a/sspi/probe.exe" isc Negotiate "$SPN" 2>/dev/null)
    grep -q "tok_id 01 00 = AP-REQ" <<<"$out" && pass "$t.probe_ap_req" || fail "$t.probe_ap_req" "$out"
    addc_results "$t.keytab" "$("$ACCEPT" peer wine "$BUILD/$a/sspi/mech_test.exe" negotiate "$SPN" 2>/dev/null)"
    addc_results "$t.smb2" "$($PY tests/lib/smb2_gss_login.py --dialect 311 "$IP" wine "$BUILD/$a/sspi/mech_test.exe" negotiate "$SPN" 2>/dev/null)"
    addc_results "$t.ownap.keytab" "$("$ACCEPT" peer wine "$BUILD/$a/sspi/mech_test.exe" ccache "$SPN" 2>/dev/null)"
    addc_results "$t.ownap.smb2" "$($PY tests/lib/smb2_gss_login.py --dialect 311 "$IP" wine "$BUILD/$a/sspi/mech_test.exe" ccache "$SPN" 2>/dev/null)"
    wine_status "$t.ownap.no_ticket" 1312 "$a" "FILE:$ADDC_DIR/no-such-ccache" "$SPN" ccache
    out=$(KRB5CCNAME=FILE:/nonexistent MECH_PASSWORD=$ADDC_USER1_PASS \
          "$ACCEPT" peer wine "$BUILD/$a/sspi/mech_test.exe" kerberos "$SPN" "$ADDC_USER1" "$ADDC_REALM" 2>/dev/null)
    grep -q "^RESULT: ok token_accepted: $ADDC_USER1@$ADDC_REALM" <<<"$out" && pass "$t.explicit_creds" ||
        fail "$t.explicit_creds" "$(grep RESULT <<<"$out" | head -2)"
    wine_status "$t.no_ticket" 1312 "$a" "FILE:$ADDC_DIR/no-such-ccache" "$SPN"
    [ -n "$SHORT" ] && wine_status "$t.expired_ticket" 1312 "$a" "$SHORT" "$SPN"
    # the Kerberos package: Wine's Negotiate turns a KDC refusal into its NTLM
    # fallback's SEC_E_NO_CREDENTIALS (docs/sspi-wine.md)
    wine_status "$t.wrong_spn" 1326 "$a" "$KRB5CCNAME" "cifs/no-such-server.${ADDC_REALM,,}" kerberos
}

SHORT=$(addc_kinit "$NAME" "$ADDC_USER2" "$ADDC_USER2_PASS" 5s "FILE:$ADDC_DIR/ccache.short") || SHORT=
[ -n "$SHORT" ] || fail "sspi.short_ticket" "kinit -l 5s failed"
sleep 6
run_arch x86_64
if wine32_usable "$BUILD/i686/sspi/probe.exe"; then
    run_arch i686
else
    skip "sspi.i686" "$WINE32_WHY"
fi
[ "$failures" = 0 ]
