/* A forwarded function (NetWkstaGetInfo level 100 + NetApiBufferFree on its
 * result) and then NetSessionEnum, in one process, through MinGW's import
 * library.  argv[1]: server for NetSessionEnum (default \\127.0.0.1).
 * With our DLL installed the forwarder must have loaded wine_netapi32.dll. */
#include <windows.h>
#include <lm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;

static void check(int ok, const char *name, const char *why)
{
    printf(ok ? "PASS: %s\n" : "FAIL: %s: %s\n", name, why);
    if (!ok)
        fails++;
}

int main(int argc, char **argv)
{
    WCHAR server[256] = L"\\\\127.0.0.1";
    int installed = argc > 2 && !strcmp(argv[2], "installed");
    char why[256];
    if (argc > 1)
        MultiByteToWideChar(CP_ACP, 0, argv[1], -1, server, 256);

    WKSTA_INFO_100 *w = NULL;
    NET_API_STATUS st = NetWkstaGetInfo(NULL, 100, (LPBYTE *)&w);
    snprintf(why, sizeof why, "status %lu, buffer %p", (unsigned long)st, (void *)w);
    check(st == NERR_Success && w && w->wki100_computername && w->wki100_computername[0] &&
              w->wki100_platform_id == PLATFORM_ID_NT,
          "fwd_wksta_getinfo_100", why);
    if (w) {
        st = NetApiBufferFree(w);
        snprintf(why, sizeof why, "status %lu", (unsigned long)st);
        check(st == NERR_Success, "fwd_wksta_buffer_free", why);
    }
    HMODULE fwd = GetModuleHandleW(L"wine_netapi32.dll");
    if (installed)
        check(fwd != NULL, "fwd_target_loaded", "wine_netapi32.dll is not loaded after a forwarded call");

    SESSION_INFO_10 *s = NULL;
    DWORD read = 0xdead, total = 0xdead, resume = 0;
    st = NetSessionEnum(server, NULL, NULL, 10, (LPBYTE *)&s, MAX_PREFERRED_LENGTH, &read, &total, &resume);
    printf("# NetSessionEnum(%ls, 10) = %lu, entries %lu, total %lu\n", server, (unsigned long)st,
           (unsigned long)read, (unsigned long)total);
    snprintf(why, sizeof why, "status %lu, entries %lu, buffer %p", (unsigned long)st, (unsigned long)read, (void *)s);
    /* Any defined answer: success with a consistent buffer, or an error with no entries. */
    check((st == NERR_Success || st == ERROR_MORE_DATA) ? (read == 0 || s != NULL) : (st != 0xdead),
          "session_enum_defined", why);
    if (s)
        check(NetApiBufferFree(s) == NERR_Success, "session_enum_buffer_free", "NetApiBufferFree failed");

    /* A forwarded call still works after our own code ran. */
    w = NULL;
    st = NetWkstaGetInfo(NULL, 100, (LPBYTE *)&w);
    check(st == NERR_Success && w, "fwd_after_session_enum", "NetWkstaGetInfo failed the second time");
    if (w)
        NetApiBufferFree(w);
    return fails ? 1 : 0;
}
