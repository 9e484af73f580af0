# winetests/security.sh -- issue 7 through an unmodified Windows program under
# Wine against a real Samba; sourced by winetests/run.sh (uses wt, pass, fail,
# ENUM, ADMIN_ENV, LOG, samba_start/samba_stop).
#   127.0.0.31  Samba with "map to guest = bad user":
#     - an unknown user with a password: Samba falls back to a guest session;
#       with credentials the DLL refuses it -> ERROR_SMB_GUEST_LOGON_BLOCKED (1272)
#       (SMB 3.1.1 and, with max protocol SMB2_10, 2.1)
#     - the real administrator still gets a signed session and the sessions
#   127.0.0.32  Samba limited to SMB 3.0: FSCTL_VALIDATE_NEGOTIATE_INFO runs on
#     every connection (traced) and the enumeration succeeds
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
