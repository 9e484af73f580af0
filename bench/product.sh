#!/bin/bash
# bench/product.sh -- part 4 of bench/run.sh: the product end to end.  The DLL
# under Wine (bench/enum_win.c, a Windows program in a fresh prefix with our
# netapi32.dll installed) beside the native core (enum_loop), impacket and
# rpcclient, at several session counts held by ONE client process
# (bench/hold_many.py, several loopback source addresses); threads on one
# server and on three; round trips per call from the DLL's NETAPI32_TRACE
# lines; peak memory of the Windows process against the returned block.
#
# Sourced by bench/run.sh (uses its say/median/ratio, OUT, REPORT, CORE).
# Needs root (private Samba servers: run it under tools/isolate.sh, as
# `make bench` does), wine, rpcclient, impacket for /usr/bin/python3.
# Knobs: BENCH_SESSIONS ("3 100 1000"), BENCH_N_WARM (50 warm calls per tool
# at up to 100 sessions), BENCH_N_WARM_BIG (20, above 100), BENCH_RPC_K (200
# commands in one rpcclient run; BENCH_RPC_K_BIG 20 above 100 sessions),
# BENCH_THREADS ("1 2 4 8"), BENCH_N_THREAD (200 calls per thread),
# BENCH_IPS (three server addresses).

SIZES=${BENCH_SESSIONS:-3 100 1000}
N_WARM=${BENCH_N_WARM:-50}
N_WARM_BIG=${BENCH_N_WARM_BIG:-20}
RPC_K=${BENCH_RPC_K:-200}
RPC_K_BIG=${BENCH_RPC_K_BIG:-20}
THREADS=${BENCH_THREADS:-1 2 4 8}
N_THREAD=${BENCH_N_THREAD:-200}
read -r -a IPS <<<"${BENCH_IPS:-127.0.0.12 127.0.0.13 127.0.0.14}"
mkdir -p "$OUT/product"
P4="$(cd "$OUT/product" && pwd)"     # absolute: Wine wants an absolute WINEPREFIX

us() { sed -n 's/.* us=\([0-9.]*\).*/\1/p' "$@"; }
ms() { awk -v u="$1" 'BEGIN{ if (u == "" || u == "nan") print "?"; else printf "%.2f ms", u/1000}'; }
now_us() { echo $(( $(date +%s%N) / 1000 )); }

p4_build() {
    make -s -f Makefile.mingw BUILD="$BUILD" -j2 x86_64 i686 >"$P4/build.log" 2>&1 || return 1
    x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O2 -s -static -static-libgcc bench/enum_win.c \
        -o "$P4/enum_win.exe" -lnetapi32 -lpsapi >>"$P4/build.log" 2>&1
}

p4_prefix() {
    PFX="$P4/wineprefix"
    wine_prefix_new "$PFX" && wine_install "$PFX"
}

# The DLL: wine enum_win.exe ARGS... (stdout to FILE)
p4_win() {
    local file=$1; shift
    WINE_STDERR="$file.err" wine_run "$PFX" 600 "$P4/enum_win.exe" "$@" >"$file"
}

# rpcclient's warm call: (time of K commands - time of 1) / (K - 1), median of 5
p4_rpcclient() {
    local ip=$1 k=$2 cmds="" i t0 t1 t2 one many out=()
    for i in $(seq 1 "$k"); do cmds="${cmds:+$cmds;}netsessenum 1"; done
    for i in 1 2 3 4 5; do
        t0=$(now_us)
        rpcclient -U "$SAMBA_ADMIN_USER%$SAMBA_ADMIN_PASS" "$ip" -c "netsessenum 1" >"$P4/rpc1.out" 2>&1 || return 1
        t1=$(now_us)
        rpcclient -U "$SAMBA_ADMIN_USER%$SAMBA_ADMIN_PASS" "$ip" -c "$cmds" >"$P4/rpck.out" 2>&1 || return 1
        t2=$(now_us)
        one=$((t1 - t0)) many=$((t2 - t1))
        out+=("$(( (many - one) / (k - 1) ))")
    done
    printf '%s\n' "${out[@]}" | median
}

# Hold COUNT sessions from one process (replacing the previous holder); sets
# P4_HELD to the number it holds.  Not to be called in $(...): P4_HOLDER and
# SAMBA_HOLDERS must stay in this shell so that the holder is released.
p4_hold() {
    local count=$1
    local i
    if [ -n "${P4_HOLDER:-}" ]; then
        samba_release "$P4_HOLDER" >/dev/null 2>&1
        for i in $(seq 1 100); do      # until the server has dropped them
            [ "$(smbstatus -s "$(samba_conf bench0)" -b 2>/dev/null | grep -c ntsuser)" = 0 ] && break
            sleep 0.2
        done
    fi
    P4_HOLDER="" P4_HELD=0
    [ "$count" -le 0 ] && return 0
    "$PY" bench/hold_many.py "${IPS[0]}" "$count" "$SAMBA_USER1" "$SAMBA_USER1_PASS" \
        "$SAMBA_USER2" "$SAMBA_USER2_PASS" >"$P4/hold.out" 2>"$P4/hold.err" &
    P4_HOLDER=$!
    SAMBA_HOLDERS+=("$P4_HOLDER")
    for i in $(seq 1 1500); do
        grep -q '^ready' "$P4/hold.out" && break
        kill -0 "$P4_HOLDER" 2>/dev/null || break
        sleep 0.2
    done
    P4_HELD=$(sed -n 's/^ready //p' "$P4/hold.out")
}

# One session count: every tool, warm calls, first call, round trips, memory.
p4_size() {
    local size=$1 n=$N_WARM held got srv="\\\\${IPS[0]}"
    [ "$size" -gt 100 ] && n=$N_WARM_BIG
    held=$((size - 1))
    p4_hold "$held"
    got=$P4_HELD
    [ "${got:-0}" = "$held" ] || say "   note: $size sessions wanted, the holder has ${got:-0} of $held (see $P4/hold.err)"
    "$OUT/enum_loop" "$srv" "$n" 1 >"$P4/native.$size" 2>&1
    p4_win "$P4/dll.$size" loop "$srv" "$n" 1
    "$PY" bench/impacket_loop.py "${IPS[0]}" "$n" 1 "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" >"$P4/impacket.$size" 2>&1
    local rpc
    rpc=$(p4_rpcclient "${IPS[0]}" "$([ "$size" -gt 100 ] && echo "$RPC_K_BIG" || echo "$RPC_K")")
    local e_rpc
    e_rpc=$(sed -n 's/Received \([0-9]*\) entries.*/\1/p' "$P4/rpc1.out" | head -1)
    # round trips per call, from the DLL's own trace (a separate, short run)
    NETAPI32_TRACE=1 WINEDEBUG=+debugstr WINE_STDERR="$P4/trace.$size" \
        wine_run "$PFX" 300 "$P4/enum_win.exe" loop "$srv" 2 1 >/dev/null
    local rt_conn rt_first rt_warm
    rt_conn=$(sed -n 's/.*connected .*round_trips=\([0-9]*\).*/\1/p' "$P4/trace.$size" | head -1)
    rt_first=$(sed -n 's/.*rpc on .*(new connection): \([0-9]*\) round trips.*/\1/p' "$P4/trace.$size" | head -1)
    rt_warm=$(sed -n 's/.*rpc on .*(cached connection): \([0-9]*\) round trips.*/\1/p' "$P4/trace.$size" | sort -u | paste -sd/)
    local rq_warm
    rq_warm=$(sed -n 's/.*rpc on .*(cached connection): [0-9]* round trips (\([0-9]*\) requests).*/\1/p' "$P4/trace.$size" | sort -u | paste -sd/)

    local m_nat m_dll m_imp f_dll f_imp e_dll e_nat e_imp
    m_nat=$(grep '^call ' "$P4/native.$size" | tail -n +2 | us | median)
    m_dll=$(grep '^call ' "$P4/dll.$size" | tail -n +2 | us | median)
    m_imp=$(grep '^call ' "$P4/impacket.$size" | us | median)
    f_dll=$(grep '^call 0 ' "$P4/dll.$size" | us)
    f_imp=$(( $(grep '^connect ' "$P4/impacket.$size" | us) + $(grep '^call 0 ' "$P4/impacket.$size" | us) ))
    e_dll=$(sed -n 's/^call 1 .*entries=\([0-9]*\).*/\1/p' "$P4/dll.$size")
    e_nat=$(sed -n 's/^call 1 .*entries=\([0-9]*\).*/\1/p' "$P4/native.$size")
    e_imp=$(sed -n 's/^call 0 .*entries=\([0-9]*\).*/\1/p' "$P4/impacket.$size")
    say "   -- $size sessions (entries per call: DLL ${e_dll:-?}, native ${e_nat:-?}, impacket ${e_imp:-?}, rpcclient ${e_rpc:-?}); N=$n warm calls each"
    printf '   %-40s %10s %10s %10s %10s\n' "median warm call" "DLL/Wine" "native" "impacket" "rpcclient" | tee -a "$REPORT"
    printf '   %-40s %10s %10s %10s %10s\n' "" "$(ms "$m_dll")" "$(ms "$m_nat")" "$(ms "$m_imp")" "$(ms "$rpc")" | tee -a "$REPORT"
    say "   DLL/native $(ratio "$m_dll" "$m_nat")x (time ratio); the DLL is $(ratio "$m_imp" "$m_dll")x faster than impacket; DLL/rpcclient $(ratio "$m_dll" "$rpc")x"
    say "   cold first call in a running process (connect+auth+bind+enum): DLL $(ms "$f_dll"), impacket $(ms "$f_imp") = $(ratio "$f_imp" "$f_dll")x faster"
    say "   DLL round trips: connect ${rt_conn:-?} + first enumeration ${rt_first:-?}; warm call ${rt_warm:-?} (${rq_warm:-?} SMB2 requests)"
    local mem
    mem=$(grep '^mem ' "$P4/dll.$size")
    if [ -n "$mem" ]; then
        local base peak block
        base=$(sed -n 's/.*base_peak_ws=\([0-9]*\).*/\1/p' <<<"$mem")
        peak=$(awk '{for(i=1;i<=NF;i++) if ($i ~ /^peak_ws=/) {sub(/peak_ws=/,"",$i); print $i}}' <<<"$mem")
        block=$(sed -n 's/.*block=\([0-9]*\).*/\1/p' <<<"$mem")
        say "   Windows process peak working set $peak KiB, before the first call $base KiB: +$((peak - base)) KiB for a returned block of $block bytes"
    fi
}

# Calls/s of T threads on one server and spread over three.
p4_threads() {
    local t one=() three=() base1="" base3="" line r1 r3
    say "   -- threads (3 sessions per server; $N_THREAD calls per thread; calls/s of the whole process)"
    printf '   %-10s %16s %10s %18s %10s\n' "threads" "one server" "vs 1" "three servers" "vs 1" | tee -a "$REPORT"
    for t in $THREADS; do
        p4_win "$P4/threads1.$t" threads "$t" "$N_THREAD" "\\\\${IPS[0]}"
        p4_win "$P4/threads3.$t" threads "$t" "$N_THREAD" "\\\\${IPS[0]}" "\\\\${IPS[1]}" "\\\\${IPS[2]}"
        r1=$(sed -n 's/.*calls_per_s \([0-9.]*\).*/\1/p' "$P4/threads1.$t")
        r3=$(sed -n 's/.*calls_per_s \([0-9.]*\).*/\1/p' "$P4/threads3.$t")
        [ -z "$base1" ] && base1=$r1 && base3=$r3
        printf '   %-10s %16s %9sx %18s %9sx\n' "$t" "${r1:-?}" "$(ratio "${r1:-0}" "${base1:-0}")" \
            "${r3:-?}" "$(ratio "${r3:-0}" "${base3:-0}")" | tee -a "$REPORT"
    done
}

p4_main() {
    say "4. The product: the DLL under Wine beside the native core, impacket and rpcclient"
    source tests/lib/wine.sh
    if ! samba_can_run; then say "SKIPPED: 4. product: $SAMBA_WHY"; return 0; fi
    if ! wine_available; then say "SKIPPED: 4. product: wine not installed"; return 0; fi
    if ! command -v rpcclient >/dev/null; then say "SKIPPED: 4. product: rpcclient not installed (smbclient)"; return 0; fi
    p4_build || { say "SKIPPED: 4. product: build failed (see $P4/build.log)"; return 0; }
    p4_prefix || { say "SKIPPED: 4. product: no Wine prefix with our DLL"; return 0; }
    samba_trap
    local i
    for i in 0 1 2; do
        samba_start "bench$i" "${IPS[$i]}" 2>"$P4/samba$i.err" ||
            { say "SKIPPED: 4. product: Samba on ${IPS[$i]} did not start: $(tail -1 "$P4/samba$i.err")"; return 0; }
    done
    export NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS"
    for i in 0 1 2; do     # Samba starts its RPC daemons on the first srvsvc open
        "$CORE/native/tools/apicli" enum "\\\\${IPS[$i]}" 1 >/dev/null 2>&1
    done
    "$PY" bench/impacket_loop.py "${IPS[0]}" 2 1 "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" >/dev/null 2>&1
    say "   (DLL: Windows program under Wine $(wine --version 2>/dev/null), fresh prefix, our netapi32.dll installed;"
    say "    sessions held by one python process from 127.0.1.x sources; every figure from this run)"
    for i in 1 2; do
        samba_hold_session "bench$i" "${IPS[$i]}" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
        samba_hold_session "bench$i" "${IPS[$i]}" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
    done
    p4_hold 2
    p4_threads
    local size
    for size in $SIZES; do p4_size "$size"; done
    p4_hold 0
    wine_prefix_drop "$PFX"
    samba_stop_all
}

p4_main
