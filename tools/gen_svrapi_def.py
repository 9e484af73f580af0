#!/usr/bin/env python3
"""spec/svrapi.exports -> the i686 linker .def of svrapi.dll.

    gen_svrapi_def.py SPEC OUT

Checks the table (unique ordinals and names, impl lines with their stdcall
argument bytes, fwd lines without) and rewrites OUT only when its text
changes.  The forward target module is wine_svrapi (tools/install_svrapi.sh
copies Wine's builtin svrapi.dll into the prefix under that name)."""
import re
import sys

FORWARD_DLL = "wine_svrapi"
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def load(path):
    rows, ords, names = [], set(), set()
    with open(path, encoding="ascii") as f:
        for lineno, ln in enumerate(f, 1):
            ln = ln.split("#", 1)[0].split()
            if not ln:
                continue
            if len(ln) not in (4, 5):
                sys.exit(f"{path}:{lineno}: want 'ordinal name argbytes kind [target]'")
            o, name, argb, kind = ln[:4]
            target = ln[4] if len(ln) == 5 else name
            if not o.isdigit() or not NAME_RE.match(name) or not NAME_RE.match(target):
                sys.exit(f"{path}:{lineno}: bad ordinal or name")
            if kind == "impl" and (not argb.isdigit() or len(ln) == 5):
                sys.exit(f"{path}:{lineno}: impl needs its argument bytes and no target")
            if kind == "fwd" and argb != "-":
                sys.exit(f"{path}:{lineno}: fwd takes '-' as argument bytes")
            if kind not in ("impl", "fwd"):
                sys.exit(f"{path}:{lineno}: kind must be impl or fwd")
            if int(o) in ords or name in names:
                sys.exit(f"{path}:{lineno}: duplicate ordinal or name")
            ords.add(int(o))
            names.add(name)
            rows.append((int(o), name, argb, kind, target))
    return sorted(rows)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out = ["LIBRARY svrapi.dll", "EXPORTS"]
    for o, name, argb, kind, target in load(sys.argv[1]):
        if kind == "impl":
            out.append(f"    {name} = {name}@{argb} @{o}")
        else:
            out.append(f"    {name} = {FORWARD_DLL}.{target} @{o}")
    text = "\n".join(out) + "\n"
    try:
        with open(sys.argv[2], encoding="ascii") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(sys.argv[2], "w", encoding="ascii") as f:
        f.write(text)


if __name__ == "__main__":
    main()
