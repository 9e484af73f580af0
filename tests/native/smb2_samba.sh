#!/usr/bin/env bash
# Integration checks of the smb2 layer (through tools/native smbprobe) against
# a private Samba on 127.0.0.50: anonymous and user logons, every dialect,
# signing mandatory, validate negotiate on a 3.0-only server, guest fallback
# refused with credentials (1272), encryption required (server-wide and per
# share), wrong password, closed port, unknown host.
#
#   bash tests/native/smb2_samba.sh [path/to/smbprobe]
#
# Needs root (loopback alias, port 445, unix users).  Prints PASS/FAIL/SKIPPED
# lines; exits 1 when any check failed.  Always stops Samba and removes the
# alias.
set -u

NAME=smb2_samba
IP=127.0.0.50
ADM=smb2adm
USR=smb2usr
GRP=smb2admins
PASS_ADM='Adm1n-Pass!'
PASS_USR='Us3r-Pass!'
HERE=$(cd "$(dirname "$0")/../.." && pwd)
# under this checkout's build dir, not a fixed /tmp path: the stop below kills
# by config path, and a shared path let concurrent runs kill each other's smbd
case "${BUILD:-build}" in /*) DIR="${BUILD}/smb2-samba" ;; *) DIR="$HERE/${BUILD:-build}/smb2-samba" ;; esac
PROBE=${1:-${SMBPROBE:-$HERE/build/native/tools/smbprobe}}

if [ "$(id -u)" != 0 ]; then
    echo "SKIPPED: $NAME: not root"
    exit 0
fi
if ! command -v smbd >/dev/null 2>&1; then
    echo "SKIPPED: $NAME: smbd not installed"
    exit 0
fi
if [ ! -x "$PROBE" ]; then
    echo "SKIPPED: $NAME: smbprobe not built ($PROBE)"
    exit 0
fi

failures=0
added_alias=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; failures=$((failures + 1)); }

stop_samba() {
    if [ -f "$DIR/run/smbd.pid" ]; then
        local pid
        pid=$(cat "$DIR/run/smbd.pid" 2>/dev/null)
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null
        fi
        rm -f "$DIR/run/smbd.pid"
    fi
    # samba-dcerpcd/rpcd helpers started on demand by this smbd (same config)
    local p
    for p in $(pgrep -f -- "$DIR/smb.conf" 2>/dev/null); do kill "$p" 2>/dev/null; done
}

cleanup() {
    stop_samba
    if [ "$added_alias" = 1 ]; then ip addr del "$IP/32" dev lo 2>/dev/null; fi
    rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

write_conf() { # $1: extra [global] lines, $2: extra IPC$ lines
    cat >"$DIR/smb.conf" <<EOF
[global]
    workgroup = SMB2TEST
    netbios name = SMB2TEST
    server role = standalone server
    security = user
    passdb backend = tdbsam:$DIR/private/passdb.tdb
    interfaces = $IP/32
    bind interfaces only = yes
    smb ports = 445
    disable netbios = yes
    private dir = $DIR/private
    lock directory = $DIR/lock
    state directory = $DIR/state
    cache directory = $DIR/cache
    pid directory = $DIR/run
    ncalrpc dir = $DIR/ncalrpc
    log file = $DIR/log/log.%m
    log level = 1
    max log size = 0
    load printers = no
    printing = bsd
    printcap name = /dev/null
    disable spoolss = yes
    server min protocol = SMB2_02
    map to guest = never
    restrict anonymous = 0
$1
[IPC\$]
    path = $DIR/share
$2
EOF
}

start_samba() { # $1/$2 as write_conf
    stop_samba
    # the previous server's processes may hold the port a moment longer
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/$IP/445") 2>/dev/null || break; sleep 0.1; done
    write_conf "$1" "${2:-}"
    smbd -D -s "$DIR/smb.conf" || return 1
    # up to 30 s: on a loaded 2-core machine smbd can take well over 10 s to listen
    for _ in $(seq 300); do
        if (exec 3<>"/dev/tcp/$IP/445") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}

rm -rf "$DIR"
mkdir -p "$DIR"/{private,lock,state,cache,run,ncalrpc,log,share}
chmod 700 "$DIR/private"

if ! ip addr show dev lo | grep -q "inet $IP/"; then
    ip addr add "$IP/32" dev lo || { echo "SKIPPED: $NAME: cannot add $IP"; exit 0; }
    added_alias=1
fi

getent group "$GRP" >/dev/null || groupadd "$GRP"
id "$ADM" >/dev/null 2>&1 || useradd -M -N -g "$GRP" -s /usr/sbin/nologin "$ADM"
id "$USR" >/dev/null 2>&1 || useradd -M -N -s /usr/sbin/nologin "$USR"

write_conf "" ""
printf '%s\n%s\n' "$PASS_ADM" "$PASS_ADM" | pdbedit -s "$DIR/smb.conf" -a -u "$ADM" -t >/dev/null 2>&1
printf '%s\n%s\n' "$PASS_USR" "$PASS_USR" | pdbedit -s "$DIR/smb.conf" -a -u "$USR" -t >/dev/null 2>&1
net -s "$DIR/smb.conf" groupmap add sid=S-1-5-32-544 unixgroup="$GRP" type=builtin >/dev/null 2>&1

# probe NAME EXPECT(ok|<win32 code>) GREP(optional, matched on the OK line) ARGS...
probe() {
    local name=$1 expect=$2 want=$3
    shift 3
    local out
    out=$(timeout 60 "$PROBE" "$@" 2>"$DIR/probe.err")
    if [ "$expect" = ok ]; then
        if ! grep -q '^OK ' <<<"$out"; then
            fail "$name" "expected success, got: $(tr '\n' ' ' <<<"$out") $(tail -n 3 "$DIR/probe.err" | tr '\n' ' ')"
        elif [ -n "$want" ] && ! grep -q -- "$want" <<<"$out"; then
            fail "$name" "expected '$want' in: $out"
        else
            pass "$name"
        fi
    else
        if grep -q "^ERROR $expect\$" <<<"$out"; then
            pass "$name"
        else
            fail "$name" "expected ERROR $expect, got: $(tr '\n' ' ' <<<"$out")"
        fi
    fi
}

ADMARGS=(--user "$ADM" --password "$PASS_ADM")
USRARGS=(--user "$USR" --password "$PASS_USR")

# ---- default signing ----
if start_samba "" ""; then
    probe "anonymous" ok "signing=0" "$IP"
    probe "user login (admin)" ok "signing=1 encryption=0" "$IP" "${ADMARGS[@]}"
    # TREE_CONNECT + CREATE + bind as one compound: NEGOTIATE, 2 SESSION_SETUPs, the compound
    probe "compound: connect + bind in 4 round trips" ok "bind_ack=.* round_trips=4" "$IP" "${ADMARGS[@]}"
    probe "no compound: connect + bind in 6 round trips" ok "bind_ack=.* round_trips=6" "$IP" "${ADMARGS[@]}" --compound 0
    out=$(NETAPI32_TRACE=1 timeout 60 "$PROBE" "$IP" "${ADMARGS[@]}" 2>&1)
    if grep -q '^OK ' <<<"$out" && ! grep -q 'compound refused' <<<"$out"; then
        pass "compound accepted by Samba"
    else
        fail "compound accepted by Samba" "$(grep -E '^OK|^ERROR|compound' <<<"$out" | tr '\n' ' ')"
    fi
    probe "user login (normal user)" ok "signing=1" "$IP" "${USRARGS[@]}"
    probe "user login DOMAIN\\user" ok "signing=1" "$IP" --user "SMB2TEST\\$USR" --password "$PASS_USR"
    for d in 0x0202 0x0210 0x0300 0x0302 0x0311; do
        probe "dialect $d signed" ok "dialect=$d signing=1" "$IP" --min-dialect "$d" --max-dialect "$d" "${ADMARGS[@]}"
        probe "dialect $d anonymous" ok "dialect=$d signing=0" "$IP" --min-dialect "$d" --max-dialect "$d"
    done
    probe "max dialect 0x0300 negotiates 0x0300" ok "dialect=0x0300" "$IP" --max-dialect 0x0300 "${ADMARGS[@]}"
    probe "wrong password -> 1326" 1326 "" "$IP" --user "$ADM" --password wrong
    probe "unknown user -> 1326" 1326 "" "$IP" --user nosuchuser --password wrong
    probe "unc name mismatch still connects" ok "" "$IP" --unc SMB2TEST "${USRARGS[@]}"
    probe "parallel held sessions" ok "" "$IP" "${ADMARGS[@]}" --hold 3 --seconds 1
    n=$(timeout 60 "$PROBE" "$IP" "${ADMARGS[@]}" --hold 3 --seconds 1 2>/dev/null | grep -c '^OK ')
    [ "$n" = 3 ] && pass "three sessions held" || fail "three sessions held" "got $n OK lines"
else
    fail "start samba (default)" "smbd did not come up; see $DIR/log"
fi

# ---- signing mandatory ----
if start_samba "    server signing = mandatory" ""; then
    for d in 0x0202 0x0210 0x0300 0x0302 0x0311; do
        probe "signing mandatory dialect $d" ok "dialect=$d signing=1" "$IP" --min-dialect "$d" --max-dialect "$d" "${ADMARGS[@]}"
    done
    probe "signing mandatory wrong password -> 1326" 1326 "" "$IP" --user "$USR" --password nope
else
    fail "start samba (signing mandatory)" "smbd did not come up"
fi

# ---- a 3.0-only server: FSCTL_VALIDATE_NEGOTIATE_INFO runs and must agree ----
if start_samba "    server max protocol = SMB3_00" ""; then
    out=$(NETAPI32_TRACE=1 timeout 60 "$PROBE" "$IP" "${ADMARGS[@]}" 2>&1)
    if grep -q '^OK dialect=0x0300 signing=1' <<<"$out" &&
        grep -q 'validate negotiate: status 0x00000000 -> 0' <<<"$out"; then
        pass "SMB3_00 server: validate negotiate verified"
    else
        fail "SMB3_00 server: validate negotiate verified" "$(grep -E '^OK|^ERROR|validate' <<<"$out" | tr '\n' ' ')"
    fi
    probe "SMB3_00 server, anonymous (nothing to validate)" ok "dialect=0x0300 signing=0" "$IP"
else
    fail "start samba (SMB3_00)" "smbd did not come up"
fi

# ---- guest fallback: with credentials a guest session is refused (1272) ----
if start_samba "    map to guest = bad user" ""; then
    for d in 0x0210 0x0300 0x0311; do
        probe "unknown user mapped to guest, dialect $d -> 1272" 1272 "" "$IP" --min-dialect "$d" --max-dialect "$d" \
            --user nosuchuser --password whatever
    done
    probe "map to guest: real user still signs" ok "signing=1" "$IP" "${USRARGS[@]}"
    probe "map to guest: anonymous still works" ok "signing=0" "$IP"
else
    fail "start samba (map to guest)" "smbd did not come up"
fi

# ---- encryption required, server-wide ----
if start_samba "    server smb encrypt = required" ""; then
    for d in 0x0300 0x0302 0x0311; do
        probe "encrypt required dialect $d" ok "dialect=$d signing=1 encryption=1" "$IP" --min-dialect "$d" --max-dialect "$d" "${ADMARGS[@]}"
    done
    probe "encrypt required: one encrypted compound (4 round trips)" ok "encryption=1 bind_ack=.* round_trips=4" "$IP" "${ADMARGS[@]}"
    probe "encrypt required, 2.1 only -> refused" 5 "" "$IP" --max-dialect 0x0210 "${ADMARGS[@]}"
    probe "encrypt required, anonymous -> refused" 5 "" "$IP"
else
    fail "start samba (encrypt required)" "smbd did not come up"
fi

# ---- encryption required on IPC$ only ----
if start_samba "" "    smb encrypt = required"; then
    for d in 0x0300 0x0311; do
        probe "share encrypt dialect $d" ok "dialect=$d signing=1 encryption=1" "$IP" --min-dialect "$d" --max-dialect "$d" "${USRARGS[@]}"
    done
    probe "share encrypt, no compound" ok "signing=1 encryption=1" "$IP" "${USRARGS[@]}" --compound 0
else
    fail "start samba (share encrypt)" "smbd did not come up"
fi
stop_samba

# ---- transport errors ----
probe "closed port -> connection refused (1225)" 1225 "" "$IP" --port 1 --timeout 3000
probe "unknown host -> 53" 53 "" "no-such-host.invalid" --timeout 3000

[ "$failures" = 0 ] || exit 1
exit 0
