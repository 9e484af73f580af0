/*
 * Native crypto backend (unit tests, sanitizers, fuzzers): nettle.
 * Provides the primitives the composites are built on (AES-ECB, AES-CBC for
 * CBC-MAC, AES-GCM with nettle's GHASH where that is constant time: see
 * nettle_ghash_constant_time); every context holding key material is wiped
 * before returning.
 */
#include "crypto.h"
#include "crypto_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/aes.h>
#include <nettle/arcfour.h>
#include <nettle/cbc.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <nettle/md5.h>
#include <nettle/nettle-meta.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <nettle/version.h>

static const struct nettle_hash *hash_for(nt_hash_alg alg)
{
    switch (alg) {
    case NT_HASH_MD4: return &nettle_md4;
    case NT_HASH_MD5: return &nettle_md5;
    case NT_HASH_SHA256: return &nettle_sha256;
    case NT_HASH_SHA512: return &nettle_sha512;
    case NT_HASH_SHA1: return &nettle_sha1;
    }
    return NULL;
}

/* Large enough for any of the hash contexts. */
typedef union hash_ctx {
    struct md4_ctx md4;
    struct md5_ctx md5;
    struct sha256_ctx sha256;
    struct sha512_ctx sha512;
    struct sha1_ctx sha1;
} hash_ctx;

bool nt_hash(nt_hash_alg alg, const void *data, size_t len, uint8_t *out)
{
    const struct nettle_hash *h = hash_for(alg);
    hash_ctx ctx;

    if (!h || !out || (len && !data))
        return false;
    h->init(&ctx);
    if (len)
        h->update(&ctx, len, data);
    h->digest(&ctx, h->digest_size, out);
    nt_wipe(&ctx, sizeof(ctx));
    return true;
}

bool nt_hmac(nt_hash_alg alg, const void *key, size_t keylen, const void *data, size_t len, uint8_t *out)
{
    const struct nettle_hash *h = hash_for(alg);
    hash_ctx outer, inner, state;
    static const uint8_t empty[1] = { 0 };

    if (!h || !out || (len && !data) || (keylen && !key))
        return false;
    hmac_set_key(&outer, &inner, &state, h, keylen, keylen ? key : empty);
    if (len)
        hmac_update(&state, h, len, data);
    hmac_digest(&outer, &inner, &state, h, h->digest_size, out);
    nt_wipe(&outer, sizeof(outer));
    nt_wipe(&inner, sizeof(inner));
    nt_wipe(&state, sizeof(state));
    return true;
}

struct nt_aes_key {
    size_t keylen;
    union {
        struct aes128_ctx a128;
        struct aes256_ctx a256;
    } u;
    struct gcm_key *gk;     /* GHASH key (H and its tables), made on first use */
};

bool nt_aes_key_init(nt_aes_key **k, const uint8_t *key, size_t keylen)
{
    if (!k)
        return false;
    *k = NULL;
    if (!key || (keylen != 16 && keylen != 32))
        return false;
    nt_aes_key *n = malloc(sizeof(*n));
    if (!n)
        return false;
    n->keylen = keylen;
    n->gk = NULL;
    if (keylen == 16)
        aes128_set_encrypt_key(&n->u.a128, key);
    else
        aes256_set_encrypt_key(&n->u.a256, key);
    *k = n;
    return true;
}

bool nt_aes_key_encrypt(const nt_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    if (!k || (nblocks && (!in || !out)))
        return false;
    if (nblocks > SIZE_MAX / AES_BLOCK_SIZE)
        return false;
    if (!nblocks)
        return true;
    if (k->keylen == 16)
        aes128_encrypt(&k->u.a128, nblocks * AES_BLOCK_SIZE, out, in);
    else
        aes256_encrypt(&k->u.a256, nblocks * AES_BLOCK_SIZE, out, in);
    return true;
}

/* Bytes of CBC output per nettle call (the output is thrown away). */
#define CBC_CHUNK 1024

bool nt_aes_key_cbcmac(nt_aes_key *k, uint8_t y[16], const uint8_t *in, size_t nblocks)
{
    uint8_t scratch[CBC_CHUNK];
    size_t used = 0;

    if (!k || !y || (nblocks && !in))
        return false;
    while (nblocks) {
        size_t nb = nblocks < CBC_CHUNK / AES_BLOCK_SIZE ? nblocks : CBC_CHUNK / AES_BLOCK_SIZE;
        size_t bytes = nb * AES_BLOCK_SIZE;
        /* nettle leaves the last ciphertext block in the IV: the new y */
        if (k->keylen == 16)
            cbc_aes128_encrypt(&k->u.a128, y, bytes, scratch, in);
        else
            cbc_aes256_encrypt(&k->u.a256, y, bytes, scratch, in);
        if (bytes > used)
            used = bytes;
        in += bytes;
        nblocks -= nb;
    }
    nt_wipe(scratch, used);
    return true;
}

static nettle_cipher_func *aes_func(const nt_aes_key *k)
{
    return k->keylen == 16 ? (nettle_cipher_func *)aes128_encrypt : (nettle_cipher_func *)aes256_encrypt;
}

/* nettle's GHASH is used only where it is constant time: nettle >= 3.9
 * (tables read in a fixed order on every platform) or, for 3.8 (Debian 12),
 * an x86 CPU with PCLMULQDQ, where the fat build runs its carry-less
 * multiply code; 3.8's C GHASH indexes tables with secret bytes.  Elsewhere
 * the portable constant-time GHASH (crypto_gcm.c) is used. */
static bool nettle_ghash_constant_time(void)
{
    /* atomic: several threads may ask first (same answer, but a plain int
     * written by two threads is a data race) */
    static _Atomic int cached = -1;
    int v = atomic_load_explicit(&cached, memory_order_relaxed);
    if (v < 0) {
        int maj = nettle_version_major(), min = nettle_version_minor();
        bool ok = maj > 3 || (maj == 3 && min >= 9);
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
        ok = ok || __builtin_cpu_supports("pclmul");
#endif
        v = ok;
        atomic_store_explicit(&cached, v, memory_order_relaxed);
    }
    return v == 1;
}

nt_gcm_rc nt_aes_key_gcm_backend(nt_aes_key *k, bool enc, const uint8_t nonce[12],
                                 const uint8_t *aad, size_t aadlen, uint8_t *data, size_t len,
                                 uint8_t tag[16])
{
    struct gcm_ctx c;
    uint8_t t[GCM_DIGEST_SIZE];
    nt_gcm_rc rc = NT_GCM_DONE;

    if (!k)
        return NT_GCM_FAILED;
    if (!nettle_ghash_constant_time())
        return NT_GCM_UNAVAILABLE;
    if (!k->gk) {
        k->gk = malloc(sizeof(*k->gk));
        if (!k->gk)
            return NT_GCM_UNAVAILABLE;
        gcm_set_key(k->gk, &k->u, aes_func(k));
    }
    /* Decrypt needs the tag before touching data: into a copy, kept on success. */
    uint8_t *out = data;
    if (!enc && len) {
        if (len > NT_MAX_ALLOC || !(out = malloc(len)))
            return NT_GCM_UNAVAILABLE;
    }
    gcm_set_iv(&c, k->gk, GCM_IV_SIZE, nonce);
    if (aadlen)
        gcm_update(&c, k->gk, aadlen, aad);
    if (enc)
        gcm_encrypt(&c, k->gk, &k->u, aes_func(k), len, data, data);
    else if (len)
        gcm_decrypt(&c, k->gk, &k->u, aes_func(k), len, out, data);
    gcm_digest(&c, k->gk, &k->u, aes_func(k), GCM_DIGEST_SIZE, t);
    if (enc)
        memcpy(tag, t, GCM_DIGEST_SIZE);
    else if (nt_memcmp_ct(t, tag, GCM_DIGEST_SIZE) != 0)
        rc = NT_GCM_FAILED;
    else if (len)
        memcpy(data, out, len);
    if (out != data) {
        nt_wipe(out, len);
        free(out);
    }
    nt_wipe(&c, sizeof(c));
    nt_wipe(t, sizeof(t));
    return rc;
}

/* nettle's ECB is the AES-NI loop itself: nothing to gain from GCM's CTR. */
bool nt_aes_backend_ctr_via_gcm(void)
{
    return false;
}

void nt_aes_key_free(nt_aes_key *k)
{
    if (!k)
        return;
    if (k->gk) {
        nt_wipe(k->gk, sizeof(*k->gk));
        free(k->gk);
    }
    nt_wipe(k, sizeof(*k));
    free(k);
}

/* Kept on the stack (no allocation) for one-shot callers. */
bool nt_aes_ecb_encrypt(const uint8_t *key, size_t keylen, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    if (!key || (nblocks && (!in || !out)))
        return false;
    if (nblocks > SIZE_MAX / AES_BLOCK_SIZE)
        return false;
    if (keylen == 16) {
        struct aes128_ctx c;
        aes128_set_encrypt_key(&c, key);
        aes128_encrypt(&c, nblocks * AES_BLOCK_SIZE, out, in);
        nt_wipe(&c, sizeof(c));
        return true;
    }
    if (keylen == 32) {
        struct aes256_ctx c;
        aes256_set_encrypt_key(&c, key);
        aes256_encrypt(&c, nblocks * AES_BLOCK_SIZE, out, in);
        nt_wipe(&c, sizeof(c));
        return true;
    }
    return false;
}

bool nt_rc4(const uint8_t *key, size_t keylen, uint8_t *data, size_t len)
{
    struct arcfour_ctx c;

    if (!key || keylen < ARCFOUR_MIN_KEY_SIZE || keylen > ARCFOUR_MAX_KEY_SIZE || (len && !data))
        return false;
    arcfour_set_key(&c, keylen, key);
    if (len)
        arcfour_crypt(&c, len, data, data);
    nt_wipe(&c, sizeof(c));
    return true;
}
