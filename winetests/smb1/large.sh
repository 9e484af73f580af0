# winetests/smb1/large.sh -- sourced by winetests/smb1/run.sh (uses its wt,
# pass, fail, TAG, PREFIX, WT, ADMIN and the samba.sh/wine.sh helpers).
#
# Long lists over SMB1 through the DLL under Wine, x64 and x86, against an
# SMB1-only Samba with signing mandatory on 127.0.0.89 holding many real
# SMB1 sessions (bench/hold_many.py --smb1, from several loopback source
# addresses).  Each step adds sessions to the same server and compares with
# smbstatus -b taken just before (winetests/wt_large.c: every session
# exactly once, by client address and user, plus the caller's own):
#   300 sessions   srvsvc levels 0 and 1 (a 27 KB answer: several 4280-byte
#                  RPC fragments, TRANSACTION then READ_ANDX follow-ups on
#                  STATUS_BUFFER_OVERFLOW), paged at 4096 / 1000 bytes too;
#                  RAP (NETAPI32_FORCE_RAP=1) levels 1 and 0 (paged): Samba's
#                  answer (64 bytes a session) exceeds the first 16000-byte
#                  ask, ERROR_MORE_DATA, asked again at 65535: whole
#   700 sessions   RAP level 1: even the fixed records exceed 16000 bytes,
#                  which Samba refuses with ERROR_NOT_SUPPORTED; asked again
#                  at 65535 (an answer in two TRANSACTION parts): whole
#   1100 sessions  srvsvc levels 0 and 1 (a 97 KB answer, 23 fragments),
#                  level 1 paged; RAP levels 1 and 10: more than 64 KiB can
#                  hold, so ERROR_MORE_DATA with the ~950 whole entries that
#                  fit and totalentries counting all, the resume handle
#                  ending the walk.
# 1100 rather than 1000 sessions: 1001 still fit one RAP answer (64064
# bytes).  The holders log in over ~30 s (one smbd each); the checks take
# about a minute per architecture.
LARGE_IP=127.0.0.89
LARGE_HOLD_PIDS=()

# large_hold COUNT: COUNT more SMB1 sessions; 0 when smbstatus shows them all
large_hold() {
    local n=$1 out="$WT/hold.$1.out" i want
    /usr/bin/python3 "$REPO/bench/hold_many.py" --smb1 "$LARGE_IP" "$n" "$SAMBA_USER1" "$SAMBA_USER1_PASS" \
        "$SAMBA_USER2" "$SAMBA_USER2_PASS" >"$out" 2>"$WT/hold.$1.err" &
    LARGE_HOLD_PIDS+=($!)
    SAMBA_HOLDERS+=($!)
    for i in $(seq 1 600); do
        grep -q '^ready' "$out" && break
        kill -0 "${LARGE_HOLD_PIDS[-1]}" 2>/dev/null || break
        sleep 0.5
    done
    want=$(( ${LARGE_HELD:-0} + n ))
    grep -q "^ready $n\$" "$out" || { fail "smb1.large.hold_$want" "holder: $(cat "$out") $(head -2 "$WT/hold.$1.err")"; return 1; }
    for i in $(seq 1 50); do
        [ "$(samba_truth_sessions smb1big | wc -l)" -ge "$want" ] && break
        sleep 0.2
    done
    LARGE_HELD=$want
    samba_truth_sessions smb1big > "$WT/large.truth.$want.txt"
    local got; got=$(wc -l < "$WT/large.truth.$want.txt")
    if [ "$got" = "$want" ]; then pass "smb1.large.smbstatus_shows_$want"
    else fail "smb1.large.smbstatus_shows_$want" "smbstatus shows $got sessions"; fi
}

# large_checks ARCH STEP: the checks of one step (see above) for one architecture
large_checks() {
    local B="$REPO/$BUILD/$1" step=$2 T X
    X="$B/winetests/wt_large.exe"
    T=$(wine_winpath "$WT/large.truth.$step.txt")
    local S="\\\\$LARGE_IP" E=(NETAPI32_SMB1=1 "${ADMIN[@]}") R=(NETAPI32_SMB1=1 NETAPI32_FORCE_RAP=1 "${ADMIN[@]}")
    case $step in
    300)
        wt large300_l0 "${E[@]}" "$X" whole "$S" "$T" 0 max large.300.srvsvc.level0
        wt large300_l1 "${E[@]}" "$X" whole "$S" "$T" 1 max large.300.srvsvc.level1
        wt large300_l1p "${E[@]}" "$X" whole "$S" "$T" 1 4096 large.300.srvsvc.level1_pages4096
        wt large300_l0p "${E[@]}" "$X" whole "$S" "$T" 0 1000 large.300.srvsvc.level0_pages1000
        wt large300_rap1 "${R[@]}" "$X" whole "$S" "$T" 1 max large.300.rap.level1
        wt large300_rap0p "${R[@]}" "$X" whole "$S" "$T" 0 1000 large.300.rap.level0_pages1000 ;;
    700)
        wt large700_rap1 "${R[@]}" "$X" whole "$S" "$T" 1 max large.700.rap.level1 ;;
    1100)
        wt large1100_l0 "${E[@]}" "$X" whole "$S" "$T" 0 max large.1100.srvsvc.level0
        wt large1100_l1 "${E[@]}" "$X" whole "$S" "$T" 1 max large.1100.srvsvc.level1
        wt large1100_l1p "${E[@]}" "$X" whole "$S" "$T" 1 8192 large.1100.srvsvc.level1_pages8192
        wt large1100_rap1 "${R[@]}" "$X" cut "$S" "$T" 1 large.1100.rap.level1_cut
        wt large1100_rap10 "${R[@]}" "$X" cut "$S" "$T" 10 large.1100.rap.level10_cut ;;
    esac
}

large_all() {
    local archs=(x86_64) tags=("") a step prev=0
    if WINE32_PREFIX="$PREFIX" wine32_usable; then archs+=(i686); tags+=("x86."); fi
    samba_release
    samba_start_smb1 smb1big "$LARGE_IP" "server signing = mandatory" >/dev/null 2>&1 ||
        { fail smb1.large.samba "NT1 Samba did not start"; return 0; }
    LARGE_HELD=0
    for step in 300 700 1100; do
        large_hold $((step - prev)) || break
        prev=$step
        for a in "${!archs[@]}"; do TAG=${tags[$a]}; large_checks "${archs[$a]}" "$step"; done
        TAG=""
    done
    samba_release "${LARGE_HOLD_PIDS[@]}"
    samba_stop smb1big
}
