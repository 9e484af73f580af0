/* The SMB2 connection state machine (dll/smb2/smb2_conn.c and the command files) against a hostile
 * server: the fuzz bytes are everything the server sends on the TCP
 * connection (NetBIOS-framed SMB2 responses).  This file replaces dll/net
 * (net_posix.o is then not linked): net_recv_all reads the fuzz bytes,
 * net_send_all swallows the requests.  Anonymous logon (no keys, so the
 * responses need no valid signatures), then CREATE of \srvsvc, one
 * FSCTL_PIPE_TRANSCEIVE (+ READs while the server says BUFFER_OVERFLOW),
 * CLOSE, TREE_DISCONNECT, LOGOFF.
 *   data[0] bit 0: transceive a 0-byte request instead of 72 bytes;
 *           bits 1-2: reply buffer 16, 1024, 4280 or 65536 bytes;
 *           bit 3: smb2_opts.compound: TREE_CONNECT + CREATE + the
 *           transceive go as one compound, so the bytes are (hostile)
 *           compound responses (dll/smb2/smb2_compound.c). */
#include <string.h>

#include "fuzz_common.h"
#include "net/net.h"
#include "smb2/smb2.h"

struct net_conn {
    const uint8_t *p;
    size_t len, pos;
    bool closed;
};

static const uint8_t *g_data;
static size_t g_len;

uint32_t net_connect(const char *host, uint16_t port, uint32_t timeout_ms, net_conn **out)
{
    (void)host;
    (void)port;
    (void)timeout_ms;
    net_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    c->p = g_data;
    c->len = g_len;
    *out = c;
    return NT_OK;
}

uint32_t net_send_all(net_conn *c, const void *buf, size_t len, uint32_t timeout_ms)
{
    (void)timeout_ms;
    FUZZ_CHECK(c && !c->closed && buf && len >= 4 + 64);
    const uint8_t *b = buf;
    FUZZ_CHECK(b[0] == 0 && (((size_t)b[1] << 16) | ((size_t)b[2] << 8) | b[3]) == len - 4);
    return NT_OK;
}

uint32_t net_recv_all(net_conn *c, void *buf, size_t len, uint32_t timeout_ms)
{
    (void)timeout_ms;
    FUZZ_CHECK(c && !c->closed && buf);
    if (c->len - c->pos < len) {
        c->pos = c->len;
        return NT_ERROR_NETNAME_DELETED; /* the server closed the connection */
    }
    memcpy(buf, c->p + c->pos, len);
    c->pos += len;
    return NT_OK;
}

bool net_is_dead(net_conn *c) { return !c || c->closed || c->pos >= c->len; }

void net_close(net_conn *c) { free(c); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t caps[4] = {16, 1024, 4280, 65536};
    if (size < 1)
        return 0;
    g_data = data + 1;
    g_len = size - 1;
    smb2_opts o = {.host = "srv", .unc_server = "srv", .timeout_ms = 1000, .compound = (data[0] & 8) != 0};
    nt_creds anon = {0};
    smb2_conn *c = NULL;
    uint32_t st = smb2_connect(&o, &anon, &c);
    if (st != NT_OK) {
        FUZZ_CHECK(c == NULL);
        return 0;
    }
    FUZZ_CHECK(c != NULL);
    smb2_pipe *p = NULL;
    st = smb2_pipe_open(c, "srvsvc", &p);
    if (st == NT_OK) {
        uint8_t in[72];
        memset(in, 0x5A, sizeof in);
        size_t cap = caps[(data[0] >> 1) & 3];
        uint8_t *out = malloc(cap);
        FUZZ_CHECK(out);
        size_t got = 0;
        st = smb2_pipe_transceive(p, in, (data[0] & 1) ? 0 : sizeof in, out, cap, &got);
        FUZZ_CHECK(got <= cap);
        for (int i = 0; i < 4 && st == NT_ERROR_MORE_DATA; i++) {
            got = 0;
            st = smb2_pipe_read(p, out, cap, &got);
            FUZZ_CHECK(got <= cap);
        }
        free(out);
        if (smb2_is_dead(c)) {
            smb2_pipe_free(p);
            smb2_abort(c);
            return 0;
        }
        smb2_pipe_close(p);
    }
    smb2_disconnect(c);
    return 0;
}
