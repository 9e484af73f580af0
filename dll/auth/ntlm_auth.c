/*
 * NTLMSSP AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3, 3.1.5.1.2), step by step:
 * check the CHALLENGE, the NTLMv2 client blob and responses, the key
 * exchange, the message layout, the MIC, the session's sign/seal keys.
 */
#include "ntlm_internal.h"

#include <stdlib.h>
#include <string.h>

#define AUTH_HDR_LEN 88u /* fixed fields + Version (8) + MIC (16) */
#define AUTH_MIC_OFF 72u

/* The client's AV_PAIR list: the server's pairs (minus EOL and the pairs we
 * set ourselves) + MsvAvFlags (MIC present) + MsvAvChannelBindings Z(16) +
 * EOL (MS-NLMP 3.1.5.1.2). */
static bool client_avpairs(nt_wr *w, const ntlm_challenge *ch)
{
    uint32_t avflags = 0;
    nt_rd r;
    nt_rd_init(&r, ch->target_info, ch->target_info_len);
    while (nt_rd_left(&r) >= 4) {
        uint16_t id, alen;
        nt_rd_u16(&r, &id);
        nt_rd_u16(&r, &alen);
        const uint8_t *v = nt_rd_ptr(&r, alen);
        if (!v || id == MSV_AV_EOL)
            break;
        if (id == MSV_AV_FLAGS) {
            avflags = nt_le32(v);
            continue;
        }
        if (id == MSV_AV_CHANNEL_BINDINGS || id == MSV_AV_TARGET_NAME)
            continue;
        nt_wr_u16(w, id);
        nt_wr_u16(w, alen);
        nt_wr_bytes(w, v, alen);
    }
    nt_wr_u16(w, MSV_AV_FLAGS);
    nt_wr_u16(w, 4);
    nt_wr_u32(w, avflags | MSV_AV_FLAG_MIC_PRESENT);
    nt_wr_u16(w, MSV_AV_CHANNEL_BINDINGS);
    nt_wr_u16(w, 16);
    nt_wr_zeros(w, 16);
    nt_wr_u16(w, MSV_AV_EOL);
    nt_wr_u16(w, 0);
    return !w->bad;
}

static void put_secbuf(uint8_t *hdr, size_t len, size_t off)
{
    nt_put_le16(hdr, (uint16_t)len);
    nt_put_le16(hdr + 2, (uint16_t)len);
    nt_put_le32(hdr + 4, (uint32_t)off);
}

/* Step 1: the server's CHALLENGE, with the only flags we accept. */
static uint32_t check_challenge(const ntlm_ctx *n, const uint8_t *chal, size_t chal_len, ntlm_challenge *ch)
{
    uint32_t st = ntlm_parse_challenge(chal, chal_len, ch);
    if (st != NT_OK)
        return st;
    if (!n->negotiate)
        return NT_ERROR_INVALID_PARAMETER;
    /* NTLMv2 with UTF-16 strings and NTLM2 session security only.  Every
     * NTLM server since NT4 SP4 offers both: a CHALLENGE without them is a
     * man in the middle stripping flags or a broken server, reported like
     * any other protocol violation (no password was proven or refused). */
    if (!(ch->flags & NTLMSSP_NEGOTIATE_UNICODE) || !(ch->flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
        nt_trace("auth: CHALLENGE without UNICODE or EXTENDED_SESSIONSECURITY (flags 0x%08x): refused",
                 (unsigned)ch->flags);
        return NT_ERROR_UNEXP_NET_ERR;
    }
    return NT_OK;
}

/* What the AUTHENTICATE message carries besides the names. */
typedef struct ntlm_resp {
    uint32_t flags;
    uint8_t lm[24];
    size_t lm_len;
    uint8_t *nt;         /* NTProofStr || temp (malloc'd) */
    size_t nt_len;
    uint8_t exported[16];
    uint8_t enc_key[16]; /* EncryptedRandomSessionKey */
    size_t ek_len;
    bool mic;
} ntlm_resp;

static void resp_wipe(ntlm_resp *r)
{
    ntlm_free_secret(r->nt, r->nt_len);
    nt_wipe(r, sizeof(*r));
}

/* Step 2a: the NTLMv2 client blob "temp" (MS-NLMP 3.3.2):
 * 1, 1, Z(6), Time, ClientChallenge, Z(4), AvPairs, Z(4). */
static uint32_t client_blob(const ntlm_challenge *ch, const ntlm_inject *in, nt_wr *w, bool *mic)
{
    ntlm_v2_blob_head(w, ch->has_timestamp ? ch->timestamp : in->time, in->client_challenge);
    if (in->spec_blob) {
        static const uint8_t eol[4] = {0};
        if (ch->target_info)
            nt_wr_bytes(w, ch->target_info, ch->target_info_len);
        else
            nt_wr_bytes(w, eol, 4);
    } else {
        client_avpairs(w, ch);
        *mic = true;
    }
    nt_wr_zeros(w, 4);
    if (w->bad)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    return w->len + 16 > NTLM_MAX_MSG ? NT_ERROR_UNEXP_NET_ERR : NT_OK;
}

/* Step 2b: the key exchange (KXKEY for NTLMv2 = SessionBaseKey, MS-NLMP
 * 3.4.5.1): with KEY_EXCH a fresh exported key, sent RC4-encrypted. */
static uint32_t key_exchange(const uint8_t base_key[16], const ntlm_inject *in, ntlm_resp *r)
{
    if (!(r->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)) {
        memcpy(r->exported, base_key, 16);
        return NT_OK;
    }
    memcpy(r->exported, in->exported_key, 16);
    memcpy(r->enc_key, r->exported, 16);
    if (!nt_rc4(base_key, 16, r->enc_key, 16))
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    r->ek_len = 16;
    return NT_OK;
}

/* Step 2: the responses of an authenticated logon (NTLMv2, LMv2 or Z(24)). */
static uint32_t user_responses(const ntlm_ctx *n, const ntlm_challenge *ch, const ntlm_inject *in, ntlm_resp *r)
{
    uint8_t ntowf[16], proof[16], base_key[16];
    nt_wr w;
    nt_wr_init(&w, NTLM_MAX_MSG * 2u);
    uint32_t st = NT_ERROR_INVALID_PARAMETER;
    if (!ntlm_ntowfv2(n->user, n->domain, n->password, ntowf))
        goto out;
    st = client_blob(ch, in, &w, &r->mic);
    if (st)
        goto out;
    st = NT_ERROR_INVALID_PARAMETER;
    if (!ntlm_v2_proof(ntowf, ch->server_challenge, w.p, w.len, proof) ||
        !ntlm_v2_session_base_key(ntowf, proof, base_key))
        goto out;
    st = NT_ERROR_NOT_ENOUGH_MEMORY;
    r->nt_len = w.len + 16;
    r->nt = malloc(r->nt_len);
    if (!r->nt)
        goto out;
    memcpy(r->nt, proof, 16);
    memcpy(r->nt + 16, w.p, w.len);
    /* MS-NLMP 3.1.5.1.2: with MsvAvTimestamp the LM response is Z(24). */
    r->lm_len = 24;
    if (!ch->has_timestamp && !ntlm_lmv2_response(ntowf, ch->server_challenge, in->client_challenge, r->lm))
        goto out;
    st = key_exchange(base_key, in, r);
out:
    if (w.p)
        nt_wipe(w.p, w.len);
    nt_wr_free(&w);
    nt_wipe(ntowf, sizeof ntowf);
    nt_wipe(proof, sizeof proof);
    nt_wipe(base_key, sizeof base_key);
    return st;
}

/* Appends one payload field and points its security buffer at it. */
static void put_field(uint8_t *msg, size_t hdr_off, size_t *off, const uint8_t *p, size_t len)
{
    put_secbuf(msg + hdr_off, len, *off);
    if (len)
        memcpy(msg + *off, p, len);
    *off += len;
}

/* Step 3: AUTHENTICATE_MESSAGE: header (with Version and a zero MIC), payload. */
static uint32_t build_message(const ntlm_ctx *n, const ntlm_resp *r, uint8_t **out, size_t *outlen)
{
    size_t dl = 0, ul = 0, wl = 0;
    uint8_t *dom = ntlm_utf16le(n->anonymous ? "" : n->domain, false, &dl);
    uint8_t *usr = ntlm_utf16le(n->anonymous ? "" : n->user, false, &ul);
    uint8_t *ws = ntlm_utf16le(n->workstation, false, &wl);
    size_t total = AUTH_HDR_LEN + dl + ul + wl + r->lm_len + r->nt_len + r->ek_len;
    uint32_t st = NT_ERROR_NOT_ENOUGH_MEMORY;
    uint8_t *msg = NULL;
    if (dom && usr && ws && (dl > 0xFFFF || ul > 0xFFFF || wl > 0xFFFF || total > NTLM_MAX_MSG * 2u))
        st = NT_ERROR_INVALID_PARAMETER;
    else if (dom && usr && ws && (msg = calloc(1, total)) != NULL)
        st = NT_OK;
    if (st == NT_OK) {
        memcpy(msg, ntlm_sig, 8);
        nt_put_le32(msg + 8, 3);
        size_t off = AUTH_HDR_LEN;
        put_field(msg, 28, &off, dom, dl);
        put_field(msg, 36, &off, usr, ul);
        put_field(msg, 44, &off, ws, wl);
        put_field(msg, 12, &off, r->lm, r->lm_len);
        put_field(msg, 20, &off, r->nt, r->nt_len);
        put_field(msg, 52, &off, r->enc_key, r->ek_len);
        nt_put_le32(msg + 60, r->flags);
        memcpy(msg + 64, ntlm_version, 8);
        *out = msg;
        *outlen = total;
    }
    ntlm_free_secret(dom, dl);
    ntlm_free_secret(usr, ul);
    ntlm_free_secret(ws, wl);
    return st;
}

/* Step 4: MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE). */
static bool put_mic(const ntlm_ctx *n, const uint8_t *chal, size_t chal_len, uint8_t *msg, size_t msg_len,
                    const uint8_t exported[16])
{
    size_t all = n->negotiate_len + chal_len + msg_len;
    uint8_t *cat = malloc(all);
    if (!cat)
        return false;
    memcpy(cat, n->negotiate, n->negotiate_len);
    memcpy(cat + n->negotiate_len, chal, chal_len);
    memcpy(cat + n->negotiate_len + chal_len, msg, msg_len);
    bool ok = nt_hmac(NT_HASH_MD5, exported, 16, cat, all, msg + AUTH_MIC_OFF);
    ntlm_free_secret(cat, all);
    return ok;
}

/* Step 5: the session's sign and seal keys (MS-NLMP 3.4.5.2/3.4.5.3). */
static bool derive_session_keys(ntlm_ctx *n, const uint8_t exported[16], uint32_t flags)
{
    uint8_t k[16];
    memcpy(n->exported_key, exported, 16);
    bool ok = ntlm_sign_key(exported, true, n->client_sign) && ntlm_sign_key(exported, false, n->server_sign) &&
              ntlm_seal_key_flags(exported, flags, true, k);
    if (ok)
        nt_rc4_init(&n->client_seal, k, 16);
    ok = ok && ntlm_seal_key_flags(exported, flags, false, k);
    if (ok)
        nt_rc4_init(&n->server_seal, k, 16);
    nt_wipe(k, sizeof k);
    n->client_seq = n->server_seq = 0;
    return ok;
}

uint32_t ntlm_authenticate_with(ntlm_ctx *n, const uint8_t *chal, size_t chal_len, const ntlm_inject *in,
                                uint8_t **out, size_t *outlen)
{
    ntlm_challenge ch;
    uint32_t st = check_challenge(n, chal, chal_len, &ch);
    if (st != NT_OK)
        return st;
    ntlm_resp r;
    memset(&r, 0, sizeof(r));
    r.flags = (NTLM_CLIENT_FLAGS & ch.flags) | (ch.flags & NTLMSSP_NEGOTIATE_TARGET_INFO);
    if (n->anonymous) {
        r.flags = (r.flags | NTLMSSP_ANONYMOUS) & ~NTLMSSP_NEGOTIATE_KEY_EXCH;
        r.lm_len = 1; /* one zero byte, empty NT response */
    } else {
        st = user_responses(n, &ch, in, &r);
    }
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    if (st == NT_OK)
        st = build_message(n, &r, &msg, &msg_len);
    if (st == NT_OK && r.mic && !put_mic(n, chal, chal_len, msg, msg_len, r.exported))
        st = NT_ERROR_NOT_ENOUGH_MEMORY;
    n->flags = r.flags;
    n->mic_sent = r.mic;
    n->have_key = st == NT_OK && !n->anonymous;
    if (n->have_key && !derive_session_keys(n, r.exported, r.flags))
        st = NT_ERROR_INVALID_PARAMETER;
    if (st != NT_OK) {
        n->have_key = false;
        ntlm_free_secret(msg, msg_len);
    } else {
        *out = msg;
        *outlen = msg_len;
    }
    resp_wipe(&r);
    return st;
}

uint32_t ntlm_authenticate(ntlm_ctx *n, const uint8_t *chal, size_t chal_len, uint8_t **out, size_t *outlen)
{
    ntlm_inject in;
    memset(&in, 0, sizeof(in));
    in.time = nt_filetime_now();
    uint32_t st = nt_random(in.client_challenge, 8) && nt_random(in.exported_key, 16) ? NT_OK
                                                                                        : NT_ERROR_NOT_ENOUGH_MEMORY;
    if (st == NT_OK)
        st = ntlm_authenticate_with(n, chal, chal_len, &in, out, outlen);
    nt_wipe(&in, sizeof(in));
    return st;
}
