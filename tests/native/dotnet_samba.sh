#!/usr/bin/env bash
# .NET programs on 64-bit Mono against libnetapi32.so and a private Samba:
#   * seed002.exe: seed 002's EnumSessions, unchanged (tools/extract_seed002.py),
#     with our Main: lists the sessions smbstatus sees.  Its BufPtr.ToInt32()
#     arithmetic works because the library's blocks lie below 2 GiB; the
#     control run with NETAPI32_LOW_HEAP=0 (blocks from malloc) must not
#     list them;
#   * netsessions.exe: every function at every level, paging, every buffer
#     freed, NetSessionDel checked against smbstatus.
# Mono finds the library as libnetapi32.so on LD_LIBRARY_PATH (the plain
# run), or through the .exe.config dllmap as libnetapi32.so.1 alone.
#
#   bash tools/isolate.sh bash tests/native/dotnet_samba.sh
#
# Server: 127.0.0.70 (ntsuser1, ntsuser2, and ntsuser2 from 127.0.0.71).
source "$(dirname "${BASH_SOURCE[0]}")/../lib/native_so.sh" dotnet-tests

if ! command -v mono >/dev/null 2>&1 || ! command -v mcs >/dev/null 2>&1; then
    skip "dotnet" "Mono is not installed (mono-runtime, mono-mcs; tools/deps.sh installs them)"; exit 0
fi
# seed 002 is extracted from the seed documents (../shared/seeds, as the
# Makefile's SEEDS_DIR); without them only netsessions.exe runs
SEEDS="${SEEDS_DIR:-$(ls -d ../shared/seeds /work/shared/seeds 2>/dev/null | head -1)}"
TARGETS=(native-so "$BUILD/dotnet/netsessions.exe" "$BUILD/dotnet/netsessions.exe.config")
HAVE_SEED=0
if [ -n "$SEEDS" ] && ls "$SEEDS"/002_*.txt >/dev/null 2>&1; then HAVE_SEED=1; TARGETS+=(dotnet SEEDS_DIR="$SEEDS"); fi
if ! make -s -f Makefile.mingw BUILD="$BUILD" "${TARGETS[@]}" >"$OUT/build.log" 2>&1; then
    fail "dotnet.build" "$(grep -m1 -E 'error' "$OUT/build.log") (see $OUT/build.log)"; exit 1
fi
pass "dotnet.build"
DN="$ABUILD/dotnet"
SO="$ABUILD/so"
if mono --version | grep -qE 'Architecture:[[:space:]]+amd64'; then pass "dotnet.mono_is_64bit"
else skip "dotnet.mono_is_64bit" "Mono here is not x86-64: $(mono --version | grep Architecture)"; fi

if ! samba_can_run; then skip "dotnet.samba" "$SAMBA_WHY"; exit 0; fi
IP=127.0.0.70; SRC=127.0.0.71
samba_trap
samba_start dotnet "$IP" >"$OUT/samba.log" 2>&1 || { fail "dotnet.samba" "smbd did not start: $(tail -2 "$OUT/samba.log")"; exit 1; }
samba_hold_session dotnet "$IP" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_hold_session dotnet "$IP" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
have_impacket=0
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import impacket' 2>/dev/null; then
    have_impacket=1
    samba_hold_session_from dotnet "$IP" "$SRC" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
fi
want_n=$((2 + have_impacket))
for i in $(seq 1 50); do [ "$(samba_truth_sessions dotnet | wc -l)" -ge $want_n ] && break; sleep 0.2; done
# the server's view plus our own (admin) session: "user client" lines
truth() { { samba_truth_sessions dotnet; echo "$SAMBA_ADMIN_USER $IP"; } | sort -u; }
TRUTH=$(truth)
ADMIN=(NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS")

# seed002 output -> "user client" lines (client without its leading \\)
listed() { awk -F'\t' 'NF == 8 { c = $1; sub(/^\\\\/, "", c); print $2, c }' "$1" | sort -u; }

if [ $HAVE_SEED = 1 ]; then
    # ---- seed 002, unchanged method, server name as the document wants it (no \\) ----------
    env "${ADMIN[@]}" LD_LIBRARY_PATH="$SO" timeout 60 mono "$DN/seed002.exe" "$IP" >"$OUT/seed002.out" 2>"$OUT/seed002.err"
    rc=$?
    got=$(listed "$OUT/seed002.out")
    if [ $rc = 0 ] && [ "$got" = "$TRUTH" ]; then pass "dotnet.seed002.lists_every_session"
    else fail "dotnet.seed002.lists_every_session" "rc $rc got [$(echo $got)] want [$(echo $TRUTH)] stderr [$(head -c 200 "$OUT/seed002.err")]"; fi
    if awk -F'\t' 'NF == 8 { n++; if (substr($1, 1, 2) != "\\\\") bad = 1 } END { exit (bad || !n) }' "$OUT/seed002.out"; then
        pass "dotnet.seed002.client_names_have_unc_prefix"
    else fail "dotnet.seed002.client_names_have_unc_prefix" "$(head -3 "$OUT/seed002.out")"; fi
    n=$(printf '%s\n' "$TRUTH" | wc -l)
    grep -qx "$n sessions" "$OUT/seed002.out" && pass "dotnet.seed002.count" ||
        fail "dotnet.seed002.count" "want '$n sessions': $(tail -1 "$OUT/seed002.out")"

    # the same with \\server, and through the dllmap with only the versioned library
    mkdir -p "$OUT/dllmap/lib" "$OUT/dllmap/app"
    cp "$SO/libnetapi32.so.1" "$OUT/dllmap/lib/"
    cp "$DN/seed002.exe" "$DN/seed002.exe.config" "$OUT/dllmap/app/"
    env "${ADMIN[@]}" LD_LIBRARY_PATH="$OUT/dllmap/lib" timeout 60 mono "$OUT/dllmap/app/seed002.exe" "\\\\$IP" \
        >"$OUT/seed002.dllmap.out" 2>"$OUT/seed002.dllmap.err"
    got=$(listed "$OUT/seed002.dllmap.out")
    [ "$got" = "$TRUTH" ] && pass "dotnet.seed002.dllmap_soname_and_unc_server" ||
        fail "dotnet.seed002.dllmap_soname_and_unc_server" "got [$(echo $got)] stderr [$(head -c 200 "$OUT/seed002.dllmap.err")]"

    # control: blocks from malloc (above 2 GiB on x86-64): the unchanged method must fail
    # (through an inner bash in $OUT, so the crash report and Mono's
    # mono_crash.*.json dumps land in $OUT, not here)
    ( cd "$OUT" && bash -c '"$@"; exit $?' _ env "${ADMIN[@]}" LD_LIBRARY_PATH="$SO" NETAPI32_LOW_HEAP=0 timeout 60 mono "$DN/seed002.exe" "$IP" \
        >"$OUT/seed002.malloc.out" 2>"$OUT/seed002.malloc.err" )
    rc=$?
    got=$(listed "$OUT/seed002.malloc.out")
    if [ $rc != 0 ] || [ "$got" != "$TRUTH" ]; then
        pass "dotnet.seed002.needs_blocks_below_2GiB"
        echo "dotnet: control without the low heap: rc $rc, $(grep -m1 -oE '[A-Za-z.]*(Exception|SIGSEGV)[^ ]*' "$OUT/seed002.malloc.err" "$OUT/seed002.malloc.out" | head -1)" >&2
    else
        fail "dotnet.seed002.needs_blocks_below_2GiB" "the unchanged method also worked with blocks from malloc: the control proves nothing"
    fi
else
    skip "dotnet.seed002" "seed document 002 not found (../shared/seeds)"
fi

# ---- netsessions.exe: every function, every level ------------------------------------------
env "${ADMIN[@]}" LD_LIBRARY_PATH="$SO" timeout 120 mono "$DN/netsessions.exe" check "\\\\$IP" >"$OUT/netsessions.out" 2>"$OUT/netsessions.err"
rc=$?
grep -E '^(PASS|FAIL): ' "$OUT/netsessions.out"
[ $rc = 0 ] || [ $rc = 1 ] || fail "dotnet.netsessions" "exit status $rc: $(tail -2 "$OUT/netsessions.err")"
got=$(awk '$1 == "SESSION" { c = $2; sub(/^\\\\/, "", c); print $3, c }' "$OUT/netsessions.out" | sort -u)
[ "$got" = "$TRUTH" ] && pass "dotnet.netsessions.sessions_equal_smbstatus" ||
    fail "dotnet.netsessions.sessions_equal_smbstatus" "got [$(echo $got)] want [$(echo $TRUTH)]"

if [ $have_impacket = 1 ]; then
    env "${ADMIN[@]}" LD_LIBRARY_PATH="$SO" timeout 60 mono "$DN/netsessions.exe" del "\\\\$IP" "\\\\$SRC" "$SAMBA_USER2" \
        >"$OUT/netsessions.del.out" 2>"$OUT/netsessions.del.err"
    grep -E '^(PASS|FAIL): ' "$OUT/netsessions.del.out" || fail "dotnet.del" "no result: $(tail -2 "$OUT/netsessions.del.err")"
    gone=0
    for i in $(seq 1 25); do samba_truth_sessions dotnet | grep -qx "$SAMBA_USER2 $SRC" || { gone=1; break; }; sleep 0.2; done
    [ $gone = 1 ] && pass "dotnet.del.smbstatus_gone" || fail "dotnet.del.smbstatus_gone" "$(samba_truth_sessions dotnet | tr '\n' ';')"
    samba_truth_sessions dotnet | grep -qx "$SAMBA_USER2 $IP" && pass "dotnet.del.others_kept" ||
        fail "dotnet.del.others_kept" "$(samba_truth_sessions dotnet | tr '\n' ';')"
else
    skip "dotnet.del" "python3-impacket is not installed (a session from a second address)"
fi
exit 0
