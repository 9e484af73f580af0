/*
 * bench/crypto_bench_win.c -- wall time per byte of the DLL's crypto (the
 * CNG bcrypt backend, run under Wine), against AES-128-ECB through the same
 * backend over the same bytes (one BCryptEncrypt on a kept key object) in the
 * same run.  Linked with the DLL's own crypto objects (see bench/run.sh), it
 * measures exactly the code the DLL runs for signing and encryption.
 *
 *   crypto_bench_win.exe [BYTES] [MS]
 *
 * BYTES per message (default 65536; SMB signs a few hundred bytes per call),
 * MS the minimum time per measurement (default 200).  Each figure is the best
 * of 5 measurements.  Output lines: "mode=NAME ns_per_byte=X ratio=Y".
 */
#include "crypto/crypto.h"

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t KEY[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t NONCE[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
static uint8_t AAD[32];
static uint8_t *g_buf;
static size_t g_len;
static nt_aes_key *g_key;
static volatile uint8_t g_sink;

static void fail(const char *what)
{
    fprintf(stderr, "%s failed\n", what);
    exit(1);
}

static void m_ecb(void)
{
    if (!nt_aes_key_encrypt(g_key, g_buf, g_buf, g_len / 16))
        fail("ecb");
}
static void m_ecb_oneshot(void)
{
    if (!nt_aes_ecb_encrypt(KEY, 16, g_buf, g_buf, g_len / 16))
        fail("ecb oneshot");
}
static void m_cmac(void)
{
    uint8_t t[16];
    if (!nt_aes_cmac(KEY, 16, g_buf, g_len, t))
        fail("cmac");
    g_sink ^= t[0];
}
static void m_gmac(void)
{
    uint8_t t[16];
    if (!nt_aes_gmac(KEY, 16, NONCE, g_buf, g_len, t))
        fail("gmac");
    g_sink ^= t[0];
}
static void m_ccm(void)
{
    uint8_t t[16];
    if (!nt_aes_ccm_encrypt(KEY, 16, NONCE, 11, AAD, sizeof(AAD), g_buf, g_len, t))
        fail("ccm");
    g_sink ^= t[0];
}
static void m_gcm(void)
{
    uint8_t t[16];
    if (!nt_aes_gcm_encrypt(KEY, 16, NONCE, AAD, sizeof(AAD), g_buf, g_len, t))
        fail("gcm");
    g_sink ^= t[0];
}
#ifdef BENCH_KEYED
/* the per-session key object (nt_aes_key_* modes) */
static void m_cmac_key(void)
{
    uint8_t t[16];
    if (!nt_aes_key_cmac(g_key, g_buf, g_len, t))
        fail("cmac key");
    g_sink ^= t[0];
}
static void m_gmac_key(void)
{
    uint8_t t[16];
    if (!nt_aes_key_gmac(g_key, NONCE, g_buf, g_len, t))
        fail("gmac key");
    g_sink ^= t[0];
}
#endif

static double now_s(void)
{
    LARGE_INTEGER c, f;
    QueryPerformanceCounter(&c);
    QueryPerformanceFrequency(&f);
    return (double)c.QuadPart / (double)f.QuadPart;
}

/* Best of 5 of (time / calls), each measurement at least ms long. */
static double measure(void (*fn)(void), int ms)
{
    double best = 1e30;
    fn();
    for (int r = 0; r < 5; r++) {
        unsigned long n = 0;
        double t0 = now_s(), t;
        do {
            fn();
            n++;
            t = now_s() - t0;
        } while (t * 1000.0 < ms);
        if (t / n < best)
            best = t / n;
    }
    return best;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } modes[] = {
        {"aes_ecb_key", m_ecb}, {"aes_ecb_oneshot", m_ecb_oneshot}, {"cmac", m_cmac}, {"gmac", m_gmac},
        {"ccm", m_ccm}, {"gcm", m_gcm},
#ifdef BENCH_KEYED
        {"cmac_key", m_cmac_key}, {"gmac_key", m_gmac_key},
#endif
    };
    g_len = argc > 1 ? (size_t)strtoul(argv[1], NULL, 0) & ~(size_t)15 : 65536;
    int ms = argc > 2 ? atoi(argv[2]) : 200;
    if (!g_len || ms <= 0)
        return 2;
    g_buf = malloc(g_len);
    if (!g_buf || !nt_aes_key_init(&g_key, KEY, 16))
        return 3;
    for (size_t i = 0; i < g_len; i++)
        g_buf[i] = (uint8_t)(i * 131 + 7);
    double base = measure(m_ecb, ms);
    for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        double t = m ? measure(modes[m].fn, ms) : base;
        printf("mode=%s bytes=%zu ns_per_byte=%.3f us_per_msg=%.2f ratio=%.2f\n", modes[m].name, g_len,
               t * 1e9 / (double)g_len, t * 1e6, t / base);
    }
    nt_aes_key_free(g_key);
    free(g_buf);
    return 0;
}
