/* DCE/RPC response handling through a fake byte-stream transport: the fuzz
 * bytes are the server's side of the named pipe.
 *   data[0] & 3: 0 = the stream answers our BIND (rpc_bind);
 *                1 = a canned Samba BIND_ACK, then the stream answers
 *                    rpc_call (opnum 12);
 *                2 = canned BIND_ACK, then srvs_session_enum (level from
 *                    data[0] >> 2) over the stream: RPC + NDR together;
 *                3 = canned BIND_ACK, then srvs_session_del.
 *   data[1]: how many bytes each transceive/read hands out (1..128, or
 *            64-byte multiples), so PDUs are split across and packed into
 *            reads in every way.
 *   data[2..]: the stream.  After the canned bind the next call id is 2. */
#include <string.h>

#include "fuzz_common.h"
#include "dcerpc/dcerpc.h"
#include "srvs/srvs.h"

/* Samba 4.17's BIND_ACK to this code's BIND (call id 1), from
 * tests/test_dcerpc.c. */
static const uint8_t SAMBA_BIND_ACK[] = {
    0x05, 0x00, 0x0c, 0x03, 0x10, 0x00, 0x00, 0x00, 0x44, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0xb8, 0x10, 0xb8, 0x10, 0x3b, 0x8a, 0x00, 0x00, 0x0d, 0x00, 0x5c, 0x70, 0x69, 0x70, 0x65, 0x5c,
    0x73, 0x72, 0x76, 0x73, 0x76, 0x63, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60,
    0x02, 0x00, 0x00, 0x00,
};

typedef struct fake {
    const uint8_t *stream[2]; /* reply to the 1st and 2nd transceive */
    size_t len[2];
    int cur;                  /* stream being read, -1 before the first transceive */
    size_t pos;
    size_t chunk;
} fake;

static uint32_t give(fake *f, uint8_t *out, size_t cap, size_t *got)
{
    FUZZ_CHECK(cap > 0 && cap <= 65536); /* never asks more than an SMB2 read can carry */
    size_t left = f->len[f->cur] - f->pos;
    size_t n = left < f->chunk ? left : f->chunk;
    if (n > cap)
        n = cap;
    if (n)
        memcpy(out, f->stream[f->cur] + f->pos, n);
    f->pos += n;
    *got = n;
    return f->pos < f->len[f->cur] ? NT_ERROR_MORE_DATA : NT_OK;
}

static uint32_t f_transceive(void *ctx, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap, size_t *got)
{
    fake *f = ctx;
    *got = 0;
    FUZZ_CHECK(in && inlen >= 16 && inlen <= 65535);
    if (f->cur >= 1)
        return NT_ERROR_NETNAME_DELETED; /* no third exchange in any mode */
    f->cur++;
    f->pos = 0;
    return give(f, out, cap, got);
}

static uint32_t f_read(void *ctx, uint8_t *out, size_t cap, size_t *got)
{
    fake *f = ctx;
    *got = 0;
    if (f->cur < 0 || f->pos >= f->len[f->cur])
        return NT_ERROR_NETNAME_DELETED; /* the server closed the pipe */
    return give(f, out, cap, got);
}

static uint32_t f_write(void *ctx, const uint8_t *in, size_t inlen)
{
    (void)ctx;
    FUZZ_CHECK(in && inlen >= 16 && inlen <= 65535);
    return NT_OK;
}

static const nt_wchar SERVER[] = {'\\', '\\', 's', 'r', 'v', 0};
static const nt_wchar CLIENT[] = {'\\', '\\', 'c', 'l', 'i', 0};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned mode = data[0] & 3;
    fake f = {.cur = -1};
    f.chunk = data[1] < 128 ? (size_t)data[1] + 1 : (size_t)(data[1] - 127) * 64;
    const uint8_t *s = data + 2;
    size_t slen = size - 2;
    if (mode == 0) {
        f.stream[0] = s;
        f.len[0] = slen;
    } else {
        f.stream[0] = SAMBA_BIND_ACK;
        f.len[0] = sizeof SAMBA_BIND_ACK;
        f.stream[1] = s;
        f.len[1] = slen;
    }
    static const np_pipe_ops F_OPS = {f_transceive, f_read, f_write, NULL, NULL, NULL, NULL, NULL};
    np_pipe t = {&F_OPS, &f};
    rpc_conn c;
    rpc_init(&c, &t);
    uint32_t st = rpc_bind(&c, &RPC_SRVSVC_SYNTAX);
    if (mode != 0)
        FUZZ_CHECK(st == NT_OK); /* the canned reply always binds */
    if (st != NT_OK) {
        FUZZ_CHECK(!c.bound);
        return 0;
    }
    FUZZ_CHECK(c.bound && c.max_xmit_frag >= 16 && c.max_recv_frag >= 16);
    if (mode == 0)
        return 0;
    if (mode == 1) {
        static const uint8_t stub[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        uint8_t *resp = NULL;
        size_t rlen = 0;
        uint32_t fault = 0xDEADBEEFu;
        st = rpc_call(&c, SRVS_OPNUM_SESSION_ENUM, stub, sizeof stub, &resp, &rlen, &fault);
        if (st == NT_OK && !fault)
            FUZZ_CHECK(resp != NULL && rlen <= slen);
        else
            FUZZ_CHECK(resp == NULL && rlen == 0);
        if (st != NT_OK)
            FUZZ_CHECK(fault == 0); /* a transport failure is never also a fault */
        free(resp);
    } else if (mode == 2) {
        uint32_t level = fuzz_level((uint8_t)(data[0] >> 2));
        uint32_t resume = 7;
        sess_list l;
        srvs_answer ans;
        st = srvs_session_enum(&c, SERVER, NULL, CLIENT, level, 0xFFFFFFFFu, &resume, &l, &ans);
        FUZZ_CHECK(l.count <= SRVS_MAX_ENTRIES);
        if (st != NT_OK || ans.fault || (ans.werr != NT_OK && ans.werr != NT_ERROR_MORE_DATA))
            FUZZ_CHECK(l.count == 0); /* only a successful answer carries entries */
        sess_list_free(&l);
    } else {
        srvs_answer ans;
        st = srvs_session_del(&c, SERVER, CLIENT, NULL, &ans);
    }
    return 0;
}
