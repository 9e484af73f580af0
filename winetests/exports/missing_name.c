/* Names Wine's builtin does not export (spec/NOT_IN_WINE.md) are forwarded
 * anyway: a program importing one (NetJoinDomain, via missing_<arch>.def)
 * still loads, and GetProcAddress returns NULL, as with Wine's builtin.
 * Also a chained forward (ours -> wine_netapi32 -> ntdll) resolves. */
#include <windows.h>
#include <lm.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    int fails = 0;
    HMODULE h = GetModuleHandleW(L"netapi32.dll");
    printf("PASS: missing_import_loads\n");
    /* Referenced so that the import is really in the table; never called. */
    volatile FARPROC imported = (FARPROC)(void (*)(void))NetJoinDomain;
    if (argc > 5)
        printf("# %p\n", (void *)imported);
    if (h && GetProcAddress(h, "NetJoinDomain") == NULL) {
        printf("PASS: missing_getprocaddress_null\n");
    } else {
        printf("FAIL: missing_getprocaddress_null: module %p\n", (void *)h);
        fails++;
    }
    FARPROC chained = h ? GetProcAddress(h, "NetpInitOemString") : NULL;
    FARPROC direct = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlInitAnsiString");
    if (chained && chained == direct) {
        printf("PASS: chained_forward_to_ntdll\n");
    } else {
        printf("FAIL: chained_forward_to_ntdll: %p vs %p\n", (void *)chained, (void *)direct);
        fails++;
    }
    (void)argv;
    return fails ? 1 : 0;
}
