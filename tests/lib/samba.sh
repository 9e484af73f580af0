# tests/lib/samba.sh -- private Samba servers on loopback aliases for the tests.
# Source it (bash).  Needs root; callers check `samba_can_run` first and print
# "SKIPPED: <name>: not root" when it fails.
#
#   samba_start NAME IP [extra smb.conf lines...]   start a private smbd on IP:445
#   samba_stop NAME                                  stop it, remove its alias
#   samba_stop_all                                   stop every server/holder we started
#   samba_hold_session NAME IP USER PASS             keep a real smbclient session open
#                                                    (SAMBA_HOLD_MIN_PROTOCOL=NT1 for an SMB1-only server);
#                                                    prints the holder's pid (also in $SAMBA_HOLD_PID)
#   samba_hold_session_from NAME IP SRC USER PASS   same, from local source address SRC
#   samba_release [PID...]                           end held sessions (all when no PID)
#   samba_truth_sessions NAME                        "user client-ip" lines from smbstatus -b
#   samba_impacket_sessions IP LEVEL [USER PASS]     impacket NetrSessionEnum (independent truth)
#   samba_conf NAME                                  path of NAME's smb.conf
#
# Servers live under $BUILD/samba/NAME (BUILD defaults to "build").  The
# runner installs `trap samba_stop_all EXIT` (samba_trap does it) so that every
# smbd, samba-dcerpcd and smbclient it started is gone and every alias removed,
# even when a check fails or the runner is interrupted.

: "${BUILD:=build}"
SAMBA_ROOT_DIR="${SAMBA_ROOT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/$BUILD/samba}"
SAMBA_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SAMBA_PY=/usr/bin/python3

SAMBA_ADMIN_USER=ntsadmin
SAMBA_ADMIN_PASS='Adm1n!Pass'
SAMBA_USER1=ntsuser1
SAMBA_USER1_PASS='User1!Pass'
SAMBA_USER2=ntsuser2
SAMBA_USER2_PASS='User2!Pass'
SAMBA_ADMIN_GROUP=ntsadmins          # -> BUILTIN\Administrators (may enumerate sessions)
SAMBA_DOMADMIN_GROUP=ntsdomadmins    # -> Domain Admins, RID 512: Samba's NetrSessionDel
                                     #    lets only root or Domain Admins delete sessions
SAMBA_WORKGROUP=NTSESS

declare -gA SAMBA_PIDS=()      # NAME -> smbd pid
declare -gA SAMBA_IPS=()       # NAME -> ip
declare -gA SAMBA_ALIAS=()     # NAME -> 1 when we added the alias
declare -ga SAMBA_HOLDERS=()   # pids of session holders

samba_log() { echo "samba: $*" >&2; }

# 0 when this process can run private servers (root + smbd present).
samba_can_run() {
    [ "$(id -u)" = 0 ] || { SAMBA_WHY="not root"; return 1; }
    command -v smbd >/dev/null 2>&1 || { SAMBA_WHY="smbd not installed"; return 1; }
    command -v ip >/dev/null 2>&1 || { SAMBA_WHY="ip (iproute2) not installed"; return 1; }
    return 0
}

samba_conf() { echo "$SAMBA_ROOT_DIR/$1/smb.conf"; }

samba_trap() { mkdir -p "$SAMBA_ROOT_DIR"; rm -f "$SAMBA_ROOT_DIR/holders"; trap 'samba_stop_all' EXIT; trap 'samba_stop_all; exit 130' INT TERM; }

# Unix users + group, idempotent.
samba_ensure_users() {
    getent group "$SAMBA_ADMIN_GROUP" >/dev/null || groupadd "$SAMBA_ADMIN_GROUP" 2>/dev/null || true
    local u
    for u in "$SAMBA_ADMIN_USER" "$SAMBA_USER1" "$SAMBA_USER2"; do
        id "$u" >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin "$u" 2>/dev/null || id "$u" >/dev/null 2>&1 || return 1
    done
    getent group "$SAMBA_DOMADMIN_GROUP" >/dev/null || groupadd "$SAMBA_DOMADMIN_GROUP" 2>/dev/null || true
    local g
    for g in "$SAMBA_ADMIN_GROUP" "$SAMBA_DOMADMIN_GROUP"; do
        id -nG "$SAMBA_ADMIN_USER" | tr ' ' '\n' | grep -qx "$g" || usermod -a -G "$g" "$SAMBA_ADMIN_USER"
    done
}

# True when something accepts TCP connections on IP:PORT.
samba_port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/$1/${2:-445}" 2>/dev/null
}

# smb.conf lines that keep every file of a private server under DIR.
samba__dir_lines() {
    local d
    for d in "private dir:private" "lock directory:lock" "state directory:state" "cache directory:cache" \
             "pid directory:pid" "ncalrpc dir:ncalrpc" "binddns dir:binddns"; do
        echo "    ${d%%:*} = $1/${d#*:}"
    done
}

samba_start() {
    local name=$1 ip=$2; shift 2
    local dir="$SAMBA_ROOT_DIR/$name" conf
    conf="$dir/smb.conf"
    samba_can_run || { samba_log "cannot start $name: $SAMBA_WHY"; return 1; }
    [ -n "${SAMBA_PIDS[$name]:-}" ] && samba_stop "$name"
    samba_ensure_users || { samba_log "cannot create users"; return 1; }

    if ! ip -4 addr show dev lo | grep -q "inet $ip/32"; then
        ip addr add "$ip/32" dev lo 2>/dev/null && SAMBA_ALIAS[$name]=1
    fi
    SAMBA_IPS[$name]=$ip
    if samba_port_open "$ip" 445; then
        samba_log "$ip:445 is already in use (stale server?)"; return 1
    fi

    rm -rf "$dir"
    mkdir -p "$dir"/{private,lock,state,cache,pid,ncalrpc,binddns,share}
    chmod 1777 "$dir/share"
    local upname=${name^^}
    {
        echo "[global]"
        echo "    netbios name = ${upname:0:15}"
        echo "    workgroup = $SAMBA_WORKGROUP"
        echo "    server role = standalone"
        echo "    interfaces = $ip/32"
        echo "    bind interfaces only = yes"
        echo "    smb ports = 445"
        samba__dir_lines "$dir"
        echo "    passdb backend = tdbsam:$dir/private/passdb.tdb"
        echo "    log file = $dir/log.%m"
        echo "    log level = 1"
        echo "    max log size = 0"
        echo "    disable spoolss = yes"
        echo "    load printers = no"
        echo "    printcap name = /dev/null"
        echo "    disable netbios = yes"
        echo "    server min protocol = SMB2_02"
        local l; for l in "$@"; do echo "    $l"; done
        echo "[data]"
        echo "    path = $dir/share"
        echo "    read only = no"
    } > "$conf"

    net -s "$conf" groupmap add sid=S-1-5-32-544 unixgroup="$SAMBA_ADMIN_GROUP" type=builtin \
        >"$dir/groupmap.log" 2>&1 || { samba_log "groupmap failed: $(cat "$dir/groupmap.log")"; return 1; }
    net -s "$conf" groupmap add ntgroup="Domain Admins" unixgroup="$SAMBA_DOMADMIN_GROUP" rid=512 type=domain \
        >>"$dir/groupmap.log" 2>&1 || { samba_log "groupmap failed: $(cat "$dir/groupmap.log")"; return 1; }
    local u p
    for u in "$SAMBA_ADMIN_USER:$SAMBA_ADMIN_PASS" "$SAMBA_USER1:$SAMBA_USER1_PASS" "$SAMBA_USER2:$SAMBA_USER2_PASS"; do
        p=${u#*:}; u=${u%%:*}
        printf '%s\n%s\n' "$p" "$p" | smbpasswd -c "$conf" -a -s "$u" >>"$dir/smbpasswd.log" 2>&1 ||
            { samba_log "smbpasswd $u failed: $(cat "$dir/smbpasswd.log")"; return 1; }
    done

    # own session: smbd signals its whole process group when it stops
    setsid smbd -F --no-process-group -s "$conf" </dev/null >"$dir/smbd.out" 2>&1 &
    SAMBA_PIDS[$name]=$!
    echo "${SAMBA_PIDS[$name]}" > "$dir/smbd.pid.ours"
    local i
    for i in $(seq 1 100); do           # up to ~20 s
        if samba_port_open "$ip" 445; then return 0; fi
        if ! kill -0 "${SAMBA_PIDS[$name]}" 2>/dev/null; then
            samba_log "smbd $name died: $(tail -5 "$dir/smbd.out")"; unset "SAMBA_PIDS[$name]"; return 1
        fi
        sleep 0.2
    done
    samba_log "smbd $name did not answer on $ip:445"
    samba_stop "$name"
    return 1
}

# Pids of processes started for server NAME: smbd and its children, plus any
# samba-dcerpcd/rpcd_* helper spawned with NAME's config.
samba__pids_of() {
    local name=$1 conf pid
    conf=$(samba_conf "$name")
    pid=${SAMBA_PIDS[$name]:-}
    {
        [ -n "$pid" ] && echo "$pid"
        [ -n "$pid" ] && samba__descendants "$pid"
        local f
        for f in "$SAMBA_ROOT_DIR/$name"/pid/*.pid; do
            [ -f "$f" ] && head -c 20 "$f" | tr -dc '0-9' && echo
        done
        # helpers carry our private config path on their command line
        local p
        for p in /proc/[0-9]*; do
            tr "\\0" " " 2>/dev/null < "$p/cmdline" | grep -qF -- "$conf" && echo "${p#/proc/}"
        done
    } | grep -E '^[0-9]+$' | sort -un
}

samba__descendants() {
    local c
    for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$c"; samba__descendants "$c"
    done
}

samba_stop() {
    local name=$1 pids pid i
    pids=$(samba__pids_of "$name")
    for pid in $pids; do kill -TERM "$pid" 2>/dev/null; done
    for i in $(seq 1 30); do
        local alive=0
        for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.1
    done
    for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
    [ -n "${SAMBA_PIDS[$name]:-}" ] && wait "${SAMBA_PIDS[$name]}" 2>/dev/null
    if [ -n "${SAMBA_IPS[$name]:-}" ] && [ -n "${SAMBA_ALIAS[$name]:-}" ]; then
        ip addr del "${SAMBA_IPS[$name]}/32" dev lo 2>/dev/null
    fi
    unset "SAMBA_PIDS[$name]" "SAMBA_ALIAS[$name]" "SAMBA_IPS[$name]"
    return 0
}

samba_stop_all() {
    samba_release
    local n
    for n in "${!SAMBA_PIDS[@]}"; do samba_stop "$n"; done
    for n in "${!SAMBA_IPS[@]}"; do samba_stop "$n"; done
    return 0
}

# Keeps an smbclient session (USER on //IP/data) open: smbclient reads its
# commands from a fifo that a `sleep` holds open, so it stays connected until
# samba_release.  Prints the holder pid (a subshell owning both).
samba_hold_session() {
    local name=$1 ip=$2 user=$3 pass=$4
    local dir="$SAMBA_ROOT_DIR/$name" fifo
    fifo="$dir/hold.$user.$RANDOM.fifo"
    rm -f "$fifo"; mkfifo "$fifo"
    (
        sleep 100000 > "$fifo" &
        spid=$!
        trap 'kill $spid $cpid 2>/dev/null; exit 0' TERM INT
        smbclient "//$ip/data" -U "$user%$pass" -W "$SAMBA_WORKGROUP" \
            --option="client min protocol=${SAMBA_HOLD_MIN_PROTOCOL:-SMB2_02}" < "$fifo" >"$dir/hold.$user.log" 2>&1 &
        cpid=$!
        wait $cpid
        kill $spid 2>/dev/null
    ) </dev/null >/dev/null 2>&1 &
    local h=$!
    SAMBA_HOLDERS+=("$h")
    # also on disk: samba_release finds holders started inside $(...)
    echo "$h" >> "$SAMBA_ROOT_DIR/holders"
    SAMBA_HOLD_PID=$h
    echo "$h"
}

# Like samba_hold_session, but from local source address SRC (impacket),
# so the server sees another client machine.  Prints the holder pid.
samba_hold_session_from() {
    local name=$1 ip=$2 src=$3 user=$4 pass=$5
    local dir="$SAMBA_ROOT_DIR/$name"
    "$SAMBA_PY" "$SAMBA_LIB_DIR/hold_session.py" "$ip" "$src" "$user" "$pass" \
        </dev/null >"$dir/hold.$user.$src.log" 2>&1 &
    local h=$!
    SAMBA_HOLDERS+=("$h")
    echo "$h" >> "$SAMBA_ROOT_DIR/holders"
    SAMBA_HOLD_PID=$h
    echo "$h"
}

# Wait until smbstatus on NAME shows USER (bounded, ~10 s).
samba_wait_user() {
    local name=$1 user=$2 i
    for i in $(seq 1 50); do
        samba_truth_sessions "$name" | awk '{print $1}' | grep -qx "$user" && return 0
        sleep 0.2
    done
    return 1
}

samba_release() {
    local h pids=("$@") all=0
    if [ ${#pids[@]} = 0 ]; then
        all=1
        pids=("${SAMBA_HOLDERS[@]}")
        [ -f "$SAMBA_ROOT_DIR/holders" ] && pids+=($(cat "$SAMBA_ROOT_DIR/holders"))
    fi
    for h in "${pids[@]}"; do
        local kids
        kids=$(samba__descendants "$h")
        kill -TERM "$h" $kids 2>/dev/null
    done
    for h in "${pids[@]}"; do wait "$h" 2>/dev/null; done
    if [ $all = 1 ]; then SAMBA_HOLDERS=(); rm -f "$SAMBA_ROOT_DIR/holders"; fi
    return 0
}

# Ground truth from the server itself: one "user client-ip" line per session.
samba_truth_sessions() {
    local conf
    conf=$(samba_conf "$1")
    smbstatus -s "$conf" -b 2>/dev/null | awk '
        /^-+$/ { body=1; next }
        body && NF >= 4 && $1 ~ /^[0-9]+$/ {
            m=$4; sub(/^ipv4:/,"",m); sub(/^ipv6:/,"",m)
            # strip :port
            if (m ~ /^\[/) { sub(/\]:[0-9]+$/,"]",m) } else { sub(/:[0-9]+$/,"",m) }
            print $2, m
        }' | sort
}

# Independent client truth through impacket (NetrSessionEnum as ntsadmin).
samba_impacket_sessions() {
    local ip=$1 level=${2:-1} user=${3:-$SAMBA_ADMIN_USER} pass=${4:-$SAMBA_ADMIN_PASS}
    "$SAMBA_PY" "$SAMBA_LIB_DIR/impacket_sessions.py" "$ip" "$level" "$user" "$pass"
}

# ---- NetBIOS name service and SMB1 (issue 11) ----------------------------------
#   samba_start_smb1 NAME IP [extra lines...]   smbd speaking only SMB1 (NT1), which
#                                               also answers RAP on \PIPE\LANMAN
#   samba_start_nmbd NAME IP NBNAME [extra...]  a private nmbd on IP:137 (UDP) with
#                                               NetBIOS name NBNAME
#   samba_start_wins NAME IP                    nmbd as WINS server (wins support = yes)
#   samba_register_wins NAME IP WINSIP NBNAME   nmbd on IP that registers NBNAME<00,03,20>
#                                               with the WINS server WINSIP (and waits,
#                                               ~20 s at most, until WINS answers for it)
#   samba_nbns_lookup WINSIP NBNAME             "ip" from WINSIP for NBNAME<20> (nmblookup)
# Each nmbd is a server NAME like the smbd ones: samba_stop / samba_stop_all
# stop it (found by its private config path) and remove its alias.

samba_start_smb1() {
    local name=$1 ip=$2; shift 2
    samba_start "$name" "$ip" "server min protocol = NT1" "server max protocol = NT1" "$@"
}

samba_start_nmbd() {
    local name=$1 ip=$2 nbname=$3; shift 3
    local dir="$SAMBA_ROOT_DIR/$name" conf l
    conf="$dir/smb.conf"
    samba_can_run || { samba_log "cannot start $name: $SAMBA_WHY"; return 1; }
    command -v nmbd >/dev/null 2>&1 || { samba_log "nmbd not installed"; return 1; }
    [ -n "${SAMBA_PIDS[$name]:-}" ] && samba_stop "$name"
    if ! ip -4 addr show dev lo | grep -q "inet $ip/32"; then
        ip addr add "$ip/32" dev lo 2>/dev/null && SAMBA_ALIAS[$name]=1
    fi
    SAMBA_IPS[$name]=$ip
    rm -rf "$dir"
    mkdir -p "$dir"/{private,lock,state,cache,pid,ncalrpc,binddns}
    {
        echo "[global]"
        echo "    netbios name = $nbname"
        echo "    workgroup = $SAMBA_WORKGROUP"
        echo "    interfaces = $ip/32"
        echo "    bind interfaces only = yes"
        samba__dir_lines "$dir"
        echo "    log file = $dir/log.nmbd"
        echo "    log level = 1"
        echo "    max log size = 0"
        echo "    local master = no"
        echo "    domain master = no"
        echo "    preferred master = no"
        for l in "$@"; do echo "    $l"; done
    } > "$conf"
    setsid nmbd -F --no-process-group -s "$conf" </dev/null >"$dir/nmbd.out" 2>&1 &
    SAMBA_PIDS[$name]=$!
    local i
    # up to ~30 s: nmbd answers for its own name once it has registered it,
    # normally within 1-2 s; a CI run on a loaded machine once took over 10 s
    for i in $(seq 1 150); do
        if nmblookup -U "$ip" --recursion "$nbname" 2>/dev/null | grep -q "^$ip "; then return 0; fi
        if ! kill -0 "${SAMBA_PIDS[$name]}" 2>/dev/null; then
            samba_log "nmbd $name died: $(tail -5 "$dir/nmbd.out")"; unset "SAMBA_PIDS[$name]"; return 1
        fi
        sleep 0.2
    done
    samba_log "nmbd $name did not answer on $ip:137"
    samba_stop "$name"
    return 1
}

samba_start_wins() {
    local name=$1 ip=$2 upname=${1^^}
    samba_start_nmbd "$name" "$ip" "${upname:0:15}" "wins support = yes"
}

samba_nbns_lookup() {
    nmblookup -U "$1" --recursion "$2#20" 2>/dev/null | awk -v n="$2" '$2 ~ "^" toupper(n) "<20>$" {print $1; exit}'
}

samba_register_wins() {
    local name=$1 ip=$2 wins=$3 nbname=$4 i
    samba_start_nmbd "$name" "$ip" "$nbname" "wins server = $wins" || return 1
    for i in $(seq 1 100); do
        [ "$(samba_nbns_lookup "$wins" "$nbname")" = "$ip" ] && return 0
        sleep 0.2
    done
    samba_log "$nbname did not appear in WINS $wins"
    return 1
}
