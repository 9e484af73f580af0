#!/usr/bin/env bash
# winetests/faults/run.sh -- NetSessionEnum under Wine against a hostile
# network and a hostile server (issue 7).  Prints PASS:/FAIL:/SKIPPED: lines.
#
#   bash winetests/faults/run.sh [--full] [--seed N] [--sample N] [--timeout-ms N] [--no-rogue] [--x64-only]
#
#   default   a bounded, reproducible sample (seed 7, about 36 proxy cases)
#             plus every rogue-server case: what `make check` runs
#   --full    every proxy case (every fault at every frame of one call, both
#             directions, a dense set of byte offsets): `make -f Makefile.mingw faults`
#
# Pieces (all in this script's network namespace, all stopped on exit):
#   f1     127.0.0.12  a private Samba (tests/lib/samba.sh), session ntsuser1 held
#   proxy  127.0.0.20  tests/lib/faultproxy.py: control port 9000; each case
#                      arms one fault on a fresh listening port in front of f1
#   rogue  127.0.0.21  tests/lib/rogue_smb2.py: one port per mode from 20000 (told the
#                      admin password, for its signing modes)
# The Windows program (winetests/faults/wt_faults.c, built with MinGW against
# MinGW's own import library) runs every case in one process (restarted after
# the case that crashed it, which is a FAIL), with our DLL installed in a
# throwaway prefix; x64 always, x86 where 32-bit Wine runs.
# The whole script is one { } block: bash parses it completely before running
# it, so editing or merging this file during a (long) run cannot derail it.
{
set -u
unset NETAPI32_USER NETAPI32_PASSWORD NETAPI32_AUTH_FILE NETAPI32_TRACE NETAPI32_SMB_PORT NETAPI32_TIMEOUT_MS
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
FULL=0 SEED=7 SAMPLE=36 TMO=3000 ROGUE=1 X86=1
while [ $# -gt 0 ]; do
    case "$1" in
        --full) FULL=1 ;;
        --seed) SEED=$2; shift ;;
        --sample) SAMPLE=$2; shift ;;
        --timeout-ms) TMO=$2; shift ;;
        --no-rogue) ROGUE=0 ;;
        --x64-only) X86=0 ;;
        *) echo "usage: $0 [--full] [--seed N] [--sample N] [--timeout-ms N] [--no-rogue] [--x64-only]" >&2; exit 2 ;;
    esac
    shift
done

source "$REPO/tests/lib/samba.sh"
source "$REPO/tests/lib/wine.sh"
PY=/usr/bin/python3
WT="$REPO/$BUILD/winetests-faults"
LOG="$WT/log"
rm -rf "$LOG"
mkdir -p "$LOG"

pass() { echo "PASS: $1"; }
fail() { local r; r=$(printf '%s' "$2" | tr '\r\n\t' '   ' | tr -s ' ' | cut -c1-300); echo "FAIL: $1: $r"; }
skip() { echo "SKIPPED: $1: $2"; }

samba_can_run || { skip "faults" "$SAMBA_WHY"; exit 0; }
wine_available || { skip "faults" "wine is not installed"; exit 0; }
[ -x "$PY" ] && "$PY" -c 'import impacket' 2>/dev/null || { skip "faults" "python3-impacket is not installed"; exit 0; }

# ---- build ---------------------------------------------------------------------
build_exe() { # ARCH -> $BUILD/ARCH/winetests/wt_faults.exe
    local arch=$1 out="$REPO/$BUILD/$1/winetests/wt_faults.exe"
    mkdir -p "$(dirname "$out")"
    if [ ! -f "$out" ] || [ "$HERE/wt_faults.c" -nt "$out" ]; then
        "$arch-w64-mingw32-gcc" -std=c11 -Wall -Wextra -Werror -O1 "$HERE/wt_faults.c" -o "$out" \
            -lnetapi32 -lpsapi -lws2_32 >"$LOG/build.$arch.log" 2>&1 || return 1
    fi
    echo "$out"
}
X64_EXE=$(build_exe x86_64) || { fail "faults.build" "$(tail -3 "$LOG/build.x86_64.log")"; exit 1; }
if ! make -s -f Makefile.mingw BUILD="$BUILD" x86_64 i686 >"$LOG/build.dll.log" 2>&1; then
    fail "faults.build" "DLL build failed: $(tail -3 "$LOG/build.dll.log")"; exit 1
fi

# ---- cleanup -------------------------------------------------------------------
PREFIX="$WT/prefix"
PROXY_PID="" ROGUE_PID="" ALIASES=""
cleanup() {
    samba_stop_all
    local a
    for a in $ALIASES; do ip addr del "$a/32" dev lo 2>/dev/null; done
    local p
    for p in $PROXY_PID $ROGUE_PID; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    wine_prefix_stop "$PREFIX"
}
mkdir -p "$SAMBA_ROOT_DIR"; rm -f "$SAMBA_ROOT_DIR/holders"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
T0=$(date +%s)

wine_prefix_new "$PREFIX" || { fail "faults.prefix" "wineboot failed (see $PREFIX.boot.log)"; exit 1; }
wine_install "$PREFIX" || { fail "faults.install" "could not install the DLL"; exit 1; }
wine_server_keep "$PREFIX" 900
export WINEDLLOVERRIDES="winedbg.exe=d"

# ---- servers -------------------------------------------------------------------
S=127.0.0.12 PROXY=127.0.0.20 ROGUE_IP=127.0.0.21 CTRL_PORT=9000 ROGUE_BASE=20000
for a in $PROXY $ROGUE_IP; do
    ip -4 addr show dev lo | grep -q "inet $a/" || { ip addr add "$a/32" dev lo 2>/dev/null && ALIASES="$ALIASES $a"; }
done
samba_start f1 "$S" || { fail "faults.samba" "smbd did not start (see $SAMBA_ROOT_DIR/f1)"; exit 1; }
samba_hold_session f1 "$S" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_wait_user f1 "$SAMBA_USER1" || fail "faults.samba.session" "the held session did not appear"

wait_ready() { local i; for i in $(seq 1 50); do grep -q '^ready' "$1" 2>/dev/null && return 0; sleep 0.2; done; return 1; }
"$PY" "$REPO/tests/lib/faultproxy.py" serve "$PROXY" "$CTRL_PORT" "$PROXY" "$S" 445 >"$LOG/proxy.out" 2>&1 &
PROXY_PID=$!
wait_ready "$LOG/proxy.out" || { fail "faults.proxy" "did not start: $(tail -2 "$LOG/proxy.out")"; exit 1; }
: > "$LOG/rogue.accepts"
ROGUE_PASSWORD="$SAMBA_ADMIN_PASS" "$PY" "$REPO/tests/lib/rogue_smb2.py" "$ROGUE_IP" "$ROGUE_BASE" "$LOG/rogue.accepts" >"$LOG/rogue.out" 2>&1 &
ROGUE_PID=$!
wait_ready "$LOG/rogue.out" || { fail "faults.rogue" "did not start: $(tail -2 "$LOG/rogue.out")"; exit 1; }
rport() { awk -v m="$1" '$1=="mode" && $2==m { print $3 }' "$LOG/rogue.out"; }

# Documented codes: the README's error table.
# Rows are one code ("59") or a range ("1726–1918", en dash): passed as "A-B".
CODES=$(awk -F'|' '/^## Errors/ { t=1; next } /^## / { t=0 }
    t { c=$2; gsub(/ /,"",c); gsub(/–/,"-",c); if (c ~ /^[0-9]+(-[0-9]+)?$/) printf "%s,", c }' README.md)
CODES=${CODES%,}
USERS="$SAMBA_ADMIN_USER,$SAMBA_USER1"
ADMIN_ENV=(NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS")

# run_cases EXE CASEFILE NAMEPREFIX: every case, restarting after a crash,
# and a new process every 250 cases: each case's fresh cache entry keeps its
# (dead) socket, and with ~1,200 of them in one 32-bit process Wine 8's
# wineserver once died on an assertion (server/sock.c complete_async_poll).
# The program's output goes to a file watched here: a process that prints
# nothing for STUCK seconds (its own watchdog ends a case after 2 timeouts +
# 10 s; this catches what it cannot, e.g. a wineserver gone) is stopped, and
# the run goes on with the next case.
run_cases() {
    local exe=$1 cases=$2 pfx=$3 start=0 n out rc last to wpid cur seen idle tries=0
    local STUCK=$(( 2 * TMO / 1000 + 30 ))
    n=$(grep -vc '^#' "$cases")
    [ "$n" -gt 0 ] || return 0
    cur="$LOG/$pfx.current"
    while :; do
        to=$(( (n - start) * (2 * TMO / 1000 + 11) + 60 ))
        env "${ADMIN_ENV[@]}" WT_FAULTS_BATCH=250 WINE_STDERR="$LOG/$pfx.stderr" bash -c 'source "$1"; shift; wine_run "$@"' _ \
            "$REPO/tests/lib/wine.sh" "$PREFIX" "$to" "$exe" "$(wine_winpath "$cases")" "$start" \
            "$PROXY" "$CTRL_PORT" "$S" "$TMO" "$CODES" "$USERS" "$pfx" > "$cur" &
        wpid=$!
        seen=0 idle=0
        while kill -0 "$wpid" 2>/dev/null; do
            sleep 1
            if [ "$(wc -l < "$cur")" != "$seen" ]; then seen=$(wc -l < "$cur"); idle=0
            elif [ $((++idle)) -ge "$STUCK" ]; then
                echo "FAIL: $pfx.case$(awk '$1=="CASE" { c=$2 } END { print c }' "$cur"): no output for ${STUCK} s (process stopped)" >> "$cur"
                pkill -TERM -P "$wpid" 2>/dev/null   # its `timeout`, which stops wine
                break
            fi
        done
        wait "$wpid"; rc=$?
        out=$(cat "$cur")
        printf '%s\n' "$out" >> "$LOG/$pfx.stdout"
        printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIPPED): '
        if printf '%s\n' "$out" | grep -q '^NEXT '; then
            start=$(printf '%s\n' "$out" | awk '$1=="NEXT" { print $2 }'); continue
        fi
        printf '%s\n' "$out" | grep -q '^DONE' && break
        last=$(printf '%s\n' "$out" | awk '$1=="CASE" { c=$2 } END { print c }')
        if [ -z "$last" ]; then
            # once seen on a busy machine: the first process died before its
            # first line (rc 0, no output); one more try before calling it a failure
            [ $((++tries)) -le 1 ] && { echo "faults: $pfx: no output (rc $rc), starting it again" >&2; continue; }
            fail "$pfx.run" "the program did not start (rc $rc; $(tail -2 "$LOG/$pfx.stderr" | tr '\n' ' '))"; break
        fi
        # the program's watchdog already reported a hang; anything else is a crash
        printf '%s\n' "$out" | sed -n "/^CASE $last\$/,\$p" | grep -q '^FAIL: ' ||
            fail "$pfx.case$last" "the process ended inside this case (rc $rc: crash or hang): $(grep -v '^#' "$cases" | sed -n "$((last + 1))p")"
        start=$((last + 1))
        [ "$start" -ge "$n" ] && break
    done
}

# ---- cases -----------------------------------------------------------------------
PROFILE_CASES="$WT/profile.cases"
# twice: the first call also starts Samba's RPC daemon (samba-dcerpcd), whose
# start makes Samba answer that call with an extra interim STATUS_PENDING
printf 'proxy none c2s 0 0 %s\n' "$SEED" "$SEED" > "$PROFILE_CASES"
# (on a busy machine that start alone can take seconds: a generous timeout)
TMO=30000 run_cases "$X64_EXE" "$PROFILE_CASES" faults.x64.profile
FRAMES=$(grep -h '^# frames' "$LOG/faults.x64.profile.stdout" | tail -1 | sed 's/.*\(c2s=\)/\1/')
if ! printf '%s' "$FRAMES" | grep -qE '^c2s=[0-9]'; then
    fail "faults.profile" "no frame profile from the healthy call: $(grep -h '^# ' "$LOG/faults.x64.profile.stdout" | tail -2)"
    FRAMES=""
fi
echo "faults: profile of one call: $FRAMES" >&2

CASES="$WT/cases.txt"
{
    if [ -n "$FRAMES" ]; then
        if [ $FULL = 1 ]; then "$PY" tests/lib/faultproxy.py plan "$FRAMES" "$SEED"
        else "$PY" tests/lib/faultproxy.py plan "$FRAMES" "$SEED" "$SAMPLE"; fi | sed 's/^/proxy /'
    fi
    # a man in the middle downgrading Samba's (3.1.1) final SESSION_SETUP
    # response: IS_GUEST or IS_NULL set, or the SIGNED header flag cleared;
    # s2c frame 2 is that response (offset 70 = SessionFlags, 20 = Flags)
    if [ -n "$FRAMES" ]; then
        echo "proxy flip s2c 2 70 bit0 59,1272"
        echo "proxy flip s2c 2 70 bit1 59,1272"
        echo "proxy flip s2c 2 20 bit3 59"
    fi
    if [ $ROGUE = 1 ]; then
        R=$ROGUE_IP
        # NAME IP PORT CREDS CODE ENTRIES THREADS
        echo "rogue rogue.guest_with_creds $R $(rport guest) yes 1272 -1 1"
        echo "rogue rogue.null_with_creds $R $(rport null) yes 1272 -1 1"
        echo "rogue rogue.unsigned_answers $R $(rport unsigned) yes 59 -1 1"
        # knows the password and signs, but never proves it in SPNEGO; the
        # control (same server with the mechListMIC) must succeed
        echo "rogue rogue.missing_mechlistmic $R $(rport nomic) yes 59 -1 1"
        echo "rogue rogue.signed_with_mechlistmic_control $R $(rport signed_ok) yes 0 2 1"
        echo "rogue rogue.pending_forever $R $(rport pending) no 121 -1 1"
        echo "rogue rogue.pending_two_callers $R $(rport pending) no 121 -1 2"
        echo "rogue rogue.paging_three_pages $R $(rport paging) no 0 6 1"
        echo "rogue rogue.repeated_resume_handle $R $(rport repeat) no 59 -1 1"
        echo "rogue rogue.werror8 $R $(rport werror8) no 8 -1 1"
        echo "rogue rogue.werror8_again $R $(rport werror8) no 8 -1 1"
        echo "rogue rogue.werror59 $R $(rport werror59) no 59 -1 1"
        echo "rogue rogue.werror59_again $R $(rport werror59) no 59 -1 1"
        echo "rogue rogue.rpc_fault_access_denied $R $(rport fault5) no 5 -1 1"
        # a server refusing every compounded request: one request at a time
        echo "rogue rogue.compound_refused_falls_back $R $(rport nocompound) no 0 2 1"
        for m in ndr_count ndr_maxcount ndr_strlen ndr_nullbuf ndr_trunc ndr_referent; do
            echo "rogue rogue.hostile_$m $R $(rport $m) no 59 -1 1"
        done
    fi
} > "$CASES"
echo "faults: $(grep -c '^proxy' "$CASES") proxy cases, $(grep -c '^rogue' "$CASES") rogue cases (seed $SEED, timeout ${TMO} ms)" >&2

# Harness self-check: each rogue mode really delivered its hostile element
# (a session for guest/null/unsigned, the srvsvc answer for the others), so
# that an early unrelated failure cannot pass for the expected code.
# A server's WERROR is an answer, not a broken connection: the second call of
# each pair must reuse the first one's connection.
check_reuse() { # PREFIX
    [ $ROGUE = 1 ] || return 0
    local m c ev
    for m in guest null unsigned nomic signed_ok pending paging repeat werror8 werror59 fault5 \
             ndr_count ndr_maxcount ndr_strlen ndr_nullbuf ndr_trunc ndr_referent nocompound; do
        ev=served; case $m in guest|null|unsigned|nomic) ev=setup ;; esac
        if grep -q "^$ev $m\$" "$LOG/rogue.accepts"; then pass "$1.rogue.${m}_delivered"
        else fail "$1.rogue.${m}_delivered" "the rogue server never reached '$ev' in mode $m (harness or protocol error)"; fi
    done
    if grep -q "^refused nocompound\$" "$LOG/rogue.accepts"; then pass "$1.rogue.nocompound_refused_a_compound"
    else fail "$1.rogue.nocompound_refused_a_compound" "the DLL never sent the rogue server a compound"; fi
    for m in werror8 werror59; do
        c=$(grep -c "^accept $m\$" "$LOG/rogue.accepts")
        if [ "$c" = 1 ]; then pass "$1.rogue.${m}_keeps_connection"
        else fail "$1.rogue.${m}_keeps_connection" "$c connections for two calls (a server's answer dropped the connection)"; fi
    done
}

run_cases "$X64_EXE" "$CASES" faults.x64
check_reuse faults.x64

if [ $X86 = 0 ]; then
    :
elif ! wine32_usable; then
    skip "faults.x86" "$WINE32_WHY"
elif X86_EXE=$(build_exe i686); then
    : > "$LOG/rogue.accepts"
    run_cases "$X86_EXE" "$CASES" faults.x86
    check_reuse faults.x86
else
    fail "faults.x86.build" "$(tail -3 "$LOG/build.i686.log")"
fi

echo "faults: finished in $(( $(date +%s) - T0 )) s" >&2
exit 0
}
