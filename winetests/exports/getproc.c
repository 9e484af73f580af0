/* GetProcAddress parity with Wine's builtin for every name it exports.
 *   getproc.exe NAMES-FILE   (one name a line: spec/wine.names, comments allowed)
 * netapi32.dll is ours, wine_netapi32.dll the builtin copy our forwarders use.
 * A name we implement must resolve in both and to different code; every other
 * name must resolve to exactly the builtin's address (NULL where the builtin
 * gives NULL).  Also calls NetpGetComputerName (Wine's own tests use it)
 * through our DLL and frees its buffer with our NetApiBufferFree. */
#include <windows.h>
#include <lm.h>
#include <stdio.h>
#include <string.h>

static const char *IMPL[] = {"NetApiBufferAllocate", "NetApiBufferFree", "NetApiBufferReallocate",
                             "NetApiBufferSize", "NetSessionDel", "NetSessionEnum", "NetSessionGetInfo",
                             "NetapipBufferAllocate"};

int main(int argc, char **argv)
{
    HMODULE mo = LoadLibraryW(L"netapi32.dll"), mw = LoadLibraryW(L"wine_netapi32.dll");
    FILE *f = argc > 1 ? fopen(argv[1], "r") : NULL;
    int fails = 0, n = 0, shown = 0;
    char ln[256];
    if (!mo || !mw || !f) {
        printf("FAIL: getproc.setup: netapi32 %p wine_netapi32 %p names file %s\n", (void *)mo, (void *)mw,
               f ? "open" : "missing");
        return 1;
    }
    while (fgets(ln, sizeof ln, f)) {
        ln[strcspn(ln, "#\r\n")] = 0;
        if (!ln[0]) continue;
        FARPROC po = GetProcAddress(mo, ln), pw = GetProcAddress(mw, ln);
        int impl = 0;
        for (size_t i = 0; i < sizeof IMPL / sizeof *IMPL; i++) impl |= !strcmp(IMPL[i], ln);
        int ok = impl ? (po && pw && po != pw) : po == pw;
        n++;
        if (!ok) {
            fails++;
            if (shown++ < 20)
                printf("FAIL: getproc.%s: ours %p builtin %p%s\n", ln, (void *)(INT_PTR)po, (void *)(INT_PTR)pw,
                       impl ? " (implemented here: both must resolve, to different code)" : "");
        }
    }
    fclose(f);
    if (!fails && n > 0) printf("PASS: getproc.parity_with_builtin (%d names)\n", n);
    else printf("FAIL: getproc.parity_with_builtin: %d of %d names differ\n", fails, n);

    typedef NET_API_STATUS(WINAPI * gcn_fn)(LPWSTR *);
    gcn_fn gcn = (gcn_fn)(void (*)(void))GetProcAddress(mo, "NetpGetComputerName");
    WCHAR want[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD wl = MAX_COMPUTERNAME_LENGTH + 1;
    LPWSTR got = NULL;
    NET_API_STATUS st = gcn ? gcn(&got) : 0xFFFF;
    if (st == NERR_Success && got && GetComputerNameW(want, &wl) && !lstrcmpiW(got, want) &&
        NetApiBufferFree(got) == NERR_Success)
        printf("PASS: getproc.netp_get_computer_name\n");
    else {
        printf("FAIL: getproc.netp_get_computer_name: status %lu, name %ls\n", (unsigned long)st, got ? got : L"(none)");
        fails++;
    }
    return fails ? 1 : 0;
}
