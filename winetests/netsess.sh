# winetests/netsess.sh -- issue 3: netsess.exe list / GetInfo / delete output checked
# against the server's own view (smbstatus -b); sourced by winetests/run.sh (uses wt's
# neighbours: pass, fail, skip, wine_cmd, S1, S2, SRC2, BIN, LOG, PREFIX, INSTALLED,
# ADMIN_ENV).  It runs before del.sh: the one session it ends (ntsuser2 from S1) is
# opened again at the end, so del.sh still finds what it expects.
#
# Our own admin session: netsess's connection is a session on the server while it
# lists, so the expected list is smbstatus -b (taken once no earlier admin session
# lingers) plus one "ntsadmin <server ip>" session.

# the copy `make install` put into the prefix (the build's one in a --builtin dry
# run): system32 for x64, syswow64 for x86 ($SYSDIR)
NS_EXE="C:\\windows\\$SYSDIR\\netsess.exe"
NS_SYS="$PREFIX/drive_c/windows/$SYSDIR/netsess.exe"
if [ ! -f "$BIN/netsess.exe" ]; then
    skip "netsess.samba" "$BIN/netsess.exe is not built"
    return 0
fi
if [ "${INSTALLED:-0}" = 1 ]; then
    if cmp -s "$NS_SYS" "$BIN/netsess.exe"; then pass "netsess.installed_into_prefix"
    else fail "netsess.installed_into_prefix" "$NS_SYS differs from $BIN/netsess.exe or is missing"; NS_EXE="$BIN/netsess.exe"; fi
else
    skip "netsess.installed_into_prefix" "dry run: nothing is installed"
    NS_EXE="$BIN/netsess.exe"
fi

ns_settle() { local i; for i in $(seq 1 25); do "$@" && return 0; sleep 0.2; done; return 1; }
ns_has() { samba_truth_sessions "$1" | grep -qx "$2 $3"; }          # NAME USER IP
ns_gone() { ! ns_has "$@"; }
ns_no_admin() { ! samba_truth_sessions "$1" | grep -q "^$SAMBA_ADMIN_USER "; }
# ns_run TAG ARGS...: netsess as the admin; $ns_out / $ns_err (CR stripped), $ns_st
ns_run() {
    local tag=$1; shift
    wine_cmd 60 "${ADMIN_ENV[@]}" "$NS_EXE" "$@" >"$LOG/$tag.stdout" 2>"$LOG/$tag.stderr"
    ns_st=$?
    ns_out=$(tr -d '\r' <"$LOG/$tag.stdout")
    ns_err=$(tr -d '\r' <"$LOG/$tag.stderr")
}
# ns_expect NAME IP [FILTER-AWK]: "user ip" lines (sorted) netsess must show for
# server NAME: smbstatus -b (optionally filtered) plus our own session
ns_expect() {
    local name=$1 ip=$2 filt=${3:-1}
    ns_settle ns_no_admin "$name"
    { samba_truth_sessions "$name"; echo "$SAMBA_ADMIN_USER $ip"; } | awk "$filt" | sort
}
ns_pairs_tab() { printf '%s\n' "$ns_out" | awk -F'\t' 'NF { c=$1; sub(/^\\\\/,"",c); print $2, c }' | sort; }
ns_why() { echo "status $ns_st; got [$(ns_pairs_tab | tr '\n' ';')] want [$(printf '%s' "$1" | tr '\n' ';')] stderr [$(printf '%s' "$ns_err" | head -c 150)]"; }
# ns_list_check CHECK NAME IP FILTER-AWK ARGS...: the /tab list equals smbstatus (filtered)
ns_list_check() {
    local n=$1 name=$2 ip=$3 filt=$4; shift 4
    local want
    want=$(ns_expect "$name" "$ip" "$filt")
    ns_run "$n" "$@"
    if [ "$ns_st" = 0 ] && [ -n "$want" ] && [ "$(ns_pairs_tab)" = "$want" ]; then pass "$n"
    else fail "$n" "$(ns_why "$want")"; fi
}
# ns_error_check CHECK CODE: the run failed with "System error CODE has occurred."
ns_error_check() {
    local n=$1 code=$2 st_want=$(( $2 & 255 ))
    [ "$st_want" = 0 ] && st_want=1
    if [ "$ns_st" = "$st_want" ] && printf '%s\n' "$ns_err" | grep -qx "System error $code has occurred\."; then pass "$n"
    else fail "$n" "status $ns_st (want $st_want), stderr [$(printf '%s' "$ns_err" | head -c 150)] stdout [$(printf '%s' "$ns_out" | head -c 100)]"; fi
}

ALL1='1'
# ---- lists: every level, the user / client pairs are exactly smbstatus's -------------
ns_list_check netsess.list.tab s1 "$S1" "$ALL1" "\\\\$S1" /tab
if [ -n "$ns_out" ] && ! printf '%s\n' "$ns_out" | awk -F'\t' 'NF && $1 !~ /^\\\\[^\\]/ { bad=1 } END { exit bad }'; then
    fail "netsess.list.client_names_unc" "a client name does not start with \\\\: $(printf '%s' "$ns_out" | cut -f1 | tr '\n' ';')"
elif [ -n "$ns_out" ]; then pass "netsess.list.client_names_unc"
else fail "netsess.list.client_names_unc" "no rows"; fi
if [ -n "$ns_out" ] && printf '%s\n' "$ns_out" | awk -F'\t' 'NF != 6 { bad=1 } END { exit bad }'; then pass "netsess.list.tab_six_fields"
else fail "netsess.list.tab_six_fields" "rows: $(printf '%s' "$ns_out" | tr '\t\n' '|;' | head -c 200)"; fi
ns_list_check netsess.list.level1 s1 "$S1" "$ALL1" "\\\\$S1" /level:1 /tab
ns_list_check netsess.list.level10 s1 "$S1" "$ALL1" "\\\\$S1" /level:10 /tab
# level 0 carries only the client name: compare the client multiset, user is "-"
want0=$(ns_expect s1 "$S1" | awk '{ print $2 }' | sort)
ns_run netsess.list.level0 "\\\\$S1" /level:0 /tab
got0=$(printf '%s\n' "$ns_out" | awk -F'\t' 'NF { c=$1; sub(/^\\\\/,"",c); print c }' | sort)
if [ "$ns_st" = 0 ] && [ -n "$want0" ] && [ "$got0" = "$want0" ] &&
   ! printf '%s\n' "$ns_out" | awk -F'\t' 'NF && $2 != "-" { bad=1 } END { exit !bad }'; then
    pass "netsess.list.level0"
else fail "netsess.list.level0" "status $ns_st; got [$(printf '%s' "$ns_out" | tr '\t\n' '|;')] want clients [$(echo $want0)]"; fi
# the server with mandatory signing
ns_list_check netsess.list.signing s2 "$S2" "$ALL1" "\\\\$S2" /tab

# ---- filters ---------------------------------------------------------------------------
ns_list_check netsess.filter.user s1 "$S1" "\$1 == \"$SAMBA_USER1\"" "\\\\$S1" /user:"$SAMBA_USER1" /tab
ns_list_check netsess.filter.client s1 "$S1" "\$2 == \"$SRC2\"" "\\\\$S1" /client:"\\\\$SRC2" /tab
# the client as the second \\name (includes our own session from $S1)
ns_list_check netsess.filter.client_positional s1 "$S1" "\$2 == \"$S1\"" "\\\\$S1" "\\\\$S1" /tab
ns_list_check netsess.filter.user_and_client s1 "$S1" "\$1 == \"$SAMBA_USER1\" && \$2 == \"$SRC2\"" \
    "\\\\$S1" /client:"\\\\$SRC2" /user:"$SAMBA_USER1" /tab
ns_run netsess.filter.no_user "\\\\$S1" /user:nosuchuser /tab
ns_error_check netsess.filter.no_such_user_2221 2221

# ---- table output (no /tab): header, rule, one row per session, closing line -----------
want=$(ns_expect s1 "$S1")
ns_run netsess.table "\\\\$S1"
rows=$(printf '%s\n' "$ns_out" | sed -n '3,$p' | sed '$d')
got=$(printf '%s\n' "$rows" | awk 'NF { c=$1; sub(/^\\\\/,"",c); print $2, c }' | sort)
if [ "$ns_st" = 0 ] &&
   printf '%s\n' "$ns_out" | sed -n 1p | grep -qE '^Computer +User name +Client type +Opens +Active +Idle$' &&
   printf '%s\n' "$ns_out" | sed -n 2p | grep -qE '^-{84}$' &&
   [ "$(printf '%s\n' "$ns_out" | tail -1)" = "The command completed successfully." ] &&
   ! printf '%s\n' "$rows" | grep -qvE '^\\\\[^ \\]+ +[^ ]+ +[0-9]+ +[0-9]+:[0-9]{2}:[0-9]{2} +[0-9]+:[0-9]{2}:[0-9]{2}$' &&
   [ "$(printf '%s\n' "$rows" | grep -c .)" = "$(printf '%s\n' "$want" | grep -c .)" ] && [ "$got" = "$want" ]; then
    pass "netsess.table.header_and_one_row_per_session"
else
    fail "netsess.table.header_and_one_row_per_session" "status $ns_st; want [$(printf '%s' "$want" | tr '\n' ';')] output [$(printf '%s' "$ns_out" | tr '\n' ';' | head -c 220)]"
fi

# ---- one session (NetSessionGetInfo) ---------------------------------------------------
ns_settle ns_has s1 "$SAMBA_USER1" "$SRC2"
ns_run netsess.getinfo "\\\\$S1" "\\\\$SRC2" /user:"$SAMBA_USER1"
if [ "$ns_st" = 0 ] && ns_has s1 "$SAMBA_USER1" "$SRC2" &&
   printf '%s\n' "$ns_out" | grep -qxE "Computer +\\\\\\\\$SRC2" &&
   printf '%s\n' "$ns_out" | grep -qxE "User name +$SAMBA_USER1" &&
   printf '%s\n' "$ns_out" | grep -qE '^Active time +[0-9]+:[0-9]{2}:[0-9]{2}$' &&
   [ "$(printf '%s\n' "$ns_out" | tail -1)" = "The command completed successfully." ]; then
    pass "netsess.getinfo.block_matches_session"
else
    fail "netsess.getinfo.block_matches_session" "status $ns_st; output [$(printf '%s' "$ns_out" | tr '\n' ';')] stderr [$(printf '%s' "$ns_err" | head -c 150)]"
fi
ns_run netsess.getinfo.tab "\\\\$S1" "\\\\$SRC2" /user:"$SAMBA_USER1" /level:1 /tab
if [ "$ns_st" = 0 ] && [ "$(ns_pairs_tab)" = "$SAMBA_USER1 $SRC2" ]; then pass "netsess.getinfo.level1_tab"
else fail "netsess.getinfo.level1_tab" "$(ns_why "$SAMBA_USER1 $SRC2")"; fi
ns_run netsess.getinfo.none "\\\\$S1" '\\192.0.2.77' /user:"$SAMBA_USER1"
ns_error_check netsess.getinfo.no_session_2312 2312

# ---- delete ----------------------------------------------------------------------------
ns_settle ns_has s1 "$SAMBA_USER2" "$S1"
ns_run netsess.delete "\\\\$S1" /user:"$SAMBA_USER2" /delete
if [ "$ns_st" = 0 ] && [ "$ns_out" = "The command completed successfully." ]; then pass "netsess.delete.by_user"
else fail "netsess.delete.by_user" "status $ns_st; stdout [$ns_out] stderr [$(printf '%s' "$ns_err" | head -c 150)]"; fi
if ns_settle ns_gone s1 "$SAMBA_USER2" "$S1" && ! samba_truth_sessions s1 | grep -q "^$SAMBA_USER2 "; then
    pass "netsess.delete.by_user.gone"
else fail "netsess.delete.by_user.gone" "smbstatus: $(samba_truth_sessions s1 | tr '\n' ';')"; fi
if ns_has s1 "$SAMBA_USER1" "$S1" && ns_has s1 "$SAMBA_USER1" "$SRC2"; then pass "netsess.delete.by_user.others_kept"
else fail "netsess.delete.by_user.others_kept" "smbstatus: $(samba_truth_sessions s1 | tr '\n' ';')"; fi
# the list agrees with smbstatus after the delete
ns_list_check netsess.delete.list_after s1 "$S1" "$ALL1" "\\\\$S1" /tab
# nothing left to delete for that user
ns_run netsess.delete.none "\\\\$S1" /user:"$SAMBA_USER2" /delete
ns_error_check netsess.delete.no_session_2312 2312

# ---- error path ------------------------------------------------------------------------
ns_run netsess.unknown_host '\\nonexistent-host.invalid' /tab
if [ "$ns_st" != 0 ] && printf '%s\n' "$ns_err" | grep -qx 'System error 53 has occurred\.'; then pass "netsess.unknown_host_53"
else fail "netsess.unknown_host_53" "status $ns_st, stderr [$(printf '%s' "$ns_err" | head -c 150)]"; fi

# ---- put back what del.sh expects: ntsuser2's session from $S1 ---------------------------
samba_hold_session s1 "$S1" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
if ns_settle ns_has s1 "$SAMBA_USER2" "$S1"; then pass "netsess.delete.session_reopened"
else fail "netsess.delete.session_reopened" "smbstatus: $(samba_truth_sessions s1 | tr '\n' ';')"; fi
