#!/usr/bin/env bash
# tools/isolate.sh CMD [ARGS...] -- run CMD in a private network namespace.
#
# The test and demo servers (smbd on 127.0.0.N:445, nmbd, a Samba AD DC) then
# live on the namespace's own loopback interface: they cannot collide with a
# Samba the machine itself runs (which keeps running), the loopback aliases
# they add vanish with the namespace, and two test runs on one machine do not
# see each other's servers.  Nothing is stopped by name.
#
# With a private mount namespace as well (unshare --mount), /etc inside is an
# overlay whose changes live in a tmpfs: the Unix users and groups the Samba
# harness creates (useradd ntsadmin, ...) and any other /etc change exist only
# for this run and vanish with it; the host's /etc is never written.  /mnt is
# where that tmpfs is mounted, inside the namespace only.  /tmp is a private
# tmpfs too: Debian's wineserver leaves a /tmp/wine-XXXXXX directory behind for
# every prefix it served, and scripts' temporary files vanish with the run.
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
INNER='ip link set lo up || exit 1
if [ "$ISOLATE_MOUNT" = 1 ]; then
    mount --make-rprivate / &&
    mount -t tmpfs -o size=64m,mode=0700 netapi32-etc /mnt &&
    mkdir /mnt/upper /mnt/work &&
    mount -t overlay netapi32-etc -o lowerdir=/etc,upperdir=/mnt/upper,workdir=/mnt/work /etc ||
        echo "isolate: no private /etc (overlay failed): users the tests create stay on the host" >&2
fi
if [ "$ISOLATE_MOUNT" = 1 ]; then
    mount -t tmpfs -o mode=1777 netapi32-tmp /tmp ||
        echo "isolate: no private /tmp: what the run leaves there (wineserver dirs) stays on the host" >&2
fi
exec "$@"'
if [ -d /mnt ] && unshare --net --mount true 2>/dev/null; then
    exec env ISOLATE_MOUNT=1 unshare --net --mount -- bash -c "$INNER" isolate "$@"
fi
echo "isolate: no private mount namespace: users the tests create stay on the host" >&2
exec env ISOLATE_MOUNT=0 unshare --net -- bash -c "$INNER" isolate "$@"
