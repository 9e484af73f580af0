/*
 * NTLMSSP client, NTLMv2 only (MS-NLMP).
 *
 * This file: the NTLMv2 primitives, message signing and sealing, CHALLENGE
 * parsing, the client context and NEGOTIATE; ntlm_auth.c builds
 * AUTHENTICATE.
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

const uint8_t ntlm_sig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
/* VERSION (MS-NLMP 2.2.2.10): 6.1 build 7601, NTLMSSP_REVISION_W2K3. */
const uint8_t ntlm_version[8] = {6, 1, 0xB1, 0x1D, 0, 0, 0, 0x0F};

/* ---- helpers ---------------------------------------------------------------- */
uint8_t *ntlm_utf16le(const char *s, bool upper, size_t *bytes)
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

void ntlm_free_secret(uint8_t *p, size_t n)
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
    uint8_t *pw = ntlm_utf16le(password, false, &plen);
    uint8_t *u = ntlm_utf16le(user, true, &ulen);
    uint8_t *d = ntlm_utf16le(domain, false, &dlen);
    uint8_t *ud = (u && d) ? malloc(ulen + dlen + 1) : NULL;
    if (pw && ud && nt_hash(NT_HASH_MD4, pw, plen, nt)) {
        memcpy(ud, u, ulen);
        memcpy(ud + ulen, d, dlen);
        ok = nt_hmac(NT_HASH_MD5, nt, 16, ud, ulen + dlen, out);
    }
    nt_wipe(nt, sizeof nt);
    ntlm_free_secret(pw, plen);
    ntlm_free_secret(u, ulen);
    ntlm_free_secret(d, dlen);
    ntlm_free_secret(ud, ulen + dlen);
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
    ntlm_free_secret(buf, templen + 8);
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
bool ntlm_seal_key_flags(const uint8_t exported_key[16], uint32_t flags, bool c2s, uint8_t out[16])
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
    ntlm_free_secret(buf, len + 4);
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
    ntlm_free_secret(n->negotiate, n->negotiate_len);
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
    ntlm_free_secret(n->negotiate, n->negotiate_len);
    n->negotiate = msg;
    n->negotiate_len = len;
    *out = copy;
    *outlen = len;
    return NT_OK;
}
