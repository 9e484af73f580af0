# tests/lib/native_so.sh -- sourced by the libnetapi32.so test scripts
# (tests/native/netapi_so.sh, tests/native/dotnet_samba.sh): hermetic
# environment, paths, the private Samba helpers and the PASS/FAIL/SKIPPED
# protocol.  Sets REPO (cwd), BUILD, ABUILD (absolute) and OUT=$ABUILD/$1.
set -u
# hermetic: credentials and switches only from what each check passes
unset NETAPI32_USER NETAPI32_PASSWORD NETAPI32_AUTH_FILE NETAPI32_TRACE NETAPI32_LOW_HEAP
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export BUILD="${BUILD:-build}"
case "$BUILD" in /*) ABUILD="$BUILD" ;; *) ABUILD="$REPO/$BUILD" ;; esac
source "$REPO/tests/lib/samba.sh"
OUT="$ABUILD/$1"
mkdir -p "$OUT"

pass() { echo "PASS: $1"; }
# failure reasons: one line, bounded
fail() { echo "FAIL: $1: $(printf '%s' "$2" | tr '\r\n\t' '   ' | tr -s ' ' | cut -c1-300)"; }
skip() { echo "SKIPPED: $1: $2"; }
