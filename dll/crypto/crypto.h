/*
 * Crypto used by the core.
 *
 * Primitives come from a backend: crypto_nettle_posix.c (native, nettle) or
 * crypto_bcrypt_win.c (DLL: CNG bcrypt for hashes/HMAC/AES-ECB/CBC/GCM,
 * advapi32 SystemFunction032 for RC4).  What Wine 8's bcrypt lacks (AES-CMAC,
 * AES-CCM, SP800-108) is built portably on the backend's AES-ECB/CBC and HMAC
 * (crypto_composite.c, crypto_ccm.c); AES-GCM/GMAC use the platform's GCM
 * with a portable GHASH as the fallback (crypto_gcm.c).  The same code is
 * checked natively against the RFC/NIST vectors and under Wine.
 *
 * All functions return false on failure (bad sizes, backend error); outputs
 * are then unspecified.  Key material passed in is never logged or retained.
 */
#ifndef NT_CRYPTO_H
#define NT_CRYPTO_H

#include "../common/nt.h"

typedef enum nt_hash_alg {
    NT_HASH_MD4,    /* 16-byte digest */
    NT_HASH_MD5,    /* 16 */
    NT_HASH_SHA256, /* 32 */
    NT_HASH_SHA512, /* 64 */
    NT_HASH_SHA1    /* 20: Kerberos AES (RFC 3962) HMAC-SHA1-96 */
} nt_hash_alg;

size_t nt_hash_len(nt_hash_alg alg);

/* ---- backend primitives ---- */
bool nt_hash(nt_hash_alg alg, const void *data, size_t len, uint8_t *out);
bool nt_hmac(nt_hash_alg alg, const void *key, size_t keylen, const void *data, size_t len, uint8_t *out);
/* AES-ECB encryption of nblocks 16-byte blocks; keylen 16 or 32.  in == out allowed.
 * Stateless: builds and wipes a key schedule per call (see nt_aes_key). */
bool nt_aes_ecb_encrypt(const uint8_t *key, size_t keylen, const uint8_t *in, uint8_t *out, size_t nblocks);
/* Keyed AES: the key object is made once per key (e.g. once per SMB session
 * for its signing key and once per encryption key) and reused by every call;
 * the mode functions below (nt_aes_key_cmac, _gmac, _gcm_*, _ccm_*) take it,
 * so no key schedule or platform key object is built per message.  A backend
 * builds its per-mode objects (BCrypt ECB/CBC/GCM key handles, nettle's GHASH
 * table) on first use, which is why the mode calls take a non-const key: one
 * key object is for one thread at a time (a caller sharing it between
 * threads serialises its calls).  keylen 16 or 32; in == out allowed.
 * nt_aes_key_free wipes everything derived from the key (bcrypt: destroys the
 * key handles and wipes their key object buffers) and accepts NULL. */
typedef struct nt_aes_key nt_aes_key;
bool nt_aes_key_init(nt_aes_key **k, const uint8_t *key, size_t keylen);
/* AES-ECB encryption of nblocks 16-byte blocks. */
bool nt_aes_key_encrypt(const nt_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);
void nt_aes_key_free(nt_aes_key *k);
/* RC4 in place (stateless: a fresh key schedule per call). */
bool nt_rc4(const uint8_t *key, size_t keylen, uint8_t *data, size_t len);

/* Stateful RC4 (NTLMSSP sealing keeps its stream across messages). Portable. */
typedef struct nt_rc4_state { uint8_t s[256]; uint8_t i, j; } nt_rc4_state;
void nt_rc4_init(nt_rc4_state *st, const uint8_t *key, size_t keylen);
void nt_rc4_crypt(nt_rc4_state *st, uint8_t *data, size_t len);

/* ---- portable composites (crypto_composite.c) ---- */
/* RFC 4493 AES-CMAC (keylen 16 or 32). */
bool nt_aes_cmac(const uint8_t *key, size_t keylen, const void *msg, size_t len, uint8_t mac[16]);
/* NIST SP800-38C AES-CCM with a 16-byte tag; nonce 7..13 bytes (SMB uses 11). In place. */
bool nt_aes_ccm_encrypt(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, uint8_t tag[16]);
/* Returns false (data unspecified) when the tag does not verify. */
bool nt_aes_ccm_decrypt(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, const uint8_t tag[16]);
/* NIST SP800-38D AES-GCM, 12-byte nonce, 16-byte tag. In place. */
bool nt_aes_gcm_encrypt(const uint8_t *key, size_t keylen, const uint8_t nonce[12],
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, uint8_t tag[16]);
bool nt_aes_gcm_decrypt(const uint8_t *key, size_t keylen, const uint8_t nonce[12],
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, const uint8_t tag[16]);
/* GMAC = GCM with the message as AAD and no plaintext. */
bool nt_aes_gmac(const uint8_t *key, size_t keylen, const uint8_t nonce[12], const void *msg, size_t len,
                 uint8_t tag[16]);
/* The same modes on a key object made once (nt_aes_key_init); identical
 * results and failure semantics to the functions above, which make a key
 * object per call and free it.  GCM/GMAC run on the platform's AES-GCM
 * (CNG's BCRYPT_CHAIN_MODE_GCM in the DLL, nettle's GCM natively) and fall
 * back to the portable constant-time GHASH when the platform has none;
 * CMAC/CCM chain their CBC-MAC through the backend's CBC mode in bounded
 * chunks and build CCM's counter blocks in arrays for ECB. */
bool nt_aes_key_cmac(nt_aes_key *k, const void *msg, size_t len, uint8_t mac[16]);
bool nt_aes_key_ccm_encrypt(nt_aes_key *k, const uint8_t *nonce, size_t noncelen,
                            const void *aad, size_t aadlen, uint8_t *data, size_t len, uint8_t tag[16]);
bool nt_aes_key_ccm_decrypt(nt_aes_key *k, const uint8_t *nonce, size_t noncelen,
                            const void *aad, size_t aadlen, uint8_t *data, size_t len, const uint8_t tag[16]);
bool nt_aes_key_gcm_encrypt(nt_aes_key *k, const uint8_t nonce[12],
                            const void *aad, size_t aadlen, uint8_t *data, size_t len, uint8_t tag[16]);
bool nt_aes_key_gcm_decrypt(nt_aes_key *k, const uint8_t nonce[12],
                            const void *aad, size_t aadlen, uint8_t *data, size_t len, const uint8_t tag[16]);
bool nt_aes_key_gmac(nt_aes_key *k, const uint8_t nonce[12], const void *msg, size_t len, uint8_t tag[16]);

/* SP800-108 KDF in counter mode, PRF HMAC-SHA256, r=32, L = outlen*8 bits
 * (SMB 3.x: label and context include their terminating NULs as given). */
bool nt_kdf_sp800_108(const uint8_t *key, size_t keylen, const void *label, size_t labellen,
                      const void *context, size_t contextlen, uint8_t *out, size_t outlen);

/* Constant-time comparison: 0 when equal. */
int nt_memcmp_ct(const void *a, const void *b, size_t n);

#endif
