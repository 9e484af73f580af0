#!/bin/bash
# bench/copies/run.sh [TREE] -- bytes copied by 20 warm NetSessionEnum calls
# (1000 sessions, level 1) in the client core of TREE (default: this tree;
# its build/native/libcore.a must exist: make -f Makefile.mingw native).
# For the figure before issue 9: git archive 7f00266 | tar -x -C /tmp/base,
# make -C /tmp/base -f Makefile.mingw build/native/libcore.a, then
# OLD_SEAM=1 bash bench/copies/run.sh /tmp/base.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TREE=${1:-$(cd "$HERE/../.." && pwd)}
OUT=${TMPDIR:-/tmp}/netapi32-copies.$$
trap 'rm -f "$OUT"' EXIT
gcc -std=c11 -O1 -g -D_DEFAULT_SOURCE ${OLD_SEAM:+-DOLD_SEAM} -I"$TREE/include" -I"$TREE/dll" -I"$TREE/tests" \
    "$HERE/count_shim.c" "$HERE/copies.c" "$TREE/build/native/libcore.a" -lcmocka -lnettle -lpthread -o "$OUT"
"$OUT"
