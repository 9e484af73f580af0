/* SMB1 multi-protocol NEGOTIATE: "NT LM 0.12" beside "SMB 2.002" and
 * "SMB 2.???", so that a server speaking SMB2 answers in SMB2 (and we
 * continue in SMB2: never a downgrade) and only an SMB1-only server
 * selects NT LM 0.12.  Only extended security with NT status codes and
 * Unicode is accepted. */
#include "smb1_conn.h"

#include <stdlib.h>
#include <string.h>

static const char *const DIALECTS[] = {"NT LM 0.12", "SMB 2.002", "SMB 2.???"};

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
        nt_trace("smb1: NEGOTIATE: not an NT LM 0.12 answer with extended security");
        return NT_ERROR_NOT_SUPPORTED;
    }
    uint32_t need = SMB1_CAP_UNICODE | SMB1_CAP_STATUS32 | SMB1_CAP_NT_SMBS;
    if ((nr.capabilities & need) != need || nr.max_buffer < 1024) {
        nt_trace("smb1: NEGOTIATE: capabilities 0x%08x / MaxBufferSize %u not usable",
                 (unsigned)nr.capabilities, (unsigned)nr.max_buffer);
        return NT_ERROR_NOT_SUPPORTED;
    }
    c->capabilities = nr.capabilities;
    c->security_mode = nr.security_mode;
    c->max_buffer = nr.max_buffer > 0xFFFFu ? 0xFFFFu : nr.max_buffer;
    nt_trace("smb1: NT LM 0.12 security mode 0x%02x capabilities 0x%08x max buffer %u",
             (unsigned)nr.security_mode, (unsigned)nr.capabilities, (unsigned)nr.max_buffer);
    return NT_OK;
}

uint32_t smb1_negotiate(smb1_conn *c)
{
    nt_wr w;
    smb1_req_init(&w, SMB1_COM_NEGOTIATE, 64);
    nt_wr_u8(&w, 0);
    size_t bc = w.len;
    nt_wr_u16(&w, 0);
    for (size_t i = 0; i < sizeof(DIALECTS) / sizeof(DIALECTS[0]); i++) {
        nt_wr_u8(&w, 0x02);
        nt_wr_bytes(&w, DIALECTS[i], strlen(DIALECTS[i]) + 1);
    }
    nt_wr_put_u16_at(&w, bc, (uint16_t)(w.len - bc - 2));
    uint8_t *m = NULL;
    size_t len = 0;
    uint32_t st = smb1_exchange_raw(c, &w, &m, &len);
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
