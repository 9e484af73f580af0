#!/bin/bash
# SESSION_INFO_* ABI: compile-time asserts against MinGW-w64's <lm.h> for x64 and
# x86, then the same literal numbers against the level table (native build).
cd "$(dirname "$0")/../.." || exit 2
rc=0
for cc in x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc; do
    arch=${cc%%-*}
    if ! command -v $cc >/dev/null; then echo "SKIPPED: struct_abi_lm_h_$arch: $cc not installed"; continue; fi
    if out=$($cc -std=c11 -Wall -Wextra -Werror -Itests/static -fsyntax-only tests/static/struct_abi.c 2>&1); then
        echo "PASS: struct_abi_lm_h_$arch"
    else
        echo "FAIL: struct_abi_lm_h_$arch: $(echo "$out" | grep -m1 -E 'error')"; rc=1
    fi
done
if [ ! -f dll/srvs/levels.c ]; then
    echo "SKIPPED: struct_abi_table: dll/srvs/levels.c does not exist yet"
    exit $rc
fi
tmp=$(mktemp -d)
srcs="dll/srvs/levels.c $(ls dll/common/*.c | grep -v '_win\.c$')"
if out=$(${CC_NATIVE:-gcc} -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -Idll -Iinclude -Itests/static \
        tests/static/struct_abi_native.c $srcs -lnettle -lpthread -o "$tmp/abi" 2>&1); then
    "$tmp/abi" || rc=1
else
    echo "FAIL: struct_abi_table: native build failed: $(echo "$out" | grep -m1 -E 'error')"; rc=1
fi
rm -rf "$tmp"
exit $rc
