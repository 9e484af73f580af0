/* wt_large.c -- NetSessionEnum of a server with many sessions (hundreds to
 * a thousand and more), run under Wine by winetests/smb1/large.sh.
 *
 *   wt_large whole SERVER TRUTHFILE LEVEL PREFMAXLEN PREFIX
 *        the walk with a resume handle, pages of PREFMAXLEN bytes
 *        (MAX_PREFERRED_LENGTH: "max"): every page but the last
 *        ERROR_MORE_DATA, the last NERR_Success, and all entries together
 *        are exactly the sessions of the truth (client and, where the
 *        level has it, user), each once, plus the caller's own session(s).
 *   wt_large cut SERVER TRUTHFILE LEVEL PREFIX
 *        a list longer than the server can send (RAP: 64 KiB): one call
 *        with MAX_PREFERRED_LENGTH gives ERROR_MORE_DATA, entries that are
 *        all in the truth (none twice), totalentries counting every
 *        session; the call with its resume handle ends the walk
 *        (NERR_Success, no entries).
 *
 * TRUTHFILE: one "user client-ip" line per session (smbstatus -b, taken
 * just before).  The caller's own session (user OWNUSER = NETAPI32_USER,
 * from the server's own address) is not in it: one or two are accepted (a
 * previous call's session may still be closing).  Check names: PREFIX.<what>.
 */
#include "wt_sess.h"

#define MAXT 4096

static struct { char user[64], ip[64]; int used; } T[MAXT];
static int NT;
static const char *P = "large";
static char OWN_USER[64], SRV_IP[64];

static const char *nm(const char *what) { return wt_name(P, what); }

static int read_truth(const char *path)
{
    char line[256];
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    while (fgets(line, sizeof(line), f) && NT < MAXT)
        if (sscanf(line, "%63s %63s", T[NT].user, T[NT].ip) == 2) NT++;
    fclose(f);
    return 0;
}

/* Marks the truth session entry v is; 1 = matched, 2 = our own, 0 = neither. */
static int take(const wt_view *v)
{
    const char *c = wt_strip_unc(v->cname);
    char cn[64];
    int j;
    snprintf(cn, sizeof(cn), "%s", c);
    for (j = 0; j < NT; j++)
        if (!T[j].used && wt_ieq(T[j].ip, cn) && (!v->has_user || wt_ieq(T[j].user, wt_u8(v->user)))) {
            T[j].used = 1;
            return 1;
        }
    if (wt_ieq(cn, SRV_IP) && (!v->has_user || wt_ieq(wt_u8(v->user), OWN_USER))) return 2;
    return 0;
}

/* Takes the n entries of buf; returns the number not in the truth and adds
 * our own sessions to *own; the first stranger described in why. */
static int take_all(DWORD level, const BYTE *buf, DWORD n, int *own, char *why, size_t cap)
{
    DWORD i;
    int bad = 0;
    for (i = 0; i < n; i++) {
        wt_view v = wt_get(level, buf, i);
        int t = v.cname ? take(&v) : 0;
        if (t == 2) (*own)++;
        if (t == 0 && bad++ == 0)
            snprintf(why, cap, "entry %lu {%s %s} is not in the truth (or seen twice)", (unsigned long)i,
                     v.cname ? wt_u8(v.cname) : "(null)", v.has_user && v.user ? wt_u8(v.user) : "-");
    }
    return bad;
}

static int unused(char *why, size_t cap)
{
    int j, k = 0;
    for (j = 0; j < NT; j++)
        if (!T[j].used && k++ == 0) snprintf(why, cap, "session {%s %s} of the truth not listed", T[j].ip, T[j].user);
    return k;
}

static void whole(const wchar_t *srv, DWORD level, DWORD pref)
{
    DWORD rh = 0, calls = 0, got = 0, er, te, first_te = 0;
    NET_API_STATUS st;
    int own = 0, bad = 0, order = 0, j;
    char why[300] = "", why2[300] = "";
    for (j = 0; j < NT; j++) T[j].used = 0;
    do {
        LPBYTE buf = NULL;
        er = te = 0;
        st = NetSessionEnum((LPWSTR)srv, NULL, NULL, level, &buf, pref, &er, &te, &rh);
        calls++;
        if (calls == 1) first_te = te;
        if (st == 0 || st == ERROR_MORE_DATA) {
            const char *b = wt_block_ok(level, buf, er);
            if (b && !bad++) snprintf(why, sizeof(why), "page %lu: %s", (unsigned long)calls, b);
            bad += take_all(level, buf, er, &own, why[0] ? why2 : why, sizeof(why));
            got += er;
            if (st == ERROR_MORE_DATA && (er == 0 || rh == 0)) order = 1;
            if (buf) NetApiBufferFree(buf);
        }
    } while (st == ERROR_MORE_DATA && calls < 2u * MAXT);
    WT_CHECK(nm("status"), st == 0 && !order, "last call %lu %s after %lu calls%s", (unsigned long)st,
             wt_errname(st), (unsigned long)calls, order ? " (a MORE_DATA page without entries or handle)" : "");
    WT_CHECK(nm("every_entry_in_truth"), bad == 0, "%d strangers: %s", bad, why);
    bad = unused(why, sizeof(why));
    WT_CHECK(nm("every_truth_session_listed"), bad == 0, "%d missing of %d: %s", bad, NT, why);
    WT_CHECK(nm("own_session"), own >= 1 && own <= 2, "%d own sessions", own);
    WT_CHECK(nm("counts"), got == (DWORD)(NT + own) && first_te == got, "%lu entries in %lu calls, first totalentries %lu, truth %d + own %d",
             (unsigned long)got, (unsigned long)calls, (unsigned long)first_te, NT, own);
    if (pref != MAX_PREFERRED_LENGTH)
        WT_CHECK(nm("paged"), calls >= 2, "%lu entries in only %lu call(s) at prefmaxlen %lu", (unsigned long)got,
                 (unsigned long)calls, (unsigned long)pref);
    printf("INFO: %s: %lu entries in %lu calls\n", P, (unsigned long)got, (unsigned long)calls);
}

static void cut(const wchar_t *srv, DWORD level)
{
    LPBYTE buf = NULL;
    DWORD er = 0, te = 0, rh = 0;
    int own = 0, bad, j;
    char why[300] = "";
    for (j = 0; j < NT; j++) T[j].used = 0;
    NET_API_STATUS st = NetSessionEnum((LPWSTR)srv, NULL, NULL, level, &buf, MAX_PREFERRED_LENGTH, &er, &te, &rh);
    WT_CHECK(nm("more_data"), st == ERROR_MORE_DATA && buf && er > 0 && er < te && rh != 0,
             "returned %lu %s entries %lu total %lu resume %lu", (unsigned long)st, wt_errname(st),
             (unsigned long)er, (unsigned long)te, (unsigned long)rh);
    if (st != ERROR_MORE_DATA && st != 0) return;
    const char *b = wt_block_ok(level, buf, er);
    WT_CHECK(nm("single_block"), !b, "%s", b);
    bad = take_all(level, buf, er, &own, why, sizeof(why));
    WT_CHECK(nm("entries_in_truth"), bad == 0, "%d strangers: %s", bad, why);
    WT_CHECK(nm("totalentries"), te >= (DWORD)NT + 1 && te <= (DWORD)NT + 2, "totalentries %lu, truth %d + own",
             (unsigned long)te, NT);
    printf("INFO: %s: %lu of %lu entries\n", P, (unsigned long)er, (unsigned long)te);
    if (buf) NetApiBufferFree(buf);
    buf = NULL;
    er = te = 0x77;
    st = NetSessionEnum((LPWSTR)srv, NULL, NULL, level, &buf, MAX_PREFERRED_LENGTH, &er, &te, &rh);
    WT_CHECK(nm("resume_ends_walk"), st == 0 && er == 0 && rh == 0, "returned %lu %s entries %lu resume %lu",
             (unsigned long)st, wt_errname(st), (unsigned long)er, (unsigned long)rh);
    if (buf) NetApiBufferFree(buf);
}

int wmain(int argc, wchar_t **argv)
{
    const char *own = getenv("NETAPI32_USER");
    if (argc < 6) {
        fprintf(stderr, "usage: wt_large whole SERVER TRUTH LEVEL PREFMAXLEN PREFIX | cut SERVER TRUTH LEVEL PREFIX\n");
        return 2;
    }
    snprintf(OWN_USER, sizeof(OWN_USER), "%s", own ? own : "");
    snprintf(SRV_IP, sizeof(SRV_IP), "%s", wt_strip_unc(argv[2]));
    P = _strdup(wt_u8(argv[argc - 1]));
    if (read_truth(wt_u8(argv[3])) != 0 || NT == 0) {
        wt_fail(nm("truth"), "cannot read %s", wt_u8(argv[3]));
        return 1;
    }
    if (wcscmp(argv[1], L"whole") == 0 && argc == 7)
        whole(argv[2], (DWORD)_wtoi(argv[4]), wcscmp(argv[5], L"max") == 0 ? MAX_PREFERRED_LENGTH : (DWORD)_wtoi(argv[5]));
    else if (wcscmp(argv[1], L"cut") == 0 && argc == 6)
        cut(argv[2], (DWORD)_wtoi(argv[4]));
    else
        wt_fail(nm("usage"), "unknown mode");
    return wt_summary("wt_large");
}
