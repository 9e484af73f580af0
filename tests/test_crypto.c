/*
 * Crypto layer unit tests (native, nettle backend): every published vector of
 * tests/crypto_vectors.h, negative cases (forged tags, bad sizes), and a
 * randomized cross-check of the portable composites against nettle's own
 * CMAC / CCM / GCM implementations.  The same vectors run under Wine against
 * the bcrypt backend in winetests/core/crypto_win.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/aes.h>
#include <nettle/ccm.h>
#include <nettle/cmac.h>
#include <nettle/gcm.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"
#include "crypto_vectors.h"

/* Compares got against the hex string want (first n bytes when n != 0). */
static void expect_hex(const char *name, const char *what, const uint8_t *got, size_t gotlen,
                       const char *want)
{
    size_t wl;
    uint8_t *w = cv_unhex(want, &wl);
    if (wl != gotlen || memcmp(w, got, wl) != 0) {
        free(w);
        fail_msg("%s: %s mismatch", name, what);
    }
    free(w);
}

/* ---- vectors ------------------------------------------------------------ */

static void test_hash_len(void **state)
{
    (void)state;
    assert_int_equal(nt_hash_len(NT_HASH_MD4), 16);
    assert_int_equal(nt_hash_len(NT_HASH_MD5), 16);
    assert_int_equal(nt_hash_len(NT_HASH_SHA256), 32);
    assert_int_equal(nt_hash_len(NT_HASH_SHA512), 64);
    assert_int_equal(nt_hash_len((nt_hash_alg)42), 0);
}

static void test_hash_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < CV_COUNT(cv_hash_vectors); i++) {
        const cv_hash *v = &cv_hash_vectors[i];
        size_t ml;
        uint8_t *m = cv_bytes(&v->msg, &ml), out[64];
        if (!nt_hash(v->alg, m, ml, out))
            fail_msg("%s: nt_hash failed", v->name);
        expect_hex(v->name, "digest", out, nt_hash_len(v->alg), v->digest);
        free(m);
    }
}

static void test_hmac_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < CV_COUNT(cv_hmac_vectors); i++) {
        const cv_hmac *v = &cv_hmac_vectors[i];
        size_t kl, ml;
        uint8_t *k = cv_bytes(&v->key, &kl), *m = cv_bytes(&v->msg, &ml), out[64];
        if (!nt_hmac(v->alg, k, kl, m, ml, out))
            fail_msg("%s: nt_hmac failed", v->name);
        expect_hex(v->name, "mac", out, v->maclen ? v->maclen : nt_hash_len(v->alg), v->mac);
        free(k);
        free(m);
    }
}

static void test_aes_ecb_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < CV_COUNT(cv_aes_vectors); i++) {
        const cv_aes *v = &cv_aes_vectors[i];
        size_t kl, pl;
        uint8_t *k = cv_unhex(v->key, &kl), *p = cv_unhex(v->pt, &pl), out[16], multi[48];
        assert_int_equal(pl, 16);
        if (!nt_aes_ecb_encrypt(k, kl, p, out, 1))
            fail_msg("%s: encrypt failed", v->name);
        expect_hex(v->name, "ciphertext", out, 16, v->ct);
        /* in place, several blocks per call */
        for (int b = 0; b < 3; b++)
            memcpy(multi + 16 * b, p, 16);
        assert_true(nt_aes_ecb_encrypt(k, kl, multi, multi, 3));
        for (int b = 0; b < 3; b++)
            expect_hex(v->name, "multi-block ciphertext", multi + 16 * b, 16, v->ct);
        free(k);
        free(p);
    }
}

/* The keyed object gives the same vectors, reused across calls (one key
 * schedule for many), in place and out of place. */
static void test_aes_key_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < CV_COUNT(cv_aes_vectors); i++) {
        const cv_aes *v = &cv_aes_vectors[i];
        size_t kl, pl;
        uint8_t *k = cv_unhex(v->key, &kl), *p = cv_unhex(v->pt, &pl), out[16], multi[48];
        nt_aes_key *ak = NULL;
        assert_int_equal(pl, 16);
        if (!nt_aes_key_init(&ak, k, kl))
            fail_msg("%s: key init failed", v->name);
        assert_non_null(ak);
        for (int rep = 0; rep < 3; rep++) {
            memset(out, 0, sizeof(out));
            assert_true(nt_aes_key_encrypt(ak, p, out, 1));
            expect_hex(v->name, "ciphertext (keyed)", out, 16, v->ct);
        }
        for (int b = 0; b < 3; b++)
            memcpy(multi + 16 * b, p, 16);
        assert_true(nt_aes_key_encrypt(ak, multi, multi, 3));
        for (int b = 0; b < 3; b++)
            expect_hex(v->name, "multi-block ciphertext (keyed)", multi + 16 * b, 16, v->ct);
        assert_true(nt_aes_key_encrypt(ak, multi, multi, 0));
        nt_aes_key_free(ak);
        free(k);
        free(p);
    }
}

static void test_aes_key_bad_params(void **state)
{
    (void)state;
    static const uint8_t key[33];
    uint8_t buf[16] = { 0 };
    nt_aes_key *ak = (nt_aes_key *)&ak;    /* must be reset to NULL on failure */
    static const size_t bad[] = { 0, 1, 15, 17, 24, 31, 33 };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ak = (nt_aes_key *)&ak;
        assert_false(nt_aes_key_init(&ak, key, bad[i]));
        assert_null(ak);
    }
    ak = (nt_aes_key *)&ak;
    assert_false(nt_aes_key_init(&ak, NULL, 16));
    assert_null(ak);
    assert_false(nt_aes_key_init(NULL, key, 16));
    assert_false(nt_aes_key_encrypt(NULL, buf, buf, 1));
    assert_true(nt_aes_key_init(&ak, key, 32));
    assert_false(nt_aes_key_encrypt(ak, NULL, buf, 1));
    assert_false(nt_aes_key_encrypt(ak, buf, NULL, 1));
    assert_false(nt_aes_key_encrypt(ak, buf, buf, SIZE_MAX));
    nt_aes_key_free(ak);
    nt_aes_key_free(NULL);
}

static void test_rc4_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < CV_COUNT(cv_rc4_vectors); i++) {
        const cv_rc4 *v = &cv_rc4_vectors[i];
        size_t kl, sl;
        uint8_t *k = cv_unhex(v->key, &kl), *ks = cv_unhex(v->keystream, &sl);
        size_t total = v->offset + sl;
        uint8_t *buf = calloc(total, 1), *buf2 = calloc(total, 1);
        assert_non_null(buf);
        assert_non_null(buf2);

        /* stateless backend */
        assert_true(nt_rc4(k, kl, buf, total));
        expect_hex(v->name, "keystream (nt_rc4)", buf + v->offset, sl, v->keystream);

        /* portable stateful, fed in uneven pieces */
        nt_rc4_state st;
        nt_rc4_init(&st, k, kl);
        size_t pos = 0, step = 1;
        while (pos < total) {
            size_t n = step < total - pos ? step : total - pos;
            nt_rc4_crypt(&st, buf2 + pos, n);
            pos += n;
            step = step * 3 + 1;
        }
        expect_hex(v->name, "keystream (stateful)", buf2 + v->offset, sl, v->keystream);
        free(buf);
        free(buf2);
        free(k);
        free(ks);
    }
}

static void test_cmac_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < CV_COUNT(cv_cmac_vectors); i++) {
        const cv_cmac *v = &cv_cmac_vectors[i];
        size_t kl, ml;
        uint8_t *k = cv_unhex(v->key, &kl), *m = cv_bytes(&v->msg, &ml), mac[16];
        if (!nt_aes_cmac(k, kl, m, ml, mac))
            fail_msg("%s: cmac failed", v->name);
        expect_hex(v->name, "mac", mac, 16, v->mac);
        free(k);
        free(m);
    }
}

typedef struct aead_buf {
    uint8_t *key, *nonce, *aad, *pt, *ct, *tag;
    size_t kl, nl, al, pl, cl, tl;
} aead_buf;

static void aead_load(const cv_aead *v, aead_buf *b)
{
    b->key = cv_unhex(v->key, &b->kl);
    b->nonce = cv_unhex(v->nonce, &b->nl);
    b->aad = cv_bytes(&v->aad, &b->al);
    b->pt = cv_unhex(v->pt, &b->pl);
    b->ct = cv_unhex(v->ct, &b->cl);
    b->tag = cv_unhex(v->tag, &b->tl);
    assert_int_equal(b->pl, b->cl);
}

static void aead_free(aead_buf *b)
{
    free(b->key);
    free(b->nonce);
    free(b->aad);
    free(b->pt);
    free(b->ct);
    free(b->tag);
}

static void test_ccm_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < CV_COUNT(cv_ccm_vectors); i++) {
        const cv_aead *v = &cv_ccm_vectors[i];
        aead_buf b;
        uint8_t tag[16];
        aead_load(v, &b);
        uint8_t *d = malloc(b.pl + 1);
        assert_non_null(d);

        memcpy(d, b.pt, b.pl);
        if (!nt_aes_ccm_encrypt_tlen(b.key, b.kl, b.nonce, b.nl, b.aad, b.al, d, b.pl, tag, b.tl))
            fail_msg("%s: encrypt failed", v->name);
        expect_hex(v->name, "ciphertext", d, b.pl, v->ct);
        expect_hex(v->name, "tag", tag, b.tl, v->tag);

        memcpy(d, b.ct, b.cl);
        if (!nt_aes_ccm_decrypt_tlen(b.key, b.kl, b.nonce, b.nl, b.aad, b.al, d, b.cl, b.tag, b.tl))
            fail_msg("%s: decrypt/verify failed", v->name);
        expect_hex(v->name, "plaintext", d, b.cl, v->pt);

        if (b.tl == 16) {       /* the public (SMB) API */
            memcpy(d, b.pt, b.pl);
            assert_true(nt_aes_ccm_encrypt(b.key, b.kl, b.nonce, b.nl, b.aad, b.al, d, b.pl, tag));
            expect_hex(v->name, "ciphertext (public API)", d, b.pl, v->ct);
            expect_hex(v->name, "tag (public API)", tag, 16, v->tag);
            assert_true(nt_aes_ccm_decrypt(b.key, b.kl, b.nonce, b.nl, b.aad, b.al, d, b.pl, tag));
            expect_hex(v->name, "plaintext (public API)", d, b.pl, v->pt);
        }
        free(d);
        aead_free(&b);
    }
}

static void test_gcm_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < CV_COUNT(cv_gcm_vectors); i++) {
        const cv_aead *v = &cv_gcm_vectors[i];
        aead_buf b;
        uint8_t tag[16];
        aead_load(v, &b);
        assert_int_equal(b.nl, 12);
        assert_int_equal(b.tl, 16);
        uint8_t *d = malloc(b.pl + 1);
        assert_non_null(d);

        memcpy(d, b.pt, b.pl);
        if (!nt_aes_gcm_encrypt(b.key, b.kl, b.nonce, b.aad, b.al, d, b.pl, tag))
            fail_msg("%s: encrypt failed", v->name);
        expect_hex(v->name, "ciphertext", d, b.pl, v->ct);
        expect_hex(v->name, "tag", tag, 16, v->tag);

        memcpy(d, b.ct, b.cl);
        if (!nt_aes_gcm_decrypt(b.key, b.kl, b.nonce, b.aad, b.al, d, b.cl, b.tag))
            fail_msg("%s: decrypt/verify failed", v->name);
        expect_hex(v->name, "plaintext", d, b.cl, v->pt);
        free(d);
        aead_free(&b);
    }
}

static void test_gmac_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < CV_COUNT(cv_gmac_vectors); i++) {
        const cv_gmac *v = &cv_gmac_vectors[i];
        size_t kl, il, ml;
        uint8_t *k = cv_unhex(v->key, &kl), *iv = cv_unhex(v->iv, &il), *m = cv_bytes(&v->msg, &ml), tag[16];
        assert_int_equal(il, 12);
        if (!nt_aes_gmac(k, kl, iv, m, ml, tag))
            fail_msg("%s: gmac failed", v->name);
        expect_hex(v->name, "tag", tag, 16, v->tag);
        free(k);
        free(iv);
        free(m);
    }
}

static void test_kdf_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < CV_COUNT(cv_kdf_vectors); i++) {
        const cv_kdf *v = &cv_kdf_vectors[i];
        size_t kl, ll, cl, ol;
        uint8_t *k = cv_unhex(v->key, &kl), *l = cv_bytes(&v->label, &ll), *c = cv_bytes(&v->context, &cl);
        uint8_t *want = cv_unhex(v->out, &ol), out[64];
        free(want);
        if (!nt_kdf_sp800_108(k, kl, l, ll, c, cl, out, ol))
            fail_msg("%s: kdf failed", v->name);
        expect_hex(v->name, "key", out, ol, v->out);
        free(k);
        free(l);
        free(c);
    }
}

static void test_kdf_fixed_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < CV_COUNT(cv_kdf_fixed_vectors); i++) {
        const cv_kdf_fixed *v = &cv_kdf_fixed_vectors[i];
        size_t kl, fl, ol;
        uint8_t *k = cv_unhex(v->key, &kl), *f = cv_unhex(v->fixed, &fl), *want = cv_unhex(v->out, &ol);
        uint8_t out[64];
        free(want);
        if (!nt_kdf_sp800_108_fixed(k, kl, f, fl, out, ol))
            fail_msg("%s: kdf failed", v->name);
        expect_hex(v->name, "KO", out, ol, v->out);
        free(k);
        free(f);
    }
}

/* The SMB 3.x derivations through the public API equal the raw core with the
 * fixed input assembled by hand (Label || 0x00 || Context || [L]_32). */
static void test_kdf_public_matches_fixed(void **state)
{
    (void)state;
    static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    static const char label[] = "SMB2AESCMAC";          /* with its NUL: 12 bytes */
    static const char ctx[] = "SmbSign";                /* 8 bytes */
    uint8_t fixed[12 + 1 + 8 + 4], a[32], b[32];
    for (size_t outlen = 16; outlen <= 32; outlen += 16) {
        memcpy(fixed, label, 12);
        fixed[12] = 0;
        memcpy(fixed + 13, ctx, 8);
        uint32_t l = (uint32_t)outlen * 8;
        fixed[21] = (uint8_t)(l >> 24);
        fixed[22] = (uint8_t)(l >> 16);
        fixed[23] = (uint8_t)(l >> 8);
        fixed[24] = (uint8_t)l;
        assert_true(nt_kdf_sp800_108(key, 16, label, 12, ctx, 8, a, outlen));
        assert_true(nt_kdf_sp800_108_fixed(key, 16, fixed, sizeof(fixed), b, outlen));
        assert_memory_equal(a, b, outlen);
    }
}

/* ---- negative cases ------------------------------------------------------- */

static const cv_aead *find_aead(const cv_aead *tab, size_t n, const char *prefix)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(tab[i].name, prefix, strlen(prefix)) == 0)
            return &tab[i];
    fail_msg("vector %s missing", prefix);
    return NULL;
}

/* which: 0 tag, 1 ciphertext, 2 aad, 3 nonce */
static bool ccm_try_forged(const cv_aead *v, int which, bool *wiped)
{
    aead_buf b;
    aead_load(v, &b);
    uint8_t *d = malloc(b.cl + 1);
    assert_non_null(d);
    memcpy(d, b.ct, b.cl);
    switch (which) {
    case 0: b.tag[b.tl - 1] ^= 0x01; break;
    case 1: d[b.cl / 2] ^= 0x80; break;
    case 2: b.aad[0] ^= 0x04; break;
    default: b.nonce[b.nl - 1] ^= 0x10; break;
    }
    bool ok = nt_aes_ccm_decrypt(b.key, b.kl, b.nonce, b.nl, b.aad, b.al, d, b.cl, b.tag);
    *wiped = true;
    for (size_t i = 0; i < b.cl; i++)
        if (d[i])
            *wiped = false;
    free(d);
    aead_free(&b);
    return ok;
}

static void test_ccm_rejects_forgery(void **state)
{
    (void)state;
    const cv_aead *v = find_aead(cv_ccm_vectors, CV_COUNT(cv_ccm_vectors), "SMB3.0 CCM decrypt");
    for (int which = 0; which < 4; which++) {
        bool wiped;
        assert_false(ccm_try_forged(v, which, &wiped));
        assert_true(wiped);     /* no unauthenticated plaintext handed out */
    }
}

static bool gcm_try_forged(const cv_aead *v, int which, bool *untouched)
{
    aead_buf b;
    aead_load(v, &b);
    uint8_t *d = malloc(b.cl + 1);
    assert_non_null(d);
    memcpy(d, b.ct, b.cl);
    switch (which) {
    case 0: b.tag[0] ^= 0x80; break;
    case 1: d[b.cl - 1] ^= 0x01; break;
    case 2: b.aad[b.al - 1] ^= 0x20; break;
    default: b.nonce[0] ^= 0x01; break;
    }
    uint8_t *orig = malloc(b.cl + 1);
    assert_non_null(orig);
    memcpy(orig, d, b.cl);
    bool ok = nt_aes_gcm_decrypt(b.key, b.kl, b.nonce, b.aad, b.al, d, b.cl, b.tag);
    *untouched = memcmp(orig, d, b.cl) == 0;
    free(orig);
    free(d);
    aead_free(&b);
    return ok;
}

static void test_gcm_rejects_forgery(void **state)
{
    (void)state;
    const cv_aead *v = find_aead(cv_gcm_vectors, CV_COUNT(cv_gcm_vectors), "SMB3.1.1 GCM decrypt");
    for (int which = 0; which < 4; which++) {
        bool untouched;
        assert_false(gcm_try_forged(v, which, &untouched));
        assert_true(untouched);  /* verified before decrypting */
    }
}

static void test_bad_key_lengths(void **state)
{
    (void)state;
    static const uint8_t key[33], nonce[13];
    uint8_t buf[32] = { 0 }, tag[16];
    static const size_t bad[] = { 0, 1, 15, 17, 24, 31, 33 };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t kl = bad[i];
        assert_false(nt_aes_ecb_encrypt(key, kl, buf, buf, 1));
        assert_false(nt_aes_cmac(key, kl, buf, 5, tag));
        assert_false(nt_aes_ccm_encrypt(key, kl, nonce, 11, NULL, 0, buf, 16, tag));
        assert_false(nt_aes_ccm_decrypt(key, kl, nonce, 11, NULL, 0, buf, 16, tag));
        assert_false(nt_aes_gcm_encrypt(key, kl, nonce, NULL, 0, buf, 16, tag));
        assert_false(nt_aes_gcm_decrypt(key, kl, nonce, NULL, 0, buf, 16, tag));
        assert_false(nt_aes_gmac(key, kl, nonce, buf, 16, tag));
    }
    assert_false(nt_aes_ecb_encrypt(NULL, 16, buf, buf, 1));
    assert_false(nt_rc4(key, 0, buf, 4));
    assert_false(nt_rc4(key, 257, buf, 4));
    assert_true(nt_rc4(key, 256, buf, 4));
}

static void test_ccm_bad_params(void **state)
{
    (void)state;
    static const uint8_t key[16], nonce[14];
    uint8_t tag[16], *big;
    uint8_t buf[16] = { 0 };
    /* nonce length outside 7..13 */
    assert_false(nt_aes_ccm_encrypt(key, 16, nonce, 6, NULL, 0, buf, 16, tag));
    assert_false(nt_aes_ccm_encrypt(key, 16, nonce, 14, NULL, 0, buf, 16, tag));
    assert_true(nt_aes_ccm_encrypt(key, 16, nonce, 7, NULL, 0, buf, 16, tag));
    assert_true(nt_aes_ccm_encrypt(key, 16, nonce, 13, NULL, 0, buf, 16, tag));
    /* tag length must be even, 4..16 */
    static const size_t badt[] = { 0, 2, 3, 5, 15, 17, 18 };
    for (size_t i = 0; i < sizeof(badt) / sizeof(badt[0]); i++) {
        assert_false(nt_aes_ccm_encrypt_tlen(key, 16, nonce, 11, NULL, 0, buf, 16, tag, badt[i]));
        assert_false(nt_aes_ccm_decrypt_tlen(key, 16, nonce, 11, NULL, 0, buf, 16, tag, badt[i]));
    }
    /* 13-byte nonce leaves q = 2: payload must stay below 2^16 */
    big = calloc(65536, 1);
    assert_non_null(big);
    assert_false(nt_aes_ccm_encrypt(key, 16, nonce, 13, NULL, 0, big, 65536, tag));
    assert_true(nt_aes_ccm_encrypt(key, 16, nonce, 13, NULL, 0, big, 65535, tag));
    assert_true(nt_aes_ccm_encrypt(key, 16, nonce, 12, NULL, 0, big, 65536, tag));
    free(big);
    /* NULL data with a length */
    assert_false(nt_aes_ccm_encrypt(key, 16, nonce, 11, NULL, 0, NULL, 16, tag));
    assert_false(nt_aes_ccm_encrypt(key, 16, nonce, 11, NULL, 5, buf, 16, tag));
}

static void test_misc_bad_params(void **state)
{
    (void)state;
    static const uint8_t key[16];
    uint8_t out[64];
    assert_false(nt_hash((nt_hash_alg)7, "abc", 3, out));
    assert_false(nt_hmac((nt_hash_alg)7, key, 16, "abc", 3, out));
    assert_false(nt_hash(NT_HASH_SHA256, NULL, 3, out));
    assert_false(nt_kdf_sp800_108(key, 16, "a", 1, "b", 1, out, 0));
    assert_false(nt_kdf_sp800_108(key, 16, NULL, 1, "b", 1, out, 16));
    assert_false(nt_kdf_sp800_108_fixed(key, 16, "x", 1, out, 0));
    assert_true(nt_kdf_sp800_108(key, 16, NULL, 0, NULL, 0, out, 16));
    assert_true(nt_hmac(NT_HASH_SHA256, NULL, 0, NULL, 0, out));
}

static void test_memcmp_ct(void **state)
{
    (void)state;
    uint8_t a[32], b[32];
    for (int i = 0; i < 32; i++)
        a[i] = b[i] = (uint8_t)(i * 7);
    assert_int_equal(nt_memcmp_ct(a, b, 32), 0);
    assert_int_equal(nt_memcmp_ct(a, b, 0), 0);
    for (int i = 0; i < 32; i++) {
        b[i] ^= 1;
        assert_int_not_equal(nt_memcmp_ct(a, b, 32), 0);
        b[i] ^= 1;
    }
}

/* ---- randomized cross-check against nettle's modes ------------------------ */

static uint32_t rng = 0x12345678u;
static uint8_t rnd8(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return (uint8_t)rng;
}
static void rnd_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = rnd8();
}

static void test_cross_nettle_cmac(void **state)
{
    (void)state;
    uint8_t key[32], msg[200], a[16], b[16];
    for (size_t len = 0; len <= sizeof(msg); len++) {
        rnd_fill(key, 32);
        rnd_fill(msg, len);
        struct cmac_aes128_ctx c128;
        cmac_aes128_set_key(&c128, key);
        cmac_aes128_update(&c128, len, msg);
        cmac_aes128_digest(&c128, 16, b);
        assert_true(nt_aes_cmac(key, 16, msg, len, a));
        assert_memory_equal(a, b, 16);
        struct cmac_aes256_ctx c256;
        cmac_aes256_set_key(&c256, key);
        cmac_aes256_update(&c256, len, msg);
        cmac_aes256_digest(&c256, 16, b);
        assert_true(nt_aes_cmac(key, 32, msg, len, a));
        assert_memory_equal(a, b, 16);
    }
}

static void test_cross_nettle_ccm(void **state)
{
    (void)state;
    uint8_t key[16], nonce[13], aad[70], pt[300], ours[300], theirs[300 + 16], tag[16];
    for (int iter = 0; iter < 400; iter++) {
        size_t len = rnd8() + (size_t)(rnd8() & 0x1f), al = rnd8() % sizeof(aad);
        size_t nl = 7 + rnd8() % 7, tl = 4 + 2 * (rnd8() % 7);
        rnd_fill(key, 16);
        rnd_fill(nonce, nl);
        rnd_fill(aad, al);
        rnd_fill(pt, len);
        struct aes128_ctx ctx;
        aes128_set_encrypt_key(&ctx, key);
        ccm_encrypt_message(&ctx, (nettle_cipher_func *)aes128_encrypt, nl, nonce, al, aad, tl,
                            len + tl, theirs, pt);
        memcpy(ours, pt, len);
        assert_true(nt_aes_ccm_encrypt_tlen(key, 16, nonce, nl, aad, al, ours, len, tag, tl));
        assert_memory_equal(ours, theirs, len);
        assert_memory_equal(tag, theirs + len, tl);
        assert_true(nt_aes_ccm_decrypt_tlen(key, 16, nonce, nl, aad, al, ours, len, tag, tl));
        assert_memory_equal(ours, pt, len);
    }
}

static void test_cross_nettle_gcm(void **state)
{
    (void)state;
    uint8_t key[32], iv[12], aad[70], pt[300], ours[300], theirs[300], tag[16], tag2[16];
    for (int iter = 0; iter < 400; iter++) {
        size_t len = rnd8() + (size_t)(rnd8() & 0x1f), al = rnd8() % sizeof(aad);
        bool k256 = rnd8() & 1;
        rnd_fill(key, 32);
        rnd_fill(iv, 12);
        rnd_fill(aad, al);
        rnd_fill(pt, len);
        if (k256) {
            struct gcm_aes256_ctx g;
            gcm_aes256_set_key(&g, key);
            gcm_aes256_set_iv(&g, 12, iv);
            gcm_aes256_update(&g, al, aad);
            gcm_aes256_encrypt(&g, len, theirs, pt);
            gcm_aes256_digest(&g, 16, tag2);
        } else {
            struct gcm_aes128_ctx g;
            gcm_aes128_set_key(&g, key);
            gcm_aes128_set_iv(&g, 12, iv);
            gcm_aes128_update(&g, al, aad);
            gcm_aes128_encrypt(&g, len, theirs, pt);
            gcm_aes128_digest(&g, 16, tag2);
        }
        memcpy(ours, pt, len);
        assert_true(nt_aes_gcm_encrypt(key, k256 ? 32 : 16, iv, aad, al, ours, len, tag));
        assert_memory_equal(ours, theirs, len);
        assert_memory_equal(tag, tag2, 16);
        assert_true(nt_aes_gcm_decrypt(key, k256 ? 32 : 16, iv, aad, al, ours, len, tag));
        assert_memory_equal(ours, pt, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_len),
        cmocka_unit_test(test_hash_vectors),
        cmocka_unit_test(test_hmac_vectors),
        cmocka_unit_test(test_aes_ecb_vectors),
        cmocka_unit_test(test_aes_key_vectors),
        cmocka_unit_test(test_aes_key_bad_params),
        cmocka_unit_test(test_rc4_vectors),
        cmocka_unit_test(test_cmac_vectors),
        cmocka_unit_test(test_ccm_vectors),
        cmocka_unit_test(test_gcm_vectors),
        cmocka_unit_test(test_gmac_vectors),
        cmocka_unit_test(test_kdf_vectors),
        cmocka_unit_test(test_kdf_fixed_vectors),
        cmocka_unit_test(test_kdf_public_matches_fixed),
        cmocka_unit_test(test_ccm_rejects_forgery),
        cmocka_unit_test(test_gcm_rejects_forgery),
        cmocka_unit_test(test_bad_key_lengths),
        cmocka_unit_test(test_ccm_bad_params),
        cmocka_unit_test(test_misc_bad_params),
        cmocka_unit_test(test_memcmp_ct),
        cmocka_unit_test(test_cross_nettle_cmac),
        cmocka_unit_test(test_cross_nettle_ccm),
        cmocka_unit_test(test_cross_nettle_gcm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
