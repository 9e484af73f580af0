/*
 * Portable crypto composites: RC4 state machine, AES-CMAC (RFC 4493),
 * AES-CCM (SP800-38C), the CTR keystream, constant-time compare; AES-GCM /
 * GMAC (SP800-38D, software GHASH) and the SP800-108 counter-mode KDF with
 * HMAC-SHA256 are in crypto_gcm_kdf.c.
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

bool nt_aes_keylen_ok(size_t keylen) { return keylen == 16 || keylen == 32; }

void nt_xor_block(uint8_t *dst, const uint8_t *src, size_t n)
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

    if (!key || !nt_aes_keylen_ok(keylen) || !mac || (len && !m))
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
    nt_xor_block(last, k, BLK);

    memset(x, 0, BLK);
    for (size_t b = 0; b < nfull; b++) {
        nt_xor_block(x, m + b * BLK, BLK);
        if (!nt_aes_key_encrypt(ak, x, x, 1))
            goto out;
    }
    nt_xor_block(x, last, BLK);
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
bool nt_ctr_xor(const nt_aes_key *ak, uint8_t ctr[16], size_t ctrbytes,
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
        nt_xor_block(data, ks, n);
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
        nt_xor_block(c->y + c->fill, p, take);
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
    if (!key || !nt_aes_keylen_ok(keylen) || !nonce || noncelen < 7 || noncelen > 13 || !tag)
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
    if (!nt_ctr_xor(ak, ctr, 15 - noncelen, data, len))
        goto out;
    nt_xor_block(t, s0, taglen);
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
    if (!nt_ctr_xor(ak, ctr, 15 - noncelen, data, len))
        goto out;
    if (!ccm_mac(ak, nonce, noncelen, aad, aadlen, data, len, t, taglen))
        goto out;
    nt_xor_block(t, s0, taglen);
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
