# winetests/parts.sh -- the parts of winetests/run.sh, one function each,
# sourced once by run.sh after its helpers, so every part sees them (wt,
# pass, fail, skip, ENUM, ADMIN_ENV, LOG, WT, S1, ...).  run.sh calls
# part_<name> for each part of its list, per architecture.

# the documented error codes that need a broken or
# absent server, through an unmodified Windows program under Wine (uses wt, pass, fail, skip, ENUM, ADMIN_ENV, LOG, WT).
#   127.0.0.5  badserver silent   -> ERROR_SEM_TIMEOUT (121), bounded by NETAPI32_TIMEOUT_MS
#   127.0.0.6  badserver garbage  -> ERROR_UNEXP_NET_ERR (59): protocol violation
#   127.0.0.7  badserver drop     -> ERROR_UNEXP_NET_ERR (59): connection lost mid-call
#   127.0.0.10 Samba without its RPC helpers -> RPC_S_SERVER_UNAVAILABLE (1722)
#   NULL server, port nobody listens on -> NERR_ServerNotStarted (2114)
#   127.0.0.16 + ::1  Samba on IPv6 loopback: server names ::1, [::1], \\[::1]
part_errors_server() {
ER_PIDS=()
er_start() { # er_start IP MODE
    ip addr show dev lo | grep -q "inet $1/32" || { ip addr add "$1/32" dev lo && ER_ALIASES+=("$1"); }
    /usr/bin/python3 tests/lib/badserver.py "$1" 445 "$2" > "$LOG/badserver.$2.out" 2>&1 &
    ER_PIDS+=($!)
    local i; for i in $(seq 1 25); do grep -q ready "$LOG/badserver.$2.out" 2>/dev/null && return 0; sleep 0.2; done
    return 1
}
ER_ALIASES=()
er_start 127.0.0.5 silent && er_start 127.0.0.6 garbage && er_start 127.0.0.7 drop ||
    fail "errors.badserver" "could not start the broken servers"
t0=$(date +%s)
wt errors.timeout 60 "${ADMIN_ENV[@]}" NETAPI32_TIMEOUT_MS=2000 "$ENUM" expect '\\127.0.0.5' 1 - - 121 errors.timeout_sem_timeout
el=$(( $(date +%s) - t0 ))
if [ "$el" -le 20 ]; then pass "errors.timeout_bounded"; else fail "errors.timeout_bounded" "took ${el}s with NETAPI32_TIMEOUT_MS=2000"; fi
wt errors.garbage 60 "${ADMIN_ENV[@]}" NETAPI32_TIMEOUT_MS=5000 "$ENUM" expect '\\127.0.0.6' 1 - - 59 errors.protocol_violation_unexp_net_err
wt errors.drop 60 "${ADMIN_ENV[@]}" NETAPI32_TIMEOUT_MS=5000 "$ENUM" expect '\\127.0.0.7' 1 - - 59 errors.connection_lost_unexp_net_err
wt errors.local 60 "${ADMIN_ENV[@]}" NETAPI32_SMB_PORT=9 "$ENUM" expect NULL 1 - - 2114 errors.local_server_not_started
for p in "${ER_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
for a in "${ER_ALIASES[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null; done

if samba_start nosrvsvc 127.0.0.10 "rpc start on demand helpers = no" >/dev/null 2>&1; then
    wt errors.no_srvsvc 60 "${ADMIN_ENV[@]}" "$ENUM" expect '\\127.0.0.10' 1 - - 1722 errors.no_srvsvc_rpc_server_unavailable
    samba_stop nosrvsvc
else
    fail "errors.no_srvsvc" "Samba without RPC helpers did not start"
fi

# IPv6 server names, with and without brackets (a Samba on ::1)
if ! ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'; then
    skip "names.ipv6" "no IPv6 loopback (::1) on this machine"
elif samba_start v6 127.0.0.16 "interfaces = 127.0.0.16/32 ::1/128" >/dev/null 2>&1; then
    wt names.ipv6.plain 60 "${ADMIN_ENV[@]}" "$ENUM" expect '::1' 0 - - 0 names.ipv6_plain
    wt names.ipv6.brackets 60 "${ADMIN_ENV[@]}" "$ENUM" expect '[::1]' 0 - - 0 names.ipv6_brackets
    wt names.ipv6.unc 60 "${ADMIN_ENV[@]}" "$ENUM" expect '\\[::1]' 10 - - 0 names.ipv6_unc_brackets
    samba_stop v6
else
    fail "names.ipv6" "Samba on ::1 did not start"
fi
}

# Security checks (guest refusal, validate negotiate) through an unmodified Windows program under
# Wine against a real Samba (uses wt, pass, fail,
# ENUM, ADMIN_ENV, LOG, samba_start/samba_stop).
#   127.0.0.31  Samba with "map to guest = bad user":
#     - an unknown user with a password: Samba falls back to a guest session;
#       with credentials the DLL refuses it -> ERROR_SMB_GUEST_LOGON_BLOCKED (1272)
#       (SMB 3.1.1 and, with max protocol SMB2_10, 2.1)
#     - the real administrator still gets a signed session and the sessions
#   127.0.0.32  Samba limited to SMB 3.0: FSCTL_VALIDATE_NEGOTIATE_INFO runs on
#     every connection (traced) and the enumeration succeeds
part_security() {
GUEST=127.0.0.31
SMB300=127.0.0.32
if samba_start guest "$GUEST" "map to guest = bad user"; then
    wt security.guest 60 NETAPI32_USER=nosuchuser NETAPI32_PASSWORD=whatever NETAPI32_TIMEOUT_MS=10000 \
        "$ENUM" expect "\\\\$GUEST" 1 - - 1272 security.guest_fallback_refused
    wt security.admin 60 "${ADMIN_ENV[@]}" NETAPI32_TIMEOUT_MS=10000 \
        "$ENUM" expect "\\\\$GUEST" 1 - - 0 security.guest_server_admin_ok
    samba_stop guest
else
    fail "security.samba.guest" "smbd did not start"
fi
if samba_start guest21 "$GUEST" "map to guest = bad user" "server max protocol = SMB2_10"; then
    wt security.guest21 60 NETAPI32_USER=nosuchuser NETAPI32_PASSWORD=whatever NETAPI32_TIMEOUT_MS=10000 \
        "$ENUM" expect "\\\\$GUEST" 1 - - 1272 security.guest_fallback_refused_smb21
    samba_stop guest21
else
    fail "security.samba.guest21" "smbd did not start"
fi
if samba_start smb300 "$SMB300" "server max protocol = SMB3_00"; then
    wt security.smb300 60 "${ADMIN_ENV[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr NETAPI32_TIMEOUT_MS=10000 \
        "$ENUM" expect "\\\\$SMB300" 1 - - 0 security.smb300_enum_ok
    if grep -q 'validate negotiate: status 0x00000000 -> 0' "$LOG/security.smb300.stderr" 2>/dev/null; then
        pass "security.smb300_validate_negotiate_verified"
    else
        fail "security.smb300_validate_negotiate_verified" "no verified validate-negotiate in the trace"
    fi
    samba_stop smb300
else
    fail "security.samba.smb300" "smbd did not start"
fi
}

# NetSessionGetInfo checks
# (uses its helpers and variables: wt, wine_cmd, S1, SRC2, TRUTH1, BIN, LOG, ADMIN_ENV).
part_getinfo() {
GETINFO="$BIN/winetests/wt_getinfo.exe"
wt getinfo.s1 120 "${ADMIN_ENV[@]}" "$GETINFO" full "\\\\$S1" "$TRUTH1" getinfo
wt getinfo.signing 120 "${ADMIN_ENV[@]}" "$GETINFO" full "\\\\$S2" "$TRUTH2" getinfo.signing

# seed sample 004, unchanged: the session of ntsuser1 from $SRC2
out=$(wine_cmd 60 "${ADMIN_ENV[@]}" "$BIN/seeds/getinfo_004.exe" "\\\\$S1" "\\\\$SRC2" "$SAMBA_USER1" 2>"$LOG/seed004.stderr" | tr -d '\r')
printf '%s\n' "$out" > "$LOG/seed004.stdout"
if printf '%s\n' "$out" | grep -q "Client: \\\\\\\\$SRC2\$" && printf '%s\n' "$out" | grep -q "User: *$SAMBA_USER1\$"; then
    pass "seed004.shows_the_session"
else
    fail "seed004.shows_the_session" "stdout [$(echo $out)] stderr [$(tr -d '\r' < "$LOG/seed004.stderr" | head -c 200)]"
fi
wine_cmd 60 "${ADMIN_ENV[@]}" "$BIN/seeds/getinfo_004.exe" "\\\\$S1" '\\192.0.2.77' "$SAMBA_USER1" >/dev/null 2>"$LOG/seed004.nomatch.stderr"
if tr -d '\r' < "$LOG/seed004.nomatch.stderr" | grep -q 'A system error has occurred: 2312'; then
    pass "seed004.no_session_2312"
else
    fail "seed004.no_session_2312" "stderr [$(tr -d '\r' < "$LOG/seed004.nomatch.stderr" | head -c 200)]"
fi
}

# Credential sources and tracing (uses wt, ENUM, S1, WT, LOG, PREFIX, BIN).
# Order the DLL must follow: Credential Manager, environment, NETAPI32_AUTH_FILE, anonymous.
part_creds() {
# anonymous (nothing configured) -> the server refuses enumeration
wt creds.anonymous 60 "$ENUM" expect "\\\\$S1" 1 - - 5 creds.anonymous_access_denied

# auth file in smbclient -A format
AUTHF="$WT/auth.txt"
printf 'username = %s\npassword = %s\ndomain = %s\n' "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" "$SAMBA_WORKGROUP" > "$AUTHF"
wt creds.auth_file 60 NETAPI32_AUTH_FILE="$(wine_winpath "$AUTHF")" "$ENUM" expect "\\\\$S1" 1 - - 0 creds.auth_file
# the environment wins over the auth file
wt creds.env_before_file 60 NETAPI32_USER="$SAMBA_USER1" NETAPI32_PASSWORD="$SAMBA_USER1_PASS" \
    NETAPI32_AUTH_FILE="$(wine_winpath "$AUTHF")" "$ENUM" expect "\\\\$S1" 1 - - 5 creds.env_before_auth_file
rm -f "$AUTHF"

# Credential Manager entries written by netsess /cred:add
NETSESS="$BIN/netsess.exe"
if [ -f "$NETSESS" ]; then
    wine_cmd 60 "$NETSESS" /cred:add "\\\\$S1" "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" >"$LOG/netsess.credadd.out" 2>&1
    wt creds.credman 60 "$ENUM" expect "\\\\$S1" 1 - - 0 creds.credential_manager
    # Credential Manager wins over the environment
    wt creds.credman_first 60 NETAPI32_USER="$SAMBA_USER1" NETAPI32_PASSWORD="$SAMBA_USER1_PASS" \
        "$ENUM" expect "\\\\$S1" 1 - - 0 creds.credential_manager_before_env
    lst=$(wine_cmd 60 "$NETSESS" /cred:list 2>&1 | tr -d '\r')
    if printf '%s\n' "$lst" | grep -q "$SAMBA_ADMIN_USER" && ! printf '%s\n' "$lst" | grep -qF "$SAMBA_ADMIN_PASS"; then
        pass "creds.netsess_list_shows_user_not_password"
    else fail "creds.netsess_list_shows_user_not_password" "$lst"; fi
    wine_cmd 60 "$NETSESS" /cred:del "\\\\$S1" >"$LOG/netsess.creddel.out" 2>&1
    wt creds.credman_deleted 60 "$ENUM" expect "\\\\$S1" 1 - - 5 creds.credential_manager_deleted_then_anonymous
else
    skip "creds.credential_manager" "netsess.exe is not built"
fi

# NETAPI32_TRACE=1: trace lines through OutputDebugString, never the password
wt creds.trace 60 "${ADMIN_ENV[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$ENUM" expect "\\\\$S1" 1 - - 0 creds.trace_call
tr_err="$LOG/creds.trace.stderr"
if ! grep -q 'OutputDebugString.*netapi32' "$tr_err" 2>/dev/null; then
    fail "creds.trace_has_lines" "no debug output with NETAPI32_TRACE=1 WINEDEBUG=+debugstr"
else
    pass "creds.trace_has_lines"
fi
if grep -qF "$SAMBA_ADMIN_PASS" "$tr_err" 2>/dev/null; then fail "creds.trace_has_no_password" "the password appears in the trace"
else pass "creds.trace_has_no_password"; fi
}

# netsess.exe list / GetInfo / delete output checked
# against the server's own view (smbstatus -b) (uses wt's
# neighbours: pass, fail, skip, wine_cmd, S1, S2, SRC2, BIN, LOG, PREFIX, INSTALLED,
# ADMIN_ENV).  It runs before part_del: the one session it ends (ntsuser2 from S1) is
# opened again at the end, so part_del still finds what it expects.
#
# Our own admin session: netsess's connection is a session on the server while it
# lists, so the expected list is smbstatus -b (taken once no earlier admin session
# lingers) plus one "ntsadmin <server ip>" session.
part_netsess() {
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

# ---- put back what part_del expects: ntsuser2's session from $S1 ---------------------------
samba_hold_session s1 "$S1" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
if ns_settle ns_has s1 "$SAMBA_USER2" "$S1"; then pass "netsess.delete.session_reopened"
else fail "netsess.delete.session_reopened" "smbstatus: $(samba_truth_sessions s1 | tr '\n' ';')"; fi
}

# NetSessionDel checks, run after
# every non-destructive test (it ends sessions on s1).  Each deletion is checked
# against the server's own view (smbstatus -b).
# Threads (winetests/wt_threads.c): 8 threads x 25 calls at once on s1, an
# unmodified Windows program under Wine.  Every call gets the server's list;
# the DLL's trace (NETAPI32_TRACE=1 WINEDEBUG=+debugstr) shows one
# connection for the whole process, carrying several calls at once (a pipe
# each: "pipe N on the connection") by default, and one call at a time with
# NETAPI32_MAX_CALLS=1.
part_threads() {
local exe="$BIN/winetests/wt_threads.exe" err n pipes
wt threads.shared 120 "${ADMIN_ENV[@]}" NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$exe" "\\\\$S1" 8 25 threads.shared
err="$LOG/threads.shared.stderr"
n=$(grep -c "connected $S1:" "$err" 2>/dev/null)
pipes=$(grep -c "pipe [0-9]* on the connection to $S1: 0" "$err" 2>/dev/null)
if [ "${n:-0}" = 1 ]; then pass "threads.one_connection"
else fail "threads.one_connection" "${n:-0} connections for 8 threads (want 1)"; fi
if [ "${pipes:-0}" -ge 1 ]; then pass "threads.calls_in_flight_together"
else fail "threads.calls_in_flight_together" "no second pipe was opened on the connection"; fi
wt threads.turns 120 "${ADMIN_ENV[@]}" NETAPI32_MAX_CALLS=1 NETAPI32_TRACE=1 WINEDEBUG=+debugstr "$exe" "\\\\$S1" 8 10 threads.turns
err="$LOG/threads.turns.stderr"
n=$(grep -c "connected $S1:" "$err" 2>/dev/null)
pipes=$(grep -c "pipe [0-9]* on the connection" "$err" 2>/dev/null)
if [ "${n:-0}" = 1 ] && [ "${pipes:-0}" = 0 ]; then pass "threads.max_calls_1_takes_turns"
else fail "threads.max_calls_1_takes_turns" "${n:-0} connections, ${pipes:-0} extra pipes with NETAPI32_MAX_CALLS=1 (want 1, 0)"; fi
}

part_del() {
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
}

part_errors() { part_errors_server; part_security; }
