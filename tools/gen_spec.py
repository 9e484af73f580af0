#!/usr/bin/env python3
"""Generates the linker .def for one architecture from spec/<profile>.exports.

Bootstrap version: exports only the functions this DLL implements, at their
profile ordinals.  (Issue 4 replaces it with full-table generation.)
"""
import argparse, sys, os

IMPLEMENTED = {  # name -> x86 stdcall argument bytes
    "NetApiBufferAllocate": 8, "NetApiBufferFree": 4, "NetApiBufferReallocate": 12,
    "NetApiBufferSize": 8, "NetSessionDel": 12, "NetSessionEnum": 36,
    "NetSessionGetInfo": 20, "NetapipBufferAllocate": 8,
}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["def"])
    ap.add_argument("--profile", default="ws03")
    ap.add_argument("--arch", required=True, choices=["x86_64", "i686"])
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "spec", a.profile + ".exports")
    lines = ["LIBRARY netapi32.dll", "EXPORTS"]
    for ln in open(path):
        parts = ln.split()
        if len(parts) != 2:
            continue
        ordn, name = int(parts[0]), parts[1]
        if name in IMPLEMENTED:
            if a.arch == "i686":
                lines.append(f"    {name} = {name}@{IMPLEMENTED[name]} @{ordn}")
            else:
                lines.append(f"    {name} @{ordn}")
    open(a.out, "w").write("\n".join(lines) + "\n")

if __name__ == "__main__":
    sys.exit(main())
