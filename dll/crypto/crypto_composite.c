/*
 * Portable crypto composites: RC4 state machine, AES-CMAC (RFC 4493), the
 * SP800-108 counter-mode KDF with HMAC-SHA256, constant-time compare.
 * (AES-CCM: crypto_ccm.c; AES-GCM/GMAC: crypto_gcm.c.)
 *
 * Everything here is built only on the backend primitives nt_aes_key_* (a
 * keyed AES: the one-shot functions build the key object once per call, the
 * nt_aes_key_* modes take one the caller keeps) and nt_hmac, so the very same
 * code runs natively (nettle backend, checked against the RFC/NIST vectors by
 * tests/test_crypto.c) and in the DLL (bcrypt backend, checked under Wine by
 * winetests/core/crypto_win.c).  Wine 8's bcrypt has neither CMAC nor the
 * SP800-108 KDF, hence this file.
 *
 * Every key-dependent temporary (subkeys, hash subkey, keystream, MAC state)
 * is wiped before returning.
 */
#include "crypto.h"
#include "crypto_internal.h"

#include <stdlib.h>
#include <string.h>

#define BLK 16

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

/* CMAC on a key object: the subkeys from L = E(0^128), the whole blocks
 * chained by the backend's CBC (nt_aes_key_cbcmac, one call for all of them),
 * then the masked last block.  Everything goes through the CBC key, so a
 * backend builds one key object for CMAC. */
bool nt_aes_key_cmac(nt_aes_key *ak, const void *msg, size_t len, uint8_t mac[16])
{
    const uint8_t *m = msg;
    uint8_t l[BLK], k[BLK], x[BLK], last[BLK];
    bool ok = false;

    if (!ak || !mac || (len && !m))
        return false;
    memset(l, 0, BLK);
    memset(k, 0, BLK);
    memset(x, 0, BLK);
    memset(last, 0, BLK);
    if (!nt_aes_key_cbcmac(ak, l, x, 1))    /* L = E(0 ^ 0) */
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
        if (rem)
            memcpy(last, m + nfull * BLK, rem);
        last[rem] = 0x80;
    }
    xor_block(last, k, BLK);
    if (!nt_aes_key_cbcmac(ak, x, m, nfull) || !nt_aes_key_cbcmac(ak, x, last, 1))
        goto out;
    memcpy(mac, x, BLK);
    ok = true;
out:
    nt_wipe(l, BLK);
    nt_wipe(k, BLK);
    nt_wipe(x, BLK);
    nt_wipe(last, BLK);
    return ok;
}

bool nt_aes_cmac(const uint8_t *key, size_t keylen, const void *msg, size_t len, uint8_t mac[16])
{
    nt_aes_key *ak = NULL;

    if (!key || !aes_keylen_ok(keylen) || !mac || (len && !msg))
        return false;
    bool ok = nt_aes_key_init(&ak, key, keylen) && nt_aes_key_cmac(ak, msg, len, mac);
    nt_aes_key_free(ak);
    return ok;
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
