#!/usr/bin/env bash
# svrapi.dll's 9x layer natively (build/native/tools/sv9xcli: the same
# dll/svrapi code the i686 DLL runs) against a real Samba: level 50 lists
# what smbstatus shows, GetInfo by client, a 1-byte buffer, and the key round
# trip into NetSessionDel checked with smbstatus.  Covers the network path
# also where 32-bit Wine cannot run (winetests/svrapi/run.sh then SKIPs).
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
source tests/lib/samba.sh
BIN="$BUILD/native/tools/sv9xcli"
if ! samba_can_run; then echo "SKIPPED: svrapi.native.samba: $SAMBA_WHY"; exit 0; fi
[ -x "$BIN" ] || { echo "FAIL: svrapi.native.samba: $BIN not built"; exit 1; }
pass() { echo "PASS: svrapi.native.$1"; }
fail() { echo "FAIL: svrapi.native.$1: $(printf '%s' "$2" | tr '\n\t' '; ' | cut -c1-300)"; }
IP=127.0.0.23
samba_trap
samba_start sv9xn "$IP" >/dev/null 2>&1 || { fail "samba" "Samba did not start"; exit 1; }
samba_hold_session sv9xn "$IP" "$SAMBA_USER1" "$SAMBA_USER1_PASS" >/dev/null
samba_hold_session sv9xn "$IP" "$SAMBA_USER2" "$SAMBA_USER2_PASS" >/dev/null
samba_wait_user sv9xn "$SAMBA_USER1" && samba_wait_user sv9xn "$SAMBA_USER2" || fail "sessions" "held sessions did not appear"
export NETAPI32_USER="$SAMBA_ADMIN_USER" NETAPI32_PASSWORD="$SAMBA_ADMIN_PASS"
has() { samba_truth_sessions sv9xn | grep -qx "$1 $2"; }
settle() { local i; for i in $(seq 1 50); do "$@" && return 0; sleep 0.2; done; return 1; }
gone() { ! has "$1" "$2"; }

out=$(timeout 60 "$BIN" enum "\\\\$IP" 50 8192)
got=$(printf '%s\n' "$out" | awk -F'\t' -v a="$SAMBA_ADMIN_USER" 'NR>1 && $2!=a { c=$1; sub(/^\\\\/,"",c); print $2, c }' | sort)
want=$(samba_truth_sessions sv9xn | grep -v "^$SAMBA_ADMIN_USER " | sort)
if printf '%s\n' "$out" | head -1 | grep -q '^status=0 ' && [ -n "$got" ] && [ "$got" = "$want" ]; then pass "enum50_equals_smbstatus"
else fail "enum50_equals_smbstatus" "out [$out] smbstatus [$want]"; fi
out1=$(timeout 60 "$BIN" enum "\\\\$IP" 50 1 | head -1)
case $out1 in "status=234 read=0 total="[3-9]*) pass "enum_1_byte_more_data_with_total" ;; *) fail "enum_1_byte_more_data_with_total" "$out1" ;; esac
g=$(timeout 60 "$BIN" getinfo "\\\\$IP" "$IP" 50 512)
if printf '%s\n' "$g" | head -1 | grep -q '^status=0 avail=' && printf '%s\n' "$g" | sed -n 2p | grep -q "^\\\\\\\\$IP	"; then pass "getinfo50_by_client"
else fail "getinfo50_by_client" "$g"; fi
key=$(printf '%s\n' "$out" | awk -F'\t' -v u="$SAMBA_USER2" 'NR>1 && $2==u { print $3; exit }')
d=$(timeout 60 "$BIN" del "\\\\$IP" "\\\\$IP" "${key:-0}")
if [ "$d" = "status=0" ] && settle gone "$SAMBA_USER2" "$IP" && has "$SAMBA_USER1" "$IP"; then pass "del_by_key_ends_only_that_session"
else fail "del_by_key_ends_only_that_session" "key [$key] $d smbstatus [$(samba_truth_sessions sv9xn)]"; fi
d=$(timeout 60 "$BIN" del "\\\\$IP" - "${key:-0}")
if [ "$d" = "status=2312" ]; then pass "stale_key_2312"; else fail "stale_key_2312" "$d"; fi
exit 0
