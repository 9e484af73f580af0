#!/usr/bin/env python3
"""Static checks of the built svrapi.dll (winetests/svrapi/run.sh runs it).

    check_svrapi.py OUR_DLL WINE_SVRAPI_DLL

PASS/FAIL lines: i386 machine type; export table (ordinal, name, forwarder)
exactly as spec/svrapi.exports says; every export of Wine's builtin
svrapi.dll present at the same ordinal, either implemented or forwarded to
wine_svrapi.<Wine's name for that ordinal>; imports only Windows system DLLs.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import pe as pelib              # noqa: E402
import gen_svrapi_def as gen    # noqa: E402

SPEC = os.path.join(HERE, "..", "..", "spec", "svrapi.exports")
SYSTEM_DLLS = {"kernel32.dll", "advapi32.dll", "bcrypt.dll", "ws2_32.dll", "secur32.dll", "msvcrt.dll", "ucrtbase.dll"}
SYSTEM_RE = re.compile(r"^api-ms-win-[a-z0-9-]+\.dll$")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ok = True

    def res(good, name, why=""):
        nonlocal ok
        ok &= bool(good)
        print(f"PASS: svrapi.{name}" if good else f"FAIL: svrapi.{name}: {why}")

    try:
        ours = pelib.PE(argv[1])
        got = ours.exports()
        imps = ours.imports()
        wine = pelib.PE(argv[2]).exports()
    except (OSError, pelib.PEError, ValueError) as e:
        res(False, "pe_parse", str(e))
        return 1
    res(ours.machine == 0x14C, "machine_i386", f"machine {ours.machine:#x}")
    want = [(o, n, None if k == "impl" else f"{gen.FORWARD_DLL}.{t}") for o, n, _a, k, t in gen.load(SPEC)]
    res(got == want, "exports_equal_spec", f"got {got[:4]}... want {want[:4]}...")
    byord = {o: (n, f) for o, n, f in got}
    missing = []
    for o, n, _f in wine:
        mine = byord.get(o)
        if not mine or not (mine[0] == n or mine[1] == f"{gen.FORWARD_DLL}.{n}"):
            missing.append((o, n, mine))
        if n not in {m for m, _ in byord.values()}:
            missing.append((o, n, "name not exported"))
    res(wine and not missing, "wine_builtin_exports_kept", f"{len(wine)} Wine exports; mismatches {missing[:4]}")
    bad = [d for d in imps if d.lower() not in SYSTEM_DLLS and not SYSTEM_RE.match(d.lower())]
    res(imps and not bad, "imports_system_dlls_only", f"imports {imps}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
