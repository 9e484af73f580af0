/* wt_del.c -- NetSessionDel calls for winetests/run.sh (the runner checks the
 * server's sessions with smbstatus before and after).
 *
 *   wt_del expect SERVER CLIENT USER CODE NAME
 *       one NetSessionDel; PASS when it returns CODE.  "-" = NULL, "EMPTY" = L"".
 *   wt_del own SERVER CLIENT USER NAME
 *       enumerate (so a connection exists), delete sessions that include our
 *       own, expect NERR_Success, then enumerate again: the next call must
 *       work (the DLL reconnects).
 */
#include "wt_sess.h"

static NET_API_STATUS enum1(const wchar_t *srv, DWORD *n)
{
    LPBYTE buf = NULL;
    DWORD er = 0, te = 0;
    NET_API_STATUS st = NetSessionEnum((LPWSTR)srv, NULL, NULL, 10, &buf, MAX_PREFERRED_LENGTH, &er, &te, NULL);
    *n = (st == 0 && buf) ? er : 0;
    if (st == 0 && buf) NetApiBufferFree(buf);
    else if (st == 0) st = 0xFFFFFFFFu;   /* success without a buffer: not a real answer */
    return st;
}

int wmain(int argc, wchar_t **argv)
{
    char name[256];
    if (argc >= 7 && wcscmp(argv[1], L"expect") == 0) {
        DWORD want = (DWORD)wcstoul(argv[5], NULL, 10);
        NET_API_STATUS st = NetSessionDel(wt_arg(argv[2]), wt_arg(argv[3]), wt_arg(argv[4]));
        snprintf(name, sizeof(name), "%s", wt_u8(argv[6]));
        WT_CHECK(name, st == want, "returned %lu %s, want %lu %s", (unsigned long)st, wt_errname(st),
                 (unsigned long)want, wt_errname(want));
    } else if (argc >= 6 && wcscmp(argv[1], L"own") == 0) {
        DWORD n = 0;
        char n2[300];
        NET_API_STATUS st = enum1(argv[2], &n);
        snprintf(name, sizeof(name), "%s", wt_u8(argv[5]));
        snprintf(n2, sizeof(n2), "%s.before", name);
        WT_CHECK(n2, st == 0 && n > 0, "enumeration before returned %lu %s (%lu entries)", (unsigned long)st,
                 wt_errname(st), (unsigned long)n);
        st = NetSessionDel(argv[2], wt_arg(argv[3]), wt_arg(argv[4]));
        WT_CHECK(name, st == 0, "returned %lu %s, want NERR_Success", (unsigned long)st, wt_errname(st));
        st = enum1(argv[2], &n);
        snprintf(n2, sizeof(n2), "%s.next_call_works", name);
        WT_CHECK(n2, st == 0 && n > 0, "enumeration after returned %lu %s (%lu entries)", (unsigned long)st,
                 wt_errname(st), (unsigned long)n);
    } else {
        fprintf(stderr, "usage: wt_del expect SERVER CLIENT USER CODE NAME\n"
                        "       wt_del own SERVER CLIENT USER NAME\n");
        return 2;
    }
    return wt_summary("wt_del");
}
