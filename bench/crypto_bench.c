/*
 * bench/crypto_bench.c -- instructions per byte of the crypto the SMB layer
 * runs on every signed or encrypted message, against nettle's own AES-128
 * ECB over the same bytes (the primitive everything else is built on).
 *
 *   crypto_bench MODE [BYTES] [REPS]
 *   MODE: nettle_aes_ecb (baseline) | nt_aes_ecb | cmac | gmac | ccm | gcm | hmac_sha256
 *         | cmac_key | gmac_key (a key object kept across calls, as an SMB session can)
 *
 * Each mode's work is one noinline function bench_<MODE>; run.sh runs the
 * program under `valgrind --tool=callgrind --toggle-collect=bench_<MODE>`.
 */
#include "crypto/crypto.h"

#include <nettle/aes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t KEY[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t NONCE[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
static uint8_t AAD[32]; /* SMB3 transform header: 32 bytes of AAD */
static volatile uint8_t g_sink;

static void fail(const char *what)
{
    fprintf(stderr, "%s failed\n", what);
    exit(1);
}

/* Baseline: nettle's AES-128 encryption in ECB over the whole buffer. */
__attribute__((noinline)) static void bench_nettle_aes_ecb(uint8_t *buf, size_t len, uint32_t reps)
{
    struct aes128_ctx ctx;
    for (uint32_t r = 0; r < reps; r++) {
        aes128_set_encrypt_key(&ctx, KEY);
        aes128_encrypt(&ctx, len & ~(size_t)15, buf, buf);
    }
    g_sink ^= buf[0];
}

/* Our wrapper of the same primitive (key schedule per call). */
__attribute__((noinline)) static void bench_nt_aes_ecb(uint8_t *buf, size_t len, uint32_t reps)
{
    for (uint32_t r = 0; r < reps; r++)
        if (!nt_aes_ecb_encrypt(KEY, 16, buf, buf, len / 16))
            fail("nt_aes_ecb_encrypt");
    g_sink ^= buf[0];
}

__attribute__((noinline)) static void bench_cmac(uint8_t *buf, size_t len, uint32_t reps)
{
    uint8_t mac[16];
    for (uint32_t r = 0; r < reps; r++)
        if (!nt_aes_cmac(KEY, 16, buf, len, mac))
            fail("nt_aes_cmac");
    g_sink ^= mac[0];
}

__attribute__((noinline)) static void bench_gmac(uint8_t *buf, size_t len, uint32_t reps)
{
    uint8_t tag[16];
    for (uint32_t r = 0; r < reps; r++)
        if (!nt_aes_gmac(KEY, 16, NONCE, buf, len, tag))
            fail("nt_aes_gmac");
    g_sink ^= tag[0];
}

__attribute__((noinline)) static void bench_ccm(uint8_t *buf, size_t len, uint32_t reps)
{
    uint8_t tag[16];
    for (uint32_t r = 0; r < reps; r++)
        if (!nt_aes_ccm_encrypt(KEY, 16, NONCE, 11, AAD, sizeof(AAD), buf, len, tag))
            fail("nt_aes_ccm_encrypt");
    g_sink ^= tag[0];
}

__attribute__((noinline)) static void bench_gcm(uint8_t *buf, size_t len, uint32_t reps)
{
    uint8_t tag[16];
    for (uint32_t r = 0; r < reps; r++)
        if (!nt_aes_gcm_encrypt(KEY, 16, NONCE, AAD, sizeof(AAD), buf, len, tag))
            fail("nt_aes_gcm_encrypt");
    g_sink ^= tag[0];
}

static nt_aes_key *g_key;

__attribute__((noinline)) static void bench_cmac_key(uint8_t *buf, size_t len, uint32_t reps)
{
    uint8_t mac[16];
    for (uint32_t r = 0; r < reps; r++)
        if (!nt_aes_key_cmac(g_key, buf, len, mac))
            fail("nt_aes_key_cmac");
    g_sink ^= mac[0];
}

__attribute__((noinline)) static void bench_gmac_key(uint8_t *buf, size_t len, uint32_t reps)
{
    uint8_t tag[16];
    for (uint32_t r = 0; r < reps; r++)
        if (!nt_aes_key_gmac(g_key, NONCE, buf, len, tag))
            fail("nt_aes_key_gmac");
    g_sink ^= tag[0];
}

__attribute__((noinline)) static void bench_hmac_sha256(uint8_t *buf, size_t len, uint32_t reps)
{
    uint8_t mac[32];
    for (uint32_t r = 0; r < reps; r++)
        if (!nt_hmac(NT_HASH_SHA256, KEY, 16, buf, len, mac))
            fail("nt_hmac");
    g_sink ^= mac[0];
}

/* Every primitive once on a few bytes, outside the measured functions: lazy
 * symbol binding and any first-use initialisation are not per-byte costs. */
static void warm_up(void)
{
    uint8_t b[64] = {0}, t[32];
    struct aes128_ctx ctx;
    aes128_set_encrypt_key(&ctx, KEY);
    aes128_encrypt(&ctx, sizeof(b), b, b);
    if (!nt_aes_ecb_encrypt(KEY, 16, b, b, 4) || !nt_aes_cmac(KEY, 16, b, sizeof(b), t) ||
        !nt_aes_gmac(KEY, 16, NONCE, b, sizeof(b), t) ||
        !nt_aes_ccm_encrypt(KEY, 16, NONCE, 11, AAD, sizeof(AAD), b, sizeof(b), t) ||
        !nt_aes_gcm_encrypt(KEY, 16, NONCE, AAD, sizeof(AAD), b, sizeof(b), t) ||
        !nt_hmac(NT_HASH_SHA256, KEY, 16, b, sizeof(b), t))
        fail("warm-up");
    /* the kept key object, with its per-mode objects made */
    if (!nt_aes_key_init(&g_key, KEY, 16) || !nt_aes_key_cmac(g_key, b, sizeof(b), t) ||
        !nt_aes_key_gmac(g_key, NONCE, b, sizeof(b), t))
        fail("key object");
}

typedef void (*bench_fn)(uint8_t *, size_t, uint32_t);
static const struct {
    const char *name;
    bench_fn fn;
} MODES[] = {
    {"nettle_aes_ecb", bench_nettle_aes_ecb}, {"nt_aes_ecb", bench_nt_aes_ecb}, {"cmac", bench_cmac},
    {"gmac", bench_gmac}, {"ccm", bench_ccm}, {"gcm", bench_gcm}, {"hmac_sha256", bench_hmac_sha256},
    {"cmac_key", bench_cmac_key}, {"gmac_key", bench_gmac_key},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: crypto_bench MODE [BYTES] [REPS]\n");
        return 2;
    }
    size_t len = argc > 2 ? (size_t)strtoul(argv[2], NULL, 0) : 65536;
    uint32_t reps = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 1;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return 3;
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(i * 131 + 7);
    for (size_t i = 0; i < sizeof(AAD); i++)
        AAD[i] = (uint8_t)i;
    for (size_t m = 0; m < sizeof(MODES) / sizeof(MODES[0]); m++) {
        if (strcmp(argv[1], MODES[m].name))
            continue;
        warm_up();
        MODES[m].fn(buf, len, reps);
        printf("mode=%s bytes=%zu reps=%u sink=%u\n", argv[1], len, (unsigned)reps, (unsigned)g_sink);
        free(buf);
        return 0;
    }
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
}
