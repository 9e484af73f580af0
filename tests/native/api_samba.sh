#!/usr/bin/env bash
# The API layer natively against a real Samba: connection reuse, a dead
# cached connection replaced transparently, concurrent callers sharing one
# connection, and that connection killed under them (tools/native/apireuse.c).
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
source tests/lib/samba.sh
BIN="$BUILD/native/tools/apireuse"
if ! samba_can_run; then echo "SKIPPED: api.samba: $SAMBA_WHY"; exit 0; fi
[ -x "$BIN" ] || { echo "FAIL: api.samba: $BIN not built"; exit 1; }
IP=127.0.0.13
samba_trap
samba_start apireuse "$IP" >/dev/null 2>&1 || { echo "FAIL: api.samba: Samba did not start"; exit 1; }
samba_hold_session apireuse "$IP" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_wait_user apireuse "$SAMBA_USER1"
CONF=$(samba_conf apireuse)
export NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS"
coproc APP { timeout 120 "$BIN" "\\\\$IP" 2>"$BUILD/apireuse.stderr"; }
app_pid=$APP_PID
# our own copies of the coprocess's pipes: bash unsets APP when it exits,
# and a read from "${APP[0]}" would then read the script's own stdin
exec {app_out}<&"${APP[0]}" {app_in}>&"${APP[1]}"
while IFS= read -r line <&"$app_out"; do
    if [ "$line" = KILL ]; then
        # the smbd serving our admin session: kill it, as a server restart would
        pid=$(smbstatus -s "$CONF" -b 2>/dev/null | awk -v u="$SAMBA_ADMIN_USER" '$2 == u {print $1; exit}')
        if [ -n "$pid" ]; then kill -9 "$pid"; sleep 0.5; else echo "FAIL: api.dead_connection.kill: no admin session in smbstatus"; fi
        echo go >&"$app_in"
    else
        echo "$line"
    fi
done
exec {app_out}<&- {app_in}>&-
wait "$app_pid" 2>/dev/null || true
