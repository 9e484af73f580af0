/*
 * NTLMSSP (dll/auth/ntlm.c) and credentials (dll/auth/creds.c) unit tests.
 *
 * Expected values are the published MS-NLMP section 4.2.4 "NTLMv2
 * Authentication" example: User "User", UserDom "Domain", Passwd "Password",
 * ServerChallenge 0123456789abcdef, ClientChallenge aaaaaaaaaaaaaaaa, Time 0,
 * RandomSessionKey 55 * 16, workstation "COMPUTER", server name "Server".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "auth/ntlm_internal.h"

static size_t unhex(const char *s, uint8_t *out)
{
    size_t n = 0;
    while (s[0] && s[1]) {
        if (s[0] == ' ') {
            s++;
            continue;
        }
        unsigned v;
        char b[3] = {s[0], s[1], 0};
        v = (unsigned)strtoul(b, NULL, 16);
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

#define assert_hex(buf, hexstr)                                                                    \
    do {                                                                                           \
        uint8_t exp_[512];                                                                         \
        size_t n_ = unhex(hexstr, exp_);                                                           \
        assert_memory_equal(buf, exp_, n_);                                                        \
    } while (0)

/* MS-NLMP 4.2.4: AV pairs of the example CHALLENGE (MsvAvNbDomainName
 * "Domain", MsvAvNbComputerName "Server", MsvAvEOL). */
static const char *ti_424 = "02000c0044006f006d00610069006e00"
                            "01000c00530065007200760065007200"
                            "00000000";
#define FLAGS_424 0xe28a8233u /* 4.2.4 Challenge Flags: 33 82 8a e2 */

/* A CHALLENGE_MESSAGE with the given flags / TargetInfo (TargetName "Domain"). */
static size_t build_challenge(uint8_t *m, uint32_t flags, const uint8_t *ti, size_t tilen)
{
    static const uint8_t tn[12] = {'D', 0, 'o', 0, 'm', 0, 'a', 0, 'i', 0, 'n', 0};
    memset(m, 0, 56);
    memcpy(m, "NTLMSSP", 8);
    nt_put_le32(m + 8, 2);
    nt_put_le16(m + 12, 12);
    nt_put_le16(m + 14, 12);
    nt_put_le32(m + 16, 56);
    nt_put_le32(m + 20, flags);
    unhex("0123456789abcdef", m + 24);
    nt_put_le16(m + 40, (uint16_t)tilen);
    nt_put_le16(m + 42, (uint16_t)tilen);
    nt_put_le32(m + 44, 68);
    m[48] = 6; /* Version 6.0.6000, revision 15 (as in 4.2.4.3) */
    m[50] = 0x70;
    m[51] = 0x17;
    m[55] = 15;
    memcpy(m + 56, tn, 12);
    memcpy(m + 68, ti, tilen);
    return 68 + tilen;
}

static const uint8_t *field(const uint8_t *msg, size_t at, size_t *len)
{
    *len = nt_le16(msg + at);
    return msg + nt_le32(msg + at + 4);
}

/* ---- MS-NLMP 4.2.4 vectors ---- */

static void ntowfv2_4_2_4_1_1(void **state)
{
    uint8_t k[16];
    assert_true(ntlm_ntowfv2("User", "Domain", "Password", k));
    assert_hex(k, "0c868a403bfd7a93a3001ef22ef02e3f"); /* 4.2.4.1.1 NTOWFv2 */
    /* user is upper-cased, the domain is not */
    uint8_t k2[16];
    assert_true(ntlm_ntowfv2("USER", "Domain", "Password", k2));
    assert_memory_equal(k, k2, 16);
    assert_true(ntlm_ntowfv2("User", "DOMAIN", "Password", k2));
    assert_memory_not_equal(k, k2, 16);
}

static void lmv2_4_2_4_2_1(void **state)
{
    uint8_t k[16], sc[8], cc[8], lm[24];
    assert_true(ntlm_ntowfv2("User", "Domain", "Password", k));
    unhex("0123456789abcdef", sc);
    memset(cc, 0xaa, 8);
    assert_true(ntlm_lmv2_response(k, sc, cc, lm));
    assert_hex(lm, "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa"); /* 4.2.4.2.1 */
}

static void ntproof_and_keys_4_2_4(void **state)
{
    uint8_t k[16], sc[8], temp[128], proof[16], base[16], ek[16];
    size_t tl = 0;
    assert_true(ntlm_ntowfv2("User", "Domain", "Password", k));
    unhex("0123456789abcdef", sc);
    /* temp = 0101 Z(6) Time(0) ClientChallenge Z(4) AvPairs Z(4) (3.3.2) */
    tl = unhex("0101000000000000 0000000000000000 aaaaaaaaaaaaaaaa 00000000", temp);
    tl += unhex(ti_424, temp + tl);
    tl += unhex("00000000", temp + tl);
    assert_true(ntlm_v2_proof(k, sc, temp, tl, proof));
    assert_hex(proof, "68cd0ab851e51c96aabc927bebef6a1c"); /* 4.2.4.2.2 NTProofStr */
    assert_true(ntlm_v2_session_base_key(k, proof, base));
    assert_hex(base, "8de40ccadbc14a82f15cb0ad0de95ca3"); /* 4.2.4.1.2 SessionBaseKey */
    memset(ek, 0x55, 16);
    assert_true(nt_rc4(base, 16, ek, 16));
    assert_hex(ek, "c5dad2544fc9799094ce1ce90bc9d03e"); /* 4.2.4.2.3 EncryptedSessionKey */
}

static void sign_seal_keys_4_2_4_4(void **state)
{
    uint8_t key[16], sk[16], ck[16];
    memset(key, 0x55, 16);
    assert_true(ntlm_seal_key(key, true, ck));
    assert_hex(ck, "59f600973cc4960a25480a7c196e4c58"); /* 4.2.4.4 SEALKEY */
    assert_true(ntlm_sign_key(key, true, sk));
    assert_hex(sk, "4788dc861b4782f35d43fd98fe1a2d39"); /* 4.2.4.4 SIGNKEY */
    /* server-to-client keys differ */
    uint8_t s2[16];
    assert_true(ntlm_sign_key(key, false, s2));
    assert_memory_not_equal(s2, sk, 16);
}

static void seal_4_2_4_4(void **state)
{
    uint8_t key[16], sk[16], ck[16], sig[16];
    uint8_t data[18] = {'P', 0, 'l', 0, 'a', 0, 'i', 0, 'n', 0, 't', 0, 'e', 0, 'x', 0, 't', 0};
    memset(key, 0x55, 16);
    assert_true(ntlm_seal_key(key, true, ck));
    assert_true(ntlm_sign_key(key, true, sk));
    nt_rc4_state rc4;
    nt_rc4_init(&rc4, ck, 16);
    assert_true(ntlm_seal(sk, &rc4, 0, data, sizeof data, sig));
    assert_hex(data, "54e50165bf1936dc996020c1811b0f06fb5f");      /* 4.2.4.4 Data */
    assert_hex(sig, "010000007fb38ec5c55d497600000000");           /* 4.2.4.4 Signature */
}

static void mac_checksum_4_2_4_4(void **state)
{
    /* 4.2.4.4 Checksum: HMAC_MD5(SigningKey, SeqNum || Message)[0..7],
     * before its RC4 encryption. */
    uint8_t key[16], sk[16], buf[22] = {0}, mac[16];
    const uint8_t pt[18] = {'P', 0, 'l', 0, 'a', 0, 'i', 0, 'n', 0, 't', 0, 'e', 0, 'x', 0, 't', 0};
    memset(key, 0x55, 16);
    assert_true(ntlm_sign_key(key, true, sk));
    memcpy(buf + 4, pt, sizeof pt);
    assert_true(nt_hmac(NT_HASH_MD5, sk, 16, buf, sizeof buf, mac));
    assert_hex(mac, "70352851f2564309");
}

/* ---- AUTHENTICATE building ---- */

static ntlm_inject inject_424(bool spec)
{
    ntlm_inject inj;
    memset(&inj, 0, sizeof inj);
    inj.time = 0;
    memset(inj.client_challenge, 0xaa, 8);
    memset(inj.exported_key, 0x55, 16);
    inj.spec_blob = spec;
    return inj;
}

static void start(ntlm_ctx *n, const char *user, const char *dom, const char *pw)
{
    nt_creds c = {(char *)user, (char *)dom, (char *)pw};
    uint8_t *neg;
    size_t neglen;
    assert_int_equal(ntlm_init(n, &c, "COMPUTER"), NT_OK);
    assert_int_equal(ntlm_negotiate(n, &neg, &neglen), NT_OK);
    assert_int_equal(neglen, 40);
    assert_memory_equal(neg, "NTLMSSP\0\1\0\0\0", 12);
    assert_int_equal(nt_le32(neg + 12), NTLM_CLIENT_FLAGS);
    free(neg);
}

static void authenticate_spec_4_2_4(void **state)
{
    uint8_t ti[64], chal[256], *auth;
    size_t tilen = unhex(ti_424, ti), clen = build_challenge(chal, FLAGS_424, ti, tilen), alen, l;
    ntlm_ctx n;
    start(&n, "User", "Domain", "Password");
    ntlm_inject inj = inject_424(true);
    assert_int_equal(ntlm_authenticate(&n, chal, clen, &inj, &auth, &alen), NT_OK);
    assert_memory_equal(auth, "NTLMSSP\0\3\0\0\0", 12);
    const uint8_t *p = field(auth, 12, &l);
    assert_int_equal(l, 24);
    assert_hex(p, "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa"); /* 4.2.4.2.1 */
    p = field(auth, 20, &l);
    assert_int_equal(l, 16 + 28 + tilen + 4);
    assert_hex(p, "68cd0ab851e51c96aabc927bebef6a1c"                   /* 4.2.4.2.2 */
                  "01010000000000000000000000000000aaaaaaaaaaaaaaaa00000000"
                  "02000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000");
    p = field(auth, 52, &l);
    assert_int_equal(l, 16);
    assert_hex(p, "c5dad2544fc9799094ce1ce90bc9d03e"); /* 4.2.4.2.3 */
    p = field(auth, 28, &l);
    assert_int_equal(l, 12);
    assert_memory_equal(p, "D\0o\0m\0a\0i\0n\0", 12);
    p = field(auth, 36, &l);
    assert_int_equal(l, 8);
    assert_memory_equal(p, "U\0s\0e\0r\0", 8); /* not upper-cased on the wire */
    p = field(auth, 44, &l);
    assert_int_equal(l, 16);
    assert_memory_equal(p, "C\0O\0M\0P\0U\0T\0E\0R\0", 16);
    uint32_t f = nt_le32(auth + 60);
    assert_true(f & NTLMSSP_NEGOTIATE_KEY_EXCH);
    assert_true(f & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY);
    assert_false(f & NTLMSSP_ANONYMOUS);
    /* keys derived from the exported key 55*16 (4.2.4.4) */
    assert_true(n.have_key);
    assert_hex(n.client_sign, "4788dc861b4782f35d43fd98fe1a2d39");
    uint8_t zero[16] = {0};
    assert_memory_equal(auth + 72, zero, 16); /* spec mode: no MIC */
    free(auth);
    ntlm_free(&n);
}

/* Production blob: server pairs + MsvAvFlags(MIC) + channel bindings; MIC
 * over the three messages; LMv2 since the server sent no timestamp. */
static void authenticate_mic(void **state)
{
    uint8_t ti[64], chal[256], *auth;
    size_t tilen = unhex(ti_424, ti), clen = build_challenge(chal, FLAGS_424, ti, tilen), alen, l;
    ntlm_ctx n;
    start(&n, "User", "Domain", "Password");
    ntlm_inject inj = inject_424(false);
    assert_int_equal(ntlm_authenticate(&n, chal, clen, &inj, &auth, &alen), NT_OK);
    const uint8_t *lm = field(auth, 12, &l);
    assert_hex(lm, "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa");
    const uint8_t *nt = field(auth, 20, &l);
    /* the blob: header, then Domain, Server, Flags=2, ChannelBindings Z(16), EOL, Z(4) */
    assert_int_equal(l, 16 + 28 + (tilen - 4) + 8 + 20 + 4 + 4);
    const uint8_t *av = nt + 16 + 28 + (tilen - 4);
    assert_hex(av, "0600040002000000" "0a001000" "00000000000000000000000000000000" "00000000" "00000000");
    /* server-side check of the NTLMv2 response and the key exchange */
    uint8_t k[16], proof[16], base[16], ek[16];
    assert_true(ntlm_ntowfv2("User", "Domain", "Password", k));
    assert_true(ntlm_v2_proof(k, chal + 24, nt + 16, l - 16, proof));
    assert_memory_equal(proof, nt, 16);
    assert_true(ntlm_v2_session_base_key(k, proof, base));
    const uint8_t *e = field(auth, 52, &l);
    assert_int_equal(l, 16);
    memcpy(ek, e, 16);
    assert_true(nt_rc4(base, 16, ek, 16));
    assert_hex(ek, "55555555555555555555555555555555");
    /* MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE(MIC=0)) */
    uint8_t cat[1024], mic[16];
    size_t cl = 0;
    memcpy(cat, n.negotiate, n.negotiate_len);
    cl += n.negotiate_len;
    memcpy(cat + cl, chal, clen);
    cl += clen;
    memcpy(cat + cl, auth, alen);
    memset(cat + cl + 72, 0, 16);
    cl += alen;
    assert_true(nt_hmac(NT_HASH_MD5, ek, 16, cat, cl, mic));
    assert_memory_equal(mic, auth + 72, 16);
    assert_true(n.mic_sent);
    free(auth);
    ntlm_free(&n);
}

/* MsvAvTimestamp in the CHALLENGE: that time goes into the blob and the LM
 * response is Z(24) (MS-NLMP 3.1.5.1.2). */
static void authenticate_server_timestamp(void **state)
{
    uint8_t ti[96], chal[256], *auth;
    size_t tilen = unhex("02000c0044006f006d00610069006e00"
                         "070008000102030405060708"
                         "00000000",
                         ti);
    size_t clen = build_challenge(chal, FLAGS_424, ti, tilen), alen, l;
    ntlm_ctx n;
    start(&n, "User", "Domain", "Password");
    ntlm_inject inj = inject_424(false);
    inj.time = 0x1122334455667788ull;
    assert_int_equal(ntlm_authenticate(&n, chal, clen, &inj, &auth, &alen), NT_OK);
    const uint8_t *lm = field(auth, 12, &l);
    uint8_t z[24] = {0};
    assert_int_equal(l, 24);
    assert_memory_equal(lm, z, 24);
    const uint8_t *nt = field(auth, 20, &l);
    assert_hex(nt + 16 + 8, "0102030405060708");
    free(auth);
    ntlm_free(&n);
}

static void authenticate_anonymous(void **state)
{
    uint8_t ti[64], chal[256], *auth;
    size_t tilen = unhex(ti_424, ti), clen = build_challenge(chal, FLAGS_424, ti, tilen), alen, l;
    ntlm_ctx n;
    start(&n, NULL, NULL, NULL);
    assert_true(n.anonymous);
    assert_int_equal(ntlm_authenticate(&n, chal, clen, NULL, &auth, &alen), NT_OK);
    const uint8_t *p = field(auth, 12, &l);
    assert_int_equal(l, 1);
    assert_int_equal(p[0], 0);
    field(auth, 20, &l);
    assert_int_equal(l, 0);
    field(auth, 52, &l);
    assert_int_equal(l, 0);
    field(auth, 36, &l);
    assert_int_equal(l, 0);
    uint32_t f = nt_le32(auth + 60);
    assert_true(f & NTLMSSP_ANONYMOUS);
    assert_false(f & NTLMSSP_NEGOTIATE_KEY_EXCH);
    uint8_t zero[16] = {0};
    assert_memory_equal(auth + 72, zero, 16);
    assert_false(n.have_key);
    free(auth);
    ntlm_free(&n);
}

static void authenticate_needs_ess_and_unicode(void **state)
{
    uint8_t ti[64], chal[256], *auth = NULL;
    size_t tilen = unhex(ti_424, ti), alen;
    ntlm_ctx n;
    start(&n, "User", "Domain", "Password");
    size_t clen = build_challenge(chal, FLAGS_424 & ~NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY, ti, tilen);
    assert_int_equal(ntlm_authenticate(&n, chal, clen, NULL, &auth, &alen), NT_ERROR_UNEXP_NET_ERR);
    clen = build_challenge(chal, FLAGS_424 & ~NTLMSSP_NEGOTIATE_UNICODE, ti, tilen);
    assert_int_equal(ntlm_authenticate(&n, chal, clen, NULL, &auth, &alen), NT_ERROR_UNEXP_NET_ERR);
    assert_null(auth);
    ntlm_free(&n);
}

static void authenticate_random_differs(void **state)
{
    /* without injection the client challenge and exported key are random */
    uint8_t ti[64], chal[256], *a1, *a2;
    size_t tilen = unhex(ti_424, ti), clen = build_challenge(chal, FLAGS_424, ti, tilen), l1, l2;
    ntlm_ctx n1, n2;
    start(&n1, "User", "Domain", "Password");
    start(&n2, "User", "Domain", "Password");
    assert_int_equal(ntlm_authenticate(&n1, chal, clen, NULL, &a1, &l1), NT_OK);
    assert_int_equal(ntlm_authenticate(&n2, chal, clen, NULL, &a2, &l2), NT_OK);
    assert_int_equal(l1, l2);
    assert_memory_not_equal(n1.exported_key, n2.exported_key, 16);
    free(a1);
    free(a2);
    ntlm_free(&n1);
    ntlm_free(&n2);
}

/* ---- malformed CHALLENGE ---- */

static uint32_t parse(const uint8_t *m, size_t len)
{
    ntlm_challenge ch;
    return ntlm_parse_challenge(m, len, &ch);
}

static void challenge_valid(void **state)
{
    uint8_t ti[64], chal[256];
    size_t tilen = unhex(ti_424, ti), clen = build_challenge(chal, FLAGS_424, ti, tilen);
    ntlm_challenge ch;
    assert_int_equal(ntlm_parse_challenge(chal, clen, &ch), NT_OK);
    assert_int_equal(ch.flags, FLAGS_424);
    assert_hex(ch.server_challenge, "0123456789abcdef");
    assert_int_equal(ch.target_info_len, tilen);
    assert_false(ch.has_timestamp);
}

static void challenge_short(void **state)
{
    uint8_t ti[64], chal[256];
    size_t tilen = unhex(ti_424, ti), clen = build_challenge(chal, FLAGS_424, ti, tilen);
    for (size_t i = 0; i < clen; i++)
        assert_int_equal(parse(chal, i), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse(NULL, 100), NT_ERROR_UNEXP_NET_ERR);
}

static void challenge_bad_signature_type(void **state)
{
    uint8_t ti[64], chal[256];
    size_t tilen = unhex(ti_424, ti), clen = build_challenge(chal, FLAGS_424, ti, tilen);
    chal[0] = 'X';
    assert_int_equal(parse(chal, clen), NT_ERROR_UNEXP_NET_ERR);
    chal[0] = 'N';
    chal[7] = 'x';
    assert_int_equal(parse(chal, clen), NT_ERROR_UNEXP_NET_ERR);
    chal[7] = 0;
    nt_put_le32(chal + 8, 3);
    assert_int_equal(parse(chal, clen), NT_ERROR_UNEXP_NET_ERR);
    nt_put_le32(chal + 8, 0x102);
    assert_int_equal(parse(chal, clen), NT_ERROR_UNEXP_NET_ERR);
}

static void challenge_secbuf_beyond_end(void **state)
{
    uint8_t ti[64], chal[256];
    size_t tilen = unhex(ti_424, ti), clen = build_challenge(chal, FLAGS_424, ti, tilen);
    uint8_t m[256];
    /* TargetInfo one byte too long */
    memcpy(m, chal, clen);
    nt_put_le16(m + 40, (uint16_t)(tilen + 1));
    assert_int_equal(parse(m, clen), NT_ERROR_UNEXP_NET_ERR);
    /* TargetInfo offset past the end / wrapping */
    memcpy(m, chal, clen);
    nt_put_le32(m + 44, (uint32_t)clen);
    assert_int_equal(parse(m, clen), NT_ERROR_UNEXP_NET_ERR);
    nt_put_le32(m + 44, 0xFFFFFFF0u);
    assert_int_equal(parse(m, clen), NT_ERROR_UNEXP_NET_ERR);
    /* TargetName beyond the end, huge length */
    memcpy(m, chal, clen);
    nt_put_le16(m + 12, 0xFFFF);
    assert_int_equal(parse(m, clen), NT_ERROR_UNEXP_NET_ERR);
    memcpy(m, chal, clen);
    nt_put_le32(m + 16, 0xFFFFFFFFu);
    assert_int_equal(parse(m, clen), NT_ERROR_UNEXP_NET_ERR);
    /* a payload pointing into the fixed header */
    memcpy(m, chal, clen);
    nt_put_le32(m + 16, 8);
    assert_int_equal(parse(m, clen), NT_ERROR_UNEXP_NET_ERR);
    /* MaxLen is ignored on receipt (MS-NLMP 2.2.1.2) */
    memcpy(m, chal, clen);
    nt_put_le16(m + 42, 0);
    assert_int_equal(parse(m, clen), NT_OK);
    /* an empty TargetName with a junk offset reads nothing: accepted */
    memcpy(m, chal, clen);
    nt_put_le16(m + 12, 0);
    nt_put_le32(m + 16, 0xFFFFFFFFu);
    assert_int_equal(parse(m, clen), NT_OK);
}

static void challenge_huge(void **state)
{
    size_t big = 0x10000 + 64;
    uint8_t *m = calloc(1, big);
    uint8_t ti[64];
    size_t tilen = unhex(ti_424, ti);
    build_challenge(m, FLAGS_424, ti, tilen);
    assert_int_equal(parse(m, big), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse(m, SIZE_MAX), NT_ERROR_UNEXP_NET_ERR);
    free(m);
}

static uint32_t parse_ti(const char *hex)
{
    uint8_t ti[600], chal[700];
    size_t tilen = unhex(hex, ti);
    size_t clen = build_challenge(chal, FLAGS_424, ti, tilen);
    return parse(chal, clen);
}

static void challenge_avpairs(void **state)
{
    assert_int_equal(parse_ti("0100020041000000 00000000"), NT_OK);
    /* AvLen overruns the TargetInfo */
    assert_int_equal(parse_ti("01000c0041004100"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_ti("0100ffff41004100 00000000"), NT_ERROR_UNEXP_NET_ERR);
    /* missing EOL */
    assert_int_equal(parse_ti("0100020041000200 020042000100"), NT_ERROR_UNEXP_NET_ERR);
    /* truncated pair header */
    assert_int_equal(parse_ti("01000200410000"), NT_ERROR_UNEXP_NET_ERR);
    /* EOL with a length */
    assert_int_equal(parse_ti("0000020000000000"), NT_ERROR_UNEXP_NET_ERR);
    /* fixed-size pairs of the wrong size, duplicate timestamp */
    assert_int_equal(parse_ti("0600020000000000 0000"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_ti("070004000000000000000000"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_ti("0700080001020304050607080700080001020304050607080000 0000"), NT_ERROR_UNEXP_NET_ERR);
    /* too many pairs */
    char many[(NTLM_MAX_AVPAIRS + 2) * 8 + 16] = "";
    for (int i = 0; i < NTLM_MAX_AVPAIRS + 1; i++)
        strcat(many, "01000000");
    strcat(many, "00000000");
    assert_int_equal(parse_ti(many), NT_ERROR_UNEXP_NET_ERR);
}

static void challenge_timestamp(void **state)
{
    uint8_t ti[64], chal[256];
    size_t tilen = unhex("070008000102030405060708 00000000", ti);
    size_t clen = build_challenge(chal, FLAGS_424, ti, tilen);
    ntlm_challenge ch;
    assert_int_equal(ntlm_parse_challenge(chal, clen, &ch), NT_OK);
    assert_true(ch.has_timestamp);
    assert_true(ch.timestamp == 0x0807060504030201ull);
}

/* ---- credentials ---- */

static void creds_plain(void **state)
{
    nt_creds c = {0};
    assert_true(nt_creds_is_anonymous(&c));
    assert_true(nt_creds_set_user(&c, "alice"));
    assert_string_equal(c.user, "alice");
    assert_null(c.domain);
    assert_false(nt_creds_is_anonymous(&c));
    nt_creds_clear(&c);
    assert_null(c.user);
}

static void creds_backslash(void **state)
{
    nt_creds c = {0};
    assert_true(nt_creds_set_user(&c, "DOM\\bob"));
    assert_string_equal(c.user, "bob");
    assert_string_equal(c.domain, "DOM");
    /* replacing drops the old domain */
    assert_true(nt_creds_set_user(&c, "carol"));
    assert_string_equal(c.user, "carol");
    assert_null(c.domain);
    nt_creds_clear(&c);
}

static void creds_upn(void **state)
{
    nt_creds c = {0};
    assert_true(nt_creds_set_user(&c, "dave@example.com"));
    assert_string_equal(c.user, "dave");
    assert_string_equal(c.domain, "example.com");
    nt_creds_clear(&c);
}

static void creds_invalid(void **state)
{
    nt_creds c = {0};
    assert_true(nt_creds_set_user(&c, "keep"));
    assert_false(nt_creds_set_user(&c, "DOM\\"));
    assert_false(nt_creds_set_user(&c, "\\user"));
    assert_false(nt_creds_set_user(&c, "@dom"));
    assert_false(nt_creds_set_user(&c, "user@"));
    assert_false(nt_creds_set_user(&c, "a\\b\\c"));
    assert_false(nt_creds_set_user(NULL, "x"));
    assert_string_equal(c.user, "keep"); /* unchanged on failure */
    nt_creds_clear(&c);
}

static void creds_anonymous(void **state)
{
    nt_creds c = {0};
    assert_true(nt_creds_set_user(&c, "x"));
    assert_true(nt_creds_set_user(&c, ""));
    assert_true(nt_creds_is_anonymous(&c));
    assert_true(nt_creds_set_user(&c, NULL));
    assert_true(nt_creds_is_anonymous(&c));
    assert_true(nt_creds_is_anonymous(NULL));
    nt_creds e = {(char *)"", NULL, NULL};
    assert_true(nt_creds_is_anonymous(&e));
    nt_creds_clear(&c);
    nt_creds_clear(NULL);
}

static void creds_clear_password(void **state)
{
    nt_creds c = {0};
    c.password = strdup("secret");
    assert_true(nt_creds_set_user(&c, "DOM\\u"));
    assert_string_equal(c.password, "secret"); /* set_user leaves the password */
    nt_creds_clear(&c);
    assert_null(c.password);
    assert_null(c.domain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ntowfv2_4_2_4_1_1),
        cmocka_unit_test(lmv2_4_2_4_2_1),
        cmocka_unit_test(ntproof_and_keys_4_2_4),
        cmocka_unit_test(sign_seal_keys_4_2_4_4),
        cmocka_unit_test(seal_4_2_4_4),
        cmocka_unit_test(mac_checksum_4_2_4_4),
        cmocka_unit_test(authenticate_spec_4_2_4),
        cmocka_unit_test(authenticate_mic),
        cmocka_unit_test(authenticate_server_timestamp),
        cmocka_unit_test(authenticate_anonymous),
        cmocka_unit_test(authenticate_needs_ess_and_unicode),
        cmocka_unit_test(authenticate_random_differs),
        cmocka_unit_test(challenge_valid),
        cmocka_unit_test(challenge_short),
        cmocka_unit_test(challenge_bad_signature_type),
        cmocka_unit_test(challenge_secbuf_beyond_end),
        cmocka_unit_test(challenge_huge),
        cmocka_unit_test(challenge_avpairs),
        cmocka_unit_test(challenge_timestamp),
        cmocka_unit_test(creds_plain),
        cmocka_unit_test(creds_backslash),
        cmocka_unit_test(creds_upn),
        cmocka_unit_test(creds_invalid),
        cmocka_unit_test(creds_anonymous),
        cmocka_unit_test(creds_clear_password),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
