# winetests/getinfo.sh -- issue 3 NetSessionGetInfo checks; sourced by winetests/run.sh
# (uses its helpers and variables: wt, wine_cmd, S1, SRC2, TRUTH1, BIN, LOG, ADMIN_ENV).
GETINFO="$BIN/winetests/wt_getinfo.exe"
wt getinfo.s1 120 "${ADMIN_ENV[@]}" "$GETINFO" full "\\\\$S1" "$TRUTH1" getinfo
wt getinfo.signing 120 "${ADMIN_ENV[@]}" "$GETINFO" full "\\\\$S2" "$TRUTH2" getinfo.signing

# seed sample 004, unchanged: the session of ntsuser1 from $SRC2
out=$(wine_cmd 60 "${ADMIN_ENV[@]}" "$BIN/seeds/getinfo_004.exe" "\\\\$S1" "\\\\$SRC2" "$SAMBA_USER1" 2>"$LOG/seed004.stderr" | tr -d '\r')
printf '%s\n' "$out" > "$LOG/seed004.stdout"
if printf '%s\n' "$out" | grep -q "Client: \\\\\\\\$SRC2\$" && printf '%s\n' "$out" | grep -q "User: *$SAMBA_USER1\$"; then
    pass "seed004.shows_the_session"
else
    fail "seed004.shows_the_session" "stdout [$(echo $out)] stderr [$(tr -d '\r' < "$LOG/seed004.stderr" | head -c 200)]"
fi
wine_cmd 60 "${ADMIN_ENV[@]}" "$BIN/seeds/getinfo_004.exe" "\\\\$S1" '\\192.0.2.77' "$SAMBA_USER1" >/dev/null 2>"$LOG/seed004.nomatch.stderr"
if tr -d '\r' < "$LOG/seed004.nomatch.stderr" | grep -q 'A system error has occurred: 2312'; then
    pass "seed004.no_session_2312"
else
    fail "seed004.no_session_2312" "stderr [$(tr -d '\r' < "$LOG/seed004.nomatch.stderr" | head -c 200)]"
fi
