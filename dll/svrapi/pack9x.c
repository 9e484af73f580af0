/* The 9x structures (svrapi.h, packed to 1 byte, 32-bit pointers) and the
 * packing of sessions into the caller's buffer.  exports_win.c proves the
 * offsets below against MinGW's svrapi.h; tests/test_svrapi.c checks the
 * packing byte by byte. */
#include "sv9x.h"

#include <string.h>

static const sv9x_layout LAYOUTS[] = {
    {0, 4, 0, 1, {{K_CNAME, 0}}},
    {1, 26, 1, 8,
     {{K_CNAME, 0}, {K_USERNAME, 4}, {K_NUM_CONNS, 8}, {K_NUM_OPENS, 10}, {K_NUM_USERS, 12}, {K_TIME, 14},
      {K_IDLE, 18}, {K_FLAGS, 22}}},
    {2, 30, 2, 9,
     {{K_CNAME, 0}, {K_USERNAME, 4}, {K_NUM_CONNS, 8}, {K_NUM_OPENS, 10}, {K_NUM_USERS, 12}, {K_TIME, 14},
      {K_IDLE, 18}, {K_FLAGS, 22}, {K_CLTYPE, 26}}},
    {10, 16, 10, 4, {{K_CNAME, 0}, {K_USERNAME, 4}, {K_TIME, 8}, {K_IDLE, 12}}},
    /* level 50 takes NT level 1: it needs the open count and the user */
    {50, 26, 1, 9,
     {{K_CNAME, 0}, {K_USERNAME, 4}, {K_KEY, 8}, {K_NUM_CONNS, 12}, {K_NUM_OPENS, 14}, {K_TIME, 16},
      {K_IDLE, 20}, {K_PROTOCOL, 24}, {K_PAD, 25}}},
};

const sv9x_layout *sv9x_layout_find(int16_t level)
{
    for (size_t i = 0; i < sizeof(LAYOUTS) / sizeof(LAYOUTS[0]); i++)
        if (LAYOUTS[i].level == level)
            return &LAYOUTS[i];
    return NULL;
}

bool sv9x_kind_is_string(sv9x_kind k)
{
    return k == K_CNAME || k == K_USERNAME || k == K_CLTYPE;
}

size_t sv9x_kind_size(sv9x_kind k)
{
    switch (k) {
    case K_CNAME: case K_USERNAME: case K_CLTYPE: case K_KEY: case K_TIME: case K_IDLE: case K_FLAGS:
        return 4;
    case K_NUM_CONNS: case K_NUM_OPENS: case K_NUM_USERS:
        return 2;
    default:
        return 1;
    }
}

void sv9x_entries_from_nt(const sess_level *l, const uint8_t *block, uint32_t n, sv9x_entry *out)
{
    const size_t ssize = sess_level_struct_size(l, sizeof(void *));
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *rec = block + (size_t)i * ssize;
        sv9x_entry *e = &out[i];
        memset(e, 0, sizeof(*e));
        for (unsigned k = 0; k < l->nfields; k++) {
            sess_field f = (sess_field)l->fields[k];
            size_t off = sess_level_field_offset(l, k, sizeof(void *));
            const nt_wchar *s = NULL;
            uint32_t v = 0;
            if (sess_field_is_string(f))
                memcpy(&s, rec + off, sizeof(s));
            else
                memcpy(&v, rec + off, sizeof(v));
            switch (f) {
            case SF_CNAME: e->cname = s; break;
            case SF_USERNAME: e->username = s; break;
            case SF_CLTYPE_NAME: e->cltype = s; break;
            case SF_NUM_OPENS: e->num_opens = v; break;
            case SF_TIME: e->time = v; break;
            case SF_IDLE_TIME: e->idle_time = v; break;
            case SF_USER_FLAGS: e->user_flags = v; break;
            default: break;
            }
        }
    }
}

static const nt_wchar *entry_string(const sv9x_entry *e, sv9x_kind k)
{
    return k == K_CNAME ? e->cname : k == K_USERNAME ? e->username : e->cltype;
}

/* ANSI bytes of one string field (NUL included); 0 for a NULL pointer.  A
 * string the code page cannot convert at all becomes "" (1 byte). */
static size_t ansi_bytes(const nt_wchar *s)
{
    if (!s)
        return 0;
    size_t n = sv9x_w2a(s, NULL, 0);
    return n ? n : 1;
}

static size_t strings_bytes(const sv9x_layout *L, const sv9x_entry *e)
{
    size_t n = 0;
    for (unsigned i = 0; i < L->nfields; i++)
        if (sv9x_kind_is_string((sv9x_kind)L->f[i].kind))
            n += ansi_bytes(entry_string(e, (sv9x_kind)L->f[i].kind));
    return n;
}

static uint16_t sat16(uint32_t v)
{
    return v > 0xFFFFu ? 0xFFFFu : (uint16_t)v;
}

static uint32_t number_of(const sv9x_entry *e, sv9x_kind k)
{
    switch (k) {
    case K_KEY: return sv9x_key(e->cname, e->username);
    case K_TIME: return e->time;
    case K_IDLE: return e->idle_time;
    case K_FLAGS: return e->user_flags & 3u;   /* SESS_GUEST | SESS_NOENCRYPTION, nothing else */
    case K_NUM_OPENS: return e->num_opens;
    case K_NUM_USERS: return 1;                 /* one srvsvc session is one user's */
    default: return 0;                          /* num_conns, protocol, pad: not reported */
    }
}

/* Writes entry e's fixed part at buf+foff and its strings below *top
 * (moving *top down).  A string that does not fit above limit gets a NULL
 * pointer; returns false when that happened. */
static bool put_entry(const sv9x_layout *L, const sv9x_entry *e, uint8_t *buf, size_t foff, size_t *top,
                      size_t limit, uint32_t base)
{
    bool all = true;
    uint8_t *rec = buf + foff;
    memset(rec, 0, L->size);
    for (unsigned i = 0; i < L->nfields; i++) {
        sv9x_kind k = (sv9x_kind)L->f[i].kind;
        uint8_t *p = rec + L->f[i].off;
        if (sv9x_kind_is_string(k)) {
            const nt_wchar *s = entry_string(e, k);
            size_t b = ansi_bytes(s);
            uint32_t ptr = 0;
            if (s && *top - limit >= b) {
                *top -= b;
                if (sv9x_w2a(s, (char *)buf + *top, b) != b)
                    memset(buf + *top, 0, b);   /* unconvertible: "" (and NUL padding) */
                ptr = base + (uint32_t)*top;
            } else if (s) {
                all = false;
            }
            nt_put_le32(p, ptr);
        } else if (sv9x_kind_size(k) == 4) {
            nt_put_le32(p, number_of(e, k));
        } else if (sv9x_kind_size(k) == 2) {
            nt_put_le16(p, sat16(number_of(e, k)));
        } else {
            *p = (uint8_t)number_of(e, k);
        }
    }
    return all;
}

uint32_t sv9x_pack_enum(const sv9x_layout *L, const sv9x_entry *v, uint32_t n, uint8_t *buf, uint16_t cb,
                        uint32_t base, uint16_t *read, uint16_t *total)
{
    *read = 0;
    *total = sat16(n);
    size_t foff = 0, top = cb;
    uint32_t k = 0;
    while (k < n && k < 0xFFFFu) {
        size_t need = L->size + strings_bytes(L, &v[k]);
        if (top - foff < need)
            break;
        put_entry(L, &v[k], buf, foff, &top, foff + L->size, base);
        foff += L->size;
        k++;
    }
    *read = (uint16_t)k;
    /* Microsoft's svrapi.h lists ERROR_MORE_DATA, not NERR_BufTooSmall, for
     * NetSessionEnum: also when not even one entry fits */
    return k == n ? NT_OK : NT_ERROR_MORE_DATA;
}

uint32_t sv9x_pack_one(const sv9x_layout *L, const sv9x_entry *e, uint8_t *buf, uint16_t cb, uint32_t base,
                       uint16_t *avail)
{
    *avail = sat16((uint32_t)(L->size + strings_bytes(L, e)));
    if (cb < L->size)
        return SV9X_NERR_BufTooSmall;
    size_t top = cb;
    return put_entry(L, e, buf, 0, &top, L->size, base) ? NT_OK : NT_ERROR_MORE_DATA;
}
