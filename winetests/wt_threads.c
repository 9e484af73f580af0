/* wt_threads.c -- NetSessionEnum from several threads at once, under Wine
 * (winetests/parts.sh part_threads).  An ordinary Windows client: <lm.h>
 * and MinGW's own -lnetapi32.
 *
 *   wt_threads SERVER THREADS CALLS PREFIX
 *
 * One call alone first: the list (client, user) every later call must
 * return.  Then THREADS threads make CALLS calls each, at levels 10 and 1
 * by turns, all started together: every call succeeds, and returns exactly
 * that list (an answer handed to the wrong call, or cut, or mixed with
 * another, fails).  How many connections the DLL opened and how many calls
 * shared one are the harness's to check, from the DLL's trace.
 * Check names: PREFIX.<what>.
 */
#include "lib/wt.h"

#define MAXE 64

typedef struct {
    wchar_t cname[128], user[128];
} entry;

static const wchar_t *g_server;
static entry g_want[MAXE];
static int g_nwant;
static int g_calls;
static volatile LONG g_bad, g_failed, g_done;
static char g_why[256];
static HANDLE g_go;
static char g_prefix[64] = "threads";

static const char *nm(const char *what) { return wt_name(g_prefix, what); }

/* One enumeration; its entries (client without "\\", user) to e, their
 * number out; the status returned. */
static DWORD enum_once(DWORD level, entry *e, int *n)
{
    LPBYTE buf = NULL;
    DWORD er = 0, te = 0, rh = 0;
    NET_API_STATUS st = NetSessionEnum((LPWSTR)g_server, NULL, NULL, level, &buf, MAX_PREFERRED_LENGTH, &er, &te, &rh);
    *n = 0;
    if (st == NERR_Success && buf) {
        for (DWORD i = 0; i < er && *n < MAXE; i++) {
            const wchar_t *c = level == 10 ? ((SESSION_INFO_10 *)buf)[i].sesi10_cname : ((SESSION_INFO_1 *)buf)[i].sesi1_cname;
            const wchar_t *u = level == 10 ? ((SESSION_INFO_10 *)buf)[i].sesi10_username : ((SESSION_INFO_1 *)buf)[i].sesi1_username;
            while (c && *c == L'\\')
                c++;
            swprintf(e[*n].cname, 128, L"%ls", c ? c : L"");
            swprintf(e[*n].user, 128, L"%ls", u ? u : L"");
            (*n)++;
        }
        if (er > MAXE)
            *n = -1;
    }
    if (buf)
        NetApiBufferFree(buf);
    return st;
}

/* True when got is the wanted list, in any order. */
static BOOL same_list(const entry *got, int n)
{
    int used[MAXE] = {0};
    if (n != g_nwant)
        return FALSE;
    for (int i = 0; i < n; i++) {
        int j = 0;
        while (j < g_nwant && (used[j] || _wcsicmp(got[i].cname, g_want[j].cname) || _wcsicmp(got[i].user, g_want[j].user)))
            j++;
        if (j == g_nwant)
            return FALSE;
        used[j] = 1;
    }
    return TRUE;
}

static DWORD WINAPI worker(LPVOID arg)
{
    int id = (int)(INT_PTR)arg;
    entry got[MAXE];
    WaitForSingleObject(g_go, INFINITE);
    for (int k = 0; k < g_calls; k++) {
        int n = 0;
        DWORD level = (id + k) % 2 ? 1 : 10;
        DWORD st = enum_once(level, got, &n);
        if (st != NERR_Success) {
            if (InterlockedIncrement(&g_failed) == 1)
                snprintf(g_why, sizeof(g_why), "thread %d call %d level %lu: status %lu", id, k, level, st);
        } else if (!same_list(got, n)) {
            if (InterlockedIncrement(&g_bad) == 1)
                snprintf(g_why, sizeof(g_why), "thread %d call %d level %lu: %d entries, not the list of %d",
                         id, k, level, n, g_nwant);
        }
        InterlockedIncrement(&g_done);
    }
    return 0;
}

int wmain(int argc, wchar_t **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: wt_threads SERVER THREADS CALLS PREFIX\n");
        return 2;
    }
    snprintf(g_prefix, sizeof(g_prefix), "%s", wt_u8(argv[4]));
    g_server = argv[1];
    int nt = _wtoi(argv[2]);
    g_calls = _wtoi(argv[3]);
    if (!g_server || nt < 1 || nt > 32 || g_calls < 1)
        return 2;
    DWORD st = enum_once(1, g_want, &g_nwant);
    WT_CHECK(nm("first_call"), st == NERR_Success && g_nwant > 0, "status %lu, %d entries", st, g_nwant);
    if (st != NERR_Success || g_nwant <= 0)
        return 1;
    g_go = CreateEventW(NULL, TRUE, FALSE, NULL);
    HANDLE th[32];
    for (int i = 0; i < nt; i++)
        th[i] = CreateThread(NULL, 0, worker, (LPVOID)(INT_PTR)i, 0, NULL);
    DWORD t0 = GetTickCount();
    SetEvent(g_go);
    WaitForMultipleObjects((DWORD)nt, th, TRUE, 120000);
    DWORD ms = GetTickCount() - t0;
    for (int i = 0; i < nt; i++)
        CloseHandle(th[i]);
    printf("# %d threads x %d calls in %lu ms\n", nt, g_calls, ms);
    WT_CHECK(nm("all_calls_finish"), g_done == nt * g_calls, "%ld of %d calls finished", g_done, nt * g_calls);
    WT_CHECK(nm("all_calls_succeed"), g_failed == 0, "%ld failed; first: %s", g_failed, g_why);
    WT_CHECK(nm("every_call_its_own_list"), g_bad == 0, "%ld wrong lists; first: %s", g_bad, g_why);
    return wt_failed ? 1 : 0;
}
