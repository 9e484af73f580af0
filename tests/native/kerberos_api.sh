#!/usr/bin/env bash
# Single sign-on natively (issue 12): the portable API layer (tools/native/apicli,
# the code libnetapi32.so and the DLL run) with the Kerberos mechanism over
# GSSAPI (dll/auth/kerberos.c over gss_posix.c), a kinit ticket and no
# password, against a private Samba AD DC with `ntlm auth = disabled`
# (tests/lib/addc.sh) on 127.0.0.66 (+ 127.0.0.67: the same smbd, an SPN the
# KDC does not know):
#   - list, read, end sessions held by smbclient with tickets (smbstatus -b);
#   - the trace: SSO principal, SPNEGO-wrapped token, mutual authentication
#     completed by the server's AP-REP, signing=1;
#   - the other token shapes: raw Kerberos (NETAPI32_KRB5_RAW=1) and our own
#     AP-REQ from the ticket cache (NETAPI32_KRB5_OWN_APREQ=1, the Wine path);
#   - explicit credentials user@realm through Kerberos (no ticket cache at
#     all); without a realm: NTLMv2, blocked by this server -> 1937;
#   - KRB5CCNAME naming no cache, an expired ticket, an unknown SPN -> 1326.
#
#   bash tools/isolate.sh bash tests/native/kerberos_api.sh
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
export BUILD="${BUILD:-build}"
unset NETAPI32_USER NETAPI32_PASSWORD NETAPI32_AUTH_FILE NETAPI32_TRACE NETAPI32_KERBEROS KRB5CCNAME
NAME=krbapi
IP=127.0.0.66
ALT=127.0.0.67
APICLI="$REPO/$BUILD/native/tools/apicli"
WT="$REPO/$BUILD/kerberos-api"
mkdir -p "$WT"

source "$REPO/tests/lib/addc_sessions.sh"
addc_can_run || { skip "kerberos_api" "$ADDC_WHY"; exit 0; }
[ -x "$APICLI" ] || { skip "kerberos_api" "$APICLI not built (make native)"; exit 0; }
command -v smbclient >/dev/null 2>&1 || { skip "kerberos_api" "smbclient is not installed"; exit 0; }

trap sso_cleanup EXIT
trap 'sso_cleanup; exit 130' INT TERM
sso_setup kerberos_api || exit 1

api() {    # TAG [VAR=VALUE...] ARGS: $out $err $st
    local tag=$1; shift
    local envs=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do envs+=("$1"); shift; done
    env "${envs[@]}" NETAPI32_TRACE=1 timeout -k 5 90 "$APICLI" "$@" >"$WT/$tag.stdout" 2>"$WT/$tag.stderr"
    st=$?
    out=$(cat "$WT/$tag.stdout")
    err=$(cat "$WT/$tag.stderr")
}
users_listed() { awk -F'\t' '/^cname=/ { c=$1; sub(/^cname=\\*/,"",c); u=$2; sub(/^username=/,"",u); sub(/^.*\\/,"",u); print tolower(u), c }' <<<"$out" | sort -u; }
want_list() { { truth | grep -E "^($ADDC_USER1|$ADDC_USER2) "; echo "$ADDC_ADMIN_USER $IP"; } | sort -u; }
status_is() {   # CHECK CODE
    if grep -qx "status=$2" <<<"$out"; then pass "$1"; else fail "$1" "want status=$2: $(tail -1 <<<"$out") $(grep -m2 'auth:' <<<"$err")"; fi
}
traced() {      # CHECK PATTERN
    if grep -q -- "$2" <<<"$err"; then pass "$1"; else fail "$1" "no '$2' in the trace: $(grep -m3 'auth:' <<<"$err")"; fi
}

# ---- list, read, end with only the ticket --------------------------------------------
api list KRB5CCNAME="$CC" enum "$IP" 10
if [ "$(users_listed)" = "$(want_list)" ]; then pass "kerberos_api.list_equals_smbstatus"
else fail "kerberos_api.list_equals_smbstatus" "got [$(users_listed | tr '\n' ';')] want [$(want_list | tr '\n' ';')] $(tail -1 <<<"$out")"; fi
traced "kerberos_api.trace.sso_principal" "single sign-on as $ADDC_ADMIN_USER@$ADDC_REALM"
traced "kerberos_api.trace.spnego" "auth: kerberos: first token [0-9]* bytes (SPNEGO)"
traced "kerberos_api.trace.mutual_auth" "auth: kerberos: context complete (mutual authentication), mechanism Kerberos"
traced "kerberos_api.trace.signing_on" "connected $IP:445 smb2 dialect=0x0311 signing=1"
api getinfo KRB5CCNAME="$CC" getinfo "$IP" "$IP" "$ADDC_DOMAIN\\$ADDC_USER1" 10
if grep -q "username=$ADDC_DOMAIN\\\\$ADDC_USER1" <<<"$out" && grep -qx "status=0" <<<"$out"; then pass "kerberos_api.getinfo"
else fail "kerberos_api.getinfo" "$out"; fi
api del KRB5CCNAME="$CC" del "$IP" "$IP" "$ADDC_DOMAIN\\$ADDC_USER1"
if grep -qx "status=0" <<<"$out" && settle gone "$ADDC_USER1" "$IP" && has "$ADDC_USER2" "$IP"; then
    pass "kerberos_api.del_gone_from_smbstatus"
else fail "kerberos_api.del_gone_from_smbstatus" "$(tail -1 <<<"$out") smbstatus [$(truth | tr '\n' ';')]"; fi

# ---- the other token shapes ------------------------------------------------------------
api raw KRB5CCNAME="$CC" NETAPI32_KRB5_RAW=1 enum "$IP" 10
status_is "kerberos_api.raw_token" 0
traced "kerberos_api.raw_token_traced" "first token [0-9]* bytes (raw)"
api own KRB5CCNAME="$CC" NETAPI32_KRB5_OWN_APREQ=1 enum "$IP" 10
status_is "kerberos_api.own_ap_req" 0
traced "kerberos_api.own_ap_req_traced" "auth: kerberos: own AP-REQ for cifs/$IP"
traced "kerberos_api.own_ap_req_signing" "connected $IP:445 smb2 dialect=0x0311 signing=1"

# ---- explicit credentials ---------------------------------------------------------------
api explicit KRB5CCNAME="FILE:$WT/no-such-ccache" NETAPI32_USER="$ADDC_ADMIN_USER@${ADDC_REALM,,}" \
    NETAPI32_PASSWORD="$ADDC_ADMIN_PASS" enum "$IP" 10
status_is "kerberos_api.explicit_creds_kerberos" 0
traced "kerberos_api.explicit_creds_traced" "auth: gss: explicit credentials for $ADDC_ADMIN_USER@$ADDC_REALM"
grep -q -- "$ADDC_ADMIN_PASS" <<<"$err$out" && fail "kerberos_api.no_secret_in_trace" "password in the trace" ||
    pass "kerberos_api.no_secret_in_trace"
api explicit_norealm NETAPI32_USER="$ADDC_ADMIN_USER" NETAPI32_PASSWORD="$ADDC_ADMIN_PASS" enum "$IP" 10
status_is "kerberos_api.explicit_no_realm_ntlm_blocked_1937" 1937

# ---- no usable ticket ---------------------------------------------------------------------
api missing KRB5CCNAME="FILE:$WT/no-such-ccache" enum "$IP" 10
status_is "kerberos_api.missing_ticket_cache_1326" 1326
SHORT=$(addc_kinit "$NAME" "$ADDC_USER2" "$ADDC_USER2_PASS" 5s "FILE:$WT/ccache.short") || SHORT=
if [ -n "$SHORT" ]; then
    sleep 6
    api expired KRB5CCNAME="$SHORT" enum "$IP" 10
    status_is "kerberos_api.expired_ticket_1326" 1326
else
    fail "kerberos_api.expired_ticket_1326" "kinit -l 5s failed"
fi
api wrong_spn KRB5CCNAME="$CC" enum "$ALT" 10
status_is "kerberos_api.wrong_spn_1326" 1326
traced "kerberos_api.wrong_spn_traced" "single sign-on failed"
[ "$failures" = 0 ]
