# tests/lib/addc.sh -- a private Samba Active Directory domain controller (KDC
# and file server) for the Kerberos tests.  Source it (bash), from inside
# tools/isolate.sh: the DC listens on a loopback alias of the private network
# namespace, so it cannot collide with another Samba on the machine.
#
#   addc_can_run                    0 when a DC can run here (root, samba, samba-tool,
#                                   kinit); else sets ADDC_WHY
#   addc_start NAME IP [--no-ntlm] [extra smb.conf lines...]
#                                   provision (or restore the cached provision),
#                                   start `samba -i` in the foreground of a subshell
#                                   we own, wait for the KDC (88) and smbd (445)
#   addc_stop NAME                  stop it (only the processes we started), drop its alias
#   addc_stop_all                   every DC started by this shell
#   addc_kinit NAME USER PASS [LIFETIME] [CCACHE]
#                                   ticket into a private cache (default
#                                   $dir/ccache.USER); prints the cache path
#   addc_env NAME                   prints "export KRB5_CONFIG=... " lines (eval them)
#   addc_keytab NAME PRINCIPAL FILE exports PRINCIPAL's keys (samba-tool domain exportkeytab)
#   addc_tool NAME ARGS...          samba-tool with NAME's config (users, groups, spn)
#   addc_results PREFIX OUTPUT      "RESULT: ok|fail <property>" lines of the Kerberos test
#                                   tools -> the caller's pass/fail/skip PREFIX.<property>
#
# After addc_start: ADDC_DIR ADDC_CONF ADDC_KRB5_CONF ADDC_REALM ADDC_DOMAIN
# ADDC_IP ADDC_HOST (NetBIOS name of the DC) are set for NAME.
#
# Domain: realm ADDC.NTSESS.TEST, NetBIOS domain NTSESSAD, DC "DC1", no DNS
# server (--dns-backend=NONE: the KDC is named by address in our krb5.conf).
# Users (same names and passwords as tests/lib/samba.sh): ntsadmin (member of
# Administrators, which may enumerate sessions, and Domain Admins, which may
# delete them), ntsuser1, ntsuser2.  SPN cifs/<IP> is added to the DC's
# machine account so a client naming the server by address gets a ticket.
#
# The krb5.conf we generate sets dns_canonicalize_hostname = false and
# rdns = false: the SPN the client asks for is exactly the one it was given.
#
# Cache: a provisioned tree (users, groups, SPN included) takes ~10-20 s to
# build; a pristine copy (taken before the first start) is kept in
# $BUILD/addc/cache/<NAME>.<key> and restored with `cp -a` (xattrs/ACLs kept).  The
# key covers the Samba version, this file's text, NAME, IP and the absolute
# directory (paths are written into smb.conf and sam.ldb), so a changed
# script or Samba provisions again.  Only test secrets live there (mode 0700).
# ADDC_NO_CACHE=1 disables it.

: "${BUILD:=build}"
ADDC_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ADDC_ROOT_DIR="${ADDC_ROOT_DIR:-$(cd "$ADDC_LIB_DIR/../.." && pwd)/$BUILD/addc}"

ADDC_REALM=ADDC.NTSESS.TEST
ADDC_DOMAIN=NTSESSAD
ADDC_HOST=DC1
ADDC_DC_ADMIN_PASS='Dc!Admin1Pass'      # the domain's own Administrator
ADDC_ADMIN_USER=ntsadmin
ADDC_ADMIN_PASS='Adm1n!Pass'
ADDC_USER1=ntsuser1
ADDC_USER1_PASS='User1!Pass'
ADDC_USER2=ntsuser2
ADDC_USER2_PASS='User2!Pass'

declare -gA ADDC_PIDS=()    # NAME -> pid of the subshell running samba
declare -gA ADDC_IPS=()     # NAME -> ip
declare -gA ADDC_ALIAS=()   # NAME -> 1 when we added the alias

addc_log() { echo "addc: $*" >&2; }

addc_can_run() {
    [ "$(id -u)" = 0 ] || { ADDC_WHY="not root"; return 1; }
    local c
    for c in samba samba-tool kinit klist ip setsid; do
        command -v "$c" >/dev/null 2>&1 || { ADDC_WHY="$c not installed (samba-ad-dc, krb5-user)"; return 1; }
    done
    [ -d /usr/share/samba/setup ] || { ADDC_WHY="samba-ad-provision not installed"; return 1; }
    return 0
}

addc__port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

addc__vars() {
    ADDC_DIR="$ADDC_ROOT_DIR/$1"
    ADDC_CONF="$ADDC_DIR/etc/smb.conf"
    ADDC_KRB5_CONF="$ADDC_DIR/krb5.conf"
    ADDC_IP=${ADDC_IPS[$1]:-${2:-}}
}

addc_tool() { local name=$1; shift; samba-tool "$@" -s "$ADDC_ROOT_DIR/$name/etc/smb.conf"; }

# Our smb.conf (the provision's own is built from the system template and
# points at /var/log, /var/lib/samba/printers...).  NTLM is an option.
addc__write_conf() {
    local dir=$1 ip=$2 ntlm=$3; shift 3
    {
        echo "[global]"
        echo "    netbios name = $ADDC_HOST"
        echo "    workgroup = $ADDC_DOMAIN"
        echo "    realm = $ADDC_REALM"
        echo "    server role = active directory domain controller"
        echo "    server services = s3fs, rpc, ldap, cldap, kdc, drepl, winbindd, ntp_signd, kcc"
        echo "    idmap_ldb:use rfc2307 = yes"
        echo "    interfaces = $ip/32"
        echo "    bind interfaces only = yes"
        echo "    disable netbios = yes"
        echo "    private dir = $dir/private"
        echo "    lock directory = $dir/lock"
        echo "    state directory = $dir/state"
        echo "    cache directory = $dir/cache"
        echo "    pid directory = $dir/pid"
        echo "    binddns dir = $dir/bind-dns"
        echo "    ncalrpc dir = $dir/ncalrpc"
        echo "    winbindd socket directory = /run/samba/winbindd"   # our $dir/run, see addc_start
        echo "    ntp signd socket directory = $dir/ntp_signd"
        echo "    log file = $dir/log/log.%m"
        echo "    log level = 1"
        echo "    max log size = 0"
        echo "    load printers = no"
        echo "    printcap name = /dev/null"
        echo "    disable spoolss = yes"
        echo "    ntlm auth = $ntlm"
        local l; for l in "$@"; do echo "    $l"; done
        echo "[sysvol]"
        echo "    path = $dir/state/sysvol"
        echo "    read only = no"
        echo "[netlogon]"
        echo "    path = $dir/state/sysvol/${ADDC_REALM,,}/scripts"
        echo "    read only = no"
        echo "[data]"
        echo "    path = $dir/share"
        echo "    read only = no"
    } > "$dir/etc/smb.conf"
}

addc__write_krb5() {
    local dir=$1 ip=$2
    {
        echo "[libdefaults]"
        echo "    default_realm = $ADDC_REALM"
        echo "    dns_lookup_realm = false"
        echo "    dns_lookup_kdc = false"
        echo "    dns_canonicalize_hostname = false"
        echo "    rdns = false"
        echo "    ignore_acceptor_hostname = false"
        echo "    udp_preference_limit = 1"
        echo "[realms]"
        echo "    $ADDC_REALM = {"
        echo "        kdc = $ip"
        echo "        admin_server = $ip"
        echo "    }"
        echo "[domain_realm]"
        echo "    $ip = $ADDC_REALM"
        echo "    .${ADDC_REALM,,} = $ADDC_REALM"
    } > "$dir/krb5.conf"
}

addc__cache_key() {
    local name=$1 ip=$2 dir=$3
    { samba -V; cat "${BASH_SOURCE[0]}"; echo "$name $ip $dir"; } | sha256sum | cut -c1-16
}

# Provision DIR for IP: domain, users, memberships, SPN.  Runs offline (no
# server): samba-tool edits sam.ldb directly.
addc__provision() {
    local name=$1 ip=$2 dir=$3 t0 t1
    t0=$(date +%s.%N)
    rm -rf "$dir"; mkdir -p "$dir"
    chmod 0700 "$dir"
    samba-tool domain provision --targetdir="$dir" --realm="$ADDC_REALM" --domain="$ADDC_DOMAIN" \
        --server-role=dc --dns-backend=NONE --use-rfc2307 --adminpass="$ADDC_DC_ADMIN_PASS" \
        --host-name="${ADDC_HOST,,}" --host-ip="$ip" --option="interfaces = $ip/32" \
        --option="bind interfaces only = yes" >"$dir/provision.log" 2>&1 ||
        { addc_log "provision failed: $(tail -3 "$dir/provision.log")"; return 1; }
    mkdir -p "$dir"/{lock,pid,log,ncalrpc,run/winbindd,ntp_signd,share}
    chmod 0755 "$dir/run" "$dir/run/winbindd"; chmod 0750 "$dir/ntp_signd"; chmod 1777 "$dir/share"
    addc__write_conf "$dir" "$ip" ntlmv2-only
    local u p
    for u in "$ADDC_ADMIN_USER:$ADDC_ADMIN_PASS" "$ADDC_USER1:$ADDC_USER1_PASS" "$ADDC_USER2:$ADDC_USER2_PASS"; do
        p=${u#*:}; u=${u%%:*}
        addc_tool "$name" user create "$u" "$p" >>"$dir/users.log" 2>&1 ||
            { addc_log "user create $u failed: $(tail -2 "$dir/users.log")"; return 1; }
    done
    # the membership that may enumerate (Administrators) and delete (Domain Admins) sessions
    addc_tool "$name" group addmembers Administrators "$ADDC_ADMIN_USER" >>"$dir/users.log" 2>&1 &&
    addc_tool "$name" group addmembers "Domain Admins" "$ADDC_ADMIN_USER" >>"$dir/users.log" 2>&1 &&
    addc_tool "$name" spn add "cifs/$ip" "${ADDC_HOST}\$" >>"$dir/users.log" 2>&1 ||
        { addc_log "groups/spn failed: $(tail -2 "$dir/users.log")"; return 1; }
    t1=$(date +%s.%N)
    ADDC_PROVISION_SECONDS=$(echo "$t1 - $t0" | bc 2>/dev/null || awk "BEGIN{print $t1-$t0}")
    addc_log "provisioned $name in ${ADDC_PROVISION_SECONDS}s"
}

# The provisioned tree for NAME/IP in ADDC_DIR: from the cache when present.
addc__prepare() {
    local name=$1 ip=$2 dir=$3 key cache
    key=$(addc__cache_key "$name" "$ip" "$dir")
    cache="$ADDC_ROOT_DIR/cache/$name.$key"
    if [ "${ADDC_NO_CACHE:-}" != 1 ] && [ -f "$cache/.complete" ]; then
        rm -rf "$dir"
        cp -a "$cache/tree" "$dir" || return 1
        ADDC_PROVISION_SECONDS=cached
        return 0
    fi
    addc__provision "$name" "$ip" "$dir" || return 1
    [ "${ADDC_NO_CACHE:-}" = 1 ] && return 0
    rm -rf "$ADDC_ROOT_DIR/cache/$name".*                # one cached tree per DC name
    mkdir -p "$cache"; chmod 0700 "$ADDC_ROOT_DIR/cache"
    cp -a "$dir" "$cache/tree" && touch "$cache/.complete"
    return 0
}

addc_start() {
    local name=$1 ip=$2 ntlm=ntlmv2-only; shift 2
    if [ "${1:-}" = "--no-ntlm" ]; then ntlm=disabled; shift; fi
    addc_can_run || { addc_log "cannot start $name: $ADDC_WHY"; return 1; }
    [ -n "${ADDC_PIDS[$name]:-}" ] && addc_stop "$name"
    addc__vars "$name" "$ip"
    if ! ip -4 addr show dev lo | grep -q "inet $ip/32"; then
        ip addr add "$ip/32" dev lo 2>/dev/null && ADDC_ALIAS[$name]=1
    fi
    ADDC_IPS[$name]=$ip; ADDC_IP=$ip
    if addc__port_open "$ip" 88 || addc__port_open "$ip" 445; then
        addc_log "$ip:88/445 already in use (stale server?)"; return 1
    fi
    addc__prepare "$name" "$ip" "$ADDC_DIR" || return 1
    addc__write_conf "$ADDC_DIR" "$ip" "$ntlm" "$@"
    addc__write_krb5 "$ADDC_DIR" "$ip"
    # A session of ours (setsid: samba, its smbd and winbindd children stay in
    # that process group, which addc_stop ends) in a private mount namespace:
    # libwbclient in smbd looks for winbindd only at the compiled-in
    # /run/samba/winbindd (WINBINDD_SOCKET_DIR is honoured only under
    # nss_wrapper), so our own directory is bind-mounted there, visible to
    # this DC alone; other DCs on the machine keep theirs.
    setsid unshare --mount --propagation private bash -c '
        if [ -d /run/samba ]; then mount --bind "$3" /run/samba
        else mount -t tmpfs -o mode=0755 addc /run && mkdir -p /run/samba && mount --bind "$3" /run/samba
        fi || exit 97
        exec samba -i -M single -s "$1" </dev/null >"$2" 2>&1' addc \
        "$ADDC_CONF" "$ADDC_DIR/samba.out" "$ADDC_DIR/run" &
    ADDC_PIDS[$name]=$!
    echo "${ADDC_PIDS[$name]}" > "$ADDC_DIR/samba.pid.ours"
    local i
    for i in $(seq 1 300); do          # up to ~60 s (2 shared cores)
        # ready: KDC, smbd, and winbindd (smbd maps users to uids through it)
        if [ -S "$ADDC_DIR/run/winbindd/pipe" ] && addc__port_open "$ip" 88 && addc__port_open "$ip" 445; then
            return 0
        fi
        if ! kill -0 "${ADDC_PIDS[$name]}" 2>/dev/null; then
            addc_log "samba $name died: $(tail -5 "$ADDC_DIR/samba.out")"; addc_stop "$name"; return 1
        fi
        sleep 0.2
    done
    addc_log "samba $name did not answer on $ip:88 and :445"
    addc_stop "$name"
    return 1
}

# Processes of NAME: the process group of the session we created, plus any
# helper carrying NAME's private config on its command line.
addc__pids_of() {
    local name=$1 pgid conf p
    pgid=${ADDC_PIDS[$name]:-}
    conf="$ADDC_ROOT_DIR/$name/etc/smb.conf"
    {
        [ -n "$pgid" ] && ps -o pid= -g "$pgid" 2>/dev/null
        for p in /proc/[0-9]*; do
            tr "\\0" " " 2>/dev/null < "$p/cmdline" | grep -qF -- "$conf" && echo "${p#/proc/}"
        done
    } | tr -d ' ' | grep -E '^[0-9]+$' | sort -un
}

addc_stop() {
    local name=$1 pids pid i alive
    pids=$(addc__pids_of "$name")
    for pid in $pids; do kill -TERM "$pid" 2>/dev/null; done
    for i in $(seq 1 50); do
        alive=0
        for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.1
    done
    for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
    [ -n "${ADDC_PIDS[$name]:-}" ] && wait "${ADDC_PIDS[$name]}" 2>/dev/null
    if [ -n "${ADDC_IPS[$name]:-}" ] && [ -n "${ADDC_ALIAS[$name]:-}" ]; then
        ip addr del "${ADDC_IPS[$name]}/32" dev lo 2>/dev/null
    fi
    unset "ADDC_PIDS[$name]" "ADDC_ALIAS[$name]" "ADDC_IPS[$name]"
    return 0
}

addc_stop_all() {
    local n
    for n in "${!ADDC_PIDS[@]}"; do addc_stop "$n"; done
    for n in "${!ADDC_IPS[@]}"; do addc_stop "$n"; done
    return 0
}

addc_env() {
    addc__vars "$1"
    printf 'export KRB5_CONFIG=%q\n' "$ADDC_KRB5_CONF"
}

# kinit USER into a private cache; the password goes on stdin, never argv.
addc_kinit() {
    local name=$1 user=$2 pass=$3 life=${4:-} cc=${5:-}
    addc__vars "$name"
    [ -n "$cc" ] || cc="FILE:$ADDC_DIR/ccache.$user"
    local args=(-c "$cc")
    [ -n "$life" ] && args+=(-l "$life")
    printf '%s\n' "$pass" | KRB5_CONFIG="$ADDC_KRB5_CONF" timeout 30 kinit "${args[@]}" "$user@$ADDC_REALM" \
        >"$ADDC_DIR/kinit.$user.log" 2>&1 || { addc_log "kinit $user failed: $(cat "$ADDC_DIR/kinit.$user.log")"; return 1; }
    echo "$cc"
}

addc_keytab() {
    local name=$1 princ=$2 file=$3
    rm -f "$file"
    addc_tool "$name" domain exportkeytab "$file" --principal="$princ" >/dev/null 2>&1
}

# The Kerberos test tools (tools/native/krb_accept, tests/lib/smb2_gss_login.py)
# print "RESULT: ok|fail <property>[: why]": one check PREFIX.<property> each,
# through the caller's pass/fail/skip.  A provider that returns no session key
# (Wine 8's secur32) makes the key checks SKIPPED, with the reason.
addc_results() {
    local prefix=$1 out=$2 line name
    while read -r line; do
        name=$(echo "$line" | awk '{print $3}' | tr -d ':')
        case "$line" in
            "RESULT: ok "*) pass "$prefix.$name" ;;
            *"initiator returned no session key"*)
                skip "$prefix.$name" "Wine's Kerberos SSPI returns no SECPKG_ATTR_SESSION_KEY (Wine 8 stub, docs/sspi-wine.md)" ;;
            "RESULT: fail "*) fail "$prefix.$name" "${line#RESULT: fail }" ;;
        esac
    done < <(grep '^RESULT: ' <<<"$out")
    grep -q '^RESULT: ' <<<"$out" || fail "$prefix" "no result: $(tail -3 <<<"$out")"
}
