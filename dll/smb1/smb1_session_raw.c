/*
 * SMB1 SESSION_SETUP_ANDX without extended security (MS-CIFS 2.2.4.53),
 * for servers whose NT LM 0.12 NEGOTIATE lacks CAP_EXTENDED_SECURITY:
 * the LMv2 and NTLMv2 responses to the NEGOTIATE's 8-byte challenge
 * (ntlm_v2_bare, dll/auth) in OEMPassword / UnicodePassword.  Never LM,
 * NTLMv1 or a plaintext password: a server that offers no challenge or
 * clears SecurityMode's encrypt-passwords bit (a plaintext-password server)
 * is refused with ERROR_NOT_SUPPORTED.
 *
 * With credentials, as on the extended path: the server must be able to
 * sign, the session is signed with MAC key SessionBaseKey || the NTLMv2
 * response (MS-CIFS 3.1.4.1, 3.2.5.3), its response must verify with
 * sequence 1, and a guest answer is refused.  Anonymous: empty password
 * fields and names, no signing.  A share-level server (SecurityMode bit 0
 * clear) checks passwords per share only: there the session setup carries
 * nothing and IPC$ gets an empty password (smb1_tree.c), i.e. the null
 * session; credentials cannot be proven to it and are refused
 * (ERROR_NOT_SUPPORTED).
 */
#include "smb1_conn.h"


#include <stdlib.h>
#include <string.h>

#define SMB1_SETUP_GUEST 0x0001

void smb1_raw_setup_encode(nt_wr *w, const uint8_t *lm, size_t lmlen, const uint8_t *nt, size_t ntlen,
                           const char *user, const char *domain)
{
    nt_wr_u8(w, 13);
    nt_wr_u8(w, SMB1_NO_ANDX);
    nt_wr_u8(w, 0);
    nt_wr_u16(w, 0);      /* AndXOffset */
    nt_wr_u16(w, 0xFFFF); /* MaxBufferSize */
    nt_wr_u16(w, 2);      /* MaxMpxCount */
    nt_wr_u16(w, 1);      /* VcNumber: not 0 (see smb1_session.c) */
    nt_wr_u32(w, 0);      /* SessionKey */
    nt_wr_u16(w, (uint16_t)lmlen);
    nt_wr_u16(w, (uint16_t)ntlen);
    nt_wr_u32(w, 0);
    nt_wr_u32(w, SMB1_CAP_UNICODE | SMB1_CAP_NT_SMBS | SMB1_CAP_STATUS32 | SMB1_CAP_LARGE_FILES);
    size_t bc = w->len;
    nt_wr_u16(w, 0);
    if (lmlen)
        nt_wr_bytes(w, lm, lmlen);
    if (ntlen)
        nt_wr_bytes(w, nt, ntlen);
    nt_wr_align(w, 2); /* Unicode strings are 2-aligned from the header */
    if (!smb1_wr_utf16z(w, user ? user : "") || !smb1_wr_utf16z(w, domain ? domain : ""))
        w->bad = true;
    nt_wr_zeros(w, 4); /* NativeOS, NativeLanMan: empty UTF-16 strings */
    nt_wr_put_u16_at(w, bc, (uint16_t)(w->len - bc - 2));
}

bool smb1_raw_mac_key(const uint8_t base_key[16], const uint8_t *nt, size_t ntlen, uint8_t *key, size_t cap,
                      size_t *keylen)
{
    if (cap < 16 || ntlen > cap - 16)
        return false;
    memcpy(key, base_key, 16);
    memcpy(key + 16, nt, ntlen);
    *keylen = 16 + ntlen;
    return true;
}

/* Whether a logon (with or without credentials) may go ahead; the error
 * and its reason otherwise. */
static uint32_t precheck(const smb1_conn *c, bool anonymous)
{
    if (!(c->security_mode & SMB1_SECMODE_USER)) {
        if (anonymous)
            return NT_OK;
        nt_trace("smb1: share-level server (security mode 0x%02x): credentials cannot be proven to it: refused "
                 "(ERROR_NOT_SUPPORTED); call without credentials for its null session",
                 (unsigned)c->security_mode);
        return NT_ERROR_NOT_SUPPORTED;
    }
    if (anonymous)
        return NT_OK;
    if (c->challenge_len != 8 || !(c->security_mode & SMB1_SECMODE_ENCRYPT)) {
        nt_trace("smb1: NEGOTIATE without extended security, %s: the server wants a plaintext password, never "
                 "sent: refused (ERROR_NOT_SUPPORTED)",
                 c->challenge_len != 8 ? "without a challenge" : "encrypted passwords off");
        return NT_ERROR_NOT_SUPPORTED;
    }
    if (!(c->security_mode & SMB1_SECMODE_SIGN_ENABLED)) {
        nt_trace("smb1: the server cannot sign SMB1 (security mode 0x%02x): refusing a logon with credentials "
                 "(ERROR_NOT_SUPPORTED)",
                 (unsigned)c->security_mode);
        return NT_ERROR_NOT_SUPPORTED;
    }
    return NT_OK;
}

/* The session is signed from here on with the key of resp; the server's
 * answer r must verify with sequence 1 and must not be a guest session. */
static uint32_t user_trust(smb1_conn *c, const ntlm_bare *resp, const smb1_resp *r)
{
    if (!smb1_raw_mac_key(resp->base_key, resp->nt, resp->nt_len, c->mac_key, sizeof(c->mac_key),
                          &c->mac_key_len))
        return smb1_poison(c, NT_ERROR_UNEXP_NET_ERR);
    if (!smb1_verify(c->mac_key, c->mac_key_len, 1, r->m, r->len)) {
        /* "BSRSPYL ": the placeholder of a server that does not sign this
         * session (Samba 4.17 for logons without extended security) */
        bool unsigned_ = memcmp(r->m + 14, "BSRSPYL ", 8) == 0 || !(r->h.flags2 & SMB1_FLAGS2_SIGNATURE);
        nt_trace("smb1: SESSION_SETUP (no extended security): %s: a logon with credentials is never unsigned: "
                 "refused", unsigned_ ? "the server does not sign the session" : "bad signature");
        return smb1_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    if (nt_le16(r->b.words + 4) & SMB1_SETUP_GUEST) {
        nt_trace("smb1: SESSION_SETUP: server offered a guest session to a logon with credentials: refused");
        return smb1_poison(c, NT_ERROR_SMB_GUEST_LOGON_BLOCKED);
    }
    c->signing = true;
    c->seq = 2;
    return NT_OK;
}

uint32_t smb1_session_setup_raw(smb1_conn *c, const nt_creds *creds)
{
    bool anonymous = nt_creds_is_anonymous(creds) || !(c->security_mode & SMB1_SECMODE_USER);
    uint32_t st = precheck(c, nt_creds_is_anonymous(creds));
    if (st)
        return st;
    ntlm_bare resp;
    memset(&resp, 0, sizeof(resp));
    uint8_t cc[8];
    if (!anonymous && (!nt_random(cc, sizeof(cc)) ||
                       !ntlm_v2_bare(creds, c->challenge, nt_filetime_now(), cc, NULL, 0, &resp)))
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    c->ask_signing = !anonymous;
    nt_wr w;
    smb1_req_init(&w, SMB1_COM_SESSION_SETUP, 64 + resp.nt_len + 1024);
    smb1_raw_setup_encode(&w, resp.lm, anonymous ? 0 : 24, resp.nt, resp.nt_len, anonymous ? "" : creds->user,
                          anonymous ? "" : creds->domain);
    smb1_resp r;
    st = smb1_request(c, &w, 0, &r);
    if (st == NT_OK && (r.b.wordcount != 3 || r.h.uid == 0)) {
        smb1_resp_free(&r);
        st = smb1_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    if (st == NT_OK) {
        c->uid = r.h.uid;
        if (!anonymous)
            st = user_trust(c, &resp, &r);
        smb1_resp_free(&r);
    }
    nt_wipe(&resp, sizeof(resp));
    if (st == NT_ERROR_LOGON_FAILURE && !anonymous)
        nt_trace("smb1: NTLMv2 logon without extended security refused: a wrong password, or a server that "
                 "takes only LM/NTLMv1 responses (never sent)");
    nt_trace("smb1: session (no extended security%s) uid 0x%04x signing %d: %u",
             anonymous ? ", anonymous" : ", NTLMv2", (unsigned)c->uid, (int)c->signing, (unsigned)st);
    return st;
}
