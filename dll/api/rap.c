/*
 * The session operations over RAP (dll/rap) for servers without srvsvc
 * (Windows 9x/ME, OS/2 and LAN Manager servers, or any SMB1 server whose
 * srvsvc pipe does not exist): TRANSACTION on \PIPE\LANMAN through the
 * connection's np_transact.  Results go through the same level table,
 * filters, paging and packing as srvsvc's (session.c): only the fetch and
 * delete operations differ.
 *
 * Limits: the answer to one NetSessionEnum must fit one TRANSACTION
 * response (RAP_RECV_BUF bytes, several hundred sessions); a longer list
 * comes back truncated (the server says ERROR_MORE_DATA, which is traced).
 * RAP has no resume for NetSessionEnum.
 */
#include "session_int.h"

#include "../rap/rap.h"

#include <stdlib.h>
#include <string.h>

#define RAP_RECV_BUF 16000u
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

/* One RAP call: the parameter block in w (freed here) out, the answer in r. */
static uint32_t rap_call(const np_conn *c, nt_wr *w, np_transact_resp *r)
{
    memset(r, 0, sizeof(*r));
    if (w->bad) {
        nt_wr_free(w);
        return NT_ERROR_INVALID_PARAMETER;
    }
    np_transact_req q = {RAP_PIPE, w->p, w->len, NULL, 0, 8, RAP_RECV_BUF};
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

uint32_t api_rap_fetch(const np_conn *c, void *varg)
{
    fetch_arg *a = varg;
    uint16_t lv[2];
    unsigned n = rap_session_levels_for(a->level, lv);
    a->ans.werr = NT_ERROR_INVALID_LEVEL;
    a->ans.fault = 0;
    for (unsigned i = 0; i < n; i++) {
        nt_wr w;
        nt_wr_init(&w, 0);
        if (!rap_encode_session_enum(&w, lv[i], (uint16_t)RAP_RECV_BUF))
            w.bad = true;
        np_transact_resp r;
        uint32_t st = rap_call(c, &w, &r);
        if (st)
            return st;
        uint32_t status = 0;
        st = rap_decode_session_enum(r.param, r.paramlen, r.data, r.datalen, lv[i], a->level, a->out, &status);
        resp_free(&r);
        nt_trace("rap: NetSessionEnum RAP level %u for level %u -> %u, status %u, %u entries", (unsigned)lv[i],
                 (unsigned)a->level, (unsigned)st, (unsigned)status, (unsigned)(st ? 0 : a->out->count));
        if (st)
            return st;
        if (rap_status_refuses_level(status) && i + 1 < n) {
            sess_list_free(a->out);
            continue;
        }
        if (status == NT_ERROR_MORE_DATA) {
            nt_trace("rap: the list did not fit one answer: truncated to %u entries", (unsigned)a->out->count);
            status = NT_OK;
        }
        a->ans.werr = status;
        return NT_OK;
    }
    return NT_OK;
}

uint32_t api_rap_del(const np_conn *c, void *varg)
{
    del_arg *a = varg;
    a->ans.fault = 0;
    if (a->user || !a->client) {
        nt_trace("rap: NetSessionDel deletes by client name only: a user filter or no client is not supported");
        a->ans.werr = NT_ERROR_NOT_SUPPORTED;
        return NT_OK;
    }
    nt_wr w;
    nt_wr_init(&w, 0);
    if (!rap_encode_session_del(&w, a->client))
        w.bad = true;
    np_transact_resp r;
    uint32_t st = rap_call(c, &w, &r);
    if (st)
        return st;
    uint32_t status = 0;
    st = rap_decode_session_del(r.param, r.paramlen, &status);
    resp_free(&r);
    nt_trace("rap: NetSessionDel -> %u, status %u", (unsigned)st, (unsigned)status);
    a->ans.werr = status;
    return st;
}
