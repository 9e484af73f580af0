#!/usr/bin/env python3
"""netapi32 export table: spec/<profile>.exports -> linker .def, test tables, docs.

spec/<profile>.exports is the single source of truth (one line per export):

    ordinal  name  x86-arg-bytes  kind

kind `impl`: implemented in this DLL; x86-arg-bytes is the stdcall argument
size used to bind the undecorated export to the i686 symbol `Name@N`.
kind `fwd`: forwarded to `wine_netapi32.<name>` (Wine's builtin netapi32,
copied into the prefix under that name by tools/install.sh); x86-arg-bytes
is `-` because a forwarder is not a symbol of ours.

spec/wine.names lists every name Wine's builtin netapi32 exports.  Every
profile exports all of them: the names the profile lists keep the profile's
ordinals, the others are appended as forwarders with the next free ordinals
(in decorated-name order), so installing our DLL never takes a name away
from a program that works with Wine's builtin.

Commands:
  def      --profile P --arch x86_64|i686 --out F   linker .def (build time)
  table    --profile P                              expected exports: "ordinal name target"
  check-rule --profile P                            recompute ordinals with the decorated-name rule
  import   --profile P --from REF [--names-only]    (re)create spec/P.exports from a reference list
  wine-names --wine-dll DLL [--wine-dll DLL2] [--out F]  spec/wine.names from Wine's builtin(s)
  not-in-wine [--out F]                             spec/NOT_IN_WINE.md (profile names Wine lacks)
  wine-only [--out F]                               spec/WINE_ONLY.md (Wine names a profile lacks)
  target                                            prints the forward-target module name
  profiles                                          prints the profile names
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_DIR = os.path.normpath(os.path.join(HERE, "..", "spec"))
FORWARD_DLL = "wine_netapi32"   # install.sh copies Wine's builtin to <system dir>/wine_netapi32.dll
WINE_NAMES = os.path.join(SPEC_DIR, "wine.names")
PROFILES = ["ws03", "nt4", "win10"]
PROFILE_TITLES = {
    "ws03": "Windows Server 2003 SP2 / XP era (default)",
    "nt4": "Windows NT 4.0",
    "win10": "Windows 10 22H2 / 11 / Server 2019, 2022",
}

# The functions this DLL implements, with their x86 stdcall argument bytes
# (as in MinGW-w64's i686 libnetapi32.a and the reference README).
IMPLEMENTED = {
    "NetApiBufferAllocate": 8, "NetApiBufferFree": 4, "NetApiBufferReallocate": 12,
    "NetApiBufferSize": 8, "NetSessionDel": 12, "NetSessionEnum": 36,
    "NetSessionGetInfo": 20, "NetapipBufferAllocate": 8,
}

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SpecError(Exception):
    pass


def decorated_key(name, argbytes=None):
    """Sort key of the ordinal rule: byte order of the x86 decorated name
    `Name@N`.  N never decides the order (two exports never share a name), so
    `Name@` is enough when the argument size is unknown."""
    return (name + "@" + ("" if argbytes is None else str(argbytes))).encode("ascii")


def rule_ordinals(names):
    """Ordinals by the decorated-name rule, starting at 1."""
    return {n: i + 1 for i, n in enumerate(sorted(names, key=decorated_key))}


def spec_path(profile):
    if profile not in PROFILES:
        raise SpecError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})")
    return os.path.join(SPEC_DIR, profile + ".exports")


def load_wine_names(path=None):
    """The names Wine's builtin netapi32 exports (spec/wine.names)."""
    names = []
    with open(path or WINE_NAMES, encoding="ascii") as f:
        for lineno, ln in enumerate(f, 1):
            ln = ln.split("#", 1)[0].strip()
            if not ln:
                continue
            if not NAME_RE.match(ln):
                raise SpecError(f"{path or WINE_NAMES}:{lineno}: bad name {ln!r}")
            names.append(ln)
    if len(set(names)) != len(names):
        raise SpecError(f"{path or WINE_NAMES}: duplicate name")
    return names


def wine_extras(ents):
    """Wine's names the profile does not list: forwarders at the next free
    ordinals after the profile's highest, in decorated-name order."""
    have = {e[1] for e in ents}
    extra = sorted((n for n in load_wine_names() if n not in have), key=decorated_key)
    base = max((e[0] for e in ents), default=0)
    if base + len(extra) > 65535:
        raise SpecError("no free ordinals left for Wine's names")
    return [(base + i + 1, n, None, "fwd") for i, n in enumerate(extra)]


def load(profile):
    """The exports of the DLL built for PROFILE: the profile's own entries plus
    every name of Wine's builtin it lacks (wine_extras)."""
    ents = load_profile(profile)
    return sorted(ents + wine_extras(ents))


def load_profile(profile):
    """Returns [(ordinal, name, argbytes or None, kind)] sorted by ordinal; validates."""
    path = spec_path(profile)
    ents = []
    with open(path, encoding="ascii") as f:
        for lineno, ln in enumerate(f, 1):
            ln = ln.split("#", 1)[0].strip()
            if not ln:
                continue
            parts = ln.split()
            where = f"{path}:{lineno}"
            if len(parts) != 4:
                raise SpecError(f"{where}: expected 'ordinal name x86-arg-bytes kind'")
            o, name, ab, kind = parts
            if not o.isdigit() or not (1 <= int(o) <= 65535):
                raise SpecError(f"{where}: bad ordinal {o!r}")
            if not NAME_RE.match(name):
                raise SpecError(f"{where}: bad name {name!r}")
            if kind == "impl":
                if not ab.isdigit() or int(ab) % 4:
                    raise SpecError(f"{where}: impl needs x86 stdcall arg bytes (multiple of 4)")
                if IMPLEMENTED.get(name) != int(ab):
                    raise SpecError(f"{where}: {name} is not in IMPLEMENTED with {ab} bytes")
                argb = int(ab)
            elif kind == "fwd":
                if ab != "-":
                    raise SpecError(f"{where}: fwd entries carry '-' as arg bytes")
                if name in IMPLEMENTED:
                    raise SpecError(f"{where}: {name} is implemented here, kind must be impl")
                argb = None
            else:
                raise SpecError(f"{where}: kind must be impl or fwd")
            ents.append((int(o), name, argb, kind))
    ords = [e[0] for e in ents]
    names = [e[1] for e in ents]
    if len(set(ords)) != len(ords):
        raise SpecError(f"{path}: duplicate ordinal")
    if len(set(names)) != len(names):
        raise SpecError(f"{path}: duplicate name")
    missing = sorted(set(IMPLEMENTED) - set(names))
    if missing:
        raise SpecError(f"{path}: implemented functions missing from the profile: {missing}")
    return sorted(ents)


def forward_of(name, kind):
    return f"{FORWARD_DLL}.{name}" if kind == "fwd" else ""


def cmd_def(a):
    ents = load(a.profile)
    out = [f"; generated by tools/gen_spec.py from spec/{a.profile}.exports ({a.arch}); do not edit",
           "LIBRARY netapi32.dll", "EXPORTS"]
    for o, name, argb, kind in ents:
        if kind == "fwd":
            out.append(f"    {name} = {FORWARD_DLL}.{name} @{o}")
        elif a.arch == "i686":
            out.append(f"    {name} = {name}@{argb} @{o}")
        else:
            out.append(f"    {name} @{o}")
    text = "\n".join(out) + "\n"
    try:
        with open(a.out) as f:
            if f.read() == text:
                return 0  # unchanged: keep the mtime so make does not relink
    except OSError:
        pass
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, a.out)
    return 0


def cmd_table(a):
    for o, name, _argb, kind in load(a.profile):
        print(o, name, forward_of(name, kind) or "-")


def cmd_check_rule(a):
    """Exit 0 when every ordinal equals the rule's; prints each mismatch."""
    ents = load_profile(a.profile)
    rule = rule_ordinals([e[1] for e in ents])
    bad = 0
    for o, name, _a, _k in ents:
        if rule[name] != o:
            print(f"MISMATCH {a.profile}: {name}: spec ordinal {o}, rule ordinal {rule[name]}")
            bad += 1
    if ents and [e[0] for e in ents] != list(range(1, len(ents) + 1)):
        print(f"MISMATCH {a.profile}: ordinals are not contiguous from 1")
        bad += 1
    return 1 if bad else 0


def cmd_import(a):
    """(Re)creates spec/<profile>.exports from a reference list (`ordinal name`
    lines, or names only with --names-only: ordinals then come from the rule)."""
    rows = []
    with open(a.src, encoding="ascii") as f:
        for ln in f:
            parts = ln.split()
            if not parts:
                continue
            if a.names_only:
                if len(parts) != 1:
                    raise SpecError(f"{a.src}: names-only list has a line {ln!r}")
                rows.append((None, parts[0]))
            else:
                if len(parts) != 2:
                    raise SpecError(f"{a.src}: expected 'ordinal name', got {ln!r}")
                rows.append((int(parts[0]), parts[1]))
    if a.names_only:
        rule = rule_ordinals([n for _o, n in rows])
        rows = [(rule[n], n) for _o, n in rows]
    rows.sort()
    src = os.path.relpath(os.path.abspath(a.src), os.path.join(SPEC_DIR, ".."))
    hdr = [f"# netapi32 export table, profile {a.profile}: {PROFILE_TITLES[a.profile]}, {len(rows)} names",
           f"# imported from {os.path.basename(src)} (shared reference data) by tools/gen_spec.py import",
           "# columns: ordinal name x86-arg-bytes kind",
           "#   impl: implemented in this DLL (x86 stdcall argument bytes -> i686 .def Name = Name@N)",
           f"#   fwd:  forwarded to {FORWARD_DLL}.<name> (Wine's builtin copied by tools/install.sh)"]
    if a.names_only:
        hdr.append("# ordinals: NOT from Windows; derived with the decorated-name rule "
                   "(byte order of Name@N, from 1) - unverified")
    out = hdr[:]
    for o, n in rows:
        if n in IMPLEMENTED:
            out.append(f"{o} {n} {IMPLEMENTED[n]} impl")
        else:
            out.append(f"{o} {n} - fwd")
    with open(spec_path(a.profile), "w") as f:
        f.write("\n".join(out) + "\n")
    load_profile(a.profile)  # validate what we wrote


def wine_exports(dll):
    """Export names of a PE DLL via objdump -p."""
    objdump = os.environ.get("OBJDUMP", "x86_64-w64-mingw32-objdump")
    txt = subprocess.run([objdump, "-p", dll], check=True, capture_output=True, text=True).stdout
    names, on = set(), False
    for ln in txt.splitlines():
        if ln.startswith("[Ordinal/Name Pointer] Table"):
            on = True
            continue
        if on:
            m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s*$", ln)
            if not m:
                if ln.strip() == "":
                    break
                continue
            names.add(m.group(1))
    return names


def _write(a, text):
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


def _table(rows):
    if not rows:
        return ["(none)", ""]
    return ["| ordinal | name |", "|---:|---|"] + [f"| {o} | {n} |" for o, n in rows] + [""]


def cmd_wine_names(a):
    names = set()
    for dll in a.wine_dll:
        got = wine_exports(dll)
        if not got:
            raise SpecError(f"no exports read from {dll}")
        names |= got
    out = ["# Names Wine's builtin netapi32 exports; every profile exports all of them",
           "# (tools/gen_spec.py wine_extras).  Generated by",
           "#   tools/gen_spec.py wine-names " + " ".join(f"--wine-dll {d}" for d in a.wine_dll)
           + " --out spec/wine.names",
           "# (Wine 8.0, Debian 12: x86_64 and i386 export the same names).",
           "# tests/static/wine_exports.sh fails when an installed Wine exports a name missing here."]
    _write(a, "\n".join(out + sorted(names, key=decorated_key)) + "\n")


def cmd_not_in_wine(a):
    wine = set(load_wine_names())
    out = ["# netapi32 names that Wine's builtin does not export", "",
           "Generated by `python3 tools/gen_spec.py not-in-wine --out spec/NOT_IN_WINE.md` from",
           f"`spec/wine.names` (Wine's builtin exports {len(wine)} names). The other direction,",
           "names Wine exports that a profile does not list, is `WINE_ONLY.md`.", "",
           "These names are still exported at their ordinal, as forwarders to",
           f"`{FORWARD_DLL}.<name>` like every other name we do not implement. With",
           "such a forwarder, a program that imports the name still loads, and a call",
           "raises Wine's \"unimplemented function\" exception; `GetProcAddress`",
           "returns NULL. That is exactly what happens when Wine's builtin is used",
           "directly. If a later Wine adds the function, the forwarder starts working.",
           "We did not write stubs of our own: on i686 a stdcall stub must pop exactly",
           "the caller's argument bytes, and for most of these internal functions",
           "those sizes are unknown. A stub with the wrong size would corrupt the stack.", ""]
    for p in PROFILES:
        miss = [(o, n) for o, n, _a, k in load_profile(p) if n not in wine]
        out += [f"## {p}: {PROFILE_TITLES[p]}: {len(miss)} names not in Wine", ""] + _table(miss)
    _write(a, "\n".join(out))


def cmd_wine_only(a):
    wine = load_wine_names()
    out = ["# Names Wine's builtin exports that a profile does not list", "",
           "Generated by `python3 tools/gen_spec.py wine-only --out spec/WINE_ONLY.md` from",
           f"`spec/wine.names` ({len(wine)} names). The other direction is `NOT_IN_WINE.md`.", "",
           "A drop-in must not take a name away from a program that works with Wine's",
           "builtin, so every profile exports these too, as forwarders to",
           f"`{FORWARD_DLL}.<name>` (Wine's builtin): a program importing one of them",
           "loads, `GetProcAddress` returns the same address as with the builtin, and a",
           "call does what the builtin does (`DavGetHTTPFromUNCPath` and",
           "`DavGetUNCFromHTTPPath` are real Wine implementations, the rest are Wine",
           "stubs). Windows never exported them in that version, so they get ordinals",
           "the profile leaves free: after its highest, in decorated-name order.",
           "Programs import these by name; their ordinals are ours, not Windows'.",
           "`tests/static/wine_exports.sh` fails when the installed Wine exports a name",
           "that `spec/wine.names` lacks (a Wine upgrade): rerun `gen_spec.py wine-names`.", ""]
    for p in PROFILES:
        ex = [(o, n) for o, n, _a, _k in wine_extras(load_profile(p))]
        out += [f"## {p}: {PROFILE_TITLES[p]}: {len(ex)} names from Wine", ""] + _table(ex)
    _write(a, "\n".join(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("def")
    p.add_argument("--profile", default="ws03")
    p.add_argument("--arch", required=True, choices=["x86_64", "i686"])
    p.add_argument("--out", required=True)
    p = sub.add_parser("table")
    p.add_argument("--profile", default="ws03")
    p = sub.add_parser("check-rule")
    p.add_argument("--profile", default="ws03")
    p = sub.add_parser("import")
    p.add_argument("--profile", required=True)
    p.add_argument("--from", dest="src", required=True)
    p.add_argument("--names-only", action="store_true")
    p = sub.add_parser("wine-names")
    p.add_argument("--wine-dll", action="append", required=True)
    p.add_argument("--out")
    p = sub.add_parser("not-in-wine")
    p.add_argument("--out")
    p = sub.add_parser("wine-only")
    p.add_argument("--out")
    sub.add_parser("target")
    sub.add_parser("profiles")
    a = ap.parse_args()
    try:
        if a.cmd == "def":
            return cmd_def(a)
        if a.cmd == "table":
            return cmd_table(a)
        if a.cmd == "check-rule":
            return cmd_check_rule(a)
        if a.cmd == "import":
            return cmd_import(a)
        if a.cmd == "wine-names":
            return cmd_wine_names(a)
        if a.cmd == "not-in-wine":
            return cmd_not_in_wine(a)
        if a.cmd == "wine-only":
            return cmd_wine_only(a)
        if a.cmd == "target":
            print(FORWARD_DLL)
            return 0
        if a.cmd == "profiles":
            print(" ".join(PROFILES))
            return 0
    except (SpecError, OSError, subprocess.CalledProcessError) as e:
        print(f"gen_spec.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
