/* Imports NetSessionEnum BY ORDINAL (224 in the ws03 profile) through an
 * import library generated from by_ordinal_<arch>.def (NONAME), and checks that
 * the loader bound it to the same code as the name NetSessionEnum and as
 * GetProcAddress(MAKEINTRESOURCE(224)).  argv[1]: server (default \\127.0.0.1). */
#include <windows.h>
#include <lm.h>
#include <stdio.h>

/* The import address table slot of NetSessionEnum (the import library's
 * __imp_ symbol; the plain symbol is a jump thunk inside this program). */
#ifdef _WIN64
extern FARPROC imp_NetSessionEnum __asm__("__imp_NetSessionEnum");
#else
extern FARPROC imp_NetSessionEnum __asm__("__imp__NetSessionEnum@36");
#endif

int main(int argc, char **argv)
{
    WCHAR server[256] = L"\\\\127.0.0.1";
    int fails = 0;
    if (argc > 1)
        MultiByteToWideChar(CP_ACP, 0, argv[1], -1, server, 256);
    HMODULE h = GetModuleHandleW(L"netapi32.dll");
    FARPROC by_name = h ? GetProcAddress(h, "NetSessionEnum") : NULL;
    FARPROC by_ord = h ? GetProcAddress(h, MAKEINTRESOURCEA(224)) : NULL;
    FARPROC imported = imp_NetSessionEnum;  /* what the loader wrote into the IAT */
    if (h && by_name && by_name == by_ord && imported == by_name) {
        printf("PASS: ordinal_224_is_NetSessionEnum\n");
    } else {
        printf("FAIL: ordinal_224_is_NetSessionEnum: module %p, by name %p, by ordinal %p, imported %p\n",
               (void *)h, (void *)by_name, (void *)by_ord, (void *)imported);
        fails++;
    }
    SESSION_INFO_0 *s = NULL;
    DWORD read = 0, total = 0;
    NET_API_STATUS st = NetSessionEnum(server, NULL, NULL, 0, (LPBYTE *)&s, MAX_PREFERRED_LENGTH, &read, &total, NULL);
    printf("# NetSessionEnum by ordinal (%ls, 0) = %lu, entries %lu\n", server, (unsigned long)st, (unsigned long)read);
    printf("PASS: ordinal_224_call_returns\n");
    if (s)
        NetApiBufferFree(s);
    return fails ? 1 : 0;
}
