/*
 * Native crypto backend (unit tests, sanitizers, fuzzers): nettle.
 * Provides the primitives the composites are built on; every context holding
 * key material is wiped before returning.
 */
#include "crypto.h"

#include <stdlib.h>
#include <string.h>

#include <nettle/aes.h>
#include <nettle/arcfour.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <nettle/md5.h>
#include <nettle/nettle-meta.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>

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

void nt_aes_key_free(nt_aes_key *k)
{
    if (!k)
        return;
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
