/* srvs_session_enum_all: a server that pages (or claims to).  The fuzz bytes
 * are the NetrSessionEnum response stubs of successive requests; a fake
 * srvsvc pipe wraps each in a RESPONSE PDU with the request's call id, and
 * repeats the last stub once the input runs out (a server that never stops
 * answering the same way).
 *   data[0]: the level (fuzz_level);
 *   then pages: u16 little-endian length, that many stub bytes (the last
 *   page takes whatever is left when the length runs past the end).
 * Checked: the walk ends within SRVS_MAX_PAGES requests, only a complete
 * success carries entries, never more than SRVS_MAX_ENTRIES, and a walk
 * that did not end is a protocol violation, not a success. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "dcerpc/dcerpc.h"
#include "srvs/srvs.h"

#define MAX_PAGES 64

typedef struct fake {
    const uint8_t *page[MAX_PAGES];
    size_t plen[MAX_PAGES];
    unsigned npages, requests;
    uint8_t *reply;
    size_t rlen, rpos;
} fake;

static uint32_t give(fake *f, uint8_t *out, size_t cap, size_t *got)
{
    size_t n = f->rlen - f->rpos;
    if (n > cap)
        n = cap;
    memcpy(out, f->reply + f->rpos, n);
    f->rpos += n;
    *got = n;
    return f->rpos < f->rlen ? NT_ERROR_MORE_DATA : NT_OK;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

/* One RESPONSE PDU (or BIND_ACK) answering `in`. */
static uint32_t f_transceive(void *ctx, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap, size_t *got)
{
    fake *f = ctx;
    *got = 0;
    FUZZ_CHECK(in && inlen >= 24);
    uint32_t call_id = (uint32_t)in[12] | ((uint32_t)in[13] << 8) | ((uint32_t)in[14] << 16) | ((uint32_t)in[15] << 24);
    free(f->reply);
    f->reply = NULL;
    f->rpos = 0;
    if (in[2] == RPC_PTYPE_BIND) {
        static const uint8_t ack_tail[] = {0xb8, 0x10, 0xb8, 0x10, 0x21, 0x43, 0, 0, 0x0d, 0, '\\', 'P', 'I', 'P', 'E',
                                           '\\', 's', 'r', 'v', 's', 'v', 'c', 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
        f->rlen = 16 + sizeof(ack_tail) + 20;
        f->reply = calloc(1, f->rlen);
        memcpy(f->reply + 16, ack_tail, sizeof(ack_tail));
        memcpy(f->reply + 16 + sizeof(ack_tail), RPC_NDR20_SYNTAX.uuid, 16);
        f->reply[16 + sizeof(ack_tail) + 16] = 2;
        f->reply[2] = RPC_PTYPE_BIND_ACK;
    } else {
        FUZZ_CHECK(in[2] == RPC_PTYPE_REQUEST);
        FUZZ_CHECK(f->requests < SRVS_MAX_PAGES); /* the walk is bounded */
        unsigned i = f->requests < f->npages ? f->requests : f->npages - 1;
        f->requests++;
        size_t n = f->plen[i] > 65000 ? 65000 : f->plen[i];
        f->rlen = 24 + n;
        f->reply = calloc(1, f->rlen);
        put32(f->reply + 16, (uint32_t)n);
        if (n)
            memcpy(f->reply + 24, f->page[i], n);
        f->reply[2] = RPC_PTYPE_RESPONSE;
    }
    f->reply[0] = 5;
    f->reply[3] = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG;
    f->reply[4] = 0x10;
    put16(f->reply + 8, (uint16_t)f->rlen);
    put32(f->reply + 12, call_id);
    return give(f, out, cap, got);
}

static uint32_t f_read(void *ctx, uint8_t *out, size_t cap, size_t *got)
{
    fake *f = ctx;
    *got = 0;
    if (!f->reply || f->rpos >= f->rlen)
        return NT_ERROR_NETNAME_DELETED;
    return give(f, out, cap, got);
}

static uint32_t f_write(void *ctx, const uint8_t *in, size_t inlen)
{
    (void)ctx;
    (void)in;
    (void)inlen;
    return NT_ERROR_UNEXP_NET_ERR; /* requests here always fit one fragment */
}

static const nt_wchar SERVER[] = {'\\', '\\', 's', 'r', 'v', 0};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint32_t level = fuzz_level(data[0]);
    fake f;
    memset(&f, 0, sizeof(f));
    size_t pos = 1;
    while (f.npages < MAX_PAGES && pos < size) {
        size_t n = size - pos >= 2 ? (size_t)(data[pos] | (data[pos + 1] << 8)) : 0;
        pos += size - pos >= 2 ? 2 : size - pos;
        if (n > size - pos)
            n = size - pos;
        f.page[f.npages] = data + pos;
        f.plen[f.npages++] = n;
        pos += n;
    }
    if (f.npages == 0) {
        f.page[0] = data;
        f.plen[0] = 0;
        f.npages = 1;
    }
    static const np_pipe_ops F_OPS = {f_transceive, f_read, f_write, NULL, NULL, NULL, NULL, NULL};
    np_pipe t = {&F_OPS, &f};
    rpc_conn c;
    rpc_init(&c, &t);
    FUZZ_CHECK(rpc_bind(&c, &RPC_SRVSVC_SYNTAX) == NT_OK);
    sess_list l;
    srvs_answer ans;
    uint32_t st = srvs_session_enum_all(&c, SERVER, NULL, NULL, level, &l, &ans);
    FUZZ_CHECK(l.count <= SRVS_MAX_ENTRIES);
    FUZZ_CHECK((l.count == 0) == (l.v == NULL));
    if (st != NT_OK || ans.fault || ans.werr != NT_OK)
        FUZZ_CHECK(l.count == 0); /* only a complete success carries entries */
    if (st == NT_OK)
        FUZZ_CHECK(ans.fault || ans.werr != NT_ERROR_MORE_DATA); /* never "more" at the end of a walk */
    sess_list_free(&l);
    free(f.reply);
    return 0;
}
