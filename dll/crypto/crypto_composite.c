/*
 * Portable crypto composites: RC4 state machine, AES-CMAC (RFC 4493),
 * AES-CCM (SP800-38C), AES-GCM / GMAC (SP800-38D, software GHASH), the
 * SP800-108 counter-mode KDF with HMAC-SHA256, constant-time compare.
 *
 * Everything here is built only on the backend primitives nt_aes_key_* (a
 * keyed AES-ECB: each public call builds the key schedule once and frees it
 * before returning) and nt_hmac, so the very same code runs natively (nettle backend, checked
 * against the RFC/NIST vectors by tests/test_crypto.c) and in the DLL (bcrypt
 * backend, checked under Wine by winetests/core/crypto_win.c).  Wine 8's
 * bcrypt has none of these modes, hence this file.
 *
 * Every key-dependent temporary (subkeys, hash subkey, keystream, MAC state)
 * is wiped before returning.
 */
#include "crypto.h"
#include "crypto_internal.h"

#include <stdlib.h>
#include <string.h>

#define BLK 16
/* Counter blocks encrypted per backend call in CTR mode (each bcrypt call
 * crosses into the provider, so batching matters). */
#define CTR_BATCH 64

size_t nt_hash_len(nt_hash_alg alg)
{
    switch (alg) {
    case NT_HASH_MD4: return 16;
    case NT_HASH_MD5: return 16;
    case NT_HASH_SHA256: return 32;
    case NT_HASH_SHA512: return 64;
    case NT_HASH_SHA1: return 20;
    }
    return 0;
}

/* ---- RC4 (stateful) ------------------------------------------------------ */

void nt_rc4_init(nt_rc4_state *st, const uint8_t *key, size_t keylen)
{
    unsigned i, j = 0;
    for (i = 0; i < 256; i++)
        st->s[i] = (uint8_t)i;
    if (key && keylen) {
        for (i = 0; i < 256; i++) {
            uint8_t t = st->s[i];
            j = (j + t + key[i % keylen]) & 0xff;
            st->s[i] = st->s[j];
            st->s[j] = t;
        }
    }
    st->i = st->j = 0;
}

void nt_rc4_crypt(nt_rc4_state *st, uint8_t *data, size_t len)
{
    uint8_t i = st->i, j = st->j;
    for (size_t n = 0; n < len; n++) {
        i = (uint8_t)(i + 1);
        uint8_t t = st->s[i];
        j = (uint8_t)(j + t);
        st->s[i] = st->s[j];
        st->s[j] = t;
        data[n] ^= st->s[(uint8_t)(st->s[i] + t)];
    }
    st->i = i;
    st->j = j;
}

/* ---- helpers ------------------------------------------------------------- */

static bool aes_keylen_ok(size_t keylen) { return keylen == 16 || keylen == 32; }

static void xor_block(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] ^= src[i];
}

int nt_memcmp_ct(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= (uint8_t)(x[i] ^ y[i]);
    return d != 0;
}

/* ---- AES-CMAC (RFC 4493) -------------------------------------------------- */

/* Doubling in GF(2^128) with the CMAC polynomial (big-endian bit order). */
static void cmac_dbl(uint8_t out[BLK], const uint8_t in[BLK])
{
    uint8_t carry = (uint8_t)(in[0] >> 7);
    for (int i = 0; i < BLK - 1; i++)
        out[i] = (uint8_t)((in[i] << 1) | (in[i + 1] >> 7));
    out[BLK - 1] = (uint8_t)((in[BLK - 1] << 1) ^ (0x87 & (uint8_t)-carry));
}

bool nt_aes_cmac(const uint8_t *key, size_t keylen, const void *msg, size_t len, uint8_t mac[16])
{
    const uint8_t *m = msg;
    uint8_t l[BLK], k[BLK], x[BLK], last[BLK];
    nt_aes_key *ak = NULL;
    bool ok = false;

    if (!key || !aes_keylen_ok(keylen) || !mac || (len && !m))
        return false;
    memset(l, 0, BLK);
    memset(k, 0, BLK);
    memset(x, 0, BLK);
    memset(last, 0, BLK);
    if (!nt_aes_key_init(&ak, key, keylen) || !nt_aes_key_encrypt(ak, l, l, 1))
        goto out;

    size_t nfull = len / BLK;
    bool complete = len && (len % BLK) == 0;
    cmac_dbl(k, l);                 /* K1 */
    if (complete) {
        nfull--;
        memcpy(last, m + nfull * BLK, BLK);
    } else {
        uint8_t k1[BLK];
        memcpy(k1, k, BLK);
        cmac_dbl(k, k1);            /* K2 */
        nt_wipe(k1, BLK);
        size_t rem = len - nfull * BLK;
        memset(last, 0, BLK);
        if (rem)
            memcpy(last, m + nfull * BLK, rem);
        last[rem] = 0x80;
    }
    xor_block(last, k, BLK);

    memset(x, 0, BLK);
    for (size_t b = 0; b < nfull; b++) {
        xor_block(x, m + b * BLK, BLK);
        if (!nt_aes_key_encrypt(ak, x, x, 1))
            goto out;
    }
    xor_block(x, last, BLK);
    if (!nt_aes_key_encrypt(ak, x, x, 1))
        goto out;
    memcpy(mac, x, BLK);
    ok = true;
out:
    nt_aes_key_free(ak);
    nt_wipe(l, BLK);
    nt_wipe(k, BLK);
    nt_wipe(x, BLK);
    nt_wipe(last, BLK);
    return ok;
}

/* ---- CTR keystream ---------------------------------------------------------
 * XORs data with E(K, ctr), E(K, ctr+1), ...  The counter is the last
 * `ctrbytes` bytes of the block (big endian, wrapping within them): 4 for GCM
 * (inc32), q for CCM.  `ctr` is advanced past the blocks used. */
static bool ctr_xor(const nt_aes_key *ak, uint8_t ctr[BLK], size_t ctrbytes,
                    uint8_t *data, size_t len)
{
    uint8_t ks[CTR_BATCH * BLK];
    bool ok = true;

    while (len) {
        size_t nblk = (len + BLK - 1) / BLK;
        if (nblk > CTR_BATCH)
            nblk = CTR_BATCH;
        for (size_t b = 0; b < nblk; b++) {
            memcpy(ks + b * BLK, ctr, BLK);
            for (size_t i = BLK; i-- > BLK - ctrbytes;)
                if (++ctr[i])
                    break;
        }
        if (!nt_aes_key_encrypt(ak, ks, ks, nblk)) {
            ok = false;
            break;
        }
        size_t n = nblk * BLK < len ? nblk * BLK : len;
        xor_block(data, ks, n);
        data += n;
        len -= n;
    }
    nt_wipe(ks, sizeof(ks));
    return ok;
}

/* ---- AES-CCM (SP800-38C) -------------------------------------------------- */

/* CBC-MAC state fed byte-wise, one block cipher call per full block. */
typedef struct cbcmac {
    const nt_aes_key *ak;
    uint8_t y[BLK];
    size_t fill;
    bool ok;
} cbcmac;

static void cbcmac_update(cbcmac *c, const uint8_t *p, size_t n)
{
    while (n && c->ok) {
        size_t take = BLK - c->fill;
        if (take > n)
            take = n;
        xor_block(c->y + c->fill, p, take);
        c->fill += take;
        p += take;
        n -= take;
        if (c->fill == BLK) {
            c->ok = nt_aes_key_encrypt(c->ak, c->y, c->y, 1);
            c->fill = 0;
        }
    }
}

/* Zero-pads to a block boundary (the padding is implicit: y ^ 0 == y). */
static void cbcmac_pad(cbcmac *c)
{
    if (c->fill && c->ok) {
        c->ok = nt_aes_key_encrypt(c->ak, c->y, c->y, 1);
        c->fill = 0;
    }
}

static bool ccm_params_ok(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                          const void *aad, size_t aadlen, const uint8_t *data, size_t len,
                          const uint8_t *tag, size_t taglen)
{
    if (!key || !aes_keylen_ok(keylen) || !nonce || noncelen < 7 || noncelen > 13 || !tag)
        return false;
    if (taglen < 4 || taglen > 16 || (taglen & 1))
        return false;
    if ((aadlen && !aad) || (len && !data))
        return false;
    size_t q = 15 - noncelen;
    /* The payload length must fit in q bytes. */
    if (q < sizeof(size_t) && (uint64_t)len >> (8 * q))
        return false;
    return true;
}

/* MAC of (nonce, aad, plaintext) into t (taglen bytes, before the S0 mask). */
static bool ccm_mac(const nt_aes_key *ak, const uint8_t *nonce, size_t noncelen,
                    const uint8_t *aad, size_t aadlen, const uint8_t *pt, size_t len,
                    uint8_t t[BLK], size_t taglen)
{
    cbcmac c;
    uint8_t b0[BLK], hdr[10];
    size_t q = 15 - noncelen, hl;

    memset(&c, 0, sizeof(c));
    c.ak = ak;
    c.ok = true;

    b0[0] = (uint8_t)((aadlen ? 0x40 : 0) | (((taglen - 2) / 2) << 3) | (q - 1));
    memcpy(b0 + 1, nonce, noncelen);
    uint64_t l = len;
    for (size_t i = 0; i < q; i++) {
        b0[BLK - 1 - i] = (uint8_t)l;
        l >>= 8;
    }
    cbcmac_update(&c, b0, BLK);

    if (aadlen) {
        uint64_t a = aadlen;
        if (a < 0xFF00u) {
            hdr[0] = (uint8_t)(a >> 8);
            hdr[1] = (uint8_t)a;
            hl = 2;
        } else if (a <= 0xFFFFFFFFu) {
            hdr[0] = 0xFF;
            hdr[1] = 0xFE;
            for (int i = 0; i < 4; i++)
                hdr[2 + i] = (uint8_t)(a >> (24 - 8 * i));
            hl = 6;
        } else {
            hdr[0] = 0xFF;
            hdr[1] = 0xFF;
            for (int i = 0; i < 8; i++)
                hdr[2 + i] = (uint8_t)(a >> (56 - 8 * i));
            hl = 10;
        }
        cbcmac_update(&c, hdr, hl);
        cbcmac_update(&c, aad, aadlen);
        cbcmac_pad(&c);
    }
    cbcmac_update(&c, pt, len);
    cbcmac_pad(&c);

    bool ok = c.ok;
    if (ok)
        memcpy(t, c.y, taglen);
    nt_wipe(&c, sizeof(c));
    return ok;
}

/* Counter block A_0 = flags(q-1) || N || 0^q. */
static void ccm_ctr0(uint8_t a[BLK], const uint8_t *nonce, size_t noncelen)
{
    memset(a, 0, BLK);
    a[0] = (uint8_t)(15 - noncelen - 1);
    memcpy(a + 1, nonce, noncelen);
}

bool nt_aes_ccm_encrypt_tlen(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                             const void *aad, size_t aadlen, uint8_t *data, size_t len,
                             uint8_t *tag, size_t taglen)
{
    uint8_t t[BLK], ctr[BLK], s0[BLK];
    nt_aes_key *ak = NULL;
    bool ok = false;

    if (!ccm_params_ok(key, keylen, nonce, noncelen, aad, aadlen, data, len, tag, taglen))
        return false;
    memset(t, 0, BLK);
    memset(ctr, 0, BLK);
    memset(s0, 0, BLK);
    if (!nt_aes_key_init(&ak, key, keylen))
        goto out;
    if (!ccm_mac(ak, nonce, noncelen, aad, aadlen, data, len, t, taglen))
        goto out;
    ccm_ctr0(ctr, nonce, noncelen);
    memcpy(s0, ctr, BLK);
    if (!nt_aes_key_encrypt(ak, s0, s0, 1))
        goto out;
    ctr[BLK - 1] = 1;
    if (!ctr_xor(ak, ctr, 15 - noncelen, data, len))
        goto out;
    xor_block(t, s0, taglen);
    memcpy(tag, t, taglen);
    ok = true;
out:
    nt_aes_key_free(ak);
    nt_wipe(t, BLK);
    nt_wipe(s0, BLK);
    nt_wipe(ctr, BLK);
    return ok;
}

bool nt_aes_ccm_decrypt_tlen(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                             const void *aad, size_t aadlen, uint8_t *data, size_t len,
                             const uint8_t *tag, size_t taglen)
{
    uint8_t t[BLK], ctr[BLK], s0[BLK];
    nt_aes_key *ak = NULL;
    bool ok = false;

    if (!ccm_params_ok(key, keylen, nonce, noncelen, aad, aadlen, data, len, tag, taglen))
        return false;
    memset(t, 0, BLK);
    memset(ctr, 0, BLK);
    memset(s0, 0, BLK);
    if (!nt_aes_key_init(&ak, key, keylen))
        goto out;
    ccm_ctr0(ctr, nonce, noncelen);
    memcpy(s0, ctr, BLK);
    if (!nt_aes_key_encrypt(ak, s0, s0, 1))
        goto out;
    ctr[BLK - 1] = 1;
    if (!ctr_xor(ak, ctr, 15 - noncelen, data, len))
        goto out;
    if (!ccm_mac(ak, nonce, noncelen, aad, aadlen, data, len, t, taglen))
        goto out;
    xor_block(t, s0, taglen);
    ok = nt_memcmp_ct(t, tag, taglen) == 0;
out:
    nt_aes_key_free(ak);
    if (!ok && data)
        nt_wipe(data, len);    /* never hand out unauthenticated plaintext */
    nt_wipe(t, BLK);
    nt_wipe(s0, BLK);
    nt_wipe(ctr, BLK);
    return ok;
}

bool nt_aes_ccm_encrypt(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, uint8_t tag[16])
{
    return nt_aes_ccm_encrypt_tlen(key, keylen, nonce, noncelen, aad, aadlen, data, len, tag, 16);
}

bool nt_aes_ccm_decrypt(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, const uint8_t tag[16])
{
    return nt_aes_ccm_decrypt_tlen(key, keylen, nonce, noncelen, aad, aadlen, data, len, tag, 16);
}

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

    if (!key || !aes_keylen_ok(keylen) || !nonce || (aadlen && !aad) || (len && !data))
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

    if (enc && !ctr_xor(ak, ctr, 4, data, len))
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
    xor_block(t, j0, BLK);

    if (enc) {
        memcpy(tag_out, t, BLK);
        ok = true;
    } else if (nt_memcmp_ct(t, tag_in, BLK) == 0) {
        ok = ctr_xor(ak, ctr, 4, data, len);
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
