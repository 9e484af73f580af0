#!/bin/bash
# bench/cold_compound.sh -- issue 10: the cold first NetSessionEnum of a
# running Windows process under Wine (connect, authenticate, bind, enumerate:
# bench/enum_win.c "loop SERVER 0", call 0) with SMB2 compounding (the
# default) and without (NETAPI32_SMB2_COMPOUND=0), the two alternating, N
# processes each, against one private Samba with two held sessions.  Prints
# each side's median and spread (min..max), the ratio of the medians, and the
# round trips the DLL's trace counts (NETAPI32_TRACE "connected ...
# round_trips=" + "rpc on ... (new connection): N round trips").
#
#   bash tools/isolate.sh bash bench/cold_compound.sh [N]     (default N=15)
#
# Needs root (a private Samba), wine, MinGW.  The machine may be shared:
# compare the two sides of one run, not runs.
set -u
cd "$(dirname "$0")/.." || exit 2
N=${1:-15}
export BUILD=${BUILD:-build}
OUT="$BUILD/bench-cold"
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
source tests/lib/samba.sh
source tests/lib/wine.sh
samba_can_run || { echo "SKIPPED: cold_compound: $SAMBA_WHY"; exit 0; }
wine_available || { echo "SKIPPED: cold_compound: wine is not installed"; exit 0; }
make -s -f Makefile.mingw BUILD="$BUILD" -j2 x86_64 >"$OUT/build.log" 2>&1 &&
    x86_64-w64-mingw32-gcc -std=c11 -O2 -s -static -static-libgcc bench/enum_win.c \
        -o "$OUT/enum_win.exe" -lnetapi32 -lpsapi >>"$OUT/build.log" 2>&1 ||
    { echo "FAIL: cold_compound: build (see $OUT/build.log)"; exit 1; }
samba_trap
IP=127.0.0.46
samba_start cold "$IP" >"$OUT/samba.out" 2>&1 || { echo "FAIL: cold_compound: Samba did not start"; exit 1; }
samba_hold_session cold "$IP" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_hold_session cold "$IP" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
PFX="$OUT/prefix"
wine_prefix_new "$PFX" && wine_install "$PFX" || { echo "FAIL: cold_compound: wine prefix"; exit 1; }
export NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS"
SRV="\\\\$IP"
one() { # COMPOUND: the microseconds of call 0 of a fresh process
    NETAPI32_SMB2_COMPOUND=$1 wine_run "$PFX" 120 "$OUT/enum_win.exe" loop "$SRV" 0 1 |
        sed -n 's/^call 0 us=\([0-9.]*\) .*status=0.*/\1/p'
}
one 1 >/dev/null # warm-up: Samba starts its srvsvc helper on first use
: >"$OUT/on" && : >"$OUT/off"
for _ in $(seq 1 "$N"); do
    one 1 >>"$OUT/on"
    one 0 >>"$OUT/off"
done
stats() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (!NR) { print "? ? ?"; exit }
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f %.2f %.2f %d\n", m / 1000, v[1] / 1000, v[NR] / 1000, NR }'; }
read -r m1 lo1 hi1 n1 < <(stats "$OUT/on")
read -r m0 lo0 hi0 n0 < <(stats "$OUT/off")
rts() { # COMPOUND: "connect C + first enumeration E"
    NETAPI32_TRACE=1 WINEDEBUG=+debugstr NETAPI32_SMB2_COMPOUND=$1 WINE_STDERR="$OUT/trace.$1" \
        wine_run "$PFX" 120 "$OUT/enum_win.exe" loop "$SRV" 0 1 >/dev/null
    echo "connect $(sed -n 's/.*connected .*round_trips=\([0-9]*\).*/\1/p' "$OUT/trace.$1" | head -1)" \
        "+ first enumeration $(sed -n 's/.*rpc on .*(new connection): \([0-9]*\) round trips.*/\1/p' "$OUT/trace.$1" | head -1)"
}
echo "cold first call, compound:    median $m1 ms (min $lo1, max $hi1, $n1 processes); DLL round trips: $(rts 1)"
echo "cold first call, no compound: median $m0 ms (min $lo0, max $hi0, $n0 processes); DLL round trips: $(rts 0)"
echo "no compound / compound: $(awk -v a="$m0" -v b="$m1" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "?" }')"
