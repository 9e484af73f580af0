/* wt_enum.c -- NetSessionEnum checks, run under Wine by winetests/run.sh.
 *
 *   wt_enum full   SERVER TRUTHFILE PREFIX [--derived]
 *        every level equals the truth, \\ on client names, single block,
 *        client/user filters, filters matching nothing, paging (prefmaxlen 1
 *        and 200, every entry exactly once), MAX_PREFERRED_LENGTH.
 *        --derived: the server lacks levels 2/502, so cltype_name and
 *        transport must be empty strings.
 *   wt_enum expect SERVER LEVEL CLIENT USER CODE NAME
 *        one call; PASS when it returns CODE; on failure *bufptr must be
 *        NULL and the counts 0.  CLIENT/USER: "-" = NULL, "EMPTY" = L"".
 *   wt_enum args   UNREACHABLE_SERVER
 *        argument errors (bad levels -> 124 without network traffic, NULL
 *        out pointers -> 87).
 *
 * Check names are printed as PREFIX.<what>.
 */
#include "wt_sess.h"

static wt_truth T;
static const char *P = "enum";

static const char *nm(const char *what) { return wt_name(P, what); }

static NET_API_STATUS call(const wchar_t *srv, const wchar_t *cl, const wchar_t *us, DWORD level,
                           LPBYTE *buf, DWORD pref, DWORD *er, DWORD *te, DWORD *rh)
{
    *buf = NULL; *er = 0x77; *te = 0x77;
    return NetSessionEnum((LPWSTR)srv, (LPWSTR)cl, (LPWSTR)us, level, buf, pref, er, te, rh);
}

static void check_level(const wchar_t *srv, DWORD level, int derived)
{
    LPBYTE buf = NULL;
    DWORD er, te, rh = 0;
    char what[64];
    const char *why;
    NET_API_STATUS st = call(srv, NULL, NULL, level, &buf, MAX_PREFERRED_LENGTH, &er, &te, &rh);

    snprintf(what, sizeof(what), "level%lu.status", (unsigned long)level);
    if (st != NERR_Success) {
        wt_fail(nm(what), "returned %lu %s", (unsigned long)st, wt_errname(st));
        snprintf(what, sizeof(what), "level%lu.truth", (unsigned long)level);
        wt_fail(nm(what), "no result to compare");
        if (buf) NetApiBufferFree(buf);
        return;
    }
    wt_pass(nm(what));
    if (!buf || er > 4096 || er != te) {
        /* nothing trustworthy to inspect (e.g. a stub that leaves the outputs alone) */
        static const char *rest[] = { "counts", "truth", "unc_prefix", "single_block" };
        size_t k;
        for (k = 0; k < sizeof(rest) / sizeof(rest[0]); k++) {
            snprintf(what, sizeof(what), "level%lu.%s", (unsigned long)level, rest[k]);
            wt_fail(nm(what), "success but bufptr %p entriesread %lu totalentries %lu", (void *)buf,
                    (unsigned long)er, (unsigned long)te);
        }
        if (buf) NetApiBufferFree(buf);
        return;
    }
    snprintf(what, sizeof(what), "level%lu.counts", (unsigned long)level);
    WT_CHECK(nm(what), er == te && (int)er == T.ns, "entriesread %lu totalentries %lu truth %d",
             (unsigned long)er, (unsigned long)te, T.ns);
    snprintf(what, sizeof(what), "level%lu.truth", (unsigned long)level);
    why = wt_equal_truth(level, buf, er, &T, NULL, NULL);
    WT_CHECK(nm(what), !why, "%s", why);
    snprintf(what, sizeof(what), "level%lu.unc_prefix", (unsigned long)level);
    why = wt_unc_ok(level, buf, er);
    WT_CHECK(nm(what), !why && er > 0, "%s", why ? why : "no entries");
    snprintf(what, sizeof(what), "level%lu.single_block", (unsigned long)level);
    why = wt_block_ok(level, buf, er);
    WT_CHECK(nm(what), !why && er > 0, "%s", why ? why : "no entries");
    if (derived && (level == 2 || level == 502)) {
        snprintf(what, sizeof(what), "level%lu.derived_empty_strings", (unsigned long)level);
        why = wt_derived_ok(level, buf, er);
        WT_CHECK(nm(what), !why && er > 0, "%s", why ? why : "no entries");
    }
    if ((level == 1 || level == 10) && T.nu > 0) {
        /* the server's own view (smbstatus -b): same (user, client) pairs */
        int used[WT_MAXS] = {0}, ok = (int)er == T.nu, j;
        DWORD i;
        for (i = 0; ok && i < er; i++) {
            wt_view v = wt_get(level, buf, i);
            int f = 0;
            for (j = 0; j < T.nu && !f; j++)
                if (!used[j] && wt_ieq(wt_u8(v.user), T.uuser[j]) && wt_ieq(wt_strip_unc(v.cname), T.uip[j]))
                    used[j] = f = 1;
            ok = f;
        }
        snprintf(what, sizeof(what), "level%lu.smbstatus", (unsigned long)level);
        WT_CHECK(nm(what), ok, "%lu entries do not equal the %d smbstatus sessions", (unsigned long)er, T.nu);
    }
    if (buf) {
        snprintf(what, sizeof(what), "level%lu.free", (unsigned long)level);
        st = NetApiBufferFree(buf);
        WT_CHECK(nm(what), st == 0, "NetApiBufferFree -> %lu", (unsigned long)st);
    }
}

static void check_filter(const wchar_t *srv, const char *client, const char *user, const char *what)
{
    LPBYTE buf = NULL;
    DWORD er, te;
    wchar_t wc[160] = L"", *wu = NULL;
    const char *why;
    NET_API_STATUS st;
    if (client) { wchar_t *t = wt_wdup(client); swprintf(wc, 160, L"\\\\%ls", t); free(t); }
    if (user) wu = wt_wdup(user);
    st = call(srv, client ? wc : NULL, wu, 1, &buf, MAX_PREFERRED_LENGTH, &er, &te, NULL);
    if (st != 0) wt_fail(nm(what), "returned %lu %s", (unsigned long)st, wt_errname(st));
    else if (!buf || er > 4096) wt_fail(nm(what), "success but bufptr %p entriesread %lu", (void *)buf, (unsigned long)er);
    else {
        why = wt_equal_truth(1, buf, er, &T, client, user);
        WT_CHECK(nm(what), !why && er > 0, "%s", why ? why : "no entries");
    }
    if (buf) NetApiBufferFree(buf);
    free(wu);
}

static void check_nomatch(const wchar_t *srv, const wchar_t *cl, const wchar_t *us, DWORD want, const char *what)
{
    LPBYTE buf = WT_SENTINEL;
    DWORD er = 0x77, te = 0x77;
    NET_API_STATUS st = NetSessionEnum((LPWSTR)srv, (LPWSTR)cl, (LPWSTR)us, 1, &buf, MAX_PREFERRED_LENGTH, &er, &te, NULL);
    WT_CHECK(nm(what), st == want && buf == NULL && er == 0 && te == 0,
             "returned %lu %s (want %lu %s), bufptr %p, counts %lu/%lu", (unsigned long)st, wt_errname(st),
             (unsigned long)want, wt_errname(want), (void *)buf, (unsigned long)er, (unsigned long)te);
    if (st == 0 && buf && buf != WT_SENTINEL) NetApiBufferFree(buf);
}

/* Walk with the resume handle: every truth entry exactly once. */
static void check_paging(const wchar_t *srv, DWORD level, DWORD pref, const char *what)
{
    DWORD rh = 0, er, te, calls = 0, got = 0, i;
    NET_API_STATUS st;
    int j, bad = 0;
    char why[512] = "";
    for (j = 0; j < T.ns; j++) T.s[j].used = 0;
    do {
        LPBYTE buf = NULL;
        st = call(srv, NULL, NULL, level, &buf, pref, &er, &te, &rh);
        calls++;
        if (st != 0 && st != ERROR_MORE_DATA) {
            snprintf(why, sizeof(why), "call %lu returned %lu %s", (unsigned long)calls, (unsigned long)st, wt_errname(st));
            bad = 1;
        } else if (!buf || er > 4096) {
            snprintf(why, sizeof(why), "call %lu: success but bufptr %p entriesread %lu", (unsigned long)calls,
                     (void *)buf, (unsigned long)er);
            buf = NULL;
            bad = 1;
        } else if (er == 0 && (st == ERROR_MORE_DATA || got == 0)) {
            snprintf(why, sizeof(why), "call %lu returned %lu with no entries", (unsigned long)calls, (unsigned long)st);
            bad = 1;
        } else {
            const char *bw = wt_block_ok(level, buf, er);
            if (bw) { snprintf(why, sizeof(why), "call %lu: %s", (unsigned long)calls, bw); bad = 1; }
            for (i = 0; !bad && i < er; i++) {
                wt_view v = wt_get(level, buf, i);
                int f = 0;
                for (j = 0; j < T.ns && !f; j++)
                    if (!T.s[j].used && wt_match(level, &v, &T.s[j], 120)) T.s[j].used = f = 1;
                if (!f) {
                    char d[256];
                    wt_describe(level, &v, d, sizeof(d));
                    snprintf(why, sizeof(why), "call %lu entry %s not in truth or seen twice", (unsigned long)calls, d);
                    bad = 1;
                }
            }
            got += er;
            if (pref == 1 && er != 1 && st == ERROR_MORE_DATA) {
                snprintf(why, sizeof(why), "prefmaxlen 1 gave %lu entries in one call", (unsigned long)er);
                bad = 1;
            }
        }
        if (buf) NetApiBufferFree(buf);
    } while (!bad && st == ERROR_MORE_DATA && calls < (DWORD)T.ns + 5);
    if (!bad && st == ERROR_MORE_DATA) { snprintf(why, sizeof(why), "still ERROR_MORE_DATA after %lu calls", (unsigned long)calls); bad = 1; }
    if (!bad && (int)got != T.ns) { snprintf(why, sizeof(why), "walk returned %lu entries, truth has %d", (unsigned long)got, T.ns); bad = 1; }
    if (!bad && pref == 1 && T.ns > 1 && calls < (DWORD)T.ns) { snprintf(why, sizeof(why), "only %lu calls for %d entries", (unsigned long)calls, T.ns); bad = 1; }
    WT_CHECK(nm(what), !bad, "%s", why);
}

static int do_full(const wchar_t *srv, const char *truthfile, int derived)
{
    static const DWORD levels[] = { 0, 1, 2, 10, 502 };
    size_t i;
    int j;
    if (wt_read_truth(truthfile, &T) != 0 || T.ns == 0) {
        wt_fail(nm("truth"), "cannot read truth file %s", truthfile);
        return 1;
    }
    for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) check_level(srv, levels[i], derived);

    /* filters: one check per distinct user and client of the truth */
    for (j = 0; j < T.ns; j++) {
        int k, dup = 0;
        char what[200];
        for (k = 0; k < j; k++) dup |= wt_ieq(T.s[k].user, T.s[j].user);
        if (!dup) { snprintf(what, sizeof(what), "filter.user.%s", T.s[j].user); check_filter(srv, NULL, T.s[j].user, what); }
        dup = 0;
        for (k = 0; k < j; k++) dup |= wt_ieq(T.s[k].cname, T.s[j].cname);
        if (!dup) { snprintf(what, sizeof(what), "filter.client.%s", T.s[j].cname); check_filter(srv, T.s[j].cname, NULL, what); }
        snprintf(what, sizeof(what), "filter.both.%s.%s", T.s[j].cname, T.s[j].user);
        dup = 0;
        for (k = 0; k < j; k++) dup |= wt_ieq(T.s[k].user, T.s[j].user) && wt_ieq(T.s[k].cname, T.s[j].cname);
        if (!dup) check_filter(srv, T.s[j].cname, T.s[j].user, what);
    }
    {
        wchar_t known[160];
        wchar_t *kc = wt_wdup(T.s[0].cname);
        swprintf(known, 160, L"\\\\%ls", kc);
        free(kc);
        check_nomatch(srv, L"\\\\192.0.2.77", NULL, NERR_ClientNameNotFound, "filter.nomatch.client");
        check_nomatch(srv, L"\\\\192.0.2.77", L"ntsuser1", NERR_ClientNameNotFound, "filter.nomatch.client_and_user");
        check_nomatch(srv, NULL, L"nosuchuser", NERR_UserNotFound, "filter.nomatch.user");
        check_nomatch(srv, known, L"nosuchuser", NERR_UserNotFound, "filter.nomatch.user_on_known_client");
    }
    /* empty filter strings mean NULL */
    {
        LPBYTE buf = NULL;
        DWORD er, te;
        NET_API_STATUS st = call(srv, L"", L"", 1, &buf, MAX_PREFERRED_LENGTH, &er, &te, NULL);
        WT_CHECK(nm("filter.empty_strings_mean_null"), st == 0 && buf && (int)er == T.ns,
                 "returned %lu %s with %lu entries (truth %d)", (unsigned long)st, wt_errname(st), (unsigned long)er, T.ns);
        if (buf) NetApiBufferFree(buf);
    }
    {   /* a filter with a lone surrogate names no session: not sent (Samba
         * would fault 1783), it matches nothing: the normal "not found" codes */
        static const wchar_t badc[] = {L'\\', L'\\', L'x', 0xD800, 0};
        static const wchar_t badu[] = {L'u', 0xDC00, 0};
        LPBYTE buf = NULL;
        DWORD er, te;
        NET_API_STATUS st = call(srv, badc, NULL, 10, &buf, MAX_PREFERRED_LENGTH, &er, &te, NULL);
        WT_CHECK(nm("filter.lone_surrogate_client"), st == NERR_ClientNameNotFound && !buf && er == 0 && te == 0,
                 "returned %lu %s, bufptr %p counts %lu/%lu", (unsigned long)st, wt_errname(st), (void *)buf,
                 (unsigned long)er, (unsigned long)te);
        st = call(srv, NULL, badu, 1, &buf, MAX_PREFERRED_LENGTH, &er, &te, NULL);
        WT_CHECK(nm("filter.lone_surrogate_user"), st == NERR_UserNotFound && !buf && er == 0 && te == 0,
                 "returned %lu %s, bufptr %p counts %lu/%lu", (unsigned long)st, wt_errname(st), (void *)buf,
                 (unsigned long)er, (unsigned long)te);
    }
    check_paging(srv, 1, 1, "paging.prefmaxlen1.level1");
    check_paging(srv, 10, 1, "paging.prefmaxlen1.level10");
    check_paging(srv, 1, 200, "paging.prefmaxlen200.level1");
    check_paging(srv, 502, 200, "paging.prefmaxlen200.level502");
    check_paging(srv, 0, MAX_PREFERRED_LENGTH, "paging.max_preferred_length");
    {   /* prefmaxlen 1 without a resume handle: at least one entry, status 0 or MORE_DATA */
        LPBYTE buf = NULL;
        DWORD er, te;
        NET_API_STATUS st = call(srv, NULL, NULL, 1, &buf, 1, &er, &te, NULL);
        WT_CHECK(nm("paging.null_resume_handle"), (st == 0 || st == ERROR_MORE_DATA) && buf && er >= 1 && er < 4096 && te >= er,
                 "returned %lu %s entries %lu total %lu", (unsigned long)st, wt_errname(st), (unsigned long)er, (unsigned long)te);
        if (buf && er < 4096) NetApiBufferFree(buf);
    }
    return 0;
}

static void expect(const wchar_t *srv, DWORD level, const wchar_t *cl, const wchar_t *us, DWORD want, const char *name)
{
    LPBYTE buf = WT_SENTINEL;
    DWORD er = 0x77, te = 0x77, t0 = GetTickCount(), ms;
    NET_API_STATUS st = NetSessionEnum((LPWSTR)srv, (LPWSTR)cl, (LPWSTR)us, level, &buf, MAX_PREFERRED_LENGTH, &er, &te, NULL);
    ms = GetTickCount() - t0;
    if (st != want)
        wt_fail(name, "returned %lu %s, want %lu %s (%lu ms)", (unsigned long)st, wt_errname(st),
                (unsigned long)want, wt_errname(want), (unsigned long)ms);
    else if (st == 0 && (buf == NULL || buf == WT_SENTINEL || er == 0 || er > 4096 || er != te))
        wt_fail(name, "success but bufptr %p counts %lu/%lu (the servers always have sessions)",
                (void *)buf, (unsigned long)er, (unsigned long)te);
    else if (st != 0 && st != ERROR_MORE_DATA && (buf != NULL || er != 0 || te != 0))
        wt_fail(name, "failed with %lu but bufptr %p counts %lu/%lu (want NULL, 0, 0)", (unsigned long)st,
                (void *)buf, (unsigned long)er, (unsigned long)te);
    else
        wt_pass(name);
    if ((st == 0 || st == ERROR_MORE_DATA) && buf && buf != WT_SENTINEL) NetApiBufferFree(buf);
}

static void do_args(const wchar_t *unreach)
{
    static const DWORD bad[] = { 3, 11, 100, 501, 503, 0xFFFFFFFFu };
    size_t i;
    LPBYTE buf;
    DWORD er, te;
    NET_API_STATUS st;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char name[96];
        DWORD t0 = GetTickCount(), ms;
        buf = WT_SENTINEL; er = te = 0x77;
        /* the server is unreachable: answering 124 quickly proves no traffic */
        st = NetSessionEnum((LPWSTR)unreach, NULL, NULL, bad[i], &buf, MAX_PREFERRED_LENGTH, &er, &te, NULL);
        ms = GetTickCount() - t0;
        snprintf(name, sizeof(name), "%s.bad_level.%lu", P, (unsigned long)bad[i]);
        WT_CHECK(name, st == ERROR_INVALID_LEVEL && buf == NULL && er == 0 && te == 0 && ms < 1000,
                 "returned %lu %s in %lu ms, bufptr %p counts %lu/%lu", (unsigned long)st, wt_errname(st),
                 (unsigned long)ms, (void *)buf, (unsigned long)er, (unsigned long)te);
    }
    {   /* resume handles this DLL never issued: 87 before any traffic */
        static const DWORD bogus[] = { 0xDEADBEEFu, 0xFFFFFFFFu, 0x80000000u, 5u };
        for (i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
            char name[96];
            DWORD t0 = GetTickCount(), ms, rh = bogus[i];
            buf = WT_SENTINEL; er = te = 0x77;
            st = NetSessionEnum((LPWSTR)unreach, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er, &te, &rh);
            ms = GetTickCount() - t0;
            snprintf(name, sizeof(name), "%s.bad_resume_handle.0x%08lx", P, (unsigned long)bogus[i]);
            WT_CHECK(name, st == ERROR_INVALID_PARAMETER && buf == NULL && er == 0 && te == 0 && ms < 1000,
                     "returned %lu %s in %lu ms, bufptr %p counts %lu/%lu", (unsigned long)st, wt_errname(st),
                     (unsigned long)ms, (void *)buf, (unsigned long)er, (unsigned long)te);
        }
    }
    er = te = 0x77;
    st = NetSessionEnum((LPWSTR)unreach, NULL, NULL, 1, NULL, MAX_PREFERRED_LENGTH, &er, &te, NULL);
    WT_CHECK(nm("null_bufptr"), st == ERROR_INVALID_PARAMETER && er == 0 && te == 0,
             "returned %lu %s counts %lu/%lu", (unsigned long)st, wt_errname(st), (unsigned long)er, (unsigned long)te);
    buf = WT_SENTINEL; te = 0x77;
    st = NetSessionEnum((LPWSTR)unreach, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, NULL, &te, NULL);
    WT_CHECK(nm("null_entriesread"), st == ERROR_INVALID_PARAMETER && buf == NULL && te == 0,
             "returned %lu %s bufptr %p total %lu", (unsigned long)st, wt_errname(st), (void *)buf, (unsigned long)te);
    buf = WT_SENTINEL; er = 0x77;
    st = NetSessionEnum((LPWSTR)unreach, NULL, NULL, 1, &buf, MAX_PREFERRED_LENGTH, &er, NULL, NULL);
    WT_CHECK(nm("null_totalentries"), st == ERROR_INVALID_PARAMETER && buf == NULL && er == 0,
             "returned %lu %s bufptr %p read %lu", (unsigned long)st, wt_errname(st), (void *)buf, (unsigned long)er);
    /* a bad level wins over nothing: NULL out pointer with a valid level is 87, bad level with NULLs is one of 87/124 */
    st = NetSessionEnum((LPWSTR)unreach, NULL, NULL, 1, NULL, MAX_PREFERRED_LENGTH, NULL, NULL, NULL);
    WT_CHECK(nm("all_null_out"), st == ERROR_INVALID_PARAMETER, "returned %lu %s", (unsigned long)st, wt_errname(st));
}

int wmain(int argc, wchar_t **argv)
{
    if (argc >= 5 && wcscmp(argv[1], L"full") == 0) {
        char *tf = (char *)wt_u8(argv[3]);
        char tfile[512];
        static char prefix[128];
        snprintf(tfile, sizeof(tfile), "%s", tf);
        snprintf(prefix, sizeof(prefix), "%s", wt_u8(argv[4]));
        P = prefix;
        do_full(argv[2], tfile, argc >= 6 && wcscmp(argv[5], L"--derived") == 0);
    } else if (argc >= 8 && wcscmp(argv[1], L"expect") == 0) {
        char name[256];
        snprintf(name, sizeof(name), "%s", wt_u8(argv[7]));
        expect(wt_arg(argv[2]), (DWORD)wcstoul(argv[3], NULL, 10), wt_arg(argv[4]), wt_arg(argv[5]),
               (DWORD)wcstoul(argv[6], NULL, 10), name);
    } else if (argc >= 3 && wcscmp(argv[1], L"args") == 0) {
        do_args(argv[2]);
    } else {
        fprintf(stderr, "usage: wt_enum full SERVER TRUTHFILE PREFIX [--derived]\n"
                        "       wt_enum expect SERVER LEVEL CLIENT USER CODE NAME\n"
                        "       wt_enum args UNREACHABLE_SERVER\n");
        return 2;
    }
    return wt_summary("wt_enum");
}
