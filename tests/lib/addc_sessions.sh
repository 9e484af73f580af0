# tests/lib/addc_sessions.sh -- Kerberos SMB sessions held on a private AD DC
# (tests/lib/addc.sh), and the server's view of them, for the single sign-on
# tests (winetests/kerberos, tests/native/kerberos_api.sh).  Source it first
# (it also sources addc.sh and gives pass/fail/skip with a failure count);
# the functions use NAME (the DC), IP and WT (a work dir) set by the caller.
# stop_holders ends what hold started.
#
#   hold USER PASS      kinit USER, then smbclient keeps a Kerberos session open
#   truth               "user ip" per session in smbstatus -b
#   has USER IP / gone USER IP / settle CMD...   (settle: retry for 5 s)
#
# The sessions: smbclient with a ticket (Samba's client refuses Kerberos to an
# IP address, so it names the DC dc1.<realm> and connects to -I $IP); all come
# from $IP.  smbstatus shows AD users by uid: each holder's uid is noted when
# its session appears.
source "$(dirname "${BASH_SOURCE[0]}")/addc.sh"
failures=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $(printf '%s' "$2" | tr '\r\n\t' '   ' | cut -c1-300)"; failures=$((failures + 1)); }
skip() { echo "SKIPPED: $1: $2"; }

declare -A UIDNAME=()
HOLD_FDS=()
HOLDERS=()
uids() { smbstatus -s "$ADDC_CONF" -b 2>/dev/null | awk '/^-+$/ { b=1; next } b && $1 ~ /^[0-9]+$/ { print $2 }' | sort -u; }
# "user ip" per session in smbstatus -b (a uid we did not note stays a number)
truth() {
    smbstatus -s "$ADDC_CONF" -b 2>/dev/null | awk '
        /^-+$/ { body=1; next }
        body && NF >= 4 && $1 ~ /^[0-9]+$/ { m=$4; sub(/^ipv4:/,"",m); sub(/:[0-9]+$/,"",m); print $2, m }' |
    while read -r u m; do echo "${UIDNAME[$u]:-$u} $m"; done | sort -u
}
settle() { local i; for i in $(seq 1 25); do "$@" && return 0; sleep 0.2; done; return 1; }
has() { truth | grep -qx "$1 $2"; }
gone() { ! has "$@"; }

hold() {   # USER PASS: a Kerberos session of USER, held until the end
    local f="$WT/hold.$1" cc before u fd _
    cc=$(addc_kinit "$NAME" "$1" "$2" "" "FILE:$WT/ccache.$1") || { fail "hold.$1" "kinit failed"; return 1; }
    before=$(uids)
    rm -f "$f.in"; mkfifo "$f.in"
    KRB5CCNAME=$cc smbclient -s /dev/null "//dc1.${ADDC_REALM,,}/data" -I "$IP" --use-krb5-ccache="$cc" \
        <"$f.in" >"$f" 2>&1 &
    HOLDERS+=($!)
    exec {fd}>"$f.in"
    HOLD_FDS+=("$fd")
    # a session being set up shows a placeholder uid first: take the new uid
    # once two polls agree
    local prev=""
    for _ in $(seq 1 50); do
        u=$(comm -13 <(echo "$before") <(uids) | head -1)
        [ -n "$u" ] && [ "$u" = "$prev" ] && break
        prev=$u
        u=""
        sleep 0.3
    done
    [ -n "$u" ] || { fail "hold.$1" "no session appeared: $(head -c 200 "$f")"; return 1; }
    UIDNAME[$u]=$1
}
stop_holders() {
    local p
    for p in "${HOLDERS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    for p in "${HOLD_FDS[@]}"; do exec {p}>&-; done
    HOLDERS=(); HOLD_FDS=()
}

# sso_setup TAG: the DC NAME on IP with NTLM disabled, also listening on ALT
# (an address whose cifs/ALT SPN the KDC does not know), the admin's ticket
# in CC, ntsuser1 and ntsuser2 sessions held.  sso_cleanup undoes it all.
SSO_ALT_ADDED=0
sso_setup() {
    ip addr add "$ALT/32" dev lo 2>/dev/null && SSO_ALT_ADDED=1
    addc_start "$NAME" "$IP" --no-ntlm "interfaces = $IP/32 $ALT/32" ||
        { fail "$1.addc" "the AD DC did not start"; return 1; }
    eval "$(addc_env "$NAME")"
    export KRB5_CONFIG
    CC=$(addc_kinit "$NAME" "$ADDC_ADMIN_USER" "$ADDC_ADMIN_PASS") || { fail "$1.kinit" "kinit failed"; return 1; }
    hold "$ADDC_USER1" "$ADDC_USER1_PASS"
    hold "$ADDC_USER2" "$ADDC_USER2_PASS"
    settle has "$ADDC_USER2" "$IP" && pass "$1.held_sessions" || fail "$1.held_sessions" "$(truth | tr '\n' ';')"
}
sso_cleanup() {
    stop_holders
    addc_stop_all
    [ "$SSO_ALT_ADDED" = 1 ] && ip addr del "$ALT/32" dev lo 2>/dev/null
    SSO_ALT_ADDED=0
}
