# winetests/rap/checks.sh -- the checks of winetests/rap/run.sh for one
# architecture (sourced; uses its helpers: wt, run, fresh, truth, settle, has,
# gone, pass, fail and R, H1..H3, STATE, WT, ADMIN).

# seed_pairs: "user client" lines of enum_003's Client:/User: output, sorted
seed_pairs() { printf '%s\n' "$out" | awk '/Client:/ { c=$2; sub(/^\\\\/,"",c) } /User:/ { print $2, c }' | sort; }
want_pairs() { awk -F'\t' '$1=="S" { print $3, $2 }' "$1" | sort; }
tab_pairs() { printf '%s\n' "$out" | awk -F'\t' 'NF { c=$1; sub(/^\\\\/,"",c); print $2, c }' | sort; }

# the srvsvc pipe opens but the bind is refused: the DLL must use RAP (trace) and
# list exactly our own session (those servers hold no other)
bind_checks() {
    local ip mode
    for ip in "$RN" "$RJ"; do
        mode=bind_nak; [ "$ip" = "$RJ" ] && mode=context_rejected
        run "$mode" "${ADMIN[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$NS" "\\\\$ip" /tab
        if grep -q 'refused the srvsvc bind' "$WT/$TAG$mode.stderr" && [ "$(tab_pairs)" = "$SAMBA_ADMIN_USER $ip" ]; then
            pass "srvsvc_$mode.switches_to_rap"
        else fail "srvsvc_$mode.switches_to_rap" "got [$(tab_pairs | tr '\n' ';')] trace [$(grep -a 'srvsvc\|rap:' "$WT/$TAG$mode.stderr" | head -3)]"; fi
    done
}

# The same programs against an SMB2 Samba (127.0.0.127) holding the same sessions
# (ntsuser1 from H1 and H3, ntsuser2 from H2): the same (user, client) list with
# the server's own address as our session's client, and the same error codes.
samba_compare() {
    local SB=127.0.0.127 mine theirs
    if ! samba_can_run; then skip samba_compare "$SAMBA_WHY"; return 0; fi
    if ! samba_start cmp "$SB" >/dev/null 2>&1; then fail samba_compare.start "smbd did not start"; return 0; fi
    samba_hold_session_from cmp "$SB" "$H1" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
    samba_hold_session_from cmp "$SB" "$H2" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
    samba_hold_session_from cmp "$SB" "$H3" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
    settle bash -c "[ \$(smbstatus -s '$(samba_conf cmp)' -b 2>/dev/null | grep -c ntsuser) = 3 ]"
    fresh || return 0
    run cmp_rap "${ADMIN[@]}" "$NS" "\\\\$R" /tab
    mine=$(tab_pairs | sed "s/ $R\$/ SERVER/")
    run cmp_samba NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" "$NS" "\\\\$SB" /tab
    theirs=$(tab_pairs | sed "s/ $SB\$/ SERVER/")
    if [ -n "$mine" ] && [ "$mine" = "$theirs" ]; then pass samba_compare.netsess_same_sessions
    else fail samba_compare.netsess_same_sessions "rap [$(echo $mine)] samba [$(echo $theirs)]"; fi
    wt cmp_wrong_password NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD='Wrong!Pass1' \
        "$ENUM" expect "\\\\$SB" 1 - - 1326 samba_compare.wrong_password_1326
    wt cmp_non_admin NETAPI32_USER="$SAMBA_USER2" NETAPI32_PASSWORD="$SAMBA_USER2_PASS" \
        "$ENUM" expect "\\\\$SB" 1 - - 5 samba_compare.non_admin_5
    wt cmp_client_nomatch NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" \
        "$ENUM" expect "\\\\$SB" 10 '\\192.0.2.77' - 2312 samba_compare.client_filter_nomatch_2312
    wt cmp_user_nomatch NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" \
        "$ENUM" expect "\\\\$SB" 10 - nosuchuser 2221 samba_compare.user_filter_nomatch_2221
    wt cmp_del_user_none NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" \
        "$DEL" expect "\\\\$SB" - nosuchuser 2312 samba_compare.del_by_user_no_session_2312
    wt cmp_del_user NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" \
        "$DEL" expect "\\\\$SB" - "$SAMBA_USER2" 0 samba_compare.del_by_user
    wt cmp_del_all NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" \
        "$DEL" own "\\\\$SB" - - samba_compare.del_every_session
    samba_stop_all
}

# rows: the server's table as "client user;" pairs, sorted, without our own session
rows() { awk -F'\t' -v r="$R" 'NF >= 5 && $1 != r { print $1, $2 }' "$STATE" | sort | tr '\n' ';'; }
rows_are() { [ "$(rows)" = "$1" ]; }
# NetSessionDel with a user name (RAP deletes by client only, dll/api/rap_del.c):
# exactly that user's sessions end, a client shared with another user is kept (50)
del_user_checks() {
    local U1=$SAMBA_USER1 U2=$SAMBA_USER2 want
    fresh || return 0
    wt del_user "${ADMIN[@]}" "$DEL" expect "\\\\$R" - "$U1" 0 del.by_user
    want="$H2 $U2;"
    settle rows_are "$want" && pass del.by_user.exactly_that_users_sessions_ended ||
        fail del.by_user.exactly_that_users_sessions_ended "got [$(rows)] want [$want]"
    fresh || return 0
    run seed001_user "${ADMIN[@]}" "$B/seeds/del_001.exe" "\\\\$R" "\\\\$H3" "$U1"
    want="$H1 $U1;$H2 $U2;"
    if printf '%s\n' "$err" | grep -q 'successfully deleted' && settle rows_are "$want"; then
        pass seed001.deletes_by_user_and_client
    else fail seed001.deletes_by_user_and_client "[$err] got [$(rows)] want [$want]"; fi
    # the shared client: ntsuser2 also logs on from H1 (H1: ntsuser1 + ntsuser2)
    hold "$H1" "$U2" "$SAMBA_USER2_PASS" || { fail del.shared.holder "$(tail -2 "$WT/holders.log")"; return 0; }
    want="$H1 $U1;$H1 $U2;$H2 $U2;"
    wt del_shared_client "${ADMIN[@]}" "$DEL" expect "\\\\$R" "\\\\$H1" "$U1" 50 del.by_user_and_client.shared_client_50
    rows_are "$want" && pass del.by_user_and_client.shared_client.all_kept ||
        fail del.by_user_and_client.shared_client.all_kept "got [$(rows)] want [$want]"
    run netsess_del_shared "${ADMIN[@]}" "$NS" "\\\\$R" /user:"$U2" /delete
    want="$H1 $U1;$H1 $U2;"
    if printf '%s\n' "$err" | grep -q 'System error 50 has occurred' && settle rows_are "$want"; then
        pass netsess.delete_by_user_shared_client_kept_50
    else fail netsess.delete_by_user_shared_client_kept_50 "[$out] [$err] got [$(rows)] want [$want]"; fi
    wt del_user_gone "${ADMIN[@]}" "$DEL" expect "\\\\$R" "\\\\$H2" "$U2" 2312 del.by_user_and_client.ended_2312
    # our own user: the administrator also logs on from H2; deleting the
    # administrator's sessions ends ours too (success, the next call reconnects)
    hold "$H2" "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" || { fail del.own.holder "$(tail -2 "$WT/holders.log")"; return 0; }
    wt del_own_user "${ADMIN[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$DEL" own "\\\\$R" - "$SAMBA_ADMIN_USER" del.by_user.own_user
    want="$H1 $U1;$H1 $U2;"
    settle rows_are "$want" && pass del.by_user.own_user.exactly_those_ended ||
        fail del.by_user.own_user.exactly_those_ended "got [$(rows)] want [$want]"
    # the same with our own session listed first (a server listing newest first),
    # the administrator's other one from 127.0.0.124: ours ends before it; the DLL
    # goes on on a new connection (and so does the delete of every session below)
    local H4=127.0.0.124
    FRESH_OPTS=--newest-first fresh || return 0
    hold "$H4" "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" || { fail del.own.holder "$(tail -2 "$WT/holders.log")"; return 0; }
    wt del_own_first "${ADMIN[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$DEL" own "\\\\$R" - "$SAMBA_ADMIN_USER" del.by_user.own_user_listed_first
    want="$H1 $U1;$H2 $U2;$H3 $U1;"
    if settle rows_are "$want" && grep -q 'going on, once, on a new connection' "$WT/${TAG}del_own_first.stderr"; then
        pass del.by_user.own_user_listed_first.exactly_those_ended
    else fail del.by_user.own_user_listed_first.exactly_those_ended "got [$(rows)] want [$want]"; fi
    # neither client nor user: every session ends (ours too), as srvsvc does
    wt del_all "${ADMIN[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$DEL" own "\\\\$R" - - del.every_session
    settle rows_are "" && pass del.every_session.all_ended || fail del.every_session.all_ended "got [$(rows)]"
}

run_arch() {
    local B="$REPO/$BUILD/$1" TF TW ENUM GI DEL NS
    ENUM="$B/winetests/wt_enum.exe" GI="$B/winetests/wt_getinfo.exe" DEL="$B/winetests/wt_del.exe" NS="$B/netsess.exe"
    fresh || return 0
    TF="$WT/truth.txt"
    truth "$TF"
    TW=$(wine_winpath "$TF")
    # ---- the DLL chooses RAP by itself (no NETAPI32_FORCE_RAP) ---------------------------
    run auto_rap "${ADMIN[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$ENUM" expect "\\\\$R" 10 - - 0 auto
    if grep -q 'no srvsvc pipe: using RAP' "$WT/${TAG}auto_rap.stderr" && grep -q 'rap: NetSessionEnum RAP level 10' "$WT/${TAG}auto_rap.stderr"
    then pass srvsvc_missing_switches_to_rap
    else fail srvsvc_missing_switches_to_rap "trace: $(grep -a 'rap\|srvsvc' "$WT/${TAG}auto_rap.stderr" | head -3)"; fi
    # ---- every level, filters, paging, GetInfo against the server's own table ------------
    wt enum_full "${ADMIN[@]}" "$ENUM" full "\\\\$R" "$TW" enum
    truth "$TF"
    wt getinfo_full "${ADMIN[@]}" "$GI" full "\\\\$R" "$TW" getinfo --real-cltype
    local l
    for l in 0 1 2 10; do
        wt level_$l "${ADMIN[@]}" "$ENUM" expect "\\\\$R" $l - - 0 enum.level_$l
    done
    wt level_502 "${ADMIN[@]}" "$ENUM" expect "\\\\$R" 502 - - 0 enum.level_502_from_rap_level_2
    wt client_nomatch "${ADMIN[@]}" "$ENUM" expect "\\\\$R" 10 '\\192.0.2.77' - 2312 enum.client_filter_nomatch_2312
    wt user_nomatch "${ADMIN[@]}" "$ENUM" expect "\\\\$R" 10 - nosuchuser 2221 enum.user_filter_nomatch_2221
    # ---- the seeds' unmodified sample programs -------------------------------------------
    truth "$TF"
    run seed003 "${ADMIN[@]}" "$B/seeds/enum_003.exe" "\\\\$R"
    if [ "$(seed_pairs)" = "$(want_pairs "$TF")" ]; then pass seed003.lists_every_session
    else fail seed003.lists_every_session "got [$(seed_pairs | tr '\n' ';')] want [$(want_pairs "$TF" | tr '\n' ';')] $err"; fi
    run seed004 "${ADMIN[@]}" "$B/seeds/getinfo_004.exe" "\\\\$R" "\\\\$H2" "$SAMBA_USER2"
    if printf '%s\n' "$out" | grep -q "Client: \\\\\\\\$H2\$" && printf '%s\n' "$out" | grep -q "User: *$SAMBA_USER2\$"
    then pass seed004.shows_the_session; else fail seed004.shows_the_session "[$out] [$err]"; fi
    run seed004_none "${ADMIN[@]}" "$B/seeds/getinfo_004.exe" "\\\\$R" '\\192.0.2.77' "$SAMBA_USER1"
    printf '%s\n' "$err" | grep -q 'A system error has occurred: 2312' && pass seed004.no_session_2312 ||
        fail seed004.no_session_2312 "[$err]"
    # ---- netsess.exe -----------------------------------------------------------------------
    run netsess_tab "${ADMIN[@]}" "$NS" "\\\\$R" /tab
    if [ "$(tab_pairs)" = "$(want_pairs "$TF")" ]; then pass netsess.list_equals_server_table
    else fail netsess.list_equals_server_table "got [$(tab_pairs | tr '\n' ';')] want [$(want_pairs "$TF" | tr '\n' ';')] $err"; fi
    bind_checks
    samba_compare
    # ---- refusals --------------------------------------------------------------------------
    wt wrong_password NETAPI32_SMB1=1 NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD='Wrong!Pass1' \
        "$ENUM" expect "\\\\$R" 1 - - 1326 wrong_password_1326
    wt non_admin NETAPI32_SMB1=1 NETAPI32_USER="$SAMBA_USER2" NETAPI32_PASSWORD="$SAMBA_USER2_PASS" \
        "$ENUM" expect "\\\\$R" 1 - - 5 enum.non_admin_access_denied
    wt non_admin_del NETAPI32_SMB1=1 NETAPI32_USER="$SAMBA_USER2" NETAPI32_PASSWORD="$SAMBA_USER2_PASS" \
        "$DEL" expect "\\\\$R" "\\\\$H1" - 5 del.non_admin_access_denied
    has "$H1" "$SAMBA_USER1" && pass del.non_admin.session_kept || fail del.non_admin.session_kept "$(cat "$STATE")"
    wt smb1_disabled NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" \
        "$ENUM" expect "\\\\$R" 1 - - 50 smb1_not_enabled_50
    # ---- the server pages a small RAP receive buffer (ERROR_MORE_DATA, 234) ---------------
    local cap
    cap=$(/usr/bin/python3 tests/lib/rap_capture.py "$R" "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" 10 40 2>&1)
    if printf '%s\n' "$cap" | grep -q '^params=ea000001010004'; then pass server.more_data_small_buffer
    else fail server.more_data_small_buffer "$cap"; fi
    # ---- NetSessionDel ---------------------------------------------------------------------
    wt del_nothing "${ADMIN[@]}" "$DEL" expect "\\\\$R" '\\192.0.2.77' - 2312 del.nothing_2312
    wt del_user_none "${ADMIN[@]}" "$DEL" expect "\\\\$R" - nosuchuser 2312 del.by_user.no_session_2312
    has "$H1" "$SAMBA_USER1" && has "$H3" "$SAMBA_USER1" && has "$H2" "$SAMBA_USER2" && pass del.by_user.no_session.all_kept ||
        fail del.by_user.no_session.all_kept "$(cat "$STATE")"
    wt del_by_client "${ADMIN[@]}" "$DEL" expect "\\\\$R" "\\\\$H2" - 0 del.by_client
    settle gone "$H2" "$SAMBA_USER2" && pass del.by_client.gone || fail del.by_client.gone "$(cat "$STATE")"
    has "$H1" "$SAMBA_USER1" && has "$H3" "$SAMBA_USER1" && pass del.by_client.others_kept ||
        fail del.by_client.others_kept "$(cat "$STATE")"
    run seed001 "${ADMIN[@]}" "$B/seeds/del_001.exe" "\\\\$R" "\\\\$H3"
    if printf '%s\n' "$err" | grep -q 'successfully deleted' && settle gone "$H3" "$SAMBA_USER1"; then
        pass seed001.deletes_the_session
    else fail seed001.deletes_the_session "[$err] table [$(tr '\n' ';' <"$STATE")]"; fi
    run netsess_del "${ADMIN[@]}" "$NS" "\\\\$R" "\\\\$H1" /delete
    if [ "$out" = "The command completed successfully." ] && settle gone "$H1" "$SAMBA_USER1"; then
        pass netsess.delete_by_client
    else fail netsess.delete_by_client "[$out] [$err] table [$(tr '\n' ';' <"$STATE")]"; fi
    run netsess_after "${ADMIN[@]}" "$NS" "\\\\$R" /tab
    if [ "$(tab_pairs)" = "$SAMBA_ADMIN_USER $R" ]; then pass netsess.list_after_deletes_only_own
    else fail netsess.list_after_deletes_only_own "got [$(tab_pairs | tr '\n' ';')]"; fi
    del_user_checks
}
