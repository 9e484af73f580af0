/* SMB2 NEGOTIATE: the dialect range offered, the server's choice of
 * dialect, cipher and signing algorithm, the 3.1.1 pre-auth hash. */
#include "smb2_conn.h"

#include <string.h>

uint32_t smb2_negotiate(smb2_conn *c, const smb2_opts *o)
{
    if (!smb2_neg_req_init(&c->neg, o->min_dialect, o->max_dialect))
        return NT_ERROR_INVALID_PARAMETER;
    nt_wr w;
    smb2_req_init(&w, 256);
    smb2_neg_req_body(&c->neg, &w);
    memset(c->preauth, 0, sizeof(c->preauth));
    smb2_resp r;
    uint32_t st = smb2_request(c, SMB2_NEGOTIATE, &w, c->preauth, &r);
    if (st == NT_ERROR_NETNAME_DELETED || st == NT_ERROR_UNEXP_NET_ERR) {
        /* Closed, or answered in something that is not SMB2 (an SMB1-only
         * server: Samba with "server max protocol = NT1" closes). */
        nt_trace("smb2: NEGOTIATE not answered in SMB2 (%u): the server may speak only SMB1", (unsigned)st);
        return smb2_poison(c, NT_ERROR_SMB1_ONLY_SERVER);
    }
    if (st)
        return st;
    smb2_neg_resp nr;
    st = smb2_neg_resp_parse(r.m, r.len, &c->neg, &nr);
    if (st == NT_OK && !smb2_preauth_update(c->preauth, r.m, r.len))
        st = NT_ERROR_NOT_ENOUGH_MEMORY;
    /* The server's SPNEGO hint (nr.secblob) is not used: the mechanism
     * offers what it has, and the server's first answer tells. */
    smb2_resp_free(&r);
    if (st)
        return smb2_poison(c, st);
    c->dialect = nr.dialect;
    c->cipher = nr.cipher;
    c->sign_alg = nr.sign_alg;
    c->max_transact = nr.max_transact;
    c->max_read = nr.max_read;
    c->max_write = nr.max_write;
    c->srv_security_mode = nr.security_mode;
    c->srv_capabilities = nr.capabilities;
    memcpy(c->srv_guid, nr.server_guid, 16);
    nt_trace("smb2: dialect 0x%04x, server security mode 0x%x, cipher %u, signing alg %u", (unsigned)c->dialect,
             (unsigned)nr.security_mode, (unsigned)c->cipher, (unsigned)c->sign_alg);
    return NT_OK;
}
