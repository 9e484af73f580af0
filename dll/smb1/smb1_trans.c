/* SMB1 TRANSACTION on a named pipe: TransactNmPipe on "\PIPE\" (setup
 * words 0x0026, FID) and RAP on "\PIPE\LANMAN" (no setup words).  The
 * request goes in one message and the answer is asked for in one message
 * (MaxDataCount fits the server's MaxBufferSize), so no secondary requests
 * or multi-part answers exist; a server sending one anyway is refused by
 * smb1_trans_parse. */
#include "smb1_conn.h"

#include "../smb2/smb2_int.h"

#include <stdlib.h>
#include <string.h>

/* Room for the header, words and name of a TRANSACTION in MaxBufferSize. */
#define TRANS_OVERHEAD 128u

/* The most parameter+data bytes one request or answer can carry. */
static size_t trans_room(const smb1_conn *c)
{
    return c->max_buffer > TRANS_OVERHEAD ? c->max_buffer - TRANS_OVERHEAD : 0;
}

static bool encode(nt_wr *w, const char *name, const uint16_t *setup, uint8_t nsetup, const np_transact_req *q,
                   uint16_t max_param, uint16_t max_data)
{
    nt_wr_u8(w, (uint8_t)(14 + nsetup));
    nt_wr_u16(w, (uint16_t)q->paramlen);
    nt_wr_u16(w, (uint16_t)q->datalen);
    nt_wr_u16(w, max_param);
    nt_wr_u16(w, max_data);
    nt_wr_u8(w, 0);  /* MaxSetupCount */
    nt_wr_u8(w, 0);
    nt_wr_u16(w, 0); /* Flags */
    nt_wr_u32(w, 0); /* Timeout */
    nt_wr_u16(w, 0);
    nt_wr_u16(w, (uint16_t)q->paramlen);
    size_t po_at = w->len;
    nt_wr_u16(w, 0);
    nt_wr_u16(w, (uint16_t)q->datalen);
    size_t do_at = w->len;
    nt_wr_u16(w, 0);
    nt_wr_u8(w, nsetup);
    nt_wr_u8(w, 0);
    for (uint8_t i = 0; i < nsetup; i++)
        nt_wr_u16(w, setup[i]);
    size_t bc = w->len;
    nt_wr_u16(w, 0);
    nt_wr_align(w, 2);
    if (!smb1_wr_utf16z(w, name))
        return false;
    nt_wr_align(w, 4);
    nt_wr_put_u16_at(w, po_at, (uint16_t)w->len);
    nt_wr_bytes(w, q->param, q->paramlen);
    nt_wr_align(w, 4);
    nt_wr_put_u16_at(w, do_at, (uint16_t)w->len);
    nt_wr_bytes(w, q->data, q->datalen);
    nt_wr_put_u16_at(w, bc, (uint16_t)(w->len - bc - 2));
    return !w->bad;
}

static bool copy_out(const uint8_t *p, size_t n, uint8_t **out)
{
    *out = NULL;
    if (n == 0)
        return true;
    *out = malloc(n);
    if (*out)
        memcpy(*out, p, n);
    return *out != NULL;
}

uint32_t smb1_transact(smb1_conn *c, const char *name, const uint16_t *setup, uint8_t nsetup,
                       const np_transact_req *req, np_transact_resp *resp, bool *overflow)
{
    memset(resp, 0, sizeof(*resp));
    *overflow = false;
    size_t room = trans_room(c);
    if (req->paramlen + req->datalen > room)
        return NT_ERROR_INVALID_PARAMETER;
    uint32_t mp = req->max_param > 0xFFFFu ? 0xFFFFu : req->max_param;
    uint32_t md = req->max_data;
    if (md + mp > room)
        md = mp < room ? (uint32_t)(room - mp) : 0;
    nt_wr w;
    smb1_req_init(&w, SMB1_COM_TRANSACTION, 64 + req->paramlen + req->datalen);
    if (!encode(&w, name, setup, nsetup, req, (uint16_t)mp, (uint16_t)md))
        w.bad = true;
    smb1_resp r;
    uint32_t st = smb1_request(c, &w, STATUS_BUFFER_OVERFLOW, &r);
    if (st)
        return st;
    smb1_trans_resp tr;
    if (r.h.command != SMB1_COM_TRANSACTION || smb1_trans_parse(r.m, r.len, &r.b, mp, md, &tr) != NT_OK) {
        nt_trace("smb1: TRANSACTION: malformed response");
        smb1_resp_free(&r);
        return smb1_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    *overflow = r.h.status == STATUS_BUFFER_OVERFLOW;
    if (!copy_out(tr.param, tr.paramlen, &resp->param) || !copy_out(tr.data, tr.datalen, &resp->data)) {
        free(resp->param);
        resp->param = NULL;
        smb1_resp_free(&r);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    resp->paramlen = tr.paramlen;
    resp->datalen = tr.datalen;
    smb1_resp_free(&r);
    return NT_OK;
}
