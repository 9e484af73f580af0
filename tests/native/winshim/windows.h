/* tests/native/winshim/windows.h -- just enough of <windows.h> to build the
 * DLL's own Windows test programs (winetests/wt_*.c, unchanged) natively
 * against libnetapi32.so, so the native library runs the same API-level
 * checks as the DLL.  Built with -fshort-wchar: wchar_t and L"" literals are
 * UTF-16, the same type as char16_t of <netapi32_native.h>.  glibc's wide
 * string functions assume a 32-bit wchar_t, so the few the programs use are
 * replaced below (UTF-16 versions).  Not a general Windows layer. */
#ifndef WINSHIM_WINDOWS_H
#define WINSHIM_WINDOWS_H

#if __SIZEOF_WCHAR_T__ != 2
#error "build with -fshort-wchar"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>

typedef uint32_t DWORD;
typedef uint8_t BYTE;
typedef BYTE *LPBYTE;
typedef void *LPVOID;
typedef wchar_t WCHAR;
typedef wchar_t *LPWSTR;
typedef uintptr_t ULONG_PTR;
typedef int BOOL;
#define CP_UTF8 65001u
#define _stricmp strcasecmp

static inline DWORD GetTickCount(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (DWORD)(ts.tv_sec * 1000u + ts.tv_nsec / 1000000u);
}

/* ---- UTF-16 <-> UTF-8 (the subset of the Win32 contract the tests use:
 * cch -1 = NUL-terminated input, out NULL/0 = size query) ---- */
static inline int WideCharToMultiByte(unsigned cp, DWORD flags, const wchar_t *w, int wn, char *out, int outn,
                                      const char *defchar, BOOL *useddef)
{
    (void)cp; (void)flags; (void)defchar; (void)useddef;
    int n = 0;
    for (int i = 0; wn < 0 ? 1 : i < wn; i++) {
        uint32_t c = w[i];
        if (c >= 0xD800 && c < 0xDC00 && w[i + 1] >= 0xDC00 && w[i + 1] < 0xE000) {
            c = 0x10000 + ((c - 0xD800) << 10) + (w[i + 1] - 0xDC00u);
            i++;
        }
        char b[4];
        int k = c < 0x80 ? (b[0] = (char)c, 1)
              : c < 0x800 ? (b[0] = (char)(0xC0 | c >> 6), b[1] = (char)(0x80 | (c & 63)), 2)
              : c < 0x10000 ? (b[0] = (char)(0xE0 | c >> 12), b[1] = (char)(0x80 | ((c >> 6) & 63)),
                               b[2] = (char)(0x80 | (c & 63)), 3)
              : (b[0] = (char)(0xF0 | c >> 18), b[1] = (char)(0x80 | ((c >> 12) & 63)),
                 b[2] = (char)(0x80 | ((c >> 6) & 63)), b[3] = (char)(0x80 | (c & 63)), 4);
        if (out && outn) {
            if (n + k > outn) return 0;
            memcpy(out + n, b, (size_t)k);
        }
        n += k;
        if (wn < 0 && c == 0) break;
    }
    return n;
}

static inline int MultiByteToWideChar(unsigned cp, DWORD flags, const char *s, int sn, wchar_t *out, int outn)
{
    (void)cp; (void)flags;
    const unsigned char *p = (const unsigned char *)s;
    int n = 0;
    for (int i = 0; sn < 0 ? 1 : i < sn;) {
        uint32_t c = p[i];
        int k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (k > 1) {
            c &= 0x3Fu >> (k - 1);
            for (int j = 1; j < k; j++) c = (c << 6) | (p[i + j] & 63u);
        }
        wchar_t u[2];
        int m = c < 0x10000 ? (u[0] = (wchar_t)c, 1)
              : (u[0] = (wchar_t)(0xD800 + ((c - 0x10000) >> 10)), u[1] = (wchar_t)(0xDC00 + (c & 0x3FF)), 2);
        if (out && outn) {
            if (n + m > outn) return 0;
            memcpy(out + n, u, (size_t)m * sizeof(wchar_t));
        }
        n += m;
        i += k;
        if (sn < 0 && c == 0) break;
    }
    return n;
}

/* ---- the UTF-16 string functions the programs call ---- */
static inline int shim_wcscmp(const wchar_t *a, const wchar_t *b)
{
    while (*a && *a == *b) a++, b++;
    return (int)*a - (int)*b;
}
static inline unsigned long shim_wcstoul(const wchar_t *s, wchar_t **end, int base)
{
    char buf[64];
    int i = 0;
    for (; s[i] && s[i] < 128 && i < 63; i++) buf[i] = (char)s[i];
    buf[i] = 0;
    char *e;
    unsigned long v = strtoul(buf, &e, base);
    if (end) *end = (wchar_t *)s + (e - buf);
    return v;
}
/* Only what the programs format: literal text and %ls. */
static inline int shim_swprintf(wchar_t *out, size_t n, const wchar_t *fmt, ...)
{
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    size_t o = 0;
    for (; *fmt && o + 1 < n; fmt++) {
        if (fmt[0] == '%' && fmt[1] == 'l' && fmt[2] == 's') {
            const wchar_t *a = __builtin_va_arg(ap, const wchar_t *);
            while (a && *a && o + 1 < n) out[o++] = *a++;
            fmt += 2;
        } else {
            out[o++] = *fmt;
        }
    }
    __builtin_va_end(ap);
    out[o] = 0;
    return (int)o;
}
#define wcscmp shim_wcscmp
#define wcstoul shim_wcstoul
#define swprintf shim_swprintf

/* ---- wmain: main converts argv to UTF-16 ---- */
int wmain(int argc, wchar_t **argv);
int main(int argc, char **argv)
{
    wchar_t **w = calloc((size_t)argc + 1, sizeof(*w));
    for (int i = 0; w && i < argc; i++) {
        int n = MultiByteToWideChar(CP_UTF8, 0, argv[i], -1, NULL, 0);
        w[i] = calloc((size_t)n, sizeof(wchar_t));
        if (w[i]) MultiByteToWideChar(CP_UTF8, 0, argv[i], -1, w[i], n);
    }
    if (!w)
        return 1;
    int rc = wmain(argc, w);
    for (int i = 0; i < argc; i++) free(w[i]);
    free(w);
    return rc;
}

#endif
