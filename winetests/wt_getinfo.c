/* wt_getinfo.c -- NetSessionGetInfo checks, run under Wine by winetests/run.sh.
 *
 *   wt_getinfo full SERVER TRUTHFILE PREFIX
 *       for every (client, user) of the truth and levels 0/1/2/10: one entry
 *       equal to the truth, \\ on the client name, one NetApiBuffer block;
 *       level 502 -> ERROR_INVALID_LEVEL; NULL/empty client or user and NULL
 *       bufptr -> ERROR_INVALID_PARAMETER; no session from the client ->
 *       NERR_ClientNameNotFound; client known, user not -> NERR_UserNotFound.
 *   --real-cltype (after PREFIX): the server has level 2 itself (RAP-only
 *       server): cltype_name is the client's, not necessarily "".
 */
#include "wt_sess.h"

static wt_truth T;
static const char *P = "getinfo";

static void expect_err(const wchar_t *srv, const wchar_t *cl, const wchar_t *us, DWORD level, DWORD want,
                       const char *what)
{
    char name[256];
    LPBYTE buf = WT_SENTINEL;
    NET_API_STATUS st = NetSessionGetInfo((LPWSTR)srv, (LPWSTR)cl, (LPWSTR)us, level, &buf);
    snprintf(name, sizeof(name), "%s.%s", P, what);
    WT_CHECK(name, st == want && buf == NULL, "returned %lu %s (want %lu %s), bufptr %p", (unsigned long)st,
             wt_errname(st), (unsigned long)want, wt_errname(want), (void *)buf);
    if (st == 0 && buf && buf != WT_SENTINEL) NetApiBufferFree(buf);
}

int wmain(int argc, wchar_t **argv)
{
    static const DWORD levels[] = { 0, 1, 2, 10 };
    const wchar_t *srv;
    char tfile[512];
    static char prefix[128];
    int real_cltype = argc > 5 && wcscmp(argv[5], L"--real-cltype") == 0;
    int j;
    if (argc < 5 || wcscmp(argv[1], L"full") != 0) {
        fprintf(stderr, "usage: wt_getinfo full SERVER TRUTHFILE PREFIX [--real-cltype]\n");
        return 2;
    }
    srv = argv[2];
    snprintf(tfile, sizeof(tfile), "%s", wt_u8(argv[3]));
    snprintf(prefix, sizeof(prefix), "%s", wt_u8(argv[4]));
    P = prefix;
    if (wt_read_truth(tfile, &T) != 0 || T.ns == 0) {
        wt_fail("getinfo.truth", "cannot read %s", tfile);
        return 1;
    }
    for (j = 0; j < T.ns; j++) {
        wchar_t cl[160], *us, *c8;
        size_t i;
        int k, dup = 0;
        for (k = 0; k < j; k++) dup |= wt_ieq(T.s[k].cname, T.s[j].cname) && wt_ieq(T.s[k].user, T.s[j].user);
        if (dup) continue;
        c8 = wt_wdup(T.s[j].cname);
        swprintf(cl, 160, L"\\\\%ls", c8);
        free(c8);
        us = wt_wdup(T.s[j].user);
        for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
            char name[256];
            const char *why = NULL;
            LPBYTE buf = NULL;
            DWORD lv = levels[i];
            NET_API_STATUS st = NetSessionGetInfo((LPWSTR)srv, cl, us, lv, &buf);
            snprintf(name, sizeof(name), "%s.level%lu.%s.%s", P, (unsigned long)lv, T.s[j].cname, T.s[j].user);
            if (st != 0) { wt_fail(name, "returned %lu %s", (unsigned long)st, wt_errname(st)); continue; }
            if (!buf) { wt_fail(name, "success but bufptr NULL"); continue; }
            {   /* the entry equals one truth session of this (client, user) */
                wt_view v = wt_get(lv, buf, 0);
                int m, ok = 0;
                for (m = 0; m < T.ns && !ok; m++)
                    if (wt_ieq(T.s[m].cname, T.s[j].cname) && wt_ieq(T.s[m].user, T.s[j].user))
                        ok = wt_match(lv, &v, &T.s[m], 120);
                if (!ok) {
                    static char d[300];
                    wt_describe(lv, &v, d, sizeof(d));
                    why = d;
                }
                if (!why) why = wt_unc_ok(lv, buf, 1);
                if (!why) why = wt_block_ok(lv, buf, 1);
                if (!why && lv == 2 && !real_cltype) why = wt_derived_ok(lv, buf, 1);
            }
            WT_CHECK(name, !why, "%s", why);
            NetApiBufferFree(buf);
        }
        if (j == 0) {
            expect_err(srv, cl, us, 502, ERROR_INVALID_LEVEL, "level502_invalid");
            expect_err(srv, cl, us, 3, ERROR_INVALID_LEVEL, "level3_invalid");
            expect_err(srv, NULL, us, 10, ERROR_INVALID_PARAMETER, "null_client");
            expect_err(srv, L"", us, 10, ERROR_INVALID_PARAMETER, "empty_client");
            expect_err(srv, cl, NULL, 10, ERROR_INVALID_PARAMETER, "null_user");
            expect_err(srv, cl, L"", 10, ERROR_INVALID_PARAMETER, "empty_user");
            expect_err(srv, L"\\\\192.0.2.77", us, 10, NERR_ClientNameNotFound, "nomatch_client");
            expect_err(srv, cl, L"nosuchuser", 10, NERR_UserNotFound, "nomatch_user_on_known_client");
            {
                char name[256];
                NET_API_STATUS st = NetSessionGetInfo((LPWSTR)srv, cl, us, 10, NULL);
                snprintf(name, sizeof(name), "%s.null_bufptr", P);
                WT_CHECK(name, st == ERROR_INVALID_PARAMETER, "returned %lu %s", (unsigned long)st, wt_errname(st));
            }
        }
        free(us);
    }
    return wt_summary("wt_getinfo");
}
