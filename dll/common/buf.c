/* Bounds-checked byte reader/writer, memory and UTF-8/UTF-16 helpers. */
#include "nt.h"

#include <stdlib.h>
#include <string.h>

/* ---- reader ---------------------------------------------------------------- */
void nt_rd_init(nt_rd *r, const void *p, size_t len)
{
    r->p = p;
    r->len = p ? len : 0;
    r->pos = 0;
    r->bad = false;
}

size_t nt_rd_left(const nt_rd *r)
{
    return r->bad || r->pos > r->len ? 0 : r->len - r->pos;
}

const uint8_t *nt_rd_ptr(nt_rd *r, size_t n)
{
    if (r->bad || n > nt_rd_left(r)) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *q = r->p + r->pos;
    r->pos += n;
    return q;
}

bool nt_rd_bytes(nt_rd *r, void *dst, size_t n)
{
    const uint8_t *q = nt_rd_ptr(r, n);
    if (!q) {
        if (dst && n)
            memset(dst, 0, n);
        return false;
    }
    if (n)
        memcpy(dst, q, n);
    return true;
}

bool nt_rd_u8(nt_rd *r, uint8_t *v)
{
    const uint8_t *q = nt_rd_ptr(r, 1);
    *v = q ? q[0] : 0;
    return q != NULL;
}

bool nt_rd_u16(nt_rd *r, uint16_t *v)
{
    const uint8_t *q = nt_rd_ptr(r, 2);
    *v = q ? nt_le16(q) : 0;
    return q != NULL;
}

bool nt_rd_u32(nt_rd *r, uint32_t *v)
{
    const uint8_t *q = nt_rd_ptr(r, 4);
    *v = q ? nt_le32(q) : 0;
    return q != NULL;
}

bool nt_rd_u64(nt_rd *r, uint64_t *v)
{
    const uint8_t *q = nt_rd_ptr(r, 8);
    *v = q ? nt_le64(q) : 0;
    return q != NULL;
}

bool nt_rd_skip(nt_rd *r, size_t n)
{
    return nt_rd_ptr(r, n) != NULL || n == 0;
}

bool nt_rd_seek(nt_rd *r, size_t pos)
{
    if (r->bad || pos > r->len) {
        r->bad = true;
        return false;
    }
    r->pos = pos;
    return true;
}

bool nt_rd_align(nt_rd *r, size_t a)
{
    if (a < 2)
        return !r->bad;
    size_t pad = (a - (r->pos % a)) % a;
    return nt_rd_skip(r, pad);
}

/* ---- writer ---------------------------------------------------------------- */
void nt_wr_init(nt_wr *w, size_t max)
{
    w->p = NULL;
    w->len = 0;
    w->cap = 0;
    w->max = max ? max : NT_MAX_ALLOC;
    w->bad = false;
}

void nt_wr_free(nt_wr *w)
{
    if (w->p) {
        nt_wipe(w->p, w->cap);
        free(w->p);
    }
    w->p = NULL;
    w->len = w->cap = 0;
}

static bool wr_reserve(nt_wr *w, size_t n)
{
    if (w->bad)
        return false;
    if (n > w->max || w->len > w->max - n) {
        w->bad = true;
        return false;
    }
    size_t need = w->len + n;
    if (need <= w->cap)
        return true;
    size_t ncap = w->cap ? w->cap : 64;
    while (ncap < need)
        ncap = ncap > w->max / 2 ? w->max : ncap * 2;
    uint8_t *np = malloc(ncap);
    if (!np) {
        w->bad = true;
        return false;
    }
    if (w->p) {
        memcpy(np, w->p, w->len);
        nt_wipe(w->p, w->cap);
        free(w->p);
    }
    w->p = np;
    w->cap = ncap;
    return true;
}

bool nt_wr_presize(nt_wr *w, size_t n)
{
    return wr_reserve(w, n);
}

bool nt_wr_bytes(nt_wr *w, const void *src, size_t n)
{
    if (!wr_reserve(w, n))
        return false;
    if (n)
        memcpy(w->p + w->len, src, n);
    w->len += n;
    return true;
}

bool nt_wr_zeros(nt_wr *w, size_t n)
{
    if (!wr_reserve(w, n))
        return false;
    if (n)
        memset(w->p + w->len, 0, n);
    w->len += n;
    return true;
}

bool nt_wr_u8(nt_wr *w, uint8_t v) { return nt_wr_bytes(w, &v, 1); }

bool nt_wr_u16(nt_wr *w, uint16_t v)
{
    uint8_t b[2];
    nt_put_le16(b, v);
    return nt_wr_bytes(w, b, 2);
}

bool nt_wr_u32(nt_wr *w, uint32_t v)
{
    uint8_t b[4];
    nt_put_le32(b, v);
    return nt_wr_bytes(w, b, 4);
}

bool nt_wr_u64(nt_wr *w, uint64_t v)
{
    uint8_t b[8];
    nt_put_le64(b, v);
    return nt_wr_bytes(w, b, 8);
}

bool nt_wr_align(nt_wr *w, size_t a)
{
    if (a < 2)
        return !w->bad;
    return nt_wr_zeros(w, (a - (w->len % a)) % a);
}

bool nt_wr_put_u16_at(nt_wr *w, size_t pos, uint16_t v)
{
    if (w->bad || pos > w->len || w->len - pos < 2) {
        w->bad = true;
        return false;
    }
    nt_put_le16(w->p + pos, v);
    return true;
}

bool nt_wr_put_u32_at(nt_wr *w, size_t pos, uint32_t v)
{
    if (w->bad || pos > w->len || w->len - pos < 4) {
        w->bad = true;
        return false;
    }
    nt_put_le32(w->p + pos, v);
    return true;
}

uint8_t *nt_wr_take(nt_wr *w, size_t *len)
{
    uint8_t *p = w->p;
    if (len)
        *len = w->len;
    if (!p && !w->bad)
        p = malloc(1); /* empty but valid */
    w->p = NULL;
    w->len = w->cap = 0;
    return p;
}

/* ---- memory ------------------------------------------------------------------ */
/* memset at full speed, then an empty asm that the compiler must assume
 * reads the memory, so the stores cannot be dropped as dead (GCC and clang;
 * other compilers get the byte-wise volatile loop). */
void nt_wipe(void *p, size_t n)
{
    if (!p || !n)
        return;
#if defined(__GNUC__)
    memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    volatile uint8_t *v = p;
    while (n--)
        *v++ = 0;
#endif
}

void nt_free_secret(char *s)
{
    if (!s)
        return;
    nt_wipe(s, strlen(s));
    free(s);
}

void *nt_calloc(size_t n, size_t size)
{
    if (size && n > NT_MAX_ALLOC / size)
        return NULL;
    if (n * size == 0)
        return calloc(1, 1);
    return calloc(n, size);
}

/* ---- UTF-16 strings ------------------------------------------------------------ */
size_t nt_wcslen(const nt_wchar *s)
{
    size_t n = 0;
    while (s && s[n])
        n++;
    return n;
}

nt_wchar *nt_wcsdup(const nt_wchar *s)
{
    size_t n = nt_wcslen(s);
    nt_wchar *d = nt_calloc(n + 1, sizeof(nt_wchar));
    if (d && n)
        memcpy(d, s, n * sizeof(nt_wchar));
    return d;
}

int nt_wcscmp(const nt_wchar *a, const nt_wchar *b)
{
    for (;; a++, b++) {
        if (*a != *b)
            return *a < *b ? -1 : 1;
        if (!*a)
            return 0;
    }
}

nt_wchar nt_wupper(nt_wchar c)
{
    if (c >= 'a' && c <= 'z')
        return (nt_wchar)(c - 32);
    /* Latin-1 supplement: à..þ except ÷ */
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return (nt_wchar)(c - 32);
    return c;
}

int nt_wcsicmp(const nt_wchar *a, const nt_wchar *b)
{
    for (;; a++, b++) {
        nt_wchar x = nt_wupper(*a), y = nt_wupper(*b);
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            return 0;
    }
}

const nt_wchar *nt_skip_unc(const nt_wchar *s)
{
    return (s && s[0] == '\\' && s[1] == '\\') ? s + 2 : s;
}

nt_wchar *nt_utf8_to_utf16(const char *s, size_t *out_units)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    nt_wchar *d = nt_calloc(n + 1, sizeof(nt_wchar)); /* never more units than bytes */
    if (!d)
        return NULL;
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0, o = 0;
    while (i < n) {
        uint32_t c = p[i];
        size_t extra;
        if (c < 0x80) {
            extra = 0;
        } else if ((c & 0xE0) == 0xC0) {
            c &= 0x1F;
            extra = 1;
        } else if ((c & 0xF0) == 0xE0) {
            c &= 0x0F;
            extra = 2;
        } else if ((c & 0xF8) == 0xF0) {
            c &= 0x07;
            extra = 3;
        } else {
            goto bad;
        }
        if (extra > n - i - 1)
            goto bad;
        for (size_t k = 1; k <= extra; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                goto bad;
            c = (c << 6) | (p[i + k] & 0x3F);
        }
        static const uint32_t minv[4] = {0, 0x80, 0x800, 0x10000};
        if (c < minv[extra] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            goto bad;
        i += extra + 1;
        if (c >= 0x10000) {
            c -= 0x10000;
            d[o++] = (nt_wchar)(0xD800 | (c >> 10));
            d[o++] = (nt_wchar)(0xDC00 | (c & 0x3FF));
        } else {
            d[o++] = (nt_wchar)c;
        }
    }
    d[o] = 0;
    if (out_units)
        *out_units = o;
    return d;
bad:
    free(d);
    return NULL;
}

char *nt_utf16_to_utf8(const nt_wchar *s, size_t units)
{
    if (!s)
        return NULL;
    if (units > NT_MAX_ALLOC / 4)
        return NULL;
    char *d = malloc(units * 3 + 1);
    if (!d)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t c = s[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < units && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            i++;
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            c = 0xFFFD; /* lone surrogate */
        }
        if (c < 0x80) {
            d[o++] = (char)c;
        } else if (c < 0x800) {
            d[o++] = (char)(0xC0 | (c >> 6));
            d[o++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            d[o++] = (char)(0xE0 | (c >> 12));
            d[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            d[o++] = (char)(0x80 | (c & 0x3F));
        } else {
            d[o++] = (char)(0xF0 | (c >> 18));
            d[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
            d[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            d[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    d[o] = 0;
    return d;
}
