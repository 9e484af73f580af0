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
# BENCH_IPS (three server addresses), BENCH_POOLS ("1:1 1:4 4:1": the thread
# tables' NETAPI32_MAX_CONNECTIONS:NETAPI32_MAX_CALLS; "C" alone is C:4, the
# default calls per connection), BENCH_N_FLOOR (2000 round trips of bench/floor.c), BENCH_N_CPU (2000 warm calls
# measured for CPU per call), BENCH_N_COLD (5 cold calls, a fresh process
# each, of the DLL and of the native core; impacket: BENCH_N_COLD_IMP, 3),
# BENCH_REPEAT (3: alternating DLL/native runs of BENCH_N_CPU warm calls, and
# runs of every thread-table cell, interleaved; medians).

SIZES=${BENCH_SESSIONS:-3 100 1000}
N_WARM=${BENCH_N_WARM:-50}
N_WARM_BIG=${BENCH_N_WARM_BIG:-20}
RPC_K=${BENCH_RPC_K:-200}
RPC_K_BIG=${BENCH_RPC_K_BIG:-20}
THREADS=${BENCH_THREADS:-1 2 4 8}
N_THREAD=${BENCH_N_THREAD:-200}
POOLS=${BENCH_POOLS:-1:1 1:4 4:1}
N_FLOOR=${BENCH_N_FLOOR:-2000}
N_CPU=${BENCH_N_CPU:-2000}
N_COLD=${BENCH_N_COLD:-5}
N_COLD_IMP=${BENCH_N_COLD_IMP:-3}
REPEAT=${BENCH_REPEAT:-3}
read -r -a IPS <<<"${BENCH_IPS:-127.0.0.12 127.0.0.13 127.0.0.14}"
mkdir -p "$OUT/product"
P4="$(cd "$OUT/product" && pwd)"     # absolute: Wine wants an absolute WINEPREFIX

us() { sed -n 's/.* us=\([0-9.]*\).*/\1/p' "$@"; }
# median of the warm calls (call 1 on) of an enum_win/enum_loop output file
warm_median() { grep '^call ' "$1" | tail -n +2 | us | median; }
ms() { awk -v u="$1" 'BEGIN{ if (u == "" || u == "nan") print "?"; else printf "%.2f ms", u/1000}'; }
now_us() { echo $(( $(date +%s%N) / 1000 )); }

p4_build() {
    make -s -f Makefile.mingw BUILD="$BUILD" -j2 x86_64 i686 >"$P4/build.log" 2>&1 || return 1
    x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O2 -s -static -static-libgcc bench/enum_win.c \
        -o "$P4/enum_win.exe" -lnetapi32 -lpsapi >>"$P4/build.log" 2>&1 &&
    x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O2 -s -static bench/floor.c -o "$P4/floor.exe" -lws2_32 \
        >>"$P4/build.log" 2>&1 &&
    gcc -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -O2 bench/floor.c -o "$P4/floor" >>"$P4/build.log" 2>&1
}

# CPU ticks of the PIDs given, summed: utime + stime + those of their reaped
# children (/proc/PID/stat 14-17: an smbd serving a connection that closed is
# counted in its parent's); and microseconds per call:
# p4_cpu_us TICKS_BEFORE TICKS_AFTER CALLS
p4_ticks() {
    local t=0 p
    for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15} END {if (!NR) print 0}'))); done
    echo "$t"
}
p4_cpu_us() { awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) * 1e6 / hz / n }'; }
# the wineserver of our prefix (started persistent by p4_prefix)
p4_wineserver() {
    local p
    for p in /proc/[0-9]*; do
        case "$(cat "$p/comm" 2>/dev/null)" in wineserver*)
            grep -qa "WINEPREFIX=$PFX" "$p/environ" 2>/dev/null && { echo "${p#/proc/}"; return; } ;;
        esac
    done
}
p4_smbd() { samba__pids_of bench0; }

p4_prefix() {
    PFX="$P4/wineprefix"
    wine_prefix_new "$PFX" && wine_install "$PFX" && WINEPREFIX="$PFX" wineserver -p 600 && sleep 0.5 &&
        WSPID=$(p4_wineserver) && [ -n "$WSPID" ]
}

# The DLL: wine enum_win.exe ARGS... (stdout to FILE)
p4_win() {
    local file=$1; shift
    WINE_STDERR="$file.err" wine_run "$PFX" 600 "$P4/enum_win.exe" "$@" >"$file"
}

# The DLL with BENCH_SYNC (enum_win.c, floor.c): the CPU ticks of smbd and of the
# wineserver exactly around the measured calls, in SYNC_S and SYNC_W.
# The machine's CPU time from /proc/stat: "busy total" jiffies over all CPUs
# (busy: user nice system irq softirq steal); p4_busy_pct BEFORE AFTER: the
# share of all CPUs that was busy in between, in percent.
p4_cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
p4_busy_pct() {
    awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ")
        if (y[2] > x[2]) printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]); else print "?" }'
}
p4_win_sync() { p4_exe_sync "$P4/enum_win.exe" "$@"; }
p4_exe_sync() {
    local exe=$1 file=$2; shift 2
    local go="$P4/go" fifo="$P4/sync.fifo" pid fd line rc s0=0 w0=0 c0=""
    rm -f "$go" "$fifo"
    mkfifo "$fifo" || return 1
    # The program's lines come through a FIFO that the script reads with the
    # shell's own `read`: waiting for "begin"/"end" costs no CPU (a polling
    # loop of grep + sleep would fork ~200 processes a second on the
    # machine being measured).
    BENCH_SYNC="$(wine_winpath "$go")" WINEPREFIX="$PFX" DISPLAY= timeout -k 5 600 wine "$exe" "$@" \
        >"$fifo" 2>"$file.err" &
    pid=$!
    exec {fd}<"$fifo"
    : >"$file.raw"
    SYNC_S=0 SYNC_W=0 SYNC_BUSY="?"
    while :; do
        # EOF: the program is done; a timeout: go on while it runs (a process
        # it started may still hold the FIFO open after it exits)
        IFS= read -r -t 2 line <&"$fd"
        rc=$?
        if [ "$rc" -ne 0 ]; then
            [ "$rc" -gt 128 ] && kill -0 "$pid" 2>/dev/null && continue
            break
        fi
        printf '%s\n' "$line" >>"$file.raw"
        case $line in
        begin*)
            s0=$(p4_ticks $(p4_smbd)) w0=$(p4_ticks "$WSPID") c0=$(p4_cpu_busy)
            : >"$go" ;;
        end*)
            SYNC_S=$(( $(p4_ticks $(p4_smbd)) - s0 )) SYNC_W=$(( $(p4_ticks "$WSPID") - w0 ))
            [ -n "$c0" ] && SYNC_BUSY=$(p4_busy_pct "$c0" "$(p4_cpu_busy)") ;;
        esac
    done
    exec {fd}<&-
    wait "$pid"
    tr -d '\r' <"$file.raw" >"$file"
    rm -f "$go" "$fifo"
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

# rpcclient's wait for the server per warm call: the wall time it spends in
# poll/epoll/select (strace -c -w: Samba's tevent waits there for the
# socket), K commands minus 1 command, / (K - 1).  Prints microseconds.
p4_rpcclient_wait() {
    local ip=$1 k=$2 cmds="" i w=()
    command -v strace >/dev/null || { echo nan; return; }
    for i in $(seq 1 "$k"); do cmds="${cmds:+$cmds;}netsessenum 1"; done
    for c in "netsessenum 1" "$cmds"; do
        strace -f -c -w -o "$P4/rpc.strace" -e trace=poll,ppoll,epoll_wait,epoll_pwait,select,pselect6 \
            rpcclient -U "$SAMBA_ADMIN_USER%$SAMBA_ADMIN_PASS" "$ip" -c "$c" >/dev/null 2>&1
        w+=("$(awk '$NF ~ /^(poll|ppoll|epoll_wait|epoll_pwait|select|pselect6)$/ { t += $2 } END { printf "%.0f", t * 1e6 }' "$P4/rpc.strace")")
    done
    echo $(( (w[1] - w[0]) / (k - 1) ))
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
    local e_rpc rpc_wait
    rpc_wait=$(p4_rpcclient_wait "${IPS[0]}" "$([ "$size" -gt 100 ] && echo "$RPC_K_BIG" || echo "$RPC_K")")
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
    m_nat=$(warm_median "$P4/native.$size")
    m_dll=$(warm_median "$P4/dll.$size")
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
    p4_cold "$size" "$f_imp"
    say "   DLL round trips: connect ${rt_conn:-?} + first enumeration ${rt_first:-?}; warm call ${rt_warm:-?} (${rq_warm:-?} SMB2 requests)"
    [ "$size" -le 3 ] && p4_cpu_warm "$srv"
    p4_server_time "$size" "$m_nat" "$m_dll" "$rpc" "$rpc_wait"
    [ "$size" -le 3 ] && p4_floor "$m_dll" "$m_nat"
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

# Cold first calls, a fresh process each: N_COLD of the DLL (Windows program,
# one call) and of the native core, N_COLD_IMP of impacket (its connect + first
# call), medians; and where the DLL's and the native core's cold calls spend
# their time, step by step, from their traces (whole ms, each step from its
# request's send to its response): what is the server's and what is ours.
p4_cold() {
    local size=$1 f_imp=$2 srv="\\\\${IPS[0]}" i d=() n=() m=("$2") md mn mi
    for i in $(seq 1 "$N_COLD"); do
        p4_win "$P4/cold_dll.$size" loop "$srv" 0 1
        d+=("$(grep '^call 0 ' "$P4/cold_dll.$size" | us)")
        "$OUT/enum_loop" "$srv" 1 1 >"$P4/cold_nat.$size" 2>&1
        n+=("$(grep '^call 0 ' "$P4/cold_nat.$size" | us)")
    done
    for i in $(seq 2 "$N_COLD_IMP"); do
        "$PY" bench/impacket_loop.py "${IPS[0]}" 1 1 "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" >"$P4/cold_imp.$size" 2>&1
        m+=("$(( $(grep '^connect ' "$P4/cold_imp.$size" | us) + $(grep '^call 0 ' "$P4/cold_imp.$size" | us) ))")
    done
    md=$(printf '%s\n' "${d[@]}" | grep . | median) mn=$(printf '%s\n' "${n[@]}" | grep . | median)
    mi=$(printf '%s\n' "${m[@]}" | grep . | median)
    say "   cold first call, a fresh process each (medians of $N_COLD; impacket $N_COLD_IMP): DLL $(ms "$md"), native core $(ms "$mn"), impacket $(ms "$mi"): DLL $(ratio "$mi" "$md")x faster than impacket, native core $(ratio "$mi" "$mn")x"
    NETAPI32_TRACE=1 "$OUT/enum_loop" "$srv" 1 1 >/dev/null 2>"$P4/cold_nat_trace.$size"
    say "   cold call steps (ms, one traced run each): DLL $(p4_steps "$P4/trace.$size"); native core $(p4_steps "$P4/cold_nat_trace.$size")"
}

# The connect steps of the first call in a trace (NETAPI32_TRACE lines).
p4_steps() {
    awk '
        function ms(re,   t) {     # the number in the first match of re ("(5 ms)", " 5 ms")
            if (!match($0, re)) return 0
            t = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", t); return t + 0
        }
        /NetSessionEnum server=/ { total = ms("[(][0-9]+ ms[)]"); exit }
        /TCP connect/ { tcp += ms("[(][0-9]+ ms[)]"); next }
        /smb2: NEGOTIATE status=/ { neg += ms(" [0-9]+ ms"); next }
        /smb2: SESSION_SETUP status=/ { ss += ms(" [0-9]+ ms"); next }
        /connected .*round_trips=/ { connected = 1; next }
        !connected && /smb2: (TREE_CONNECT|CREATE|IOCTL|WRITE|READ) status=/ { tc += ms(" [0-9]+ ms"); next }
        /rpc on .*new connection/ { en += ms(", [0-9]+ ms"); next }
        END { printf "connect %d, NEGOTIATE %d, SESSION_SETUP %d, TREE_CONNECT+CREATE+bind %d, enumeration %d, the rest %d of %d",
                  tcp, neg, ss, tc, en, total - tcp - neg - ss - tc - en, total }' "$1"
}

# CPU per warm call: the same program run with N_CPU warm calls and with none
# (the cold call only); the difference of the CPU ticks of each process / N_CPU.
# Sets CPW_DLL (CPU-s per wall-s of the DLL's warm calls, all processes).
p4_cpu_warm() {
    local srv=$1 s0 s1 ws sm smn c_dll c_nat m_dll m_nat
    p4_win_sync "$P4/cpu_dll" loop "$srv" "$N_CPU" 1
    ws=$(p4_cpu_us 0 "$SYNC_W" "$N_CPU") sm=$(p4_cpu_us 0 "$SYNC_S" "$N_CPU")
    s0=$(p4_ticks $(p4_smbd))
    "$OUT/enum_loop" "$srv" 1 1 >/dev/null 2>&1
    s1=$(p4_ticks $(p4_smbd))
    "$OUT/enum_loop" "$srv" $((N_CPU + 1)) 1 >"$P4/cpu_nat" 2>&1
    smn=$(p4_cpu_us $((s1 - s0)) $(( $(p4_ticks $(p4_smbd)) - s1 )) "$N_CPU")   # minus a run of the cold call alone
    c_dll=$(sed -n 's/^cpu .*us_per_call=\([0-9.]*\).*/\1/p' "$P4/cpu_dll")
    c_nat=$(sed -n 's/^cpu .*us_per_call=\([0-9.]*\).*/\1/p' "$P4/cpu_nat")
    m_dll=$(warm_median "$P4/cpu_dll")
    m_nat=$(warm_median "$P4/cpu_nat")
    say "   CPU per warm call (us, $N_CPU calls): DLL process ${c_dll:-?} + wineserver $ws + smbd $sm (median call $(ms "$m_dll")); native core ${c_nat:-?} + smbd $smn (median call $(ms "$m_nat")); DLL/native over $N_CPU calls $(ratio "$m_dll" "$m_nat")x"
    # the same ratio from alternating runs (DLL, native, DLL, ...): one run's
    # ratio moves with what else the machine did meanwhile
    local i r rs=()
    rs+=("$(ratio "$m_dll" "$m_nat")")
    for i in $(seq 2 "$REPEAT"); do
        p4_win "$P4/rep_dll" loop "$srv" "$N_CPU" 1
        "$OUT/enum_loop" "$srv" $((N_CPU + 1)) 1 >"$P4/rep_nat" 2>&1
        r=$(ratio "$(warm_median "$P4/rep_dll")" "$(warm_median "$P4/rep_nat")")
        rs+=("$r")
    done
    say "   DLL/native median warm call over $N_CPU calls, $REPEAT alternating runs: $(printf '%sx ' "${rs[@]}")= median $(printf '%s\n' "${rs[@]}" | grep -v nan | median)x"
}

# Server time vs client time of a warm call: the time the native core spends
# waiting in its receives (enum_loop wait_us: the server building and sending
# the answer, plus the loopback transfer), and the same from the DLL's trace
# (the IOCTL and READ lines of a cached-connection call, whole ms, from each
# request's send to its final response) against the whole call.
p4_server_time() {
    local size=$1 m_nat=$2 m_dll=$3 rpc=$4 rpc_wait=$5 fw io tot
    fw=$(grep '^call ' "$P4/native.$size" | tail -n +2 | sed -n 's/.*wait_us=\([0-9]*\).*/\1/p' | median)
    io=$(awk '/\(new connection\)/ {w = 1; next}
              w && /smb2: (IOCTL|READ) status=/ { match($0, /[0-9]+ ms/); t += substr($0, RSTART, RLENGTH - 3) + 0 }
              w && /rpc on .*cached connection/ { printf "%s%d", (n++ ? "/" : ""), t; t = 0 }' "$P4/trace.$size")
    tot=$(sed -n 's/.*rpc on .*(cached connection): .*, \([0-9]*\) ms.*/\1/p' "$P4/trace.$size" | paste -sd/)
    say "   server time (waiting for answers): native $(ms "$fw") of $(ms "$m_nat") call = $(awk -v a="$fw" -v b="$m_nat" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b }'); DLL (trace, whole ms) ${io:-?} ms of ${tot:-?} ms calls (median call $(ms "$m_dll")); rpcclient $(ms "$rpc_wait") in poll (strace -c -w) of $(ms "$rpc") call"
}

# The platform floor (bench/floor.c): the bytes of one warm 3-session call
# (232-byte request, 456-byte answer) over loopback TCP against a responder
# that answers at once, natively and under Wine, with the DLL's socket
# pattern (blocking recv) and the one it had before (recv, select, recv).
p4_floor() {
    local m_dll=$1 m_nat=$2 port=4455 sp i fn fb fs cb cs wb ws
    "$P4/floor" serve "$port" >"$P4/floor.srv" 2>&1 &
    sp=$!
    for i in $(seq 1 50); do grep -q listening "$P4/floor.srv" && break; sleep 0.1; done
    "$P4/floor" client 127.0.0.1 "$port" 232 456 "$N_FLOOR" block >"$P4/floor.native"
    p4_exe_sync "$P4/floor.exe" "$P4/floor.wine" client 127.0.0.1 "$port" 232 456 "$N_FLOOR" block
    wb=$(p4_cpu_us 0 "$SYNC_W" "$N_FLOOR")
    p4_exe_sync "$P4/floor.exe" "$P4/floor.wine_nb" client 127.0.0.1 "$port" 232 456 "$N_FLOOR" nbrecv
    ws=$(p4_cpu_us 0 "$SYNC_W" "$N_FLOOR")
    kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null
    # the same with a responder that computes 100 us per answer, as a server
    # does: the Wine client now waits, and the two patterns differ
    "$P4/floor" serve $((port + 1)) 100 >"$P4/floor.srv100" 2>&1 &
    sp=$!
    for i in $(seq 1 50); do grep -q listening "$P4/floor.srv100" && break; sleep 0.1; done
    local m wsp=()
    for m in block nbrecv; do
        p4_exe_sync "$P4/floor.exe" "$P4/floor.wine100.$m" client 127.0.0.1 $((port + 1)) 232 456 "$N_FLOOR" $m
        wsp+=("$(p4_cpu_us 0 "$SYNC_W" "$N_FLOOR")")
    done
    kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null
    fv() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" "$2"; }
    fn=$(fv median_us "$P4/floor.native") fb=$(fv median_us "$P4/floor.wine") fs=$(fv median_us "$P4/floor.wine_nb")
    cb=$(fv cpu_us_per_call "$P4/floor.wine") cs=$(fv cpu_us_per_call "$P4/floor.wine_nb")
    say "   -- platform floor (bench/floor.c): the bytes of one warm call (232 B request, 456 B answer), loopback TCP, answered at once, N=$N_FLOOR"
    say "   floor/native $(ms "$fn"), floor/Wine $(ms "$fb") (blocking recv, the DLL's pattern) = $(ratio "$fb" "$fn")x, +$(ms "$(awk -v a="$fb" -v b="$fn" 'BEGIN{print a-b}')") per round trip; recv+select+recv $(ms "$fs")"
    say "   CPU per round trip under Wine (us): blocking recv: process ${cb:-?} + wineserver ${wb:-?}; recv+select+recv: process ${cs:-?} + wineserver ${ws:-?}"
    say "   responder computing 100 us per answer, under Wine: blocking recv $(ms "$(fv median_us "$P4/floor.wine100.block")"), CPU process $(fv cpu_us_per_call "$P4/floor.wine100.block") + wineserver ${wsp[0]} us; recv+select+recv $(ms "$(fv median_us "$P4/floor.wine100.nbrecv")"), CPU $(fv cpu_us_per_call "$P4/floor.wine100.nbrecv") + ${wsp[1]} us"
    say "   DLL/Wine - native = $(ms "$(awk -v a="$m_dll" -v b="$m_nat" 'BEGIN{print a-b}')") vs floor gap $(ms "$(awk -v a="$fb" -v b="$fn" 'BEGIN{print a-b}')"): the socket path is $(awk -v a="$m_dll" -v b="$m_nat" -v f="$fb" -v g="$fn" 'BEGIN{ if (a-b <= 0) print "all"; else printf "%.0f%%", 100*(f-g)/(a-b)}') of the difference"
}

# The share of one CPU the wineserver and the smbd processes used during the
# timed calls of a thread run (file: its output, n: its timed calls), "%d %d".
p4_shares() {
    local rate hz
    rate=$(sed -n 's/.*calls_per_s \([0-9.]*\).*/\1/p' "$1")
    hz=$(getconf CLK_TCK)
    awk -v w="$SYNC_W" -v s="$SYNC_S" -v n="$2" -v r="${rate:-0}" -v hz="$hz" \
        'BEGIN { if (r <= 0) { print "? ?"; exit } t = n / r; printf "%.0f %.0f\n", 100 * w / hz / t, 100 * s / hz / t }'
}

# Calls/s of T threads on one server and spread over three, for each pool
# (NETAPI32_MAX_CONNECTIONS connections, each carrying up to
# NETAPI32_MAX_CALLS calls at once); at 1 thread on one server the CPU the calls
# consume (the Windows process, its wineserver, the smbd processes) gives the
# most T threads can gain on this machine: min(T, CPUs / CPU-s per wall-s).
# The files of one thread-table cell ($pool, $t of the caller), every repeat.
p4_reps() { local rep; for rep in $(seq 1 "$REPEAT"); do cat "$P4/$1.$pool.$t.$rep" 2>/dev/null; done; }
p4_threads() {
    local pool t base1 base3 r1 r3 b1 b3 w1 s1 cpu_ms rate cpw ncpu
    ncpu=$(nproc)
    p4_win_sync "$P4/threads_cpu" threads 1 "$N_CPU" "\\\\${IPS[0]}"   # CPU of 1 thread
    cpu_ms=$(sed -n 's/.*cpu_ms \([0-9.]*\).*/\1/p' "$P4/threads_cpu")
    rate=$(sed -n 's/.*calls_per_s \([0-9.]*\).*/\1/p' "$P4/threads_cpu")
    local pc ws sm
    pc=$(awk -v c="${cpu_ms:-0}" -v n="$N_CPU" 'BEGIN{printf "%.0f", c * 1000 / n}')
    ws=$(p4_cpu_us 0 "$SYNC_W" "$N_CPU") sm=$(p4_cpu_us 0 "$SYNC_S" "$N_CPU")
    cpw=$(awk -v a="$pc" -v b="$ws" -v c="$sm" -v r="${rate:-0}" 'BEGIN { printf "%.2f", (a + b + c) * r / 1e6 }')
    say "   -- threads: 1 thread, one server, $N_CPU calls at ${rate:-?} calls/s: CPU per call (us) process $pc + wineserver $ws + smbd $sm"
    say "   = $cpw CPU-s per wall-s; upper bound of T threads / 1 thread on $ncpu CPUs: min(T, $ncpu / $cpw) = $(awk -v n="$ncpu" -v c="$cpw" 'BEGIN { if (c > 0) printf "%.2f", n / c; else print "nan" }')x if nothing else ran (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    for pool in $POOLS; do
        base1="" base3=""
        local conns=${pool%%:*} calls=4
        case "$pool" in *:*) calls=${pool#*:} ;; esac
        say "   -- threads, pool of $conns connection(s) per server, each carrying up to $calls call(s) at once (NETAPI32_MAX_CONNECTIONS=$conns NETAPI32_MAX_CALLS=$calls; 3 sessions per server; $N_THREAD calls per thread after a warm-up; calls/s of the whole process, median of $REPEAT interleaved runs; busy: share of all $ncpu CPUs in use meanwhile)"
        printf '   %-8s %12s %7s %6s %11s %15s %7s %6s\n' "threads" "one server" "vs 1" "busy" "wsrv/samba" "three servers" "vs 1" "busy" | tee -a "$REPORT"
        local rep
        for rep in $(seq 1 "$REPEAT"); do
            for t in $THREADS; do
                NETAPI32_MAX_CONNECTIONS=$conns NETAPI32_MAX_CALLS=$calls p4_win_sync "$P4/threads1.$pool.$t.$rep" threads "$t" "$N_THREAD" "\\\\${IPS[0]}"
                echo "$SYNC_BUSY" >"$P4/busy1.$pool.$t.$rep"
                p4_shares "$P4/threads1.$pool.$t.$rep" "$((t * N_THREAD))" >"$P4/share1.$pool.$t.$rep"
                NETAPI32_MAX_CONNECTIONS=$conns NETAPI32_MAX_CALLS=$calls p4_win_sync "$P4/threads3.$pool.$t.$rep" threads "$t" "$N_THREAD" "\\\\${IPS[0]}" "\\\\${IPS[1]}" "\\\\${IPS[2]}"
                echo "$SYNC_BUSY" >"$P4/busy3.$pool.$t.$rep"
            done
        done
        for t in $THREADS; do
            r1=$(p4_reps threads1 | sed -n 's/.*calls_per_s \([0-9.]*\).*/\1/p' | median)
            r3=$(p4_reps threads3 | sed -n 's/.*calls_per_s \([0-9.]*\).*/\1/p' | median)
            b1=$(p4_reps busy1 | grep -v '?' | median)
            b3=$(p4_reps busy3 | grep -v '?' | median)
            w1=$(p4_reps share1 | cut -d' ' -f1 | median) s1=$(p4_reps share1 | cut -d' ' -f2 | median)
            [ -z "$base1" ] && base1=$r1 && base3=$r3
            printf '   %-8s %12s %6sx %5s%% %5s/%4s%% %15s %6sx %5s%%\n' "$t" "${r1:-?}" "$(ratio "${r1:-0}" "${base1:-0}")" "${b1:-?}" \
                "${w1:-?}" "${s1:-?}" "${r3:-?}" "$(ratio "${r3:-0}" "${base3:-0}")" "${b3:-?}" | tee -a "$REPORT"
        done
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
