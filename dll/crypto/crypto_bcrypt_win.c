/*
 * Windows (DLL) crypto backend: CNG bcrypt for hashes, HMAC and AES in ECB,
 * CBC (for CBC-MAC) and GCM (keyed: an nt_aes_key holds one key object per
 * mode, each made on first use), advapi32 SystemFunction032 for RC4.
 * Imports system DLLs only.
 *
 * Algorithm providers are opened once (InitOnceExecuteOnce) and cached for
 * the life of the process; a provider that fails to open is left NULL and the
 * operations needing it fail cleanly.  MD4 is served by bcrypt when the
 * provider opens (Wine 8 and Windows do), otherwise by advapi32's
 * MD4Init/MD4Update/MD4Final, with HMAC-MD4 then built on top of them.
 */
#include "crypto.h"
#include "crypto_internal.h"

#include <windows.h>
#include <bcrypt.h>
#include <stdlib.h>
#include <string.h>

/* advapi32 exports without a public header. */
struct ustring {
    DWORD Length;
    DWORD MaximumLength;
    unsigned char *Buffer;
};
NTSTATUS WINAPI SystemFunction032(struct ustring *data, const struct ustring *key);

typedef struct nt_md4_ctx {
    unsigned int buf[4];
    unsigned int i[2];
    unsigned char in[64];
    unsigned char digest[16];
} nt_md4_ctx;
VOID WINAPI MD4Init(nt_md4_ctx *ctx);
VOID WINAPI MD4Update(nt_md4_ctx *ctx, const unsigned char *buf, unsigned int len);
VOID WINAPI MD4Final(nt_md4_ctx *ctx);

#define NALG 5

static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;
static BCRYPT_ALG_HANDLE g_hash[NALG];
static BCRYPT_ALG_HANDLE g_hmac[NALG];
static BCRYPT_ALG_HANDLE g_aes;       /* ECB */
static BCRYPT_ALG_HANDLE g_aes_cbc;
static BCRYPT_ALG_HANDLE g_aes_gcm;

static const WCHAR *alg_name(int i)
{
    switch (i) {
    case NT_HASH_MD4: return BCRYPT_MD4_ALGORITHM;
    case NT_HASH_MD5: return BCRYPT_MD5_ALGORITHM;
    case NT_HASH_SHA256: return BCRYPT_SHA256_ALGORITHM;
    case NT_HASH_SHA1: return BCRYPT_SHA1_ALGORITHM;
    default: return BCRYPT_SHA512_ALGORITHM;
    }
}

/* An AES provider in one chaining mode, or NULL. */
static BCRYPT_ALG_HANDLE open_aes(const WCHAR *mode, size_t modesize)
{
    BCRYPT_ALG_HANDLE h = NULL;
    if (BCryptOpenAlgorithmProvider(&h, BCRYPT_AES_ALGORITHM, NULL, 0) != 0)
        return NULL;
    if (BCryptSetProperty(h, BCRYPT_CHAINING_MODE, (PUCHAR)mode, (ULONG)modesize, 0) != 0) {
        BCryptCloseAlgorithmProvider(h, 0);
        return NULL;
    }
    return h;
}

static BOOL CALLBACK open_providers(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    for (int i = 0; i < NALG; i++) {
        if (BCryptOpenAlgorithmProvider(&g_hash[i], alg_name(i), NULL, 0) != 0)
            g_hash[i] = NULL;
        if (BCryptOpenAlgorithmProvider(&g_hmac[i], alg_name(i), NULL, BCRYPT_ALG_HANDLE_HMAC_FLAG) != 0)
            g_hmac[i] = NULL;
    }
    g_aes = open_aes(BCRYPT_CHAIN_MODE_ECB, sizeof(BCRYPT_CHAIN_MODE_ECB));
    g_aes_cbc = open_aes(BCRYPT_CHAIN_MODE_CBC, sizeof(BCRYPT_CHAIN_MODE_CBC));
    g_aes_gcm = open_aes(BCRYPT_CHAIN_MODE_GCM, sizeof(BCRYPT_CHAIN_MODE_GCM));
    return TRUE;
}

static void init(void)
{
    InitOnceExecuteOnce(&g_once, open_providers, NULL, NULL);
}

static bool alg_ok(nt_hash_alg alg)
{
    return alg == NT_HASH_MD4 || alg == NT_HASH_MD5 || alg == NT_HASH_SHA256 || alg == NT_HASH_SHA512 ||
           alg == NT_HASH_SHA1;
}

/* Feeds data to a bcrypt hash object in ULONG-sized pieces. */
static bool hash_data(BCRYPT_HASH_HANDLE h, const uint8_t *p, size_t len)
{
    while (len) {
        ULONG n = len > 0x40000000u ? 0x40000000u : (ULONG)len;
        if (BCryptHashData(h, (PUCHAR)p, n, 0) != 0)
            return false;
        p += n;
        len -= n;
    }
    return true;
}

static bool bcrypt_digest(BCRYPT_ALG_HANDLE alg, size_t outlen, const uint8_t *key, size_t keylen,
                          const uint8_t *data, size_t len, uint8_t *out)
{
    static UCHAR empty[1];
    BCRYPT_HASH_HANDLE h = NULL;

    if (keylen > 0xFFFFFFFFu)
        return false;
    if (BCryptCreateHash(alg, &h, NULL, 0, key ? (PUCHAR)key : empty, (ULONG)keylen, 0) != 0)
        return false;
    bool ok = hash_data(h, data, len) && BCryptFinishHash(h, out, (ULONG)outlen, 0) == 0;
    BCryptDestroyHash(h);
    return ok;
}

/* ---- advapi32 MD4 fallback ---- */

static void md4_update(nt_md4_ctx *c, const uint8_t *p, size_t len)
{
    while (len) {
        unsigned int n = len > 0x40000000u ? 0x40000000u : (unsigned int)len;
        MD4Update(c, p, n);
        p += n;
        len -= n;
    }
}

static void md4_fallback(const uint8_t *data, size_t len, uint8_t out[16])
{
    nt_md4_ctx c;
    MD4Init(&c);
    md4_update(&c, data, len);
    MD4Final(&c);
    memcpy(out, c.digest, 16);
    nt_wipe(&c, sizeof(c));
}

/* RFC 2104 over MD4 (block size 64). */
static void hmac_md4_fallback(const uint8_t *key, size_t keylen, const uint8_t *data, size_t len,
                              uint8_t out[16])
{
    uint8_t k[64], pad[64], inner[16];
    nt_md4_ctx c;

    memset(k, 0, sizeof(k));
    if (keylen > 64)
        md4_fallback(key, keylen, k);
    else if (keylen)
        memcpy(k, key, keylen);

    for (int i = 0; i < 64; i++)
        pad[i] = (uint8_t)(k[i] ^ 0x36);
    MD4Init(&c);
    MD4Update(&c, pad, 64);
    md4_update(&c, data, len);
    MD4Final(&c);
    memcpy(inner, c.digest, 16);

    for (int i = 0; i < 64; i++)
        pad[i] = (uint8_t)(k[i] ^ 0x5c);
    MD4Init(&c);
    MD4Update(&c, pad, 64);
    MD4Update(&c, inner, 16);
    MD4Final(&c);
    memcpy(out, c.digest, 16);

    nt_wipe(k, sizeof(k));
    nt_wipe(pad, sizeof(pad));
    nt_wipe(inner, sizeof(inner));
    nt_wipe(&c, sizeof(c));
}

/* ---- primitives ---- */

bool nt_hash(nt_hash_alg alg, const void *data, size_t len, uint8_t *out)
{
    if (!alg_ok(alg) || !out || (len && !data))
        return false;
    init();
    if (g_hash[alg])
        return bcrypt_digest(g_hash[alg], nt_hash_len(alg), NULL, 0, data, len, out);
    if (alg == NT_HASH_MD4) {
        md4_fallback(data, len, out);
        return true;
    }
    return false;
}

bool nt_hmac(nt_hash_alg alg, const void *key, size_t keylen, const void *data, size_t len, uint8_t *out)
{
    if (!alg_ok(alg) || !out || (len && !data) || (keylen && !key))
        return false;
    init();
    if (g_hmac[alg])
        return bcrypt_digest(g_hmac[alg], nt_hash_len(alg), key, keylen, data, len, out);
    if (alg == NT_HASH_MD4) {
        hmac_md4_fallback(key, keylen, data, len, out);
        return true;
    }
    return false;
}

/* ---- keyed AES ----
 * One BCrypt key object per chaining mode, each generated on first use from
 * the raw key kept (wiped at free) in the nt_aes_key: a GMAC signer never
 * builds an ECB key, a CMAC signer only the CBC one.  The key object buffers
 * are ours (size from BCRYPT_OBJECT_LENGTH) so that they can be wiped after
 * BCryptDestroyKey; if the provider does not report the length, bcrypt
 * allocates the object itself (pbKeyObject NULL, allowed since Windows 7)
 * and we can only destroy it. */
typedef struct bkey {
    BCRYPT_KEY_HANDLE h;
    PUCHAR obj;
    ULONG objlen;
    int state;              /* 0 not tried, 1 made, -1 failed */
    /* CBC only: the IV passed and the last ciphertext block of the previous
     * call.  Wine's bcrypt keeps its cipher state when a call passes the same
     * IV as the previous call (it continues the chain from its last block),
     * so a new chain starting with the previous IV must pass a different one
     * (see cbc_start). */
    uint8_t last_iv[16], last_out[16];
    bool used;
} bkey;

struct nt_aes_key {
    uint8_t raw[32];
    size_t keylen;
    bkey ecb, cbc, gcm;
};

/* The key object of one mode; NULL when the provider cannot make it. */
static BCRYPT_KEY_HANDLE bkey_get(const nt_aes_key *ck, bkey *b, BCRYPT_ALG_HANDLE alg)
{
    ULONG objlen = 0, got = 0;

    if (b->state)
        return b->state > 0 ? b->h : NULL;
    b->state = -1;
    if (!alg)
        return NULL;
    if (BCryptGetProperty(alg, BCRYPT_OBJECT_LENGTH, (PUCHAR)&objlen, sizeof(objlen), &got, 0) == 0 &&
        got == sizeof(objlen) && objlen > 0 && objlen <= NT_MAX_ALLOC) {
        b->obj = calloc(1, objlen);
        if (!b->obj)
            return NULL;
        b->objlen = objlen;
    }
    if (BCryptGenerateSymmetricKey(alg, &b->h, b->obj, b->objlen, (PUCHAR)ck->raw, (ULONG)ck->keylen, 0) != 0) {
        b->h = NULL;
        return NULL;
    }
    b->state = 1;
    return b->h;
}

static void bkey_free(bkey *b)
{
    if (b->h)
        BCryptDestroyKey(b->h);
    if (b->obj) {
        nt_wipe(b->obj, b->objlen);
        free(b->obj);
    }
}

bool nt_aes_key_init(nt_aes_key **k, const uint8_t *key, size_t keylen)
{
    if (!k)
        return false;
    *k = NULL;
    if (!key || (keylen != 16 && keylen != 32))
        return false;
    init();
    if (!g_aes)
        return false;
    nt_aes_key *n = calloc(1, sizeof(*n));
    if (!n)
        return false;
    memcpy(n->raw, key, keylen);
    n->keylen = keylen;
    *k = n;
    return true;
}

/* The modes' objects are made on first use behind a const pointer (the key
 * object is heap-allocated and documented as one thread at a time). */
static nt_aes_key *mut(const nt_aes_key *k) { return (nt_aes_key *)k; }

/* One BCryptEncrypt over a whole buffer in ULONG-sized pieces. */
static bool encrypt_chunks(BCRYPT_KEY_HANDLE h, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    bool ok = true;
    while (nblocks && ok) {
        size_t nb = nblocks > 0x100000u ? 0x100000u : nblocks;
        ULONG bytes = (ULONG)(nb * 16), done = 0;
        ok = BCryptEncrypt(h, (PUCHAR)in, bytes, NULL, NULL, 0, out, bytes, &done, 0) == 0 && done == bytes;
        in += bytes;
        out += bytes;
        nblocks -= nb;
    }
    return ok;
}

bool nt_aes_key_encrypt(const nt_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    if (!k || (nblocks && (!in || !out)) || nblocks > SIZE_MAX / 16)
        return false;
    if (!nblocks)
        return true;
    BCRYPT_KEY_HANDLE h = bkey_get(k, &mut(k)->ecb, g_aes);
    return h && encrypt_chunks(h, in, out, nblocks);
}

/* Bytes of CBC output per BCryptEncrypt (the output is thrown away). */
#define CBC_CHUNK 4096

/* One CBC encryption of nb blocks with IV iv (copied: bcrypt may change it). */
static bool cbc_call(bkey *b, BCRYPT_KEY_HANDLE h, const uint8_t iv[16], const uint8_t *in,
                     uint8_t *out, size_t nb)
{
    ULONG bytes = (ULONG)(nb * 16), done = 0;
    uint8_t v[16];

    memcpy(v, iv, 16);
    memcpy(b->last_iv, iv, 16);
    b->used = true;
    bool ok = BCryptEncrypt(h, (PUCHAR)in, bytes, NULL, v, 16, out, bytes, &done, 0) == 0 && done == bytes;
    if (ok)
        memcpy(b->last_out, out + bytes - 16, 16);
    else
        b->used = false;    /* unknown state: the next call is treated as fresh */
    nt_wipe(v, sizeof(v));
    return ok;
}

bool nt_aes_key_cbcmac(nt_aes_key *k, uint8_t y[16], const uint8_t *in, size_t nblocks)
{
    uint8_t scratch[CBC_CHUNK], iv[16];
    size_t used = 0;
    bool ok = true;

    if (!k || !y || (nblocks && !in) || nblocks > SIZE_MAX / 16)
        return false;
    if (!nblocks)
        return true;
    BCRYPT_KEY_HANDLE h = bkey_get(k, &k->cbc, g_aes_cbc);
    if (!h)
        return false;
    if (k->cbc.used && memcmp(y, k->cbc.last_iv, 16) == 0 && memcmp(y, k->cbc.last_out, 16) != 0) {
        /* Same IV as the previous call but not its continuation: Wine would
         * continue the old chain.  E(B ^ y) == E((B ^ d) ^ (y ^ d)): pass the
         * first block with IV y ^ d, d = one bit, which differs from last_iv. */
        uint8_t b1[16];
        memcpy(b1, in, 16);
        memcpy(iv, y, 16);
        b1[0] ^= 0x80;
        iv[0] ^= 0x80;
        ok = cbc_call(&k->cbc, h, iv, b1, scratch, 1);
        if (ok)
            memcpy(y, scratch, 16);
        nt_wipe(b1, sizeof(b1));
        used = 16;
        in += 16;
        nblocks--;
    }
    while (nblocks && ok) {
        size_t nb = nblocks < CBC_CHUNK / 16 ? nblocks : CBC_CHUNK / 16;
        /* bcrypt may or may not update the IV buffer: y is taken from the output */
        memcpy(iv, y, 16);
        ok = cbc_call(&k->cbc, h, iv, in, scratch, nb);
        if (ok)
            memcpy(y, scratch + nb * 16 - 16, 16);
        if (nb * 16 > used)
            used = nb * 16;
        in += nb * 16;
        nblocks -= nb;
    }
    nt_wipe(scratch, used);
    nt_wipe(iv, sizeof(iv));
    return ok;
}

/* CNG's GCM is used where the CPU has a carry-less multiply (PCLMULQDQ).
 * Windows' own CNG is constant time anyway, but under Wine bcrypt is the
 * host's GnuTLS/nettle, whose GHASH without PCLMUL (nettle < 3.9) indexes
 * tables with secret bytes; there the portable constant-time GHASH runs. */
static bool cpu_clmul(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    return __builtin_cpu_supports("pclmul");
#else
    return false;
#endif
}

nt_gcm_rc nt_aes_key_gcm_backend(nt_aes_key *k, bool enc, const uint8_t nonce[12],
                                 const uint8_t *aad, size_t aadlen, uint8_t *data, size_t len,
                                 uint8_t tag[16])
{
    BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO ai;
    static UCHAR empty[16];
    ULONG done = 0;

    if (!k)
        return NT_GCM_FAILED;
    if (!cpu_clmul())
        return NT_GCM_UNAVAILABLE;
    BCRYPT_KEY_HANDLE h = bkey_get(k, &k->gcm, g_aes_gcm);
    if (!h || len > 0xFFFFFFF0u || aadlen > 0xFFFFFFFFu)
        return NT_GCM_UNAVAILABLE;
    BCRYPT_INIT_AUTH_MODE_INFO(ai);
    ai.pbNonce = (PUCHAR)nonce;
    ai.cbNonce = 12;
    ai.pbAuthData = aadlen ? (PUCHAR)aad : NULL;
    ai.cbAuthData = (ULONG)aadlen;
    ai.pbTag = tag;
    ai.cbTag = 16;
    if (enc) {
        /* Never a NULL output: BCryptEncrypt then only reports the size (no tag) */
        NTSTATUS st = BCryptEncrypt(h, len ? data : empty, (ULONG)len, &ai, NULL, 0,
                                    len ? data : empty, (ULONG)len, &done, 0);
        return st == 0 && done == len ? NT_GCM_DONE : NT_GCM_FAILED;
    }
    /* Decrypt into a copy, kept only when the tag verifies (data untouched otherwise). */
    if (len > NT_MAX_ALLOC)
        return NT_GCM_UNAVAILABLE;
    uint8_t *out = len ? malloc(len) : NULL;
    if (len && !out)
        return NT_GCM_UNAVAILABLE;
    NTSTATUS st = BCryptDecrypt(h, len ? data : empty, (ULONG)len, &ai, NULL, 0, len ? out : empty,
                                (ULONG)len, &done, 0);
    bool ok = st == 0 && done == len;
    if (ok && len)
        memcpy(data, out, len);
    if (out) {
        nt_wipe(out, len);
        free(out);
    }
    return ok ? NT_GCM_DONE : NT_GCM_FAILED;
}

/* Measured under Wine 8: AES-ECB ~25-35 ns/byte (block by block), AES-GCM
 * ~0.2-0.5 ns/byte (one host call); on Windows both are AES-NI. */
bool nt_aes_backend_ctr_via_gcm(void)
{
    return cpu_clmul();
}

void nt_aes_key_free(nt_aes_key *k)
{
    if (!k)
        return;
    bkey_free(&k->ecb);
    bkey_free(&k->cbc);
    bkey_free(&k->gcm);
    nt_wipe(k, sizeof(*k));
    free(k);
}

bool nt_aes_ecb_encrypt(const uint8_t *key, size_t keylen, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    nt_aes_key *k;

    if (!key || (keylen != 16 && keylen != 32) || (nblocks && (!in || !out)))
        return false;
    if (!nt_aes_key_init(&k, key, keylen))
        return false;
    bool ok = nt_aes_key_encrypt(k, in, out, nblocks);
    nt_aes_key_free(k);
    return ok;
}

bool nt_rc4(const uint8_t *key, size_t keylen, uint8_t *data, size_t len)
{
    struct ustring d, k;

    if (!key || keylen < 1 || keylen > 256 || (len && !data) || len > 0xFFFFFFFFu)
        return false;
    if (!len)
        return true;
    d.Length = d.MaximumLength = (DWORD)len;
    d.Buffer = data;
    k.Length = k.MaximumLength = (DWORD)keylen;
    k.Buffer = (unsigned char *)key;
    return SystemFunction032(&d, &k) == 0;
}
