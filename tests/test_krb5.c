/*
 * Our own Kerberos AP-REQ pieces (dll/auth/krb5_ap.h): RFC 3961 A.1 n-fold
 * vectors, RFC 2202 HMAC-SHA1, RFC 3962 B AES-CTS vectors, the RFC 4757 / RFC 3961 encryption
 * layout, the ticket-cache reader on a synthetic cache (found, expired,
 * other SPN, realm mismatch, every truncation and hostile lengths) and the
 * GSS token framing.  The real proof (the token accepted by a KDC-backed
 * smbd, signing with the key) is tests/native/kerberos_addc.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <stdio.h>
#include <unistd.h>

#include "auth/krb5_ap.h"
#include "auth/spnego_internal.h"
#include "crypto/crypto.h"
#include "crypto_vectors.h"

/* hex into a caller buffer (tests/crypto_vectors.h parses it) */
static size_t unhex(const char *s, uint8_t *out)
{
    size_t n = 0;
    uint8_t *b = cv_unhex(s, &n);
    memcpy(out, b, n);
    free(b);
    return n;
}

static void check_nfold(const char *in, size_t bits, const char *want)
{
    uint8_t out[64], w[64];
    size_t wl = unhex(want, w);
    assert_int_equal(wl, bits / 8);
    krb5_nfold((const uint8_t *)in, strlen(in), out, bits / 8);
    assert_memory_equal(out, w, wl);
}

static void nfold_vectors(void **state)
{
    (void)state;
    check_nfold("012345", 64, "be072631276b1955");
    check_nfold("password", 56, "78a07b6caf85fa");
    check_nfold("Rough Consensus, and Running Code", 64, "bb6ed30870b7f0e0");
    check_nfold("password", 168, "59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e");
    check_nfold("MASSACHVSETTS INSTITVTE OF TECHNOLOGY", 192, "db3b0d8f0b061e603282b308a50841229ad798fab9540c1b");
    check_nfold("Q", 168, "518a54a215a8452a518a54a215a8452a518a54a215");
    check_nfold("ba", 168, "fb25d531ae8974499f52fd92ea9857c4ba24cf297e");
    check_nfold("kerberos", 64, "6b65726265726f73");
    check_nfold("kerberos", 128, "6b65726265726f737b9b5b2b93132b93");
}

/* RFC 2202 HMAC-SHA1 cases 1 and 2 (the backends' SHA-1, added for Kerberos AES). */
static void hmac_sha1_vectors(void **state)
{
    (void)state;
    uint8_t key[20], mac[20], want[20];
    memset(key, 0x0b, sizeof(key));
    assert_int_equal(nt_hash_len(NT_HASH_SHA1), 20);
    assert_true(nt_hmac(NT_HASH_SHA1, key, 20, "Hi There", 8, mac));
    unhex("b617318655057264e28bc0b6fb378c8ef146be00", want);
    assert_memory_equal(mac, want, 20);
    assert_true(nt_hmac(NT_HASH_SHA1, "Jefe", 4, "what do ya want for nothing?", 28, mac));
    unhex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", want);
    assert_memory_equal(mac, want, 20);
}

static void cts_vectors(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } v[] = {
        {"4920776f756c64206c696b652074686520", "c6353568f2bf8cb4d8a580362da7ff7f97"},
        {"4920776f756c64206c696b65207468652047656e6572616c20476175277320",
         "fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5"},
        {"4920776f756c64206c696b65207468652047656e6572616c2047617527732043",
         "39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584"},
    };
    uint8_t key[16], in[64], out[64], want[64];
    unhex("636869636b656e207465726979616b69", key);
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t n = unhex(v[i].in, in);
        assert_int_equal(unhex(v[i].out, want), n);
        assert_true(krb5_aes_cts_encrypt(key, 16, in, out, n));
        assert_memory_equal(out, want, n);
    }
    assert_false(krb5_aes_cts_encrypt(key, 16, in, out, 15));
}

/* Layout: AES = CTS(conf||plain) || 12-byte HMAC-SHA1; RC4 = 16-byte checksum || RC4(conf8||plain). */
static void encrypt_layout(void **state)
{
    (void)state;
    uint8_t k32[32] = {1}, k16[16] = {2}, conf[16] = {3}, plain[40] = {4};
    uint8_t *o1 = NULL, *o2 = NULL;
    size_t l1 = 0, l2 = 0;
    assert_true(krb5_encrypt(KRB5_ETYPE_AES256, k32, 32, 11, conf, plain, sizeof(plain), &o1, &l1));
    assert_int_equal(l1, 16 + sizeof(plain) + 12);
    assert_true(krb5_encrypt(KRB5_ETYPE_AES256, k32, 32, 11, conf, plain, sizeof(plain), &o2, &l2));
    assert_memory_equal(o1, o2, l1); /* deterministic with a given confounder */
    free(o1);
    free(o2);
    assert_true(krb5_encrypt(KRB5_ETYPE_RC4, k16, 16, 11, conf, plain, sizeof(plain), &o1, &l1));
    assert_int_equal(l1, 16 + 8 + sizeof(plain));
    free(o1);
    assert_false(krb5_encrypt(KRB5_ETYPE_AES256, k16, 16, 11, conf, plain, sizeof(plain), &o1, &l1));
    assert_false(krb5_encrypt(16 /* des3 */, k32, 24, 11, conf, plain, sizeof(plain), &o1, &l1));
}

/* ---- a synthetic ccache ---- */
static uint8_t cc[4096];
static size_t ccl;

static void be(uint32_t v, size_t n)
{
    for (size_t i = n; i-- > 0;)
        cc[ccl++] = (uint8_t)(v >> (8 * i));
}
static void data(const void *p, size_t n)
{
    be((uint32_t)n, 4);
    memcpy(cc + ccl, p, n);
    ccl += n;
}
static void princ(uint32_t type, const char *realm, const char *c1, const char *c2)
{
    be(type, 4);
    be(c2 ? 2 : 1, 4);
    data(realm, strlen(realm));
    data(c1, strlen(c1));
    if (c2)
        data(c2, strlen(c2));
}
static void cred(const char *svc, const char *host, uint32_t end, uint8_t keybyte)
{
    uint8_t key[32];
    memset(key, keybyte, sizeof(key));
    princ(1, "EXAMPLE.TEST", "alice", NULL);
    princ(2, "EXAMPLE.TEST", svc, host);
    be(18, 2);
    data(key, 32);
    be(1000, 4), be(1000, 4), be(end, 4), be(0, 4);
    be(0, 1);
    be(0x40e10000, 4);
    be(0, 4), be(0, 4);
    static const uint8_t tkt[] = {0x61, 0x03, 0x30, 0x01, 0x00};
    data(tkt, sizeof(tkt));
    data("", 0);
}
static void build_cc(void)
{
    ccl = 0;
    be(0x0504, 2);
    be(12, 2);
    be(1, 2), be(8, 2), be(0, 4), be(0, 4); /* header tag 1: KDC time offset */
    princ(1, "EXAMPLE.TEST", "alice", NULL);
    cred("krbtgt", "EXAMPLE.TEST", 5000, 0x11);
    cred("cifs", "10.0.0.5", 3000, 0x22); /* expired at now=4000 */
    cred("cifs", "10.0.0.5", 9000, 0x33);
}

static void ccache_find(void **state)
{
    (void)state;
    build_cc();
    krb5_svc_cred c;
    assert_int_equal(krb5_ccache_find(cc, ccl, "cifs/10.0.0.5", 4000, &c), NT_OK);
    assert_int_equal(c.enctype, 18);
    assert_int_equal(c.keylen, 32);
    assert_int_equal(c.key[0], 0x33); /* the valid one, not the expired one */
    assert_int_equal(c.ticketlen, 5);
    assert_string_equal(c.client.comp[0], "alice");
    assert_string_equal(c.client.realm, "EXAMPLE.TEST");

    uint8_t *tok = NULL;
    size_t toklen = 0;
    assert_int_equal(krb5_gss_ap_req(&c, 1795919014000000ull, &tok, &toklen), NT_OK);
    static const uint8_t head[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x01, 0x00, 0x6e};
    assert_int_equal(tok[0], 0x60);
    size_t off = (tok[1] & 0x80) ? 2u + (tok[1] & 0x7fu) : 2u;
    assert_memory_equal(tok + off, head, sizeof(head));
    free(tok);
    krb5_svc_cred_clear(&c);

    assert_int_equal(krb5_ccache_find(cc, ccl, "cifs/10.0.0.5@EXAMPLE.TEST", 4000, &c), NT_OK);
    krb5_svc_cred_clear(&c);
    assert_int_equal(krb5_ccache_find(cc, ccl, "cifs/10.0.0.5@OTHER.TEST", 4000, &c), 1312u);
    assert_int_equal(krb5_ccache_find(cc, ccl, "cifs/10.0.0.6", 4000, &c), 1312u);
    assert_int_equal(krb5_ccache_find(cc, ccl, "cifs/10.0.0.5", 9500, &c), 1312u); /* all expired */
    assert_int_equal(krb5_ccache_find(cc, ccl, "cifs/10.0.0", 4000, &c), 1312u);
}

static void ccache_hostile(void **state)
{
    (void)state;
    build_cc();
    krb5_svc_cred c;
    /* every truncation: never a crash; a cut inside the wanted credential is invalid */
    for (size_t n = 0; n < ccl; n++) {
        uint32_t st = krb5_ccache_find(cc, n, "cifs/10.0.0.5", 4000, &c);
        assert_true(st == NT_ERROR_INVALID_DATA || st == 1312u);
        krb5_svc_cred_clear(&c);
    }
    /* a huge length anywhere */
    for (size_t at = 0; at + 4 <= ccl; at++) {
        uint8_t save[4];
        memcpy(save, cc + at, 4);
        memset(cc + at, 0xff, 4);
        uint32_t st = krb5_ccache_find(cc, ccl, "cifs/10.0.0.5", 4000, &c);
        (void)st;
        krb5_svc_cred_clear(&c);
        memcpy(cc + at, save, 4);
    }
    cc[1] = 0x03; /* version 0x0503 */
    assert_int_equal(krb5_ccache_find(cc, ccl, "cifs/10.0.0.5", 4000, &c), NT_ERROR_INVALID_DATA);
}

static void ccache_principal(void **state)
{
    (void)state;
    build_cc();
    char buf[64];
    assert_int_equal(krb5_ccache_principal(cc, ccl, buf, sizeof(buf)), NT_OK);
    assert_string_equal(buf, "alice@EXAMPLE.TEST");
    assert_int_equal(krb5_ccache_principal(cc, ccl, buf, 10), NT_ERROR_INVALID_DATA); /* too small */
    assert_string_equal(buf, "");
    for (size_t n = 0; n < 40; n++) /* every cut of the header and principal */
        assert_int_equal(krb5_ccache_principal(cc, n, buf, sizeof(buf)), NT_ERROR_INVALID_DATA);
}

/* ---- the mechanism choice (negotiate.c) and Kerberos' SPNEGO shape ---- */
static void with_env(const char *ccname, const char *kerberos)
{
    if (ccname)
        setenv("KRB5CCNAME", ccname, 1);
    else
        unsetenv("KRB5CCNAME");
    if (kerberos)
        setenv("NETAPI32_KERBEROS", kerberos, 1);
    else
        unsetenv("NETAPI32_KERBEROS");
}

static bool starts_ntlm(const nt_creds *cr)
{
    auth_target t = {"WS", "cifs/10.0.0.5"};
    auth_ctx *a = NULL;
    uint8_t *tok = NULL;
    size_t toklen = 0;
    uint32_t st = auth_start(&AUTH_MECH_NEGOTIATE, cr, &t, &a, &tok, &toklen);
    spnego_init p;
    bool ntlm = st == NT_OK && spnego_parse_init(tok, toklen, &p) == NT_OK && p.first_is_ntlm;
    free(tok);
    auth_free(a);
    return ntlm;
}

static void negotiate_choice(void **state)
{
    (void)state;
    char path[] = "/tmp/test_krb5_ccXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    build_cc();
    assert_int_equal(write(fd, cc, ccl), (ssize_t)ccl);
    close(fd);
    char ccname[64];
    snprintf(ccname, sizeof(ccname), "FILE:%s", path);

    /* KRB5CCNAME names a missing cache: 1326 before any provider call */
    with_env("FILE:/nonexistent/krb5cc_test", NULL);
    auth_target t = {"WS", "cifs/10.0.0.5"};
    auth_ctx *a = NULL;
    uint8_t *tok = NULL;
    size_t toklen = 0;
    assert_int_equal(auth_start(&AUTH_MECH_NEGOTIATE, NULL, &t, &a, &tok, &toklen), NT_ERROR_LOGON_FAILURE);
    assert_null(a);
    char who[64];
    assert_false(auth_sso_principal(who, sizeof(who)));
    /* the SSO principal of a readable cache (the connection cache key) */
    with_env(ccname, NULL);
    assert_true(auth_sso_principal(who, sizeof(who)));
    assert_string_equal(who, "alice@EXAMPLE.TEST");
    /* Kerberos off: anonymous / NTLMv2 */
    with_env(ccname, "0");
    assert_false(auth_sso_principal(who, sizeof(who)));
    assert_true(starts_ntlm(NULL));
    nt_creds cr = {(char *)"bob", (char *)"CORP.EXAMPLE", (char *)"pw"};
    assert_true(starts_ntlm(&cr));
    /* explicit credentials without a realm: NTLMv2 without asking a KDC */
    with_env(ccname, NULL);
    nt_creds plain = {(char *)"bob", (char *)"CORP", (char *)"pw"};
    assert_true(starts_ntlm(&plain));
    with_env(NULL, NULL);
    unlink(path);
}

static void kerberos_spnego_shape(void **state)
{
    (void)state;
    static const uint8_t types[] = {0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
    static const uint8_t krb5[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
    static const uint8_t ntlm[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
    static const uint8_t inner[] = {0x60, 0x03, 0x06, 0x01, 0x00};
    uint8_t *tok = NULL;
    size_t toklen = 0;
    assert_int_equal(spnego_build_init_mechs(types, sizeof(types), inner, sizeof(inner), &tok, &toklen), NT_OK);
    spnego_init p;
    assert_int_equal(spnego_parse_init(tok, toklen, &p), NT_OK);
    assert_false(p.first_is_ntlm);
    assert_memory_equal(p.mech_types, types, sizeof(types));
    assert_int_equal(p.mech_token_len, sizeof(inner));
    assert_memory_equal(p.mech_token, inner, sizeof(inner));
    free(tok);
    /* accept-completed naming Kerberos: taken by the Kerberos parser only */
    static const uint8_t resp[] = {0xa1, 0x14, 0x30, 0x12, 0xa0, 0x03, 0x0a, 0x01, 0x00, 0xa1, 0x0b, 0x06, 0x09,
                                   0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
    spnego_resp r;
    assert_int_equal(spnego_parse_resp_mech(resp, sizeof(resp), krb5, sizeof(krb5), NULL, 0, &r), NT_OK);
    assert_int_equal(r.neg_state, SPNEGO_ACCEPT_COMPLETED);
    assert_true(r.has_mech);
    assert_int_equal(spnego_parse_resp(resp, sizeof(resp), &r), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(spnego_parse_resp_mech(resp, sizeof(resp), ntlm, sizeof(ntlm), NULL, 0, &r),
                     NT_ERROR_UNEXP_NET_ERR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nfold_vectors),
        cmocka_unit_test(hmac_sha1_vectors),
        cmocka_unit_test(cts_vectors),
        cmocka_unit_test(encrypt_layout),
        cmocka_unit_test(ccache_find),
        cmocka_unit_test(ccache_hostile),
        cmocka_unit_test(ccache_principal),
        cmocka_unit_test(negotiate_choice),
        cmocka_unit_test(kerberos_spnego_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
