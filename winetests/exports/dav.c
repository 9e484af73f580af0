/* Imports DavGetHTTPFromUNCPath / DavGetUNCFromHTTPPath (real Wine
 * implementations that Windows' netapi32 of the ws03 era did not export).
 * With a DLL that lacks them the loader refuses to start this program; with
 * ours they are forwarded to Wine's builtin and must answer what it answers. */
#include <windows.h>
#include <davclnt.h>
#include <stdio.h>

typedef DWORD(WINAPI *conv_fn)(LPCWSTR, LPWSTR, LPDWORD);

static int check(const char *name, conv_fn ours, conv_fn wine, LPCWSTR in)
{
    WCHAR a[260], b[260];
    DWORD la = 260, lb = 260, ra = ours(in, a, &la), rb;
    if (!wine) { /* no builtin to compare with: the call itself must work */
        if (ra == 0) printf("PASS: dav.%s: %ls\n", name, a);
        else printf("FAIL: dav.%s: status %lu\n", name, (unsigned long)ra);
        return ra == 0;
    }
    rb = wine(in, b, &lb);
    if (ra == 0 && rb == 0 && la == lb && !lstrcmpW(a, b)) { printf("PASS: dav.%s: %ls\n", name, a); return 1; }
    printf("FAIL: dav.%s: ours %lu [%ls] builtin %lu [%ls]\n", name, (unsigned long)ra, ra ? L"" : a,
           (unsigned long)rb, rb ? L"" : b);
    return 0;
}

int main(void)
{
    HMODULE mw = LoadLibraryW(L"wine_netapi32.dll");
    conv_fn wh = mw ? (conv_fn)(void (*)(void))GetProcAddress(mw, "DavGetHTTPFromUNCPath") : NULL;
    conv_fn wu = mw ? (conv_fn)(void (*)(void))GetProcAddress(mw, "DavGetUNCFromHTTPPath") : NULL;
    int ok = check("http_from_unc", DavGetHTTPFromUNCPath, wh, L"\\\\server\\share\\dir\\file.txt");
    ok &= check("unc_from_http", DavGetUNCFromHTTPPath, wu, L"http://server/share/dir");
    return ok ? 0 : 1;
}
