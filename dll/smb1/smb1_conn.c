/* The SMB1 connection: NetBIOS framing, signing of each message, one
 * deadline per request, the request/response check, and connect/close
 * tying the per-command files together.  One request in flight at a time
 * (the API layer serialises callers). */
#include "smb1_conn.h"

#include "../common/deadline.h"
#include "../smb2/smb2_int.h" /* the NTSTATUS values and their Win32 map */

#include <stdlib.h>
#include <string.h>

uint32_t smb1_poison(smb1_conn *c, uint32_t st)
{
    c->dead = true;
    return st;
}

static uint64_t deadline_of(const smb1_conn *c)
{
    return nt_request_deadline(c->timeout_ms, c->call_deadline);
}

void smb1_req_init(nt_wr *w, uint8_t cmd, size_t body)
{
    nt_wr_init(w, 0);
    nt_wr_presize(w, SMB1_HDR_LEN + body);
    nt_wr_zeros(w, SMB1_HDR_LEN);
    if (!w->bad)
        w->p[4] = cmd;
}

/* Fills in the header of the request in w from the connection's state. */
static void stamp(smb1_conn *c, nt_wr *w)
{
    smb1_hdr h = {0};
    h.command = w->p[4];
    h.flags = SMB1_FLAGS_CASE_INSENSITIVE | SMB1_FLAGS_CANONICAL;
    h.flags2 = SMB1_FLAGS2_LONG_NAMES | SMB1_FLAGS2_NT_STATUS | SMB1_FLAGS2_UNICODE;
    if (!c->no_extsec)
        h.flags2 |= SMB1_FLAGS2_EXT_SEC;
    if (c->signing || c->ask_signing)
        h.flags2 |= SMB1_FLAGS2_SIGNATURE;
    h.tid = c->tid;
    h.uid = c->uid;
    h.pid = c->pid;
    h.mid = c->mid;
    smb1_hdr_encode(&h, w->p);
}

static uint32_t send_msg(smb1_conn *c, const uint8_t *m, size_t len, uint64_t deadline)
{
    uint32_t ms;
    if (len > SMB1_MAX_MSG)
        return NT_ERROR_INVALID_PARAMETER;
    if (!nt_ms_left(deadline, &ms))
        return NT_ERROR_SEM_TIMEOUT;
    uint8_t nb[4] = {0, (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len};
    uint32_t st = net_send_all(c->net, nb, 4, ms);
    if (st == NT_OK)
        st = nt_ms_left(deadline, &ms) ? net_send_all(c->net, m, len, ms) : NT_ERROR_SEM_TIMEOUT;
    return st;
}

/* One session message (keep-alives skipped), whatever its family. */
static uint32_t recv_msg(smb1_conn *c, uint8_t **out, size_t *outlen, uint64_t deadline)
{
    return net_recv_frame(c->net, 4, SMB1_MAX_MSG, deadline, out, outlen);
}

uint32_t smb1_exchange_raw(smb1_conn *c, nt_wr *w, uint8_t **m, size_t *len)
{
    uint64_t deadline = deadline_of(c);
    uint32_t st = w->bad ? NT_ERROR_NOT_ENOUGH_MEMORY : NT_OK;
    if (st == NT_OK) {
        stamp(c, w);
        c->mid++;
        c->round_trips++;
        st = send_msg(c, w->p, w->len, deadline);
    }
    nt_wr_free(w);
    if (st == NT_OK)
        st = recv_msg(c, m, len, deadline);
    return st ? smb1_poison(c, st) : NT_OK;
}

void smb1_resp_free(smb1_resp *r)
{
    if (r->m) {
        nt_wipe(r->m, r->len);
        free(r->m);
    }
    memset(r, 0, sizeof(*r));
}

/* The response r->m answers the request (cmd, mid) authentically. */
static uint32_t check_response(smb1_conn *c, uint8_t cmd, uint16_t mid, uint32_t seq, smb1_resp *r)
{
    if (smb1_hdr_parse(r->m, r->len, &r->h) != NT_OK || r->h.command != cmd || r->h.mid != mid) {
        nt_trace("smb1: %s: response does not answer the request", smb1_cmd_name(cmd));
        return NT_ERROR_UNEXP_NET_ERR;
    }
    if (c->signing && !smb1_verify(c->mac_key, c->mac_key_len, seq + 1, r->m, r->len)) {
        nt_trace("smb1: %s: bad response signature", smb1_cmd_name(cmd));
        return NT_ERROR_UNEXP_NET_ERR;
    }
    size_t n = 0;
    if (smb1_walk(r->m, r->len, &r->b, 1, &n) != NT_OK) {
        nt_trace("smb1: %s: malformed response blocks", smb1_cmd_name(cmd));
        return NT_ERROR_UNEXP_NET_ERR;
    }
    if (!(r->h.flags2 & SMB1_FLAGS2_NT_STATUS) && r->h.status != 0)
        return NT_ERROR_UNEXP_NET_ERR; /* DOS error classes: we asked for NT status */
    return NT_OK;
}

/* Receives the response to (cmd, mid, seq) into r and checks it: NT_OK, a
 * mapped error status (the connection stays usable unless the share or
 * session is gone), or a transport/protocol failure that poisons it. */
static uint32_t receive(smb1_conn *c, uint8_t cmd, uint16_t mid, uint32_t seq, uint32_t also_ok, uint64_t deadline,
                        smb1_resp *r)
{
    uint32_t st = recv_msg(c, &r->m, &r->len, deadline);
    if (st == NT_OK)
        st = check_response(c, cmd, mid, seq, r);
    if (st) {
        smb1_resp_free(r);
        return smb1_poison(c, st);
    }
    r->seq = seq;
    if (r->h.status != STATUS_SUCCESS && r->h.status != also_ok) {
        uint32_t s = r->h.status;
        nt_trace("smb1: %s: status 0x%08x", smb1_cmd_name(cmd), (unsigned)s);
        smb1_resp_free(r);
        st = smb2_map_status(s);
        if (st == NT_ERROR_NETNAME_DELETED)
            smb1_poison(c, st);
        return st == NT_OK ? NT_ERROR_UNEXP_NET_ERR : st;
    }
    return NT_OK;
}

uint32_t smb1_request(smb1_conn *c, nt_wr *w, uint32_t also_ok, smb1_resp *r)
{
    memset(r, 0, sizeof(*r));
    if (c->dead) {
        nt_wr_free(w);
        return NT_ERROR_NETNAME_DELETED;
    }
    if (w->bad) {
        nt_wr_free(w);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    uint64_t deadline = deadline_of(c);
    uint8_t cmd = w->p[4];
    uint16_t mid = c->mid++;
    uint32_t seq = c->seq;
    stamp(c, w);
    nt_put_le16(w->p + 30, mid);
    uint32_t st = NT_OK;
    if (c->signing) {
        c->seq += 2;
        if (!smb1_sign(c->mac_key, c->mac_key_len, seq, w->p, w->len))
            st = NT_ERROR_UNEXP_NET_ERR;
    }
    c->round_trips++;
    if (st == NT_OK)
        st = send_msg(c, w->p, w->len, deadline);
    nt_wr_free(w);
    if (st)
        return smb1_poison(c, st);
    return receive(c, cmd, mid, seq, also_ok, deadline, r);
}

uint32_t smb1_response_more(smb1_conn *c, const smb1_resp *first, uint32_t also_ok, smb1_resp *r)
{
    uint8_t cmd = first->h.command;
    uint16_t mid = first->h.mid;
    uint32_t seq = first->seq;
    memset(r, 0, sizeof(*r));
    if (c->dead)
        return NT_ERROR_NETNAME_DELETED;
    return receive(c, cmd, mid, seq, also_ok, deadline_of(c), r);
}

/* Sends a request whose answer only matters as a transport outcome. */
static void simple_call(smb1_conn *c, uint8_t cmd, const uint8_t *words, uint8_t nwords)
{
    nt_wr w;
    smb1_req_init(&w, cmd, 3 + nwords * 2u);
    nt_wr_u8(&w, nwords);
    nt_wr_bytes(&w, words, nwords * 2u);
    nt_wr_u16(&w, 0);
    smb1_resp r;
    if (smb1_request(c, &w, 0, &r) == NT_OK)
        smb1_resp_free(&r);
}

void smb1_close(smb1_conn *c, bool polite)
{
    if (!c)
        return;
    if (polite && !c->dead && c->net) {
        static const uint8_t logoff[4] = {SMB1_NO_ANDX, 0, 0, 0};
        if (c->tid)
            simple_call(c, SMB1_COM_TREE_DISCONNECT, NULL, 0);
        if (c->uid)
            simple_call(c, SMB1_COM_LOGOFF_ANDX, logoff, 2);
    }
    if (c->net)
        net_close(c->net);
    nt_wipe(c, sizeof(*c));
    free(c);
}

void smb1_pipe_close_call(smb1_conn *c, uint16_t fid)
{
    uint8_t words[6] = {(uint8_t)fid, (uint8_t)(fid >> 8), 0xFF, 0xFF, 0xFF, 0xFF};
    simple_call(c, SMB1_COM_CLOSE, words, 3);
}

uint32_t smb1_connect(const np_target *t, const nt_creds *creds, smb1_conn **out)
{
    *out = NULL;
    smb1_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    c->timeout_ms = t->timeout_ms ? t->timeout_ms : NET_DEFAULT_REQUEST_TIMEOUT_MS;
    c->call_deadline = t->deadline_ms;
    uint16_t r16 = 0;
    nt_random(&r16, sizeof(r16));
    c->pid = (uint16_t)(r16 | 1);
    uint32_t cto = t->connect_timeout_ms ? t->connect_timeout_ms : NET_DEFAULT_CONNECT_TIMEOUT_MS;
    uint32_t ms = 0;
    if (t->deadline_ms && (!nt_ms_left(t->deadline_ms, &ms) || ms < cto))
        cto = ms ? ms : 1;
    uint32_t st = net_connect(t->host, t->port ? t->port : NET_DEFAULT_SMB_PORT, cto, &c->net);
    const char *unc = t->unc_server ? t->unc_server : t->host;
    char *ne = nt_getenv("NETAPI32_SMB1_NO_EXTSEC");
    c->no_extsec = ne && strcmp(ne, "1") == 0; /* diagnostic: ask for the non-extended logon */
    free(ne);
    if (st == NT_OK)
        st = smb1_negotiate(c);
    if (st == NT_OK)
        st = smb1_session_setup(c, t->mech, unc, creds);
    if (st == NT_OK)
        st = smb1_tree_connect(c, unc);
    if (st != NT_OK) {
        smb1_close(c, false);
        return st;
    }
    c->call_deadline = 0;
    *out = c;
    return NT_OK;
}
