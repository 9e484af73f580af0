#!/usr/bin/env bash
# tools/isolate.sh CMD [ARGS...] -- run CMD in a private network namespace.
#
# The test and demo servers (smbd on 127.0.0.N:445, nmbd, a Samba AD DC) then
# live on the namespace's own loopback interface: they cannot collide with a
# Samba the machine itself runs (which keeps running), the loopback aliases
# they add vanish with the namespace, and two test runs on one machine do not
# see each other's servers.  Nothing is stopped by name.
#
# Needs root and unshare(1) (util-linux).  Where either is missing CMD runs in
# the host's namespace unchanged; the tests that need root then print SKIPPED.
# Inside, NETAPI32_ISOLATED=1 is set so that nested calls do not nest again.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }

if [ "${NETAPI32_ISOLATED:-}" = 1 ]; then exec "$@"; fi
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
    echo "isolate: not root or no unshare/ip: running in the host's network namespace" >&2
    exec "$@"
fi
if ! unshare --net true 2>/dev/null; then
    echo "isolate: cannot create a network namespace here: running in the host's namespace" >&2
    exec "$@"
fi
export NETAPI32_ISOLATED=1
exec unshare --net -- bash -c 'ip link set lo up && exec "$@"' isolate "$@"
