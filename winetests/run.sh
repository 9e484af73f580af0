#!/usr/bin/env bash
# winetests/run.sh -- the Windows-side tests: unmodified Windows programs under
# Wine, with our netapi32.dll installed in a throwaway prefix, against private
# Samba servers on loopback aliases.  Prints PASS:/FAIL:/SKIPPED: lines.
# ONE list of parts (PARTS) runs for x64 and then, where 32-bit Wine runs, for
# x86 with the i686 programs and DLL (check names prefixed "x86."); each
# architecture starts from freshly started servers and held sessions.
#
#   bash winetests/run.sh [--builtin] [--only enum|errors|getinfo|creds|netsess|threads|del|seeds]
#
#   --builtin   dry run against Wine's builtin netapi32 (our DLL not installed):
#               most checks must FAIL, which proves they test something.
#
# Servers (addresses 127.0.0.2 .. 127.0.0.9 are this harness's):
#   s1 127.0.0.2  default Samba; sessions: ntsuser1 and ntsuser2 (smbclient,
#                 client 127.0.0.2) and ntsuser1 from source 127.0.0.4 (impacket)
#   s2 127.0.0.3  `server signing = mandatory`; session: ntsuser2 (smbclient)
#   127.0.0.8     a listener that never answers (proves "no traffic")
#   127.0.0.9     nothing listens (closed port)
# Every smbd, smbclient and holder started here is stopped and every alias
# removed on exit (trap), also when a check fails.
set -u
# hermetic: credentials only from what each check passes
unset NETAPI32_USER NETAPI32_PASSWORD NETAPI32_AUTH_FILE NETAPI32_TRACE
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
BUILTIN=0
ONLY=""
while [ $# -gt 0 ]; do
    case "$1" in
        --builtin) BUILTIN=1 ;;
        --only) ONLY="$2"; shift ;;
        *) echo "usage: $0 [--builtin] [--only enum|errors|getinfo|creds|netsess|threads|del|seeds]" >&2; exit 2 ;;
    esac
    shift
done
want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

source "$REPO/tests/lib/samba.sh"
source "$REPO/tests/lib/wine.sh"

WT="$REPO/$BUILD/winetests-run"
mkdir -p "$WT"
LOG="$WT/log"; mkdir -p "$LOG"

pass() { echo "PASS: $TAG$1"; }
# failure reasons: one line, bounded (program output may hold crash dumps)
fail() { local r; r=$(printf '%s' "$2" | tr '\r\n\t' '   ' | tr -s ' ' | cut -c1-300); echo "FAIL: $TAG$1: $r"; }
skip() { echo "SKIPPED: $TAG$1: $2"; }

ALL_GROUPS=(enum seeds errors getinfo creds netsess threads del)   # = PARTS, in run order
TAG=""    # "" for x64, "x86." for x86: prefixes every check name
skip_all() {
    local g
    for g in "${ALL_GROUPS[@]}"; do want "$g" && skip "winetests.$g" "$1" && skip "winetests.x86.$g" "$1"; done
    exit 0
}

# ---- prerequisites ---------------------------------------------------------------
samba_can_run || skip_all "$SAMBA_WHY"
wine_available || skip_all "wine is not installed"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import impacket' 2>/dev/null || skip_all "python3-impacket is not installed"

# Both architectures' programs, DLLs and netsess.exe, before `make install`
# copies them into the prefix (the i686 ones into syswow64).
if ! make -s -f Makefile.mingw BUILD="$BUILD" winetests-x86_64 winetests-i686 >"$LOG/build.log" 2>&1; then
    fail "winetests.build" "building the test programs failed: $(tail -3 "$LOG/build.log" | tr '\n' ' ')"
    exit 1
fi
X64="$REPO/$BUILD/x86_64"
if [ $BUILTIN = 0 ]; then
    make -s -f Makefile.mingw BUILD="$BUILD" x86_64 i686 >>"$LOG/build.log" 2>&1
fi

# ---- cleanup ---------------------------------------------------------------------
LISTENER_PID=""
PREFIX="$WT/prefix"
cleanup() {
    samba_stop_all
    [ -n "$LISTENER_PID" ] && kill "$LISTENER_PID" 2>/dev/null && wait "$LISTENER_PID" 2>/dev/null
    wine_prefix_stop "$PREFIX"
    return 0
}
mkdir -p "$SAMBA_ROOT_DIR"; rm -f "$SAMBA_ROOT_DIR/holders"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

T0=$(date +%s)

# ---- prefix ----------------------------------------------------------------------
if ! wine_prefix_new "$PREFIX"; then
    fail "winetests.prefix" "wineboot failed (see $PREFIX.boot.log)"; exit 1
fi
if [ $BUILTIN = 1 ]; then
    echo "winetests: DRY RUN against Wine's builtin netapi32: checks are expected to FAIL" >&2
    INSTALLED=0
elif [ ! -f "$X64/netapi32.dll" ]; then
    fail "winetests.install" "$BUILD/x86_64/netapi32.dll is not built (see $LOG/build.log)"
    exit 1
elif wine_install "$PREFIX"; then
    pass "winetests.install"; INSTALLED=1
else
    fail "winetests.install" "could not install the DLL into the prefix"; exit 1
fi
# keep one wineserver for the whole run (each program start is then cheap)
wine_server_keep "$PREFIX" 600

# a crashing program must not start the interactive debugger (slow, noisy)
export WINEDLLOVERRIDES="winedbg.exe=d"
ADMIN_ENV=(NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS")
# run a test program; its PASS/FAIL lines go to stdout, the rest to the log
wt() {   # wt NAME TIMEOUT [VAR=VALUE...] EXE ARGS...
    local name=$1 to=$2; shift 2
    local out rc envs=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]] && [[ "$1" != [\\/]* ]]; do envs+=("$1"); shift; done
    out=$(env "${envs[@]}" WINE_STDERR="$LOG/$name.stderr" bash -c 'source "$1"; shift; wine_run "$@"' _ \
          "$REPO/tests/lib/wine.sh" "$PREFIX" "$to" "$@")
    rc=$?
    printf '%s\n' "$out" > "$LOG/$name.stdout"
    printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIPPED): ' | sed -E "s/^(PASS|FAIL|SKIPPED): /\1: $TAG/"
    if [ $rc = 124 ] || [ $rc = 137 ]; then fail "$name" "timed out after ${to}s"
    elif [ $rc != 0 ] && [ $rc != 1 ]; then fail "$name" "exited with status $rc (crash?) after: $(printf '%s\n' "$out" | tail -1)"; fi
    if ! printf '%s\n' "$out" | grep -qE '^(PASS|FAIL|SKIPPED): '; then
        fail "$name" "no result lines (rc $rc; $(tail -2 "$LOG/$name.stderr" | tr '\n' ' ')$(printf '%s' "$out" | head -2 | tr '\n\r' '  ' | cut -c1-160))"
    fi
    return 0
}
wine_cmd() { # wine_cmd TIMEOUT [VAR=VALUE...] EXE ARGS  (raw output, for seed samples)
    local to=$1; shift
    local envs=()
    while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do envs+=("$1"); shift; done
    env "${envs[@]}" WINEPREFIX="$PREFIX" DISPLAY= timeout -k 5 "$to" wine "$@"
}

# ---- servers: fresh for each architecture ------------------------------------------
S1=127.0.0.2; S2=127.0.0.3; SRC2=127.0.0.4; NOTRAFFIC=127.0.0.8; CLOSED=127.0.0.9
wait_sessions() { # NAME COUNT: until smbstatus shows COUNT sessions (bounded)
    local i
    for i in $(seq 1 75); do
        [ "$(samba_truth_sessions "$1" | wc -l)" -ge "$2" ] && return 0
        sleep 0.2
    done
    return 1
}
# Truth file for server NAME at IP: S lines from impacket level 1 (impacket's own
# admin session stands for ours, with its moving counters wildcarded), U lines
# from smbstatus -b plus our own admin session.
make_truth() {
    local name=$1 ip=$2 out=$3 imp st
    imp=$(samba_impacket_sessions "$ip" 1 2>"$LOG/impacket.$name.err") ||
        { fail "truth.$name.impacket" "impacket NetrSessionEnum failed: $(cat "$LOG/impacket.$name.err")"; return 1; }
    st=$(samba_truth_sessions "$name")
    {
        printf '%s\n' "$imp" | awk -F'\t' -v a="$SAMBA_ADMIN_USER" 'NF>=6 {
            c=$1; sub(/^\\\\/,"",c)
            if ($2==a) print "S\t" c "\t" $2 "\t*\t*\t*\t*"
            else print "S\t" c "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }'
        printf '%s\n' "$st" | awk 'NF==2 { print "U\t" $1 "\t" $2 }'
        printf 'U\t%s\t%s\n' "$SAMBA_ADMIN_USER" "$ip"
    } > "$out"
    # harness self-check: the two truths agree (minus impacket's own session)
    local a b
    a=$(printf '%s\n' "$imp" | awk -F'\t' -v a="$SAMBA_ADMIN_USER" 'NF>=6 && $2!=a { c=$1; sub(/^\\\\/,"",c); print $2, c }' | sort)
    b=$(printf '%s\n' "$st" | sort)
    if [ "$a" = "$b" ] && [ -n "$a" ]; then pass "truth.$name.smbstatus_equals_impacket"
    else fail "truth.$name.smbstatus_equals_impacket" "impacket [$(echo $a)] smbstatus [$(echo $b)]"; fi
}
# (Re)start s1 and s2 with their held sessions and write the truth files: parts
# end sessions (netsess, del), so every architecture starts from this same state.
servers_fresh() {
    samba_release
    samba_stop s1; samba_stop s2
    if ! samba_start s1 "$S1"; then fail "winetests.samba.s1" "smbd did not start (see $SAMBA_ROOT_DIR/s1)"; return 1; fi
    if ! samba_start s2 "$S2" "server signing = mandatory"; then fail "winetests.samba.s2" "smbd did not start"; return 1; fi
    samba_hold_session s1 "$S1" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
    samba_hold_session s1 "$S1" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
    samba_hold_session_from s1 "$S1" "$SRC2" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
    samba_hold_session s2 "$S2" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
    wait_sessions s1 3 || fail "winetests.samba.s1.sessions" "held sessions did not appear: $(samba_truth_sessions s1 | tr '\n' ';')"
    wait_sessions s2 1 || fail "winetests.samba.s2.sessions" "held session did not appear"
    make_truth s1 "$S1" "$WT/truth.s1.txt"
    make_truth s2 "$S2" "$WT/truth.s2.txt"
    TRUTH1=$(wine_winpath "$WT/truth.s1.txt")
    TRUTH2=$(wine_winpath "$WT/truth.s2.txt")
}

# ---- issue 2: NetSessionEnum ---------------------------------------------------------
part_enum() {
    wt enum.s1 120 "${ADMIN_ENV[@]}" "$ENUM" full "\\\\$S1" "$TRUTH1" enum --derived
    wt enum.signing 120 "${ADMIN_ENV[@]}" "$ENUM" full "\\\\$S2" "$TRUTH2" enum.signing --derived
    # server name forms
    wt enum.name.plain_ip 60 "${ADMIN_ENV[@]}" "$ENUM" expect "$S1" 1 - - 0 enum.name.plain_ip
    # argument errors; the listener logs any connection attempt
    : > "$WT/notraffic.log"
    /usr/bin/python3 tests/lib/listener.py "$NOTRAFFIC" 445 "$WT/notraffic.log" > "$WT/listener.out" 2>&1 &
    LISTENER_PID=$!
    local i
    for i in $(seq 1 25); do grep -q ready "$WT/listener.out" 2>/dev/null && break; sleep 0.2; done
    wt enum.args 60 "${ADMIN_ENV[@]}" "$ENUM" args "\\\\$NOTRAFFIC"
    if [ -s "$WT/notraffic.log" ]; then fail "enum.bad_level.no_traffic" "the DLL connected: $(head -1 "$WT/notraffic.log")"
    else pass "enum.bad_level.no_traffic"; fi
    kill "$LISTENER_PID" 2>/dev/null; wait "$LISTENER_PID" 2>/dev/null; LISTENER_PID=""
    # network and name errors
    wt enum.unknown_host 60 "${ADMIN_ENV[@]}" "$ENUM" expect '\\nonexistent-host.invalid' 1 - - 53 enum.unknown_host
    wt enum.closed_port 60 "${ADMIN_ENV[@]}" "$ENUM" expect "\\\\$CLOSED" 1 - - 53 enum.closed_port
    wt enum.bad_name.1 30 "${ADMIN_ENV[@]}" "$ENUM" expect '\\srv\share' 1 - - 2351 enum.bad_name.backslash_inside
    wt enum.bad_name.2 30 "${ADMIN_ENV[@]}" "$ENUM" expect '\\\\srv' 1 - - 2351 enum.bad_name.four_backslashes
    wt enum.bad_name.3 30 "${ADMIN_ENV[@]}" "$ENUM" expect '\\bad*name?' 1 - - 2351 enum.bad_name.wildcards
    # credentials
    wt enum.non_admin 60 NETAPI32_USER="$SAMBA_USER1" NETAPI32_PASSWORD="$SAMBA_USER1_PASS" \
        "$ENUM" expect "\\\\$S1" 1 - - 5 enum.non_admin_access_denied
    wt enum.wrong_password 60 NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD='Wrong!Pass1' \
        "$ENUM" expect "\\\\$S1" 1 - - 1326 enum.wrong_password_logon_failure
    wt enum.domain_user 60 NETAPI32_USER="$SAMBA_WORKGROUP\\$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" \
        "$ENUM" expect "\\\\$S1" 1 - - 0 enum.credentials.domain_backslash_user
    wt enum.signing.non_admin 60 NETAPI32_USER="$SAMBA_USER2" NETAPI32_PASSWORD="$SAMBA_USER2_PASS" \
        "$ENUM" expect "\\\\$S2" 1 - - 5 enum.signing.non_admin_access_denied
}

# ---- seed sample 003 (unchanged) --------------------------------------------------------
part_seeds() {
    local out err n
    out=$(wine_cmd 60 "${ADMIN_ENV[@]}" "$BIN/seeds/enum_003.exe" "\\\\$S1" 2>"$LOG/seed003.stderr" | tr -d '\r')
    printf '%s\n' "$out" > "$LOG/seed003.stdout"
    err=$(tr -d '\r' < "$LOG/seed003.stderr")
    # each held session (client, user) appears as a Client:/User: pair
    local got want
    got=$(printf '%s\n' "$out" | awk '/Client:/ { c=$2; sub(/^\\\\/,"",c) } /User:/ { print $2, c }' | sort)
    want=$(awk -F'\t' '$1=="S" { print $3, $2 }' "$WT/truth.s1.txt" | sort)
    if [ -n "$got" ] && [ "$got" = "$want" ]; then pass "seed003.lists_every_session"
    else fail "seed003.lists_every_session" "got [$(echo $got)] want [$(echo $want)] stderr [$(echo $err | head -c 200)]"; fi
    n=$(awk -F'\t' '$1=="S"' "$WT/truth.s1.txt" | wc -l)
    if printf '%s\n' "$err" | grep -q "Total of $n entries enumerated"; then pass "seed003.total_line"
    else fail "seed003.total_line" "want 'Total of $n entries enumerated', stderr: $(echo $err | head -c 200)"; fi
    if printf '%s\n' "$out" | grep -q 'Client: \\\\'; then pass "seed003.client_has_unc_prefix"
    else fail "seed003.client_has_unc_prefix" "no 'Client: \\\\' line"; fi
}

# ---- the other parts: one function each in parts.sh (part_errors, part_getinfo,
# part_creds, part_netsess, part_del -- del last: it ends sessions on s1) ---------------
source "$HERE/parts.sh"

# ---- every part, for every architecture ------------------------------------------------
PARTS=("${ALL_GROUPS[@]}")
run_arch() { # run_arch x86_64|i686
    BIN="$REPO/$BUILD/$1"; ENUM="$BIN/winetests/wt_enum.exe"
    LOG="$WT/log/$1"; mkdir -p "$LOG"
    if [ "$1" = i686 ]; then TAG="x86."; SYSDIR=syswow64; else TAG=""; SYSDIR=system32; fi
    servers_fresh || return 0
    local p
    for p in "${PARTS[@]}"; do want "$p" && "part_$p"; done
    return 0
}
run_arch x86_64
# 32-bit: only where 32-bit Windows programs run at all (wine32 installed and the
# kernel runs 32-bit code); otherwise every part is SKIPPED with the reason.
if WINE32_PREFIX="$PREFIX" wine32_usable; then
    run_arch i686
else
    TAG="x86."
    for p in "${PARTS[@]}"; do want "$p" && skip "winetests.$p" "$WINE32_WHY"; done
fi

echo "winetests: finished in $(( $(date +%s) - T0 )) s" >&2
exit 0
