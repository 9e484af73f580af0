/* SMB2/3 per-message crypto, free of any I/O so the unit tests can drive it
 * with fixed vectors: key derivation (MS-SMB2 3.2.5.3.1), the 3.1.1
 * pre-auth hash, signing (3.1.4.1) and the transform (3.1.4.3). */
#include "smb2_int.h"

#include "../crypto/crypto.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t smb2_tf_magic[4] = { 0xFD, 'S', 'M', 'B' };

/* ---- keys, signing, pre-auth ------------------------------------------------- */

bool smb2_derive_keys(uint16_t dialect, const uint8_t session_key[16], const uint8_t preauth[64],
                      smb2_keys *k)
{
    memset(k, 0, sizeof(*k));
    if (dialect < SMB2_DIALECT_300) {
        memcpy(k->sign, session_key, 16);
        return true;
    }
    bool ok;
    if (dialect == SMB2_DIALECT_311) {
        ok = nt_kdf_sp800_108(session_key, 16, "SMBSigningKey", 14, preauth, 64, k->sign, 16) &&
             nt_kdf_sp800_108(session_key, 16, "SMBC2SCipherKey", 16, preauth, 64, k->enc, 16) &&
             nt_kdf_sp800_108(session_key, 16, "SMBS2CCipherKey", 16, preauth, 64, k->dec, 16);
    } else {
        ok = nt_kdf_sp800_108(session_key, 16, "SMB2AESCMAC", 12, "SmbSign", 8, k->sign, 16) &&
             nt_kdf_sp800_108(session_key, 16, "SMB2AESCCM", 11, "ServerIn ", 10, k->enc, 16) &&
             nt_kdf_sp800_108(session_key, 16, "SMB2AESCCM", 11, "ServerOut", 10, k->dec, 16);
    }
    if (!ok)
        nt_wipe(k, sizeof(*k));
    return ok;
}

bool smb2_preauth_update(uint8_t h[64], const uint8_t *msg, size_t len)
{
    if (len > SMB2_MAX_MSG)
        return false;
    uint8_t *buf = malloc(64 + len);
    if (!buf)
        return false;
    memcpy(buf, h, 64);
    if (len)
        memcpy(buf + 64, msg, len);
    bool ok = nt_hash(NT_HASH_SHA512, buf, 64 + len, h);
    free(buf);
    return ok;
}

/* Signature of a message whose signature field is already zero. */
static bool sig_of(uint16_t alg, const uint8_t key[16], nt_aes_key *k, const uint8_t *m, size_t len, uint8_t sig[16])
{
    if (len < SMB2_HDR_LEN || len > SMB2_MAX_MSG)
        return false;
    bool ok = false;
    if (alg == SMB2_SIGN_HMAC_SHA256) {
        uint8_t full[32];
        ok = nt_hmac(NT_HASH_SHA256, key, 16, m, len, full);
        memcpy(sig, full, 16);
        nt_wipe(full, sizeof(full));
    } else if (alg == SMB2_SIGN_AES_CMAC) {
        ok = k ? nt_aes_key_cmac(k, m, len, sig) : nt_aes_cmac(key, 16, m, len, sig);
    } else if (alg == SMB2_SIGN_AES_GMAC) {
        /* MS-SMB2 3.1.4.1: nonce = MessageId, then a 32-bit word whose bit 0
         * is the role (set for server->client) and bit 1 marks CANCEL. */
        uint8_t nonce[12];
        memcpy(nonce, m + 24, 8);
        uint32_t flags = nt_le32(m + 16);
        uint32_t w = (flags & SMB2_FLAGS_SERVER_TO_REDIR) ? 1u : 0u;
        if (nt_le16(m + 12) == 0x000C /* CANCEL */)
            w |= 2u;
        nt_put_le32(nonce + 8, w);
        ok = k ? nt_aes_key_gmac(k, nonce, m, len, sig) : nt_aes_gmac(key, 16, nonce, m, len, sig);
    }
    return ok;
}

/* Signature of msg with its signature field zeroed (a copy: msg is const). */
static bool compute_sig(uint16_t alg, const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t sig[16])
{
    if (len < SMB2_HDR_LEN || len > SMB2_MAX_MSG)
        return false;
    uint8_t *m = malloc(len);
    if (!m)
        return false;
    memcpy(m, msg, len);
    memset(m + 48, 0, 16);
    bool ok = sig_of(alg, key, NULL, m, len, sig);
    free(m);
    return ok;
}

bool smb2_sign(uint16_t sign_alg, const uint8_t key[16], uint8_t *msg, size_t len)
{
    return smb2_sign_k(sign_alg, key, NULL, msg, len);
}

bool smb2_sign_k(uint16_t sign_alg, const uint8_t key[16], nt_aes_key *k, uint8_t *msg, size_t len)
{
    if (len < SMB2_HDR_LEN)
        return false;
    nt_put_le32(msg + 16, nt_le32(msg + 16) | SMB2_FLAGS_SIGNED);
    /* The signature field is zeroed in place: no copy of the message. */
    memset(msg + 48, 0, 16);
    uint8_t sig[16];
    if (!sig_of(sign_alg, key, k, msg, len, sig))
        return false;
    memcpy(msg + 48, sig, 16);
    return true;
}

bool smb2_verify(uint16_t sign_alg, const uint8_t key[16], const uint8_t *msg, size_t len)
{
    uint8_t sig[16];
    if (len < SMB2_HDR_LEN || !compute_sig(sign_alg, key, msg, len, sig))
        return false;
    return nt_memcmp_ct(sig, msg + 48, 16) == 0;
}

bool smb2_verify_mut(uint16_t sign_alg, const uint8_t key[16], uint8_t *msg, size_t len)
{
    return smb2_verify_mut_k(sign_alg, key, NULL, msg, len);
}

bool smb2_verify_mut_k(uint16_t sign_alg, const uint8_t key[16], nt_aes_key *k, uint8_t *msg, size_t len)
{
    if (len < SMB2_HDR_LEN)
        return false;
    uint8_t sent[16], sig[16];
    memcpy(sent, msg + 48, 16);
    memset(msg + 48, 0, 16);
    bool ok = sig_of(sign_alg, key, k, msg, len, sig);
    memcpy(msg + 48, sent, 16);
    return ok && nt_memcmp_ct(sig, sent, 16) == 0;
}

/* ---- transform ------------------------------------------------------------ */

uint32_t smb2_encrypt(uint16_t cipher, const uint8_t key[16], uint64_t session_id, const uint8_t nonce[16],
                      const uint8_t *msg, size_t len, uint8_t **out, size_t *outlen)
{
    return smb2_encrypt_k(cipher, key, NULL, session_id, nonce, msg, len, out, outlen);
}

uint32_t smb2_encrypt_k(uint16_t cipher, const uint8_t key[16], nt_aes_key *k, uint64_t session_id,
                        const uint8_t nonce[16], const uint8_t *msg, size_t len, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (len < SMB2_HDR_LEN || len > SMB2_MAX_MSG - SMB2_TF_LEN ||
        (cipher != SMB2_CIPHER_AES128_CCM && cipher != SMB2_CIPHER_AES128_GCM))
        return NT_ERROR_INVALID_PARAMETER;
    uint8_t *b = malloc(SMB2_TF_LEN + len);
    if (!b)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    memset(b, 0, SMB2_TF_LEN);
    memcpy(b, smb2_tf_magic, 4);
    memcpy(b + 20, nonce, 16);
    nt_put_le32(b + 36, (uint32_t)len);
    nt_put_le16(b + 42, 0x0001); /* Flags: encrypted */
    nt_put_le64(b + 44, session_id);
    memcpy(b + SMB2_TF_LEN, msg, len);
    bool ok = cipher == SMB2_CIPHER_AES128_CCM
                  ? (k ? nt_aes_key_ccm_encrypt(k, b + 20, 11, b + 20, 32, b + SMB2_TF_LEN, len, b + 4)
                       : nt_aes_ccm_encrypt(key, 16, b + 20, 11, b + 20, 32, b + SMB2_TF_LEN, len, b + 4))
                  : (k ? nt_aes_key_gcm_encrypt(k, b + 20, b + 20, 32, b + SMB2_TF_LEN, len, b + 4)
                       : nt_aes_gcm_encrypt(key, 16, b + 20, b + 20, 32, b + SMB2_TF_LEN, len, b + 4));
    if (!ok) {
        nt_wipe(b, SMB2_TF_LEN + len);
        free(b);
        return NT_ERROR_UNEXP_NET_ERR;
    }
    *out = b;
    *outlen = SMB2_TF_LEN + len;
    return NT_OK;
}

uint32_t smb2_decrypt(uint16_t cipher, const uint8_t key[16], uint64_t session_id, const uint8_t *in,
                      size_t inlen, uint8_t **out, size_t *outlen)
{
    return smb2_decrypt_k(cipher, key, NULL, session_id, in, inlen, out, outlen);
}

uint32_t smb2_decrypt_k(uint16_t cipher, const uint8_t key[16], nt_aes_key *k, uint64_t session_id,
                        const uint8_t *in, size_t inlen, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (inlen < SMB2_TF_LEN + SMB2_HDR_LEN || inlen > SMB2_MAX_MSG || memcmp(in, smb2_tf_magic, 4) != 0)
        return NT_ERROR_UNEXP_NET_ERR;
    if (cipher != SMB2_CIPHER_AES128_CCM && cipher != SMB2_CIPHER_AES128_GCM)
        return NT_ERROR_UNEXP_NET_ERR;
    uint32_t olen = nt_le32(in + 36);
    uint16_t flags = nt_le16(in + 42);
    uint64_t sid = nt_le64(in + 44);
    if ((size_t)olen != inlen - SMB2_TF_LEN || flags != 0x0001 || sid != session_id)
        return NT_ERROR_UNEXP_NET_ERR;
    /* Nonce bytes past the 11 (CCM) / 12 (GCM) the cipher uses are
     * reserved; Windows servers have been seen to leave data there (see the
     * MS "Encryption in SMB 3.0" vector), so they are only authenticated
     * (they are part of the AAD), not required to be zero. */
    uint8_t *m = malloc(olen);
    if (!m)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    memcpy(m, in + SMB2_TF_LEN, olen);
    bool ok = cipher == SMB2_CIPHER_AES128_CCM
                  ? (k ? nt_aes_key_ccm_decrypt(k, in + 20, 11, in + 20, 32, m, olen, in + 4)
                       : nt_aes_ccm_decrypt(key, 16, in + 20, 11, in + 20, 32, m, olen, in + 4))
                  : (k ? nt_aes_key_gcm_decrypt(k, in + 20, in + 20, 32, m, olen, in + 4)
                       : nt_aes_gcm_decrypt(key, 16, in + 20, in + 20, 32, m, olen, in + 4));
    if (!ok) {
        nt_wipe(m, olen);
        free(m);
        return NT_ERROR_UNEXP_NET_ERR;
    }
    *out = m;
    *outlen = olen;
    return NT_OK;
}

