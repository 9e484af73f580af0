#!/usr/bin/env bash
# tools/extract_seed002.py: seed 002's C# restored only where the document lost
# characters.  The real document must pass its token check; copies of it with
# one real token changed must be refused (the check is not a rubber stamp).
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
BUILD="${BUILD:-build}"
SEEDS="${SEEDS_DIR:-$(ls -d ../shared/seeds /work/shared/seeds 2>/dev/null | head -1)}"
PY="${PYTHON:-python3}"
if [ -z "$SEEDS" ] || ! ls "$SEEDS"/002_*.txt >/dev/null 2>&1; then
    echo "SKIPPED: seed002.extract: seed documents not found"; exit 0
fi
T="$BUILD/seed002-static"
rm -rf "$T"; mkdir -p "$T"
if out=$($PY tools/extract_seed002.py "$SEEDS" "$T/seed002.cs" 2>&1) &&
   grep -q 'tokens inserted' "$T/seed002.cs" && grep -q 'ToInt32()' "$T/seed002.cs"; then
    echo "PASS: seed002.extract"
else
    echo "FAIL: seed002.extract: $out"
fi
# tampered restorations: each changes one real token of the restored code (not
# a brace); the token check must refuse every one
n=0
for change in ',502,out BufPtr|,503,out BufPtr' 'ToInt32()|ToInt64()' 'NERR_Success = 0,|NERR_Success = 1,' \
              'private static extern int|private static extern long'; do
    n=$((n + 1))
    if $PY - "$SEEDS" "$change" >"$T/tamper$n.log" 2>&1 <<'PYEOF'; then
import glob, importlib.util, sys
spec = importlib.util.spec_from_file_location("x", "tools/extract_seed002.py")
x = importlib.util.module_from_spec(spec); spec.loader.exec_module(x)
src = open(glob.glob(sys.argv[1] + "/002_*.txt")[0], encoding="utf-8").read().split("\n")
body = sum((x.section(src, a, b) for _, a, b in x.SECTIONS), [])
restored = x.restore_braces(body)
old, new = sys.argv[2].split("|")
tampered = "\n".join(restored).replace(old, new, 1).split("\n")
assert tampered != restored, "the change did not apply"
try:
    x.verify(body, tampered)
except SystemExit as e:
    print(e)
    sys.exit(0)          # refused: good
sys.exit(1)
PYEOF
        echo "PASS: seed002.tampered_restoration_refused.$n"
    else
        echo "FAIL: seed002.tampered_restoration_refused.$n: '$change' was accepted ($(head -c 200 "$T/tamper$n.log"))"
    fi
done
