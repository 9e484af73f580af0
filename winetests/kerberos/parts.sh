# winetests/kerberos/parts.sh -- the checks of winetests/kerberos/run.sh for one
# architecture (sourced; uses its run, ok_code, truth, has, gone, settle, hold,
# pass/fail, BIN, WT, IP, ALT, CC, SSO_ENV, ADDC_*).
# kerberos_parts PREFIX: check names start with PREFIX ("kerberos" or "x86.kerberos").

# the sessions the checks read and end, there again for each architecture
kerberos_sessions() {
    has "$ADDC_USER1" "$IP" || hold "$ADDC_USER1" "$ADDC_USER1_PASS"
    has "$ADDC_USER2" "$IP" || hold "$ADDC_USER2" "$ADDC_USER2_PASS"
    settle has "$ADDC_USER1" "$IP" && settle has "$ADDC_USER2" "$IP"
}

# the seed samples, unchanged, with only the ticket
kerberos_seeds() {
    local t=$1 got
    run "$t.seed003" 90 "${SSO_ENV[@]}" "$BIN/seeds/enum_003.exe" "\\\\$IP"
    got=$(awk '/Client:/ { c=$2; sub(/^\\\\/,"",c) } /User:/ { u=tolower($2); sub(/^.*\\/,"",u); print u, c }' <<<"$out" | sort -u)
    if grep -qx "$ADDC_USER1 $IP" <<<"$got" && grep -qx "$ADDC_USER2 $IP" <<<"$got" &&
       grep -qx "$ADDC_ADMIN_USER $IP" <<<"$got"; then pass "$t.seed003.lists_sessions"
    else fail "$t.seed003.lists_sessions" "got [$(echo $got)] truth [$(truth | tr '\n' ';')] status $st"; fi
    # the proof: Kerberos (own AP-REQ), the SSO principal, a signed connection
    grep -q "auth: negotiate: single sign-on as $ADDC_ADMIN_USER@$ADDC_REALM" <<<"$err" &&
        pass "$t.trace.sso_principal" || fail "$t.trace.sso_principal" "no SSO line in the trace"
    grep -q "auth: kerberos: own AP-REQ for cifs/$IP" <<<"$err" && pass "$t.trace.kerberos_own_ap_req" ||
        fail "$t.trace.kerberos_own_ap_req" "$(grep -m2 'auth:' <<<"$err")"
    grep -qE "connected $IP:445 smb2 dialect=0x0311 signing=1" <<<"$err" && pass "$t.trace.signing_on" ||
        fail "$t.trace.signing_on" "$(grep -m1 'connected ' <<<"$err")"
    ! grep -q "NETAPI32_PASSWORD\|ntlmssp" <<<"$err" && pass "$t.trace.no_ntlm" ||
        fail "$t.trace.no_ntlm" "$(grep -m1 'ntlmssp' <<<"$err")"

    # the DC names its users DOMAIN\user, and matches the user argument so
    run "$t.seed004" 90 "${SSO_ENV[@]}" "$BIN/seeds/getinfo_004.exe" "\\\\$IP" "\\\\$IP" "$ADDC_DOMAIN\\$ADDC_USER1"
    if grep -q "Client: \\\\\\\\$IP\$" <<<"$out" && grep -qi "User: *$ADDC_DOMAIN.$ADDC_USER1\$" <<<"$out"; then
        pass "$t.seed004.reads_the_session"
    else fail "$t.seed004.reads_the_session" "status $st stdout [$(echo $out | head -c 160)]"; fi

    run "$t.seed001" 90 "${SSO_ENV[@]}" "$BIN/seeds/del_001.exe" "\\\\$IP" "\\\\$IP" "$ADDC_DOMAIN\\$ADDC_USER1"
    if grep -q 'The specified session(s) has been successfully deleted' <<<"$err$out" &&
       settle gone "$ADDC_USER1" "$IP" && has "$ADDC_USER2" "$IP"; then pass "$t.seed001.ends_the_session"
    else fail "$t.seed001.ends_the_session" "status $st; smbstatus [$(truth | tr '\n' ';')]"; fi
}

# netsess.exe: list, read, end
kerberos_netsess() {
    local t=$1 got want
    kerberos_sessions || { fail "$t.netsess.sessions" "held sessions missing: $(truth | tr '\n' ';')"; return; }
    run "$t.netsess.list" 90 "${SSO_ENV[@]}" "$BIN/netsess.exe" "\\\\$IP" /tab
    got=$(awk -F'\t' 'NF { c=$1; sub(/^\\\\/,"",c); u=tolower($2); sub(/^.*\\/,"",u); print u, c }' <<<"$out" | sort -u)
    want=$({ truth | grep -E "^($ADDC_USER1|$ADDC_USER2) "; echo "$ADDC_ADMIN_USER $IP"; } | sort -u)
    if [ "$st" = 0 ] && [ -n "$got" ] && [ "$got" = "$want" ]; then pass "$t.netsess.list_equals_smbstatus"
    else fail "$t.netsess.list_equals_smbstatus" "status $st got [$(echo $got)] want [$(echo $want)]"; fi
    run "$t.netsess.getinfo" 90 "${SSO_ENV[@]}" "$BIN/netsess.exe" "\\\\$IP" "\\\\$IP" /user:"$ADDC_DOMAIN\\$ADDC_USER2"
    if [ "$st" = 0 ] && grep -qxE "Computer +\\\\\\\\$IP" <<<"$out" && grep -qixE "User name +$ADDC_DOMAIN.$ADDC_USER2" <<<"$out"
    then pass "$t.netsess.getinfo"
    else fail "$t.netsess.getinfo" "status $st output [$(echo $out | head -c 160)]"; fi
    run "$t.netsess.delete" 90 "${SSO_ENV[@]}" "$BIN/netsess.exe" "\\\\$IP" "\\\\$IP" /user:"$ADDC_DOMAIN\\$ADDC_USER2" /delete
    if [ "$st" = 0 ] && settle gone "$ADDC_USER2" "$IP"; then pass "$t.netsess.delete_gone_from_smbstatus"
    else fail "$t.netsess.delete_gone_from_smbstatus" "status $st; smbstatus [$(truth | tr '\n' ';')]"; fi
}

# what a user without a usable ticket gets
kerberos_failures() {
    local t=$1 short
    run "$t.no_cache" 90 KRB5CCNAME="FILE:$ADDC_DIR/no-such-ccache" KRB5_CONFIG="$KRB5_CONFIG" \
        "$BIN/netsess.exe" "\\\\$IP" /tab
    ok_code "$t.missing_ticket_cache_1326" 1326
    grep -q "names a ticket cache that does not exist" <<<"$err" && pass "$t.missing_ticket_cache_traced" ||
        fail "$t.missing_ticket_cache_traced" "$(grep -m2 'auth: negotiate' <<<"$err")"
    # no Kerberos at all (no KRB5CCNAME, no default cache): anonymous, as
    # before single sign-on existed; this DC lets an anonymous session in and
    # its srvsvc refuses it -> ERROR_ACCESS_DENIED
    if [ -e "/tmp/krb5cc_$(id -u)" ]; then
        skip "$t.no_kerberos_anonymous" "/tmp/krb5cc_$(id -u) exists on this machine"
    else
        run "$t.anonymous" 90 KRB5_CONFIG="$KRB5_CONFIG" "$BIN/netsess.exe" "\\\\$IP" /tab
        ok_code "$t.no_kerberos_anonymous_5" 5
        grep -q "no Kerberos ticket cache: anonymous" <<<"$err" && pass "$t.no_kerberos_traced_anonymous" ||
            fail "$t.no_kerberos_traced_anonymous" "$(grep -m2 'auth: negotiate' <<<"$err")"
    fi
    short=$(addc_kinit "$NAME" "$ADDC_USER2" "$ADDC_USER2_PASS" 5s "FILE:$WT/ccache.short.$t") || short=
    if [ -n "$short" ]; then
        sleep 6
        run "$t.expired" 90 KRB5CCNAME="$short" KRB5_CONFIG="$KRB5_CONFIG" "$BIN/netsess.exe" "\\\\$IP" /tab
        ok_code "$t.expired_ticket_1326" 1326
    else
        fail "$t.expired_ticket_1326" "kinit -l 5s failed"
    fi
    run "$t.wrong_spn" 90 "${SSO_ENV[@]}" "$BIN/netsess.exe" "\\\\$ALT" /tab
    ok_code "$t.wrong_spn_1326" 1326
    grep -q "single sign-on failed" <<<"$err" && pass "$t.wrong_spn_traced" ||
        fail "$t.wrong_spn_traced" "$(grep -m2 'auth:' <<<"$err")"
}

# explicit credentials: Wine 8's secur32 gets a ticket with them but gives no
# session key and leaves no ticket in the FILE: cache, so the DLL falls back to
# NTLMv2, which this server refuses with STATUS_NTLM_BLOCKED -> ERROR_NTLM_BLOCKED
# (1937, Windows' own mapping of that status) (traced)
kerberos_explicit() {
    local t=$1
    run "$t.explicit" 90 KRB5_CONFIG="$KRB5_CONFIG" NETAPI32_USER="$ADDC_ADMIN_USER@${ADDC_REALM,,}" \
        NETAPI32_PASSWORD="$ADDC_ADMIN_PASS" "$BIN/netsess.exe" "\\\\$IP" /tab
    ok_code "$t.explicit_creds_ntlm_fallback_blocked_1937" 1937
    grep -q "Kerberos with the explicit credentials unavailable" <<<"$err" &&
        pass "$t.explicit_creds_fallback_traced" ||
        fail "$t.explicit_creds_fallback_traced" "$(grep -m3 'auth:' <<<"$err")"
    grep -q "$ADDC_ADMIN_PASS" <<<"$err$out" && fail "$t.explicit_creds_no_secret_in_trace" "password in the trace" ||
        pass "$t.explicit_creds_no_secret_in_trace"
}

kerberos_parts() {
    local t=$1
    kerberos_sessions || { fail "$t.sessions" "held sessions missing: $(truth | tr '\n' ';')"; return; }
    kerberos_seeds "$t"
    kerberos_netsess "$t"
    kerberos_failures "$t"
    kerberos_explicit "$t"
}
