#!/bin/bash
# Our export tables against the Wine installed on this machine, per architecture:
# every name Wine's builtin netapi32 exports must be in spec/wine.names (so every
# profile forwards it) and in the DLL built for that architecture.  A Wine
# upgrade that adds a name fails here instead of breaking programs that use it.
#   WINE_NETAPI32_X86_64 / WINE_NETAPI32_I386: the builtin DLLs (defaults: Debian's)
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
exec ${PYTHON:-python3} - "$BUILD" <<'PY'
import os, sys
sys.path.insert(0, "tools"); sys.path.insert(0, "tests/static")
import gen_spec, pe as pelib
build = sys.argv[1]
builtins = {
    "x86_64": os.environ.get("WINE_NETAPI32_X86_64", "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/netapi32.dll"),
    "i686": os.environ.get("WINE_NETAPI32_I386", "/usr/lib/i386-linux-gnu/wine/i386-windows/netapi32.dll"),
}
ours = set(gen_spec.load_wine_names())
rc = 0
for arch, dll in builtins.items():
    if not os.path.exists(dll):
        why = "wine32 is not installed" if arch == "i686" else "Wine is not installed"
        print(f"SKIPPED: wine_names_cover_builtin_{arch}: {dll} not found ({why})")
        print(f"SKIPPED: dll_exports_builtin_names_{arch}: {dll} not found ({why})")
        continue
    wine = gen_spec.wine_exports(dll)
    new = sorted(wine - ours)
    if wine and not new:
        gone = sorted(ours - wine)
        print(f"PASS: wine_names_cover_builtin_{arch}" + (f" (spec also lists {len(gone)} names this Wine lacks)" if gone else ""))
    else:
        rc = 1
        print(f"FAIL: wine_names_cover_builtin_{arch}: {dll} exports {len(new)} names spec/wine.names lacks "
              f"(e.g. {new[:5]}): rerun tools/gen_spec.py wine-names (see spec/wine.names)" if wine else
              f"FAIL: wine_names_cover_builtin_{arch}: no exports read from {dll}")
    mine = os.path.join(build, arch, "netapi32.dll")
    if not os.path.exists(mine):
        print(f"SKIPPED: dll_exports_builtin_names_{arch}: {mine} not built")
        continue
    try:
        exp = pelib.PE(mine).exports()
    except (OSError, pelib.PEError, ValueError) as e:
        print(f"FAIL: dll_exports_builtin_names_{arch}: {mine}: {e}"); rc = 1; continue
    names = {n for _o, n, _f in exp}
    miss = sorted(wine - names)
    if wine and not miss:
        print(f"PASS: dll_exports_builtin_names_{arch}")
    else:
        rc = 1
        print(f"FAIL: dll_exports_builtin_names_{arch}: {len(miss)} of Wine's names missing, e.g. {miss[:5]}")
sys.exit(rc)
PY
