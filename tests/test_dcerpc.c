/* DCE/RPC connection-oriented PDUs: byte vectors, BIND_ACK/NAK handling, and
 * calls through a fake byte-stream transport that cuts replies into
 * arbitrary chunks (fragments split across chunks, several per chunk). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dcerpc/dcerpc.h"
#include "srvs/srvs.h"

/* Real PDUs from Samba 4.17 answering this code's own BIND (call 1) and
 * NetrSessionEnum level 1 / level 2 REQUESTs (call ids 3 and 4), sent over
 * \\PIPE\\srvsvc by impacket. */
static const uint8_t SAMBA_BIND_ACK[] = {
    0x05, 0x00, 0x0c, 0x03, 0x10, 0x00, 0x00, 0x00, 0x44, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0xb8, 0x10, 0xb8, 0x10, 0x3b, 0x8a, 0x00, 0x00, 0x0d, 0x00, 0x5c, 0x70, 0x69, 0x70, 0x65, 0x5c,
    0x73, 0x72, 0x76, 0x73, 0x76, 0x63, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60,
    0x02, 0x00, 0x00, 0x00,
};
static const uint8_t SAMBA_RESPONSE_L1[] = {
    0x05, 0x00, 0x02, 0x03, 0x10, 0x00, 0x00, 0x00, 0xf0, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
    0xd8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x10, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x14, 0x00, 0x02, 0x00, 0x18, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x02, 0x00, 0x20, 0x00, 0x02, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x31, 0x00, 0x32, 0x00,
    0x37, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00, 0x34, 0x00, 0x30, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
    0x72, 0x00, 0x70, 0x00, 0x63, 0x00, 0x61, 0x00, 0x64, 0x00, 0x6d, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x31, 0x00, 0x32, 0x00,
    0x37, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00, 0x34, 0x00, 0x30, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
    0x72, 0x00, 0x70, 0x00, 0x63, 0x00, 0x61, 0x00, 0x64, 0x00, 0x6d, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x24, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t SAMBA_RESPONSE_L2[] = {
    0x05, 0x00, 0x02, 0x03, 0x10, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
    0x24, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7c, 0x00, 0x00, 0x00,
};

/* ---- fake transport -------------------------------------------------------- */
#define MAX_STREAMS 8
#define MAX_SENT 64

typedef struct fake {
    nt_wr stream[MAX_STREAMS]; /* one reply byte stream per transceive */
    int nstreams, cur;
    size_t pos;
    size_t chunk;               /* bytes handed out per transceive/read */
    uint32_t transceive_status; /* forced failure of transceive */
    uint32_t eof_status;        /* what read returns when the stream is exhausted */
    uint8_t *sent[MAX_SENT];
    size_t sentlen[MAX_SENT];
    int sentkind[MAX_SENT];     /* 0 write, 1 transceive */
    int nsent;
    int reads;
} fake;

static void log_sent(fake *f, const uint8_t *in, size_t len, int kind)
{
    assert_true(f->nsent < MAX_SENT);
    f->sent[f->nsent] = malloc(len);
    memcpy(f->sent[f->nsent], in, len);
    f->sentlen[f->nsent] = len;
    f->sentkind[f->nsent++] = kind;
}

static uint32_t give(fake *f, uint8_t *out, size_t cap, size_t *got)
{
    assert_true(cap > 0 && cap <= 65536); /* within any SMB2 server's MaxRead/TransactSize */
    nt_wr *s = &f->stream[f->cur];
    size_t left = s->len - f->pos;
    size_t n = left < f->chunk ? left : f->chunk;
    if (n > cap)
        n = cap;
    if (n)
        memcpy(out, s->p + f->pos, n);
    f->pos += n;
    *got = n;
    return f->pos < s->len ? NT_ERROR_MORE_DATA : NT_OK;
}

static uint32_t f_transceive(void *ctx, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap, size_t *got)
{
    fake *f = ctx;
    *got = 0;
    log_sent(f, in, inlen, 1);
    if (f->transceive_status)
        return f->transceive_status;
    f->cur++;
    assert_true(f->cur < f->nstreams);
    f->pos = 0;
    return give(f, out, cap, got);
}

static uint32_t f_read(void *ctx, uint8_t *out, size_t cap, size_t *got)
{
    fake *f = ctx;
    *got = 0;
    f->reads++;
    if (f->cur < 0 || f->pos >= f->stream[f->cur].len)
        return f->eof_status;
    return give(f, out, cap, got);
}

static uint32_t f_write(void *ctx, const uint8_t *in, size_t inlen)
{
    log_sent(ctx, in, inlen, 0);
    return NT_OK;
}

static fake *fake_new(size_t chunk)
{
    fake *f = calloc(1, sizeof(*f));
    f->cur = -1;
    f->chunk = chunk;
    f->eof_status = NT_ERROR_NETNAME_DELETED;
    for (int i = 0; i < MAX_STREAMS; i++)
        nt_wr_init(&f->stream[i], 32u * 1024u * 1024u);
    return f;
}

static void fake_free(fake *f)
{
    for (int i = 0; i < MAX_STREAMS; i++)
        nt_wr_free(&f->stream[i]);
    for (int i = 0; i < f->nsent; i++)
        free(f->sent[i]);
    free(f);
}

/* The stream the next transceive will answer with. */
static nt_wr *next_stream(fake *f)
{
    assert_true(f->nstreams < MAX_STREAMS);
    return &f->stream[f->nstreams++];
}

static void conn_init(rpc_conn *c, fake *f)
{
    static const np_pipe_ops F_OPS = {f_transceive, f_read, f_write, NULL, NULL, NULL, NULL, NULL};
    np_pipe t = {&F_OPS, f};
    rpc_init(c, &t);
}

/* ---- PDU builders (server side) --------------------------------------------- */
static size_t hdr(nt_wr *w, uint8_t ptype, uint8_t flags, uint32_t call_id)
{
    size_t start = w->len;
    uint8_t h[16] = {5, 0, ptype, flags, 0x10, 0, 0, 0, 0, 0, 0, 0};
    nt_put_le32(h + 12, call_id);
    nt_wr_bytes(w, h, 16);
    return start;
}

static void fin(nt_wr *w, size_t start)
{
    assert_true(nt_wr_put_u16_at(w, start + 8, (uint16_t)(w->len - start)));
}

static void add_bind_ack(nt_wr *w, uint32_t call_id, uint16_t result, uint16_t mx, uint16_t mr, bool ndr)
{
    size_t s = hdr(w, RPC_PTYPE_BIND_ACK, 3, call_id);
    nt_wr_u16(w, mx);
    nt_wr_u16(w, mr);
    nt_wr_u32(w, 0x12345);
    static const char sec[] = "\\PIPE\\srvsvc";
    nt_wr_u16(w, sizeof(sec));
    nt_wr_bytes(w, sec, sizeof(sec));
    while ((w->len - s) % 4)
        nt_wr_u8(w, 0xAA); /* padding content is not checked */
    nt_wr_u8(w, 1);
    nt_wr_zeros(w, 3);
    nt_wr_u16(w, result);
    nt_wr_u16(w, result ? 2 : 0);
    if (ndr) {
        nt_wr_bytes(w, RPC_NDR20_SYNTAX.uuid, 16);
        nt_wr_u16(w, 2);
        nt_wr_u16(w, 0);
    } else {
        nt_wr_zeros(w, 20);
    }
    fin(w, s);
}

static void add_bind_nak(nt_wr *w, uint32_t call_id)
{
    size_t s = hdr(w, RPC_PTYPE_BIND_NAK, 3, call_id);
    nt_wr_u16(w, 4); /* reason: protocol version not supported */
    nt_wr_u8(w, 1);
    nt_wr_u8(w, 5);
    nt_wr_u8(w, 0);
    fin(w, s);
}

static void add_response(nt_wr *w, uint32_t call_id, uint8_t flags, const uint8_t *stub, size_t n)
{
    size_t s = hdr(w, RPC_PTYPE_RESPONSE, flags, call_id);
    nt_wr_u32(w, (uint32_t)n);
    nt_wr_u16(w, 0);
    nt_wr_u8(w, 0);
    nt_wr_u8(w, 0);
    nt_wr_bytes(w, stub, n);
    fin(w, s);
}

/* Response split into fragments of at most `per` stub bytes. */
static void add_response_frags(nt_wr *w, uint32_t call_id, const uint8_t *stub, size_t n, size_t per)
{
    size_t off = 0;
    do {
        size_t k = n - off < per ? n - off : per;
        uint8_t fl = (uint8_t)((off == 0 ? RPC_PFC_FIRST_FRAG : 0) | (off + k == n ? RPC_PFC_LAST_FRAG : 0));
        add_response(w, call_id, fl, stub + off, k);
        off += k;
    } while (off < n);
}

static void add_fault(nt_wr *w, uint32_t call_id, uint32_t status)
{
    size_t s = hdr(w, RPC_PTYPE_FAULT, 3, call_id);
    nt_wr_u32(w, 32);
    nt_wr_u16(w, 0);
    nt_wr_u8(w, 0);
    nt_wr_u8(w, 0);
    nt_wr_u32(w, status);
    nt_wr_u32(w, 0);
    fin(w, s);
}

static void do_bind(rpc_conn *c, fake *f)
{
    add_bind_ack(next_stream(f), 1, 0, 4280, 4280, true);
    assert_int_equal(rpc_bind(c, &RPC_SRVSVC_SYNTAX), NT_OK);
    assert_true(c->bound);
}

/* A fake transport delivering `chunk`-byte reads, with c bound over it. */
static fake *bound_fake(size_t chunk, rpc_conn *c)
{
    fake *f = fake_new(chunk);
    conn_init(c, f);
    do_bind(c, f);
    return f;
}

/* The fault status of the last rpc_call (0: none). */
static uint32_t last_fault;

static uint8_t *pattern(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + i / 251);
    return p;
}

static const size_t CHUNKS[] = {1, 7, 16, 100, 5000, 1u << 20};
#define NCHUNKS (sizeof(CHUNKS) / sizeof(CHUNKS[0]))

/* ---- byte vectors -------------------------------------------------------------- */
static void test_bind_vector(void **st)
{
    (void)st;
    static const uint8_t want[72] = {
        0x05, 0x00, 0x0b, 0x03, 0x10, 0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0xb8, 0x10, 0xb8, 0x10, 0x00, 0x00, 0x00, 0x00, /* max xmit/recv 4280, assoc 0 */
        0x01, 0x00, 0x00, 0x00,                         /* 1 context */
        0x00, 0x00, 0x01, 0x00,                         /* context 0, 1 transfer syntax */
        0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01, 0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88,
        0x03, 0x00, 0x00, 0x00,
        0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60,
        0x02, 0x00, 0x00, 0x00,
    };
    nt_wr w;
    nt_wr_init(&w, 0);
    assert_true(rpc_build_bind(&w, 1, &RPC_SRVSVC_SYNTAX, 4280, 4280));
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(w.p, want, sizeof(want));
    nt_wr_free(&w);
}

static void test_bind_is_what_rpc_bind_sends(void **st)
{
    (void)st;
    rpc_conn c;
    fake *f = bound_fake(1u << 20, &c);
    nt_wr w;
    nt_wr_init(&w, 0);
    rpc_build_bind(&w, 1, &RPC_SRVSVC_SYNTAX, 4280, 4280);
    assert_int_equal(f->nsent, 1);
    assert_int_equal(f->sentkind[0], 1);
    assert_int_equal(f->sentlen[0], w.len);
    assert_memory_equal(f->sent[0], w.p, w.len);
    nt_wr_free(&w);
    fake_free(f);
}

static void test_request_vector(void **st)
{
    (void)st;
    static const uint8_t want[] = {
        0x05, 0x00, 0x00, 0x03, 0x10, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
        0x04, 0x00, 0x00, 0x00, /* alloc_hint */
        0x00, 0x00, 0x0c, 0x00, /* context 0, opnum 12 */
        0xde, 0xad, 0xbe, 0xef,
    };
    static const uint8_t stub[] = {0xde, 0xad, 0xbe, 0xef};
    nt_wr w;
    nt_wr_init(&w, 0);
    assert_true(rpc_build_request(&w, 2, 12, 3, 4, stub, 4));
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(w.p, want, sizeof(want));
    nt_wr_free(&w);
    nt_wr_init(&w, 0);
    assert_false(rpc_build_request(&w, 2, 12, 3, 0, NULL, 0xFFFF)); /* frag_len would overflow */
    nt_wr_free(&w);
}

static void test_parse_hdr(void **st)
{
    (void)st;
    uint8_t p[32] = {5, 0, 2, 3, 0x10, 0, 0, 0, 32, 0, 0, 0, 9, 0, 0, 0};
    rpc_hdr h;
    assert_true(rpc_parse_hdr(p, 32, &h));
    assert_int_equal(h.ptype, 2);
    assert_int_equal(h.flags, 3);
    assert_int_equal(h.frag_len, 32);
    assert_int_equal(h.call_id, 9);
    assert_false(rpc_parse_hdr(p, 31, &h)); /* frag_len > data */
    assert_false(rpc_parse_hdr(p, 15, &h));
    assert_false(rpc_parse_hdr(NULL, 32, &h));
    p[8] = 15;
    assert_false(rpc_parse_hdr(p, 32, &h)); /* frag_len < 16 */
    p[8] = 0;
    assert_false(rpc_parse_hdr(p, 32, &h));
    p[8] = 16;
    assert_true(rpc_parse_hdr(p, 32, &h));
    p[0] = 4;
    assert_false(rpc_parse_hdr(p, 32, &h)); /* version */
    p[0] = 5;
    p[4] = 0x00;
    assert_false(rpc_parse_hdr(p, 32, &h)); /* big-endian drep */
    p[4] = 0x10;
    p[10] = 1;
    assert_false(rpc_parse_hdr(p, 32, &h)); /* auth_len beyond the fragment */
}

/* ---- bind ---------------------------------------------------------------------- */
static void test_bind_ack_accept_all_chunkings(void **st)
{
    (void)st;
    for (size_t i = 0; i < NCHUNKS; i++) {
        fake *f = fake_new(CHUNKS[i]);
        rpc_conn c;
        conn_init(&c, f);
        add_bind_ack(next_stream(f), 1, 0, 4280, 2048, true);
        assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_OK);
        assert_true(c.bound);
        assert_int_equal(c.max_xmit_frag, 2048); /* what the server receives */
        assert_int_equal(c.max_recv_frag, 4280);
        assert_int_equal(c.assoc_group, 0x12345);
        fake_free(f);
    }
}

static void test_bind_ack_rejected(void **st)
{
    (void)st;
    fake *f = fake_new(7);
    rpc_conn c;
    conn_init(&c, f);
    add_bind_ack(next_stream(f), 1, 2, 4280, 4280, false);
    assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_RPC_S_UNKNOWN_IF);
    assert_false(c.bound);
    fake_free(f);
}

static void test_bind_ack_wrong_syntax(void **st)
{
    (void)st;
    fake *f = fake_new(1u << 20);
    rpc_conn c;
    conn_init(&c, f);
    add_bind_ack(next_stream(f), 1, 0, 4280, 4280, false);
    assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_ERROR_UNEXP_NET_ERR);
    assert_false(c.bound);
    fake_free(f);
}

static void test_bind_nak(void **st)
{
    (void)st;
    for (size_t i = 0; i < NCHUNKS; i++) {
        fake *f = fake_new(CHUNKS[i]);
        rpc_conn c;
        conn_init(&c, f);
        add_bind_nak(next_stream(f), 1);
        assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_RPC_S_SERVER_UNAVAILABLE);
        assert_false(c.bound);
        fake_free(f);
    }
}

static void test_bind_ack_bad(void **st)
{
    (void)st;
    /* wrong call id */
    fake *f = fake_new(1u << 20);
    rpc_conn c;
    conn_init(&c, f);
    add_bind_ack(next_stream(f), 7, 0, 4280, 4280, true);
    assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
    /* tiny fragment sizes */
    f = fake_new(1u << 20);
    conn_init(&c, f);
    add_bind_ack(next_stream(f), 1, 0, 4280, 16, true);
    assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
    /* a response instead of a bind_ack */
    f = fake_new(1u << 20);
    conn_init(&c, f);
    add_response(next_stream(f), 1, 3, NULL, 0);
    assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
    /* every truncation of a valid bind_ack */
    nt_wr full;
    nt_wr_init(&full, 0);
    add_bind_ack(&full, 1, 0, 4280, 4280, true);
    for (size_t cut = 0; cut < full.len; cut++) {
        f = fake_new(5);
        conn_init(&c, f);
        nt_wr_bytes(next_stream(f), full.p, cut);
        uint32_t r = rpc_bind(&c, &RPC_SRVSVC_SYNTAX);
        assert_true(r == NT_ERROR_UNEXP_NET_ERR || r == NT_ERROR_NETNAME_DELETED);
        assert_false(c.bound);
        fake_free(f);
    }
    /* a bind_ack whose frag_len cuts the results off */
    for (uint16_t fl = 16; fl < full.len; fl++) {
        f = fake_new(1u << 20);
        conn_init(&c, f);
        nt_wr *s = next_stream(f);
        nt_wr_bytes(s, full.p, fl);
        nt_wr_put_u16_at(s, 8, fl);
        assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_ERROR_UNEXP_NET_ERR);
        fake_free(f);
    }
    /* trailing bytes after the bind_ack */
    f = fake_new(1u << 20);
    conn_init(&c, f);
    nt_wr *s = next_stream(f);
    nt_wr_bytes(s, full.p, full.len);
    nt_wr_u32(s, 0);
    assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
    nt_wr_free(&full);
}

static void test_bind_transport_error(void **st)
{
    (void)st;
    fake *f = fake_new(1u << 20);
    f->transceive_status = NT_ERROR_NETNAME_DELETED;
    rpc_conn c;
    conn_init(&c, f);
    assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_ERROR_NETNAME_DELETED);
    assert_false(c.bound);
    fake_free(f);
}

/* ---- calls ---------------------------------------------------------------------- */
static void test_call_single_fragment(void **st)
{
    (void)st;
    uint8_t *stub = pattern(300);
    for (size_t i = 0; i < NCHUNKS; i++) {
        rpc_conn c;
        fake *f = bound_fake(CHUNKS[i], &c);
        add_response(next_stream(f), 2, 3, stub, 300);
        uint8_t *resp = NULL;
        size_t rlen = 0;
        static const uint8_t req[] = {1, 2, 3, 4};
        assert_int_equal(rpc_call(&c, 12, req, 4, &resp, &rlen, &last_fault), NT_OK);
        assert_int_equal(rlen, 300);
        assert_memory_equal(resp, stub, 300);
        free(resp);
        assert_int_equal(f->nsent, 2);
        assert_int_equal(f->sentkind[1], 1);
        assert_int_equal(f->sentlen[1], 28);
        fake_free(f);
    }
    free(stub);
}

static void test_call_multi_fragment_reassembly(void **st)
{
    (void)st;
    size_t n = 10000;
    uint8_t *stub = pattern(n);
    static const size_t pers[] = {8, 1000, 4256, 9999};
    for (size_t pi = 0; pi < 4; pi++)
        for (size_t i = 0; i < NCHUNKS; i++) {
            if (pers[pi] == 8 && CHUNKS[i] == 1)
                continue; /* 1250 fragments byte by byte: slow and covered by others */
            rpc_conn c;
            fake *f = bound_fake(CHUNKS[i], &c);
            add_response_frags(next_stream(f), 2, stub, n, pers[pi]);
            uint8_t *resp = NULL;
            size_t rlen = 0;
            assert_int_equal(rpc_call(&c, 12, NULL, 0, &resp, &rlen, &last_fault), NT_OK);
            assert_int_equal(rlen, n);
            assert_memory_equal(resp, stub, n);
            free(resp);
            assert_true(c.bound);
            fake_free(f);
        }
    free(stub);
}

static void test_call_empty_stub_response(void **st)
{
    (void)st;
    rpc_conn c;
    fake *f = bound_fake(3, &c);
    add_response(next_stream(f), 2, 3, NULL, 0);
    uint8_t *resp = NULL;
    size_t rlen = 99;
    assert_int_equal(rpc_call(&c, 13, NULL, 0, &resp, &rlen, &last_fault), NT_OK);
    assert_int_equal(rlen, 0);
    assert_non_null(resp);
    free(resp);
    fake_free(f);
}

/* One call: its transport status, and the fault in last_fault. */
static uint32_t call_expect(fake *f, rpc_conn *c)
{
    uint8_t *resp = (uint8_t *)1;
    size_t rlen = 5;
    last_fault = 0xDEADBEEFu;
    uint32_t st = rpc_call(c, 12, NULL, 0, &resp, &rlen, &last_fault);
    if (st != NT_OK || last_fault) {
        assert_null(resp);
        assert_int_equal(rlen, 0);
    } else {
        free(resp);
    }
    if (st != NT_OK)
        assert_int_equal(last_fault, 0); /* a transport failure is never also a fault */
    (void)f;
    return st;
}

static void test_call_mismatched_call_id(void **st)
{
    (void)st;
    uint8_t stub[64] = {0};
    for (size_t i = 0; i < NCHUNKS; i++) {
        rpc_conn c;
        fake *f = bound_fake(CHUNKS[i], &c);
        nt_wr *s = next_stream(f);
        add_response(s, 2, RPC_PFC_FIRST_FRAG, stub, 32);
        add_response(s, 3, RPC_PFC_LAST_FRAG, stub, 32);
        assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
        assert_false(c.bound); /* the stream is out of step */
        assert_int_equal(call_expect(f, &c), NT_ERROR_INVALID_PARAMETER);
        fake_free(f);
    }
    rpc_conn c;
    fake *f = bound_fake(100, &c);
    add_response(next_stream(f), 1, 3, stub, 8); /* the bind's call id */
    assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
}

static void test_call_bad_flags_and_ptype(void **st)
{
    (void)st;
    uint8_t stub[16] = {0};
    struct {
        uint8_t f1, f2;
        int n;
    } cases[] = {
        {0, RPC_PFC_LAST_FRAG, 2},                                     /* first lacks FIRST */
        {RPC_PFC_FIRST_FRAG, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, 2}, /* second has FIRST */
        {RPC_PFC_LAST_FRAG, 0, 1},
    };
    for (size_t i = 0; i < 3; i++) {
        rpc_conn c;
        fake *f = bound_fake(9, &c);
        nt_wr *s = next_stream(f);
        add_response(s, 2, cases[i].f1, stub, 16);
        if (cases[i].n == 2)
            add_response(s, 2, cases[i].f2, stub, 16);
        assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
        fake_free(f);
    }
    /* wrong ptype */
    rpc_conn c;
    fake *f = bound_fake(9, &c);
    add_bind_ack(next_stream(f), 2, 0, 4280, 4280, true);
    assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
    /* response shorter than its 24-byte header */
    f = bound_fake(9, &c);
    nt_wr *s = next_stream(f);
    size_t h = hdr(s, RPC_PTYPE_RESPONSE, 3, 2);
    nt_wr_u32(s, 0);
    fin(s, h);
    assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
}

static void test_call_frag_len_bad(void **st)
{
    (void)st;
    uint8_t stub[16] = {0};
    /* frag_len < 16 */
    rpc_conn c;
    fake *f = bound_fake(1u << 20, &c);
    nt_wr *s = next_stream(f);
    add_response(s, 2, 3, stub, 16);
    nt_wr_put_u16_at(s, 8, 10);
    assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
    /* frag_len beyond what the server ever sends: the stream ends */
    f = bound_fake(13, &c);
    s = next_stream(f);
    add_response(s, 2, 3, stub, 16);
    nt_wr_put_u16_at(s, 8, 4000);
    assert_int_equal(call_expect(f, &c), NT_ERROR_NETNAME_DELETED);
    fake_free(f);
    /* ... or the transport reports no progress */
    f = fake_new(13);
    f->eof_status = NT_OK;
    conn_init(&c, f);
    do_bind(&c, f);
    s = next_stream(f);
    add_response(s, 2, 3, stub, 16);
    nt_wr_put_u16_at(s, 8, 4000);
    assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
    /* auth_len on an unauthenticated response */
    f = bound_fake(100, &c);
    s = next_stream(f);
    add_response(s, 2, 3, stub, 16);
    nt_wr_put_u16_at(s, 10, 8);
    assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
}

static void test_call_trailing_bytes(void **st)
{
    (void)st;
    uint8_t stub[16] = {0};
    rpc_conn c;
    fake *f = bound_fake(1u << 20, &c);
    nt_wr *s = next_stream(f);
    add_response(s, 2, 3, stub, 16);
    nt_wr_u8(s, 0);
    assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
}

static void test_call_truncated_everywhere(void **st)
{
    (void)st;
    uint8_t *stub = pattern(200);
    nt_wr full;
    nt_wr_init(&full, 0);
    add_response_frags(&full, 2, stub, 200, 64);
    for (size_t cut = 0; cut < full.len; cut++) {
        rpc_conn c;
        fake *f = bound_fake(11, &c);
        nt_wr_bytes(next_stream(f), full.p, cut);
        uint32_t r = call_expect(f, &c);
        assert_true(r == NT_ERROR_NETNAME_DELETED || r == NT_ERROR_UNEXP_NET_ERR);
        fake_free(f);
    }
    nt_wr_free(&full);
    free(stub);
}

/* A FAULT is the server's answer: transport status NT_OK, the fault status
 * as sent, the association usable; rpc_fault_status maps it. */
static void test_fault_is_an_answer(void **st)
{
    (void)st;
    static const uint32_t faults[] = {0x1c010002u, 5, 0x6f7, 8, 59, 64, 0x1c00001au, 0xC0000022u, 234};
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        rpc_conn c;
        fake *f = bound_fake(i % 2 ? 1 : 1000, &c);
        add_fault(next_stream(f), 2, faults[i]);
        assert_int_equal(call_expect(f, &c), NT_OK);
        assert_int_equal(last_fault, faults[i]);
        assert_true(c.bound); /* a fault leaves the association usable */
        fake_free(f);
    }
    /* a fault after a first response fragment */
    uint8_t stub[8] = {0};
    rpc_conn c;
    fake *f = bound_fake(5, &c);
    nt_wr *s = next_stream(f);
    add_response(s, 2, RPC_PFC_FIRST_FRAG, stub, 8);
    add_fault(s, 2, 5);
    assert_int_equal(call_expect(f, &c), NT_OK);
    assert_int_equal(last_fault, 5);
    fake_free(f);
    /* a fault too short to hold its status, and one whose status says
     * "success": protocol violations, not answers */
    f = bound_fake(5, &c);
    s = next_stream(f);
    size_t h = hdr(s, RPC_PTYPE_FAULT, 3, 2);
    nt_wr_zeros(s, 8);
    fin(s, h);
    assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
    assert_false(c.bound);
    fake_free(f);
    f = bound_fake(5, &c);
    add_fault(next_stream(f), 2, 0);
    assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
    fake_free(f);
}

static void test_fault_status_mapping(void **st)
{
    (void)st;
    static const struct {
        uint32_t fault, want;
    } m[] = {
        {0x1c010002u, NT_RPC_S_PROCNUM_OUT_OF_RANGE}, /* nca_s_op_rng_error */
        {0x1c010003u, NT_RPC_S_UNKNOWN_IF},           /* nca_s_unk_if */
        {0x1c01000bu, NT_RPC_S_PROTOCOL_ERROR},       /* nca_s_proto_error */
        {0x1c010001u, 1820},                          /* nca_s_comm_failure */
        {0x1c010014u, 1723},                          /* nca_s_server_too_busy */
        {0x1c00001au, 6},                             /* nca_s_fault_context_mismatch */
        {0x1c00001bu, 1130},                          /* nca_s_fault_remote_no_memory */
        {0x1c000012u, NT_RPC_S_CALL_FAILED},          /* nca_s_fault_unspec */
        {0x1c00000du, 1818},                          /* nca_s_fault_cancel */
        {0x1c000009u, 1727},                          /* nca_s_unspec_reject */
        {5, NT_ERROR_ACCESS_DENIED},                  /* Win32 codes pass through */
        {0x6f7, 0x6f7},
        {1783, 1783},
        {8, 8},
        {59, 59},
        {0x1c00001cu, 0x1c00001cu},                   /* no Win32 equivalent: as sent */
        {0xC0000022u, 0xC0000022u},
        {0, NT_RPC_S_CALL_FAILED},
        {NT_ERROR_MORE_DATA, NT_RPC_S_CALL_FAILED},   /* never "more data" */
    };
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        assert_int_equal(rpc_fault_status(m[i].fault), m[i].want);
}

static void test_call_oversized_refused(void **st)
{
    (void)st;
    /* Non-last fragments of 65511 stub bytes until past NT_MAX_ALLOC. */
    size_t per = 65535 - 24;
    size_t nfrag = NT_MAX_ALLOC / per + 40; /* well past the cap and the 1 MiB chunk */
    uint8_t *stub = calloc(1, per);
    rpc_conn c;
    fake *f = bound_fake(1u << 20, &c);
    nt_wr *s = next_stream(f);
    for (size_t i = 0; i < nfrag; i++)
        add_response(s, 2, i == 0 ? RPC_PFC_FIRST_FRAG : 0, stub, per);
    assert_false(s->bad);
    assert_int_equal(call_expect(f, &c), NT_ERROR_UNEXP_NET_ERR);
    assert_true(f->pos < s->len); /* stopped before draining everything */
    fake_free(f);
    free(stub);
}

static void check_request_frags(fake *f, int first, const uint8_t *stub, size_t n, size_t max_frag, uint16_t opnum)
{
    size_t off = 0;
    int i = first;
    for (; off < n || i == first; i++) {
        assert_true(i < f->nsent);
        rpc_hdr h;
        assert_true(rpc_parse_hdr(f->sent[i], f->sentlen[i], &h));
        assert_int_equal(h.frag_len, f->sentlen[i]);
        assert_true(h.frag_len <= max_frag);
        assert_int_equal(h.ptype, RPC_PTYPE_REQUEST);
        assert_int_equal(h.call_id, 2);
        size_t k = h.frag_len - 24;
        bool last = off + k == n;
        assert_int_equal(h.flags, (i == first ? RPC_PFC_FIRST_FRAG : 0) | (last ? RPC_PFC_LAST_FRAG : 0));
        assert_int_equal(f->sentkind[i], last ? 1 : 0); /* write, write, ..., transceive */
        assert_int_equal(nt_le32(f->sent[i] + 16), n - off); /* alloc_hint: what remains */
        assert_int_equal(nt_le16(f->sent[i] + 22), opnum);
        if (!last)
            assert_int_equal(k % 8, 0);
        assert_memory_equal(f->sent[i] + 24, stub + off, k);
        off += k;
    }
    assert_int_equal(off, n);
    assert_int_equal(i, f->nsent);
}

static void test_request_fragmented(void **st)
{
    (void)st;
    static const size_t sizes[] = {0, 1, 4256, 4257, 10000, 3 * 4256};
    for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
        size_t n = sizes[si];
        uint8_t *stub = pattern(n);
        rpc_conn c;
        fake *f = bound_fake(1u << 20, &c);
        static const uint8_t four[4] = {9, 9, 9, 9};
        add_response(next_stream(f), 2, 3, four, 4);
        uint8_t *resp = NULL;
        size_t rlen = 0;
        assert_int_equal(rpc_call(&c, 12, n ? stub : NULL, n, &resp, &rlen, &last_fault), NT_OK);
        free(resp);
        check_request_frags(f, 1, stub, n, 4280, 12);
        size_t want_frags = n == 0 ? 1 : (n + 4255) / 4256;
        assert_int_equal(f->nsent - 1, (int)want_frags);
        fake_free(f);
        free(stub);
    }
}

static void test_request_fragmented_small_server(void **st)
{
    (void)st;
    size_t n = 5000;
    uint8_t *stub = pattern(n);
    fake *f = fake_new(64);
    rpc_conn c;
    conn_init(&c, f);
    add_bind_ack(next_stream(f), 1, 0, 4280, 1432, true);
    assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_OK);
    assert_int_equal(c.max_xmit_frag, 1432);
    add_response(next_stream(f), 2, 3, stub, 4);
    uint8_t *resp = NULL;
    size_t rlen = 0;
    assert_int_equal(rpc_call(&c, 13, stub, n, &resp, &rlen, &last_fault), NT_OK);
    free(resp);
    check_request_frags(f, 1, stub, n, 1432, 13);
    assert_int_equal(f->nsent - 1, 4); /* 1408 * 3 + 776 */
    fake_free(f);
    free(stub);
}

static void test_call_ids_advance(void **st)
{
    (void)st;
    uint8_t stub[4] = {1, 2, 3, 4};
    rpc_conn c;
    fake *f = bound_fake(1u << 20, &c);
    add_response(next_stream(f), 2, 3, stub, 4);
    add_fault(next_stream(f), 3, 5);
    add_response(next_stream(f), 4, 3, stub, 4);
    assert_int_equal(call_expect(f, &c), NT_OK);
    assert_int_equal(last_fault, 0);
    assert_int_equal(call_expect(f, &c), NT_OK);
    assert_int_equal(last_fault, 5);
    assert_int_equal(call_expect(f, &c), NT_OK);
    assert_int_equal(last_fault, 0);
    fake_free(f);
}

static void test_call_not_bound(void **st)
{
    (void)st;
    fake *f = fake_new(1);
    rpc_conn c;
    conn_init(&c, f);
    assert_int_equal(call_expect(f, &c), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(f->nsent, 0);
    assert_int_equal(rpc_call(&c, 1, NULL, 0, NULL, NULL, &last_fault), NT_ERROR_INVALID_PARAMETER);
    fake_free(f);
}

static void test_samba_bind_ack(void **st)
{
    (void)st;
    for (size_t i = 0; i < NCHUNKS; i++) {
        fake *f = fake_new(CHUNKS[i]);
        rpc_conn c;
        conn_init(&c, f);
        nt_wr_bytes(next_stream(f), SAMBA_BIND_ACK, sizeof(SAMBA_BIND_ACK));
        assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_OK);
        assert_int_equal(c.max_xmit_frag, 4280);
        assert_int_equal(c.max_recv_frag, 4280);
        assert_int_equal(c.assoc_group, 0x8a3b);
        fake_free(f);
    }
}

static void test_samba_session_enum(void **st)
{
    (void)st;
    for (size_t i = 0; i < NCHUNKS; i++) {
        fake *f = fake_new(CHUNKS[i]);
        rpc_conn c;
        conn_init(&c, f);
        nt_wr_bytes(next_stream(f), SAMBA_BIND_ACK, sizeof(SAMBA_BIND_ACK));
        assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_OK);
        c.next_call_id = 3; /* the call id Samba answered */
        nt_wr_bytes(next_stream(f), SAMBA_RESPONSE_L1, sizeof(SAMBA_RESPONSE_L1));
        nt_wr_bytes(next_stream(f), SAMBA_RESPONSE_L2, sizeof(SAMBA_RESPONSE_L2));
        nt_wchar *srv = nt_utf8_to_utf16("\\\\127.0.0.40", NULL);
        uint32_t resume = 0;
        sess_list l;
        srvs_answer ans;
        assert_int_equal(srvs_session_enum(&c, srv, NULL, NULL, 1, 0xFFFFFFFFu, &resume, &l, &ans), NT_OK);
        assert_int_equal(ans.werr, NT_OK);
        assert_int_equal(ans.fault, 0);
        assert_int_equal(l.count, 2);
        assert_int_equal(l.total_entries, 2);
        assert_true(l.has_resume);
        assert_int_equal(resume, 2);
        char *u = nt_utf16_to_utf8(l.v[0].str[SF_USERNAME], nt_wcslen(l.v[0].str[SF_USERNAME]));
        assert_string_equal(u, "rpcadm");
        free(u);
        sess_list_free(&l);
        /* Samba 4.17 has levels 0 and 1 only */
        assert_int_equal(srvs_session_enum(&c, srv, NULL, NULL, 2, 0xFFFFFFFFu, &resume, &l, &ans), NT_OK);
        assert_int_equal(ans.werr, NT_ERROR_INVALID_LEVEL); /* the server's answer, not a failure */
        assert_int_equal(srvs_answer_status(&ans), NT_ERROR_INVALID_LEVEL);
        assert_int_equal(l.count, 0);
        assert_true(c.bound);
        free(srv);
        fake_free(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_vector),
        cmocka_unit_test(test_bind_is_what_rpc_bind_sends),
        cmocka_unit_test(test_request_vector),
        cmocka_unit_test(test_parse_hdr),
        cmocka_unit_test(test_bind_ack_accept_all_chunkings),
        cmocka_unit_test(test_bind_ack_rejected),
        cmocka_unit_test(test_bind_ack_wrong_syntax),
        cmocka_unit_test(test_bind_nak),
        cmocka_unit_test(test_bind_ack_bad),
        cmocka_unit_test(test_bind_transport_error),
        cmocka_unit_test(test_call_single_fragment),
        cmocka_unit_test(test_call_multi_fragment_reassembly),
        cmocka_unit_test(test_call_empty_stub_response),
        cmocka_unit_test(test_call_mismatched_call_id),
        cmocka_unit_test(test_call_bad_flags_and_ptype),
        cmocka_unit_test(test_call_frag_len_bad),
        cmocka_unit_test(test_call_trailing_bytes),
        cmocka_unit_test(test_call_truncated_everywhere),
        cmocka_unit_test(test_fault_is_an_answer),
        cmocka_unit_test(test_fault_status_mapping),
        cmocka_unit_test(test_call_oversized_refused),
        cmocka_unit_test(test_request_fragmented),
        cmocka_unit_test(test_request_fragmented_small_server),
        cmocka_unit_test(test_call_ids_advance),
        cmocka_unit_test(test_call_not_bound),
        cmocka_unit_test(test_samba_bind_ack),
        cmocka_unit_test(test_samba_session_enum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
