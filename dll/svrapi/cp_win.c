/* Code page hooks for the DLL: the process's ANSI code page (CP_ACP), as
 * Windows 95/98 programs expect of svrapi.dll. */
#include "sv9x.h"

#include <stdlib.h>
#include <windows.h>

bool sv9x_a2w(const char *s, nt_wchar **out)
{
    *out = NULL;
    if (!s)
        return true;
    int n = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
    if (n <= 0)
        n = 1;   /* unconvertible: an empty name, which the API layer rejects or treats as none */
    nt_wchar *w = calloc((size_t)n, sizeof(nt_wchar));
    if (!w)
        return false;
    if (MultiByteToWideChar(CP_ACP, 0, s, -1, (WCHAR *)w, n) <= 0)
        w[0] = 0;
    *out = w;
    return true;
}

size_t sv9x_w2a(const nt_wchar *s, char *dst, size_t cap)
{
    if (cap > 0x7FFFFFFF)
        cap = 0x7FFFFFFF;
    int n = WideCharToMultiByte(CP_ACP, 0, (const WCHAR *)s, -1, dst, dst ? (int)cap : 0, NULL, NULL);
    return n > 0 ? (size_t)n : 0;
}
