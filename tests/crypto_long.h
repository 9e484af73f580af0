/*
 * Long-message checks of the crypto modes, shared by the native unit test
 * (tests/test_crypto_long.c) and the Windows build under Wine
 * (winetests/core/crypto_long_win.c):
 *
 * - AES-GCM / GMAC: the platform path (nt_aes_key_gcm_*: CNG GCM in the DLL,
 *   nettle natively) against the portable constant-time GHASH
 *   (nt_aes_key_gcm_portable), multi-KB and odd lengths, both key sizes;
 * - AES-CMAC and AES-CCM (chunked backend CBC for the CBC-MAC, counter block
 *   arrays for CTR) against block-by-block references written here on
 *   nt_aes_key_encrypt (one ECB block per call, the textbook definition);
 * - one key object reused across modes and messages in a row (the way an SMB
 *   session keeps its key): every result must equal a fresh key's, which
 *   catches a backend carrying cipher state from one call into the next.
 *
 * crypto_long_run(report) calls report(name, NULL) for a pass and
 * report(name, why) for a failure; it returns the number of failures.
 */
#ifndef TESTS_CRYPTO_LONG_H
#define TESTS_CRYPTO_LONG_H

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*cl_report_fn)(const char *name, const char *why);

static const size_t cl_lens[] = { 0, 1, 15, 16, 17, 31, 255, 1000, 4095, 4096, 4097,
                                  8191, 16385, 65537, 100003 };

static uint32_t cl_rnd_state = 0x12345678u;
static void cl_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cl_rnd_state = cl_rnd_state * 1103515245u + 12345u;
        p[i] = (uint8_t)(cl_rnd_state >> 16);
    }
}

static void cl_xor(uint8_t *d, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] ^= s[i];
}

/* CBC-MAC one block per ECB call, over len bytes zero-padded. */
static int cl_ref_cbcmac(const nt_aes_key *k, uint8_t y[16], const uint8_t *p, size_t len)
{
    for (size_t off = 0; off < len; off += 16) {
        size_t n = len - off < 16 ? len - off : 16;
        cl_xor(y, p + off, n);
        if (!nt_aes_key_encrypt(k, y, y, 1))
            return 0;
    }
    return 1;
}

static void cl_dbl(uint8_t b[16])
{
    uint8_t c = (uint8_t)(b[0] >> 7);
    for (int i = 0; i < 15; i++)
        b[i] = (uint8_t)((b[i] << 1) | (b[i + 1] >> 7));
    b[15] = (uint8_t)((b[15] << 1) ^ (c ? 0x87 : 0));
}

/* RFC 4493 CMAC, block by block. */
static int cl_ref_cmac(const nt_aes_key *k, const uint8_t *m, size_t len, uint8_t mac[16])
{
    uint8_t l[16] = { 0 }, last[16] = { 0 }, y[16] = { 0 };
    size_t nfull = len ? (len - 1) / 16 : 0, rem = len - nfull * 16;
    if (!nt_aes_key_encrypt(k, l, l, 1))
        return 0;
    cl_dbl(l);
    memcpy(last, m + nfull * 16, rem);
    if (rem < 16) {
        last[rem] = 0x80;
        cl_dbl(l);
    }
    cl_xor(last, l, 16);
    if (!cl_ref_cbcmac(k, y, m, nfull * 16))
        return 0;
    cl_xor(y, last, 16);
    if (!nt_aes_key_encrypt(k, y, y, 1))
        return 0;
    memcpy(mac, y, 16);
    return 1;
}

/* SP800-38C CCM with an 11-byte nonce (SMB's), 16-byte tag, aadlen < 0xFF00,
 * block by block: encrypts data in place and writes the tag. */
static int cl_ref_ccm(const nt_aes_key *k, const uint8_t n[11], const uint8_t *aad, size_t al,
                      uint8_t *data, size_t len, uint8_t tag[16])
{
    uint8_t y[16] = { 0 }, a[16] = { 0 }, s[16], hdr[2];
    y[0] = (uint8_t)((al ? 0x40 : 0) | (7 << 3) | 3);
    memcpy(y + 1, n, 11);
    for (int i = 0; i < 4; i++)
        y[15 - i] = (uint8_t)(len >> (8 * i));
    if (!nt_aes_key_encrypt(k, y, y, 1))
        return 0;
    if (al) {
        uint8_t *buf = malloc(al + 2);
        if (!buf)
            return 0;
        hdr[0] = (uint8_t)(al >> 8);
        hdr[1] = (uint8_t)al;
        memcpy(buf, hdr, 2);
        memcpy(buf + 2, aad, al);
        int ok = cl_ref_cbcmac(k, y, buf, al + 2);
        free(buf);
        if (!ok)
            return 0;
    }
    if (!cl_ref_cbcmac(k, y, data, len))
        return 0;
    a[0] = 3;
    memcpy(a + 1, n, 11);
    memcpy(s, a, 16);
    if (!nt_aes_key_encrypt(k, s, s, 1))
        return 0;
    cl_xor(y, s, 16);
    memcpy(tag, y, 16);
    for (size_t off = 0, ctr = 1; off < len; off += 16, ctr++) {
        for (int i = 0; i < 4; i++)
            a[15 - i] = (uint8_t)(ctr >> (8 * i));
        memcpy(s, a, 16);
        if (!nt_aes_key_encrypt(k, s, s, 1))
            return 0;
        cl_xor(data + off, s, len - off < 16 ? len - off : 16);
    }
    return 1;
}

static const char *cl_gcm_one(nt_aes_key *k, const uint8_t *msg, size_t len, const uint8_t *aad, size_t al,
                              uint8_t *b1, uint8_t *b2)
{
    uint8_t iv[12], t1[16], t2[16];
    cl_fill(iv, 12);
    memcpy(b1, msg, len);
    memcpy(b2, msg, len);
    if (!nt_aes_key_gcm_encrypt(k, iv, aad, al, b1, len, t1))
        return "platform GCM encrypt failed";
    if (!nt_aes_key_gcm_portable(k, true, iv, aad, al, b2, len, t2))
        return "portable GCM encrypt failed";
    if (memcmp(b1, b2, len) || memcmp(t1, t2, 16))
        return "GCM: platform and portable differ";
    if (!nt_aes_key_gcm_decrypt(k, iv, aad, al, b1, len, t1) || memcmp(b1, msg, len))
        return "platform GCM decrypt of its own output failed";
    if (!nt_aes_key_gcm_portable(k, false, iv, aad, al, b2, len, t1) || memcmp(b2, msg, len))
        return "portable GCM decrypt of the platform's output failed";
    if (!nt_aes_key_gmac(k, iv, msg, len, t1) || !nt_aes_key_gcm_portable(k, true, iv, msg, len, NULL, 0, t2))
        return "GMAC failed";
    if (memcmp(t1, t2, 16))
        return "GMAC: platform and portable differ";
    t1[15] ^= 1;
    memcpy(b2, b1, len);
    if (len && nt_aes_key_gcm_decrypt(k, iv, aad, al, b1, len, t1))
        return "platform GCM accepted a forged tag";
    if (memcmp(b1, b2, len))
        return "platform GCM changed data on a forged tag";
    return NULL;
}

static const char *cl_mac_one(nt_aes_key *k, const uint8_t *msg, size_t len, const uint8_t *aad, size_t al,
                              uint8_t *b1, uint8_t *b2)
{
    uint8_t n[11], t1[16], t2[16];
    if (!nt_aes_key_cmac(k, msg, len, t1) || !cl_ref_cmac(k, msg, len, t2))
        return "CMAC failed";
    if (memcmp(t1, t2, 16))
        return "CMAC differs from the block-by-block reference";
    cl_fill(n, 11);
    memcpy(b1, msg, len);
    memcpy(b2, msg, len);
    if (!nt_aes_key_ccm_encrypt(k, n, 11, aad, al, b1, len, t1) || !cl_ref_ccm(k, n, aad, al, b2, len, t2))
        return "CCM encrypt failed";
    if (memcmp(b1, b2, len) || memcmp(t1, t2, 16))
        return "CCM differs from the block-by-block reference";
    if (!nt_aes_key_ccm_decrypt(k, n, 11, aad, al, b1, len, t1) || memcmp(b1, msg, len))
        return "CCM decrypt of its own output failed";
    return NULL;
}

/* The same message through a fresh key and through the reused one. */
static const char *cl_reuse_one(nt_aes_key *shared, const uint8_t *key, size_t kl, const uint8_t *msg, size_t len)
{
    static const uint8_t iv[12] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2 };
    uint8_t a[3][16], b[3][16];
    nt_aes_key *fresh = NULL;
    if (!nt_aes_key_init(&fresh, key, kl))
        return "key init failed";
    int ok = nt_aes_key_cmac(fresh, msg, len, a[0]) && nt_aes_key_gmac(fresh, iv, msg, len, a[1]) &&
             nt_aes_key_cmac(fresh, msg, len / 2, a[2]);
    nt_aes_key_free(fresh);
    /* twice on the shared key: the second round starts where the first ended */
    for (int round = 0; ok && round < 2; round++) {
        ok = nt_aes_key_cmac(shared, msg, len, b[0]) && nt_aes_key_gmac(shared, iv, msg, len, b[1]) &&
             nt_aes_key_cmac(shared, msg, len / 2, b[2]);
        if (ok && memcmp(a, b, sizeof(a)))
            return "a reused key object gives other results than a fresh one";
    }
    return ok ? NULL : "a mode call failed";
}

static int crypto_long_run(cl_report_fn report)
{
    size_t maxlen = cl_lens[sizeof(cl_lens) / sizeof(cl_lens[0]) - 1];
    uint8_t *msg = malloc(maxlen + 1), *b1 = malloc(maxlen + 1), *b2 = malloc(maxlen + 1);
    uint8_t key[32], aad[77];
    int fails = 0;
    char name[96];

    if (!msg || !b1 || !b2) {
        report("crypto long messages", "out of memory");
        free(msg), free(b1), free(b2);
        return 1;
    }
    for (int kl = 16; kl <= 32; kl += 16) {
        nt_aes_key *k = NULL;
        cl_fill(key, 32);
        if (!nt_aes_key_init(&k, key, (size_t)kl)) {
            report("crypto long messages: key init", "failed");
            fails++;
            continue;
        }
        for (size_t i = 0; i < sizeof(cl_lens) / sizeof(cl_lens[0]); i++) {
            size_t len = cl_lens[i], al = (len * 7) % sizeof(aad);
            cl_fill(msg, len);
            cl_fill(aad, al);
            const char *why = cl_gcm_one(k, msg, len, aad, al, b1, b2);
            snprintf(name, sizeof(name), "AES-%d-GCM/GMAC platform vs portable, %zu bytes", kl * 8, len);
            report(name, why);
            fails += why != NULL;
            why = cl_mac_one(k, msg, len, aad, al, b1, b2);
            snprintf(name, sizeof(name), "AES-%d-CMAC/CCM vs block-by-block, %zu bytes", kl * 8, len);
            report(name, why);
            fails += why != NULL;
            why = cl_reuse_one(k, key, (size_t)kl, msg, len);
            snprintf(name, sizeof(name), "AES-%d key object reused across modes, %zu bytes", kl * 8, len);
            report(name, why);
            fails += why != NULL;
        }
        nt_aes_key_free(k);
    }
    free(msg);
    free(b1);
    free(b2);
    return fails;
}

#endif
