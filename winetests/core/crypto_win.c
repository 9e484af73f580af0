/*
 * Crypto layer under Wine: the Windows build of the core crypto (portable
 * composites + CNG bcrypt / advapi32 backend) against the published vectors
 * of tests/crypto_vectors.h, the same ones the native cmocka tests use.
 *
 * Plain console program, no test framework.  One line per check:
 *   PASS: <name>   FAIL: <name>: <why>   SKIPPED: <name>: <reason>
 * Lines starting with '#' are informational.  Exit status 1 if anything failed.
 *
 *   make -f Makefile.mingw coretests
 *   WINEPREFIX=/tmp/wp-crypto WINEDEBUG=-all wine build/x86_64/coretests/crypto_win.exe
 */
#include <windows.h>
#include <bcrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"
#include "crypto_vectors.h"

static int g_pass, g_fail;

/* advapi32's MD4, which crypto_bcrypt_win.c falls back to when bcrypt has no
 * MD4 provider; declared the same way there. */
typedef struct md4_ctx_w {
    unsigned int buf[4];
    unsigned int i[2];
    unsigned char in[64];
    unsigned char digest[16];
} md4_ctx_w;
VOID WINAPI MD4Init(md4_ctx_w *ctx);
VOID WINAPI MD4Update(md4_ctx_w *ctx, const unsigned char *buf, unsigned int len);
VOID WINAPI MD4Final(md4_ctx_w *ctx);

static void report(const char *name, const char *why)
{
    if (why) {
        printf("FAIL: %s: %s\n", name, why);
        g_fail++;
    } else {
        printf("PASS: %s\n", name);
        g_pass++;
    }
}

/* NULL when got equals the hex string want. */
static const char *cmp_hex(const uint8_t *got, size_t gotlen, const char *want, const char *what)
{
    static char why[128];
    size_t wl;
    uint8_t *w = cv_unhex(want, &wl);
    bool eq = wl == gotlen && memcmp(w, got, wl) == 0;
    free(w);
    if (eq)
        return NULL;
    snprintf(why, sizeof(why), "%s mismatch", what);
    return why;
}

/* ---- what this bcrypt offers (informational) ---- */

static void probe_provider(const WCHAR *alg, ULONG flags, const char *label)
{
    BCRYPT_ALG_HANDLE h = NULL;
    NTSTATUS st = BCryptOpenAlgorithmProvider(&h, alg, NULL, flags);
    if (st == 0) {
        printf("# bcrypt provides %s\n", label);
        BCryptCloseAlgorithmProvider(h, 0);
    } else {
        printf("# bcrypt lacks %s (status 0x%08lx)\n", label, (unsigned long)st);
    }
}

static void probe_aes_ecb(void)
{
    BCRYPT_ALG_HANDLE h = NULL;
    if (BCryptOpenAlgorithmProvider(&h, BCRYPT_AES_ALGORITHM, NULL, 0) != 0) {
        printf("# bcrypt lacks AES\n");
        return;
    }
    NTSTATUS st = BCryptSetProperty(h, BCRYPT_CHAINING_MODE, (PUCHAR)BCRYPT_CHAIN_MODE_ECB,
                                    sizeof(BCRYPT_CHAIN_MODE_ECB), 0);
    if (st == 0)
        printf("# bcrypt provides AES-ECB\n");
    else
        printf("# bcrypt lacks AES-ECB (status 0x%08lx)\n", (unsigned long)st);
    NTSTATUS st2 = BCryptSetProperty(h, BCRYPT_CHAINING_MODE, (PUCHAR)BCRYPT_CHAIN_MODE_CCM,
                                     sizeof(BCRYPT_CHAIN_MODE_CCM), 0);
    printf("# bcrypt chaining mode CCM: %s (status 0x%08lx)\n", st2 == 0 ? "accepted" : "rejected",
           (unsigned long)st2);
    NTSTATUS st3 = BCryptSetProperty(h, BCRYPT_CHAINING_MODE, (PUCHAR)BCRYPT_CHAIN_MODE_GCM,
                                     sizeof(BCRYPT_CHAIN_MODE_GCM), 0);
    printf("# bcrypt chaining mode GCM: %s (status 0x%08lx)\n", st3 == 0 ? "accepted" : "rejected",
           (unsigned long)st3);
    /* nt_aes_key supplies (and wipes) its own key object buffer when this is reported. */
    ULONG objlen = 0, got = 0;
    NTSTATUS st4 = BCryptGetProperty(h, BCRYPT_OBJECT_LENGTH, (PUCHAR)&objlen, sizeof(objlen), &got, 0);
    if (st4 == 0 && got == sizeof(objlen))
        printf("# bcrypt AES key object length: %lu bytes (caller-supplied buffer)\n", (unsigned long)objlen);
    else
        printf("# bcrypt AES key object length not reported (status 0x%08lx): bcrypt allocates it\n",
               (unsigned long)st4);
    BCryptCloseAlgorithmProvider(h, 0);
}

static void probes(void)
{
    probe_provider(BCRYPT_MD4_ALGORITHM, 0, "MD4");
    probe_provider(BCRYPT_MD4_ALGORITHM, BCRYPT_ALG_HANDLE_HMAC_FLAG, "HMAC-MD4");
    probe_provider(BCRYPT_MD5_ALGORITHM, BCRYPT_ALG_HANDLE_HMAC_FLAG, "HMAC-MD5");
    probe_provider(BCRYPT_SHA256_ALGORITHM, BCRYPT_ALG_HANDLE_HMAC_FLAG, "HMAC-SHA256");
    probe_provider(BCRYPT_SHA512_ALGORITHM, BCRYPT_ALG_HANDLE_HMAC_FLAG, "HMAC-SHA512");
    probe_aes_ecb();
}

/* ---- vectors ---- */

static void run_hashes(void)
{
    for (size_t i = 0; i < CV_COUNT(cv_hash_vectors); i++) {
        const cv_hash *v = &cv_hash_vectors[i];
        size_t ml;
        uint8_t *m = cv_bytes(&v->msg, &ml), out[64];
        report(v->name, nt_hash(v->alg, m, ml, out) ? cmp_hex(out, nt_hash_len(v->alg), v->digest, "digest")
                                                     : "nt_hash failed");
        free(m);
    }
}

/* The fallback path: advapi32 MD4 against the RFC 1320 vectors. */
static void run_advapi_md4(void)
{
    char name[160];
    for (size_t i = 0; i < CV_COUNT(cv_hash_vectors); i++) {
        const cv_hash *v = &cv_hash_vectors[i];
        if (v->alg != NT_HASH_MD4)
            continue;
        size_t ml;
        uint8_t *m = cv_bytes(&v->msg, &ml);
        md4_ctx_w c;
        MD4Init(&c);
        MD4Update(&c, m, (unsigned int)ml);
        MD4Final(&c);
        snprintf(name, sizeof(name), "%s (advapi32 MD4 fallback)", v->name);
        report(name, cmp_hex(c.digest, 16, v->digest, "digest"));
        free(m);
    }
}

static void run_hmacs(void)
{
    for (size_t i = 0; i < CV_COUNT(cv_hmac_vectors); i++) {
        const cv_hmac *v = &cv_hmac_vectors[i];
        size_t kl, ml;
        uint8_t *k = cv_bytes(&v->key, &kl), *m = cv_bytes(&v->msg, &ml), out[64];
        report(v->name, nt_hmac(v->alg, k, kl, m, ml, out)
                            ? cmp_hex(out, v->maclen ? v->maclen : nt_hash_len(v->alg), v->mac, "mac")
                            : "nt_hmac failed");
        free(k);
        free(m);
    }
}

static void run_aes(void)
{
    for (size_t i = 0; i < CV_COUNT(cv_aes_vectors); i++) {
        const cv_aes *v = &cv_aes_vectors[i];
        size_t kl, pl;
        uint8_t *k = cv_unhex(v->key, &kl), *p = cv_unhex(v->pt, &pl), multi[48];
        const char *why = NULL;
        for (int b = 0; b < 3; b++)
            memcpy(multi + 16 * b, p, 16);
        if (!nt_aes_ecb_encrypt(k, kl, multi, multi, 3))
            why = "nt_aes_ecb_encrypt failed";
        for (int b = 0; b < 3 && !why; b++)
            why = cmp_hex(multi + 16 * b, 16, v->ct, "ciphertext");
        report(v->name, why);
        free(k);
        free(p);
    }
}

/* The keyed object (one BCrypt key for many calls) gives the same vectors,
 * and rejects bad key lengths with the handle left NULL. */
static void run_aes_key(void)
{
    for (size_t i = 0; i < CV_COUNT(cv_aes_vectors); i++) {
        const cv_aes *v = &cv_aes_vectors[i];
        size_t kl, pl;
        uint8_t *k = cv_unhex(v->key, &kl), *p = cv_unhex(v->pt, &pl), out[16], multi[48];
        const char *why = NULL;
        char name[160];
        nt_aes_key *ak = NULL;
        snprintf(name, sizeof(name), "%s (nt_aes_key)", v->name);
        if (!nt_aes_key_init(&ak, k, kl))
            why = "nt_aes_key_init failed";
        for (int rep = 0; rep < 3 && !why; rep++) {
            memset(out, 0, sizeof(out));
            why = nt_aes_key_encrypt(ak, p, out, 1) ? cmp_hex(out, 16, v->ct, "ciphertext")
                                                    : "nt_aes_key_encrypt failed";
        }
        for (int b = 0; b < 3; b++)
            memcpy(multi + 16 * b, p, 16);
        if (!why && !nt_aes_key_encrypt(ak, multi, multi, 3))
            why = "nt_aes_key_encrypt (3 blocks) failed";
        for (int b = 0; b < 3 && !why; b++)
            why = cmp_hex(multi + 16 * b, 16, v->ct, "multi-block ciphertext");
        nt_aes_key_free(ak);
        report(name, why);
        free(k);
        free(p);
    }
    static const uint8_t key[33];
    static const size_t badk[] = { 0, 15, 24, 31, 33 };
    const char *why = NULL;
    for (size_t i = 0; i < sizeof(badk) / sizeof(badk[0]) && !why; i++) {
        nt_aes_key *ak = (nt_aes_key *)&ak;
        if (nt_aes_key_init(&ak, key, badk[i]))
            why = "a bad key length was accepted";
        else if (ak)
            why = "handle not reset to NULL";
    }
    nt_aes_key_free(NULL);
    report("nt_aes_key: key lengths other than 16/32 rejected", why);
}

static void run_rc4(void)
{
    for (size_t i = 0; i < CV_COUNT(cv_rc4_vectors); i++) {
        const cv_rc4 *v = &cv_rc4_vectors[i];
        size_t kl, sl;
        uint8_t *k = cv_unhex(v->key, &kl), *ks = cv_unhex(v->keystream, &sl);
        size_t total = v->offset + sl;
        uint8_t *a = calloc(total, 1), *b = calloc(total, 1);
        const char *why = NULL;
        if (!a || !b)
            abort();
        if (!nt_rc4(k, kl, a, total))
            why = "nt_rc4 (SystemFunction032) failed";
        else
            why = cmp_hex(a + v->offset, sl, v->keystream, "keystream (SystemFunction032)");
        if (!why) {
            nt_rc4_state st;
            nt_rc4_init(&st, k, kl);
            for (size_t pos = 0, step = 1; pos < total; pos += step, step = step * 2 + 1)
                nt_rc4_crypt(&st, b + pos, step < total - pos ? step : total - pos);
            why = cmp_hex(b + v->offset, sl, v->keystream, "keystream (stateful)");
        }
        report(v->name, why);
        free(a);
        free(b);
        free(k);
        free(ks);
    }
}

static void run_cmac(void)
{
    for (size_t i = 0; i < CV_COUNT(cv_cmac_vectors); i++) {
        const cv_cmac *v = &cv_cmac_vectors[i];
        size_t kl, ml;
        uint8_t *k = cv_unhex(v->key, &kl), *m = cv_bytes(&v->msg, &ml), mac[16];
        report(v->name, nt_aes_cmac(k, kl, m, ml, mac) ? cmp_hex(mac, 16, v->mac, "mac") : "nt_aes_cmac failed");
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

static void run_aead(const cv_aead *tab, size_t n, bool gcm)
{
    for (size_t i = 0; i < n; i++) {
        const cv_aead *v = &tab[i];
        aead_buf b;
        uint8_t tag[16];
        const char *why = NULL;
        aead_load(v, &b);
        uint8_t *d = malloc(b.pl + 1);
        if (!d)
            abort();
        memcpy(d, b.pt, b.pl);
        bool ok = gcm ? nt_aes_gcm_encrypt(b.key, b.kl, b.nonce, b.aad, b.al, d, b.pl, tag)
                      : nt_aes_ccm_encrypt_tlen(b.key, b.kl, b.nonce, b.nl, b.aad, b.al, d, b.pl, tag, b.tl);
        if (!ok)
            why = "encrypt failed";
        if (!why)
            why = cmp_hex(d, b.pl, v->ct, "ciphertext");
        if (!why)
            why = cmp_hex(tag, b.tl, v->tag, "tag");
        if (!why) {
            memcpy(d, b.ct, b.cl);
            ok = gcm ? nt_aes_gcm_decrypt(b.key, b.kl, b.nonce, b.aad, b.al, d, b.cl, b.tag)
                     : nt_aes_ccm_decrypt_tlen(b.key, b.kl, b.nonce, b.nl, b.aad, b.al, d, b.cl, b.tag, b.tl);
            why = ok ? cmp_hex(d, b.cl, v->pt, "plaintext") : "decrypt/verify failed";
        }
        report(v->name, why);
        free(d);
        aead_free(&b);
    }
}

static void run_gmac(void)
{
    for (size_t i = 0; i < CV_COUNT(cv_gmac_vectors); i++) {
        const cv_gmac *v = &cv_gmac_vectors[i];
        size_t kl, il, ml;
        uint8_t *k = cv_unhex(v->key, &kl), *iv = cv_unhex(v->iv, &il), *m = cv_bytes(&v->msg, &ml), tag[16];
        report(v->name, nt_aes_gmac(k, kl, iv, m, ml, tag) ? cmp_hex(tag, 16, v->tag, "tag") : "nt_aes_gmac failed");
        free(k);
        free(iv);
        free(m);
    }
}

static void run_kdf(void)
{
    for (size_t i = 0; i < CV_COUNT(cv_kdf_vectors); i++) {
        const cv_kdf *v = &cv_kdf_vectors[i];
        size_t kl, ll, cl, ol;
        uint8_t *k = cv_unhex(v->key, &kl), *l = cv_bytes(&v->label, &ll), *c = cv_bytes(&v->context, &cl);
        uint8_t *want = cv_unhex(v->out, &ol), out[64];
        free(want);
        report(v->name, nt_kdf_sp800_108(k, kl, l, ll, c, cl, out, ol) ? cmp_hex(out, ol, v->out, "key")
                                                                       : "nt_kdf_sp800_108 failed");
        free(k);
        free(l);
        free(c);
    }
    for (size_t i = 0; i < CV_COUNT(cv_kdf_fixed_vectors); i++) {
        const cv_kdf_fixed *v = &cv_kdf_fixed_vectors[i];
        size_t kl, fl, ol;
        uint8_t *k = cv_unhex(v->key, &kl), *f = cv_unhex(v->fixed, &fl), *want = cv_unhex(v->out, &ol);
        uint8_t out[64];
        free(want);
        report(v->name, nt_kdf_sp800_108_fixed(k, kl, f, fl, out, ol) ? cmp_hex(out, ol, v->out, "KO")
                                                                      : "nt_kdf_sp800_108_fixed failed");
        free(k);
        free(f);
    }
}

/* ---- negative checks ---- */

static const cv_aead *find_aead(const cv_aead *tab, size_t n, const char *prefix)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(tab[i].name, prefix, strlen(prefix)) == 0)
            return &tab[i];
    return NULL;
}

/* which: 0 tag, 1 ciphertext, 2 aad */
static void run_forgery(const cv_aead *v, bool gcm)
{
    static const char *what[] = { "tag", "ciphertext", "aad" };
    char name[160];
    for (int which = 0; which < 3; which++) {
        aead_buf b;
        aead_load(v, &b);
        uint8_t *d = malloc(b.cl + 1);
        if (!d)
            abort();
        memcpy(d, b.ct, b.cl);
        if (which == 0)
            b.tag[3] ^= 0x01;
        else if (which == 1)
            d[b.cl / 2] ^= 0x40;
        else
            b.aad[b.al - 1] ^= 0x02;
        bool ok = gcm ? nt_aes_gcm_decrypt(b.key, b.kl, b.nonce, b.aad, b.al, d, b.cl, b.tag)
                      : nt_aes_ccm_decrypt(b.key, b.kl, b.nonce, b.nl, b.aad, b.al, d, b.cl, b.tag);
        snprintf(name, sizeof(name), "%s rejects flipped %s bit", v->name, what[which]);
        report(name, ok ? "forged message accepted" : NULL);
        free(d);
        aead_free(&b);
    }
}

static void run_negative(void)
{
    static const uint8_t key[33], nonce[13];
    uint8_t buf[32] = { 0 }, tag[16];
    const cv_aead *v;

    if ((v = find_aead(cv_ccm_vectors, CV_COUNT(cv_ccm_vectors), "SMB3.0 CCM decrypt")))
        run_forgery(v, false);
    else
        report("CCM forgery", "vector missing");
    if ((v = find_aead(cv_gcm_vectors, CV_COUNT(cv_gcm_vectors), "SMB3.1.1 GCM decrypt")))
        run_forgery(v, true);
    else
        report("GCM forgery", "vector missing");

    bool bad = false;
    static const size_t badk[] = { 0, 15, 24, 31 };
    for (size_t i = 0; i < sizeof(badk) / sizeof(badk[0]); i++) {
        size_t kl = badk[i];
        bad |= nt_aes_ecb_encrypt(key, kl, buf, buf, 1);
        bad |= nt_aes_cmac(key, kl, buf, 5, tag);
        bad |= nt_aes_ccm_encrypt(key, kl, nonce, 11, NULL, 0, buf, 16, tag);
        bad |= nt_aes_gcm_encrypt(key, kl, nonce, NULL, 0, buf, 16, tag);
        bad |= nt_aes_gmac(key, kl, nonce, buf, 16, tag);
    }
    report("AES key lengths other than 16/32 rejected", bad ? "a bad key length was accepted" : NULL);
    report("RC4 key length 0 / 257 rejected",
           nt_rc4(key, 0, buf, 4) || nt_rc4(key, 257, buf, 4) ? "accepted" : NULL);
    report("CCM nonce length 6 / 14 rejected",
           nt_aes_ccm_encrypt(key, 16, nonce, 6, NULL, 0, buf, 16, tag) ||
                   nt_aes_ccm_encrypt(key, 16, nonce, 14, NULL, 0, buf, 16, tag)
               ? "accepted"
               : NULL);
    report("unknown hash algorithm rejected",
           nt_hash((nt_hash_alg)9, "abc", 3, buf) || nt_hmac((nt_hash_alg)9, key, 16, "abc", 3, buf) ? "accepted"
                                                                                                     : NULL);
}

int main(void)
{
    probes();
    run_hashes();
    run_advapi_md4();
    run_hmacs();
    run_aes();
    run_aes_key();
    run_rc4();
    run_cmac();
    run_aead(cv_ccm_vectors, CV_COUNT(cv_ccm_vectors), false);
    run_aead(cv_gcm_vectors, CV_COUNT(cv_gcm_vectors), true);
    run_gmac();
    run_kdf();
    run_negative();
    printf("# %d passed, %d failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}
