#!/usr/bin/env bash
# SMB1 and RAP through the DLL under Wine (issue 11), x64 and x86:
#  - an SMB1-only Samba (server min/max protocol = NT1, server signing = auto)
#    on 127.0.0.87 and one with signing mandatory on 127.0.0.88, sessions held
#    by SMB1 smbclients;
#  - with NETAPI32_SMB1=1: every level, filters and paging equal the truth
#    (wt_enum full: impacket + smbstatus), GetInfo (wt_getinfo full), Del of
#    one user's session checked with smbstatus, wrong password 1326, answers
#    whose signatures a proxy broke (tests/lib/smb1_proxy.py tamper) 59;
#  - the registry value HKLM\Software\Wine\netapi32 "Smb1" (DWORD 1) enables it;
#  - without either: ERROR_NOT_SUPPORTED (50), the documented refusal;
#  - NETAPI32_SMB1_NO_EXTSEC=1: Samba answers without extended security; it
#    checks the NTLMv2 response to its challenge (wrong password 1326) but does
#    not sign such sessions, so a logon with credentials is refused (59);
#    anonymous gets the null session (Samba: 5);
#  - RAP (NETAPI32_FORCE_RAP=1, the client-side diagnostic switch: Samba cannot
#    serve RAP without srvsvc, see tests/native/rap_samba.sh): every level lists
#    exactly smbstatus's users; NetSessionDel answers what Samba's RAP answers
#    (ERROR_NOT_SUPPORTED: Samba has no RAP NetSessionDel).
#  - long lists (winetests/smb1/large.sh): 300, 700 and 1100 real SMB1
#    sessions, srvsvc and RAP, every session exactly once or, where RAP's
#    64 KiB cannot hold them, ERROR_MORE_DATA with the right totalentries.
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
source tests/lib/samba.sh
source tests/lib/wine.sh
TAG=""
pass() { echo "PASS: ${TAG}$1"; }
fail() { echo "FAIL: ${TAG}$1: $(printf '%s' "$2" | tr '\r\n\t' '   ' | cut -c1-300)"; }
skip_all() { echo "SKIPPED: winetests.smb1: $1"; exit 0; }
samba_can_run || skip_all "$SAMBA_WHY"
wine_available || skip_all "wine is not installed"
WT="$REPO/$BUILD/winetests-smb1"
mkdir -p "$WT"
T64=(x86_64/netapi32.dll x86_64/winetests/wt_enum.exe x86_64/winetests/wt_getinfo.exe x86_64/winetests/wt_del.exe
     x86_64/winetests/wt_large.exe
     i686/netapi32.dll i686/winetests/wt_enum.exe i686/winetests/wt_getinfo.exe i686/winetests/wt_del.exe
     i686/winetests/wt_large.exe)
if ! make -s -f Makefile.mingw BUILD="$BUILD" "${T64[@]/#/$BUILD/}" >"$WT/build.log" 2>&1; then
    fail winetests.smb1.build "$(tail -3 "$WT/build.log")"; exit 1
fi
PREFIX="$WT/prefix"
cleanup() {
    samba_stop_all
    wine_prefix_stop "$PREFIX"
    return 0
}
mkdir -p "$SAMBA_ROOT_DIR"; rm -f "$SAMBA_ROOT_DIR/holders"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
wine_prefix_new "$PREFIX" || { fail winetests.smb1.prefix "wineboot failed"; exit 1; }
wine_install "$PREFIX" || { fail winetests.smb1.install "could not install the DLL"; exit 1; }
wine_server_keep "$PREFIX" 900   # one wineserver for the whole run (tests/lib/wine.sh)
export WINEDLLOVERRIDES="winedbg.exe=d"
S=127.0.0.87 M=127.0.0.88
export SAMBA_HOLD_MIN_PROTOCOL=NT1
ADMIN=(NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS")

# wt NAME [VAR=VALUE...] EXE ARGS: the program's PASS/FAIL lines, tagged
wt() {
    local name=$1 out rc; shift
    out=$(WINE_STDERR="$WT/$TAG$name.stderr" wine_run_env "$PREFIX" 180 "$@")
    rc=$?
    printf '%s\n' "$out" > "$WT/$TAG$name.stdout"
    printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIPPED): ' | sed -E "s/^(PASS|FAIL|SKIPPED): /\1: ${TAG}smb1./"
    printf '%s\n' "$out" | grep -qE '^(PASS|FAIL|SKIPPED): ' || fail "smb1.$name" "no result lines (rc $rc)"
}
# truth file: S lines from impacket (its own admin session wildcarded), U lines from smbstatus
truth() { # NAME IP FILE
    local imp
    imp=$(samba_impacket_sessions "$2" 1 2>"$WT/impacket.err") || { fail "smb1.truth.$1" "impacket: $(tail -1 "$WT/impacket.err")"; return 1; }
    {
        printf '%s\n' "$imp" | awk -F'\t' -v a="$SAMBA_ADMIN_USER" 'NF>=6 { c=$1; sub(/^\\\\/,"",c)
            if ($2==a) print "S\t" c "\t" $2 "\t*\t*\t*\t*"; else print "S\t" c "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }'
        samba_truth_sessions "$1" | awk 'NF==2 { print "U\t" $1 "\t" $2 }'
        printf 'U\t%s\t%s\n' "$SAMBA_ADMIN_USER" "$2"
    } > "$3"
}
fresh() {
    samba_release; samba_stop smb1a; samba_stop smb1m
    samba_start_smb1 smb1a "$S" "server signing = auto" "raw NTLMv2 auth = yes" >/dev/null 2>&1 || { fail smb1.samba "NT1 Samba did not start"; return 1; }
    samba_start_smb1 smb1m "$M" "server signing = mandatory" "raw NTLMv2 auth = yes" >/dev/null 2>&1 || { fail smb1.samba_mandatory "did not start"; return 1; }
    samba_hold_session smb1a "$S" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
    samba_hold_session smb1a "$S" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
    samba_hold_session smb1m "$M" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
    samba_wait_user smb1a "$SAMBA_USER1" && samba_wait_user smb1a "$SAMBA_USER2" && samba_wait_user smb1m "$SAMBA_USER2" ||
        fail smb1.sessions "held SMB1 sessions did not appear"
    truth smb1a "$S" "$WT/truth.a.txt" && truth smb1m "$M" "$WT/truth.m.txt"
}
# Signature tampering: tests/lib/smb1_proxy.py in front of the signing-mandatory
# Samba ($1) flips a bit of every TRANSACTION/NT_CREATE_ANDX answer, so their
# signatures no longer verify: the program gets 59 and the trace says why.
tampered() {
    local P=127.0.0.84 added="" pid i
    ip addr show dev lo | grep -q "inet $P/32" || { ip addr add "$P/32" dev lo 2>/dev/null && added=1; }
    /usr/bin/python3 tests/lib/smb1_proxy.py "$P" "$1" tamper > "$WT/${TAG}proxy.out" 2>&1 &
    pid=$!
    for i in $(seq 1 25); do grep -q ready "$WT/${TAG}proxy.out" 2>/dev/null && break; sleep 0.2; done
    if grep -q ready "$WT/${TAG}proxy.out" 2>/dev/null; then
        wt tampered NETAPI32_SMB1=1 NETAPI32_TRACE=1 WINEDEBUG=+debugstr "${ADMIN[@]}" \
            "$ENUM" expect "\\\\$P" 1 - - 59 tampered_signature_59
        grep -aq 'bad response signature' "$WT/${TAG}tampered.stderr" && pass smb1.tampered_signature_trace ||
            fail smb1.tampered_signature_trace "$(grep -a 'smb1' "$WT/${TAG}tampered.stderr" | tail -3)"
    else
        fail smb1.tampered_signature "the tampering proxy did not start: $(tail -2 "$WT/${TAG}proxy.out")"
    fi
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    [ -n "$added" ] && ip addr del "$P/32" dev lo 2>/dev/null
    return 0
}
# users in a wt_enum/getinfo-free listing: the seed-like check through wt_enum expect is enough
run_arch() {
    local B="$REPO/$BUILD/$1" ENUM GI DEL
    ENUM="$B/winetests/wt_enum.exe" GI="$B/winetests/wt_getinfo.exe" DEL="$B/winetests/wt_del.exe"
    fresh || return 0
    local TA TM; TA=$(wine_winpath "$WT/truth.a.txt"); TM=$(wine_winpath "$WT/truth.m.txt")
    wt enum_full NETAPI32_SMB1=1 "${ADMIN[@]}" "$ENUM" full "\\\\$S" "$TA" enum --derived
    wt enum_full_signing_mandatory NETAPI32_SMB1=1 "${ADMIN[@]}" "$ENUM" full "\\\\$M" "$TM" enum.signing --derived
    wt getinfo_full NETAPI32_SMB1=1 "${ADMIN[@]}" "$GI" full "\\\\$S" "$TA" getinfo
    wt wrong_password NETAPI32_SMB1=1 NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD='Wrong!Pass1' \
        "$ENUM" expect "\\\\$S" 1 - - 1326 wrong_password_1326
    tampered "$M"
    # NETAPI32_SMB1_NO_EXTSEC=1 (diagnostic): our NEGOTIATE without FLAGS2 extended
    # security, so Samba answers with an 8-byte challenge (raw NTLMv2 auth = yes):
    # Samba checks our NTLMv2 response (a wrong password is 1326) but does not sign
    # such a session, which a logon with credentials refuses (59, trace says why);
    # no credentials: the null session, which Samba does not let enumerate (5)
    wt noext_unsigned NETAPI32_SMB1=1 NETAPI32_SMB1_NO_EXTSEC=1 NETAPI32_TRACE=1 WINEDEBUG=+debugstr "${ADMIN[@]}" \
        "$ENUM" expect "\\\\$S" 10 - - 59 noextsec.unsigned_session_refused_59
    grep -aq 'no extended security): the server does not sign the session' "$WT/${TAG}noext_unsigned.stderr" &&
        pass smb1.noextsec.unsigned_trace || fail smb1.noextsec.unsigned_trace "$(grep -a 'smb1:' "$WT/${TAG}noext_unsigned.stderr" | head -4)"
    wt noext_wrong NETAPI32_SMB1=1 NETAPI32_SMB1_NO_EXTSEC=1 NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD='Wrong!Pass1' \
        "$ENUM" expect "\\\\$S" 1 - - 1326 noextsec.wrong_password_1326
    wt noext_anon NETAPI32_SMB1=1 NETAPI32_SMB1_NO_EXTSEC=1 NETAPI32_TRACE=1 WINEDEBUG=+debugstr \
        "$ENUM" expect "\\\\$S" 10 - - 5 noextsec.anonymous_null_session_5
    grep -aq 'session (no extended security, anonymous) uid 0x[0-9a-f]* signing 0: 0' "$WT/${TAG}noext_anon.stderr" &&
        pass smb1.noextsec.anonymous_logon || fail smb1.noextsec.anonymous_logon "$(grep -a 'smb1:' "$WT/${TAG}noext_anon.stderr" | head -4)"
    wt disabled_refused "${ADMIN[@]}" "$ENUM" expect "\\\\$S" 1 - - 50 disabled_refused_50
    WINEPREFIX="$PREFIX" timeout 60 wine reg add 'HKLM\Software\Wine\netapi32' /v Smb1 /t REG_DWORD /d 1 /f >/dev/null 2>&1
    wt registry_enabled "${ADMIN[@]}" "$ENUM" expect "\\\\$S" 1 - - 0 registry_Smb1_dword_enables
    WINEPREFIX="$PREFIX" timeout 60 wine reg delete 'HKLM\Software\Wine\netapi32' /v Smb1 /f >/dev/null 2>&1
    local l
    for l in 0 1 2 10 502; do
        wt rap_level_$l NETAPI32_SMB1=1 NETAPI32_FORCE_RAP=1 "${ADMIN[@]}" "$ENUM" expect "\\\\$S" $l - - 0 rap.enum_level_$l
    done
    wt rap_user_filter NETAPI32_SMB1=1 NETAPI32_FORCE_RAP=1 "${ADMIN[@]}" "$ENUM" expect "\\\\$S" 10 - "$SAMBA_USER1" 0 rap.user_filter
    wt rap_no_such_user NETAPI32_SMB1=1 NETAPI32_FORCE_RAP=1 "${ADMIN[@]}" "$ENUM" expect "\\\\$S" 10 - nosuchuser 2221 rap.user_filter_nomatch
    wt rap_del NETAPI32_SMB1=1 NETAPI32_FORCE_RAP=1 "${ADMIN[@]}" "$DEL" expect "\\\\$S" "\\\\$S" - 50 rap.del_unsupported_by_samba
    samba_truth_sessions smb1a | grep -q "^$SAMBA_USER2 " && pass smb1.rap_del_left_sessions || fail smb1.rap_del_left_sessions "a session vanished"
    # Del over SMB1 srvsvc: user2's session goes, user1's stays (smbstatus)
    wt del_user NETAPI32_SMB1=1 "${ADMIN[@]}" "$DEL" expect "\\\\$S" - "$SAMBA_USER2" 0 del.by_user
    local i
    for i in $(seq 1 25); do samba_truth_sessions smb1a | grep -q "^$SAMBA_USER2 " || break; sleep 0.2; done
    if ! samba_truth_sessions smb1a | grep -q "^$SAMBA_USER2 " && samba_truth_sessions smb1a | grep -q "^$SAMBA_USER1 "; then
        pass smb1.del.by_user_smbstatus
    else fail smb1.del.by_user_smbstatus "smbstatus: $(samba_truth_sessions smb1a | tr '\n' ';')"; fi
}
run_arch x86_64
if WINE32_PREFIX="$PREFIX" wine32_usable; then
    TAG="x86."; run_arch i686
else
    echo "SKIPPED: x86.smb1: $WINE32_WHY"
fi
TAG=""
source "$REPO/winetests/smb1/large.sh"
large_all
exit 0
