/*
 * NTLMSSP client, NTLMv2 only (MS-NLMP).
 *
 * NEGOTIATE -> CHALLENGE (parsed strictly: every security buffer and AV_PAIR
 * bounds-checked) -> AUTHENTICATE with the NTLMv2 response, KEY_EXCH and the
 * MIC over all three messages.  Anonymous logons follow MS-NLMP 3.1.5.1.2:
 * empty NtChallengeResponse, LmChallengeResponse = Z(1), no key, no MIC.
 * Nothing secret is ever traced; every intermediate key is wiped.
 */
#include "ntlm_internal.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t ntlm_sig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
/* VERSION (MS-NLMP 2.2.2.10): 6.1 build 7601, NTLMSSP_REVISION_W2K3. */
static const uint8_t ntlm_version[8] = {6, 1, 0xB1, 0x1D, 0, 0, 0, 0x0F};

#define AUTH_HDR_LEN 88u /* fixed fields + Version (8) + MIC (16) */
#define AUTH_MIC_OFF 72u

/* ---- helpers ---------------------------------------------------------------- */
/* UTF-8 -> UTF-16LE bytes (malloc'd; "" for NULL); optionally upper-cased. */
static uint8_t *utf16le(const char *s, bool upper, size_t *bytes)
{
    size_t units = 0;
    nt_wchar *w = nt_utf8_to_utf16(s ? s : "", &units);
    if (!w)
        return NULL;
    uint8_t *b = malloc(units * 2 + 1);
    if (!b) {
        nt_wipe(w, units * 2);
        free(w);
        return NULL;
    }
    for (size_t i = 0; i < units; i++)
        nt_put_le16(b + 2 * i, upper ? nt_wupper(w[i]) : w[i]);
    nt_wipe(w, units * 2);
    free(w);
    *bytes = units * 2;
    return b;
}

static void free_secret_buf(uint8_t *p, size_t n)
{
    if (p) {
        nt_wipe(p, n);
        free(p);
    }
}

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

/* ---- NTLMv2 primitives (auth.h) --------------------------------------------- */
bool ntlm_ntowfv2(const char *user, const char *domain, const char *password, uint8_t out[16])
{
    size_t plen = 0, ulen = 0, dlen = 0;
    uint8_t nt[16];
    bool ok = false;
    uint8_t *pw = utf16le(password, false, &plen);
    uint8_t *u = utf16le(user, true, &ulen);
    uint8_t *d = utf16le(domain, false, &dlen);
    uint8_t *ud = (u && d) ? malloc(ulen + dlen + 1) : NULL;
    if (pw && ud && nt_hash(NT_HASH_MD4, pw, plen, nt)) {
        memcpy(ud, u, ulen);
        memcpy(ud + ulen, d, dlen);
        ok = nt_hmac(NT_HASH_MD5, nt, 16, ud, ulen + dlen, out);
    }
    nt_wipe(nt, sizeof nt);
    free_secret_buf(pw, plen);
    free_secret_buf(u, ulen);
    free_secret_buf(d, dlen);
    free_secret_buf(ud, ulen + dlen);
    return ok;
}

bool ntlm_v2_proof(const uint8_t ntowfv2[16], const uint8_t server_challenge[8], const uint8_t *temp,
                   size_t templen, uint8_t proof[16])
{
    if (!temp || templen > NT_MAX_ALLOC - 8)
        return false;
    uint8_t *buf = malloc(templen + 8);
    if (!buf)
        return false;
    memcpy(buf, server_challenge, 8);
    memcpy(buf + 8, temp, templen);
    bool ok = nt_hmac(NT_HASH_MD5, ntowfv2, 16, buf, templen + 8, proof);
    free_secret_buf(buf, templen + 8);
    return ok;
}

bool ntlm_v2_session_base_key(const uint8_t ntowfv2[16], const uint8_t proof[16], uint8_t out[16])
{
    return nt_hmac(NT_HASH_MD5, ntowfv2, 16, proof, 16, out);
}

bool ntlm_lmv2_response(const uint8_t ntowfv2[16], const uint8_t server_challenge[8],
                        const uint8_t client_challenge[8], uint8_t out[24])
{
    uint8_t buf[16];
    memcpy(buf, server_challenge, 8);
    memcpy(buf + 8, client_challenge, 8);
    bool ok = nt_hmac(NT_HASH_MD5, ntowfv2, 16, buf, 16, out);
    memcpy(out + 16, client_challenge, 8);
    nt_wipe(buf, sizeof buf);
    return ok;
}

static const char cli_sign_magic[] = "session key to client-to-server signing key magic constant";
static const char srv_sign_magic[] = "session key to server-to-client signing key magic constant";
static const char cli_seal_magic[] = "session key to client-to-server sealing key magic constant";
static const char srv_seal_magic[] = "session key to server-to-client sealing key magic constant";

/* MD5(key[0..keylen) || magic-with-NUL) */
static bool key_md5(const uint8_t *key, size_t keylen, const char *magic, uint8_t out[16])
{
    uint8_t buf[16 + 64];
    size_t mlen = strlen(magic) + 1;
    memcpy(buf, key, keylen);
    memcpy(buf + keylen, magic, mlen);
    bool ok = nt_hash(NT_HASH_MD5, buf, keylen + mlen, out);
    nt_wipe(buf, sizeof buf);
    return ok;
}

bool ntlm_sign_key(const uint8_t exported_key[16], bool client_to_server, uint8_t out[16])
{
    return key_md5(exported_key, 16, client_to_server ? cli_sign_magic : srv_sign_magic, out);
}

bool ntlm_seal_key(const uint8_t exported_key[16], bool client_to_server, uint8_t out[16])
{
    return key_md5(exported_key, 16, client_to_server ? cli_seal_magic : srv_seal_magic, out);
}

/* SEALKEY with the 56/40-bit reductions of MS-NLMP 3.4.5.3. */
static bool seal_key_flags(const uint8_t exported_key[16], uint32_t flags, bool c2s, uint8_t out[16])
{
    size_t n = (flags & NTLMSSP_NEGOTIATE_128) ? 16 : (flags & NTLMSSP_NEGOTIATE_56) ? 7 : 5;
    return key_md5(exported_key, n, c2s ? cli_seal_magic : srv_seal_magic, out);
}

/* HMAC_MD5(SignKey, seq || msg): the checksum both signing and sealing use. */
static bool seq_checksum(const uint8_t sign_key[16], uint32_t seq, const uint8_t *msg, size_t len,
                         uint8_t mac[16])
{
    if (len > NT_MAX_ALLOC - 4 || (!msg && len))
        return false;
    uint8_t *buf = malloc(len + 4);
    if (!buf)
        return false;
    nt_put_le32(buf, seq);
    if (len)
        memcpy(buf + 4, msg, len);
    bool ok = nt_hmac(NT_HASH_MD5, sign_key, 16, buf, len + 4, mac);
    free_secret_buf(buf, len + 4);
    return ok;
}

/* Version 1 || RC4(checksum[0..7]) || seq (extended session security). */
static void finish_signature(nt_rc4_state *seal, uint32_t seq, uint8_t mac[16], uint8_t sig[16])
{
    nt_rc4_crypt(seal, mac, 8);
    nt_put_le32(sig, 1);
    memcpy(sig + 4, mac, 8);
    nt_put_le32(sig + 12, seq);
    nt_wipe(mac, 16);
}

bool ntlm_mac(const uint8_t sign_key[16], nt_rc4_state *seal, uint32_t seq, const uint8_t *msg, size_t len,
              uint8_t sig[16])
{
    uint8_t mac[16];
    if (!seq_checksum(sign_key, seq, msg, len, mac))
        return false;
    finish_signature(seal, seq, mac, sig);
    return true;
}

bool ntlm_seal(const uint8_t sign_key[16], nt_rc4_state *seal, uint32_t seq, uint8_t *data, size_t len,
               uint8_t sig[16])
{
    /* The checksum is over the plaintext; the RC4 stream encrypts the data
     * first and then the checksum (MS-NLMP 3.4.3, example 4.2.4.4). */
    uint8_t mac[16];
    if (!seq_checksum(sign_key, seq, data, len, mac))
        return false;
    nt_rc4_crypt(seal, data, len);
    finish_signature(seal, seq, mac, sig);
    return true;
}

/* ---- CHALLENGE parsing ------------------------------------------------------- */
bool ntlm_avpairs_check(const uint8_t *p, size_t len, size_t *used, bool *has_ts, uint64_t *ts)
{
    nt_rd r;
    nt_rd_init(&r, p, len);
    *has_ts = false;
    *ts = 0;
    for (unsigned count = 0; count <= NTLM_MAX_AVPAIRS; count++) {
        uint16_t id, alen;
        if (!nt_rd_u16(&r, &id) || !nt_rd_u16(&r, &alen))
            return false;
        const uint8_t *v = nt_rd_ptr(&r, alen);
        if (!v)
            return false;
        switch (id) {
        case MSV_AV_EOL:
            if (alen != 0)
                return false;
            *used = r.pos;
            return true;
        case MSV_AV_FLAGS:
            if (alen != 4)
                return false;
            break;
        case MSV_AV_TIMESTAMP:
            if (alen != 8 || *has_ts)
                return false;
            *has_ts = true;
            *ts = nt_le64(v);
            break;
        case MSV_AV_CHANNEL_BINDINGS:
            if (alen != 16)
                return false;
            break;
        default:
            break;
        }
    }
    return false; /* too many pairs */
}

/* A (len, maxlen, offset) security buffer: MaxLen is ignored on receipt as
 * MS-NLMP 2.2.1.2 requires; a non-empty field must lie in the payload. */
static bool secbuf(nt_rd *r, size_t msglen, size_t payload_start, size_t *off, size_t *len)
{
    uint16_t l, maxl;
    uint32_t o;
    if (!nt_rd_u16(r, &l) || !nt_rd_u16(r, &maxl) || !nt_rd_u32(r, &o))
        return false;
    *len = l;
    *off = o;
    if (l == 0)
        return true;
    return o >= payload_start && o <= msglen && l <= msglen - o;
}

uint32_t ntlm_parse_challenge(const uint8_t *msg, size_t len, ntlm_challenge *ch)
{
    memset(ch, 0, sizeof *ch);
    /* Signature(8) Type(4) TargetName(8) Flags(4) Challenge(8) Reserved(8)
     * TargetInfo(8) = 48; Version(8) follows when negotiated. */
    if (!msg || len < 48 || len > NTLM_MAX_MSG)
        return NT_ERROR_UNEXP_NET_ERR;
    nt_rd r;
    nt_rd_init(&r, msg, len);
    uint32_t type;
    const uint8_t *sig = nt_rd_ptr(&r, 8);
    if (!sig || memcmp(sig, ntlm_sig, 8) != 0 || !nt_rd_u32(&r, &type) || type != 2)
        return NT_ERROR_UNEXP_NET_ERR;
    size_t tn_off, tn_len, ti_off, ti_len;
    if (!secbuf(&r, len, 48, &tn_off, &tn_len))
        return NT_ERROR_UNEXP_NET_ERR;
    nt_rd_u32(&r, &ch->flags);
    nt_rd_bytes(&r, ch->server_challenge, 8);
    nt_rd_skip(&r, 8);
    if (r.bad || !secbuf(&r, len, 48, &ti_off, &ti_len))
        return NT_ERROR_UNEXP_NET_ERR;
    if (ti_len) {
        size_t used;
        if (!ntlm_avpairs_check(msg + ti_off, ti_len, &used, &ch->has_timestamp, &ch->timestamp))
            return NT_ERROR_UNEXP_NET_ERR;
        ch->target_info = msg + ti_off;
        ch->target_info_len = used;
    }
    return NT_OK;
}

/* ---- client context ---------------------------------------------------------- */
uint32_t ntlm_init(ntlm_ctx *n, const nt_creds *creds, const char *workstation)
{
    memset(n, 0, sizeof *n);
    n->anonymous = nt_creds_is_anonymous(creds);
    if (!n->anonymous) {
        n->user = dup_str(creds->user);
        n->domain = dup_str(creds->domain ? creds->domain : "");
        n->password = dup_str(creds->password ? creds->password : "");
        if (!n->user || !n->domain || !n->password)
            goto oom;
    }
    n->workstation = dup_str(workstation ? workstation : "");
    if (!n->workstation)
        goto oom;
    return NT_OK;
oom:
    ntlm_free(n);
    return NT_ERROR_NOT_ENOUGH_MEMORY;
}

void ntlm_free(ntlm_ctx *n)
{
    if (!n)
        return;
    nt_free_secret(n->user);
    nt_free_secret(n->domain);
    nt_free_secret(n->password);
    nt_free_secret(n->workstation);
    free_secret_buf(n->negotiate, n->negotiate_len);
    nt_wipe(n, sizeof *n);
}

uint32_t ntlm_negotiate(ntlm_ctx *n, uint8_t **out, size_t *outlen)
{
    nt_wr w;
    nt_wr_init(&w, 64);
    nt_wr_bytes(&w, ntlm_sig, 8);
    nt_wr_u32(&w, 1);
    nt_wr_u32(&w, NTLM_CLIENT_FLAGS);
    nt_wr_zeros(&w, 8); /* DomainNameFields (not supplied) */
    nt_wr_zeros(&w, 8); /* WorkstationFields (not supplied) */
    nt_wr_bytes(&w, ntlm_version, 8);
    if (w.bad) {
        nt_wr_free(&w);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    size_t len;
    uint8_t *msg = nt_wr_take(&w, &len);
    uint8_t *copy = msg ? malloc(len) : NULL;
    if (!copy) {
        free(msg);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    memcpy(copy, msg, len);
    free_secret_buf(n->negotiate, n->negotiate_len);
    n->negotiate = msg;
    n->negotiate_len = len;
    *out = copy;
    *outlen = len;
    return NT_OK;
}

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

uint32_t ntlm_authenticate(ntlm_ctx *n, const uint8_t *chal, size_t chal_len, const ntlm_inject *inj,
                           uint8_t **out, size_t *outlen)
{
    ntlm_challenge ch;
    uint32_t st = ntlm_parse_challenge(chal, chal_len, &ch);
    if (st != NT_OK)
        return st;
    if (!n->negotiate)
        return NT_ERROR_INVALID_PARAMETER;
    /* NTLMv2 with UTF-16 strings and NTLM2 session security only.  Every
     * NTLM server since NT4 SP4 offers both: a CHALLENGE without them is a
     * man in the middle stripping flags or a broken server, reported like
     * any other protocol violation (no password was proven or refused). */
    if (!(ch.flags & NTLMSSP_NEGOTIATE_UNICODE) || !(ch.flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
        nt_trace("auth: CHALLENGE without UNICODE or EXTENDED_SESSIONSECURITY (flags 0x%08x): refused",
                 (unsigned)ch.flags);
        return NT_ERROR_UNEXP_NET_ERR;
    }

    uint32_t flags = (NTLM_CLIENT_FLAGS & ch.flags) | (ch.flags & NTLMSSP_NEGOTIATE_TARGET_INFO);
    uint8_t ntowf[16], proof[16], base_key[16], exported[16], enc_key[16], lm[24], cc[8];
    uint8_t *temp = NULL, *nt_resp = NULL, *dom = NULL, *usr = NULL, *ws = NULL, *msg = NULL;
    size_t temp_len = 0, nt_len = 0, dom_len = 0, usr_len = 0, ws_len = 0, lm_len = 0, ek_len = 0, msg_len = 0;
    bool mic = false;
    nt_wr w;
    nt_wr_init(&w, NTLM_MAX_MSG * 2u);
    st = NT_ERROR_NOT_ENOUGH_MEMORY;

    ws = utf16le(n->workstation, false, &ws_len);
    if (!ws)
        goto out;
    if (n->anonymous) {
        flags = (flags | NTLMSSP_ANONYMOUS) & ~NTLMSSP_NEGOTIATE_KEY_EXCH;
        memset(lm, 0, sizeof lm);
        lm_len = 1;
        dom = utf16le("", false, &dom_len);
        usr = utf16le("", false, &usr_len);
        if (!dom || !usr)
            goto out;
    } else {
        dom = utf16le(n->domain, false, &dom_len);
        usr = utf16le(n->user, false, &usr_len);
        if (!dom || !usr)
            goto out;
        if (!ntlm_ntowfv2(n->user, n->domain, n->password, ntowf)) {
            st = NT_ERROR_INVALID_PARAMETER;
            goto out;
        }
        uint64_t ts;
        if (inj) {
            memcpy(cc, inj->client_challenge, 8);
            ts = inj->time;
        } else {
            if (!nt_random(cc, 8))
                goto out;
            ts = nt_filetime_now();
        }
        if (ch.has_timestamp)
            ts = ch.timestamp;
        /* temp = 1, 1, Z(6), Time, ClientChallenge, Z(4), AvPairs, Z(4) (MS-NLMP 3.3.2) */
        nt_wr_u8(&w, 1);
        nt_wr_u8(&w, 1);
        nt_wr_zeros(&w, 6);
        nt_wr_u64(&w, ts);
        nt_wr_bytes(&w, cc, 8);
        nt_wr_zeros(&w, 4);
        if (inj && inj->spec_blob) {
            static const uint8_t eol[4] = {0};
            if (ch.target_info)
                nt_wr_bytes(&w, ch.target_info, ch.target_info_len);
            else
                nt_wr_bytes(&w, eol, 4);
        } else {
            client_avpairs(&w, &ch);
            mic = true;
        }
        nt_wr_zeros(&w, 4);
        if (w.bad)
            goto out;
        temp = nt_wr_take(&w, &temp_len);
        if (!temp)
            goto out;
        if (temp_len + 16 > NTLM_MAX_MSG) {
            st = NT_ERROR_UNEXP_NET_ERR;
            goto out;
        }
        st = NT_ERROR_INVALID_PARAMETER;
        if (!ntlm_v2_proof(ntowf, ch.server_challenge, temp, temp_len, proof) ||
            !ntlm_v2_session_base_key(ntowf, proof, base_key))
            goto out;
        st = NT_ERROR_NOT_ENOUGH_MEMORY;
        nt_len = temp_len + 16;
        nt_resp = malloc(nt_len);
        if (!nt_resp)
            goto out;
        memcpy(nt_resp, proof, 16);
        memcpy(nt_resp + 16, temp, temp_len);
        /* MS-NLMP 3.1.5.1.2: with MsvAvTimestamp the LM response is Z(24). */
        lm_len = 24;
        if (ch.has_timestamp)
            memset(lm, 0, sizeof lm);
        else if (!ntlm_lmv2_response(ntowf, ch.server_challenge, cc, lm))
            goto out;
        /* KXKEY for NTLMv2 = SessionBaseKey (MS-NLMP 3.4.5.1). */
        if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
            if (inj)
                memcpy(exported, inj->exported_key, 16);
            else if (!nt_random(exported, 16))
                goto out;
            memcpy(enc_key, exported, 16);
            if (!nt_rc4(base_key, 16, enc_key, 16))
                goto out;
            ek_len = 16;
        } else {
            memcpy(exported, base_key, 16);
        }
    }

    /* Message: header (with Version and MIC) then the payload. */
    size_t total = AUTH_HDR_LEN + dom_len + usr_len + ws_len + lm_len + nt_len + ek_len;
    if (dom_len > 0xFFFF || usr_len > 0xFFFF || ws_len > 0xFFFF || total > NTLM_MAX_MSG * 2u) {
        st = NT_ERROR_INVALID_PARAMETER;
        goto out;
    }
    msg_len = total;
    msg = calloc(1, msg_len);
    if (!msg)
        goto out;
    memcpy(msg, ntlm_sig, 8);
    nt_put_le32(msg + 8, 3);
    size_t off = AUTH_HDR_LEN;
    put_secbuf(msg + 28, dom_len, off);
    memcpy(msg + off, dom, dom_len);
    off += dom_len;
    put_secbuf(msg + 36, usr_len, off);
    memcpy(msg + off, usr, usr_len);
    off += usr_len;
    put_secbuf(msg + 44, ws_len, off);
    memcpy(msg + off, ws, ws_len);
    off += ws_len;
    put_secbuf(msg + 12, lm_len, off);
    memcpy(msg + off, lm, lm_len);
    off += lm_len;
    put_secbuf(msg + 20, nt_len, off);
    if (nt_len)
        memcpy(msg + off, nt_resp, nt_len);
    off += nt_len;
    put_secbuf(msg + 52, ek_len, off);
    if (ek_len)
        memcpy(msg + off, enc_key, ek_len);
    nt_put_le32(msg + 60, flags);
    memcpy(msg + 64, ntlm_version, 8);

    if (mic) {
        /* MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE) */
        size_t all = n->negotiate_len + chal_len + msg_len;
        uint8_t *cat = malloc(all);
        bool ok = cat != NULL;
        if (ok) {
            memcpy(cat, n->negotiate, n->negotiate_len);
            memcpy(cat + n->negotiate_len, chal, chal_len);
            memcpy(cat + n->negotiate_len + chal_len, msg, msg_len);
            ok = nt_hmac(NT_HASH_MD5, exported, 16, cat, all, msg + AUTH_MIC_OFF);
            free_secret_buf(cat, all);
        }
        if (!ok)
            goto out;
    }

    n->flags = flags;
    n->mic_sent = mic;
    n->have_key = !n->anonymous;
    if (n->have_key) {
        uint8_t k[16];
        memcpy(n->exported_key, exported, 16);
        if (!ntlm_sign_key(exported, true, n->client_sign) || !ntlm_sign_key(exported, false, n->server_sign) ||
            !seal_key_flags(exported, flags, true, k)) {
            nt_wipe(k, sizeof k);
            st = NT_ERROR_INVALID_PARAMETER;
            goto out;
        }
        nt_rc4_init(&n->client_seal, k, 16);
        if (!seal_key_flags(exported, flags, false, k)) {
            nt_wipe(k, sizeof k);
            st = NT_ERROR_INVALID_PARAMETER;
            goto out;
        }
        nt_rc4_init(&n->server_seal, k, 16);
        nt_wipe(k, sizeof k);
        n->client_seq = n->server_seq = 0;
    }
    *out = msg;
    *outlen = msg_len;
    msg = NULL;
    st = NT_OK;
out:
    if (st != NT_OK)
        n->have_key = false;
    nt_wr_free(&w);
    free_secret_buf(msg, msg_len);
    free_secret_buf(temp, temp_len);
    free_secret_buf(nt_resp, nt_len);
    free_secret_buf(dom, dom_len);
    free_secret_buf(usr, usr_len);
    free_secret_buf(ws, ws_len);
    nt_wipe(ntowf, sizeof ntowf);
    nt_wipe(proof, sizeof proof);
    nt_wipe(base_key, sizeof base_key);
    nt_wipe(exported, sizeof exported);
    nt_wipe(enc_key, sizeof enc_key);
    nt_wipe(lm, sizeof lm);
    nt_wipe(cc, sizeof cc);
    return st;
}
