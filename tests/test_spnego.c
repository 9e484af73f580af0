/*
 * SPNEGO (dll/auth/spnego.c) unit tests: DER round trips, strict rejection of
 * malformed tokens, and the whole auth_start / auth_step / auth_finish
 * exchange against an in-test NTLM "server" that checks the NTLMv2 response,
 * the key exchange, the NTLM MIC and the mechListMIC (RFC 4178, MS-SPNG).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "auth/ntlm_internal.h"
#include "auth/spnego_internal.h"

static size_t unhex(const char *s, uint8_t *out)
{
    size_t n = 0;
    while (s[0] && s[1]) {
        if (s[0] == ' ') {
            s++;
            continue;
        }
        char b[3] = {s[0], s[1], 0};
        out[n++] = (uint8_t)strtoul(b, NULL, 16);
        s += 2;
    }
    return n;
}

static uint32_t parse_hex(const char *hex)
{
    uint8_t b[512];
    spnego_resp r;
    size_t n = unhex(hex, b);
    return spnego_parse_resp(b, n, &r);
}

/* ---- DER ---- */

static void init_exact_bytes(void **state)
{
    uint8_t *t;
    size_t tl;
    const uint8_t tok[3] = {1, 2, 3};
    assert_int_equal(spnego_build_init(tok, 3, &t, &tl), NT_OK);
    uint8_t want[64];
    size_t wl = unhex("6023 06062b0601050502 a019 3017 a00e 300c060a2b06010401823702020a a205 0403 010203", want);
    assert_int_equal(tl, wl);
    assert_memory_equal(t, want, wl);
    free(t);
}

static void init_round_trip(void **state)
{
    /* long-form lengths: a 300-byte token */
    uint8_t tok[300];
    for (size_t i = 0; i < sizeof tok; i++)
        tok[i] = (uint8_t)i;
    uint8_t *t;
    size_t tl;
    assert_int_equal(spnego_build_init(tok, sizeof tok, &t, &tl), NT_OK);
    spnego_init p;
    assert_int_equal(spnego_parse_init(t, tl, &p), NT_OK);
    assert_true(p.first_is_ntlm);
    assert_int_equal(p.mech_types_len, sizeof spnego_mech_types);
    assert_memory_equal(p.mech_types, spnego_mech_types, sizeof spnego_mech_types);
    assert_int_equal(p.mech_token_len, sizeof tok);
    assert_memory_equal(p.mech_token, tok, sizeof tok);
    /* every truncation fails cleanly */
    for (size_t i = 0; i < tl; i++)
        assert_int_equal(spnego_parse_init(t, i, &p), NT_ERROR_UNEXP_NET_ERR);
    free(t);
}

static void resp_round_trip(void **state)
{
    uint8_t tok[200], mic[16], *t;
    size_t tl;
    memset(tok, 0x11, sizeof tok);
    memset(mic, 0x22, sizeof mic);
    assert_int_equal(spnego_build_resp(tok, sizeof tok, mic, 16, &t, &tl), NT_OK);
    spnego_resp r;
    assert_int_equal(spnego_parse_resp(t, tl, &r), NT_OK);
    assert_int_equal(r.neg_state, -1);
    assert_false(r.has_mech);
    assert_int_equal(r.token_len, sizeof tok);
    assert_memory_equal(r.token, tok, sizeof tok);
    assert_int_equal(r.mic_len, 16);
    assert_memory_equal(r.mic, mic, 16);
    for (size_t i = 0; i < tl; i++)
        assert_int_equal(spnego_parse_resp(t, i, &r), NT_ERROR_UNEXP_NET_ERR);
    free(t);
    /* without a MIC */
    assert_int_equal(spnego_build_resp(tok, 5, NULL, 16, &t, &tl), NT_OK);
    assert_int_equal(spnego_parse_resp(t, tl, &r), NT_OK);
    assert_null(r.mic);
    free(t);
}

/* A typical first server reply: accept-incomplete, NTLMSSP, token "ABC". */
#define GOOD_RESP "a11c 301a a0030a0101 a10c060a2b06010401823702020a a2050403414243"

static void resp_valid(void **state)
{
    uint8_t b[128];
    size_t n = unhex(GOOD_RESP, b);
    spnego_resp r;
    assert_int_equal(spnego_parse_resp(b, n, &r), NT_OK);
    assert_int_equal(r.neg_state, SPNEGO_ACCEPT_INCOMPLETE);
    assert_true(r.has_mech);
    assert_int_equal(r.token_len, 3);
    assert_memory_equal(r.token, "ABC", 3);
    /* final reply: accept-completed only */
    assert_int_equal(parse_hex("a107 3005 a0030a0100"), NT_OK);
}

static void resp_truncated(void **state)
{
    uint8_t b[128];
    size_t n = unhex(GOOD_RESP, b);
    spnego_resp r;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(spnego_parse_resp(b, i, &r), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(spnego_parse_resp(NULL, 10, &r), NT_ERROR_UNEXP_NET_ERR);
}

static void resp_length_beyond_parent(void **state)
{
    /* outer length larger than the buffer */
    assert_int_equal(parse_hex("a11d 301a a0030a0101 a10c060a2b06010401823702020a a2050403414243"),
                     NT_ERROR_UNEXP_NET_ERR);
    /* SEQUENCE longer than its [1] parent */
    assert_int_equal(parse_hex("a11c 301b a0030a0101 a10c060a2b06010401823702020a a2050403414243 00"),
                     NT_ERROR_UNEXP_NET_ERR);
    /* OCTET STRING longer than its [2] parent */
    assert_int_equal(parse_hex("a11c 301a a0030a0101 a10c060a2b06010401823702020a a2050404414243"),
                     NT_ERROR_UNEXP_NET_ERR);
    /* huge long-form length */
    assert_int_equal(parse_hex("a184ffffffff 3000"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_hex("a1857fffffffff 3000"), NT_ERROR_UNEXP_NET_ERR);
    /* trailing bytes after the token */
    assert_int_equal(parse_hex("a107 3005 a0030a0100 00"), NT_ERROR_UNEXP_NET_ERR);
    /* two TLVs inside an explicit tag */
    assert_int_equal(parse_hex("a10c 300a a0080a01000a0100"), NT_ERROR_UNEXP_NET_ERR);
}

static void resp_indefinite_length(void **state)
{
    assert_int_equal(parse_hex("a180 3005 a0030a0100 0000"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_hex("a109 3080 a0030a0100 0000"), NT_ERROR_UNEXP_NET_ERR);
}

static void resp_wrong_mech(void **state)
{
    /* Kerberos 1.2.840.113554.1.2.2 */
    assert_int_equal(parse_hex("a11b 3019 a0030a0101 a10b06092a864886f712010202 a2050403414243"),
                     NT_ERROR_UNEXP_NET_ERR);
    /* NTLMSSP OID with one byte changed */
    assert_int_equal(parse_hex("a11c 301a a0030a0101 a10c060a2b06010401823702020b a2050403414243"),
                     NT_ERROR_UNEXP_NET_ERR);
}

static void resp_bad_fields(void **state)
{
    /* out of order, duplicate, unknown tag, wrong inner types */
    assert_int_equal(parse_hex("a10c 300a a2030401aa a0030a0101"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_hex("a10c 300a a0030a0101 a0030a0101"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_hex("a107 3005 a4030401aa"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_hex("a107 3005 a0030201 01"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_hex("a108 3006 a0040a020001"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_hex("a107 3005 a0030a0104"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_hex("a107 3005 a2030a0101"), NT_ERROR_UNEXP_NET_ERR);
    /* not a NegTokenResp, high tag number form */
    assert_int_equal(parse_hex("a007 3005 a0030a0100"), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(parse_hex("bf1f07 3005 a0030a0100"), NT_ERROR_UNEXP_NET_ERR);
}

static void init_malformed(void **state)
{
    spnego_init p;
    uint8_t b[128];
    size_t n;
    /* wrong GSS mechanism OID */
    n = unhex("6023 06062b0601050503 a019 3017 a00e 300c060a2b06010401823702020a a205 0403 010203", b);
    assert_int_equal(spnego_parse_init(b, n, &p), NT_ERROR_UNEXP_NET_ERR);
    /* empty mechTypes */
    n = unhex("6017 06062b0601050502 a00d 300b a002 3000 a205 0403 010203", b);
    assert_int_equal(spnego_parse_init(b, n, &p), NT_ERROR_UNEXP_NET_ERR);
    /* indefinite length */
    n = unhex("6080 06062b0601050502 a019 3017 a00e 300c060a2b06010401823702020a a205 0403 010203 0000", b);
    assert_int_equal(spnego_parse_init(b, n, &p), NT_ERROR_UNEXP_NET_ERR);
    /* a first mech other than NTLMSSP is reported, not rejected */
    n = unhex("6021 06062b0601050502 a017 3015 a00d 300b06092a864886f712010202 a204 0402 0102", b);
    assert_int_equal(spnego_parse_init(b, n, &p), NT_OK);
    assert_false(p.first_is_ntlm);
}

/* ---- full exchange with an in-test server ---- */

typedef struct server {
    uint8_t chal[256];
    size_t chal_len;
    uint8_t neg[64];
    size_t neg_len;
    uint8_t exported[16];
} server;

static size_t build_challenge(uint8_t *m, bool timestamp)
{
    uint8_t ti[64];
    size_t tilen = unhex(timestamp ? "02000c0044006f006d00610069006e00 070008000102030405060708 00000000"
                                   : "02000c0044006f006d00610069006e00 00000000",
                         ti);
    memset(m, 0, 56);
    memcpy(m, "NTLMSSP", 8);
    nt_put_le32(m + 8, 2);
    nt_put_le32(m + 16, 56);
    nt_put_le32(m + 20, 0xe28a8235u);
    unhex("0123456789abcdef", m + 24);
    nt_put_le16(m + 40, (uint16_t)tilen);
    nt_put_le16(m + 42, (uint16_t)tilen);
    nt_put_le32(m + 44, 56);
    memcpy(m + 56, ti, tilen);
    return 56 + tilen;
}

/* Server reply carrying the CHALLENGE (accept-incomplete, NTLMSSP). */
static void reply1(server *s, int neg_state, uint8_t **out, size_t *outlen)
{
    nt_wr w;
    nt_wr_init(&w, 0);
    size_t tl = s->chal_len;
    size_t seq = 5 + 14 + (4 + tl) + 2; /* [0] + [1] + [2](04 tok) */
    nt_wr_u8(&w, 0xa1);
    nt_wr_u8(&w, 0x81);
    nt_wr_u8(&w, (uint8_t)(seq + 3));
    nt_wr_u8(&w, 0x30);
    nt_wr_u8(&w, 0x81);
    nt_wr_u8(&w, (uint8_t)seq);
    uint8_t hdr[32];
    size_t n = unhex("a0030a01", hdr);
    nt_wr_bytes(&w, hdr, n);
    nt_wr_u8(&w, (uint8_t)neg_state);
    n = unhex("a10c060a2b06010401823702020a", hdr);
    nt_wr_bytes(&w, hdr, n);
    nt_wr_u8(&w, 0xa2);
    nt_wr_u8(&w, 0x81);
    nt_wr_u8(&w, (uint8_t)(tl + 3));
    nt_wr_u8(&w, 0x04);
    nt_wr_u8(&w, 0x81);
    nt_wr_u8(&w, (uint8_t)tl);
    nt_wr_bytes(&w, s->chal, tl);
    assert_false(w.bad);
    *out = nt_wr_take(&w, outlen);
}

/* Final reply: negState and optionally mechListMIC (bad = corrupt it). */
static size_t reply2(server *s, uint8_t *out, int neg_state, bool with_mic, bool bad)
{
    size_t n = 0;
    out[n++] = 0xa1;
    out[n++] = (uint8_t)(7 + (with_mic ? 20 : 0));
    out[n++] = 0x30;
    out[n++] = (uint8_t)(5 + (with_mic ? 20 : 0));
    n += unhex("a0030a01", out + n);
    out[n++] = (uint8_t)neg_state;
    if (with_mic) {
        uint8_t sk[16], ck[16];
        nt_rc4_state rc4;
        assert_true(ntlm_sign_key(s->exported, false, sk));
        assert_true(ntlm_seal_key(s->exported, false, ck));
        nt_rc4_init(&rc4, ck, 16);
        n += unhex("a0120410", out + n);
        out[n - 4] = 0xa3;
        assert_true(ntlm_mac(sk, &rc4, 0, spnego_mech_types, sizeof spnego_mech_types, out + n));
        if (bad)
            out[n + 5] ^= 1;
        n += 16;
    }
    return n;
}

/* Runs start + step, checks everything a server would. */
static auth_ctx *handshake(server *s, const nt_creds *c, bool timestamp)
{
    auth_ctx *a;
    uint8_t *tok, *r1, *tok2;
    size_t toklen, r1len, tok2len;
    assert_int_equal(auth_start(c, "WS", &a, &tok, &toklen), NT_OK);
    spnego_init in;
    assert_int_equal(spnego_parse_init(tok, toklen, &in), NT_OK);
    assert_true(in.first_is_ntlm);
    assert_int_equal(in.mech_token_len, 40);
    memcpy(s->neg, in.mech_token, 40);
    s->neg_len = 40;
    free(tok);

    s->chal_len = build_challenge(s->chal, timestamp);
    reply1(s, SPNEGO_ACCEPT_INCOMPLETE, &r1, &r1len);
    assert_int_equal(auth_step(a, r1, r1len, &tok2, &tok2len), NT_OK);
    free(r1);

    spnego_resp r;
    assert_int_equal(spnego_parse_resp(tok2, tok2len, &r), NT_OK);
    const uint8_t *m = r.token;
    assert_non_null(m);
    assert_memory_equal(m, "NTLMSSP\0\3\0\0\0", 12);
    if (nt_creds_is_anonymous(c)) {
        assert_null(r.mic);
        assert_true(auth_is_anonymous(a));
        uint8_t k[16];
        assert_false(auth_session_key(a, k));
        free(tok2);
        return a;
    }
    /* server side: NTLMv2 proof, key exchange, MIC */
    size_t ntl = nt_le16(m + 20), nto = nt_le32(m + 24), ekl = nt_le16(m + 52), eko = nt_le32(m + 56);
    assert_true(nto + ntl <= r.token_len && eko + ekl <= r.token_len);
    assert_int_equal(ekl, 16);
    uint8_t k[16], proof[16], base[16];
    assert_true(ntlm_ntowfv2(c->user, c->domain ? c->domain : "", c->password, k));
    assert_true(ntlm_v2_proof(k, s->chal + 24, m + nto + 16, ntl - 16, proof));
    assert_memory_equal(proof, m + nto, 16);
    assert_true(ntlm_v2_session_base_key(k, proof, base));
    memcpy(s->exported, m + eko, 16);
    assert_true(nt_rc4(base, 16, s->exported, 16));
    uint8_t key[16];
    assert_true(auth_session_key(a, key));
    assert_memory_equal(key, s->exported, 16);
    uint8_t cat[1024], mic[16];
    size_t cl = 0;
    memcpy(cat, s->neg, s->neg_len);
    cl += s->neg_len;
    memcpy(cat + cl, s->chal, s->chal_len);
    cl += s->chal_len;
    memcpy(cat + cl, m, r.token_len);
    memset(cat + cl + 72, 0, 16);
    cl += r.token_len;
    assert_true(nt_hmac(NT_HASH_MD5, s->exported, 16, cat, cl, mic));
    assert_memory_equal(mic, m + 72, 16);
    /* mechListMIC: client sign/seal keys, seq 0, over the mechTypes DER */
    uint8_t sk[16], ck[16], want[16];
    nt_rc4_state rc4;
    assert_true(ntlm_sign_key(s->exported, true, sk));
    assert_true(ntlm_seal_key(s->exported, true, ck));
    nt_rc4_init(&rc4, ck, 16);
    assert_true(ntlm_mac(sk, &rc4, 0, spnego_mech_types, sizeof spnego_mech_types, want));
    assert_non_null(r.mic);
    assert_int_equal(r.mic_len, 16);
    assert_memory_equal(r.mic, want, 16);
    free(tok2);
    return a;
}

static nt_creds user_creds(void)
{
    nt_creds c = {(char *)"User", (char *)"Domain", (char *)"Password"};
    return c;
}

static void exchange_ok_with_mic(void **state)
{
    server s;
    nt_creds c = user_creds();
    auth_ctx *a = handshake(&s, &c, true);
    uint8_t fin[64];
    size_t n = reply2(&s, fin, SPNEGO_ACCEPT_COMPLETED, true, false);
    assert_int_equal(auth_finish(a, fin, n), NT_OK);
    uint8_t k[16];
    assert_true(auth_session_key(a, k));
    assert_memory_equal(k, s.exported, 16);
    assert_false(auth_is_anonymous(a));
    /* a second finish is a caller error */
    assert_int_equal(auth_finish(a, fin, n), NT_ERROR_INVALID_PARAMETER);
    auth_free(a);
}

static void exchange_no_timestamp(void **state)
{
    server s;
    nt_creds c = user_creds();
    auth_ctx *a = handshake(&s, &c, false);
    uint8_t fin[64];
    size_t n = reply2(&s, fin, SPNEGO_ACCEPT_COMPLETED, true, false);
    assert_int_equal(auth_finish(a, fin, n), NT_OK);
    auth_free(a);
}

/* With credentials we sent a mechListMIC: the server must prove it knows the
 * password with its own (MS-SPNG 3.1.5.1), in a final token that must be
 * there; the SMB2 "success" alone proves nothing. */
static void exchange_no_final_token(void **state)
{
    server s;
    nt_creds c = user_creds();
    auth_ctx *a = handshake(&s, &c, true);
    assert_int_equal(auth_finish(a, NULL, 0), NT_ERROR_UNEXP_NET_ERR);
    uint8_t k[16];
    assert_false(auth_session_key(a, k)); /* a failed context gives no key */
    auth_free(a);
}

static void exchange_no_server_mic(void **state)
{
    for (int ts = 0; ts < 2; ts++) {
        server s;
        nt_creds c = user_creds();
        auth_ctx *a = handshake(&s, &c, ts != 0);
        uint8_t fin[64];
        size_t n = reply2(&s, fin, SPNEGO_ACCEPT_COMPLETED, false, false);
        assert_int_equal(auth_finish(a, fin, n), NT_ERROR_UNEXP_NET_ERR);
        auth_free(a);
    }
}

/* Anonymous: no MIC was sent, none is needed, no final token is fine. */
static void exchange_anonymous_no_final_token(void **state)
{
    server s;
    nt_creds c = {0};
    auth_ctx *a = handshake(&s, &c, true);
    assert_int_equal(auth_finish(a, NULL, 0), NT_OK);
    auth_free(a);
}

static void exchange_bad_server_mic(void **state)
{
    server s;
    nt_creds c = user_creds();
    auth_ctx *a = handshake(&s, &c, true);
    uint8_t fin[64];
    size_t n = reply2(&s, fin, SPNEGO_ACCEPT_COMPLETED, true, true);
    assert_int_equal(auth_finish(a, fin, n), NT_ERROR_UNEXP_NET_ERR);
    auth_free(a);
}

static void exchange_final_not_completed(void **state)
{
    int states[3] = {SPNEGO_ACCEPT_INCOMPLETE, SPNEGO_REJECT, SPNEGO_REQUEST_MIC};
    for (int i = 0; i < 3; i++) {
        server s;
        nt_creds c = user_creds();
        auth_ctx *a = handshake(&s, &c, true);
        uint8_t fin[64];
        size_t n = reply2(&s, fin, states[i], false, false);
        assert_int_equal(auth_finish(a, fin, n), NT_ERROR_LOGON_FAILURE);
        auth_free(a);
    }
    /* garbage final token */
    server s;
    nt_creds c = user_creds();
    auth_ctx *a = handshake(&s, &c, true);
    const uint8_t junk[4] = {0xa1, 0x80, 0, 0};
    assert_int_equal(auth_finish(a, junk, sizeof junk), NT_ERROR_UNEXP_NET_ERR);
    auth_free(a);
}

static void exchange_anonymous(void **state)
{
    server s;
    nt_creds c = {0};
    auth_ctx *a = handshake(&s, &c, true);
    uint8_t fin[64];
    size_t n = reply2(&s, fin, SPNEGO_ACCEPT_COMPLETED, false, false);
    assert_int_equal(auth_finish(a, fin, n), NT_OK);
    auth_free(a);
}

static void step_rejects(void **state)
{
    nt_creds c = user_creds();
    server s;
    uint8_t *tok, *r1, *out = NULL;
    size_t toklen, r1len, outlen;
    auth_ctx *a;
    /* server says reject in its first reply */
    assert_int_equal(auth_start(&c, NULL, &a, &tok, &toklen), NT_OK);
    free(tok);
    s.chal_len = build_challenge(s.chal, true);
    reply1(&s, SPNEGO_REJECT, &r1, &r1len);
    assert_int_equal(auth_step(a, r1, r1len, &out, &outlen), NT_ERROR_LOGON_FAILURE);
    assert_null(out);
    free(r1);
    /* further calls on a failed context are refused */
    assert_int_equal(auth_finish(a, NULL, 0), NT_ERROR_INVALID_PARAMETER);
    auth_free(a);
    /* accept-completed in the first reply is a protocol violation */
    assert_int_equal(auth_start(&c, NULL, &a, &tok, &toklen), NT_OK);
    free(tok);
    reply1(&s, SPNEGO_ACCEPT_COMPLETED, &r1, &r1len);
    assert_int_equal(auth_step(a, r1, r1len, &out, &outlen), NT_ERROR_UNEXP_NET_ERR);
    free(r1);
    auth_free(a);
    /* malformed CHALLENGE inside a valid SPNEGO reply */
    assert_int_equal(auth_start(&c, NULL, &a, &tok, &toklen), NT_OK);
    free(tok);
    s.chal[0] = 'X';
    reply1(&s, SPNEGO_ACCEPT_INCOMPLETE, &r1, &r1len);
    assert_int_equal(auth_step(a, r1, r1len, &out, &outlen), NT_ERROR_UNEXP_NET_ERR);
    free(r1);
    auth_free(a);
    /* no token at all */
    assert_int_equal(auth_start(&c, NULL, &a, &tok, &toklen), NT_OK);
    free(tok);
    assert_int_equal(auth_step(a, NULL, 0, &out, &outlen), NT_ERROR_UNEXP_NET_ERR);
    auth_free(a);
    auth_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_exact_bytes),
        cmocka_unit_test(init_round_trip),
        cmocka_unit_test(resp_round_trip),
        cmocka_unit_test(resp_valid),
        cmocka_unit_test(resp_truncated),
        cmocka_unit_test(resp_length_beyond_parent),
        cmocka_unit_test(resp_indefinite_length),
        cmocka_unit_test(resp_wrong_mech),
        cmocka_unit_test(resp_bad_fields),
        cmocka_unit_test(init_malformed),
        cmocka_unit_test(exchange_ok_with_mic),
        cmocka_unit_test(exchange_no_timestamp),
        cmocka_unit_test(exchange_no_final_token),
        cmocka_unit_test(exchange_bad_server_mic),
        cmocka_unit_test(exchange_no_server_mic),
        cmocka_unit_test(exchange_anonymous_no_final_token),
        cmocka_unit_test(exchange_final_not_completed),
        cmocka_unit_test(exchange_anonymous),
        cmocka_unit_test(step_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
