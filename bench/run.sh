#!/bin/bash
# bench/run.sh -- benchmarks (not tests): every figure is a ratio against a
# baseline measured in the same run.  See bench/README.md.
#
#   bash bench/run.sh            (or: make -f Makefile.mingw bench)
#
# Environment: BUILD (default build; output in $BUILD/bench, report in
# $BUILD/bench/report.txt), BENCH_N_APICLI (50), BENCH_N_LOOP (200),
# BENCH_N_IMPACKET_COLD (20), BENCH_IP (127.0.0.12), BENCH_PARTS ("1 2 3 4");
# part 4's knobs are listed in bench/product.sh.  Parts 3-4 start private
# Samba servers: run under tools/isolate.sh (make bench does).
set -u
cd "$(dirname "$0")/.." || exit 2
# Part 3 starts a private Samba: the whole run goes into a private network
# namespace (tools/isolate.sh), so it cannot collide with a Samba the machine
# runs or with another run, and its loopback alias vanishes with it.
if [ -z "${BENCH_ISOLATED:-}" ]; then export BENCH_ISOLATED=1; exec bash tools/isolate.sh bash "$0" "$@"; fi
export BUILD="${BUILD:-build}"
OUT="$BUILD/bench"
CORE="$OUT/core"
REPORT="$OUT/report.txt"
N_APICLI=${BENCH_N_APICLI:-50}
N_LOOP=${BENCH_N_LOOP:-200}
N_COLD=${BENCH_N_IMPACKET_COLD:-20}
IP=${BENCH_IP:-127.0.0.12}
PARTS=" ${BENCH_PARTS:-1 2 3 4} "
part() { [[ $PARTS == *" $1 "* ]]; }
PY=/usr/bin/python3
CFLAGS="-std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -D_DEFAULT_SOURCE -O2 -g -Idll -Iinclude"
T_START=$(date +%s)
mkdir -p "$OUT"
: > "$REPORT"

say() { echo "$*" | tee -a "$REPORT"; }
die() { say "FAIL: $*"; exit 1; }

# median of the numbers on stdin (one per line)
median() { sort -n | awk '{a[NR]=$1} END { if (!NR) { print "nan"; exit } if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }
# ratio A/B with 2 decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "nan"; else printf "%.2f", a / b }'; }
# per-unit figure A/B with 1 decimal
per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

# ---- build: the native core at -O2 (the DLL's optimisation level) -----------
# A private BUILD dir for the core: make does not track flags, so the -O1
# objects of $BUILD/native are never mixed with these.
make -s -f Makefile.mingw BUILD="$CORE" NATIVE_CFLAGS="-O2 -g" -j"$(nproc 2>/dev/null || echo 2)" \
    "$CORE/native/libcore.a" "$CORE/native/tools/apicli" >"$OUT/build.log" 2>&1 ||
    die "build of the native core failed (see $OUT/build.log)"
LIB="$CORE/native/libcore.a -lnettle -lpthread -lgssapi_krb5"   # = the Makefile's NATIVE_LIBS
for p in ndr_bench crypto_bench rss_base; do
    gcc $CFLAGS "bench/$p.c" $LIB -o "$OUT/$p" >>"$OUT/build.log" 2>&1 || die "build of bench/$p.c failed"
done
gcc $CFLAGS bench/enum_loop.c $LIB -Wl,--wrap=net_send_all,--wrap=net_recv_all -o "$OUT/enum_loop" >>"$OUT/build.log" 2>&1 ||
    die "build of bench/enum_loop.c failed"

say "netapi32 benchmarks -- $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- dll 2>/dev/null || echo ' + uncommitted changes in dll/')"
say "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null), $(nproc) cpus; core built -O2"
say "every figure is a ratio against a baseline measured in this run (x = times the baseline)"
say ""

# ---- callgrind helpers ---------------------------------------------------------
# instructions executed inside function FN (inclusive) of PROG ARGS...
cg_count() {
    local tag=$1 fn=$2; shift 2
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.$tag" --toggle-collect="$fn" "$@" \
        >"$OUT/cg.$tag.out" 2>"$OUT/cg.$tag.err" || return 1
    awk '/^summary:/ {print $2; f=1} END {exit !f}' "$OUT/cg.$tag"
}
# the two functions with the largest self cost: "name 48%, name 46%"
cg_top() {
    callgrind_annotate "$OUT/cg.$1" 2>/dev/null | awk '
        /file:function/ { h = 1; next }
        h && /^ *[0-9,]+ +\(/ {
            pct = $0; sub(/^[^(]*\( */, "", pct); sub(/\).*$/, "", pct)
            fn = $0; sub(/ \[.*$/, "", fn); sub(/^.*:/, "", fn)
            out = out (n ? ", " : "") fn " " pct; if (++n == 2) exit
        }
        END { print out }'
}

# ---- 1. NDR decode + pack --------------------------------------------------------
ENTRIES=1000 REPS=5
if ! part 1 && ! part 2; then
    :
elif ! command -v valgrind >/dev/null 2>&1; then
    say "SKIPPED: 1. decode cost: valgrind not installed"
    say "SKIPPED: 2. crypto cost: valgrind not installed"
else
  if part 1; then
    say "1. CPU cost of a NetrSessionEnum level-1 response, $ENTRIES entries (callgrind instructions)"
    STUB=$("$OUT/ndr_bench" baseline "$ENTRIES" 1 | sed -n 's/.*stub_bytes=\([0-9]*\).*/\1/p')
    base=$(cg_count ndr_baseline bench_baseline "$OUT/ndr_bench" baseline "$ENTRIES" "$REPS") || die "callgrind ndr baseline"
    dec=$(cg_count ndr_decode bench_decode "$OUT/ndr_bench" decode "$ENTRIES" "$REPS") || die "callgrind ndr decode"
    dp=$(cg_count ndr_decode_pack bench_decode_pack "$OUT/ndr_bench" decode_pack "$ENTRIES" "$REPS") || die "callgrind ndr decode_pack"
    n=$((ENTRIES * REPS))
    say "   stub $STUB bytes; $REPS repetitions averaged (deterministic)"
    printf '   %-44s %8s instr/entry  %6s\n' "baseline: memcpy + UTF-16 terminator scan" "$(per "$base" $n)" "1.00x" | tee -a "$REPORT"
    printf '   %-44s %8s instr/entry  %6sx\n' "srvs_decode_session_enum (+ free)" "$(per "$dec" $n)" "$(ratio "$dec" "$base")" | tee -a "$REPORT"
    printf '   %-44s %8s instr/entry  %6sx\n' "decode + api_pack one block (+ frees)" "$(per "$dp" $n)" "$(ratio "$dp" "$base")" | tee -a "$REPORT"
    say "   top self cost (decode+pack): $(cg_top ndr_decode_pack)"
    say ""
  fi

    # ---- 2. crypto ---------------------------------------------------------------
  if part 2; then
    BYTES=65536
    say "2. Crypto over $((BYTES / 1024)) KiB (callgrind instructions per byte)"
    cbase=$(cg_count c_nettle_aes_ecb bench_nettle_aes_ecb "$OUT/crypto_bench" nettle_aes_ecb $BYTES 1) || die "callgrind nettle aes"
    printf '   %-44s %8s instr/byte   %7s\n' "baseline: nettle AES-128-ECB (aes128_encrypt)" "$(awk -v a="$cbase" -v b=$BYTES 'BEGIN{printf "%.2f", a/b}')" "1.00x" | tee -a "$REPORT"
    for row in "nt_aes_ecb:nt_aes_ecb_encrypt (our backend wrapper)" \
               "cmac:nt_aes_cmac (SMB 3.0 signing)" \
               "gmac:nt_aes_gmac (SMB 3.1.1 signing)" \
               "ccm:nt_aes_ccm_encrypt (SMB 3 encryption)" \
               "gcm:nt_aes_gcm_encrypt (SMB 3.1.1 encryption)" \
               "hmac_sha256:nt_hmac SHA256 (SMB 2.x signing)" \
               "cmac_key:nt_aes_key_cmac (key object kept)" \
               "gmac_key:nt_aes_key_gmac (key object kept)"; do
        m=${row%%:*} label=${row#*:}
        c=$(cg_count "c_$m" "bench_$m" "$OUT/crypto_bench" "$m" $BYTES 1) || die "callgrind crypto $m"
        printf '   %-44s %8s instr/byte   %6sx   top: %s\n' "$label" \
            "$(awk -v a="$c" -v b=$BYTES 'BEGIN{printf "%.2f", a/b}')" "$(ratio "$c" "$cbase")" "$(cg_top "c_$m")" | tee -a "$REPORT"
    done
    if callgrind_annotate "$OUT/cg.c_nettle_aes_ecb" 2>/dev/null | grep -q aesni; then
        say "   (the baseline runs nettle's AES-NI code: about one instruction per byte)"
    fi
    say ""
  fi
fi
if part 2; then
    # ---- 2b. the DLL's crypto under Wine (wall time; CNG bcrypt backend) ----------
    source tests/lib/wine.sh
    WD="-D_WIN32_WINNT=0x0601 -DWINVER=0x0601 -DUNICODE -D_UNICODE -D__USE_MINGW_ANSI_STDIO=1"
    if ! wine_available; then
        say "SKIPPED: 2b. crypto under Wine: wine not installed"
    elif ! make -s -f Makefile.mingw BUILD="$BUILD" -j2 x86_64 >"$OUT/build_win.log" 2>&1 ||
         ! x86_64-w64-mingw32-gcc -std=c11 $WD -DBENCH_KEYED -O2 -Idll -Iinclude -static -static-libgcc \
             bench/crypto_bench_win.c "$BUILD"/x86_64/obj/dll/crypto/*.o "$BUILD"/x86_64/obj/dll/common/*.o \
             -o "$OUT/crypto_bench_win.exe" -lbcrypt -ladvapi32 -lws2_32 >>"$OUT/build_win.log" 2>&1; then
        say "SKIPPED: 2b. crypto under Wine: build failed (see $OUT/build_win.log)"
    elif CPFX="$(cd "$OUT" && pwd)/cryptoprefix" && wine_prefix_new "$CPFX"; then
        say "2b. The DLL's crypto under Wine (CNG bcrypt backend; wall time, best of 5; ratio to AES-ECB on a kept key, same run)"
        for sz in 65536 512; do
            wine_run "$CPFX" 300 "$OUT/crypto_bench_win.exe" $sz 150 >"$OUT/crypto_win.$sz"
            say "   $sz-byte messages:$(awk '{for(i=1;i<=NF;i++){split($i,a,"="); v[a[1]]=a[2]} printf "  %s %s ns/B %sx;", v["mode"], v["ns_per_byte"], v["ratio"]}' "$OUT/crypto_win.$sz")"
        done
        wine_prefix_drop "$CPFX"
        say ""
    else
        say "SKIPPED: 2b. crypto under Wine: no Wine prefix"
    fi
fi

# ---- 3. end to end -----------------------------------------------------------------
# shellcheck source=../tests/lib/samba.sh
source tests/lib/samba.sh
part 3 && say "3. End to end against a private Samba 4.17 ($IP), level 1, 2 held sessions"
if ! part 3; then
    :
elif ! samba_can_run; then
    say "SKIPPED: 3. end to end: $SAMBA_WHY"
elif [ ! -x "$PY" ] || ! "$PY" -c 'import impacket' 2>/dev/null; then
    say "SKIPPED: 3. end to end: impacket not available to $PY (baseline)"
elif [ ! -x /usr/bin/time ]; then
    say "SKIPPED: 3. end to end: /usr/bin/time not installed (peak RSS)"
else
    samba_trap
    if ! samba_start bench "$IP" 2>"$OUT/samba.err"; then
        say "SKIPPED: 3. end to end: private Samba did not start: $(tail -1 "$OUT/samba.err")"
    else
        samba_hold_session bench "$IP" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
        samba_hold_session bench "$IP" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
        samba_wait_user bench "$SAMBA_USER1" && samba_wait_user bench "$SAMBA_USER2" ||
            die "held sessions did not appear in smbstatus"
        export NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS"
        SRV="\\\\$IP"
        APICLI="$CORE/native/tools/apicli"
        # warm-up (Samba starts its rpcd_srvsvc helper on first use) and a
        # traced call: the connect line carries the round trips of connecting
        NETAPI32_TRACE=1 "$APICLI" enum "$SRV" 1 >"$OUT/apicli.out" 2>"$OUT/apicli.trace" ||
            die "apicli enum failed: $(tail -2 "$OUT/apicli.out" "$OUT/apicli.trace" | tr '\n' ' ')"
        conn_rt=$(sed -n 's/.*connected .*round_trips=\([0-9]*\).*/\1/p' "$OUT/apicli.trace" | head -1)
        "$PY" bench/impacket_loop.py "$IP" 3 1 "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" >/dev/null 2>&1 ||
            die "impacket warm-up failed"

        # A: one process per call (apicli) vs one python process per call (impacket)
        #    (interleaved, so load changes on the machine hit both alike)
        "$PY" bench/timeit_cmd.py "$N_APICLI" "$N_COLD" -- "$APICLI" enum "$SRV" 1 \
            -- "$PY" tests/lib/impacket_sessions.py "$IP" 1 "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" >"$OUT/cold.times"
        grep '^run 0 ' "$OUT/cold.times" >"$OUT/apicli.times"
        grep '^run 1 ' "$OUT/cold.times" >"$OUT/impacket_cold.times"
        grep -qv ' rc=0$' "$OUT/cold.times" && die "a one-process call failed ($OUT/cold.times)"
        # B: one process, cached connection (ours) vs one connection (impacket)
        /usr/bin/time -v -o "$OUT/enum_loop.rss" "$OUT/enum_loop" "$SRV" "$N_LOOP" 1 >"$OUT/enum_loop.out" 2>"$OUT/enum_loop.err" ||
            die "enum_loop failed: $(tail -1 "$OUT/enum_loop.err")"
        /usr/bin/time -v -o "$OUT/impacket_loop.rss" "$PY" bench/impacket_loop.py "$IP" "$N_LOOP" 1 \
            "$SAMBA_ADMIN_USER" "$SAMBA_ADMIN_PASS" >"$OUT/impacket_loop.out" 2>"$OUT/impacket_loop.err" ||
            die "impacket loop failed: $(tail -1 "$OUT/impacket_loop.err")"
        /usr/bin/time -v -o "$OUT/rss_base.rss" "$OUT/rss_base" >/dev/null 2>&1 || die "rss_base failed"
        samba_stop_all

        us() { sed -n 's/.* us=\([0-9]*\).*/\1/p' "$@"; }
        m_apicli=$(us "$OUT/apicli.times" | median)
        m_icold=$(us "$OUT/impacket_cold.times" | median)
        m_loop=$(grep '^call ' "$OUT/enum_loop.out" | tail -n +2 | us | median)
        first_loop=$(grep '^call 0 ' "$OUT/enum_loop.out" | us)
        m_imp=$(grep '^call ' "$OUT/impacket_loop.out" | us | median)
        imp_connect=$(grep '^connect ' "$OUT/impacket_loop.out" | us)
        imp_first=$(grep '^call 0 ' "$OUT/impacket_loop.out" | us)
        rt_first=$(sed -n 's/^call 0 .*round_trips=\([0-9]*\).*/\1/p' "$OUT/enum_loop.out")
        rt_rest=$(grep '^call ' "$OUT/enum_loop.out" | tail -n +2 | sed -n 's/.*round_trips=\([0-9]*\).*/\1/p' | sort -n | uniq -c |
                  awk '{printf "%s%s call(s) with %s", (NR>1?", ":""), $1, $2}')
        loop_ent=$(grep '^call ' "$OUT/enum_loop.out" | sed -n 's/.*entries=\([0-9]*\).*/\1/p' | sort -u | paste -sd,)
        imp_ent=$(grep '^call ' "$OUT/impacket_loop.out" | sed -n 's/.*entries=\([0-9]*\)/\1/p' | sort -u | paste -sd,)
        rss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
        r_loop=$(rss "$OUT/enum_loop.rss") r_base=$(rss "$OUT/rss_base.rss") r_imp=$(rss "$OUT/impacket_loop.rss")
        ms() { awk -v u="$1" 'BEGIN{printf "%.2f ms", u/1000}'; }

        say "   entries per call: ours $loop_ent, impacket $imp_ent (sessions held: 2 + the enumerating admin's own)"
        printf '   %-44s %-11s %-12s %s\n' "median wall time per call" "ours" "impacket" "ours/impacket" | tee -a "$REPORT"
        printf '   %-44s %-11s %-12s %sx\n' "one process per call (apicli, N=$N_APICLI / $N_COLD)" "$(ms "$m_apicli")" "$(ms "$m_icold")" "$(ratio "$m_apicli" "$m_icold")" | tee -a "$REPORT"
        printf '   %-44s %-11s %-12s %sx\n' "apicli per process vs impacket warm call" "$(ms "$m_apicli")" "$(ms "$m_imp")" "$(ratio "$m_apicli" "$m_imp")" | tee -a "$REPORT"
        printf '   %-44s %-11s %-12s %sx\n' "one connection, warm calls (N=$N_LOOP)" "$(ms "$m_loop")" "$(ms "$m_imp")" "$(ratio "$m_loop" "$m_imp")" | tee -a "$REPORT"
        printf '   %-44s %-11s %-12s %sx\n' "first call incl. connect+bind (1 sample)" "$(ms "$first_loop")" "$(ms $((imp_connect + imp_first)))" "$(ratio "$first_loop" $((imp_connect + imp_first)))" | tee -a "$REPORT"
        say "   round trips: first call $rt_first (connect: ${conn_rt:-?} per NETAPI32_TRACE, + the enumeration); then $rt_rest"
        say "   peak RSS: enum_loop $r_loop KiB vs baseline rss_base (same library, does nothing) $r_base KiB = $(ratio "$r_loop" "$r_base")x (+$((r_loop - r_base)) KiB); impacket loop $r_imp KiB for scale"
    fi
fi
part 3 && say ""
# ---- 4. the product: DLL under Wine, sessions, threads, round trips, memory ----
if part 4; then
    # shellcheck source=product.sh
    source bench/product.sh
    say ""
fi
say "total bench time $(( $(date +%s) - T_START )) s; raw data in $OUT/"
