/* SMB1 TRANSACTION on a named pipe: TransactNmPipe on "\PIPE\" (setup
 * words 0x0026, FID) and RAP on "\PIPE\LANMAN" (no setup words).  The
 * request goes in one message (it must fit the server's MaxBufferSize: no
 * secondary requests).  The answer may be longer than one message of the
 * server's: MaxDataCount is up to 64 KiB (a RAP answer cannot be read in
 * pieces), and a server sends what exceeds its message size in further
 * response messages (MS-CIFS 3.3.4.1.2), which smb1_trans_acc puts
 * together, bounded in size and in number of parts. */
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

/* The parts of the answer after the first response r (freed here). */
static uint32_t collect(smb1_conn *c, smb1_resp *r, smb1_trans_acc *a, bool *overflow)
{
    smb1_resp first = {0};
    first.h = r->h;
    first.seq = r->seq;
    uint32_t st = NT_OK;
    for (;;) {
        bool done = false;
        if (r->h.command != SMB1_COM_TRANSACTION)
            st = NT_ERROR_UNEXP_NET_ERR;
        else
            st = smb1_trans_acc_add(a, r->m, r->len, &r->b, &done);
        *overflow = *overflow || r->h.status == STATUS_BUFFER_OVERFLOW;
        smb1_resp_free(r);
        if (st != NT_OK) { /* parts may still be coming: the stream is out of step */
            nt_trace("smb1: TRANSACTION: response part %u refused (%u)", a->parts + 1, (unsigned)st);
            return smb1_poison(c, st);
        }
        if (done)
            return NT_OK;
        st = smb1_response_more(c, &first, STATUS_BUFFER_OVERFLOW, r);
        if (st != NT_OK)
            return st;
    }
}

uint32_t smb1_transact(smb1_conn *c, const char *name, const uint16_t *setup, uint8_t nsetup,
                       const np_transact_req *req, np_transact_resp *resp, bool *overflow)
{
    memset(resp, 0, sizeof(*resp));
    *overflow = false;
    if (req->paramlen + req->datalen > trans_room(c))
        return NT_ERROR_INVALID_PARAMETER;
    uint32_t mp = req->max_param > 0xFFFFu ? 0xFFFFu : req->max_param;
    uint32_t md = req->max_data > 0xFFFFu ? 0xFFFFu : req->max_data;
    nt_wr w;
    smb1_req_init(&w, SMB1_COM_TRANSACTION, 64 + req->paramlen + req->datalen);
    if (!encode(&w, name, setup, nsetup, req, (uint16_t)mp, (uint16_t)md))
        w.bad = true;
    smb1_resp r;
    uint32_t st = smb1_request(c, &w, STATUS_BUFFER_OVERFLOW, &r);
    if (st)
        return st;
    smb1_trans_acc a;
    smb1_trans_acc_init(&a, mp, md);
    st = collect(c, &r, &a, overflow);
    if (st == NT_OK && a.parts > 1)
        nt_trace("smb1: TRANSACTION: answer of %zu+%zu bytes in %u parts", a.got_param, a.got_data, a.parts);
    if (st != NT_OK) {
        smb1_trans_acc_free(&a);
        return st;
    }
    resp->param = a.got_param ? a.param : NULL;
    resp->paramlen = a.got_param;
    resp->data = a.got_data ? a.data : NULL;
    resp->datalen = a.got_data;
    if (!resp->param)
        free(a.param);
    if (!resp->data)
        free(a.data);
    return NT_OK;
}
