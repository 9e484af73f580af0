# winetests/creds.sh -- issue 3 credential sources and tracing; sourced by
# winetests/run.sh (uses wt, ENUM, S1, WT, LOG, PREFIX, BIN).
# Order the DLL must follow: Credential Manager, environment, NETAPI32_AUTH_FILE, anonymous.

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
