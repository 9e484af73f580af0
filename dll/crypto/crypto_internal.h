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

/* Shared by crypto_composite.c and crypto_gcm_kdf.c. */
bool nt_aes_keylen_ok(size_t keylen); /* 16 or 32 */
void nt_xor_block(uint8_t *dst, const uint8_t *src, size_t n);
/* XORs data with E(K, ctr), E(K, ctr+1), ...: the counter is the last
 * ctrbytes bytes of the block (big endian, wrapping within them); ctr is
 * advanced past the blocks used. */
bool nt_ctr_xor(const nt_aes_key *ak, uint8_t ctr[16], size_t ctrbytes, uint8_t *data, size_t len);

#endif
