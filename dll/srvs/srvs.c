/*
 * MS-SRVS NetrSessionEnum (opnum 12) and NetrSessionDel (opnum 13): NDR 2.0
 * encoding of the requests and strict decoding of the responses, driven by
 * the table in levels.c.
 *
 * Response layout of NetrSessionEnum (all 4-byte aligned):
 *   InfoStruct:  Level, union discriminant, container pointer
 *   container:   EntriesRead, Buffer pointer
 *   Buffer:      max_count, fixed part of each entry (string pointers as
 *                referent ids, DWORDs), then every non-null string in order
 *                (max_count, offset, actual_count, UTF-16LE chars, pad)
 *   TotalEntries, ResumeHandle pointer (+ value), NET_API_STATUS
 */
#include "srvs.h"

#include <stdlib.h>
#include <string.h>

/* Longest string we send (characters, without NUL). */
#define SRVS_MAX_STR 4096u

/* ---- encoding ---------------------------------------------------------------- */
/* [string, unique] wchar_t*: referent id, then max_count, offset 0,
 * actual_count (both incl. NUL), characters, pad to 4. */
static void put_unique_string(nt_wr *w, const nt_wchar *s, uint32_t *refid)
{
    if (!s) {
        nt_wr_u32(w, 0);
        return;
    }
    size_t n = nt_wcslen(s);
    if (n > SRVS_MAX_STR) {
        w->bad = true;
        return;
    }
    nt_wr_u32(w, *refid);
    *refid += 4;
    nt_wr_u32(w, (uint32_t)n + 1);
    nt_wr_u32(w, 0);
    nt_wr_u32(w, (uint32_t)n + 1);
    for (size_t i = 0; i <= n; i++)
        nt_wr_u16(w, s[i]); /* includes the NUL */
    nt_wr_align(w, 4);
}

bool srvs_encode_session_enum(nt_wr *w, const nt_wchar *server_unc, const nt_wchar *client,
                              const nt_wchar *user, uint32_t level, uint32_t prefmaxlen,
                              const uint32_t *resume_handle)
{
    if (!w || !sess_level_find(level))
        return false;
    uint32_t refid = 0x00020000;
    put_unique_string(w, server_unc, &refid);
    put_unique_string(w, client, &refid);
    put_unique_string(w, user, &refid);
    /* [in,out] LPSESSION_ENUM_STRUCT (ref: no referent id) */
    nt_wr_u32(w, level);       /* Level */
    nt_wr_u32(w, level);       /* union discriminant */
    nt_wr_u32(w, refid);       /* pointer to the container */
    refid += 4;
    nt_wr_u32(w, 0);           /* EntriesRead */
    nt_wr_u32(w, 0);           /* Buffer: NULL */
    nt_wr_u32(w, prefmaxlen);  /* PreferedMaximumLength */
    if (resume_handle) {       /* [in,out,unique] LPDWORD ResumeHandle */
        nt_wr_u32(w, refid);
        nt_wr_u32(w, *resume_handle);
    } else {
        nt_wr_u32(w, 0);
    }
    return !w->bad;
}

bool srvs_encode_session_del(nt_wr *w, const nt_wchar *server_unc, const nt_wchar *client,
                             const nt_wchar *user)
{
    if (!w)
        return false;
    uint32_t refid = 0x00020000;
    put_unique_string(w, server_unc, &refid);
    put_unique_string(w, client, &refid);
    put_unique_string(w, user, &refid);
    return !w->bad;
}

/* ---- decoding ---------------------------------------------------------------- */
/* Conformant varying string (the pointee of a non-null string pointer). */
static uint32_t get_string(nt_rd *r, nt_wchar **out)
{
    uint32_t maxc, off, act;
    *out = NULL;
    nt_rd_align(r, 4);
    nt_rd_u32(r, &maxc);
    nt_rd_u32(r, &off);
    nt_rd_u32(r, &act);
    if (r->bad || off != 0 || act == 0 || maxc < act || act > nt_rd_left(r) / 2)
        return NT_ERROR_UNEXP_NET_ERR;
    nt_wchar *s = nt_calloc(act, sizeof(nt_wchar));
    if (!s)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    for (uint32_t i = 0; i < act; i++)
        nt_rd_u16(r, &s[i]);
    if (r->bad || s[act - 1] != 0) { /* unterminated */
        free(s);
        return NT_ERROR_UNEXP_NET_ERR;
    }
    *out = s;
    return NT_OK;
}

static uint32_t decode_entries(nt_rd *r, const sess_level *lv, uint32_t count, sess_list *out)
{
    uint32_t maxc;
    if (!nt_rd_u32(r, &maxc) || maxc != count)
        return NT_ERROR_UNEXP_NET_ERR;
    /* Every entry's fixed part is nfields DWORDs / referent ids on the wire. */
    size_t fixed = (size_t)lv->nfields * 4;
    if (count > SRVS_MAX_ENTRIES || count > nt_rd_left(r) / fixed)
        return NT_ERROR_UNEXP_NET_ERR;
    if (count == 0)
        return NT_OK;
    out->v = nt_calloc(count, sizeof(sess_info));
    if (!out->v)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    out->count = count;

    uint32_t all = 0;
    for (unsigned k = 0; k < lv->nfields; k++)
        all |= 1u << lv->fields[k];
    /* Fixed parts; refs[] remembers which string pointers are non-null, their
     * pointees follow all the fixed parts, in the same order. */
    uint8_t *refs = nt_calloc((size_t)count * lv->nfields, 1);
    if (!refs)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    for (uint32_t i = 0; i < count; i++) {
        sess_info *e = &out->v[i];
        e->present = all;
        for (unsigned k = 0; k < lv->nfields; k++) {
            uint32_t v;
            nt_rd_u32(r, &v);
            if (sess_field_is_string((sess_field)lv->fields[k]))
                refs[(size_t)i * lv->nfields + k] = v != 0;
            else
                e->num[lv->fields[k]] = v;
        }
    }
    uint32_t st = r->bad ? NT_ERROR_UNEXP_NET_ERR : NT_OK;
    for (uint32_t i = 0; i < count && st == NT_OK; i++)
        for (unsigned k = 0; k < lv->nfields && st == NT_OK; k++)
            if (refs[(size_t)i * lv->nfields + k])
                st = get_string(r, &out->v[i].str[lv->fields[k]]);
    free(refs);
    return st;
}

uint32_t srvs_decode_session_enum(const uint8_t *stub, size_t len, uint32_t level, sess_list *out,
                                  uint32_t *werr)
{
    if (!out || !werr)
        return NT_ERROR_INVALID_PARAMETER;
    memset(out, 0, sizeof(*out));
    *werr = 0;
    out->level = level;
    const sess_level *lv = sess_level_find(level);
    if (!lv || !stub)
        return NT_ERROR_UNEXP_NET_ERR;

    nt_rd r;
    nt_rd_init(&r, stub, len);
    uint32_t lvl, disc, ctr_ptr, total, rh_ptr, rh = 0, status;
    uint32_t st = NT_OK;
    nt_rd_u32(&r, &lvl);
    nt_rd_u32(&r, &disc);
    nt_rd_u32(&r, &ctr_ptr);
    if (r.bad || lvl != level || disc != level)
        return NT_ERROR_UNEXP_NET_ERR;
    if (ctr_ptr) {
        uint32_t count, buf_ptr;
        nt_rd_u32(&r, &count);
        nt_rd_u32(&r, &buf_ptr);
        if (r.bad || (!buf_ptr && count != 0))
            st = NT_ERROR_UNEXP_NET_ERR;
        else if (buf_ptr)
            st = decode_entries(&r, lv, count, out);
    }
    if (st == NT_OK) {
        nt_rd_align(&r, 4);
        nt_rd_u32(&r, &total);
        nt_rd_u32(&r, &rh_ptr);
        if (rh_ptr)
            nt_rd_u32(&r, &rh);
        nt_rd_u32(&r, &status);
        if (r.bad)
            st = NT_ERROR_UNEXP_NET_ERR;
    }
    if (st == NT_OK) {
        /* Only zero padding to an 8-byte boundary may follow. */
        size_t left = nt_rd_left(&r);
        if (left != 0 && (left >= 8 || len % 8 != 0))
            st = NT_ERROR_UNEXP_NET_ERR;
        for (size_t i = 0; st == NT_OK && i < left; i++) {
            uint8_t b;
            if (!nt_rd_u8(&r, &b) || b != 0)
                st = NT_ERROR_UNEXP_NET_ERR;
        }
    }
    if (st != NT_OK) {
        sess_list_free(out);
        out->level = level;
        return st;
    }
    out->total_entries = total;
    out->has_resume = rh_ptr != 0;
    out->resume_handle = rh;
    *werr = status;
    if (status != NT_OK && status != NT_ERROR_MORE_DATA) {
        uint32_t t = out->total_entries;
        bool hr = out->has_resume;
        sess_list_free(out);
        out->total_entries = t;
        out->has_resume = hr;
        out->resume_handle = rh;
    }
    return NT_OK;
}

uint32_t srvs_decode_session_del(const uint8_t *stub, size_t len, uint32_t *werr)
{
    if (!werr)
        return NT_ERROR_INVALID_PARAMETER;
    *werr = 0;
    nt_rd r;
    nt_rd_init(&r, stub, len);
    if (len != 4 || !nt_rd_u32(&r, werr))
        return NT_ERROR_UNEXP_NET_ERR;
    return NT_OK;
}

/* ---- operations ---------------------------------------------------------------- */
uint32_t srvs_answer_status(const srvs_answer *a)
{
    return a->fault ? rpc_fault_status(a->fault) : a->werr;
}

/* One REQUEST with a prepared stub; *resp is NULL when the server faulted. */
static uint32_t srvs_call(rpc_conn *c, uint16_t opnum, nt_wr *w, uint8_t **resp, size_t *rlen, srvs_answer *ans)
{
    uint32_t st = rpc_call(c, opnum, w->p, w->len, resp, rlen, &ans->fault);
    nt_wr_free(w);
    return st;
}

uint32_t srvs_session_enum(rpc_conn *c, const nt_wchar *server_unc, const nt_wchar *client,
                           const nt_wchar *user, uint32_t level, uint32_t prefmaxlen,
                           uint32_t *resume_handle, sess_list *out, srvs_answer *ans)
{
    if (!c || !out || !ans)
        return NT_ERROR_INVALID_PARAMETER;
    memset(out, 0, sizeof(*out));
    memset(ans, 0, sizeof(*ans));
    out->level = level;
    if (!sess_level_find(level))
        return NT_ERROR_INVALID_LEVEL;
    nt_wr w;
    nt_wr_init(&w, 0xFFFF);
    if (!srvs_encode_session_enum(&w, server_unc, client, user, level, prefmaxlen, resume_handle)) {
        nt_wr_free(&w);
        return NT_ERROR_INVALID_PARAMETER;
    }
    uint8_t *resp = NULL;
    size_t rlen = 0;
    uint32_t st = srvs_call(c, SRVS_OPNUM_SESSION_ENUM, &w, &resp, &rlen, ans);
    if (st != NT_OK || ans->fault)
        return st;
    st = srvs_decode_session_enum(resp, rlen, level, out, &ans->werr);
    free(resp);
    if (st != NT_OK)
        return st;
    if (resume_handle && out->has_resume)
        *resume_handle = out->resume_handle;
    nt_trace("srvs: NetrSessionEnum level %u -> werr %u, %u entries (total %u)", level, ans->werr, out->count,
             out->total_entries);
    return NT_OK;
}

uint32_t srvs_session_del(rpc_conn *c, const nt_wchar *server_unc, const nt_wchar *client,
                          const nt_wchar *user, srvs_answer *ans)
{
    if (!c || !ans)
        return NT_ERROR_INVALID_PARAMETER;
    memset(ans, 0, sizeof(*ans));
    nt_wr w;
    nt_wr_init(&w, 0xFFFF);
    if (!srvs_encode_session_del(&w, server_unc, client, user)) {
        nt_wr_free(&w);
        return NT_ERROR_INVALID_PARAMETER;
    }
    uint8_t *resp = NULL;
    size_t rlen = 0;
    uint32_t st = srvs_call(c, SRVS_OPNUM_SESSION_DEL, &w, &resp, &rlen, ans);
    if (st != NT_OK || ans->fault)
        return st;
    st = srvs_decode_session_del(resp, rlen, &ans->werr);
    free(resp);
    nt_trace("srvs: NetrSessionDel -> %u werr %u", st, ans->werr);
    return st;
}

/* Moves src's entries to the end of dst (false: allocation failed). */
static bool list_append(sess_list *dst, sess_list *src)
{
    if (src->count == 0)
        return true;
    sess_info *nv = realloc(dst->v, sizeof(sess_info) * ((size_t)dst->count + src->count));
    if (!nv)
        return false;
    memcpy(nv + dst->count, src->v, sizeof(sess_info) * src->count);
    dst->v = nv;
    dst->count += src->count;
    free(src->v); /* the strings now belong to dst */
    src->v = NULL;
    src->count = 0;
    return true;
}

/* One more page: NT_OK and *done, or the status that ends the walk. */
static uint32_t enum_page(rpc_conn *c, const nt_wchar *server_unc, const nt_wchar *client, const nt_wchar *user,
                          uint32_t level, uint32_t *resume, sess_list *out, srvs_answer *ans, bool *done)
{
    sess_list part;
    uint32_t sent = *resume;
    uint32_t st = srvs_session_enum(c, server_unc, client, user, level, 0xFFFFFFFFu, resume, &part, ans);
    *done = true;
    if (st != NT_OK || ans->fault || (ans->werr != NT_OK && ans->werr != NT_ERROR_MORE_DATA)) {
        sess_list_free(&part);
        return st;
    }
    if (part.count > SRVS_MAX_ENTRIES - out->count) {
        nt_trace("srvs: the server's pages hold more than %u entries", SRVS_MAX_ENTRIES);
        st = NT_ERROR_UNEXP_NET_ERR;
    } else if (ans->werr == NT_ERROR_MORE_DATA && (!part.has_resume || part.resume_handle == sent || !part.count)) {
        nt_trace("srvs: ERROR_MORE_DATA without progress (resume %s 0x%08x -> 0x%08x, %u entries)",
                 part.has_resume ? "handle" : "pointer null", sent, part.resume_handle, part.count);
        st = NT_ERROR_UNEXP_NET_ERR;
    } else if (!list_append(out, &part)) {
        st = NT_ERROR_NOT_ENOUGH_MEMORY;
    } else {
        out->total_entries = part.total_entries;
        *done = ans->werr == NT_OK;
    }
    sess_list_free(&part);
    return st;
}

uint32_t srvs_session_enum_all(rpc_conn *c, const nt_wchar *server_unc, const nt_wchar *client,
                               const nt_wchar *user, uint32_t level, sess_list *out, srvs_answer *ans)
{
    if (!c || !out || !ans)
        return NT_ERROR_INVALID_PARAMETER;
    memset(out, 0, sizeof(*out));
    memset(ans, 0, sizeof(*ans));
    out->level = level;
    uint32_t resume = 0;
    uint32_t st = NT_OK;
    bool done = false;
    unsigned pages = 0;
    while (st == NT_OK && !done) {
        if (pages++ == SRVS_MAX_PAGES) {
            nt_trace("srvs: the server still has more after %u pages", SRVS_MAX_PAGES);
            st = NT_ERROR_UNEXP_NET_ERR;
            break;
        }
        st = enum_page(c, server_unc, client, user, level, &resume, out, ans, &done);
    }
    if (st != NT_OK || ans->fault || ans->werr != NT_OK) {
        sess_list_free(out);
        out->level = level;
    }
    if (st == NT_OK && pages > 1)
        nt_trace("srvs: NetrSessionEnum level %u: %u pages, %u entries", level, pages, out->count);
    return st;
}
