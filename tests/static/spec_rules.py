#!/usr/bin/env python3
"""Static checks of the spec data itself (no build needed).

- ordinal_rule_<p> (ws03, nt4): recompute every ordinal of the shared reference
  list from the names with the decorated-name rule (byte order of `Name@N`,
  from 1) and compare with the ordinals given; each mismatch is printed.
- spec_matches_reference_<p>: spec/<p>.exports holds exactly the reference's
  (ordinal, name) pairs (win10: the reference names, ordinals by the rule).
- implemented_<p>: the eight implemented names are `impl` with their x86 sizes.
- def_i686_<p>: the generated i686 .def binds `Name = Name@N @ordinal`.
- wine_names_<p>: the DLL's table holds every name of spec/wine.names, the
  profile's names at the profile's ordinals, the rest after its highest ordinal.
- not_in_wine_doc, wine_only_doc: spec/NOT_IN_WINE.md and spec/WINE_ONLY.md equal
  what the generator writes from the spec files.
(tests/static/wine_exports.sh compares spec/wine.names with the installed Wine.)
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import gen_spec  # noqa: E402

REF = os.environ.get("NETAPI_REFERENCE", os.path.normpath(os.path.join(ROOT, "..", "shared", "reference")))
REF_FILES = {"ws03": "netapi32-exports-ws03.txt", "nt4": "netapi32-exports-nt4.txt",
             "win10": "netapi32-exports-win10-names.txt"}

fails = 0


def res(ok, name, why=""):
    global fails
    if ok:
        print(f"PASS: {name}")
    else:
        fails += 1
        print(f"FAIL: {name}: {why}")


def skip(name, why):
    print(f"SKIPPED: {name}: {why}")


def read_ref(profile):
    rows = []
    with open(os.path.join(REF, REF_FILES[profile])) as f:
        for ln in f:
            p = ln.split()
            if p:
                rows.append((int(p[0]), p[1]) if len(p) == 2 else (None, p[0]))
    return rows


def main():
    for p in gen_spec.PROFILES:
        try:
            spec = gen_spec.load_profile(p)
            table = gen_spec.load(p)
        except (gen_spec.SpecError, OSError) as e:
            res(False, f"spec_load_{p}", str(e))
            continue
        res(True, f"spec_load_{p}")
        if not os.path.exists(os.path.join(REF, REF_FILES[p])):
            skip(f"spec_matches_reference_{p}", f"reference data not found in {REF}")
            if p != "win10":
                skip(f"ordinal_rule_{p}", f"reference data not found in {REF}")
        else:
            ref = read_ref(p)
            if p == "win10":
                rule = gen_spec.rule_ordinals([n for _o, n in ref])
                ref = [(rule[n], n) for _o, n in ref]
            else:
                rule = gen_spec.rule_ordinals([n for _o, n in ref])
                mism = [(n, o, rule[n]) for o, n in ref if rule[n] != o]
                for n, o, r in mism:
                    print(f"# {p}: {n}: given ordinal {o}, rule gives {r}")
                res(not mism, f"ordinal_rule_{p}",
                    f"{len(mism)} of {len(ref)} ordinals differ from the decorated-name rule")
            res(sorted(ref) == [(o, n) for o, n, _a, _k in spec], f"spec_matches_reference_{p}",
                "spec/%s.exports differs from %s" % (p, REF_FILES[p]))

        impl = {n: a for _o, n, a, k in spec if k == "impl"}
        res(impl == gen_spec.IMPLEMENTED, f"implemented_{p}", f"impl entries {impl}")

        with tempfile.TemporaryDirectory() as td:
            out = os.path.join(td, "x.def")
            r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_spec.py"), "def",
                                "--profile", p, "--arch", "i686", "--out", out], capture_output=True, text=True)
            if r.returncode:
                res(False, f"def_i686_{p}", r.stderr.strip())
            else:
                lines = set(l.strip() for l in open(out))
                need = {f"{n} = {n}@{a} @{o}" for o, n, a, k in spec if k == "impl"}
                nfwd = sum(1 for l in lines if " = " + gen_spec.FORWARD_DLL + "." in l)
                res(need <= lines and nfwd == len(table) - len(need), f"def_i686_{p}",
                    f"missing {sorted(need - lines)}; {nfwd} forwarders")

        own = {n: o for o, n, _a, _k in spec}
        top = max(own.values())
        tab = {n: o for o, n, _a, _k in table}
        wine = gen_spec.load_wine_names()
        bad = [n for n in wine if n not in tab] + \
              [n for n, o in own.items() if tab.get(n) != o] + \
              [n for n in wine if n not in own and not tab.get(n, 0) > top]
        res(not bad and len(table) == len(set(own) | set(wine)), f"wine_names_{p}",
            f"{len(bad)} names wrong, e.g. {bad[:5]}")

    for cmd, doc in (("not-in-wine", "NOT_IN_WINE.md"), ("wine-only", "WINE_ONLY.md")):
        with tempfile.TemporaryDirectory() as td:
            out = os.path.join(td, "n.md")
            r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen_spec.py"), cmd,
                                "--out", out], capture_output=True, text=True)
            try:
                have = open(os.path.join(ROOT, "spec", doc)).read()
            except OSError:
                have = None
            ok = r.returncode == 0 and have == open(out).read()
            res(ok, doc.split(".")[0].lower() + "_doc", r.stderr.strip() or
                f"spec/{doc} is stale: run tools/gen_spec.py {cmd} --out spec/{doc}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
