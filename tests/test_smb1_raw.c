/*
 * SMB1 logon without extended security (dll/smb1/smb1_session_raw.c,
 * dll/auth/ntlm_bare.c): the LMv2 / NTLMv2 responses and the session base
 * key against the published MS-NLMP 4.2.4 vectors (User "User", Domain
 * "Domain", Password "Password", ServerChallenge 0123456789abcdef,
 * ClientChallenge aa*8, Time 0, the example's AV pairs), the
 * SESSION_SETUP_ANDX request layout (MS-CIFS 2.2.4.53.1), the MAC key
 * (MS-CIFS 3.1.4.1: session key || UnicodePassword) and hostile NEGOTIATE
 * answers without extended security (bad ChallengeLength, short bytes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "smb1/smb1_int.h"
#include "test_hex.h"

/* MS-NLMP 4.2.4 AV pairs: MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server", EOL. */
static const char *TI_424 = "02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000";

static void expect_hex(const uint8_t *got, const char *hex)
{
    uint8_t want[128];
    size_t n = test_unhex(hex, want, sizeof(want));
    assert_memory_equal(got, want, n);
}

static void test_bare_vectors(void **state)
{
    (void)state;
    nt_creds cr = {"User", "Domain", "Password"};
    uint8_t sc[8], cc[8], av[64];
    test_unhex("0123456789abcdef", sc, 8);
    memset(cc, 0xaa, 8);
    size_t avlen = test_unhex(TI_424, av, sizeof(av));
    ntlm_bare r;
    assert_true(ntlm_v2_bare(&cr, sc, 0, cc, av, avlen, &r));
    expect_hex(r.lm, "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa");     /* 4.2.4.2.1 LMv2 */
    expect_hex(r.nt, "68cd0ab851e51c96aabc927bebef6a1c");                     /* 4.2.4.2.2 NTProofStr */
    expect_hex(r.base_key, "8de40ccadbc14a82f15cb0ad0de95ca3");               /* 4.2.4.1.2 SessionBaseKey */
    assert_int_equal(r.nt_len, 16 + 28 + avlen + 4);
    expect_hex(r.nt + 16, "0101000000000000" "0000000000000000" "aaaaaaaaaaaaaaaa" "00000000"); /* 3.3.2 temp */
    assert_memory_equal(r.nt + 16 + 28, av, avlen);
    /* MsvAvEOL alone by default: the same LMv2, another proof */
    ntlm_bare d;
    assert_true(ntlm_v2_bare(&cr, sc, 0, cc, NULL, 0, &d));
    assert_int_equal(d.nt_len, 16 + 28 + 4 + 4);
    assert_memory_equal(d.lm, r.lm, 24);
    assert_memory_not_equal(d.nt, r.nt, 16);
    /* no domain is the empty domain */
    nt_creds nodom = {"User", NULL, "Password"}, empty = {"User", "", "Password"};
    ntlm_bare a, b;
    assert_true(ntlm_v2_bare(&nodom, sc, 0, cc, NULL, 0, &a));
    assert_true(ntlm_v2_bare(&empty, sc, 0, cc, NULL, 0, &b));
    assert_memory_equal(a.base_key, b.base_key, 16);
}

static void test_bare_refusals(void **state)
{
    (void)state;
    nt_creds anon = {NULL, NULL, NULL}, cr = {"User", "Domain", "Password"};
    uint8_t sc[8] = {0}, cc[8] = {0}, av[NTLM_BARE_MAX_AV + 4] = {0};
    ntlm_bare r;
    assert_false(ntlm_v2_bare(&anon, sc, 0, cc, NULL, 0, &r)); /* anonymous: no responses at all */
    assert_false(ntlm_v2_bare(NULL, sc, 0, cc, NULL, 0, &r));
    assert_false(ntlm_v2_bare(&cr, sc, 0, cc, av, NTLM_BARE_MAX_AV + 4, &r)); /* AV pairs too long */
    assert_false(ntlm_v2_bare(&cr, sc, 0, cc, av, 3, &r));                    /* shorter than an EOL */
    assert_true(ntlm_v2_bare(&cr, sc, 0, cc, av, NTLM_BARE_MAX_AV, &r));
    assert_int_equal(r.nt_len, NTLM_BARE_NT_MAX);
}

static void test_setup_encode(void **state)
{
    (void)state;
    uint8_t lm[24], nt[52];
    memset(lm, 0x11, sizeof(lm));
    memset(nt, 0x22, sizeof(nt));
    nt_wr w;
    nt_wr_init(&w, 0);
    nt_wr_zeros(&w, SMB1_HDR_LEN);
    smb1_raw_setup_encode(&w, lm, 24, nt, 52, "bob", "DOM");
    assert_false(w.bad);
    const uint8_t *p = w.p + SMB1_HDR_LEN;
    assert_int_equal(p[0], 13);                       /* WordCount */
    assert_int_equal(p[1], SMB1_NO_ANDX);
    assert_int_equal(nt_le16(p + 15), 24);            /* OEMPasswordLen */
    assert_int_equal(nt_le16(p + 17), 52);            /* UnicodePasswordLen */
    uint32_t caps = nt_le32(p + 23);
    assert_int_equal(caps & SMB1_CAP_EXTENDED_SECURITY, 0);
    assert_true(caps & SMB1_CAP_UNICODE);
    size_t bc = nt_le16(p + 27), b0 = SMB1_HDR_LEN + 29;
    assert_int_equal(b0 + bc, w.len);
    assert_memory_equal(w.p + b0, lm, 24);
    assert_memory_equal(w.p + b0 + 24, nt, 52);
    size_t s = b0 + 76;
    s += s & 1; /* pad to an even offset from the header */
    static const uint8_t names[] = {'b', 0, 'o', 0, 'b', 0, 0, 0, 'D', 0, 'O', 0, 'M', 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(w.len - s, sizeof(names));
    assert_memory_equal(w.p + s, names, sizeof(names));
    nt_wr_free(&w);
    /* anonymous: both password fields empty, names empty */
    nt_wr_init(&w, 0);
    nt_wr_zeros(&w, SMB1_HDR_LEN);
    smb1_raw_setup_encode(&w, NULL, 0, NULL, 0, NULL, NULL);
    p = w.p + SMB1_HDR_LEN;
    assert_int_equal(nt_le16(p + 15), 0);
    assert_int_equal(nt_le16(p + 17), 0);
    assert_int_equal(nt_le16(p + 27), w.len - b0);
    for (size_t i = b0; i < w.len; i++)
        assert_int_equal(w.p[i], 0);
    nt_wr_free(&w);
}

static void test_mac_key(void **state)
{
    (void)state;
    uint8_t base[16], nt[NTLM_BARE_NT_MAX], key[16 + NTLM_BARE_NT_MAX];
    memset(base, 0x33, 16);
    memset(nt, 0x44, sizeof(nt));
    size_t kl = 0;
    assert_true(smb1_raw_mac_key(base, nt, 52, key, sizeof(key), &kl));
    assert_int_equal(kl, 68);
    assert_memory_equal(key, base, 16);
    assert_memory_equal(key + 16, nt, 52);
    assert_true(smb1_raw_mac_key(base, nt, sizeof(nt), key, sizeof(key), &kl));
    assert_false(smb1_raw_mac_key(base, nt, sizeof(nt), key, sizeof(key) - 1, &kl));
    assert_false(smb1_raw_mac_key(base, nt, 0, key, 15, &kl));
    /* signing with it: MD5(key || message) as smb1_sign does for any key length */
    uint8_t m[40] = {0xFF, 'S', 'M', 'B', SMB1_COM_CLOSE};
    m[9] = SMB1_FLAGS_REPLY;
    assert_true(smb1_sign(key, 68, 1, m, sizeof(m)));
    assert_true(smb1_verify(key, 68, 1, m, sizeof(m)));
    assert_false(smb1_verify(key, 16, 1, m, sizeof(m))); /* the session key alone is not the MAC key */
}

/* A NEGOTIATE answer without extended security: ChallengeLength cl, bc bytes. */
static size_t neg(uint8_t *m, uint8_t wc, uint8_t cl, uint16_t bc)
{
    smb1_hdr h = {0};
    h.command = SMB1_COM_NEGOTIATE;
    h.flags = SMB1_FLAGS_REPLY;
    h.flags2 = SMB1_FLAGS2_NT_STATUS | SMB1_FLAGS2_UNICODE;
    smb1_hdr_encode(&h, m);
    size_t e = SMB1_HDR_LEN;
    m[e] = wc;
    uint8_t *w = m + e + 1;
    memset(w, 0, 2u * wc);
    if (wc == 17) {
        w[2] = SMB1_SECMODE_USER | SMB1_SECMODE_SIGN_ENABLED;
        nt_put_le32(w + 7, 4356);
        nt_put_le32(w + 19, SMB1_CAP_UNICODE | SMB1_CAP_STATUS32 | SMB1_CAP_NT_SMBS);
        w[33] = cl;
    }
    nt_put_le16(w + 2u * wc, bc);
    for (unsigned i = 0; i < bc; i++)
        w[2u * wc + 2 + i] = (uint8_t)(0xA0 + i);
    return e + 1 + 2u * wc + 2 + bc;
}

static void test_neg_raw(void **state)
{
    (void)state;
    uint8_t m[256];
    smb1_neg_resp nr;
    size_t len = neg(m, 17, 8, 8 + 10); /* challenge + DomainName */
    assert_int_equal(smb1_neg_parse(m, len, &nr), NT_OK);
    assert_false(nr.extsec);
    assert_int_equal(nr.challenge_len, 8);
    expect_hex(nr.challenge, "a0a1a2a3a4a5a6a7");
    assert_int_equal(nr.max_buffer, 4356);
    len = neg(m, 17, 0, 0); /* no challenge (share level or plaintext): parsed, refused later */
    assert_int_equal(smb1_neg_parse(m, len, &nr), NT_OK);
    assert_int_equal(nr.challenge_len, 0);
    len = neg(m, 17, 8, 7); /* challenge longer than the bytes */
    assert_int_equal(smb1_neg_parse(m, len, &nr), NT_ERROR_UNEXP_NET_ERR);
    len = neg(m, 17, 8, 0);
    assert_int_equal(smb1_neg_parse(m, len, &nr), NT_ERROR_UNEXP_NET_ERR);
    for (unsigned cl = 1; cl < 256; cl++) {
        if (cl == 8)
            continue;
        len = neg(m, 17, (uint8_t)cl, 64); /* only 0 or 8 */
        assert_int_equal(smb1_neg_parse(m, len, &nr), NT_ERROR_UNEXP_NET_ERR);
    }
    len = neg(m, 13, 0, 8); /* LANMAN-style WordCount */
    assert_int_equal(smb1_neg_parse(m, len, &nr), NT_ERROR_UNEXP_NET_ERR);
    len = neg(m, 17, 8, 16);
    assert_int_equal(smb1_neg_parse(m, len - 9, &nr), NT_ERROR_UNEXP_NET_ERR); /* truncated message */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bare_vectors), cmocka_unit_test(test_bare_refusals),
        cmocka_unit_test(test_setup_encode), cmocka_unit_test(test_mac_key),
        cmocka_unit_test(test_neg_raw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
