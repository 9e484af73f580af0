/*
 * Connection-oriented DCE/RPC (C706 chapter 12, MS-RPCE 2.2.2) over a byte
 * stream.  The transport delivers bytes in arbitrary chunks: a chunk may hold
 * part of a fragment, exactly one, or several, so every PDU is located by its
 * frag_len and more bytes are requested with t.read when needed.
 */
#include "dcerpc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* 4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0 (first three fields little-endian) */
const rpc_syntax RPC_SRVSVC_SYNTAX = {
    {0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01, 0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88}, 3, 0};
/* 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0 */
const rpc_syntax RPC_NDR20_SYNTAX = {
    {0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60}, 2, 0};

#define RPC_HDR_LEN 16
#define RPC_REQ_HDR_LEN 24   /* common header + alloc_hint, p_cont_id, opnum */
#define RPC_RESP_HDR_LEN 24  /* common header + alloc_hint, p_cont_id, cancel_count, reserved */
#define RPC_MAX_FRAG 4280    /* what we offer in BIND */
#define RPC_MIN_FRAG 1432    /* C706: the smallest max_xmit/recv_frag allowed */
#define RX_CAP (2u * 65536u) /* one whole fragment (frag_len <= 65535) plus a chunk */
/* Largest single transceive/read asked of the transport: every SMB2 server's
 * MaxTransactSize and MaxReadSize are at least 64 KiB (MS-SMB2 3.3.5.4). */
#define RPC_IO_CAP 65536u
/* Most a response's alloc_hint may reserve before its data arrives. */
#define RPC_HINT_CAP (1024u * 1024u)

static size_t io_cap(size_t free_space) { return free_space < RPC_IO_CAP ? free_space : RPC_IO_CAP; }

/* ---- header ------------------------------------------------------------------ */
static bool parse_hdr(const uint8_t *p, size_t len, rpc_hdr *h, bool full)
{
    nt_rd r;
    uint8_t vers, minor, ptype, flags, drep[4];
    memset(h, 0, sizeof(*h));
    if (!p || len < RPC_HDR_LEN)
        return false;
    nt_rd_init(&r, p, len);
    nt_rd_u8(&r, &vers);
    nt_rd_u8(&r, &minor);
    nt_rd_u8(&r, &ptype);
    nt_rd_u8(&r, &flags);
    nt_rd_bytes(&r, drep, 4);
    nt_rd_u16(&r, &h->frag_len);
    nt_rd_u16(&r, &h->auth_len);
    nt_rd_u32(&r, &h->call_id);
    if (r.bad)
        return false;
    /* 5.0 (MS-RPCE lets peers answer with minor 1 too); little-endian integers,
     * ASCII characters, IEEE floats: everything we decode assumes them. */
    if (vers != 5 || minor > 1)
        return false;
    if ((drep[0] & 0xF0) != 0x10 || (drep[0] & 0x0F) != 0 || drep[1] != 0)
        return false;
    if (h->frag_len < RPC_HDR_LEN)
        return false;
    if (full && h->frag_len > len)
        return false;
    if ((size_t)h->auth_len + RPC_HDR_LEN > h->frag_len)
        return false;
    h->ptype = ptype;
    h->flags = flags;
    return true;
}

bool rpc_parse_hdr(const uint8_t *p, size_t len, rpc_hdr *h)
{
    return parse_hdr(p, len, h, true);
}

static void wr_hdr(nt_wr *w, uint8_t ptype, uint8_t flags, uint32_t call_id)
{
    nt_wr_u8(w, 5);   /* rpc_vers */
    nt_wr_u8(w, 0);   /* rpc_vers_minor */
    nt_wr_u8(w, ptype);
    nt_wr_u8(w, flags);
    nt_wr_u8(w, 0x10); /* drep: little-endian, ASCII */
    nt_wr_u8(w, 0);    /* IEEE float */
    nt_wr_u16(w, 0);
    nt_wr_u16(w, 0);   /* frag_len, patched */
    nt_wr_u16(w, 0);   /* auth_len */
    nt_wr_u32(w, call_id);
}

static bool finish_pdu(nt_wr *w, size_t start)
{
    if (w->bad || w->len - start > 0xFFFF) {
        w->bad = true;
        return false;
    }
    return nt_wr_put_u16_at(w, start + 8, (uint16_t)(w->len - start));
}

static void wr_syntax(nt_wr *w, const rpc_syntax *s)
{
    nt_wr_bytes(w, s->uuid, 16);
    nt_wr_u16(w, s->ver_major);
    nt_wr_u16(w, s->ver_minor);
}

bool rpc_build_bind(nt_wr *w, uint32_t call_id, const rpc_syntax *iface, uint16_t max_xmit, uint16_t max_recv)
{
    if (!w || !iface)
        return false;
    size_t start = w->len;
    wr_hdr(w, RPC_PTYPE_BIND, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, call_id);
    nt_wr_u16(w, max_xmit);
    nt_wr_u16(w, max_recv);
    nt_wr_u32(w, 0);       /* assoc_group_id: new association */
    nt_wr_u8(w, 1);        /* n_context_elem */
    nt_wr_u8(w, 0);        /* reserved */
    nt_wr_u16(w, 0);       /* reserved2 */
    nt_wr_u16(w, 0);       /* p_cont_id */
    nt_wr_u8(w, 1);        /* n_transfer_syn */
    nt_wr_u8(w, 0);        /* reserved */
    wr_syntax(w, iface);
    wr_syntax(w, &RPC_NDR20_SYNTAX);
    return finish_pdu(w, start);
}

bool rpc_build_request(nt_wr *w, uint32_t call_id, uint16_t opnum, uint8_t flags, uint32_t alloc_hint,
                       const uint8_t *stub, size_t stublen)
{
    if (!w || (stublen && !stub) || stublen > 0xFFFF - RPC_REQ_HDR_LEN)
        return false;
    size_t start = w->len;
    wr_hdr(w, RPC_PTYPE_REQUEST, flags, call_id);
    nt_wr_u32(w, alloc_hint);
    nt_wr_u16(w, 0); /* p_cont_id */
    nt_wr_u16(w, opnum);
    nt_wr_bytes(w, stub, stublen);
    return finish_pdu(w, start);
}

/* ---- receiving PDUs from a byte stream --------------------------------------- */
typedef struct rx {
    uint8_t *buf;
    size_t len;  /* valid bytes */
    size_t pos;  /* consumed bytes */
} rx;

/* Makes at least n unconsumed bytes available. */
static uint32_t rx_need(rpc_conn *c, rx *x, size_t n)
{
    if (n > RX_CAP / 2)
        return NT_ERROR_UNEXP_NET_ERR;
    while (x->len - x->pos < n) {
        if (x->pos) { /* compact */
            memmove(x->buf, x->buf + x->pos, x->len - x->pos);
            x->len -= x->pos;
            x->pos = 0;
        }
        size_t got = 0;
        size_t cap = io_cap(RX_CAP - x->len);
        uint32_t st = np_read(&c->pipe, x->buf + x->len, cap, &got);
        if (st != NT_OK && st != NT_ERROR_MORE_DATA)
            return st;
        if (got == 0 || got > cap)
            return NT_ERROR_UNEXP_NET_ERR; /* no progress or a lying transport */
        x->len += got;
    }
    return NT_OK;
}

/* Kept for the next call: under Wine a RX_CAP malloc+free per call decommits and recommits heap pages. */
static _Atomic(uint8_t *) rx_spare;

/* Sends `pdu` with transceive and keeps the first reply chunk. */
static uint32_t rx_start(rpc_conn *c, rx *x, const uint8_t *pdu, size_t len)
{
    if (!(x->buf = atomic_exchange(&rx_spare, NULL))) /* old bytes are never read */
        x->buf = malloc(RX_CAP);
    x->len = x->pos = 0;
    if (!x->buf)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    size_t got = 0;
    uint32_t st = np_transceive(&c->pipe, pdu, len, x->buf, io_cap(RX_CAP), &got);
    if (st != NT_OK && st != NT_ERROR_MORE_DATA)
        return st;
    if (got > io_cap(RX_CAP))
        return NT_ERROR_UNEXP_NET_ERR;
    x->len = got;
    return NT_OK;
}

static void rx_free(rx *x)
{
    uint8_t *none = NULL;
    if (!atomic_compare_exchange_strong(&rx_spare, &none, x->buf))
        free(x->buf);
    x->buf = NULL;
}

/* Next whole PDU: *pdu points into the rx buffer, valid until the next call. */
static uint32_t rx_pdu(rpc_conn *c, rx *x, rpc_hdr *h, const uint8_t **pdu)
{
    uint32_t st = rx_need(c, x, RPC_HDR_LEN);
    if (st)
        return st;
    if (!parse_hdr(x->buf + x->pos, x->len - x->pos, h, false))
        return NT_ERROR_UNEXP_NET_ERR;
    st = rx_need(c, x, h->frag_len); /* the header's checks hold: same bytes, now all there */
    if (st)
        return st;
    *pdu = x->buf + x->pos;
    x->pos += h->frag_len;
    return NT_OK;
}

/* NCA status codes (C706 appendix E) and the Win32 codes Windows' RPC
 * runtime turns them into (winerror.h values).  Every other fault status is
 * already a Win32 code (Windows servers send e.g. 5 or 0x6f7) and is passed
 * through unchanged, as Windows does. */
static const struct {
    uint32_t nca, win32;
} NCA_MAP[] = {
    {0x1C010001u, 1820}, /* nca_s_comm_failure -> RPC_S_COMM_FAILURE */
    {0x1C010002u, NT_RPC_S_PROCNUM_OUT_OF_RANGE}, /* nca_s_op_rng_error */
    {0x1C010003u, NT_RPC_S_UNKNOWN_IF},           /* nca_s_unk_if */
    {0x1C010009u, NT_RPC_S_CALL_FAILED},          /* nca_s_you_crashed */
    {0x1C01000Bu, NT_RPC_S_PROTOCOL_ERROR},       /* nca_s_proto_error */
    {0x1C010013u, 1130}, /* nca_s_out_args_too_big -> ERROR_NOT_ENOUGH_SERVER_MEMORY */
    {0x1C010014u, 1723}, /* nca_s_server_too_busy -> RPC_S_SERVER_TOO_BUSY */
    {0x1C010017u, 1732}, /* nca_s_unsupported_type -> RPC_S_UNSUPPORTED_TYPE */
    {0x1C000001u, 1767}, /* nca_s_fault_int_div_by_zero -> RPC_S_ZERO_DIVIDE */
    {0x1C000002u, 1768}, /* nca_s_fault_addr_error -> RPC_S_ADDRESS_ERROR */
    {0x1C000003u, 1769}, /* nca_s_fault_fp_div_zero -> RPC_S_FP_DIV_ZERO */
    {0x1C000004u, 1770}, /* nca_s_fault_fp_underflow -> RPC_S_FP_UNDERFLOW */
    {0x1C000005u, 1771}, /* nca_s_fault_fp_overflow -> RPC_S_FP_OVERFLOW */
    {0x1C000006u, 1733}, /* nca_s_fault_invalid_tag -> RPC_S_INVALID_TAG */
    {0x1C000007u, 1734}, /* nca_s_fault_invalid_bound -> RPC_S_INVALID_BOUND */
    {0x1C000008u, NT_RPC_S_PROTOCOL_ERROR}, /* nca_s_rpc_version_mismatch */
    {0x1C000009u, 1727}, /* nca_s_unspec_reject -> RPC_S_CALL_FAILED_DNE */
    {0x1C00000Au, 1727}, /* nca_s_bad_actid -> RPC_S_CALL_FAILED_DNE */
    {0x1C00000Bu, NT_RPC_S_CALL_FAILED}, /* nca_s_who_are_you_failed */
    {0x1C00000Cu, 1727}, /* nca_s_manager_not_entered -> RPC_S_CALL_FAILED_DNE */
    {0x1C00000Du, 1818}, /* nca_s_fault_cancel -> RPC_S_CALL_CANCELLED */
    {0x1C00000Eu, 1768}, /* nca_s_fault_ill_inst -> RPC_S_ADDRESS_ERROR */
    {0x1C00000Fu, 1771}, /* nca_s_fault_fp_error -> RPC_S_FP_OVERFLOW */
    {0x1C000010u, 1768}, /* nca_s_fault_int_overflow -> RPC_S_ADDRESS_ERROR */
    {0x1C000012u, NT_RPC_S_CALL_FAILED}, /* nca_s_fault_unspec */
    {0x1C000014u, 1918}, /* nca_s_fault_pipe_empty -> RPC_X_PIPE_EMPTY */
    {0x1C000015u, 1916}, /* nca_s_fault_pipe_closed -> RPC_X_PIPE_CLOSED */
    {0x1C000016u, 1831}, /* nca_s_fault_pipe_order -> RPC_X_WRONG_PIPE_ORDER */
    {0x1C000017u, 1917}, /* nca_s_fault_pipe_discipline -> RPC_X_PIPE_DISCIPLINE_ERROR */
    {0x1C000018u, 1820}, /* nca_s_fault_pipe_comm_error -> RPC_S_COMM_FAILURE */
    {0x1C000019u, 14},   /* nca_s_fault_pipe_memory -> ERROR_OUTOFMEMORY */
    {0x1C00001Au, 6},    /* nca_s_fault_context_mismatch -> ERROR_INVALID_HANDLE */
    {0x1C00001Bu, 1130}, /* nca_s_fault_remote_no_memory -> ERROR_NOT_ENOUGH_SERVER_MEMORY */
};

uint32_t rpc_fault_status(uint32_t fault)
{
    if (fault == 0 || fault == NT_ERROR_MORE_DATA)
        return NT_RPC_S_CALL_FAILED; /* a fault is never success nor a partial result */
    for (size_t i = 0; i < sizeof(NCA_MAP) / sizeof(NCA_MAP[0]); i++)
        if (NCA_MAP[i].nca == fault)
            return NCA_MAP[i].win32;
    return fault;
}

/* ---- public ------------------------------------------------------------------ */
void rpc_init(rpc_conn *c, const np_pipe *p)
{
    memset(c, 0, sizeof(*c));
    if (p)
        c->pipe = *p;
    c->next_call_id = 1;
    c->max_xmit_frag = RPC_MAX_FRAG;
    c->max_recv_frag = RPC_MAX_FRAG;
}

static uint32_t parse_bind_ack(rpc_conn *c, const uint8_t *pdu, const rpc_hdr *h)
{
    nt_rd r;
    uint16_t mx, mr, seclen, result, reason;
    uint32_t assoc;
    uint8_t nres, syn[20];

    nt_rd_init(&r, pdu, h->frag_len - h->auth_len);
    nt_rd_skip(&r, RPC_HDR_LEN);
    nt_rd_u16(&r, &mx);
    nt_rd_u16(&r, &mr);
    nt_rd_u32(&r, &assoc);
    nt_rd_u16(&r, &seclen);      /* port_any_t: length incl. NUL, then chars */
    nt_rd_skip(&r, seclen);
    nt_rd_align(&r, 4);
    nt_rd_u8(&r, &nres);
    nt_rd_skip(&r, 3);
    if (r.bad || nres == 0)
        return NT_ERROR_UNEXP_NET_ERR;
    /* Our one presentation context is the first result. */
    nt_rd_u16(&r, &result);
    nt_rd_u16(&r, &reason);
    nt_rd_bytes(&r, syn, 20);
    for (unsigned i = 1; i < nres; i++)
        nt_rd_skip(&r, 24);
    if (r.bad)
        return NT_ERROR_UNEXP_NET_ERR;
    if (result != 0) {
        nt_trace("rpc: bind result %u reason %u", result, reason);
        return NT_RPC_S_UNKNOWN_IF;
    }
    if (memcmp(syn, RPC_NDR20_SYNTAX.uuid, 16) != 0 || nt_le16(syn + 16) != RPC_NDR20_SYNTAX.ver_major ||
        nt_le16(syn + 18) != RPC_NDR20_SYNTAX.ver_minor)
        return NT_ERROR_UNEXP_NET_ERR; /* accepted a syntax we never offered */
    if (mx < RPC_MIN_FRAG || mr < RPC_MIN_FRAG)
        return NT_ERROR_UNEXP_NET_ERR;
    /* The server receives at most mr bytes per fragment and sends at most mx. */
    c->max_xmit_frag = mr < RPC_MAX_FRAG ? mr : RPC_MAX_FRAG;
    c->max_recv_frag = mx < RPC_MAX_FRAG ? mx : RPC_MAX_FRAG;
    c->assoc_group = assoc;
    return NT_OK;
}

uint32_t rpc_bind(rpc_conn *c, const rpc_syntax *iface)
{
    if (!c || !iface)
        return NT_ERROR_INVALID_PARAMETER;
    nt_wr w;
    nt_wr_init(&w, 0xFFFF);
    uint32_t call_id = c->next_call_id++;
    if (!rpc_build_bind(&w, call_id, iface, RPC_MAX_FRAG, RPC_MAX_FRAG)) {
        nt_wr_free(&w);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    c->bound = false;
    rx x;
    uint32_t st = rx_start(c, &x, w.p, w.len);
    nt_wr_free(&w);
    rpc_hdr h;
    const uint8_t *pdu = NULL;
    if (st == NT_OK)
        st = rx_pdu(c, &x, &h, &pdu);
    if (st == NT_OK) {
        if (h.call_id != call_id)
            st = NT_ERROR_UNEXP_NET_ERR;
        else if (h.ptype == RPC_PTYPE_BIND_NAK)
            st = NT_RPC_S_SERVER_UNAVAILABLE;
        else if (h.ptype != RPC_PTYPE_BIND_ACK ||
                 (h.flags & (RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG)) != (RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG))
            st = NT_ERROR_UNEXP_NET_ERR;
        else if (x.pos != x.len)
            st = NT_ERROR_UNEXP_NET_ERR; /* bytes after the reply would desynchronise the stream */
        else
            st = parse_bind_ack(c, pdu, &h);
    }
    rx_free(&x);
    if (st == NT_OK)
        c->bound = true;
    nt_trace("rpc: bind -> %u (xmit %u recv %u)", st, c->max_xmit_frag, c->max_recv_frag);
    return st;
}

/* Sends the request, fragmented; the last fragment goes out with transceive. */
static uint32_t send_request(rpc_conn *c, rx *x, uint32_t call_id, uint16_t opnum, const uint8_t *stub,
                             size_t stublen)
{
    size_t chunk = (size_t)c->max_xmit_frag > RPC_REQ_HDR_LEN ? c->max_xmit_frag - RPC_REQ_HDR_LEN : 0;
    chunk &= ~(size_t)7; /* keep every fragment's stub 8-aligned */
    if (chunk == 0)
        return NT_ERROR_UNEXP_NET_ERR;
    size_t off = 0;
    uint32_t st = NT_OK;
    x->buf = NULL;
    do {
        size_t n = stublen - off < chunk ? stublen - off : chunk;
        bool last = off + n == stublen;
        uint8_t flags = (uint8_t)((off == 0 ? RPC_PFC_FIRST_FRAG : 0) | (last ? RPC_PFC_LAST_FRAG : 0));
        nt_wr w;
        nt_wr_init(&w, 0xFFFF);
        nt_wr_presize(&w, RPC_REQ_HDR_LEN + n);
        if (!rpc_build_request(&w, call_id, opnum, flags, (uint32_t)(stublen - off), stub ? stub + off : NULL, n)) {
            nt_wr_free(&w);
            return NT_ERROR_NOT_ENOUGH_MEMORY;
        }
        if (last)
            st = rx_start(c, x, w.p, w.len);
        else
            st = np_write(&c->pipe, w.p, w.len);
        nt_wr_free(&w);
        off += n;
        if (last)
            break;
    } while (st == NT_OK);
    return st;
}

/* After the first fragment of a longer response: the fragments that must
 * follow, requested at once.  alloc_hint counts the stub bytes from the
 * first fragment on, and no fragment carries more than max_recv_frag less
 * its header (auth_len is 0), so ceil((hint - first) / per_frag) is a lower
 * bound on the fragments still coming: never a read the server has nothing
 * for (a lying hint only makes the reads wait until the call's deadline,
 * as a stalling server would).  Fewer are read one by one as before. */
static uint32_t read_ahead(rpc_conn *c, uint32_t hint, size_t first_stub)
{
    size_t per_frag = c->max_recv_frag > RPC_RESP_HDR_LEN ? c->max_recv_frag - RPC_RESP_HDR_LEN : 0;
    if (!per_frag || hint <= first_stub)
        return NT_OK;
    size_t left = hint - first_stub;
    size_t count = left / per_frag + (left % per_frag != 0);
    return np_read_ahead(&c->pipe, count > 64 ? 64u : (unsigned)count, c->max_recv_frag);
}

uint32_t rpc_call(rpc_conn *c, uint16_t opnum, const uint8_t *stub, size_t stublen, uint8_t **resp,
                  size_t *resplen, uint32_t *fault)
{
    if (!c || !resp || !resplen || !fault || (stublen && !stub))
        return NT_ERROR_INVALID_PARAMETER;
    *resp = NULL;
    *resplen = 0;
    *fault = 0;
    if (!c->bound)
        return NT_ERROR_INVALID_PARAMETER;
    if (stublen > NT_MAX_ALLOC)
        return NT_ERROR_NOT_ENOUGH_MEMORY;

    uint32_t call_id = c->next_call_id++;
    rx x = {0};
    nt_wr out;
    nt_wr_init(&out, NT_MAX_ALLOC);
    uint32_t st = send_request(c, &x, call_id, opnum, stub, stublen);
    bool first = true, done = false;
    while (st == NT_OK && !done) {
        rpc_hdr h;
        const uint8_t *pdu = NULL;
        st = rx_pdu(c, &x, &h, &pdu);
        if (st)
            break;
        if (h.call_id != call_id || h.auth_len != 0) {
            st = NT_ERROR_UNEXP_NET_ERR;
            break;
        }
        if (h.ptype == RPC_PTYPE_FAULT) {
            nt_rd r;
            uint32_t status;
            nt_rd_init(&r, pdu, h.frag_len);
            nt_rd_skip(&r, RPC_RESP_HDR_LEN);
            if (!nt_rd_u32(&r, &status) || status == 0) {
                st = NT_ERROR_UNEXP_NET_ERR; /* no status, or a fault that says "success" */
                break;
            }
            /* The server's answer, not a transport failure.  The association
             * survives a fault: the rest of this reply is dropped. */
            *fault = status;
            nt_trace("rpc: opnum %u fault 0x%08x (-> %u)", opnum, status, rpc_fault_status(status));
            break;
        }
        if (h.ptype != RPC_PTYPE_RESPONSE || h.frag_len < RPC_RESP_HDR_LEN ||
            !!(h.flags & RPC_PFC_FIRST_FRAG) != first) {
            st = NT_ERROR_UNEXP_NET_ERR;
            break;
        }
        /* alloc_hint (a hint only: it sizes the reassembly buffer once,
         * capped), p_cont_id, cancel_count, reserved */
        nt_rd r;
        uint32_t hint = 0;
        nt_rd_init(&r, pdu, h.frag_len);
        nt_rd_skip(&r, RPC_HDR_LEN);
        nt_rd_u32(&r, &hint);
        nt_rd_skip(&r, RPC_RESP_HDR_LEN - RPC_HDR_LEN - 4);
        if (first && hint > 0)
            nt_wr_presize(&out, hint < RPC_HINT_CAP ? hint : RPC_HINT_CAP);
        size_t n = nt_rd_left(&r);
        const uint8_t *body = nt_rd_ptr(&r, n);
        if (!body) {
            st = NT_ERROR_UNEXP_NET_ERR;
            break;
        }
        if (!nt_wr_bytes(&out, body, n)) {
            st = out.len + n > NT_MAX_ALLOC ? NT_ERROR_UNEXP_NET_ERR : NT_ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        done = (h.flags & RPC_PFC_LAST_FRAG) != 0;
        if (first && !done && x.pos == x.len) /* nothing of the next fragment read yet */
            st = read_ahead(c, hint, n);
        first = false;
    }
    if (st == NT_OK && !*fault && x.pos != x.len)
        st = NT_ERROR_UNEXP_NET_ERR; /* bytes after the last fragment */
    rx_free(&x);
    if (st == NT_OK && *fault) {
        nt_wr_free(&out);
    } else if (st == NT_OK) {
        *resp = nt_wr_take(&out, resplen);
        if (!*resp)
            st = NT_ERROR_NOT_ENOUGH_MEMORY;
    } else {
        nt_wr_free(&out);
        if (st == NT_ERROR_UNEXP_NET_ERR)
            c->bound = false; /* the stream is out of step: do not reuse */
    }
    nt_trace("rpc: call opnum %u stub %zu -> %u (%zu bytes)", opnum, stublen, st, *resplen);
    return st;
}
