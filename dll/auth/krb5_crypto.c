/*
 * Kerberos encryption for our own AP-REQ (krb5_ap.h): RFC 3961 n-fold and
 * key derivation, RFC 3962 AES-CTS-HMAC-SHA1-96, RFC 4757 RC4-HMAC.
 * Encryption only: the AP-REQ needs nothing else.  Built on dll/crypto
 * (AES block encryption, HMAC, RC4), so the DLL uses CNG and the native build
 * nettle; checked against the RFCs' vectors in tests/test_krb5.c.
 */
#include <stdlib.h>
#include <string.h>

#include "krb5_ap.h"
#include "../crypto/crypto.h"

static int bit_at(const uint8_t *p, size_t nbits, size_t k)
{
    k %= nbits;
    return (p[k / 8] >> (7 - k % 8)) & 1;
}

static size_t gcd(size_t a, size_t b)
{
    while (b) {
        size_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* RFC 3961 5.1: concatenate copies of the input, copy i rotated right by 13*i
 * bits, to lcm(inlen, outlen) bytes, then add the outlen-byte chunks with
 * one's-complement (end-around carry) addition. */
void krb5_nfold(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
    size_t lcm = inlen / gcd(inlen, outlen) * outlen;
    size_t nbits = inlen * 8;
    unsigned sum[64];
    memset(sum, 0, sizeof(sum));
    if (outlen > 64 || inlen == 0)
        return;
    for (size_t chunk = 0; chunk < lcm / outlen; chunk++) {
        for (size_t j = 0; j < outlen; j++) {
            size_t pos = chunk * outlen + j; /* byte position in the big string */
            size_t copy = pos / inlen, off = (pos % inlen) * 8;
            size_t rot = 13 * copy;
            unsigned byte = 0;
            for (size_t b = 0; b < 8; b++)
                byte = (byte << 1) | (unsigned)bit_at(in, nbits, off + b + nbits * 16 - rot % nbits);
            sum[j] += byte;
        }
    }
    /* carries: propagate right to left, end-around, until none is left */
    unsigned carry;
    do {
        carry = 0;
        for (size_t j = outlen; j-- > 0;) {
            sum[j] += carry;
            carry = sum[j] >> 8;
            sum[j] &= 0xff;
        }
        sum[outlen - 1] += carry;
    } while (carry);
    for (size_t j = 0; j < outlen; j++)
        out[j] = (uint8_t)sum[j];
}

bool krb5_aes_cts_encrypt(const uint8_t *key, size_t keylen, const uint8_t *in, uint8_t *out, size_t len)
{
    if (len < 16)
        return false;
    nt_aes_key *k = NULL;
    if (!nt_aes_key_init(&k, key, keylen))
        return false;
    size_t n = (len + 15) / 16;
    uint8_t *c = nt_calloc(n, 16);
    bool ok = c != NULL;
    uint8_t iv[16] = {0};
    for (size_t i = 0; ok && i < n; i++) {
        uint8_t blk[16] = {0};
        size_t take = len - i * 16 < 16 ? len - i * 16 : 16;
        memcpy(blk, in + i * 16, take);
        for (int b = 0; b < 16; b++)
            blk[b] ^= iv[b];
        ok = nt_aes_key_encrypt(k, blk, c + i * 16, 1);
        memcpy(iv, c + i * 16, 16);
    }
    if (ok) {
        /* all but the last two blocks, then C(n), then C(n-1) cut to the
         * length of the last (partial) plaintext block */
        size_t last = len - (n - 1) * 16;
        if (n == 1) {
            memcpy(out, c, 16);
        } else {
            memcpy(out, c, (n - 2) * 16);
            memcpy(out + (n - 2) * 16, c + (n - 1) * 16, 16);
            memcpy(out + (n - 1) * 16, c + (n - 2) * 16, last);
        }
    }
    if (c) {
        nt_wipe(c, n * 16);
        free(c);
    }
    nt_aes_key_free(k);
    return ok;
}

bool krb5_aes_dk(const uint8_t *key, size_t keylen, const uint8_t *constant, size_t clen, uint8_t *out)
{
    uint8_t blk[16];
    krb5_nfold(constant, clen, blk, 16);
    for (size_t done = 0; done < keylen; done += 16) {
        if (!nt_aes_ecb_encrypt(key, keylen, blk, blk, 1))
            return false;
        memcpy(out + done, blk, keylen - done < 16 ? keylen - done : 16);
    }
    nt_wipe(blk, sizeof(blk));
    return true;
}

static bool aes_encrypt(const uint8_t *key, size_t keylen, uint32_t usage, const uint8_t *conf, const uint8_t *plain,
                        size_t len, uint8_t **out, size_t *outlen)
{
    uint8_t cst[5] = {(uint8_t)(usage >> 24), (uint8_t)(usage >> 16), (uint8_t)(usage >> 8), (uint8_t)usage, 0xaa};
    uint8_t ke[32], ki[32], mac[20];
    size_t plen = 16 + len;
    uint8_t *p = malloc(plen), *o = malloc(plen + 12);
    bool ok = p && o;
    if (ok) {
        if (conf)
            memcpy(p, conf, 16);
        else
            ok = nt_random(p, 16);
        memcpy(p + 16, plain, len);
    }
    ok = ok && krb5_aes_dk(key, keylen, cst, 5, ke);
    cst[4] = 0x55;
    ok = ok && krb5_aes_dk(key, keylen, cst, 5, ki);
    ok = ok && krb5_aes_cts_encrypt(ke, keylen, p, o, plen);
    ok = ok && nt_hmac(NT_HASH_SHA1, ki, keylen, p, plen, mac);
    if (ok) {
        memcpy(o + plen, mac, 12);
        *out = o;
        *outlen = plen + 12;
    } else {
        free(o);
    }
    if (p) {
        nt_wipe(p, plen);
        free(p);
    }
    nt_wipe(ke, sizeof(ke));
    nt_wipe(ki, sizeof(ki));
    return ok;
}

/* RFC 4757: K1 = HMAC-MD5(key, usage LE32); checksum = HMAC-MD5(K1, conf||plain);
 * K3 = HMAC-MD5(K1, checksum); out = checksum || RC4(K3, conf||plain). */
static bool rc4_encrypt(const uint8_t *key, size_t keylen, uint32_t usage, const uint8_t *conf, const uint8_t *plain,
                        size_t len, uint8_t **out, size_t *outlen)
{
    uint8_t t[4], k1[16], k3[16];
    nt_put_le32(t, usage == 9 || usage == 3 ? 8 : usage == 23 ? 13 : usage);
    size_t dlen = 8 + len;
    uint8_t *o = malloc(16 + dlen);
    bool ok = o != NULL;
    if (ok) {
        if (conf)
            memcpy(o + 16, conf, 8);
        else
            ok = nt_random(o + 16, 8);
        memcpy(o + 24, plain, len);
    }
    ok = ok && nt_hmac(NT_HASH_MD5, key, keylen, t, 4, k1) && nt_hmac(NT_HASH_MD5, k1, 16, o + 16, dlen, o) &&
         nt_hmac(NT_HASH_MD5, k1, 16, o, 16, k3) && nt_rc4(k3, 16, o + 16, dlen);
    if (ok) {
        *out = o;
        *outlen = 16 + dlen;
    } else {
        free(o);
    }
    nt_wipe(k1, sizeof(k1));
    nt_wipe(k3, sizeof(k3));
    return ok;
}

bool krb5_encrypt(uint16_t etype, const uint8_t *key, size_t keylen, uint32_t usage, const uint8_t *conf,
                  const uint8_t *plain, size_t len, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    switch (etype) {
    case KRB5_ETYPE_AES128:
        return keylen == 16 && aes_encrypt(key, keylen, usage, conf, plain, len, out, outlen);
    case KRB5_ETYPE_AES256:
        return keylen == 32 && aes_encrypt(key, keylen, usage, conf, plain, len, out, outlen);
    case KRB5_ETYPE_RC4:
        return keylen == 16 && rc4_encrypt(key, keylen, usage, conf, plain, len, out, outlen);
    default:
        return false;
    }
}
