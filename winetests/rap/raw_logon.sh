# winetests/rap/raw_logon.sh -- SMB1 logons without extended security (issue
# 11: 9x / LAN Manager / OS/2 / old NAS servers), sourced by winetests/rap/run.sh
# (uses its helpers: run, wt, settle, pass, fail, WT, ADMIN, USERS).
# tests/lib/rap_server.py --no-extsec user on $RW: a NEGOTIATE without
# CAP_EXTENDED_SECURITY and an 8-byte challenge; the server checks the NTLMv2
# response (NTLMv1/LM refused) and signs with SessionBaseKey || NTLMv2 response
# (any bad signature closes the connection, so a listing proves both ways).
# --no-extsec share on $RS: share level (SecurityMode 0x02, no signing).
RW=127.0.0.127 RS=127.0.0.128
RAW_PIDS=()
raw_stop() { local p; for p in "${RAW_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; RAW_PIDS=(); }
raw_start() { # IP MODE
    : >"$WT/server.raw_$2.log"
    /usr/bin/python3 tests/lib/rap_server.py "$1" --no-extsec "$2" --state "$WT/state.raw_$2.txt" "${USERS[@]}" \
        >"$WT/server.raw_$2.log" 2>&1 &
    RAW_PIDS+=($!)
    settle grep -q ready "$WT/server.raw_$2.log"
}
raw_arch() {
    local B="$REPO/$BUILD/$1" ENUM NS
    ENUM="$B/winetests/wt_enum.exe" NS="$B/netsess.exe"
    ip addr add "$RW/32" dev lo 2>/dev/null; ip addr add "$RS/32" dev lo 2>/dev/null
    raw_start "$RW" user && raw_start "$RS" share || { fail raw.server "did not start"; raw_stop; return 0; }
    run raw_list "${ADMIN[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$NS" "\\\\$RW" /tab
    if [ "$(tab_pairs)" = "$SAMBA_ADMIN_USER $RW" ] && grep -q 'no extended security.*NTLMv2' "$WT/${TAG}raw_list.stderr" &&
        grep -q "logon from $RW: $SAMBA_ADMIN_USER" "$WT/server.raw_user.log"; then
        pass raw.ntlmv2_signed_lists_sessions
    else fail raw.ntlmv2_signed_lists_sessions "got [$(tab_pairs | tr '\n' ';')] trace [$(grep -a 'smb1:' "$WT/${TAG}raw_list.stderr" | tail -3)] server [$(tail -2 "$WT/server.raw_user.log")]"; fi
    grep -q 'bad signature' "$WT/server.raw_user.log" && fail raw.no_bad_signature "$(grep 'bad signature' "$WT/server.raw_user.log")" ||
        pass raw.no_bad_signature
    wt raw_wrong_password NETAPI32_SMB1=1 NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD='Wrong!Pass1' \
        "$ENUM" expect "\\\\$RW" 10 - - 1326 raw.wrong_password_1326
    wt raw_non_admin NETAPI32_SMB1=1 NETAPI32_USER="$SAMBA_USER2" NETAPI32_PASSWORD="$SAMBA_USER2_PASS" \
        "$ENUM" expect "\\\\$RW" 10 - - 5 raw.non_admin_5
    # no credentials: empty password fields, an anonymous session the server
    # does not let enumerate (ERROR_ACCESS_DENIED, as a null session on Windows)
    wt raw_anonymous NETAPI32_SMB1=1 "$ENUM" expect "\\\\$RW" 10 - - 5 raw.anonymous_access_denied_5
    grep -q "logon from $RW: (anonymous)" "$WT/server.raw_user.log" && pass raw.anonymous_logon_sent ||
        fail raw.anonymous_logon_sent "$(tail -3 "$WT/server.raw_user.log")"
    # share level: no credentials = the null session on IPC$ (this server lets it list)
    run raw_share NETAPI32_SMB1=1 NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$NS" "\\\\$RS" /tab
    if [ "$(tab_pairs)" = " $RS" ] || [ "$(printf '%s\n' "$out" | awk -F'\t' 'NF { print $1 }' | tr -d '\\')" = "$RS" ]; then
        pass raw.share_level_null_session_lists
    else fail raw.share_level_null_session_lists "got [$out] [$err] trace [$(grep -a 'smb1:' "$WT/${TAG}raw_share.stderr" | tail -3)]"; fi
    # ... and credentials are refused before anything is sent (ERROR_NOT_SUPPORTED + trace)
    run raw_share_creds "${ADMIN[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$ENUM" expect "\\\\$RS" 10 - - 50 raw.share_level_credentials_50
    if printf '%s\n' "$out" | grep -q '^PASS' && grep -q 'share-level server' "$WT/${TAG}raw_share_creds.stderr"; then
        pass raw.share_level_credentials_50
    else fail raw.share_level_credentials_50 "[$out] trace [$(grep -a 'smb1:' "$WT/${TAG}raw_share_creds.stderr" | tail -2)]"; fi
    raw_stop
    # a wrong MAC key (the session key alone) is a bad signature: refused (59); a
    # guest answer to a logon with credentials is refused (1272), as with SPNEGO
    raw_start "$RW" badsign && wt raw_badsign "${ADMIN[@]}" "$ENUM" expect "\\\\$RW" 10 - - 59 raw.wrong_mac_key_refused_59
    raw_stop
    raw_start "$RW" guest && wt raw_guest "${ADMIN[@]}" "$ENUM" expect "\\\\$RW" 10 - - 1272 raw.guest_refused_1272
    raw_stop
    # a plaintext-password server: the password is never sent (50, trace says why)
    raw_start "$RW" plain && run raw_plain "${ADMIN[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$ENUM" expect "\\\\$RW" 10 - - 50 x
    if printf '%s\n' "$out" | grep -q '^PASS' && grep -aq 'wants a plaintext password, never sent' "$WT/${TAG}raw_plain.stderr" &&
        ! grep -q "logon from" "$WT/server.raw_plain.log"; then pass raw.plaintext_server_refused_50
    else fail raw.plaintext_server_refused_50 "[$out] trace [$(grep -a 'smb1:' "$WT/${TAG}raw_plain.stderr" | tail -2)]"; fi
    raw_stop
    ip addr del "$RW/32" dev lo 2>/dev/null; ip addr del "$RS/32" dev lo 2>/dev/null
    return 0
}
