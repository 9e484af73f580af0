#!/bin/bash
# netsess.exe command-line checks under Wine (64-bit) in a throwaway prefix:
# usage errors and exit codes, /? and /helpmsg, the Credential Manager commands
# (/cred:add with the password as argument, from a pipe and from a console
# without echo; /cred:list; /cred:del) with every stored entry read back by an
# independent CredReadW program, and the list output against Wine's builtin
# netapi32 (which reports no sessions).  Listing/deleting against Samba is
# checked elsewhere once the DLL is installed.
#
#   BUILD=dir (default build)   KEEP_PREFIX=1 keeps the prefix for inspection
#
# One line per check: PASS / FAIL / SKIPPED.  Exit status 1 when a check failed.
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
export WINEDEBUG=-all
rc=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; rc=1; }
skip() { echo "SKIPPED: $1: $2"; }

EXE64=$BUILD/x86_64/netsess.exe
EXE32=$BUILD/i686/netsess.exe
mkdir -p "$BUILD/x86_64" "$BUILD/i686"
log=$(mktemp)
if make -s -f Makefile.mingw BUILD="$BUILD" "$EXE64" "$EXE32" >"$log" 2>&1; then
    pass "netsess_build"
else
    fail "netsess_build" "$(grep -m1 -iE 'error|warning' "$log")"
fi
rm -f "$log"
if x86_64-w64-mingw32-objdump -p "$EXE64" 2>/dev/null | grep -q 'NetSessionEnum' &&
   i686-w64-mingw32-objdump -p "$EXE32" 2>/dev/null | grep -q 'NetSessionEnum'; then
    pass "netsess_imports_netapi32_both_arches"
else
    fail "netsess_imports_netapi32_both_arches" "an exe is missing or does not import NetSessionEnum"
fi

if ! command -v wine >/dev/null; then
    skip "netsess_runtime" "wine not installed"
    exit $rc
fi
[ -f "$EXE64" ] || { fail "netsess_runtime" "no $EXE64"; exit 1; }

T=$(mktemp -d /tmp/netsess-cli.XXXXXX)
WINEPREFIX=$T/prefix
export WINEPREFIX
cleanup() {
    wineserver -k >/dev/null 2>&1
    if [ "${KEEP_PREFIX:-0}" = 1 ]; then echo "prefix kept: $WINEPREFIX" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
wineboot -i >/dev/null 2>&1
wineserver -w
# one wineserver for the whole run: a program starting just as an idle server
# exits fails with status 1 and no output of its own (tests/lib/wine.sh)
source "$ROOT/tests/lib/wine.sh"
wine_server_keep "$WINEPREFIX" 600

# An independent reader: CredReadW(target, CRED_TYPE_DOMAIN_PASSWORD) and
# compare type, user and blob (UTF-16LE, no terminator) with what was stored.
cat >"$T/credcheck.c" <<'EOF'
#include <windows.h>
#include <wincred.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
/* credcheck TARGET USER PASSWORD  -> "OK" or what differs
 * credcheck TARGET -absent        -> "OK" when no such entry */
int wmain(int argc, wchar_t **argv)
{
    PCREDENTIALW c = NULL;
    if (argc == 3 && !wcscmp(argv[2], L"-absent")) {
        if (CredReadW(argv[1], CRED_TYPE_DOMAIN_PASSWORD, 0, &c)) { CredFree(c); puts("still present"); return 1; }
        if (GetLastError() != ERROR_NOT_FOUND) { printf("error %lu\n", GetLastError()); return 1; }
        puts("OK"); return 0;
    }
    if (argc != 4) { puts("usage"); return 2; }
    if (!CredReadW(argv[1], CRED_TYPE_DOMAIN_PASSWORD, 0, &c)) { printf("CredReadW error %lu\n", GetLastError()); return 1; }
    size_t pl = wcslen(argv[3]);
    int ok = 1;
    if (c->Type != CRED_TYPE_DOMAIN_PASSWORD) { printf("type %lu\n", c->Type); ok = 0; }
    if (!c->UserName || wcscmp(c->UserName, argv[2])) { puts("user differs"); ok = 0; }
    if (c->CredentialBlobSize != pl * 2) { printf("blob size %lu, want %u\n", c->CredentialBlobSize, (unsigned)(pl * 2)); ok = 0; }
    else if (pl && memcmp(c->CredentialBlob, argv[3], pl * 2)) { puts("blob differs"); ok = 0; }
    if (c->Persist != CRED_PERSIST_LOCAL_MACHINE) { printf("persist %lu\n", c->Persist); ok = 0; }
    CredFree(c);
    if (ok) puts("OK");
    return !ok;
}
EOF
if x86_64-w64-mingw32-gcc -std=c11 -Wall -municode -O1 -o "$T/credcheck.exe" "$T/credcheck.c" -ladvapi32 2>"$T/cc.log"; then
    have_check=1
else
    have_check=0; fail "credcheck_build" "$(head -1 "$T/cc.log")"
fi

# ns ARGS...: runs netsess; stdout / stderr (CR stripped) in $out / $errout, status in $st
ns() {
    wine "$EXE64" "$@" >"$T/out" 2>"$T/err" </dev/null; st=$?
    out=$(tr -d '\r' <"$T/out"); errout=$(tr -d '\r' <"$T/err")
}
# check_cred NAME TARGET USER PASSWORD | check_cred NAME TARGET -absent
check_cred() {
    local n=$1; shift
    [ $have_check = 1 ] || { skip "$n" "credcheck.exe not built"; return; }
    local r; r=$(wine "$T/credcheck.exe" "$@" 2>&1 | tr -d '\r')
    if [ "$r" = OK ]; then pass "$n"; else fail "$n" "$r"; fi
}
ALL_OUTPUT=$T/all_output   # everything netsess printed, searched for passwords at the end
keep() { printf '%s\n%s\n' "$out" "$errout" >>"$ALL_OUTPUT"; }
expect() { # NAME STATUS STDOUT-PATTERN (grep -E, "" = none) [STDERR-PATTERN]
    local n=$1 want=$2 po=$3 pe=${4:-}
    keep
    if [ "$st" != "$want" ]; then fail "$n" "exit status $st, want $want; stderr: $(echo "$errout" | head -1); stdout: $(echo "$out" | head -1)"; return; fi
    if [ -n "$po" ] && ! echo "$out" | grep -qE -- "$po"; then fail "$n" "stdout lacks /$po/: $(echo "$out" | head -2)"; return; fi
    if [ -n "$pe" ] && ! echo "$errout" | grep -qE -- "$pe"; then fail "$n" "stderr lacks /$pe/: $(echo "$errout" | head -2)"; return; fi
    pass "$n"
}

# ---- help and usage errors ----
ns /?
expect "help_exit0" 0 '^NETSESS /cred:add \\\\server user \[password\]$'
ns /bogus;                                  expect "usage_unknown_option" 2 "" '^netsess: unknown option /bogus$'
ns server;                                  expect "usage_server_without_backslashes" 2 "" 'server must be given as'
ns '\\s' client;                            expect "usage_client_without_backslashes" 2 "" 'client must be given as'
ns '\\s' '\\c' '\\d';                       expect "usage_too_many_arguments" 2 "" 'too many arguments'
ns /level:abc;                              expect "usage_bad_level" 2 "" 'bad level'
ns /level:;                                 expect "usage_empty_level" 2 "" 'bad level'
ns /level:99999999999;                      expect "usage_level_overflow" 2 "" 'bad level'
ns /level:1 /level:2;                       expect "usage_level_twice" 2 "" 'given twice'
ns /user:;                                  expect "usage_empty_user" 2 "" '/user needs'
ns /client:;                                expect "usage_empty_client" 2 "" '/client needs'
ns '\\s' '\\c' /client:'\\d';               expect "usage_client_twice" 2 "" 'client is given twice'
ns '\\s' /delete /level:10;                 expect "usage_delete_with_level" 2 "" 'does not apply'
ns '\\s' /delete /tab;                      expect "usage_delete_with_tab" 2 "" 'only applies to listings'
ns /cred;                                   expect "usage_cred_without_verb" 2 "" 'needs :add'
ns /cred:frob;                              expect "usage_cred_bad_verb" 2 "" 'unknown option'
ns /cred:add '\\srv';                       expect "usage_cred_add_missing_user" 2 "" 'missing arguments'
ns /cred:add '\\srv' u p extra;             expect "usage_cred_add_too_many" 2 "" 'too many arguments'
ns /cred:add '\\' u p;                      expect "usage_cred_add_empty_server" 2 "" 'empty server name'
ns /cred:del;                               expect "usage_cred_del_missing_server" 2 "" 'missing arguments'
ns /cred:list /user:x;                      expect "usage_cred_with_user" 2 "" 'takes no'
ns /cred:add /cred:list;                    expect "usage_two_cred_verbs" 2 "" 'more than one'
ns /cred:add '\\srv' u p /tab;              expect "usage_cred_add_with_tab" 2 "" 'only applies'
# the usage text comes with every usage error
ns /bogus
if echo "$errout" | grep -q '^NETSESS /cred:list'; then pass "usage_error_prints_usage"; else fail "usage_error_prints_usage" "no usage text on stderr"; fi
keep

# ---- error texts ----
for c in 5 53 59 87 121 124 234 1272 1326 1722 2114 2221 2312 2351; do
    ns /helpmsg:$c
    if [ $st = 0 ] && [ -n "$out" ]; then pass "helpmsg_$c"; else fail "helpmsg_$c" "status $st, text '$out'"; fi
    keep
done
ns /helpmsg:2312
if [ "$out" = "A session does not exist with that computer name." ]; then pass "helpmsg_2312_wording"; else fail "helpmsg_2312_wording" "'$out'"; fi
ns /helpmsg:4294967295;  expect "helpmsg_unknown_code" $((317 & 255)) "" 'no text for error'
ns /helpmsg:x;           expect "usage_helpmsg_not_a_number" 2 "" 'helpmsg'

# ---- credentials ----
ns /cred:list;                   expect "cred_list_empty" 0 '^There are no entries in the list\.$'
ns /cred:list /tab
if [ $st = 0 ] && [ -z "$out" ]; then pass "cred_list_empty_tab"; else fail "cred_list_empty_tab" "status $st, '$out'"; fi

ns /cred:add '\\srv' u 'S3cret-Arg'
expect "cred_add_arg" 0 '^The command completed successfully\.$'
check_cred "cred_add_arg_reads_back" srv u 'S3cret-Arg'

ns /cred:add '*' 'DOM\bob' 'Pässwörd-Ünï'
expect "cred_add_default_domain_user" 0 'completed successfully'
check_cred "cred_add_default_reads_back" '*' 'DOM\bob' 'Pässwörd-Ünï'

ns /cred:add 'srvNoSlash' carol 'x'
expect "cred_add_without_backslashes" 0 'completed successfully'
check_cred "cred_add_without_backslashes_reads_back" srvNoSlash carol 'x'

# overwrite: same target, new user and password
ns /cred:add '\\srvNoSlash' dave 'Y2'
expect "cred_add_overwrite" 0 'completed successfully'
check_cred "cred_add_overwrite_reads_back" srvNoSlash dave 'Y2'

# password from a pipe: one line, CRLF stripped, the rest of the input ignored
printf 'Piped-Pw 1\r\nsecond line\n' | wine "$EXE64" /cred:add '\\pipe.example' 'EX\erin' >"$T/out" 2>"$T/err"; st=$?
out=$(tr -d '\r' <"$T/out"); errout=$(tr -d '\r' <"$T/err")
expect "cred_add_stdin_pipe" 0 'completed successfully'
if echo "$out$errout" | grep -qi 'password'; then fail "cred_add_stdin_no_prompt" "prompted on a pipe: $errout"; else pass "cred_add_stdin_no_prompt"; fi
check_cred "cred_add_stdin_reads_back" pipe.example 'EX\erin' 'Piped-Pw 1'

# an empty line is an empty password (no blob)
printf '\n' | wine "$EXE64" /cred:add '\\empty.example' frank >"$T/out" 2>"$T/err"; st=$?
out=$(tr -d '\r' <"$T/out"); errout=$(tr -d '\r' <"$T/err")
expect "cred_add_empty_password" 0 'completed successfully'
check_cred "cred_add_empty_password_reads_back" empty.example frank ''

# no input at all: error 38, nothing stored
ns /cred:add '\\eof.example' gina
expect "cred_add_stdin_eof" 38 "" '^System error 38 has occurred\.$'
check_cred "cred_add_stdin_eof_stores_nothing" eof.example -absent

# too long a password (513 characters)
long=$(head -c 513 /dev/zero | tr '\0' a)
ns /cred:add '\\long.example' h "$long"
expect "cred_add_password_too_long" 87 "" 'longer than 512'
check_cred "cred_add_too_long_stores_nothing" long.example -absent

# console: prompt on stderr, typed password not echoed (needs a pseudo-terminal)
if command -v script >/dev/null; then
    # type only once the prompt is there, and keep the input open until the
    # program has answered (fixed sleeps lost the race on a loaded machine)
    wait_for() { local i; for i in $(seq 600); do grep -q "$1" "$T/tty" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
    : >"$T/tty"
    (wait_for 'Enter the password'; printf 'Typed-Pw9\r'; wait_for 'completed successfully\|System error') |
        timeout 60 script -qfc "wine '$EXE64' /cred:add '\\\\tty.example' ivan" /dev/null >"$T/tty" 2>&1
    if grep -q "Enter the password for 'ivan' on 'tty.example'" "$T/tty"; then pass "cred_add_console_prompt"; else fail "cred_add_console_prompt" "no prompt: $(tr -d '\r\033' <"$T/tty" | head -c 200)"; fi
    if grep -q 'Typed-Pw9' "$T/tty"; then fail "cred_add_console_no_echo" "the password was echoed"; else pass "cred_add_console_no_echo"; fi
    check_cred "cred_add_console_reads_back" tty.example ivan 'Typed-Pw9'
    cat "$T/tty" >>"$ALL_OUTPUT"
else
    for n in cred_add_console_prompt cred_add_console_no_echo cred_add_console_reads_back; do skip "$n" "script(1) not installed"; done
fi

ns /cred:list
expect "cred_list" 0 '^The command completed successfully\.$'
want_rows=$(printf '%s\n' '\*  +DOM\\bob' 'empty\.example +frank' 'pipe\.example +EX\\erin' 'srv +u' 'srvNoSlash +dave')
missing=""
while read -r row; do echo "$out" | grep -qE "^$row\$" || missing="$missing [$row]"; done <<<"$want_rows"
if [ -z "$missing" ] && echo "$out" | head -1 | grep -qE '^Target +User name$'; then pass "cred_list_rows"; else fail "cred_list_rows" "missing$missing in: $out"; fi

ns /cred:list /tab
tab=$(printf '*\tDOM\\bob\nempty.example\tfrank\npipe.example\tEX\\erin\nsrv\tu\nsrvNoSlash\tdave')
# (a console test may have added tty.example; compare without it)
got=$(echo "$out" | grep -v '^tty\.example	')
if [ $st = 0 ] && [ "$got" = "$tab" ]; then pass "cred_list_tab_sorted"; else fail "cred_list_tab_sorted" "got: $(echo "$out" | tr '\t\n' '|;')"; fi
keep

ns /cred:del '\\srv';            expect "cred_del" 0 '^The command completed successfully\.$'
check_cred "cred_del_removed" srv -absent
check_cred "cred_del_kept_others" '*' 'DOM\bob' 'Pässwörd-Ünï'
ns /cred:del '\\srv';            expect "cred_del_missing_1168" 144 "" '^System error 1168 has occurred\.$'
if echo "$errout" | sed -n 3p | grep -q .; then pass "cred_del_missing_error_text"; else fail "cred_del_missing_error_text" "no text on line 3: $errout"; fi
ns /cred:del '*';                expect "cred_del_default" 0 'completed successfully'
check_cred "cred_del_default_removed" '*' -absent

# ---- sessions against Wine's builtin netapi32 (no sessions) ----
ns '\\127.0.0.1'
if [ $st = 0 ] && [ "$out" = "There are no entries in the list." ]; then pass "list_empty_builtin"; else fail "list_empty_builtin" "status $st, '$out' $errout"; fi
ns
if [ $st = 0 ] && [ "$out" = "There are no entries in the list." ]; then pass "list_local_empty_builtin"; else fail "list_local_empty_builtin" "status $st, '$out' $errout"; fi
ns '\\127.0.0.1' /tab /level:10 /client:'\\c' /user:u
if [ $st = 0 ] && [ -z "$out" ]; then pass "list_tab_empty_builtin"; else fail "list_tab_empty_builtin" "status $st, '$out'"; fi

# ---- output formats, level fallback, resume loop and arguments, with a mock netapi32 ----
# winetests/netsess/mock_netapi32.c serves three canned sessions one per call
# (ERROR_MORE_DATA until the last); it logs every call to $MOCK_LOG.
M=$T/mock; mkdir -p "$M"
if x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -shared -o "$M/netapi32.dll" \
        "$ROOT/winetests/netsess/mock_netapi32.c" 2>"$T/mock.log" && cp "$EXE64" "$M/netsess.exe"; then
    export MOCK_LOG=$M/calls
    # mk ENV... -- ARGS: netsess from the mock's directory with netapi32=native
    mk() {
        local envs=()
        while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
        rm -f "$MOCK_LOG"
        (cd "$M" && env "${envs[@]}" WINEDLLOVERRIDES=netapi32=n wine netsess.exe "$@" >"$T/out" 2>"$T/err" </dev/null); st=$?
        out=$(tr -d '\r' <"$T/out"); errout=$(tr -d '\r' <"$T/err"); calls=$(tr -d '\r' <"$MOCK_LOG" 2>/dev/null)
        keep
    }
    mk -- '\\srv'
    want_table=$(cat <<'EOT'
Computer              User name            Client type     Opens    Active      Idle
------------------------------------------------------------------------------------
\\10.0.0.1            alice                Windows 10          2  01:02:05  00:00:59
\\10.0.0.2            bo?b?[31m??FAKE                          0 100:00:00  00:00:00
\\host-with-a-very-long-name EXAMPLE\carol        Samba           12345  00:00:00  23:59:59
The command completed successfully.
EOT
)
    if [ $st = 0 ] && [ "$out" = "$want_table" ]; then pass "mock_list_table_502"; else fail "mock_list_table_502" "status $st, got: $out"; fi
    want_calls=$(printf 'enum server=\\\\srv client=(null) user=(null) level=502 resume=%s\n' 0 1 2; echo "buffers allocated=3 freed=3")
    if [ "$calls" = "$want_calls" ]; then pass "mock_list_resume_loop_frees_buffers"; else fail "mock_list_resume_loop_frees_buffers" "$(echo "$calls" | tr '\n' ';')"; fi

    mk -- '\\srv' /tab
    want_tab=$(printf '\\\\10.0.0.1\talice\tWindows 10\t2\t01:02:05\t00:00:59\n\\\\10.0.0.2\tbo?b?[31m??FAKE\t\t0\t100:00:00\t00:00:00\n\\\\host-with-a-very-long-name\tEXAMPLE\\carol\tSamba\t12345\t00:00:00\t23:59:59')
    if [ $st = 0 ] && [ "$out" = "$want_tab" ]; then pass "mock_list_tab"; else fail "mock_list_tab" "got: $(echo "$out" | tr '\t\n' '|;')"; fi

    mk MOCK_LEVELS=1,0 -- '\\srv' /client:'\\x' /user:y /tab
    lv=$(echo "$calls" | grep -o 'level=[0-9]*' | tr '\n' ' ')
    if [ "$lv" = "level=502 level=10 level=1 level=1 level=1 " ] && echo "$calls" | head -1 | grep -qF 'client=\\x user=y'; then
        pass "mock_list_level_fallback_and_filters"; else fail "mock_list_level_fallback_and_filters" "$(echo "$calls" | tr '\n' ';')"; fi
    if [ "$(echo "$out" | head -1)" = "$(printf '\\\\10.0.0.1\talice\t-\t2\t01:02:05\t00:00:59')" ]; then pass "mock_list_level1_dash_for_missing"; else fail "mock_list_level1_dash_for_missing" "$(echo "$out" | head -1 | tr '\t' '|')"; fi

    mk MOCK_LEVELS=10 -- '\\srv' /tab
    if [ "$(echo "$out" | head -1)" = "$(printf '\\\\10.0.0.1\talice\t-\t-\t01:02:05\t00:00:59')" ]; then pass "mock_list_level10"; else fail "mock_list_level10" "$(echo "$out" | head -1 | tr '\t' '|')"; fi
    mk -- '\\srv' /level:0 /tab
    if [ "$(echo "$out" | head -1)" = "$(printf '\\\\10.0.0.1\t-\t-\t-\t-\t-')" ] && [ "$(echo "$calls" | grep -c 'level=0')" = 3 ]; then pass "mock_list_level0_exact"; else fail "mock_list_level0_exact" "$(echo "$out$calls" | tr '\t\n' '|;')"; fi

    mk MOCK_LEVELS=10 -- '\\srv' /level:502
    if [ $st = 124 ] && [ "$(echo "$calls" | grep -c enum)" = 1 ] && echo "$errout" | head -1 | grep -qx 'System error 124 has occurred.'; then
        pass "mock_list_explicit_level_no_fallback"; else fail "mock_list_explicit_level_no_fallback" "status $st $(echo "$calls$errout" | tr '\n' ';')"; fi

    mk MOCK_EMPTY=1 -- '\\srv'
    if [ $st = 0 ] && [ "$out" = "There are no entries in the list." ]; then pass "mock_list_empty"; else fail "mock_list_empty" "status $st, $out"; fi

    mk MOCK_ERR=53 -- '\\nohost'
    want_err=$(printf 'System error 53 has occurred.\n\n%s' "$(wine "$EXE64" /helpmsg:53 2>/dev/null | tr -d '\r')")
    if [ $st = 53 ] && [ "$errout" = "$want_err" ] && [ -z "$out" ]; then pass "mock_list_error_53"; else fail "mock_list_error_53" "status $st, $(echo "$errout" | tr '\n' ';')"; fi
    mk MOCK_ERR=2312 -- '\\srv'
    if [ $st = $((2312 & 255)) ] && echo "$errout" | grep -qx 'System error 2312 has occurred.' &&
       echo "$errout" | grep -qx 'A session does not exist with that computer name.'; then pass "mock_error_nerr_text"; else fail "mock_error_nerr_text" "status $st, $(echo "$errout" | tr '\n' ';')"; fi
    mk MOCK_ERR=2304 -- '\\srv'
    if [ $st = 1 ]; then pass "mock_error_multiple_of_256_exits_nonzero"; else fail "mock_error_multiple_of_256_exits_nonzero" "status $st"; fi

    mk -- '\\srv' '\\10.0.0.2' /user:bob
    want_block=$(cat <<'EOT'
Computer            \\10.0.0.2
User name           bo?b?[31m??FAKE
Guest logon         -
Client type         -
Transport           -
Opens               -
Active time         100:00:00
Idle time           00:00:00
The command completed successfully.
EOT
)
    if [ $st = 0 ] && [ "$out" = "$want_block" ] && [ "$(echo "$calls" | head -1)" = 'getinfo server=\\srv client=\\10.0.0.2 user=bob level=10' ]; then
        pass "mock_getinfo_block_level10"; else fail "mock_getinfo_block_level10" "status $st: $(echo "$out$calls" | tr '\n' ';')"; fi
    mk -- '\\srv' '\\10.0.0.2' /user:bob /level:2
    if [ $st = 0 ] && echo "$out" | grep -qx 'Guest logon         Yes' && echo "$out" | grep -qx 'Opens               0'; then pass "mock_getinfo_level2"; else fail "mock_getinfo_level2" "$(echo "$out" | tr '\n' ';')"; fi
    mk -- '\\srv' '\\10.0.0.1' /user:alice /level:502
    if [ $st = 124 ]; then pass "mock_getinfo_502_invalid_level"; else fail "mock_getinfo_502_invalid_level" "status $st"; fi
    mk -- '\\srv' '\\nobody' /user:x
    if [ $st = $((2312 & 255)) ] && echo "$errout" | grep -qx 'System error 2312 has occurred.'; then pass "mock_getinfo_not_found"; else fail "mock_getinfo_not_found" "status $st"; fi
    mk -- '\\srv' '\\10.0.0.1' /user:alice /tab
    if [ "$out" = "$(printf '\\\\10.0.0.1\talice\t-\t-\t01:02:05\t00:00:59')" ]; then pass "mock_getinfo_tab"; else fail "mock_getinfo_tab" "$(echo "$out" | tr '\t' '|')"; fi

    mk -- '\\srv' '\\c1' /delete
    if [ $st = 0 ] && [ "$out" = "The command completed successfully." ] && [ "$(echo "$calls" | head -1)" = 'del server=\\srv client=\\c1 user=(null)' ]; then
        pass "mock_delete_client"; else fail "mock_delete_client" "status $st $(echo "$out$calls" | tr '\n' ';')"; fi
    mk -- '\\srv' /user:u1 /d
    if [ $st = 0 ] && [ "$(echo "$calls" | head -1)" = 'del server=\\srv client=(null) user=u1' ]; then pass "mock_delete_user"; else fail "mock_delete_user" "$(echo "$calls" | tr '\n' ';')"; fi
    mk -- '\\srv' /client:'\\c2' /user:u2 /DELETE
    if [ $st = 0 ] && [ "$(echo "$calls" | head -1)" = 'del server=\\srv client=\\c2 user=u2' ]; then pass "mock_delete_both"; else fail "mock_delete_both" "$(echo "$calls" | tr '\n' ';')"; fi
    mk -- '\\srv' /delete
    if [ $st = 0 ] && [ "$(echo "$calls" | head -1)" = 'del server=\\srv client=(null) user=(null)' ]; then pass "mock_delete_all"; else fail "mock_delete_all" "$(echo "$calls" | tr '\n' ';')"; fi
    mk MOCK_ERR=5 -- '\\srv' '\\c1' /delete
    if [ $st = 5 ] && [ -z "$out" ] && echo "$errout" | grep -qx 'System error 5 has occurred.'; then pass "mock_delete_access_denied"; else fail "mock_delete_access_denied" "status $st"; fi
    unset MOCK_LOG
else
    fail "mock_build" "$(head -1 "$T/mock.log")"
fi

# ---- no password ever printed ----
leak=""
for pw in S3cret-Arg 'Pässwörd-Ünï' Piped-Pw Typed-Pw9 Y2; do grep -qF -- "$pw" "$ALL_OUTPUT" && leak="$leak $pw"; done
if [ -z "$leak" ]; then pass "no_password_in_output"; else fail "no_password_in_output" "printed:$leak"; fi

exit $rc
