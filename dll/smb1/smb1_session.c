/* SMB1 SESSION_SETUP_ANDX with extended security: the token exchange of
 * whatever mechanism the target names (auth.h, the same SPNEGO/NTLMSSP as
 * SMB2), then what the session is worth: with credentials a guest session
 * is refused and signing is switched on and required whatever the server's
 * SecurityMode says (its final response must verify with sequence 1). */
#include "smb1_conn.h"

#include "../auth/auth_cifs.h"
#include "../smb2/smb2_int.h"

#include <stdlib.h>
#include <string.h>

#define SMB1_SETUP_GUEST 0x0001

/* One SESSION_SETUP_ANDX carrying tok (wiped and freed here).  NT_OK: r
 * holds a success or "more processing" answer, *blob its token. */
static uint32_t setup_round(smb1_conn *c, uint8_t *tok, size_t toklen, smb1_resp *r,
                            const uint8_t **blob, size_t *bloblen)
{
    nt_wr w;
    smb1_req_init(&w, SMB1_COM_SESSION_SETUP, 32 + toklen);
    nt_wr_u8(&w, 12);
    nt_wr_u8(&w, SMB1_NO_ANDX);
    nt_wr_u8(&w, 0);
    nt_wr_u16(&w, 0);      /* AndXOffset */
    nt_wr_u16(&w, 0xFFFF); /* MaxBufferSize */
    nt_wr_u16(&w, 2);      /* MaxMpxCount */
    nt_wr_u16(&w, 1);      /* VcNumber: not 0, which asks the server to drop our other sessions */
    nt_wr_u32(&w, 0);      /* SessionKey */
    nt_wr_u16(&w, (uint16_t)toklen);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, SMB1_CAP_UNICODE | SMB1_CAP_NT_SMBS | SMB1_CAP_STATUS32 | SMB1_CAP_EXTENDED_SECURITY |
                      SMB1_CAP_LARGE_FILES);
    size_t bc = w.len;
    nt_wr_u16(&w, 0);
    nt_wr_bytes(&w, tok, toklen);
    nt_wipe(tok, toklen);
    free(tok);
    nt_wr_align(&w, 2);
    nt_wr_zeros(&w, 4); /* NativeOS, NativeLanMan: empty UTF-16 strings */
    nt_wr_put_u16_at(&w, bc, (uint16_t)(w.len - bc - 2));
    uint32_t st = smb1_request(c, &w, STATUS_MORE_PROCESSING_REQUIRED, r);
    if (st)
        return st;
    if (r->b.wordcount != 4 || nt_le16(r->b.words + 6) > r->b.bytecount || r->h.uid == 0 ||
        (c->uid && r->h.uid != c->uid)) {
        smb1_resp_free(r);
        return smb1_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    c->uid = r->h.uid;
    *bloblen = nt_le16(r->b.words + 6);
    *blob = *bloblen ? r->b.bytes : NULL;
    return NT_OK;
}

/* What the established session is worth (see the file comment). */
static uint32_t session_trust(smb1_conn *c, auth_ctx *a, smb1_resp *r, const uint8_t *tok, size_t toklen)
{
    uint16_t action = nt_le16(r->b.words + 4);
    if (auth_is_anonymous(a)) {
        uint32_t st = auth_finish(a, tok, toklen);
        return st ? smb1_poison(c, st) : NT_OK;
    }
    uint8_t key[64] = {0};
    size_t klen = 0;
    bool ok = auth_session_key(a, key, sizeof(key), &klen) && klen > 0;
    memcpy(c->mac_key, key, 16); /* the first 16 bytes of a longer (Kerberos) key */
    c->mac_key_len = 16;
    nt_wipe(key, sizeof(key));
    if (!ok)
        return smb1_poison(c, NT_ERROR_UNEXP_NET_ERR);
    if (!smb1_verify(c->mac_key, c->mac_key_len, 1, r->m, r->len)) {
        nt_trace("smb1: SESSION_SETUP: final response not signed or bad signature");
        return smb1_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    if (action & SMB1_SETUP_GUEST) {
        nt_trace("smb1: SESSION_SETUP: server offered a guest session to a logon with credentials: refused");
        return smb1_poison(c, NT_ERROR_SMB_GUEST_LOGON_BLOCKED);
    }
    uint32_t st = auth_finish(a, tok, toklen);
    if (st)
        return smb1_poison(c, st);
    c->signing = true;
    c->seq = 2;
    return NT_OK;
}

uint32_t smb1_session_setup(smb1_conn *c, const auth_mech *mech, const char *server, const nt_creds *creds)
{
    if (c->no_extsec) {
        if (nt_creds_is_anonymous(creds) && mech && mech != &AUTH_MECH_NTLMSSP)
            nt_trace("smb1: no extended security and no credentials given: anonymous logon (%s single sign-on "
                     "needs extended security)", mech->name ? mech->name : "the mechanism's");
        return smb1_session_setup_raw(c, creds);
    }
    auth_ctx *a = NULL;
    uint8_t *tok = NULL;
    size_t toklen = 0;
    uint32_t st = auth_start_cifs(mech, server, creds, &a, &tok, &toklen);
    if (st)
        return st;
    c->ask_signing = !auth_is_anonymous(a); /* FLAGS2 SECURITY_SIGNATURE: we will sign */
    if (c->ask_signing && !(c->security_mode & SMB1_SECMODE_SIGN_ENABLED)) {
        /* A logon with credentials is never unsigned: refuse before
         * sending anything derived from the password. */
        nt_trace("smb1: the server cannot sign SMB1 (security mode 0x%02x): refusing a logon with credentials "
                 "(ERROR_NOT_SUPPORTED); enable signing on the server (Samba: server signing = auto)",
                 (unsigned)c->security_mode);
        auth_free(a);
        nt_wipe(tok, toklen);
        free(tok);
        return NT_ERROR_NOT_SUPPORTED;
    }
    smb1_resp r = {0};
    const uint8_t *blob = NULL;
    size_t bloblen = 0;
    for (int round = 0;; round++) {
        if (round >= 4 || toklen > c->max_buffer - 100u) {
            st = smb1_poison(c, NT_ERROR_UNEXP_NET_ERR);
            break;
        }
        st = setup_round(c, tok, toklen, &r, &blob, &bloblen);
        tok = NULL;
        toklen = 0;
        if (st || r.h.status != STATUS_MORE_PROCESSING_REQUIRED)
            break;
        st = auth_step(a, blob, bloblen, &tok, &toklen);
        smb1_resp_free(&r);
        if (st) {
            smb1_poison(c, st);
            break;
        }
    }
    if (tok) {
        nt_wipe(tok, toklen);
        free(tok);
    }
    if (st == NT_OK) {
        st = session_trust(c, a, &r, blob, bloblen);
        nt_trace("smb1: session uid 0x%04x signing %d: %u", (unsigned)c->uid, (int)c->signing, (unsigned)st);
    }
    smb1_resp_free(&r);
    auth_free(a);
    return st;
}
