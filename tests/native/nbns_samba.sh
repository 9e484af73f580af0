#!/usr/bin/env bash
# NetBIOS name resolution against real servers: nmbd as WINS server on
# 127.0.0.81, a second nmbd on 127.0.0.82 registering NBONLYSRV with it (the
# name exists nowhere else: not in DNS, not in /etc/hosts), and an SMB2 Samba
# on 127.0.0.82.  The native core (tools/native/apicli, the same code as the
# DLL) must resolve \\NBONLYSRV through NETAPI32_WINS and list the session a
# real smbclient holds there, exactly as through the IP address; an unknown
# name, no WINS configured, and a silent WINS server must fail with 53
# (ERROR_BAD_NETPATH) within the timeout; the broadcast path is exercised by
# naming nmbd's own address as the "broadcast" address, and for real: in the
# private namespace only, a veth pair 10.99.0.1/24 - 10.99.0.2/24 where an
# nmbd owns NBBCASTSRV on the "LAN" and an SMB2 Samba listens; with nothing
# configured the automatic interface broadcast must find it.
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
source tests/lib/samba.sh
CLI="$BUILD/native/tools/apicli"
if ! samba_can_run; then echo "SKIPPED: nbns.samba: $SAMBA_WHY"; exit 0; fi
command -v nmbd >/dev/null 2>&1 || { echo "SKIPPED: nbns.samba: nmbd not installed"; exit 0; }
[ -x "$CLI" ] || { echo "FAIL: nbns.samba: $CLI not built"; exit 1; }
WINS=127.0.0.81 SRV=127.0.0.82 NB=NBONLYSRV
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
samba_trap
samba_start_wins nbwins "$WINS" >/dev/null 2>&1 || { echo "FAIL: nbns.wins_start: nmbd WINS server did not start"; exit 1; }
samba_start nbsrv "$SRV" >/dev/null 2>&1 || { echo "FAIL: nbns.smbd_start: Samba did not start"; exit 1; }
if samba_register_wins nbreg "$SRV" "$WINS" "$NB" >/dev/null 2>&1; then pass nbns.registered_in_wins
else fail nbns.registered_in_wins "$NB never appeared in WINS"; exit 1; fi
if getent hosts "$NB" >/dev/null 2>&1; then fail nbns.not_in_dns "$NB resolves without NBNS"; else pass nbns.not_in_dns; fi
samba_hold_session nbsrv "$SRV" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_wait_user nbsrv "$SAMBA_USER1" || fail nbns.session "no session of $SAMBA_USER1 in smbstatus"

export NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS" NETAPI32_NBNS_BROADCAST=0
# entries of `apicli enum` without the paging line and status, sorted
entries() { grep -v -e '^page ' -e '^status=' | sort; }

out_ip=$("$CLI" enum "\\\\$SRV" 10 2>/dev/null)
out_nb=$(NETAPI32_WINS=$WINS NETAPI32_TRACE=1 "$CLI" enum "\\\\$NB" 10 2>"$BUILD/nbns.trace")
if echo "$out_nb" | grep -q '^status=0$' && echo "$out_nb" | grep -q "username=$SAMBA_USER1"; then
    pass nbns.enum_by_wins_name
else
    fail nbns.enum_by_wins_name "$(echo "$out_nb" | tail -1) $(tail -2 "$BUILD/nbns.trace" | tr '\n' ' ')"
fi
# the same entries as through the address (times may tick: compare names)
a=$(echo "$out_ip" | entries | cut -f1,2) b=$(echo "$out_nb" | entries | cut -f1,2)
if [ -n "$a" ] && [ "$a" = "$b" ]; then pass nbns.same_as_by_address; else fail nbns.same_as_by_address "ip: $a / name: $b"; fi
grep -q "nbns: $NB<20> via WINS $WINS -> 0" "$BUILD/nbns.trace" && pass nbns.trace_says_wins ||
    fail nbns.trace_says_wins "$(head -c 300 "$BUILD/nbns.trace")"
# lower case, with and without backslashes: the same name
out=$(NETAPI32_WINS=$WINS "$CLI" enum "nbonlysrv" 0 2>/dev/null)
echo "$out" | grep -q '^status=0$' && pass nbns.lower_case_name || fail nbns.lower_case_name "$(echo "$out" | tail -1)"

# failures: unknown to WINS (negative answer: fast), no WINS, a silent WINS (bounded)
t0=$(date +%s%N)
out=$(NETAPI32_WINS=$WINS "$CLI" enum "\\\\NOSUCHNBNAME" 10 2>/dev/null)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if echo "$out" | grep -q '^status=53$' && [ $ms -lt 3000 ]; then pass nbns.unknown_name_53
else fail nbns.unknown_name_53 "$(echo "$out" | tail -1) after $ms ms"; fi
out=$("$CLI" enum "\\\\$NB" 10 2>/dev/null)
echo "$out" | grep -q '^status=53$' && pass nbns.no_wins_53 || fail nbns.no_wins_53 "$(echo "$out" | tail -1)"
t0=$(date +%s%N)
out=$(NETAPI32_WINS=127.0.0.89 NETAPI32_TIMEOUT_MS=2000 "$CLI" enum "\\\\$NB" 10 2>/dev/null)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if echo "$out" | grep -q '^status=53$' && [ $ms -lt 4000 ]; then pass nbns.silent_wins_bounded
else fail nbns.silent_wins_bounded "$(echo "$out" | tail -1) after $ms ms (timeout 2000)"; fi

# broadcast path: the B-flag query to nmbd's address, answered by the owner of the
# name once nmbd's own broadcast registration is done (a few seconds after start)
for i in $(seq 1 60); do
    nmblookup -B "$SRV" "$NB" 2>/dev/null | grep -q "^$SRV " && break
    sleep 0.25
done
out=$(NETAPI32_NBNS_BROADCAST=$SRV "$CLI" enum "\\\\$NB" 10 2>/dev/null)
echo "$out" | grep -q '^status=0$' && pass nbns.broadcast_query || fail nbns.broadcast_query "$(echo "$out" | tail -1)"

# automatic broadcast on a real broadcast interface (only inside tools/isolate.sh)
if [ "${NETAPI32_ISOLATED:-}" != 1 ]; then
    echo "SKIPPED: nbns.broadcast_auto_interface: needs the private network namespace (tools/isolate.sh)"
elif ! ip link add nbv0 type veth peer name nbv1 2>/dev/null; then
    echo "SKIPPED: nbns.broadcast_auto_interface: cannot create a veth pair here"
else
    trap 'ip link del nbv0 2>/dev/null; samba_stop_all' EXIT
    for i in all nbv0 nbv1; do   # the two ends share the namespace: accept our own source address
        echo 1 > /proc/sys/net/ipv4/conf/$i/accept_local; echo 0 > /proc/sys/net/ipv4/conf/$i/rp_filter
    done
    ip addr add 10.99.0.1/24 brd + dev nbv0 && ip addr add 10.99.0.2/24 brd + dev nbv1
    ip link set nbv0 up && ip link set nbv1 up
    samba_start nbbcsmb 10.99.0.2 >/dev/null 2>&1 || fail nbns.broadcast_auto_interface "Samba did not start on 10.99.0.2"
    samba_start_nmbd nbbc 10.99.0.2 NBBCASTSRV "interfaces = 10.99.0.2/24" >/dev/null 2>&1 ||
        fail nbns.broadcast_auto_interface "nmbd did not start on 10.99.0.2"
    for i in $(seq 1 60); do   # nmbd owns the name on the LAN once its broadcast registration is done
        nmblookup -B 10.99.0.255 NBBCASTSRV 2>/dev/null | grep -q '^10.99.0.2 ' && break
        sleep 0.25
    done
    out=$(env -u NETAPI32_WINS -u NETAPI32_NBNS_BROADCAST NETAPI32_TRACE=1 "$CLI" enum "\\\\NBBCASTSRV" 10 2>"$BUILD/nbns.bc.trace")
    if echo "$out" | grep -q '^status=0$' && grep -q "nbns: NBBCASTSRV<20> by broadcast .* -> 0" "$BUILD/nbns.bc.trace"; then
        pass nbns.broadcast_auto_interface
    else
        fail nbns.broadcast_auto_interface "$(echo "$out" | tail -1) $(grep nbns: "$BUILD/nbns.bc.trace" | tr '\n' ' ')"
    fi
fi
exit 0
