/*
 * AES-CCM (NIST SP800-38C) and the CTR keystream shared with the portable GCM.
 *
 * Built on the backend's keyed AES only: the CBC-MAC goes through
 * nt_aes_key_cbcmac (the backend's CBC mode over as many whole blocks as the
 * input holds, in bounded chunks), the keystream through nt_aes_key_encrypt
 * (ECB over an array of counter blocks).  So a message costs a handful of
 * backend calls, not one per 16-byte block.  Every key-dependent temporary
 * is wiped before returning.
 */
#include "crypto.h"
#include "crypto_internal.h"

#include <string.h>

#define BLK 16
/* Counter blocks per ECB call (4 KiB of keystream on the stack). */
#define CTR_BATCH 256

static void xor_bytes(uint8_t *d, const uint8_t *s, size_t n)
{
    while (n >= 8) {
        uint64_t a, b;
        memcpy(&a, d, 8);
        memcpy(&b, s, 8);
        a ^= b;
        memcpy(d, &a, 8);
        d += 8;
        s += 8;
        n -= 8;
    }
    while (n--)
        *d++ ^= *s++;
}

static void ctr_inc(uint8_t ctr[BLK], size_t ctrbytes)
{
    for (size_t i = BLK; i-- > BLK - ctrbytes;)
        if (++ctr[i])
            break;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* nblk counter blocks ctr, ctr+1, ... into ks; ctr advanced past them.  The
 * common case (the low 32 bits do not carry into the rest of the counter, or
 * the counter is 32 bits and wraps) writes each block's last word directly. */
static void fill_counters(uint8_t *ks, uint8_t ctr[BLK], size_t ctrbytes, size_t nblk)
{
    uint32_t low = get_be32(ctr + 12);
    if (ctrbytes == 4 || (ctrbytes > 4 && low <= UINT32_MAX - nblk)) {
        for (size_t b = 0; b < nblk; b++) {
            memcpy(ks + b * BLK, ctr, 12);
            put_be32(ks + b * BLK + 12, low + (uint32_t)b);
        }
        put_be32(ctr + 12, low + (uint32_t)nblk);
        return;
    }
    for (size_t b = 0; b < nblk; b++) {
        memcpy(ks + b * BLK, ctr, BLK);
        ctr_inc(ctr, ctrbytes);
    }
}

/* A 32-bit counter whose low word is at most 2 through the backend's GCM:
 * GCM with nonce ctr[0..11] encrypts its payload with counters 2, 3, ...
 * (inc32, as CTR with ctrbytes == 4 wraps).  The blocks before counter 2 go
 * through ECB.  *done says how many bytes were handled. */
static bool ctr_via_gcm(nt_aes_key *k, uint8_t ctr[BLK], uint8_t *data, size_t len, size_t *done)
{
    uint8_t ks[2 * BLK], tag[BLK];
    uint32_t low = get_be32(ctr + 12);
    size_t pre = 2 - low, prebytes = pre * BLK;

    *done = 0;
    if (prebytes >= len)
        return true;
    /* the payload from counter 2 on, in place; the tag is thrown away */
    nt_gcm_rc rc = nt_aes_key_gcm_backend(k, true, ctr, NULL, 0, data + prebytes, len - prebytes, tag);
    nt_wipe(tag, sizeof(tag));
    if (rc == NT_GCM_UNAVAILABLE)
        return true;
    if (rc != NT_GCM_DONE)
        return false;
    for (size_t b = 0; b < pre; b++) {
        memcpy(ks + b * BLK, ctr, BLK);
        ks[b * BLK + 15] = (uint8_t)(low + b);
    }
    bool ok = !pre || nt_aes_key_encrypt(k, ks, ks, pre);
    if (ok)
        xor_bytes(data, ks, prebytes);
    nt_wipe(ks, sizeof(ks));
    /* advance the counter past every block used (mod 2^32) */
    put_be32(ctr + 12, low + (uint32_t)((len + BLK - 1) / BLK));
    *done = len;
    return ok;
}

bool nt_aes_ctr_xor(nt_aes_key *k, uint8_t ctr[BLK], size_t ctrbytes, uint8_t *data, size_t len)
{
    uint8_t ks[CTR_BATCH * BLK];
    size_t used = 0;
    bool ok = true;

    if (ctrbytes < 1 || ctrbytes > BLK)
        return false;
    if (ctrbytes == 4 && len > 2 * BLK && nt_aes_backend_ctr_via_gcm() && !ctr[12] && !ctr[13] &&
        !ctr[14] && ctr[15] <= 2) {
        size_t done;
        if (!ctr_via_gcm(k, ctr, data, len, &done))
            return false;
        data += done;
        len -= done;
    }
    while (len) {
        size_t nblk = (len + BLK - 1) / BLK;
        if (nblk > CTR_BATCH)
            nblk = CTR_BATCH;
        fill_counters(ks, ctr, ctrbytes, nblk);
        if (nblk * BLK > used)
            used = nblk * BLK;
        if (!nt_aes_key_encrypt(k, ks, ks, nblk)) {
            ok = false;
            break;
        }
        size_t n = nblk * BLK < len ? nblk * BLK : len;
        xor_bytes(data, ks, n);
        data += n;
        len -= n;
    }
    nt_wipe(ks, used);
    return ok;
}

/* ---- CBC-MAC fed byte-wise; whole blocks go to the backend at once ---- */

typedef struct cbcmac {
    nt_aes_key *ak;
    uint8_t y[BLK];
    uint8_t buf[BLK];
    size_t fill;
    bool ok;
} cbcmac;

static void cbcmac_update(cbcmac *c, const uint8_t *p, size_t n)
{
    if (!c->ok || !n)
        return;
    if (c->fill) {
        size_t take = BLK - c->fill < n ? BLK - c->fill : n;
        memcpy(c->buf + c->fill, p, take);
        c->fill += take;
        p += take;
        n -= take;
        if (c->fill < BLK)
            return;
        c->ok = nt_aes_key_cbcmac(c->ak, c->y, c->buf, 1);
        c->fill = 0;
    }
    if (n >= BLK && c->ok) {
        size_t nb = n / BLK;
        c->ok = nt_aes_key_cbcmac(c->ak, c->y, p, nb);
        p += nb * BLK;
        n -= nb * BLK;
    }
    if (n) {
        memcpy(c->buf, p, n);
        c->fill = n;
    }
}

/* Zero-pads to a block boundary. */
static void cbcmac_pad(cbcmac *c)
{
    if (c->fill && c->ok) {
        memset(c->buf + c->fill, 0, BLK - c->fill);
        c->ok = nt_aes_key_cbcmac(c->ak, c->y, c->buf, 1);
        c->fill = 0;
    }
}

static bool ccm_params_ok(const uint8_t *nonce, size_t noncelen, const void *aad, size_t aadlen,
                          const uint8_t *data, size_t len, const uint8_t *tag, size_t taglen)
{
    if (!nonce || noncelen < 7 || noncelen > 13 || !tag)
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

/* The encoded AAD length (SP800-38C A.2.2) into hdr; returns its size. */
static size_t ccm_aad_header(uint64_t a, uint8_t hdr[10])
{
    if (a < 0xFF00u) {
        hdr[0] = (uint8_t)(a >> 8);
        hdr[1] = (uint8_t)a;
        return 2;
    }
    if (a <= 0xFFFFFFFFu) {
        hdr[0] = 0xFF;
        hdr[1] = 0xFE;
        for (int i = 0; i < 4; i++)
            hdr[2 + i] = (uint8_t)(a >> (24 - 8 * i));
        return 6;
    }
    hdr[0] = 0xFF;
    hdr[1] = 0xFF;
    for (int i = 0; i < 8; i++)
        hdr[2 + i] = (uint8_t)(a >> (56 - 8 * i));
    return 10;
}

/* MAC of (nonce, aad, plaintext) into t (taglen bytes, before the S0 mask). */
static bool ccm_mac(nt_aes_key *ak, const uint8_t *nonce, size_t noncelen,
                    const uint8_t *aad, size_t aadlen, const uint8_t *pt, size_t len,
                    uint8_t t[BLK], size_t taglen)
{
    cbcmac c;
    uint8_t b0[BLK], hdr[10];
    size_t q = 15 - noncelen;

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
        cbcmac_update(&c, hdr, ccm_aad_header(aadlen, hdr));
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

/* Shared CCM core on a key object.  Encrypt: MAC the plaintext, then CTR.
 * Decrypt: CTR, MAC the plaintext, compare; a mismatch wipes data. */
static bool ccm_keyed(nt_aes_key *ak, bool enc, const uint8_t *nonce, size_t noncelen,
                      const void *aad, size_t aadlen, uint8_t *data, size_t len,
                      uint8_t *tag, size_t taglen)
{
    uint8_t t[BLK], ctr[BLK], s0[BLK];
    bool ok = false;

    if (!ak || !ccm_params_ok(nonce, noncelen, aad, aadlen, data, len, tag, taglen))
        return false;
    memset(t, 0, BLK);
    /* A_0 = flags(q-1) || N || 0^q; S_0 = E(A_0); the payload uses A_1... */
    memset(ctr, 0, BLK);
    ctr[0] = (uint8_t)(15 - noncelen - 1);
    memcpy(ctr + 1, nonce, noncelen);
    memcpy(s0, ctr, BLK);
    if (!nt_aes_key_encrypt(ak, s0, s0, 1))
        goto out;
    ctr[BLK - 1] = 1;
    if (enc && !ccm_mac(ak, nonce, noncelen, aad, aadlen, data, len, t, taglen))
        goto out;
    if (!nt_aes_ctr_xor(ak, ctr, 15 - noncelen, data, len))
        goto out;
    if (!enc && !ccm_mac(ak, nonce, noncelen, aad, aadlen, data, len, t, taglen))
        goto out;
    xor_bytes(t, s0, taglen);
    if (enc) {
        memcpy(tag, t, taglen);
        ok = true;
    } else {
        ok = nt_memcmp_ct(t, tag, taglen) == 0;
    }
out:
    if (!enc && !ok && data)
        nt_wipe(data, len);    /* never hand out unauthenticated plaintext */
    nt_wipe(t, BLK);
    nt_wipe(s0, BLK);
    nt_wipe(ctr, BLK);
    return ok;
}

static bool ccm_oneshot(bool enc, const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                        const void *aad, size_t aadlen, uint8_t *data, size_t len,
                        uint8_t *tag, size_t taglen)
{
    nt_aes_key *ak = NULL;

    if (!key || (keylen != 16 && keylen != 32) ||
        !ccm_params_ok(nonce, noncelen, aad, aadlen, data, len, tag, taglen))
        return false;
    bool ok = nt_aes_key_init(&ak, key, keylen) &&
              ccm_keyed(ak, enc, nonce, noncelen, aad, aadlen, data, len, tag, taglen);
    if (!ok && !enc && data)
        nt_wipe(data, len);
    nt_aes_key_free(ak);
    return ok;
}

bool nt_aes_ccm_encrypt_tlen(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                             const void *aad, size_t aadlen, uint8_t *data, size_t len,
                             uint8_t *tag, size_t taglen)
{
    return ccm_oneshot(true, key, keylen, nonce, noncelen, aad, aadlen, data, len, tag, taglen);
}

bool nt_aes_ccm_decrypt_tlen(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                             const void *aad, size_t aadlen, uint8_t *data, size_t len,
                             const uint8_t *tag, size_t taglen)
{
    return ccm_oneshot(false, key, keylen, nonce, noncelen, aad, aadlen, data, len, (uint8_t *)tag, taglen);
}

bool nt_aes_ccm_encrypt(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, uint8_t tag[16])
{
    return ccm_oneshot(true, key, keylen, nonce, noncelen, aad, aadlen, data, len, tag, 16);
}

bool nt_aes_ccm_decrypt(const uint8_t *key, size_t keylen, const uint8_t *nonce, size_t noncelen,
                        const void *aad, size_t aadlen, uint8_t *data, size_t len, const uint8_t tag[16])
{
    return ccm_oneshot(false, key, keylen, nonce, noncelen, aad, aadlen, data, len, (uint8_t *)tag, 16);
}

bool nt_aes_key_ccm_encrypt(nt_aes_key *k, const uint8_t *nonce, size_t noncelen,
                            const void *aad, size_t aadlen, uint8_t *data, size_t len, uint8_t tag[16])
{
    return ccm_keyed(k, true, nonce, noncelen, aad, aadlen, data, len, tag, 16);
}

bool nt_aes_key_ccm_decrypt(nt_aes_key *k, const uint8_t *nonce, size_t noncelen,
                            const void *aad, size_t aadlen, uint8_t *data, size_t len, const uint8_t tag[16])
{
    return ccm_keyed(k, false, nonce, noncelen, aad, aadlen, data, len, (uint8_t *)tag, 16);
}
