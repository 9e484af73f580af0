/*
 * The session operations over RAP (dll/rap) for servers without srvsvc
 * (Windows 9x/ME, OS/2 and LAN Manager servers, or any SMB1 server whose
 * srvsvc pipe does not exist): TRANSACTION on \PIPE\LANMAN through the
 * connection's np_transact.  Results go through the same level table,
 * filters, paging and packing as srvsvc's (session.c): only the fetch and
 * delete operations differ.  NetSessionDel by client name is one RAP
 * NetSessionDel (api_rap_del_client); by user name, which RAP cannot say,
 * it is a RAP NetSessionEnum and then one RAP NetSessionDel per client
 * whose sessions are all that user's (rap_del.c, where the rules are).
 *
 * Limits: RAP has no resume for NetSessionEnum, and its ReceiveBufferSize
 * is 16 bits, so the whole list must fit one answer of at most 65535 data
 * bytes (about 1000 sessions as Samba describes them, 64 bytes each).  The
 * first ask is RAP_RECV_BUF bytes (enough for a few hundred); an answer of
 * ERROR_MORE_DATA is asked once more with RAP_RECV_MAX (the server sends
 * only the bytes it uses, and an Enum answer carries an entry count but no
 * byte count, so no smaller size could be computed that is sure to fit).
 * Samba answers ERROR_NOT_SUPPORTED instead when even the fixed-size
 * records exceed the buffer (more than 16000 / 30 = 533 sessions), so that
 * refusal at the last candidate RAP level is asked once more at
 * RAP_RECV_MAX as well.  A list that still does not fit comes back as the
 * whole entries that did (dll/rap keeps no cut ones) with
 * sess_list.missing set: NetSessionEnum then returns ERROR_MORE_DATA with
 * totalentries counting the missing entries, and its resume handle ends the
 * walk (session.c); not one whole entry in 64 KiB (a protocol violation for
 * MS-RAP; Samba with 2180-2184 sessions) is ERROR_UNEXP_NET_ERR.
 */
#include "session_int.h"

#include "../rap/rap.h"

#include <stdlib.h>
#include <string.h>

#define RAP_RECV_BUF 16000u
#define RAP_RECV_MAX 0xFFFFu
#define RAP_PIPE "\\PIPE\\LANMAN"

bool api_rap_instead(const np_conn *c, uint32_t open_status)
{
    if (!c || !c->ops || !c->ops->transact)
        return false; /* SMB2 has no TRANSACTION */
    if (open_status == NT_OK) {
        char *v = nt_getenv("NETAPI32_FORCE_RAP");
        bool force = v && strcmp(v, "1") == 0;
        free(v);
        if (force)
            nt_trace("NETAPI32_FORCE_RAP=1: using RAP instead of srvsvc (diagnostic)");
        return force;
    }
    if (open_status == NT_RPC_S_SERVER_UNAVAILABLE) {
        nt_trace("the server has no srvsvc pipe: using RAP on \\PIPE\\LANMAN");
        return true;
    }
    return false;
}

bool api_rap_after_bind(const np_conn *c, uint32_t bind_status)
{
    if (!c || !c->ops || !c->ops->transact)
        return false; /* SMB2: the refusal stands */
    if (bind_status != NT_RPC_S_SERVER_UNAVAILABLE && bind_status != NT_RPC_S_UNKNOWN_IF)
        return false; /* transport failures and the like are not a refusal of srvsvc */
    nt_trace("the server refused the srvsvc bind (%u): using RAP on \\PIPE\\LANMAN", (unsigned)bind_status);
    return true;
}

/* One RAP call: the parameter block in w (freed here) out, the answer (at
 * most max_data data bytes) in r. */
static uint32_t rap_call(const np_conn *c, nt_wr *w, uint16_t max_data, np_transact_resp *r)
{
    memset(r, 0, sizeof(*r));
    if (w->bad) {
        nt_wr_free(w);
        return NT_ERROR_INVALID_PARAMETER;
    }
    np_transact_req q = {RAP_PIPE, w->p, w->len, NULL, 0, 8, max_data};
    uint32_t st = np_transact(c, &q, r);
    nt_wr_free(w);
    return st;
}

static void resp_free(np_transact_resp *r)
{
    free(r->param);
    free(r->data);
    memset(r, 0, sizeof(*r));
}

/* One NetSessionEnum at RAP level lv with a receive buffer of bufsize
 * bytes, decoded into a->out; the server's status in *status. */
static uint32_t enum_once(const np_conn *c, fetch_arg *a, uint16_t lv, uint16_t bufsize, uint32_t *status)
{
    nt_wr w;
    nt_wr_init(&w, 0);
    if (!rap_encode_session_enum(&w, lv, bufsize))
        w.bad = true;
    np_transact_resp r;
    *status = 0;
    uint32_t st = rap_call(c, &w, bufsize, &r);
    if (st)
        return st;
    st = rap_decode_session_enum_buf(r.param, r.paramlen, r.data, r.datalen, bufsize, lv, a->level, a->out, status);
    resp_free(&r);
    nt_trace("rap: NetSessionEnum RAP level %u for level %u, buffer %u -> %u, status %u, %u entries, %u missing",
             (unsigned)lv, (unsigned)a->level, (unsigned)bufsize, (unsigned)st, (unsigned)*status,
             (unsigned)(st ? 0 : a->out->count), (unsigned)(st ? 0 : a->out->missing));
    return st;
}

/* The list at RAP level lv: asked at RAP_RECV_BUF, once more at
 * RAP_RECV_MAX when it did not fit (see Limits above). */
static uint32_t enum_level(const np_conn *c, fetch_arg *a, uint16_t lv, bool last, uint32_t *status)
{
    uint32_t st = enum_once(c, a, lv, RAP_RECV_BUF, status);
    if (st == NT_OK && (*status == NT_ERROR_MORE_DATA || (last && *status == NT_ERROR_NOT_SUPPORTED))) {
        sess_list_free(a->out);
        st = enum_once(c, a, lv, RAP_RECV_MAX, status);
    }
    if (st == NT_OK && *status == NT_ERROR_MORE_DATA) {
        if (a->out->count == 0) /* not one whole entry in 64 KiB: nothing usable */
            return NT_ERROR_UNEXP_NET_ERR;
        nt_trace("rap: the list does not fit one answer: %u entries, %u more the server could not send",
                 (unsigned)a->out->count, (unsigned)a->out->missing);
        *status = NT_OK; /* the partial list, marked by out->missing */
    }
    return st;
}

uint32_t api_rap_fetch(const np_conn *c, void *varg)
{
    fetch_arg *a = varg;
    uint16_t lv[2];
    unsigned n = rap_session_levels_for(a->level, lv);
    a->ans.werr = NT_ERROR_INVALID_LEVEL;
    a->ans.fault = 0;
    for (unsigned i = 0; i < n; i++) {
        uint32_t status = 0;
        uint32_t st = enum_level(c, a, lv[i], i + 1 == n, &status);
        if (st) {
            sess_list_free(a->out);
            return st;
        }
        if (rap_status_refuses_level(status) && i + 1 < n) {
            sess_list_free(a->out);
            continue;
        }
        a->ans.werr = status;
        return NT_OK;
    }
    return NT_OK;
}

/* One RAP NetSessionDel of client (as given: the caller's or the listed
 * name); the server's mapped status in *status. */
uint32_t api_rap_del_client(const np_conn *c, const nt_wchar *client, uint32_t *status)
{
    *status = 0;
    nt_wr w;
    nt_wr_init(&w, 0);
    if (!rap_encode_session_del(&w, client))
        w.bad = true;
    np_transact_resp r;
    uint32_t st = rap_call(c, &w, RAP_RECV_BUF, &r);
    if (st)
        return st;
    st = rap_decode_session_del(r.param, r.paramlen, status);
    resp_free(&r);
    nt_trace("rap: NetSessionDel of one client -> %u, status %u", (unsigned)st, (unsigned)*status);
    return st;
}
