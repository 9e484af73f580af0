/*
 * RAP NetSessionEnum / NetSessionGetInfo / NetSessionDel: request parameter
 * blocks and strict response decoders (see rap.h).  Decoding is driven by
 * the DataDesc of each RAP level, mapped field by field onto the level table
 * of levels.h; every count and offset from the server is checked against the
 * data block it came in.
 */
#include "rap.h"

#include <stdlib.h>
#include <string.h>

#define RAP_SKIP 0xFF /* a RAP field our records have no place for */

typedef struct rap_level_def {
    uint16_t level;
    const char *desc;
    uint8_t fields[9]; /* one per DataDesc character: sess_field or RAP_SKIP */
} rap_level_def;

static const rap_level_def RAP_LEVELS[] = {
    {0, "z", {SF_CNAME}},
    {1, "zzWWWDDD", {SF_CNAME, SF_USERNAME, RAP_SKIP, SF_NUM_OPENS, RAP_SKIP, SF_TIME, SF_IDLE_TIME, SF_USER_FLAGS}},
    {2, "zzWWWDDDz",
     {SF_CNAME, SF_USERNAME, RAP_SKIP, SF_NUM_OPENS, RAP_SKIP, SF_TIME, SF_IDLE_TIME, SF_USER_FLAGS, SF_CLTYPE_NAME}},
    {10, "zzDD", {SF_CNAME, SF_USERNAME, SF_TIME, SF_IDLE_TIME}},
};

static const rap_level_def *find_def(uint16_t rap_level)
{
    for (size_t i = 0; i < sizeof(RAP_LEVELS) / sizeof(RAP_LEVELS[0]); i++)
        if (RAP_LEVELS[i].level == rap_level)
            return &RAP_LEVELS[i];
    return NULL;
}

const char *rap_session_desc(uint16_t rap_level)
{
    const rap_level_def *d = find_def(rap_level);
    return d ? d->desc : NULL;
}

static size_t desc_item_size(char c) { return c == 'W' ? 2 : 4; /* 'z' and 'D' */ }

size_t rap_session_record_size(uint16_t rap_level)
{
    const rap_level_def *d = find_def(rap_level);
    size_t n = 0;
    for (const char *c = d ? d->desc : ""; *c; c++)
        n += desc_item_size(*c);
    return n;
}

unsigned rap_session_levels_for(uint32_t level, uint16_t out[2])
{
    switch (level) {
    case 0: out[0] = 0; out[1] = 2; return 2;
    case 1: out[0] = 1; out[1] = 2; return 2;
    case 2: out[0] = 2; return 1;
    case 10: out[0] = 10; out[1] = 2; return 2;
    case 502: out[0] = 2; return 1;
    default: return 0;
    }
}

static bool level_served_by(uint32_t level, uint16_t rap_level)
{
    uint16_t c[2];
    unsigned n = rap_session_levels_for(level, c);
    for (unsigned i = 0; i < n; i++)
        if (c[i] == rap_level)
            return true;
    return false;
}

bool rap_status_refuses_level(uint32_t status)
{
    return status == NT_ERROR_INVALID_LEVEL || status == NT_ERROR_NOT_SUPPORTED;
}

uint32_t rap_map_status(uint16_t rap_status)
{
    return rap_status == NT_NERR_NoSuchSession ? NT_NERR_ClientNameNotFound : rap_status;
}

/* ---- requests -------------------------------------------------------------- */

static void put_asciiz(nt_wr *w, const char *s) { nt_wr_bytes(w, s, strlen(s) + 1); }

/* UTF-16 -> Latin-1 ASCIIZ; false for characters above U+00FF or too long. */
static bool put_oem(nt_wr *w, const nt_wchar *s)
{
    size_t n = s ? nt_wcslen(s) : 0;
    if (n > RAP_MAX_STR)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] > 0xFF)
            return false;
        nt_wr_u8(w, (uint8_t)s[i]);
    }
    return nt_wr_u8(w, 0);
}

static void put_header(nt_wr *w, uint16_t op, const char *pdesc, const char *ddesc)
{
    nt_wr_u16(w, op);
    put_asciiz(w, pdesc);
    put_asciiz(w, ddesc);
}

bool rap_encode_session_enum(nt_wr *w, uint16_t rap_level, uint16_t bufsize)
{
    const char *d = rap_session_desc(rap_level);
    if (!w || !d)
        return false;
    put_header(w, RAP_OP_SESSION_ENUM, "WrLeh", d);
    nt_wr_u16(w, rap_level);
    nt_wr_u16(w, bufsize);
    return !w->bad;
}

bool rap_encode_session_getinfo(nt_wr *w, const nt_wchar *client, uint16_t rap_level, uint16_t bufsize)
{
    const char *d = rap_session_desc(rap_level);
    if (!w || !d)
        return false;
    put_header(w, RAP_OP_SESSION_GETINFO, "zWrLh", d);
    if (!put_oem(w, client))
        return false;
    nt_wr_u16(w, rap_level);
    nt_wr_u16(w, bufsize);
    return !w->bad;
}

bool rap_encode_session_del(nt_wr *w, const nt_wchar *client)
{
    if (!w)
        return false;
    put_header(w, RAP_OP_SESSION_DEL, "zW", "");
    if (!put_oem(w, client))
        return false;
    nt_wr_u16(w, 0); /* reserved */
    return !w->bad;
}

/* ---- responses ------------------------------------------------------------- */

/* The ASCIIZ string a pointer designates, as malloc'd UTF-16 in *out (NULL
 * for a null pointer).  Strings live after the fixed records (fixed_end). */
static uint32_t get_string(const uint8_t *data, size_t dlen, size_t fixed_end, uint16_t converter, uint32_t ptr,
                           nt_wchar **out)
{
    *out = NULL;
    if (ptr == 0)
        return NT_OK;
    uint16_t lo = (uint16_t)ptr;
    if (lo < converter)
        return NT_ERROR_UNEXP_NET_ERR;
    size_t off = (size_t)(lo - converter);
    if (off < fixed_end || off >= dlen)
        return NT_ERROR_UNEXP_NET_ERR;
    size_t max = dlen - off < RAP_MAX_STR + 1 ? dlen - off : RAP_MAX_STR + 1;
    const uint8_t *z = memchr(data + off, 0, max);
    if (!z)
        return NT_ERROR_UNEXP_NET_ERR; /* unterminated, or longer than RAP_MAX_STR */
    size_t n = (size_t)(z - (data + off));
    nt_wchar *w = nt_calloc(n + 1, sizeof(nt_wchar));
    if (!w)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    for (size_t i = 0; i < n; i++)
        w[i] = data[off + i]; /* Latin-1 */
    *out = w;
    return NT_OK;
}

/* One fixed record at rec (inside data) into *s, fields as the RAP level's
 * DataDesc says. */
static uint32_t decode_record(const uint8_t *data, size_t dlen, size_t rec, size_t fixed_end, uint16_t converter,
                              const rap_level_def *d, sess_info *s)
{
    size_t pos = rec;
    for (unsigned i = 0; d->desc[i]; i++) {
        char c = d->desc[i];
        uint8_t f = d->fields[i];
        uint32_t v = c == 'W' ? nt_le16(data + pos) : nt_le32(data + pos);
        pos += desc_item_size(c);
        if (f == RAP_SKIP)
            continue;
        if (c == 'z') {
            uint32_t st = get_string(data, dlen, fixed_end, converter, v, &s->str[f]);
            if (st != NT_OK)
                return st;
        } else {
            s->num[f] = v;
        }
        s->present |= 1u << f;
    }
    return NT_OK;
}

/* Keeps the fields our level has, fills what RAP lacks ("" or 0). */
static uint32_t project(sess_info *s, uint32_t level)
{
    const sess_level *l = sess_level_find(level);
    for (unsigned f = 0; f < SF_COUNT; f++) {
        uint32_t bit = 1u << f;
        if (!sess_level_has(l, (sess_field)f)) {
            free(s->str[f]);
            s->str[f] = NULL;
            s->num[f] = 0;
            s->present &= ~bit;
        } else if (!(s->present & bit)) {
            if (sess_field_is_string((sess_field)f) && !(s->str[f] = nt_calloc(1, sizeof(nt_wchar))))
                return NT_ERROR_NOT_ENOUGH_MEMORY;
            s->present |= bit;
        }
    }
    return NT_OK;
}

static uint32_t check_common(const uint8_t *par, size_t plen, uint32_t *status, uint16_t *converter)
{
    if (!status)
        return NT_ERROR_UNEXP_NET_ERR;
    *status = 0;
    if (!par || plen < 4)
        return NT_ERROR_UNEXP_NET_ERR;
    *status = rap_map_status(nt_le16(par));
    *converter = nt_le16(par + 2);
    return NT_OK;
}

/* In an ERROR_MORE_DATA answer, is the record at rec whole?  The server
 * ran out of room somewhere: a string it could not place has a null
 * pointer (MS-RAP 2.5.11), and one it cut to the room left (Samba does)
 * ends on the last byte of a data block filling the whole buffer asked for
 * (bufsize; 0 = unknown, no string taken as cut); either ends the usable
 * records.  A whole string that happens to end there is given up too
 * (counted as missing, never shown cut). */
static bool record_whole(const uint8_t *data, size_t dlen, size_t bufsize, size_t rec, uint16_t converter,
                         const rap_level_def *d)
{
    size_t pos = rec;
    for (unsigned i = 0; d->desc[i]; i++) {
        if (d->desc[i] == 'z') {
            uint32_t ptr = nt_le32(data + pos);
            uint16_t lo = (uint16_t)ptr;
            if (ptr == 0)
                return false;
            if (lo >= converter && (size_t)(lo - converter) < dlen) {
                size_t off = (size_t)(lo - converter);
                const uint8_t *z = memchr(data + off, 0, dlen - off);
                if (z && (size_t)(z - data) == dlen - 1 && dlen == bufsize)
                    return false;
            } /* else: decode_record refuses it */
        }
        pos += desc_item_size(d->desc[i]);
    }
    return true;
}

uint32_t rap_decode_session_enum(const uint8_t *par, size_t plen, const uint8_t *data, size_t dlen,
                                 uint16_t rap_level, uint32_t level, sess_list *out, uint32_t *status)
{
    return rap_decode_session_enum_buf(par, plen, data, dlen, 0, rap_level, level, out, status);
}

uint32_t rap_decode_session_enum_buf(const uint8_t *par, size_t plen, const uint8_t *data, size_t dlen,
                                     size_t bufsize, uint16_t rap_level, uint32_t level, sess_list *out,
                                     uint32_t *status)
{
    uint16_t conv = 0;
    if (!out)
        return NT_ERROR_UNEXP_NET_ERR;
    memset(out, 0, sizeof(*out));
    const rap_level_def *d = find_def(rap_level);
    if (!d || !sess_level_find(level) || !level_served_by(level, rap_level))
        return NT_ERROR_INVALID_LEVEL;
    uint32_t st = check_common(par, plen, status, &conv);
    out->level = level;
    if (st != NT_OK || (*status != NT_OK && *status != NT_ERROR_MORE_DATA))
        return st;
    if (plen < 8)
        return NT_ERROR_UNEXP_NET_ERR;
    uint32_t n = nt_le16(par + 4), avail = nt_le16(par + 6);
    size_t size = rap_session_record_size(rap_level);
    if (n > RAP_MAX_ENTRIES || (n && (!data || (size_t)n * size > dlen)))
        return NT_ERROR_UNEXP_NET_ERR; /* never trust a count beyond the data */
    out->total_entries = avail > n ? avail : n;
    uint32_t keep = n;
    for (uint32_t i = 0; *status == NT_ERROR_MORE_DATA && i < n; i++)
        if (!record_whole(data, dlen, bufsize, (size_t)i * size, conv, d)) {
            keep = i;
            break;
        }
    out->missing = *status == NT_ERROR_MORE_DATA ? out->total_entries - keep : 0; /* success: whole */
    if (keep == 0)
        return NT_OK;
    out->v = nt_calloc(keep, sizeof(sess_info));
    if (!out->v)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    for (uint32_t i = 0; i < keep; i++) {
        out->count = i + 1;
        st = decode_record(data, dlen, (size_t)i * size, (size_t)n * size, conv, d, &out->v[i]);
        if (st == NT_OK)
            st = project(&out->v[i], level);
        if (st != NT_OK) {
            sess_list_free(out);
            return st;
        }
    }
    return NT_OK;
}

uint32_t rap_decode_session_getinfo(const uint8_t *par, size_t plen, const uint8_t *data, size_t dlen,
                                    uint16_t rap_level, uint32_t level, sess_info *out, uint32_t *status,
                                    uint16_t *needed)
{
    uint16_t conv = 0;
    if (!out)
        return NT_ERROR_UNEXP_NET_ERR;
    memset(out, 0, sizeof(*out));
    if (needed)
        *needed = 0;
    const rap_level_def *d = find_def(rap_level);
    if (!d || !sess_level_find(level) || !level_served_by(level, rap_level))
        return NT_ERROR_INVALID_LEVEL;
    uint32_t st = check_common(par, plen, status, &conv);
    if (st != NT_OK)
        return st;
    if (plen >= 6 && needed)
        *needed = nt_le16(par + 4);
    if (*status != NT_OK)
        return NT_OK; /* also MORE_DATA / NERR_BufTooSmall: a partial record is no record */
    size_t size = rap_session_record_size(rap_level);
    if (plen < 6 || !data || dlen < size)
        return NT_ERROR_UNEXP_NET_ERR;
    st = decode_record(data, dlen, 0, size, conv, d, out);
    if (st == NT_OK)
        st = project(out, level);
    if (st != NT_OK)
        sess_info_clear(out);
    return st;
}

uint32_t rap_decode_session_del(const uint8_t *par, size_t plen, uint32_t *status)
{
    uint16_t conv;
    return check_common(par, plen, status, &conv);
}
