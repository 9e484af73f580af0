# winetests/errors.sh -- the documented error codes that need a broken or
# absent server, through an unmodified Windows program under Wine; sourced by
# winetests/run.sh (uses wt, pass, fail, skip, ENUM, ADMIN_ENV, LOG, WT).
#   127.0.0.5  badserver silent   -> ERROR_SEM_TIMEOUT (121), bounded by NETAPI32_TIMEOUT_MS
#   127.0.0.6  badserver garbage  -> ERROR_UNEXP_NET_ERR (59): protocol violation
#   127.0.0.7  badserver drop     -> ERROR_UNEXP_NET_ERR (59): connection lost mid-call
#   127.0.0.10 Samba without its RPC helpers -> RPC_S_SERVER_UNAVAILABLE (1722)
#   NULL server, port nobody listens on -> NERR_ServerNotStarted (2114)
#   127.0.0.16 + ::1  Samba on IPv6 loopback: server names ::1, [::1], \\[::1]
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
