#!/usr/bin/env bash
# The scripted RAP-only server's own parsers (tests/lib/rap_selftest.py):
# MS-RAP answers for known requests and hostile input bounded.  The server
# itself is exercised end to end by winetests/rap/run.sh.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
if ! /usr/bin/python3 -c 'import impacket, Cryptodome' 2>/dev/null; then
    echo "SKIPPED: rap_server: python3-impacket is not installed"; exit 0
fi
/usr/bin/python3 tests/lib/rap_selftest.py
