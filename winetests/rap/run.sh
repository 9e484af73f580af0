#!/usr/bin/env bash
# A RAP-only server (issue 11) through the DLL under Wine, x64 and x86, with
# NETAPI32_SMB1=1 and WITHOUT NETAPI32_FORCE_RAP: the DLL must find by itself
# that the server has no srvsvc and speak RAP on \PIPE\LANMAN.
#
# The server is tests/lib/rap_server.py (scripted: Samba 4.17 cannot answer
# RAP without srvsvc, see tests/native/rap_samba.sh) on 127.0.0.120: SMB1 only,
# NTLMv2 with signing required, srvsvc "object name not found", RAP
# NetSessionEnum/GetInfo/Del over the connections really logged on to it.
# Sessions: impacket SMB1 holders (tests/lib/hold_session.py, HOLD_SMB1=1)
# ntsuser1 from 127.0.0.121 and 127.0.0.123 (holding \LANMAN open: one open
# file), ntsuser2 from 127.0.0.122.
# Truth: the server's own session table (its --state file).
#  - wt_enum full / wt_getinfo full: every level, filters, paging, GetInfo;
#    the trace says RAP was chosen because srvsvc is missing;
#  - the seeds' sample programs (enum_003, getinfo_004, del_001) and netsess;
#  - NetSessionDel by client really ends that client's connections; by user
#    (and client) ends exactly that user's sessions (RAP deletes by client, so
#    a client shared with another user's session is kept: 50; ntsuser2 then
#    also logs on from 127.0.0.121), no session of that user is 2312; our own
#    user (the administrator also from 127.0.0.122) and neither name (every
#    session, ours too) succeed, as against the SMB2 Samba;
#  - wrong password 1326, non-administrator 5, SMB1 not enabled 50;
#  - the server's own ERROR_MORE_DATA with a small RAP receive buffer;
#  - netsess and the error codes against an SMB2 Samba holding the same sessions;
#  - logons without extended security (winetests/rap/raw_logon.sh): NTLMv2
#    signed, wrong password 1326, anonymous, share level;
#  - servers whose srvsvc pipe opens but refuses the bind (bind_nak on
#    127.0.0.125, the context rejected on 127.0.0.126): RAP as well.
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
source tests/lib/samba.sh   # the test users, and the SMB2 Samba compared with
source tests/lib/wine.sh
unset NETAPI32_USER NETAPI32_PASSWORD NETAPI32_AUTH_FILE NETAPI32_TRACE NETAPI32_FORCE_RAP NETAPI32_SMB1
TAG="" N_PASS=0 N_FAIL=0 N_SKIP=0
pass() { echo "PASS: ${TAG}rap.$1"; N_PASS=$((N_PASS + 1)); }
fail() { echo "FAIL: ${TAG}rap.$1: $(printf '%s' "$2" | tr '\r\n\t' '   ' | cut -c1-300)"; N_FAIL=$((N_FAIL + 1)); }
skip() { echo "SKIPPED: ${TAG}rap.$1: $2"; N_SKIP=$((N_SKIP + 1)); }
skip_all() { echo "SKIPPED: winetests.rap: $1"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
[ "$(id -u)" = 0 ] && command -v ip >/dev/null || skip_all "needs root and ip(8) for loopback aliases"
[ "${NETAPI32_ISOLATED:-}" = 1 ] || skip_all "run it inside tools/isolate.sh (it adds loopback aliases)"
/usr/bin/python3 -c 'import impacket, Cryptodome' 2>/dev/null || skip_all "python3-impacket is not installed"
wine_available || skip_all "wine is not installed"
WT="$REPO/$BUILD/winetests-rap"
mkdir -p "$WT"
T=()
for a in x86_64 i686; do
    T+=("$a/netapi32.dll" "$a/netsess.exe" "$a/winetests/wt_enum.exe" "$a/winetests/wt_getinfo.exe"
        "$a/winetests/wt_del.exe" "$a/seeds/enum_003.exe" "$a/seeds/getinfo_004.exe" "$a/seeds/del_001.exe")
done
if ! make -s -f Makefile.mingw BUILD="$BUILD" "${T[@]/#/$BUILD/}" >"$WT/build.log" 2>&1; then
    fail build "$(tail -3 "$WT/build.log")"; exit 1
fi
R=127.0.0.120 H1=127.0.0.121 H2=127.0.0.122 H3=127.0.0.123
RN=127.0.0.125 RJ=127.0.0.126   # srvsvc opens but refuses the bind: bind_nak / context rejected
STATE="$WT/state.txt"
PREFIX="$WT/prefix"
SRV_PID="" HOLDERS=() BIND_PIDS=() FRESH_OPTS=""   # FRESH_OPTS: more rap_server.py options for fresh
stop_all() {
    local p
    for p in "${HOLDERS[@]}" $SRV_PID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    HOLDERS=() SRV_PID=""
}
cleanup() {
    local p
    stop_all
    raw_stop 2>/dev/null
    samba_stop_all
    for p in "${BIND_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    for p in "$R" "$RN" "$RJ"; do ip addr del "$p/32" dev lo 2>/dev/null; done
    wine_prefix_stop "$PREFIX"
    return 0
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
for a in "$R" "$RN" "$RJ"; do ip addr add "$a/32" dev lo 2>/dev/null; done
USERS=(--domain NTSRAP --user "$SAMBA_ADMIN_USER:$SAMBA_ADMIN_PASS:admin" --user "$SAMBA_USER1:$SAMBA_USER1_PASS"
       --user "$SAMBA_USER2:$SAMBA_USER2_PASS")
for m in "$RN bind-nak" "$RJ reject"; do
    /usr/bin/python3 tests/lib/rap_server.py ${m% *} --srvsvc ${m#* } --state "$WT/state.${m#* }.txt" "${USERS[@]}" \
        >"$WT/server.${m#* }.log" 2>&1 &
    BIND_PIDS+=($!)
done
wine_prefix_new "$PREFIX" || { fail prefix "wineboot failed"; exit 1; }
wine_install "$PREFIX" || { fail install "could not install the DLL"; exit 1; }
wine_server_keep "$PREFIX" 900   # one wineserver for the whole run (tests/lib/wine.sh)
export WINEDLLOVERRIDES="winedbg.exe=d"
ADMIN=(NETAPI32_SMB1=1 NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS")

# settle CMD...: poll (5 s) until CMD succeeds
settle() { local i; for i in $(seq 1 25); do "$@" && return 0; sleep 0.2; done; return 1; }
has() { grep -q "^$1	$2	" "$STATE"; }           # CLIENT USER: in the server's table
gone() { ! has "$@"; }
count_is() { [ "$(grep -c . "$STATE")" = "$1" ]; }
hold() { # SOURCE USER PASS [FILE-TO-HOLD-OPEN]
    HOLD_SMB1=1 HOLD_OPEN="${4:-}" /usr/bin/python3 tests/lib/hold_session.py "$R" "$1" "$2" "$3" 'IPC$' >>"$WT/holders.log" 2>&1 &
    HOLDERS+=($!)
    settle has "$1" "$2"
}
fresh() {
    stop_all
    : >"$WT/server.log"
    /usr/bin/python3 tests/lib/rap_server.py "$R" --state "$STATE" "${USERS[@]}" $FRESH_OPTS >"$WT/server.log" 2>&1 &
    SRV_PID=$!
    settle grep -q ready "$WT/server.log" || { fail server "did not start: $(tail -2 "$WT/server.log")"; return 1; }
    hold "$H1" "$SAMBA_USER1" "$SAMBA_USER1_PASS" && hold "$H2" "$SAMBA_USER2" "$SAMBA_USER2_PASS" &&
        hold "$H3" "$SAMBA_USER1" "$SAMBA_USER1_PASS" LANMAN || { fail sessions "holders did not log on: $(tail -2 "$WT/holders.log")"; return 1; }
    settle count_is 3 && settle grep -q "^$H3	$SAMBA_USER1	1	" "$STATE"
}
# truth FILE: S lines from the server's table (time = now - logon; our own admin
# session from $R wildcarded, it exists only while the program runs), U pairs
truth() {
    settle count_is 3
    awk -F'\t' -v now="$(date +%s)" -v a="$SAMBA_ADMIN_USER" -v r="$R" '
        NF >= 5 { printf "S\t%s\t%s\t%s\t%d\t*\t0\nU\t%s\t%s\n", $1, $2, $3, now - int($4), $2, $1 }
        END { printf "S\t%s\t%s\t*\t*\t*\t*\nU\t%s\t%s\n", r, a, a, r }' "$STATE" >"$1"
}
# wt NAME [VAR=VALUE...] EXE ARGS: the program's PASS/FAIL lines, tagged
wt() {
    local name=$1 out rc; shift
    out=$(WINE_STDERR="$WT/$TAG$name.stderr" wine_run_env "$PREFIX" 180 "$@")
    rc=$?
    printf '%s\n' "$out" > "$WT/$TAG$name.stdout"
    out=$(printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIPPED): ' | sed -E "s/^(PASS|FAIL|SKIPPED): /\1: ${TAG}rap./")
    [ -n "$out" ] || { fail "$name" "no result lines (rc $rc)"; return; }
    printf '%s\n' "$out"
    N_PASS=$((N_PASS + $(grep -c '^PASS' <<<"$out"))) N_FAIL=$((N_FAIL + $(grep -c '^FAIL' <<<"$out")))
    N_SKIP=$((N_SKIP + $(grep -c '^SKIPPED' <<<"$out")))
}
# run NAME [VAR=VALUE...] EXE ARGS: plain program; $out / $err (CR stripped)
run() {
    local name=$1; shift
    out=$(WINE_STDERR="$WT/$TAG$name.stderr" wine_run_env "$PREFIX" 120 "$@")
    err=$(tr -d '\r' <"$WT/$TAG$name.stderr")
}
source "$REPO/winetests/rap/checks.sh"
source "$REPO/winetests/rap/raw_logon.sh"
# RAP_CHECKS=raw: only the logons without extended security (raw_logon.sh)
arch_checks() { [ "${RAP_CHECKS:-all}" = raw ] || run_arch "$1"; raw_arch "$1"; }
arch_checks x86_64
if WINE32_PREFIX="$PREFIX" wine32_usable; then
    TAG="x86."; arch_checks i686
else
    skip x86 "$WINE32_WHY"
fi
echo "$N_PASS passed, $N_FAIL failed, $N_SKIP skipped"
exit 0
