/* SMB2 SESSION_SETUP: the token exchange of whatever mechanism the
 * options name (auth.h), the 3.1.1 pre-auth hash, and what the session
 * established is worth (session_trust: keys, signing, encryption, guest
 * refusal). */
#include "smb2_conn.h"

#include "../auth/auth_cifs.h"

#include <stdlib.h>
#include <string.h>

/*
 * Decides what the session established by the final SESSION_SETUP response
 * `final` (carrying the final SPNEGO token tok) is worth (MS-SMB2 3.2.5.3.1):
 *  - anonymous logon (no credentials): no keys, unsigned, as the server says;
 *  - with credentials: the keys are derived first and a signed final response
 *    must verify (NT_ERROR_UNEXP_NET_ERR) before any of its flags is believed;
 *    a guest or null session is then refused (NT_ERROR_SMB_GUEST_LOGON_BLOCKED:
 *    the server did not accept our password, as Windows refuses insecure
 *    guest logons; such a server cannot send the SPNEGO mechListMIC either);
 *    otherwise the final SPNEGO token and its mechListMIC must verify, on
 *    3.1.1 the final response must be signed, and every later request and
 *    response is signed whatever the flags say.
 */
static uint32_t session_trust(smb2_conn *c, auth_ctx *a, uint16_t flags, const uint8_t *final, size_t finallen,
                              const uint8_t *tok, size_t toklen, const uint8_t preauth[64])
{
    if (auth_is_anonymous(a)) {
        uint32_t st = auth_finish(a, tok, toklen);
        if (st)
            return smb2_poison(c, st);
        if (flags & SMB2_SESSION_FLAG_ENCRYPT_DATA)
            return smb2_poison(c, NT_ERROR_UNEXP_NET_ERR); /* no key to encrypt with */
        return NT_OK;
    }
    /* MS-SMB2 3.2.5.3.1: the first 16 bytes of the mechanism's key (a
     * Kerberos key may be 32), a shorter one right-padded with zeros. */
    uint8_t skey[64] = {0};
    size_t klen = 0;
    bool finished = false;
    if (!auth_session_key(a, skey, sizeof(skey), &klen)) {
        /* a mechanism whose key comes with the server's final token
         * (Kerberos: the AP-REP may carry the acceptor's subkey) */
        uint32_t st = auth_finish(a, tok, toklen);
        if (st)
            return smb2_poison(c, st);
        finished = true;
        auth_session_key(a, skey, sizeof(skey), &klen);
    }
    bool ok = klen > 0 && smb2_derive_keys(c->dialect, skey, preauth, &c->keys);
    nt_wipe(skey, sizeof(skey));
    if (!ok)
        return smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
    bool signed_resp = (nt_le32(final + 16) & SMB2_FLAGS_SIGNED) != 0;
    if (signed_resp && !smb2_verify(c->sign_alg, c->keys.sign, final, finallen)) {
        nt_trace("smb2: SESSION_SETUP: bad final response signature");
        return smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    if (flags & (SMB2_SESSION_FLAG_IS_GUEST | SMB2_SESSION_FLAG_IS_NULL)) {
        nt_trace("smb2: SESSION_SETUP: server offered a %s session to a logon with credentials: refused",
                 (flags & SMB2_SESSION_FLAG_IS_NULL) ? "null" : "guest");
        nt_wipe(&c->keys, sizeof(c->keys));
        return NT_ERROR_SMB_GUEST_LOGON_BLOCKED;
    }
    uint32_t st = finished ? NT_OK : auth_finish(a, tok, toklen);
    if (st)
        return smb2_poison(c, st);
    if (c->dialect == SMB2_DIALECT_311 && !signed_resp) {
        nt_trace("smb2: SESSION_SETUP: final response not signed");
        return smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    c->have_keys = true;
    c->signing = true;
    if (flags & SMB2_SESSION_FLAG_ENCRYPT_DATA) {
        if (c->dialect < SMB2_DIALECT_300 || c->cipher == SMB2_CIPHER_NONE)
            return smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
        c->encrypting = true;
    }
    return NT_OK;
}

/* One SESSION_SETUP carrying tok (wiped and freed here).  NT_OK: r holds
 * a response of the expected shape for our session, its flags and the
 * server's token (*blob, pointing into r->m, NULL when empty). */
static uint32_t setup_round(smb2_conn *c, uint8_t *preauth, uint8_t *tok, size_t toklen, smb2_resp *r,
                            uint16_t *flags, const uint8_t **blob, size_t *bloblen)
{
    nt_wr w;
    smb2_req_init(&w, 24 + toklen);
    nt_wr_u16(&w, 25);
    nt_wr_u8(&w, 0);                                 /* Flags */
    nt_wr_u8(&w, SMB2_NEGOTIATE_SIGNING_ENABLED);    /* SecurityMode */
    nt_wr_u32(&w, 0);                                /* Capabilities */
    nt_wr_u32(&w, 0);                                /* Channel */
    nt_wr_u16(&w, SMB2_HDR_LEN + 24);                /* SecurityBufferOffset */
    nt_wr_u16(&w, (uint16_t)toklen);
    nt_wr_u64(&w, 0);                                /* PreviousSessionId */
    nt_wr_bytes(&w, tok, toklen);
    nt_wipe(tok, toklen);
    free(tok);
    uint32_t st = smb2_request(c, SMB2_SESSION_SETUP, &w, preauth, r);
    if (st)
        return st;
    uint16_t secoff = 0, seclen = 0;
    nt_rd_u16(&r->body, flags);
    nt_rd_u16(&r->body, &secoff);
    nt_rd_u16(&r->body, &seclen);
    bool ok = !r->body.bad && (seclen == 0 || (secoff >= SMB2_HDR_LEN + 8 && (size_t)secoff + seclen <= r->len));
    if (ok && c->session_id == 0)
        c->session_id = r->h.session_id;
    ok = ok && r->h.session_id != 0 && r->h.session_id == c->session_id;
    if (!ok) {
        smb2_resp_free(r);
        return smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    *blob = seclen ? r->m + secoff : NULL;
    *bloblen = seclen;
    return NT_OK;
}

/* Starts the mechanism for cifs/<server> from this machine. */
uint32_t smb2_session_setup(smb2_conn *c, const auth_mech *mech, const char *server, const nt_creds *creds)
{
    auth_ctx *a = NULL;
    uint8_t *tok = NULL;
    size_t toklen = 0;
    uint32_t st = auth_start_cifs(mech, server, creds, &a, &tok, &toklen);
    if (st)
        return st;
    uint8_t preauth[64];
    memcpy(preauth, c->preauth, 64);
    uint16_t sess_flags = 0;
    smb2_resp r = {0};
    const uint8_t *blob = NULL;
    size_t bloblen = 0;
    c->in_setup = true;
    for (int round = 0;; round++) {
        if (round >= 4 || toklen > 0xFFFF) {
            st = smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
            break;
        }
        st = setup_round(c, preauth, tok, toklen, &r, &sess_flags, &blob, &bloblen);
        tok = NULL;
        toklen = 0;
        if (st || r.h.status != STATUS_MORE_PROCESSING_REQUIRED)
            break; /* success: session_trust checks the final token too */
        if (!smb2_preauth_update(preauth, r.m, r.len))
            st = NT_ERROR_NOT_ENOUGH_MEMORY;
        else if ((st = auth_step(a, blob, bloblen, &tok, &toklen)) != NT_OK)
            smb2_poison(c, st);
        smb2_resp_free(&r);
        if (st)
            break;
    }
    c->in_setup = false;
    if (tok) {
        nt_wipe(tok, toklen);
        free(tok);
    }
    if (st == NT_OK) {
        st = session_trust(c, a, sess_flags, r.m, r.len, blob, bloblen, preauth);
        nt_trace("smb2: session 0x%llx flags 0x%x signing %d encrypting %d", (unsigned long long)c->session_id,
                 (unsigned)sess_flags, (int)c->signing, (int)c->encrypting);
    }
    smb2_resp_free(&r);
    auth_free(a);
    nt_wipe(preauth, sizeof(preauth));
    return st;
}
