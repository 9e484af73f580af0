#!/usr/bin/env bash
# Kerberos natively, against a private Samba AD DC (tests/lib/addc.sh) on
# 127.0.0.60: the harness itself (provision or cached tree, users,
# memberships, SPN, kinit into a private cache, stop), and the GSSAPI
# mechanism dll/auth/gss_posix.c (mech.h):
#   - its tokens are accepted by the service keytab (tools/native/krb_accept)
#     and both sides' session keys are equal (SPNEGO and raw Kerberos,
#     ticket cache and explicit credentials);
#   - end to end: SMB2 SESSION_SETUP against the DC's smbd (signing required)
#     with our token, the server's signature on the final response verified
#     with our key, then a signed TREE_CONNECT (tests/lib/smb2_gss_login.py);
#   - our own AP-REQ from the ticket cache (dll/auth/krb5_ap.h, the Wine
#     workaround; `mech_test ccache`): accepted by the keytab with equal keys,
#     and a signed SMB2 session with smbd, for AES256, AES128 and RC4 keys;
#   - no ticket, an expired ticket, a wrong SPN give the documented codes;
#   - with `ntlm auth = disabled` on the server NTLM fails and Kerberos works.
#
#   bash tools/isolate.sh bash tests/native/kerberos_addc.sh
# Prints PASS/FAIL/SKIPPED lines.
set -u
HERE=$(cd "$(dirname "$0")/../.." && pwd)
cd "$HERE"
export BUILD="${BUILD:-build}"
NAME=krb
IP=127.0.0.60
SPN=cifs/$IP
TOOLS="$HERE/$BUILD/native/tools"
PY=/usr/bin/python3
unset NETAPI32_USER NETAPI32_PASSWORD NETAPI32_AUTH_FILE

failures=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $(printf '%s' "$2" | tr '\n' ' ' | cut -c1-300)"; failures=$((failures + 1)); }
skip() { echo "SKIPPED: $1: $2"; }

source "$HERE/tests/lib/addc.sh"
if ! addc_can_run; then skip "kerberos_addc" "$ADDC_WHY"; exit 0; fi
for t in krb_accept mech_test; do
    [ -x "$TOOLS/$t" ] || { skip "kerberos_addc" "$TOOLS/$t not built (make native)"; exit 0; }
done
$PY -c 'import impacket' 2>/dev/null || { skip "kerberos_addc" "python3-impacket not installed"; exit 0; }
trap addc_stop_all EXIT
trap 'addc_stop_all; exit 130' INT TERM

# ---- the harness ------------------------------------------------------------------
t0=$(date +%s.%N)
if ! addc_start "$NAME" "$IP"; then
    fail "addc.start" "the AD DC did not start (see $ADDC_ROOT_DIR/$NAME)"
    exit 1
fi
t1=$(date +%s.%N)
case "$ADDC_PROVISION_SECONDS" in cached) prov="cached tree restored" ;; *) prov="provisioned in ${ADDC_PROVISION_SECONDS%.*} s" ;; esac
echo "addc: $prov, ready after $(awk "BEGIN{printf \"%.1f\", $t1-$t0}") s"
pass "addc.start"
members=$(addc_tool "$NAME" group listmembers Administrators 2>/dev/null)
grep -qx "$ADDC_ADMIN_USER" <<<"$members" && pass "addc.admin_membership" ||
    fail "addc.admin_membership" "Administrators: $members"
addc_tool "$NAME" spn list "${ADDC_HOST}\$" 2>/dev/null | grep -q "cifs/$IP" && pass "addc.spn" ||
    fail "addc.spn" "cifs/$IP not on ${ADDC_HOST}\$"
grep -q 'dns_canonicalize_hostname = false' "$ADDC_KRB5_CONF" && grep -q 'rdns = false' "$ADDC_KRB5_CONF" &&
    pass "addc.krb5_conf" || fail "addc.krb5_conf" "$ADDC_KRB5_CONF"
eval "$(addc_env "$NAME")"
if CC=$(addc_kinit "$NAME" "$ADDC_ADMIN_USER" "$ADDC_ADMIN_PASS"); then
    pass "addc.kinit"
else
    fail "addc.kinit" "kinit failed"; exit 1
fi
export KRB5CCNAME=$CC
KT="$ADDC_DIR/svc.keytab"
addc_keytab "$NAME" "$SPN" "$KT" && [ -s "$KT" ] && pass "addc.exportkeytab" || fail "addc.exportkeytab" "$KT"
export KRB5_KTNAME=$KT

# ---- mechanism against the service keytab -------------------------------------------
for kind in negotiate kerberos; do
    addc_results "gss.$kind" "$("$TOOLS/krb_accept" self "$SPN" "$kind" 2>&1)"
done
out=$(KRB5CCNAME=FILE:/nonexistent MECH_USER=$ADDC_USER1 MECH_DOMAIN=${ADDC_REALM,,} MECH_PASSWORD=$ADDC_USER1_PASS \
      "$TOOLS/krb_accept" self "$SPN@$ADDC_REALM" negotiate 2>&1)
addc_results "gss.explicit_creds" "$out"
grep -q "client $ADDC_USER1@$ADDC_REALM" <<<"$out" && pass "gss.explicit_creds.client" ||
    fail "gss.explicit_creds.client" "acceptor saw another client"

# ---- failures: codes ------------------------------------------------------------------
expect_status() {      # NAME WANT CCACHE SPN
    local out
    out=$(KRB5CCNAME=$3 "$TOOLS/krb_accept" self "$4" negotiate 2>&1)
    if grep -qx "MECH_STATUS $2" <<<"$out"; then pass "$1"; else fail "$1" "want status $2: $(grep -m1 MECH_STATUS <<<"$out")"; fi
}
expect_status "gss.no_ticket" 1312 "FILE:$ADDC_DIR/no-such-ccache" "$SPN"
SHORT=$(addc_kinit "$NAME" "$ADDC_USER2" "$ADDC_USER2_PASS" 5s "FILE:$ADDC_DIR/ccache.short") || SHORT=
if [ -n "$SHORT" ]; then
    sleep 6
    expect_status "gss.expired_ticket" 1312 "$SHORT" "$SPN"
else
    fail "gss.expired_ticket" "kinit -l 5s failed"
fi
expect_status "gss.wrong_spn" 1326 "$CC" "cifs/no-such-server.${ADDC_REALM,,}"

# ---- end to end: SMB2 SESSION_SETUP with smbd -------------------------------------------
for d in 311 300; do
    addc_results "smb2.$d.negotiate" "$($PY tests/lib/smb2_gss_login.py --dialect $d "$IP" "$TOOLS/mech_test" negotiate "$SPN" 2>&1)"
done
addc_results "smb2.311.kerberos" "$($PY tests/lib/smb2_gss_login.py --dialect 311 "$IP" "$TOOLS/mech_test" kerberos "$SPN" 2>&1)"

# ---- our own AP-REQ from the ticket cache (the Wine 8 workaround) -------------------------
addc_results "ownap.keytab" "$("$TOOLS/krb_accept" peer "$TOOLS/mech_test" ccache "$SPN" 2>&1)"
for d in 311 300; do
    addc_results "ownap.smb2.$d" "$($PY tests/lib/smb2_gss_login.py --dialect $d "$IP" "$TOOLS/mech_test" ccache "$SPN" 2>&1)"
done
# the other session-key enctypes: AES128 and RC4 service tickets (client-side
# default_tgs_enctypes), each through a signed SMB2 3.1.1 session
for et in aes128-cts-hmac-sha1-96:17 rc4-hmac:23; do
    conf="$ADDC_DIR/krb5.${et%%:*}.conf"
    sed "s/^\[libdefaults\]/[libdefaults]\n    default_tgs_enctypes = ${et%%:*}\n    allow_weak_crypto = true\n    permitted_enctypes = ${et%%:*} aes256-cts-hmac-sha1-96/" \
        "$ADDC_KRB5_CONF" > "$conf"
    out=$(export KRB5_CONFIG=$conf KRB5CCNAME=FILE:$ADDC_DIR/ccache.${et%%:*}
          printf '%s\n' "$ADDC_ADMIN_PASS" | kinit "$ADDC_ADMIN_USER@$ADDC_REALM" >/dev/null 2>&1
          $PY tests/lib/smb2_gss_login.py --dialect 311 "$IP" "$TOOLS/mech_test" ccache "$SPN" 2>&1)
    if grep -q "ticket enctype ${et##*:})" <<<"$out"; then
        addc_results "ownap.etype${et##*:}" "$out"
    else
        fail "ownap.etype${et##*:}" "no ${et%%:*} ticket: $(grep -m1 -E 'chosen|STATUS' <<<"$out")"
    fi
done
out=$(KRB5CCNAME=FILE:$ADDC_DIR/no-such-ccache "$TOOLS/mech_test" ccache "$SPN" </dev/null 2>&1)
grep -qx "STATUS 1312" <<<"$out" && pass "ownap.no_ticket" || fail "ownap.no_ticket" "$out"

# ---- NTLM disabled on the server: Kerberos only -----------------------------------------
addc_stop "$NAME"
if addc_start "$NAME" "$IP" --no-ntlm; then
    grep -q 'ntlm auth = disabled' "$ADDC_CONF" && pass "nontlm.config" || fail "nontlm.config" "$ADDC_CONF"
    # a restart restores the pristine tree: a new ticket
    KRB5CCNAME=$(addc_kinit "$NAME" "$ADDC_ADMIN_USER" "$ADDC_ADMIN_PASS") || fail "nontlm.kinit" "kinit failed"
    ntlm=$($PY - "$IP" "$ADDC_ADMIN_USER" "$ADDC_ADMIN_PASS" "$ADDC_DOMAIN" <<'EOF' 2>&1
import sys
from impacket.smbconnection import SMBConnection
ip, user, pw, dom = sys.argv[1:5]
try:
    SMBConnection(ip, ip, timeout=20).login(user, pw, dom)
    print("NTLM_OK")
except Exception as e:
    print("NTLM_REFUSED", str(e)[:120])
EOF
)
    grep -q NTLM_REFUSED <<<"$ntlm" && pass "nontlm.ntlm_refused" || fail "nontlm.ntlm_refused" "$ntlm"
    addc_results "nontlm.kerberos" "$($PY tests/lib/smb2_gss_login.py --dialect 311 "$IP" "$TOOLS/mech_test" negotiate "$SPN" 2>&1)"
    addc_results "nontlm.ownap" "$($PY tests/lib/smb2_gss_login.py --dialect 311 "$IP" "$TOOLS/mech_test" ccache "$SPN" 2>&1)"
else
    fail "nontlm.start" "the AD DC did not start with ntlm auth = disabled"
fi

# ---- stop: nothing of ours left -----------------------------------------------------------
pids=$(addc__pids_of "$NAME")
addc_stop "$NAME"
left=""
for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
[ -z "$left" ] && ! ip -4 addr show dev lo | grep -q "inet $IP/" && pass "addc.stopped" ||
    fail "addc.stopped" "still running:$left"
[ "$failures" = 0 ]
