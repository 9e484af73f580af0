/*
 * Published test vectors for the crypto layer, as plain C data shared by the
 * native cmocka tests (tests/test_crypto.c, nettle backend) and the Windows
 * program run under Wine (winetests/core/crypto_win.c, bcrypt backend).
 *
 * Every expected value below is copied from the published source named in
 * the comment above it (where a value was taken from another project's test
 * suite, that transcription is named too).  Nothing here was computed by
 * this project.  This file is generated-style data: keep it free of logic
 * beyond the tiny decoding helpers at the end.
 */
#ifndef NT_CRYPTO_VECTORS_H
#define NT_CRYPTO_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

/* A byte string: hex digits, ASCII text (optionally with its NUL), a ramp
 * 00 01 02 .. (byte i = i & 0xff) or n copies of one byte. */
typedef struct cv_data {
    const char *hex;
    const char *text;
    int with_nul;
    size_t ramp;
    size_t fill_n;
    int fill;
} cv_data;

#define CV_HEX(h) { (h), NULL, 0, 0, 0, 0 }
#define CV_TXT(t) { NULL, (t), 0, 0, 0, 0 }
#define CV_TXTZ(t) { NULL, (t), 1, 0, 0, 0 }
#define CV_RAMP(n) { NULL, NULL, 0, (n), 0, 0 }
#define CV_FILL(b, n) { NULL, NULL, 0, 0, (n), (b) }

typedef struct cv_hash { const char *name; nt_hash_alg alg; cv_data msg; const char *digest; } cv_hash;
/* maclen: bytes compared (RFC truncation cases); 0 = the whole digest. */
typedef struct cv_hmac { const char *name; nt_hash_alg alg; cv_data key; cv_data msg; const char *mac; size_t maclen; } cv_hmac;
typedef struct cv_aes { const char *name; const char *key; const char *pt; const char *ct; } cv_aes;
/* keystream bytes at `offset` (encrypting zeros). */
typedef struct cv_rc4 { const char *name; const char *key; size_t offset; const char *keystream; } cv_rc4;
typedef struct cv_cmac { const char *name; const char *key; cv_data msg; const char *mac; } cv_cmac;
/* CCM/GCM: tag length = strlen(tag) / 2. */
typedef struct cv_aead { const char *name; const char *key; const char *nonce; cv_data aad; const char *pt; const char *ct; const char *tag; } cv_aead;
typedef struct cv_gmac { const char *name; const char *key; const char *iv; cv_data msg; const char *tag; } cv_gmac;
typedef struct cv_kdf { const char *name; const char *key; cv_data label; cv_data context; const char *out; } cv_kdf;
typedef struct cv_kdf_fixed { const char *name; const char *key; const char *fixed; const char *out; } cv_kdf_fixed;

/* ---- hashes ---- */
static const cv_hash cv_hash_vectors[] = {
    /* RFC 1320 (MD4), appendix A.5 test suite. */
    { "MD4 RFC1320 A.5 #1", NT_HASH_MD4, CV_TXT(""),
      "31d6cfe0d16ae931b73c59d7e0c089c0" },
    { "MD4 RFC1320 A.5 #2", NT_HASH_MD4, CV_TXT("a"),
      "bde52cb31de33e46245e05fbdbd6fb24" },
    { "MD4 RFC1320 A.5 #3", NT_HASH_MD4, CV_TXT("abc"),
      "a448017aaf21d8525fc10ae87aa6729d" },
    { "MD4 RFC1320 A.5 #4", NT_HASH_MD4, CV_TXT("message digest"),
      "d9130a8164549fe818874806e1c7014b" },
    { "MD4 RFC1320 A.5 #5", NT_HASH_MD4, CV_TXT("abcdefghijklmnopqrstuvwxyz"),
      "d79e1c308aa5bbcdeea8ed63df412da9" },
    { "MD4 RFC1320 A.5 #6", NT_HASH_MD4, CV_TXT("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123"
        "456789"),
      "043f8582f241db351ce627e153e7f0e4" },
    { "MD4 RFC1320 A.5 #7", NT_HASH_MD4, CV_TXT("12345678901234567890123456789012345678901234567890123456"
        "789012345678901234567890"),
      "e33b4ddc9c38f2199c3e7b164fcc0536" },
    /* RFC 1321 (MD5), appendix A.5 test suite. */
    { "MD5 RFC1321 A.5 #1", NT_HASH_MD5, CV_TXT(""),
      "d41d8cd98f00b204e9800998ecf8427e" },
    { "MD5 RFC1321 A.5 #2", NT_HASH_MD5, CV_TXT("a"),
      "0cc175b9c0f1b6a831c399e269772661" },
    { "MD5 RFC1321 A.5 #3", NT_HASH_MD5, CV_TXT("abc"),
      "900150983cd24fb0d6963f7d28e17f72" },
    { "MD5 RFC1321 A.5 #4", NT_HASH_MD5, CV_TXT("message digest"),
      "f96b697d7cb7938d525a2f31aaf161d0" },
    { "MD5 RFC1321 A.5 #5", NT_HASH_MD5, CV_TXT("abcdefghijklmnopqrstuvwxyz"),
      "c3fcd3d76192e4007dfb496cca67e13b" },
    { "MD5 RFC1321 A.5 #6", NT_HASH_MD5, CV_TXT("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123"
        "456789"),
      "d174ab98d277d9f5a5611c2c9f419d9f" },
    { "MD5 RFC1321 A.5 #7", NT_HASH_MD5, CV_TXT("12345678901234567890123456789012345678901234567890123456"
        "789012345678901234567890"),
      "57edf4a22be3c955ac49da2e2107b67a" },
    /* FIPS 180-2 / NIST "example values" (SHA-256: one-block and two-block
     * messages), as listed on di-mgt.com.au/sha_testvectors.html. */
    { "SHA-256 FIPS180 abc", NT_HASH_SHA256, CV_TXT("abc"),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "SHA-256 FIPS180 empty", NT_HASH_SHA256, CV_TXT(""),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "SHA-256 FIPS180 448-bit", NT_HASH_SHA256, CV_TXT("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    /* FIPS 180-2 SHA-512 examples ("abc" and the 896-bit message). */
    { "SHA-512 FIPS180 abc", NT_HASH_SHA512, CV_TXT("abc"),
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
    { "SHA-512 FIPS180 896-bit", NT_HASH_SHA512, CV_TXT("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
        "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
      "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
    /* Microsoft Open Specifications blog, "SMB 3.1.1 Pre-authentication
     * integrity in Windows 10" (2015-08-11): first step of the preauth hash,
     * SHA-512(64 zero bytes || NEGOTIATE request); transcribed from the Dell
     * pike SMB test suite (test_crypto.py, test_pre_auth_integrity). */
    { "SHA-512 SMB3.1.1 preauth step 1", NT_HASH_SHA512, CV_HEX("0000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "fe534d4240000100000000000000800000000000000000000100000000000000"
        "fffe000000000000000000000000000000000000000000000000000000000000"
        "24000500000000003f000000ecd86f326276024f9f7752b89bb33f3a70000000"
        "020000000202100200030203110300000100260000000000010020000100fa49"
        "e6578f1f3a9f4cd3e9cc14a67aa884b3d05844e0e5a118225c15887f32ff0000"
        "0200060000000000020002000100"),
      "dd94efc5321bb618a2e208ba8920d2f422992526947a409b5037de1e0fe8c736"
      "2b8c47122594cde0ce26aa9dfc8bcdbde0621957672623351a7540f1e54a0426" },
};

/* ---- HMAC ---- */
static const cv_hmac cv_hmac_vectors[] = {
    /* RFC 2202 section 2, HMAC-MD5 test cases 1-7. */
    { "HMAC-MD5 RFC2202 #1", NT_HASH_MD5,
      CV_FILL(0x0b, 16),
      CV_TXT("Hi There"),
      "9294727a3638bb1c13f48ef8158bfc9d", 0 },
    { "HMAC-MD5 RFC2202 #2", NT_HASH_MD5,
      CV_TXT("Jefe"),
      CV_TXT("what do ya want for nothing?"),
      "750c783e6ab0b503eaa86e310a5db738", 0 },
    { "HMAC-MD5 RFC2202 #3", NT_HASH_MD5,
      CV_FILL(0xaa, 16),
      CV_FILL(0xdd, 50),
      "56be34521d144c88dbb8c733f0e8b3f6", 0 },
    { "HMAC-MD5 RFC2202 #4", NT_HASH_MD5,
      CV_HEX("0102030405060708090a0b0c0d0e0f10111213141516171819"),
      CV_FILL(0xcd, 50),
      "697eaf0aca3a3aea3a75164746ffaa79", 0 },
    { "HMAC-MD5 RFC2202 #5 (96-bit)", NT_HASH_MD5,
      CV_FILL(0x0c, 16),
      CV_TXT("Test With Truncation"),
      "56461ef2342edc00f9bab995", 12 },
    { "HMAC-MD5 RFC2202 #6", NT_HASH_MD5,
      CV_FILL(0xaa, 80),
      CV_TXT("Test Using Larger Than Block-Size Key - Hash Key First"),
      "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd", 0 },
    { "HMAC-MD5 RFC2202 #7", NT_HASH_MD5,
      CV_FILL(0xaa, 80),
      CV_TXT("Test Using Larger Than Block-Size Key and Larger Than On"
        "e Block-Size Data"),
      "6f630fad67cda0ee1fb1f562db3aa53e", 0 },
    /* RFC 4231 section 4, HMAC-SHA-256 test cases 1-7. */
    { "HMAC-SHA256 RFC4231 #1", NT_HASH_SHA256,
      CV_FILL(0x0b, 20),
      CV_TXT("Hi There"),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 0 },
    { "HMAC-SHA256 RFC4231 #2", NT_HASH_SHA256,
      CV_TXT("Jefe"),
      CV_TXT("what do ya want for nothing?"),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 0 },
    { "HMAC-SHA256 RFC4231 #3", NT_HASH_SHA256,
      CV_FILL(0xaa, 20),
      CV_FILL(0xdd, 50),
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 0 },
    { "HMAC-SHA256 RFC4231 #4", NT_HASH_SHA256,
      CV_HEX("0102030405060708090a0b0c0d0e0f10111213141516171819"),
      CV_FILL(0xcd, 50),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 0 },
    { "HMAC-SHA256 RFC4231 #5 (128-bit)", NT_HASH_SHA256,
      CV_FILL(0x0c, 20),
      CV_TXT("Test With Truncation"),
      "a3b6167473100ee06e0c796c2955552b", 16 },
    { "HMAC-SHA256 RFC4231 #6", NT_HASH_SHA256,
      CV_FILL(0xaa, 131),
      CV_TXT("Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 0 },
    { "HMAC-SHA256 RFC4231 #7", NT_HASH_SHA256,
      CV_FILL(0xaa, 131),
      CV_TXT("This is a test using a larger than block-size key and a "
        "larger than block-size data. The key needs to be hashed "
        "before being used by the HMAC algorithm."),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 0 },
    /* NIST HMAC example values (keyed-hash message authentication code,
     * HMAC_SHA512.pdf), as carried in OpenSSL test/recipes/30-test_evp_data/
     * evpmac_common.txt.  Keys are 00 01 02 ... of the stated length. */
    { "HMAC-SHA512 NIST keylen<blocklen", NT_HASH_SHA512,
      CV_RAMP(64),
      CV_TXT("Sample message for keylen<blocklen"),
      "fd44c18bda0bb0a6ce0e82b031bf2818f6539bd56ec00bdc10a8a2d730b3634d"
      "e2545d639b0f2cf710d0692c72a1896f1f211c2b922d1a96c392e07e7ea9fedc", 0 },
    { "HMAC-SHA512 NIST keylen=blocklen", NT_HASH_SHA512,
      CV_RAMP(128),
      CV_TXT("Sample message for keylen=blocklen"),
      "fc25e240658ca785b7a811a8d3f7b4ca48cfa26a8a366bf2cd1f836b05fcb024"
      "bd36853081811d6cea4216ebad79da1cfcb95ea4586b8a0ce356596a55fb1347", 0 },
    { "HMAC-SHA512 NIST keylen>blocklen", NT_HASH_SHA512,
      CV_RAMP(200),
      CV_TXT("Sample message for keylen=blocklen"),
      "d93ec8d2de1ad2a9957cb9b83f14e76ad6b5e0cce285079a127d3b14bccb7aa7"
      "286d4ac0d4ce64215f2bc9e6870b33d97438be4aaa20cda5c5a912b48b8e27f3", 0 },
};

/* ---- AES-ECB (single blocks) ---- */
static const cv_aes cv_aes_vectors[] = {
    /* FIPS 197 appendix C.1 (AES-128) and C.3 (AES-256). */
    { "AES-128 FIPS197 C.1", "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
      "69c4e0d86a7b0430d8cdb78070b4c55a" },
    { "AES-256 FIPS197 C.3", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "00112233445566778899aabbccddeeff", "8ea2b7ca516745bfeafc49904b496089" },
    /* NIST SP 800-38A appendix F.1.5 (ECB-AES256.Encrypt), block #1. */
    { "AES-256 SP800-38A F.1.5 #1", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
      "6bc1bee22e409f96e93d7e117393172a", "f3eed1bdb5d2a03c064b5a7e3db181f8" },
};

/* ---- RC4 ---- */
/* RFC 6229 section 2, key length 40 bits, key 0x0102030405. */
static const cv_rc4 cv_rc4_vectors[] = {
    { "RC4 RFC6229 40-bit @0", "0102030405", 0, "b2396305f03dc027ccc3524a0a1118a8" },
    { "RC4 RFC6229 40-bit @16", "0102030405", 16, "6982944f18fc82d589c403a47a0d0919" },
    { "RC4 RFC6229 40-bit @240", "0102030405", 240, "28cb1132c96ce286421dcaadb8b69eae" },
    { "RC4 RFC6229 40-bit @256", "0102030405", 256, "1cfcf62b03eddb641d77dfcf7f8d8c93" },
    { "RC4 RFC6229 40-bit @4080", "0102030405", 4080, "068326a2118416d21f9d04b2cd1ca050" },
    { "RC4 RFC6229 40-bit @4096", "0102030405", 4096, "ff25b58995996707e51fbdf08b34d875" },
};

/* ---- AES-CMAC ---- */
static const cv_cmac cv_cmac_vectors[] = {
    /* RFC 4493 section 4, examples 1-4 (AES-128); identical to NIST SP 800-38B
     * appendix D.1 examples 1-4. */
    { "AES-128-CMAC RFC4493 #1 (len 0)", "2b7e151628aed2a6abf7158809cf4f3c",
      CV_HEX(""),
      "bb1d6929e95937287fa37d129b756746" },
    { "AES-128-CMAC RFC4493 #2 (len 16)", "2b7e151628aed2a6abf7158809cf4f3c",
      CV_HEX("6bc1bee22e409f96e93d7e117393172a"),
      "070a16b46b4d4144f79bdd9dd04a287c" },
    { "AES-128-CMAC RFC4493 #3 (len 40)", "2b7e151628aed2a6abf7158809cf4f3c",
      CV_HEX("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411"),
      "dfa66747de9ae63030ca32611497c827" },
    { "AES-128-CMAC RFC4493 #4 (len 64)", "2b7e151628aed2a6abf7158809cf4f3c",
      CV_HEX("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"),
      "51f0bebf7e3b9d92fc49741779363cfe" },
    /* NIST SP 800-38B appendix D.3, CMAC-AES256 examples 9-12 (transcribed in
     * GNU Nettle testsuite/cmac-test.c). */
    { "AES-256-CMAC SP800-38B D.3 #9 (len 0)", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
      CV_HEX(""),
      "028962f61b7bf89efc6b551f4667d983" },
    { "AES-256-CMAC SP800-38B D.3 #10 (len 16)", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
      CV_HEX("6bc1bee22e409f96e93d7e117393172a"),
      "28a7023f452e8f82bd4bf28d8c37c35c" },
    { "AES-256-CMAC SP800-38B D.3 #11 (len 40)", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
      CV_HEX("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411"),
      "aaf3d8f1de5640c232f5b169b9c911e6" },
    { "AES-256-CMAC SP800-38B D.3 #12 (len 64)", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
      CV_HEX("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"),
      "e1992190549f6ed5696a2c056c315410" },
};

/* ---- AES-CCM ---- */
static const cv_aead cv_ccm_vectors[] = {
    /* NIST SP 800-38C appendix C, examples 1-4 (tags of 4, 6, 8, 14 bytes;
     * example 4 has 2^16 bytes of associated data 00 01 .. ff 00 01 ..). */
    { "AES-CCM SP800-38C C.1",
      "404142434445464748494a4b4c4d4e4f",
      "10111213141516",
      CV_HEX("0001020304050607"),
      "20212223",
      "7162015b",
      "4dac255d" },
    { "AES-CCM SP800-38C C.2",
      "404142434445464748494a4b4c4d4e4f",
      "1011121314151617",
      CV_HEX("000102030405060708090a0b0c0d0e0f"),
      "202122232425262728292a2b2c2d2e2f",
      "d2a1f0e051ea5f62081a7792073d593d",
      "1fc64fbfaccd" },
    { "AES-CCM SP800-38C C.3",
      "404142434445464748494a4b4c4d4e4f",
      "101112131415161718191a1b",
      CV_HEX("000102030405060708090a0b0c0d0e0f10111213"),
      "202122232425262728292a2b2c2d2e2f3031323334353637",
      "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5",
      "484392fbc1b09951" },
    { "AES-CCM SP800-38C C.4",
      "404142434445464748494a4b4c4d4e4f",
      "101112131415161718191a1b1c",
      CV_RAMP(65536),
      "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
      "69915dad1e84c6376a68c2967e4dab615ae0fd1faec44cc484828529463ccf72",
      "b4ac6bec93e8598e7f0dadbcea5b" },
    /* RFC 3610 section 8, packet vector #1 (8-byte tag, 13-byte nonce). */
    { "AES-CCM RFC3610 #1",
      "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
      "00000003020100a0a1a2a3a4a5",
      CV_HEX("0001020304050607"),
      "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
      "588c979a61c663d2f066d0c2c0f989806d5f6b61dac384",
      "17e8d12cfdf926e0" },
    /* Microsoft Open Specifications blog, "Encryption in SMB 3.0: a protocol
     * perspective" (2012-10-05): the encrypted WRITE request and the decrypted
     * response, AES-128-CCM, 11-byte nonce, 16-byte signature; the AAD is the
     * SMB2 TRANSFORM_HEADER from the Nonce field on (32 bytes).  Transcribed
     * from the Dell pike SMB test suite (test_crypto.py) and cross-checked
     * against TalAloni/SMBLibrary SMB2EncryptionTests.cs. */
    { "SMB3.0 CCM encrypt (MS blog)",
      "261B72350558F2E9DCF613070383EDBF",
      "66E69A111892584FB5ED52",
      CV_HEX("66e69a111892584fb5ed524a744da3ee87000000000001001100001400e40800"),
      "fe534d4240000100000000000900400008000000000000000400000000000000"
      "fffe0000010000001100001400e4080000000000000000000000000000000000"
      "3100700017000000000000000000000015010000390000020100000039020000"
      "00000000000000007000000000000000536d623320656e6372797074696f6e20"
      "74657374696e67",
      "25c8fee16605a437832d1cd52da9f4645333482a175fe5384563f45fcdafaef3"
      "8bc62ba4d5c62897996625a44c29be5658de2e6117585779e7b59ffd971278d0"
      "8580d7fa899e410e910eabf5aa1db43050b33b49182637759ac15d84bfcdf5b6"
      "b238993c0f4cf4d6012023f6c627297075d84b7803912d0a9639634453595ef3"
      "e33ffe4e7ac2ab",
      "81A286535415445DAE393921E44FA42E" },
    { "SMB3.0 CCM decrypt (MS blog)",
      "8FE2B57EC34D2DB5B1A9727F526BBDB5",
      "8600000000000000110000",
      CV_HEX("86000000000000001100001400e4080050000000000001001100001400e40800"),
      "fe534d4240000100000000000900210009000000000000000400000000000000"
      "fffe0000010000001100001400e4080000000000000000000000000000000000"
      "11000000170000000000000000000000",
      "dbf46435c5f14169293ce079e344479bf670227e49873f458672c3098dac467d"
      "d5809f369d674091665157871483e01f7becd02064eac3e235f913668bbc2f09"
      "7980d4b378f1993eff6e60d177309e5b",
      "A6015530A18F6D9AFFE22AFAE8E66484" },
};

/* ---- AES-GCM ---- */
static const cv_aead cv_gcm_vectors[] = {
    /* McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", appendix B,
     * test cases 1-4 (AES-128) and 13-16 (AES-256), 96-bit IVs. */
    { "AES-GCM McGrew-Viega #1",
      "00000000000000000000000000000000",
      "000000000000000000000000",
      CV_HEX(""),
      "",
      "",
      "58e2fccefa7e3061367f1d57a4e7455a" },
    { "AES-GCM McGrew-Viega #2",
      "00000000000000000000000000000000",
      "000000000000000000000000",
      CV_HEX(""),
      "00000000000000000000000000000000",
      "0388dace60b6a392f328c2b971b2fe78",
      "ab6e47d42cec13bdf53a67b21257bddf" },
    { "AES-GCM McGrew-Viega #3",
      "feffe9928665731c6d6a8f9467308308",
      "cafebabefacedbaddecaf888",
      CV_HEX(""),
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
      "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
      "4d5c2af327cd64a62cf35abd2ba6fab4" },
    { "AES-GCM McGrew-Viega #4",
      "feffe9928665731c6d6a8f9467308308",
      "cafebabefacedbaddecaf888",
      CV_HEX("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
      "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
      "5bc94fbc3221a5db94fae95ae7121a47" },
    { "AES-GCM McGrew-Viega #13",
      "0000000000000000000000000000000000000000000000000000000000000000",
      "000000000000000000000000",
      CV_HEX(""),
      "",
      "",
      "530f8afbc74536b9a963b4f1c4cb738b" },
    { "AES-GCM McGrew-Viega #14",
      "0000000000000000000000000000000000000000000000000000000000000000",
      "000000000000000000000000",
      CV_HEX(""),
      "00000000000000000000000000000000",
      "cea7403d4d606b6e074ec5d3baf39d18",
      "d0d1c8a799996bf0265b98b5d48ab919" },
    { "AES-GCM McGrew-Viega #15",
      "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
      "cafebabefacedbaddecaf888",
      CV_HEX(""),
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
      "b094dac5d93471bdec1a502270e3cc6c" },
    { "AES-GCM McGrew-Viega #16",
      "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
      "cafebabefacedbaddecaf888",
      CV_HEX("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
      "76fc6ece0f4e1768cddf8853bb2d551b" },
    /* Microsoft Open Specifications blog, "SMB 3.1.1 Encryption in Windows
     * 10" (2015-09-09): encrypted WRITE request and decrypted response,
     * AES-128-GCM; AAD = TRANSFORM_HEADER from the Nonce field on.  Transcribed
     * from the Dell pike SMB test suite (test_crypto.py). */
    { "SMB3.1.1 GCM encrypt (MS blog)",
      "A2F5E80E5D59103034F32E52F698E5EC",
      "C7D6822D269CAF48904C664C",
      CV_HEX("c7d6822d269caf48904c664c0000000087000000000001002500000000100000"),
      "fe534d4240000100000000000900010008000000000000000500000000000000"
      "fffe000001000000250000000010000000000000000000000000000000000000"
      "3100700017000000000000000000000006000000040000000100000004000000"
      "00000000000000007000000000000000536d623320656e6372797074696f6e20"
      "74657374696e67",
      "6ecdd2a7afc7b47763057a041b8fd4daffe990b70c9e09d36c084e02d14ef247"
      "f8bde38acf6256f8b1d3b56f77fbdeb312fea5e92cbcc1ed8fb2ebbfaa75e49a"
      "4a394bb44576545567c24d4c014d47c9fbdfdafd2c4f9b72f8d256452620a299"
      "f48e29e53d6b61d1c13a19e91af013f00d17e3abc2fc3d36c8c1b6b939732538"
      "52dbd442e46ee8",
      "BD73D97D2BC9001BCAFAC0FDFF5FEEBC" },
    { "SMB3.1.1 GCM decrypt (MS blog)",
      "748C50868C90F302962A5C35F5F9A8BF",
      "E06831DD2E8EB7B400000000",
      CV_HEX("e06831dd2e8eb7b4000000000000000050000000000001002500000000100000"),
      "fe534d4240000100000000000900010001000000000000000500000000000000"
      "fffe000001000000250000000010000000000000000000000000000000000000"
      "11000000170000000000000000000000",
      "26bbbf949983a6c1c796559d0f2c510cb651d1f7b6ac8ded32a2a0b8f2d793a8"
      "15c6f6b848d69767a215841a42d400ae6ddb5f0b44173a014973321fdd7950da"
      "6179159b82e03c9e18a050ff0ea1c967",
      "ACBE1CB7ED343ADF1725EF144D90D4B0" },
};

/* ---- GMAC ---- */
static const cv_gmac cv_gmac_vectors[] = {
    /* NIST CAVP gcmEncryptExtIV128 (PTlen 0, AADlen 128), as carried in OpenSSL
     * test/recipes/30-test_evp_data/evpmac_common.txt ("GMAC Tests (from NIST)"). */
    { "GMAC-AES128 NIST CAVP", "77BE63708971C4E240D1CB79E8D77FEB", "E0E00F19FED7BA0136A797F3",
      CV_HEX("7a43ec1d9c0a5a78a0b16533a6213cab"),
      "209FCC8D3675ED938E9C7166709DD946" },
    /* IEEE 802.1AE MACsec test vectors (bn-randall-test-vectors-0511-v1.pdf),
     * 2.1.1 / 2.1.2 54-byte packet authentication, GCM-AES-128 and -256; via
     * the same OpenSSL file. */
    { "GMAC-AES128 IEEE802.1AE 54-byte", "AD7A2BD03EAC835A6F620FDCB506B345", "12153524C0895E81B2C28465",
      CV_HEX("d609b1f056637a0d46df998d88e5222ab2c2846512153524c0895e8108000f10"
      "1112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30"
      "313233340001"),
      "F09478A9B09007D06F46E9B6A1DA25DD" },
    { "GMAC-AES256 IEEE802.1AE 54-byte",
      "E3C08A8F06C6E3AD95A70557B23F75483CE33021A9C72B7025666204C69C0B72", "12153524C0895E81B2C28465",
      CV_HEX("d609b1f056637a0d46df998d88e5222ab2c2846512153524c0895e8108000f10"
      "1112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30"
      "313233340001"),
      "2F0BC5AF409E06D609EA8B7D0FA5EA50" },
};

/* ---- SP800-108 counter-mode KDF, HMAC-SHA256 ---- */
static const cv_kdf cv_kdf_vectors[] = {
    /* SMB 3.0 client keys from the Microsoft blog "Encryption in SMB 3.0: a
     * protocol perspective": SessionKey B4546771..., label "SMB2AESCCM\0",
     * context "ServerIn \0" (EncryptionKey) / "ServerOut\0" (DecryptionKey).
     * Transcribed from pike test_crypto.py and SMBLibrary SMB2EncryptionTests.cs. */
    { "KDF SMB3.0 EncryptionKey (MS blog)", "B4546771B515F766A86735532DD6C4F0",
      CV_TXTZ("SMB2AESCCM"), CV_TXTZ("ServerIn "),
      "261B72350558F2E9DCF613070383EDBF" },
    { "KDF SMB3.0 DecryptionKey (MS blog)", "B4546771B515F766A86735532DD6C4F0",
      CV_TXTZ("SMB2AESCCM"), CV_TXTZ("ServerOut"),
      "8FE2B57EC34D2DB5B1A9727F526BBDB5" },
    /* SMB 3.1.1 SigningKey from the Microsoft blog "SMB 3.1.1 Pre-authentication
     * integrity in Windows 10": label "SMBSigningKey\0", context = the final
     * preauth integrity hash.  Via pike test_crypto.py. */
    { "KDF SMB3.1.1 SigningKey (MS blog)", "270E1BA896585EEB7AF3472D3B4C75A7",
      CV_TXTZ("SMBSigningKey"),
      CV_HEX("0dd13628cc3ed218ef9df9772d436d0887ab9814bfae63a80aa845f36909db79"
      "28622dddad522d9751640a459762c5a9d6bb084cbb3ce6bdadef5d5bce3c6c01"),
      "73FE7A9A77BEF0BDE49C650D8CCB5F76" },
    /* SMB 3.1.1 cipher keys from the Microsoft blog "SMB 3.1.1 Encryption in
     * Windows 10": labels "SMBC2SCipherKey\0" / "SMBS2CCipherKey\0", context =
     * preauth integrity hash.  Via pike test_crypto.py. */
    { "KDF SMB3.1.1 C2S cipher key (MS blog)", "419FDDF34C1E001909D362AE7FB6AF79",
      CV_TXTZ("SMBC2SCipherKey"),
      CV_HEX("b23f3cbfd69487d9832b79b1594a367cdd950909b774c3a4c412b4fcea9edddb"
      "a7db256ba2ea30e977f11f9b113247578e0e915c6d2a513b8f2fca5707dc8770"),
      "A2F5E80E5D59103034F32E52F698E5EC" },
    { "KDF SMB3.1.1 S2C cipher key (MS blog)", "419FDDF34C1E001909D362AE7FB6AF79",
      CV_TXTZ("SMBS2CCipherKey"),
      CV_HEX("b23f3cbfd69487d9832b79b1594a367cdd950909b774c3a4c412b4fcea9edddb"
      "a7db256ba2ea30e977f11f9b113247578e0e915c6d2a513b8f2fca5707dc8770"),
      "748C50868C90F302962A5C35F5F9A8BF" },
};

/* NIST CAVP KBKDF (SP800-108) CounterMode.zip, [PRF=HMAC_SHA256]
 * [CTRLOCATION=BEFORE_FIXED] [RLEN=32_BITS], COUNT 0/10/20/30 (L = 128, 256,
 * 160, 320), as carried in OpenSSL test/recipes/30-test_evp_data/
 * evpkdf_kbkdf_counter.txt.  `fixed` is the CAVP FixedInputData. */
static const cv_kdf_fixed cv_kdf_fixed_vectors[] = {
    { "KBKDF CAVP HMAC_SHA256 r32 COUNT=0",
      "dd1d91b7d90b2bd3138533ce92b272fbf8a369316aefe242e659cc0ae238afe0",
      "01322b96b30acd197979444e468e1c5c6859bf1b1cf951b7e725303e237e46b8"
      "64a145fab25e517b08f8683d0315bb2911d80a0e8aba17f3b413faac",
      "10621342bfb0fd40046c0e29f2cfdbf0" },
    { "KBKDF CAVP HMAC_SHA256 r32 COUNT=10",
      "e204d6d466aad507ffaf6d6dab0a5b26152c9e21e764370464e360c8fbc765c6",
      "7b03b98d9f94b899e591f3ef264b71b193fba7043c7e953cde23bc5384bc1a62"
      "93580115fae3495fd845dadbd02bd6455cf48d0f62b33e62364a3a80",
      "770dfab6a6a4a4bee0257ff335213f78d8287b4fd537d5c1fffa956910e7c779" },
    { "KBKDF CAVP HMAC_SHA256 r32 COUNT=20",
      "dc60338d884eecb72975c603c27b360605011756c697c4fc388f5176ef81efb1",
      "44d7aa08feba26093c14979c122c2437c3117b63b78841cd10a4bc5ed55c5658"
      "6ad8986d55307dca1d198edcffbc516a8fbe6152aa428cdd800c062d",
      "29ac07dccf1f28d506cd623e6e3fc2fa255bd60b" },
    { "KBKDF CAVP HMAC_SHA256 r32 COUNT=30",
      "c4bedbddb66493e7c7259a3bbbc25f8c7e0ca7fe284d92d431d9cd99a0d214ac",
      "1c69c54766791e315c2cc5c47ecd3ffab87d0d273dd920e70955814c220eacac"
      "e6a5946542da3dfe24ff626b4897898cafb7db83bdff3c14fa46fd4b",
      "1da47638d6c9c4d04d74d4640bbd42ab814d9e8cc22f4326695239f96b0693f1"
      "2d0dd1152cf44430" },
};

#define CV_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- decoding helpers (shared by both test programs) ---- */

static inline int cv_nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Malloc'd bytes of a hex string (never NULL for valid input; at least one
 * byte is allocated so empty strings are fine); *len receives the length. */
static inline uint8_t *cv_unhex(const char *hex, size_t *len)
{
    size_t n = 0, cap = strlen(hex) / 2 + 1;
    uint8_t *b = (uint8_t *)calloc(cap, 1);
    int hi = -1;
    if (!b)
        abort();
    for (const char *p = hex; *p; p++) {
        int v = cv_nibble(*p);
        if (v < 0)
            continue;           /* spaces allowed */
        if (hi < 0) {
            hi = v;
        } else {
            b[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    *len = n;
    return b;
}

static inline uint8_t *cv_bytes(const cv_data *d, size_t *len)
{
    if (d->hex)
        return cv_unhex(d->hex, len);
    if (d->text) {
        size_t n = strlen(d->text) + (d->with_nul ? 1 : 0);
        uint8_t *b = (uint8_t *)calloc(n + 1, 1);
        if (!b)
            abort();
        memcpy(b, d->text, n);
        *len = n;
        return b;
    }
    size_t n = d->ramp ? d->ramp : d->fill_n;
    uint8_t *b = (uint8_t *)calloc(n + 1, 1);
    if (!b)
        abort();
    for (size_t i = 0; i < n; i++)
        b[i] = d->ramp ? (uint8_t)i : (uint8_t)d->fill;
    *len = n;
    return b;
}

#endif
