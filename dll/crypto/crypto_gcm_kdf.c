/*
 * Portable crypto composites, continued (crypto_composite.c has the rest and
 * the rules): AES-GCM / GMAC (SP800-38D, software GHASH) and the SP800-108
 * counter-mode KDF with HMAC-SHA256.  Every key-dependent temporary is
 * wiped before returning.
 */
#include "crypto.h"
#include "crypto_internal.h"

#include <stdlib.h>
#include <string.h>

#define BLK 16

/* ---- AES-GCM / GMAC (SP800-38D) ------------------------------------------- */

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

/* Shared GCM core.  Encrypt: CTR then GHASH over the ciphertext.  Decrypt:
 * GHASH over the ciphertext, verify, and only then decrypt (so a forged
 * message leaves data untouched). */
static bool gcm_core(bool enc, const uint8_t *key, size_t keylen, const uint8_t nonce[12],
                     const void *aad, size_t aadlen, uint8_t *data, size_t len,
                     uint8_t tag_out[16], const uint8_t *tag_in)
{
    ghash g;
    uint8_t h[BLK], j0[BLK], ctr[BLK], lens[BLK], t[BLK];
    nt_aes_key *ak = NULL;
    bool ok = false;

    if (!key || !nt_aes_keylen_ok(keylen) || !nonce || (aadlen && !aad) || (len && !data))
        return false;
    if (enc ? !tag_out : !tag_in)
        return false;
    /* SP800-38D: plaintext at most 2^39 - 256 bits; AAD length fits 64 bits. */
    uint64_t len64 = len;
    if (len64 > ((1ull << 36) - 32))
        return false;

    memset(&g, 0, sizeof(g));
    memset(h, 0, BLK);
    memset(j0, 0, BLK);
    memset(ctr, 0, BLK);
    memset(t, 0, BLK);
    if (!nt_aes_key_init(&ak, key, keylen) || !nt_aes_key_encrypt(ak, h, h, 1))
        goto out;
    g.hh = be64(h);
    g.hl = be64(h + 8);

    memcpy(j0, nonce, 12);
    j0[12] = j0[13] = j0[14] = 0;
    j0[15] = 1;
    memcpy(ctr, j0, BLK);
    ctr[15] = 2;                                /* inc32(J0) */

    if (enc && !nt_ctr_xor(ak, ctr, 4, data, len))
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
    nt_xor_block(t, j0, BLK);

    if (enc) {
        memcpy(tag_out, t, BLK);
        ok = true;
    } else if (nt_memcmp_ct(t, tag_in, BLK) == 0) {
        ok = nt_ctr_xor(ak, ctr, 4, data, len);
    }
out:
    nt_aes_key_free(ak);
    nt_wipe(&g, sizeof(g));
    nt_wipe(h, BLK);
    nt_wipe(j0, BLK);
    nt_wipe(ctr, BLK);
    nt_wipe(t, BLK);
    return ok;
}

bool nt_aes_gcm_encrypt(const uint8_t *key, size_t keylen, const uint8_t nonce[12],
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, uint8_t tag[16])
{
    return gcm_core(true, key, keylen, nonce, aad, aadlen, data, len, tag, NULL);
}

bool nt_aes_gcm_decrypt(const uint8_t *key, size_t keylen, const uint8_t nonce[12],
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, const uint8_t tag[16])
{
    return gcm_core(false, key, keylen, nonce, aad, aadlen, data, len, NULL, tag);
}

bool nt_aes_gmac(const uint8_t *key, size_t keylen, const uint8_t nonce[12], const void *msg, size_t len,
                 uint8_t tag[16])
{
    return gcm_core(true, key, keylen, nonce, msg, len, NULL, 0, tag, NULL);
}

/* ---- SP800-108 counter-mode KDF, HMAC-SHA256 ------------------------------ */

bool nt_kdf_sp800_108_fixed(const uint8_t *key, size_t keylen, const void *fixed, size_t fixedlen,
                            uint8_t *out, size_t outlen)
{
    uint8_t blk[32];
    bool ok = true;

    if ((!key && keylen) || (!fixed && fixedlen) || !out || !outlen)
        return false;
    /* r = 32: at most 2^32 - 1 iterations; keep it far below the alloc cap. */
    if (outlen > NT_MAX_ALLOC || fixedlen > NT_MAX_ALLOC - 4)
        return false;
    uint8_t *in = malloc(4 + fixedlen);
    if (!in)
        return false;
    if (fixedlen)
        memcpy(in + 4, fixed, fixedlen);
    for (uint32_t i = 1; outlen; i++) {
        in[0] = (uint8_t)(i >> 24);
        in[1] = (uint8_t)(i >> 16);
        in[2] = (uint8_t)(i >> 8);
        in[3] = (uint8_t)i;
        if (!nt_hmac(NT_HASH_SHA256, key, keylen, in, 4 + fixedlen, blk)) {
            ok = false;
            break;
        }
        size_t n = outlen < sizeof(blk) ? outlen : sizeof(blk);
        memcpy(out, blk, n);
        out += n;
        outlen -= n;
    }
    nt_wipe(blk, sizeof(blk));
    nt_wipe(in, 4 + fixedlen);
    free(in);
    return ok;
}

bool nt_kdf_sp800_108(const uint8_t *key, size_t keylen, const void *label, size_t labellen,
                      const void *context, size_t contextlen, uint8_t *out, size_t outlen)
{
    if ((!label && labellen) || (!context && contextlen) || !out || !outlen)
        return false;
    if (outlen > 0x1FFFFFFFu || labellen > NT_MAX_ALLOC / 2 || contextlen > NT_MAX_ALLOC / 2)
        return false;
    /* Fixed input: Label || 0x00 || Context || [L]_32, L = outlen * 8. */
    size_t flen = labellen + 1 + contextlen + 4;
    uint8_t *fixed = malloc(flen);
    if (!fixed)
        return false;
    if (labellen)
        memcpy(fixed, label, labellen);
    fixed[labellen] = 0;
    if (contextlen)
        memcpy(fixed + labellen + 1, context, contextlen);
    uint32_t l = (uint32_t)outlen * 8;
    uint8_t *p = fixed + labellen + 1 + contextlen;
    p[0] = (uint8_t)(l >> 24);
    p[1] = (uint8_t)(l >> 16);
    p[2] = (uint8_t)(l >> 8);
    p[3] = (uint8_t)l;
    bool ok = nt_kdf_sp800_108_fixed(key, keylen, fixed, flen, out, outlen);
    nt_wipe(fixed, flen);
    free(fixed);
    return ok;
}
