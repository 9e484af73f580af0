/* Code page hooks for the native build (unit tests): Latin-1, a stand-in
 * for the ANSI code page that cp_win.c uses in the DLL.  Characters outside
 * it become '?', as WideCharToMultiByte's default character does. */
#include "sv9x.h"

#include <stdlib.h>
#include <string.h>

bool sv9x_a2w(const char *s, nt_wchar **out)
{
    *out = NULL;
    if (!s)
        return true;
    size_t n = strlen(s);
    nt_wchar *w = calloc(n + 1, sizeof(nt_wchar));
    if (!w)
        return false;
    for (size_t i = 0; i < n; i++)
        w[i] = (uint8_t)s[i];
    *out = w;
    return true;
}

size_t sv9x_w2a(const nt_wchar *s, char *dst, size_t cap)
{
    size_t n = nt_wcslen(s) + 1;
    if (!dst)
        return n;
    if (cap < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)(s[i] <= 0xFF ? s[i] : '?');
    return n;
}
