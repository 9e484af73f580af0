/* A scripted srvsvc server behind a named pipe (pipe/pipe.h) (tests
 * only): it answers BIND with a BIND_ACK and each REQUEST with what a test
 * handler decides (a RESPONSE stub, a FAULT, or a transport failure), cut
 * into fragments and handed out in transceive/read chunks like an SMB2
 * pipe.  Include after cmocka.h and srvs/srvs.h. */
#ifndef TEST_FAKE_SRVSVC_H
#define TEST_FAKE_SRVSVC_H

#include <stdlib.h>
#include <string.h>

typedef struct srv_reply {
    uint32_t transport; /* != 0: the transceive fails with this status */
    uint32_t fault;     /* != 0: a FAULT PDU with this status */
    uint8_t *stub;      /* RESPONSE stub (malloc'd; the fake frees it) */
    size_t len;
} srv_reply;

typedef void (*srv_handler)(void *hctx, unsigned nth, uint16_t opnum, const uint8_t *stub, size_t len,
                            srv_reply *r);

typedef struct fake_srv {
    srv_handler handler;
    void *hctx;
    uint8_t *pending;   /* reply bytes not yet handed out */
    size_t plen, ppos;
    bool dead;          /* is_dead() says so */
    unsigned binds, requests, closes;
} fake_srv;

static void fs_hdr(nt_wr *w, uint8_t ptype, uint32_t call_id)
{
    uint8_t h[16] = {5, 0, ptype, 3, 0x10, 0, 0, 0, 0, 0, 0, 0};
    nt_put_le32(h + 12, call_id);
    nt_wr_bytes(w, h, 16);
}

static void fs_bind_ack(nt_wr *w, uint32_t call_id)
{
    size_t s = w->len;
    fs_hdr(w, RPC_PTYPE_BIND_ACK, call_id);
    nt_wr_u16(w, 4280);
    nt_wr_u16(w, 4280);
    nt_wr_u32(w, 0x4321);
    static const char sec[] = "\\PIPE\\srvsvc";
    nt_wr_u16(w, sizeof(sec));
    nt_wr_bytes(w, sec, sizeof(sec));
    while ((w->len - s) % 4)
        nt_wr_u8(w, 0);
    nt_wr_u8(w, 1);
    nt_wr_zeros(w, 3);
    nt_wr_u16(w, 0);
    nt_wr_u16(w, 0);
    nt_wr_bytes(w, RPC_NDR20_SYNTAX.uuid, 16);
    nt_wr_u16(w, 2);
    nt_wr_u16(w, 0);
    nt_wr_put_u16_at(w, s + 8, (uint16_t)(w->len - s));
}

static void fs_response(nt_wr *w, uint32_t call_id, const uint8_t *stub, size_t n)
{
    size_t off = 0;
    do {
        size_t k = n - off < 4256 ? n - off : 4256;
        size_t s = w->len;
        fs_hdr(w, RPC_PTYPE_RESPONSE, call_id);
        w->p[s + 3] = (uint8_t)((off == 0 ? RPC_PFC_FIRST_FRAG : 0) | (off + k == n ? RPC_PFC_LAST_FRAG : 0));
        nt_wr_u32(w, (uint32_t)(n - off));
        nt_wr_u32(w, 0);
        nt_wr_bytes(w, stub + off, k);
        nt_wr_put_u16_at(w, s + 8, (uint16_t)(w->len - s));
        off += k;
    } while (off < n);
}

static void fs_fault(nt_wr *w, uint32_t call_id, uint32_t status)
{
    size_t s = w->len;
    fs_hdr(w, RPC_PTYPE_FAULT, call_id);
    nt_wr_u32(w, 32);
    nt_wr_u32(w, 0);
    nt_wr_u32(w, status);
    nt_wr_u32(w, 0);
    nt_wr_put_u16_at(w, s + 8, (uint16_t)(w->len - s));
}

static uint32_t fs_give(fake_srv *f, uint8_t *out, size_t cap, size_t *got)
{
    size_t n = f->plen - f->ppos;
    if (n > cap)
        n = cap;
    if (n > 1000)
        n = 1000; /* replies arrive in several chunks */
    memcpy(out, f->pending + f->ppos, n);
    f->ppos += n;
    *got = n;
    return f->ppos < f->plen ? NT_ERROR_MORE_DATA : NT_OK;
}

static uint32_t fs_transceive(void *ctx, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap, size_t *got)
{
    fake_srv *f = ctx;
    *got = 0;
    rpc_hdr h;
    assert_true(rpc_parse_hdr(in, inlen, &h));
    assert_int_equal(h.frag_len, inlen);
    nt_wr w;
    nt_wr_init(&w, 0);
    if (h.ptype == RPC_PTYPE_BIND) {
        f->binds++;
        fs_bind_ack(&w, h.call_id);
    } else {
        assert_int_equal(h.ptype, RPC_PTYPE_REQUEST);
        assert_int_equal(h.flags, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG); /* our requests fit one fragment */
        srv_reply r = {0, 0, NULL, 0};
        f->handler(f->hctx, f->requests++, nt_le16(in + 22), in + 24, inlen - 24, &r);
        if (r.transport) {
            free(r.stub);
            nt_wr_free(&w);
            f->dead = true;
            return r.transport;
        }
        if (r.fault)
            fs_fault(&w, h.call_id, r.fault);
        else
            fs_response(&w, h.call_id, r.stub, r.len);
        free(r.stub);
    }
    assert_false(w.bad);
    free(f->pending);
    f->pending = nt_wr_take(&w, &f->plen);
    f->ppos = 0;
    return fs_give(f, out, cap, got);
}

static uint32_t fs_read(void *ctx, uint8_t *out, size_t cap, size_t *got)
{
    fake_srv *f = ctx;
    *got = 0;
    if (!f->pending || f->ppos >= f->plen)
        return NT_ERROR_NETNAME_DELETED;
    return fs_give(f, out, cap, got);
}

static uint32_t fs_write(void *ctx, const uint8_t *in, size_t inlen)
{
    (void)ctx;
    (void)in;
    (void)inlen;
    fail_msg("a request larger than one fragment");
    return NT_ERROR_UNEXP_NET_ERR;
}

static void fs_init(fake_srv *f, srv_handler h, void *hctx)
{
    memset(f, 0, sizeof(*f));
    f->handler = h;
    f->hctx = hctx;
}

static void fs_reset_stream(fake_srv *f)
{
    free(f->pending);
    f->pending = NULL;
    f->plen = f->ppos = 0;
}

static const np_pipe_ops FS_PIPE_OPS = {fs_transceive, fs_read, fs_write, NULL, NULL, NULL, NULL, NULL};

/* The fake as a named pipe (pipe/pipe.h). */
static void fs_pipe(fake_srv *f, np_pipe *p)
{
    p->ops = &FS_PIPE_OPS;
    p->ctx = f;
}

/* ---- the fake as a connection factory for the API's cache ---------------- */
/* fs_connect (an np_connect_fn) connects to fs_current: each connection
 * counts in fs_opens and starts a fresh stream; fs_fail_connect != 0 makes
 * the next connects fail with that status instead. */
static fake_srv *fs_current;
static unsigned fs_opens;
static uint32_t fs_fail_connect;

static uint32_t fs_c_open(void *ctx, const char *name, uint64_t deadline_ms, np_pipe *out)
{
    (void)name;
    (void)deadline_ms;
    fs_pipe(ctx, out);
    return NT_OK;
}

static bool fs_c_dead(void *ctx) { return ((fake_srv *)ctx)->dead; }
static void fs_c_close(void *ctx, bool polite)
{
    (void)polite;
    ((fake_srv *)ctx)->closes++;
}
static void fs_c_info(const void *ctx, np_conn_info *out)
{
    (void)ctx;
    out->family = "test";
}
static const np_conn_ops FS_CONN_OPS = {fs_c_open, NULL, NULL, fs_c_dead, fs_c_info, fs_c_close};

static uint32_t fs_connect(const np_target *t, const nt_creds *creds, np_conn *out)
{
    (void)t;
    (void)creds;
    if (fs_fail_connect)
        return fs_fail_connect;
    fs_opens++;
    fs_current->dead = false;
    fs_reset_stream(fs_current);
    out->ops = &FS_CONN_OPS;
    out->ctx = fs_current;
    return NT_OK;
}

#ifdef NT_API_H
/* The whole API over fs_connect to f, with no credentials from the
 * environment (anonymous); fs_api_end restores the default factory and
 * forgets every cached connection and snapshot. */
static void fs_api_begin(fake_srv *f)
{
    unsetenv("NETAPI32_USER");
    unsetenv("NETAPI32_PASSWORD");
    unsetenv("NETAPI32_AUTH_FILE");
    fs_current = f;
    fs_opens = 0;
    fs_fail_connect = 0;
    api_set_connector(fs_connect);
}

static void fs_api_end(fake_srv *f)
{
    api_cache_shutdown();
    api_snapshots_clear();
    api_set_connector(NULL);
    fs_reset_stream(f);
}
#endif

/* ---- request parsing (the server's view of NetrSessionEnum) ---- */
typedef struct enum_req {
    bool has_client, has_user;
    nt_wchar client[64], user[64]; /* as sent (truncated), NUL-terminated */
    uint32_t level;
    bool has_resume;
    uint32_t resume;
} enum_req;

static void fs_get_str(nt_rd *r, bool *has, nt_wchar *dst, size_t cap)
{
    uint32_t ref = 0, maxc = 0, off = 0, act = 0;
    nt_rd_u32(r, &ref);
    *has = ref != 0;
    if (dst)
        dst[0] = 0;
    if (!ref)
        return;
    nt_rd_u32(r, &maxc);
    nt_rd_u32(r, &off);
    nt_rd_u32(r, &act);
    for (uint32_t i = 0; i < act; i++) {
        uint16_t c = 0;
        nt_rd_u16(r, &c);
        if (dst && i < cap - 1) {
            dst[i] = c;
            dst[i + 1] = 0;
        }
    }
    nt_rd_align(r, 4);
}

static void fs_parse_enum(const uint8_t *stub, size_t len, enum_req *q)
{
    nt_rd r;
    bool has;
    uint32_t v = 0, ptr = 0;
    memset(q, 0, sizeof(*q));
    nt_rd_init(&r, stub, len);
    fs_get_str(&r, &has, NULL, 0);
    fs_get_str(&r, &q->has_client, q->client, 64);
    fs_get_str(&r, &q->has_user, q->user, 64);
    nt_rd_u32(&r, &q->level);
    nt_rd_u32(&r, &v);
    nt_rd_u32(&r, &v);
    nt_rd_u32(&r, &v);
    nt_rd_u32(&r, &v);
    nt_rd_u32(&r, &v); /* prefmaxlen */
    nt_rd_u32(&r, &ptr);
    q->has_resume = ptr != 0;
    if (ptr)
        nt_rd_u32(&r, &q->resume);
    assert_false(r.bad);
}

#endif
