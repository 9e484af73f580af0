/*
 * Windows (DLL) crypto backend: CNG bcrypt for hashes, HMAC and AES-ECB
 * (keyed: one key object per nt_aes_key),
 * advapi32 SystemFunction032 for RC4.  Imports system DLLs only.
 *
 * Algorithm providers are opened once (InitOnceExecuteOnce) and cached for
 * the life of the process; a provider that fails to open is left NULL and the
 * operations needing it fail cleanly.  MD4 is served by bcrypt when the
 * provider opens (Wine 8 and Windows do), otherwise by advapi32's
 * MD4Init/MD4Update/MD4Final, with HMAC-MD4 then built on top of them.
 */
#include "crypto.h"

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
static BCRYPT_ALG_HANDLE g_aes;

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
    if (BCryptOpenAlgorithmProvider(&g_aes, BCRYPT_AES_ALGORITHM, NULL, 0) != 0) {
        g_aes = NULL;
    } else if (BCryptSetProperty(g_aes, BCRYPT_CHAINING_MODE, (PUCHAR)BCRYPT_CHAIN_MODE_ECB,
                                 sizeof(BCRYPT_CHAIN_MODE_ECB), 0) != 0) {
        BCryptCloseAlgorithmProvider(g_aes, 0);
        g_aes = NULL;
    }
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
 * The key object buffer is ours (size from BCRYPT_OBJECT_LENGTH) so that it
 * can be wiped after BCryptDestroyKey.  If the provider does not report the
 * length, bcrypt allocates the object itself (pbKeyObject NULL, allowed since
 * Windows 7) and we can only destroy it. */
struct nt_aes_key {
    BCRYPT_KEY_HANDLE h;
    PUCHAR obj;
    ULONG objlen;
};

bool nt_aes_key_init(nt_aes_key **k, const uint8_t *key, size_t keylen)
{
    ULONG objlen = 0, got = 0;

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
    if (BCryptGetProperty(g_aes, BCRYPT_OBJECT_LENGTH, (PUCHAR)&objlen, sizeof(objlen), &got, 0) == 0 &&
        got == sizeof(objlen) && objlen > 0 && objlen <= NT_MAX_ALLOC) {
        n->obj = calloc(1, objlen);
        if (!n->obj) {
            free(n);
            return false;
        }
        n->objlen = objlen;
    }
    if (BCryptGenerateSymmetricKey(g_aes, &n->h, n->obj, n->objlen, (PUCHAR)key, (ULONG)keylen, 0) != 0) {
        n->h = NULL;
        nt_aes_key_free(n);
        return false;
    }
    *k = n;
    return true;
}

bool nt_aes_key_encrypt(const nt_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks)
{
    bool ok = true;

    if (!k || !k->h || (nblocks && (!in || !out)))
        return false;
    while (nblocks && ok) {
        size_t nb = nblocks > 0x100000u ? 0x100000u : nblocks;
        ULONG bytes = (ULONG)(nb * 16), done = 0;
        ok = BCryptEncrypt(k->h, (PUCHAR)in, bytes, NULL, NULL, 0, out, bytes, &done, 0) == 0 && done == bytes;
        in += bytes;
        out += bytes;
        nblocks -= nb;
    }
    return ok;
}

void nt_aes_key_free(nt_aes_key *k)
{
    if (!k)
        return;
    if (k->h)
        BCryptDestroyKey(k->h);
    if (k->obj) {
        nt_wipe(k->obj, k->objlen);
        free(k->obj);
    }
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
