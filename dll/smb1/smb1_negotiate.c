/* SMB1 multi-protocol NEGOTIATE: "NT LM 0.12" beside "SMB 2.002" and
 * "SMB 2.???", so that a server speaking SMB2 answers in SMB2 (and we
 * continue in SMB2: never a downgrade) and only an SMB1-only server
 * selects NT LM 0.12.  Only NT status codes and Unicode are accepted;
 * without extended security the logon is smb1_session_raw.c's. */
#include "smb1_conn.h"

#include <stdlib.h>
#include <string.h>

static const char *const DIALECTS[] = {"NT LM 0.12", "SMB 2.002", "SMB 2.???"};
#define NDIALECTS (sizeof(DIALECTS) / sizeof(DIALECTS[0]))

static uint32_t check(smb1_conn *c, const uint8_t *m, size_t len)
{
    smb1_hdr h;
    smb1_neg_resp nr;
    if (smb1_hdr_parse(m, len, &h) != NT_OK || h.command != SMB1_COM_NEGOTIATE) {
        nt_trace("smb1: NEGOTIATE: malformed response");
        return NT_ERROR_UNEXP_NET_ERR;
    }
    if (h.status != 0) {
        nt_trace("smb1: NEGOTIATE: status 0x%08x (no dialect in common)", (unsigned)h.status);
        return NT_ERROR_NOT_SUPPORTED;
    }
    if (smb1_neg_parse(m, len, &nr) != NT_OK || nr.dialect_index != 0) {
        nt_trace("smb1: NEGOTIATE: not a well-formed NT LM 0.12 answer (challenge length 0 or 8 without "
                 "extended security)");
        return NT_ERROR_NOT_SUPPORTED;
    }
    uint32_t need = SMB1_CAP_UNICODE | SMB1_CAP_STATUS32 | SMB1_CAP_NT_SMBS;
    if ((nr.capabilities & need) != need || nr.max_buffer < 1024) {
        nt_trace("smb1: NEGOTIATE: capabilities 0x%08x / MaxBufferSize %u not usable",
                 (unsigned)nr.capabilities, (unsigned)nr.max_buffer);
        return NT_ERROR_NOT_SUPPORTED;
    }
    c->no_extsec = !nr.extsec;
    c->challenge_len = nr.challenge_len;
    memcpy(c->challenge, nr.challenge, sizeof(c->challenge));
    if (c->no_extsec)
        nt_trace("smb1: NEGOTIATE: no extended security (challenge of %u bytes): NTLMv2 logon without SPNEGO",
                 (unsigned)nr.challenge_len);
    c->capabilities = nr.capabilities;
    c->security_mode = nr.security_mode;
    c->max_buffer = nr.max_buffer > 0xFFFFu ? 0xFFFFu : nr.max_buffer;
    nt_trace("smb1: NT LM 0.12 security mode 0x%02x capabilities 0x%08x max buffer %u",
             (unsigned)nr.security_mode, (unsigned)nr.capabilities, (unsigned)nr.max_buffer);
    return NT_OK;
}

/* Sends an SMB1 NEGOTIATE offering DIALECTS[first..] and returns the raw answer. */
static uint32_t send_negotiate(smb1_conn *c, size_t first, uint8_t **m, size_t *len)
{
    nt_wr w;
    smb1_req_init(&w, SMB1_COM_NEGOTIATE, 64);
    nt_wr_u8(&w, 0);
    size_t bc = w.len;
    nt_wr_u16(&w, 0);
    for (size_t i = first; i < NDIALECTS; i++) {
        nt_wr_u8(&w, 0x02);
        nt_wr_bytes(&w, DIALECTS[i], strlen(DIALECTS[i]) + 1);
    }
    nt_wr_put_u16_at(&w, bc, (uint16_t)(w.len - bc - 2));
    return smb1_exchange_raw(c, &w, m, len);
}

uint32_t smb1_negotiate(smb1_conn *c)
{
    uint8_t *m = NULL;
    size_t len = 0;
    uint32_t st = send_negotiate(c, 0, &m, &len);
    if (st)
        return st;
    if (len >= 4 && m[0] == 0xFE && m[1] == 'S' && m[2] == 'M' && m[3] == 'B') {
        free(m);
        nt_trace("smb1: the server answered in SMB2: continuing with SMB2");
        return smb1_poison(c, NT_SMB1_SERVER_SPEAKS_SMB2);
    }
    st = check(c, m, len);
    free(m);
    return st ? smb1_poison(c, st) : NT_OK;
}

bool smb1_server_is_smb1_only(const np_target *t)
{
    smb1_conn c = {0};
    c.timeout_ms = t->timeout_ms ? t->timeout_ms : NET_DEFAULT_REQUEST_TIMEOUT_MS;
    c.call_deadline = t->deadline_ms;
    c.pid = 1;
    uint32_t cto = t->connect_timeout_ms ? t->connect_timeout_ms : NET_DEFAULT_CONNECT_TIMEOUT_MS;
    if (net_connect(t->host, t->port ? t->port : NET_DEFAULT_SMB_PORT, cto, &c.net) != NT_OK)
        return false;
    uint8_t *m = NULL;
    size_t len = 0;
    smb1_hdr h;
    bool smb1 = send_negotiate(&c, 1, &m, &len) == NT_OK && smb1_hdr_parse(m, len, &h) == NT_OK &&
                h.command == SMB1_COM_NEGOTIATE;
    free(m);
    net_close(c.net);
    nt_trace("smb1: probe (SMB1 NEGOTIATE offering SMB2 dialects only): %s",
             smb1 ? "answered in SMB1: the server speaks only SMB1" : "no SMB1 answer");
    return smb1;
}
