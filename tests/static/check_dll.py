#!/usr/bin/env python3
"""Static checks of one built netapi32.dll against a spec profile.

    check_dll.py PROFILE ARCH DLL

Prints PASS/FAIL lines: machine type, export table (ordinal, name, forwarder
target) equal to `tools/gen_spec.py table` exactly, undecorated names, and
imports limited to Windows system DLLs.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import pe as pelib          # noqa: E402
import gen_spec             # noqa: E402

MACHINE = {"x86_64": 0x8664, "i686": 0x14C}
SYSTEM_DLLS = {"kernel32.dll", "advapi32.dll", "bcrypt.dll", "ws2_32.dll", "secur32.dll", "msvcrt.dll", "ucrtbase.dll"}
SYSTEM_RE = re.compile(r"^api-ms-win-[a-z0-9-]+\.dll$")


def expected(profile):
    return [(o, n, gen_spec.forward_of(n, k) or None) for o, n, _a, k in gen_spec.load(profile)]


def check(profile, arch, path):
    tag = f"{profile}_{arch}"
    results = []

    def res(ok, name, why=""):
        results.append(ok)
        print(f"PASS: {name}" if ok else f"FAIL: {name}: {why}")

    try:
        pe = pelib.PE(path)
        got = pe.exports()
        imps = pe.imports()
    except (OSError, pelib.PEError, ValueError) as e:
        res(False, f"pe_parse_{tag}", f"{path}: {e}")
        return False
    res(pe.machine == MACHINE[arch], f"machine_{tag}", f"machine {pe.machine:#x}, want {MACHINE[arch]:#x}")

    want = expected(profile)
    if got == want:
        res(True, f"exports_{tag}")
    else:
        gs, ws = set(got), set(want)
        extra = sorted(gs - ws)[:5]
        missing = sorted(ws - gs)[:5]
        res(False, f"exports_{tag}",
            f"{len(got)} exports vs {len(want)} in spec; missing {missing}; unexpected {extra}")

    decorated = [n for _o, n, _f in got if n and ("@" in n or n.startswith("_"))]
    unnamed = [o for o, n, _f in got if not n]
    res(not decorated and not unnamed, f"undecorated_{tag}",
        f"decorated {decorated[:5]}, unnamed ordinals {unnamed[:5]}")

    fwd_targets = {f.split(".", 1)[0] for _o, _n, f in got if f}
    res(fwd_targets <= {gen_spec.FORWARD_DLL}, f"forward_target_{tag}",
        f"forwarders point to {sorted(fwd_targets)}")

    bad = [d for d in imps if d.lower() not in SYSTEM_DLLS and not SYSTEM_RE.match(d.lower())]
    res(not bad and bool(imps), f"imports_{tag}",
        f"non-system imports {bad}" if bad else "no imports at all (parse error?)")
    return all(results)


def main(argv):
    if len(argv) != 4 or argv[2] not in MACHINE:
        print(__doc__, file=sys.stderr)
        return 2
    return 0 if check(argv[1], argv[2], argv[3]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
