#!/usr/bin/env bash
# Installs, idempotently, everything the build, the tests and the demo need
# from Debian 12's packages.  Safe to run again: it only calls apt-get when a
# package is missing.
set -euo pipefail

PKGS=(make gcc python3 mingw-w64 wine64 wine libwine-dev libcmocka-dev nettle-dev
      samba smbclient winbind python3-impacket clang iproute2 binutils-mingw-w64-x86-64
      binutils-mingw-w64-i686 procps psmisc
      mono-mcs mono-runtime pkgconf      # libnetapi32.so: .NET tests on Mono, pkg-config check
      samba-ad-dc samba-ad-provision krb5-user   # Kerberos tests: private AD DC as KDC, kinit
      libkrb5-dev)                       # GSSAPI headers for the native Kerberos mechanism

missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
fi

APT=($SUDO apt-get -o DPkg::Lock::Timeout=900 -q)
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # An index that fails to download (a mirror mid-sync) is not fatal: apt
    # keeps the ones it could read, and the install below says if a package
    # is really unavailable.
    "${APT[@]}" update >/dev/null 2>&1 || echo "deps: apt-get update reported errors; using the indexes it could read"
    # samba's maintainer scripts try to start services; in containers that
    # fails harmlessly, and the test harness starts its own smbd anyway.
    # --no-remove: installing a dependency never removes anything.
    "${APT[@]}" install -y --no-install-recommends --no-remove "${missing[@]}" >/dev/null
else
    echo "deps: all packages present"
fi

# 32-bit Wine: only where the kernel can execute 32-bit programs.  On kernels
# without IA32 emulation wine32:i386 cannot run and, once installed, breaks
# the plain `wine` command, so it is not installed there (the 32-bit runtime
# tests then print SKIPPED with this reason).
t32=$(mktemp)
echo 'f0VMRgEBAQAAAAAAAAAAAAIAAwABAAAAVIAECDQAAAAAAAAAAAAAADQAIAABAAAAAAAAAAEAAAAAAAAAAIAECACABAhdAAAAXQAAAAUAAAAAEAAAuAEAAAAx282A' | base64 -d > "$t32"
chmod +x "$t32"
if "$t32" 2>/dev/null; then
    # simulated first, never removes a package, checked and undone if it breaks
    # anything: see tools/wine32.sh
    bash "$(dirname "${BASH_SOURCE[0]}")/wine32.sh" || { rm -f "$t32"; exit 1; }
else
    echo "deps: this kernel cannot execute 32-bit programs (no IA32 emulation): wine32 not installed, 32-bit runtime tests will be SKIPPED"
fi
rm -f "$t32"

# Kerberos for 32-bit Windows programs: Wine's i386 secur32 loads
# libgssapi_krb5.so.2 (i386), only a Recommends of libwine:i386, which
# wine32.sh does not install.  Same version as the amd64 library (Multi-Arch:
# same), simulated first, installed only when nothing would be removed.
if dpkg-query -W -f='${Status}' wine32:i386 2>/dev/null | grep -q "install ok installed" &&
   ! dpkg-query -W -f='${Status}' libgssapi-krb5-2:i386 2>/dev/null | grep -q "install ok installed"; then
    v=$(dpkg-query -W -f='${Version}' libgssapi-krb5-2:amd64 2>/dev/null || true)
    spec="libgssapi-krb5-2:i386${v:+=$v}"
    if "${APT[@]}" -s install --no-install-recommends "$spec" 2>/dev/null | grep -q '^Remv '; then
        echo "deps: $spec would remove packages: not installed (32-bit Kerberos tests will fail to get tickets)"
    else
        "${APT[@]}" install -y --no-install-recommends --no-remove "$spec" >/dev/null ||
            echo "deps: $spec could not be installed"
    fi
fi
