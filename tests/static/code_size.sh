#!/bin/bash
# The project's size rules (GUIDE.md): no source file under dll/ or native/
# over 500 lines, no function over 100 lines, and no layer including a
# header from a layer above it.  One PASS/FAIL line per rule.
cd "$(dirname "$0")/../.." || exit 2
rc=0
big=$(wc -l dll/*/*.c dll/*/*.h native/*.c native/*.h 2>/dev/null | awk '$2 != "total" && $1 > 500 {print $2 " (" $1 " lines)"}')
if [ -z "$big" ]; then echo "PASS: code_size: every file under dll/ and native/ has at most 500 lines"
else echo "FAIL: code_size: files over 500 lines: $(echo $big)"; rc=1; fi
# A function body runs from a "{" in column 0 to the next "}" in column 0.
long=$(awk '
    /^[A-Za-z_].*\(/ { name = $0 }
    /^[{]/ { start = FNR; fn = name }
    /^[}]/ { if (start && FNR - start + 1 > 100) printf "%s:%d %s (%d lines); ", FILENAME, start, fn, FNR - start + 1; start = 0 }
' dll/*/*.c native/*.c)
if [ -z "$long" ]; then echo "PASS: code_size: no function under dll/ or native/ over 100 lines"
else echo "FAIL: code_size: functions over 100 lines: $long"; rc=1; fi
# Layers, lowest first; a layer may include its own headers and those of
# layers below it (svrapi and api are callers of the same core).
order="common net crypto auth pipe smb2 smb1 dcerpc srvs rap api svrapi"
rank() { local i=0; for l in $order; do [ "$l" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo 99; }
back=""
for f in dll/*/*.c dll/*/*.h; do
    me=$(basename "$(dirname "$f")"); r=$(rank "$me")
    for inc in $(sed -n 's|^#include "\.\./\([a-z0-9_]*\)/.*|\1|p' "$f"); do
        [ "$(rank "$inc")" -gt "$r" ] && back="$back $f->$inc"
    done
done
if [ -z "$back" ]; then echo "PASS: code_size: no layer includes a header from a layer above it"
else echo "FAIL: code_size: include back-edges:$back"; rc=1; fi
exit $rc
