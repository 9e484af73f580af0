/*
 * Internal cores of the portable composites (crypto_composite.c), exposed
 * only so the unit tests can run published vectors whose parameters the
 * public API (crypto.h) deliberately fixes: CCM tags shorter than 16 bytes
 * (NIST SP800-38C examples) and SP800-108 with an opaque fixed-input string
 * (NIST CAVP KBKDF vectors).  Layers above crypto use crypto.h only.
 */
#ifndef NT_CRYPTO_INTERNAL_H
#define NT_CRYPTO_INTERNAL_H

#include "crypto.h"

/* AES-CCM with a taglen-byte tag: taglen in {4,6,8,10,12,14,16}, nonce 7..13
 * bytes.  Same in-place semantics as nt_aes_ccm_encrypt / _decrypt; on a tag
 * mismatch decrypt wipes data and returns false. */
bool nt_aes_ccm_encrypt_tlen(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                             const void *aad, size_t aadlen, uint8_t *data, size_t len,
                             uint8_t *tag, size_t taglen);
bool nt_aes_ccm_decrypt_tlen(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                             const void *aad, size_t aadlen, uint8_t *data, size_t len,
                             const uint8_t *tag, size_t taglen);

/* SP800-108 counter mode, PRF HMAC-SHA256, r=32, counter before the fixed
 * input: out = HMAC(K, [1]_32 || fixed) || HMAC(K, [2]_32 || fixed) || ...,
 * truncated to outlen bytes.  The caller supplies the whole fixed input. */
bool nt_kdf_sp800_108_fixed(const uint8_t *key, size_t keylen, const void *fixed, size_t fixedlen,
                            uint8_t *out, size_t outlen);

/* ---- backend mode primitives (crypto_nettle_posix.c, crypto_bcrypt_win.c) ----
 * They take a non-const key: a backend may create its per-mode key object
 * (BCrypt CBC/GCM key handle, nettle GHASH table) on first use. */

/* CBC-MAC over whole blocks: for each 16-byte block B of in, y = E_K(y ^ B).
 * One backend call per bounded chunk (CBC encryption with IV y, keeping only
 * the last ciphertext block), not one per block.  nblocks may be 0. */
bool nt_aes_key_cbcmac(nt_aes_key *k, uint8_t y[16], const uint8_t *in, size_t nblocks);

/* The platform's AES-GCM (12-byte nonce, 16-byte tag), data in place.
 * enc: tag is written; !enc: tag is checked and data is decrypted only when
 * it verifies (a forgery leaves data untouched). */
typedef enum nt_gcm_rc {
    NT_GCM_DONE,         /* done (decrypt: the tag verified) */
    NT_GCM_UNAVAILABLE,  /* no platform GCM for this key: use the portable one */
    NT_GCM_FAILED        /* error, or on decrypt a tag mismatch */
} nt_gcm_rc;
nt_gcm_rc nt_aes_key_gcm_backend(nt_aes_key *k, bool enc, const uint8_t nonce[12],
                                 const uint8_t *aad, size_t aadlen, uint8_t *data, size_t len,
                                 uint8_t tag[16]);

/* True when the backend's GCM encryption is a faster CTR keystream than its
 * ECB (Wine's bcrypt runs ECB block by block but GCM in one host call); then
 * nt_aes_ctr_xor runs a 32-bit counter through GCM and drops the tag. */
bool nt_aes_backend_ctr_via_gcm(void);

/* ---- portable pieces shared by the composites ---- */

/* CTR keystream XOR: the counter is the last ctrbytes bytes of ctr (big
 * endian, wrapping within them: 4 for GCM's inc32, q for CCM); ctr is
 * advanced past the blocks used.  Counter blocks are built in a bounded array
 * and encrypted with one ECB call per chunk. */
bool nt_aes_ctr_xor(nt_aes_key *k, uint8_t ctr[16], size_t ctrbytes, uint8_t *data, size_t len);

/* The portable GCM (constant-time software GHASH on nt_aes_key_encrypt):
 * the fallback where the platform has no GCM, and the reference the tests
 * compare the platform path against.  Same semantics as the backend call. */
bool nt_aes_key_gcm_portable(nt_aes_key *k, bool enc, const uint8_t nonce[12],
                             const uint8_t *aad, size_t aadlen, uint8_t *data, size_t len,
                             uint8_t tag[16]);

#endif
