/*
 * AES-GCM and GMAC (NIST SP800-38D).
 *
 * The platform's GCM first (nt_aes_key_gcm_backend: CNG's
 * BCRYPT_CHAIN_MODE_GCM in the DLL, which Wine implements with the host's
 * accelerated library; nettle's GCM natively, PCLMUL where the CPU has it).
 * Where the platform has none, the portable GCM below: CTR through
 * nt_aes_ctr_xor and a bit-serial GHASH that is constant time (no table
 * lookups, no branches on secret data), ~200 instructions per byte.
 * GMAC is GCM with the message as AAD and no plaintext.
 */
#include "crypto.h"
#include "crypto_internal.h"

#include <string.h>

#define BLK 16

typedef struct ghash {
    uint64_t hh, hl;    /* hash subkey H, big-endian halves */
    uint64_t yh, yl;    /* running value */
    uint8_t buf[BLK];
    size_t fill;
} ghash;

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* Y = (Y ^ X) * H in GF(2^128), SP800-38D algorithm 1, branch-free. */
static void ghash_block(ghash *g, const uint8_t x[BLK])
{
    uint64_t xh = g->yh ^ be64(x), xl = g->yl ^ be64(x + 8);
    uint64_t zh = 0, zl = 0, vh = g->hh, vl = g->hl;

    for (int i = 0; i < 128; i++) {
        uint64_t bit = i < 64 ? (xh >> (63 - i)) & 1 : (xl >> (127 - i)) & 1;
        uint64_t m = (uint64_t)0 - bit;
        zh ^= vh & m;
        zl ^= vl & m;
        uint64_t lsb = (uint64_t)0 - (vl & 1);
        vl = (vl >> 1) | (vh << 63);
        vh = (vh >> 1) ^ (0xE100000000000000ull & lsb);
    }
    g->yh = zh;
    g->yl = zl;
}

static void ghash_update(ghash *g, const uint8_t *p, size_t n)
{
    while (n) {
        size_t take = BLK - g->fill;
        if (take > n)
            take = n;
        memcpy(g->buf + g->fill, p, take);
        g->fill += take;
        p += take;
        n -= take;
        if (g->fill == BLK) {
            ghash_block(g, g->buf);
            g->fill = 0;
        }
    }
}

static void ghash_pad(ghash *g)
{
    if (g->fill) {
        memset(g->buf + g->fill, 0, BLK - g->fill);
        ghash_block(g, g->buf);
        g->fill = 0;
    }
}

static bool gcm_params_ok(const uint8_t *nonce, const void *aad, size_t aadlen, const uint8_t *data,
                          size_t len, const uint8_t *tag)
{
    if (!nonce || !tag || (aadlen && !aad) || (len && !data))
        return false;
    /* SP800-38D: plaintext at most 2^39 - 256 bits; AAD length fits 64 bits. */
    uint64_t len64 = len;
    return len64 <= ((1ull << 36) - 32);
}

/* Encrypt: CTR then GHASH over the ciphertext.  Decrypt: GHASH over the
 * ciphertext, verify, and only then decrypt (a forgery leaves data untouched). */
bool nt_aes_key_gcm_portable(nt_aes_key *ak, bool enc, const uint8_t nonce[12],
                             const uint8_t *aad, size_t aadlen, uint8_t *data, size_t len,
                             uint8_t tag[16])
{
    ghash g;
    uint8_t h[BLK], j0[BLK], ctr[BLK], lens[BLK], t[BLK];
    bool ok = false;

    if (!ak || !gcm_params_ok(nonce, aad, aadlen, data, len, tag))
        return false;
    memset(&g, 0, sizeof(g));
    memset(h, 0, BLK);
    memset(t, 0, BLK);
    memcpy(j0, nonce, 12);
    j0[12] = j0[13] = j0[14] = 0;
    j0[15] = 1;
    memcpy(ctr, j0, BLK);
    ctr[15] = 2;                                /* inc32(J0) */
    if (!nt_aes_key_encrypt(ak, h, h, 1))
        goto out;
    g.hh = be64(h);
    g.hl = be64(h + 8);

    if (enc && !nt_aes_ctr_xor(ak, ctr, 4, data, len))
        goto out;
    ghash_update(&g, aad, aadlen);
    ghash_pad(&g);
    ghash_update(&g, data, len);
    ghash_pad(&g);
    put_be64(lens, (uint64_t)aadlen * 8);
    put_be64(lens + 8, (uint64_t)len * 8);
    ghash_block(&g, lens);
    put_be64(t, g.yh);
    put_be64(t + 8, g.yl);
    if (!nt_aes_key_encrypt(ak, j0, j0, 1))
        goto out;
    for (int i = 0; i < BLK; i++)
        t[i] ^= j0[i];

    if (enc) {
        memcpy(tag, t, BLK);
        ok = true;
    } else if (nt_memcmp_ct(t, tag, BLK) == 0) {
        ok = nt_aes_ctr_xor(ak, ctr, 4, data, len);
    }
out:
    nt_wipe(&g, sizeof(g));
    nt_wipe(h, BLK);
    nt_wipe(j0, BLK);
    nt_wipe(ctr, BLK);
    nt_wipe(t, BLK);
    return ok;
}

/* The platform's GCM; the portable one only where the platform has none. */
static bool gcm_keyed(nt_aes_key *ak, bool enc, const uint8_t nonce[12], const void *aad, size_t aadlen,
                      uint8_t *data, size_t len, uint8_t *tag)
{
    if (!ak || !gcm_params_ok(nonce, aad, aadlen, data, len, tag))
        return false;
    switch (nt_aes_key_gcm_backend(ak, enc, nonce, aad, aadlen, data, len, tag)) {
    case NT_GCM_DONE: return true;
    case NT_GCM_FAILED: return false;
    case NT_GCM_UNAVAILABLE: break;
    }
    return nt_aes_key_gcm_portable(ak, enc, nonce, aad, aadlen, data, len, tag);
}

static bool gcm_oneshot(bool enc, const uint8_t *key, size_t keylen, const uint8_t nonce[12],
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, uint8_t *tag)
{
    nt_aes_key *ak = NULL;

    if (!key || (keylen != 16 && keylen != 32) || !gcm_params_ok(nonce, aad, aadlen, data, len, tag))
        return false;
    bool ok = nt_aes_key_init(&ak, key, keylen) && gcm_keyed(ak, enc, nonce, aad, aadlen, data, len, tag);
    nt_aes_key_free(ak);
    return ok;
}

bool nt_aes_gcm_encrypt(const uint8_t *key, size_t keylen, const uint8_t nonce[12],
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, uint8_t tag[16])
{
    return gcm_oneshot(true, key, keylen, nonce, aad, aadlen, data, len, tag);
}

bool nt_aes_gcm_decrypt(const uint8_t *key, size_t keylen, const uint8_t nonce[12],
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, const uint8_t tag[16])
{
    return gcm_oneshot(false, key, keylen, nonce, aad, aadlen, data, len, (uint8_t *)tag);
}

bool nt_aes_gmac(const uint8_t *key, size_t keylen, const uint8_t nonce[12], const void *msg, size_t len,
                 uint8_t tag[16])
{
    return gcm_oneshot(true, key, keylen, nonce, msg, len, NULL, 0, tag);
}

bool nt_aes_key_gcm_encrypt(nt_aes_key *k, const uint8_t nonce[12],
                            const void *aad, size_t aadlen, uint8_t *data, size_t len, uint8_t tag[16])
{
    return gcm_keyed(k, true, nonce, aad, aadlen, data, len, tag);
}

bool nt_aes_key_gcm_decrypt(nt_aes_key *k, const uint8_t nonce[12],
                            const void *aad, size_t aadlen, uint8_t *data, size_t len, const uint8_t tag[16])
{
    return gcm_keyed(k, false, nonce, aad, aadlen, data, len, (uint8_t *)tag);
}

bool nt_aes_key_gmac(nt_aes_key *k, const uint8_t nonce[12], const void *msg, size_t len, uint8_t tag[16])
{
    return gcm_keyed(k, true, nonce, msg, len, NULL, 0, tag);
}
