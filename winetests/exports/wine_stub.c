/* After uninstall: Wine's builtin answers again.  Wine 8's NetSessionEnum is
 * a FIXME stub: NERR_Success, no buffer, and the counters left untouched (0
 * entries either way); no wine_netapi32.dll is loaded. */
#include <windows.h>
#include <lm.h>
#include <stdio.h>

int main(void)
{
    SESSION_INFO_10 *s = NULL;
    DWORD read = 0xdead, total = 0xdead;
    NET_API_STATUS st = NetSessionEnum(NULL, NULL, NULL, 10, (LPBYTE *)&s, MAX_PREFERRED_LENGTH, &read, &total, NULL);
    int fails = 0;
    if (st == NERR_Success && s == NULL && (read == 0 || read == 0xdead)) {
        printf("PASS: wine_builtin_session_enum_stub\n");
    } else {
        printf("FAIL: wine_builtin_session_enum_stub: status %lu, entries %lu, total %lu\n", (unsigned long)st,
               (unsigned long)read, (unsigned long)total);
        fails++;
    }
    HMODULE h = GetModuleHandleW(L"netapi32.dll");
    if (h && !GetModuleHandleW(L"wine_netapi32.dll") && GetProcAddress(h, "NetWkstaGetInfo")) {
        printf("PASS: wine_builtin_loaded\n");
    } else {
        printf("FAIL: wine_builtin_loaded: wine_netapi32.dll loaded or netapi32 missing\n");
        fails++;
    }
    return fails ? 1 : 0;
}
