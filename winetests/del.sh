# winetests/del.sh -- issue 3 NetSessionDel checks; sourced by winetests/run.sh after
# every non-destructive test (it ends sessions on s1).  Each deletion is checked
# against the server's own view (smbstatus -b).
DEL="$BIN/winetests/wt_del.exe"
# has_session USER IP -> 0 when smbstatus on s1 lists it
has_session() { samba_truth_sessions s1 | grep -qx "$1 $2"; }
# settle COND...: poll (5 s) until the command succeeds
settle() { local i; for i in $(seq 1 25); do "$@" && return 0; sleep 0.2; done; return 1; }
gone() { ! has_session "$1" "$2"; }
chk() { # chk NAME CMD...: PASS when CMD succeeds (after settling)
    local n=$1; shift
    if settle "$@"; then pass "$n"; else fail "$n" "smbstatus: $(samba_truth_sessions s1 | tr '\n' ';')"; fi
}

wt del.nothing.client 60 "${ADMIN_ENV[@]}" "$DEL" expect "\\\\$S1" '\\192.0.2.77' - 2312 del.nothing.client_2312
wt del.nothing.user 60 "${ADMIN_ENV[@]}" "$DEL" expect "\\\\$S1" - nosuchuser 2312 del.nothing.user_2312
wt del.non_admin 60 NETAPI32_USER="$SAMBA_USER1" NETAPI32_PASSWORD="$SAMBA_USER1_PASS" \
    "$DEL" expect "\\\\$S1" - "$SAMBA_USER2" 5 del.non_admin_access_denied
chk del.non_admin.session_kept has_session "$SAMBA_USER2" "$S1"

wt del.by_user 60 "${ADMIN_ENV[@]}" "$DEL" expect "\\\\$S1" - "$SAMBA_USER2" 0 del.by_user
chk del.by_user.gone gone "$SAMBA_USER2" "$S1"
chk del.by_user.others_kept has_session "$SAMBA_USER1" "$SRC2"

wt del.by_client 60 "${ADMIN_ENV[@]}" "$DEL" expect "\\\\$S1" "\\\\$SRC2" - 0 del.by_client
chk del.by_client.gone gone "$SAMBA_USER1" "$SRC2"
chk del.by_client.others_kept has_session "$SAMBA_USER1" "$S1"

samba_hold_session_from s1 "$S1" "$SRC2" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_hold_session_from s1 "$S1" "$SRC2" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
settle has_session "$SAMBA_USER1" "$SRC2"; settle has_session "$SAMBA_USER2" "$SRC2"
wt del.by_both 60 "${ADMIN_ENV[@]}" "$DEL" expect "\\\\$S1" "\\\\$SRC2" "$SAMBA_USER2" 0 del.by_both
chk del.by_both.gone gone "$SAMBA_USER2" "$SRC2"
chk del.by_both.others_kept has_session "$SAMBA_USER1" "$SRC2"

# seed sample 001, unchanged (line breaks restored): ends ntsuser1's session from SRC2
wine_cmd 60 "${ADMIN_ENV[@]}" "$BIN/seeds/del_001.exe" "\\\\$S1" "\\\\$SRC2" "$SAMBA_USER1" >/dev/null 2>"$LOG/seed001.stderr"
if tr -d '\r' < "$LOG/seed001.stderr" | grep -q 'The specified session(s) has been successfully deleted' &&
   settle gone "$SAMBA_USER1" "$SRC2"; then
    pass "seed001.deletes_the_session"
else
    fail "seed001.deletes_the_session" "stderr [$(tr -d '\r' < "$LOG/seed001.stderr" | head -c 200)] smbstatus [$(samba_truth_sessions s1 | tr '\n' ';')]"
fi
wine_cmd 60 "${ADMIN_ENV[@]}" "$BIN/seeds/del_001.exe" "\\\\$S1" '\\192.0.2.77' >/dev/null 2>"$LOG/seed001.nomatch.stderr"
if tr -d '\r' < "$LOG/seed001.nomatch.stderr" | grep -q 'A system error has occurred: 2312'; then
    pass "seed001.no_session_2312"
else
    fail "seed001.no_session_2312" "stderr [$(tr -d '\r' < "$LOG/seed001.nomatch.stderr" | head -c 200)]"
fi

# our own session: reported as success, and the next call reconnects
wt del.own 60 "${ADMIN_ENV[@]}" "$DEL" own "\\\\$S1" "\\\\$S1" "$SAMBA_ADMIN_USER" del.own_session
chk del.own_session.others_kept has_session "$SAMBA_USER1" "$S1"

# both NULL: every session on the server ends (net session /delete)
wt del.all 60 "${ADMIN_ENV[@]}" "$DEL" expect "\\\\$S1" - - 0 del.all_sessions
chk del.all_sessions.gone bash -c "! smbstatus -s '$(samba_conf s1)' -b 2>/dev/null | grep -q ntsuser"
