/*
 * A scripted, in-process SMB2 server for tests/test_smb2_session.c (included
 * once there; cmocka asserts).  It replaces dll/net: net_send_all hands each
 * request to srv_handle(), which answers like a server would -- NEGOTIATE
 * (2.0.2 .. 3.1.1, pre-auth hash), SESSION_SETUP with real NTLMv2 checking,
 * key exchange, SPNEGO mechListMIC and SMB2 signing with the derived keys,
 * TREE_CONNECT, FSCTL_VALIDATE_NEGOTIATE_INFO -- then misbehaves as the
 * srv script says; net_recv_all returns what it queued.
 */
#ifndef TEST_SMB2_FAKE_SERVER_H
#define TEST_SMB2_FAKE_SERVER_H

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/ntlm_internal.h"
#include "auth/spnego_internal.h"
#include "net/net.h"
#include "smb2/smb2_int.h"

/* ---- the scripted server ------------------------------------------------------ */

enum { VN_OK, VN_MISMATCH, VN_UNSIGNED, VN_NOT_SUPPORTED, VN_DENIED };
/* hostile shapes of a compound response (smb2_fake_compound.h) */
enum { CM_NONE, CM_NEXT_MISALIGNED, CM_NEXT_PAST_END, CM_BAD_SIG, CM_UNSIGNED, CM_EXTRA, CM_MISSING, CM_PENDING };

typedef struct srv {
    /* script */
    uint16_t dialect;
    uint16_t sess_flags;      /* SessionFlags of the final SESSION_SETUP */
    bool final_unsigned;      /* do not sign the final SESSION_SETUP */
    int final_flip;           /* >0: flip this byte (bit 0) after signing */
    bool no_final_token;      /* final SESSION_SETUP without a SPNEGO token */
    bool no_mic;              /* final token without mechListMIC */
    bool bad_mic;
    bool strip_ess;           /* CHALLENGE without EXTENDED_SESSIONSECURITY */
    bool pending_tree;        /* TREE_CONNECT: STATUS_PENDING every 20 ms, forever */
    bool pending_create;      /* CREATE: the same */
    int validate;             /* VN_* */
    const char *password;     /* what the server knows */
    /* CreditResponse of every response built (interim ones and compound
     * elements included): 32 unless scripted (srv_grant, srv_grant_next) */
    bool grant_set;           /* steady grant: `grant` instead of 32 */
    uint16_t grant;
    unsigned grant_next_n;    /* the next grant_next_n responses grant grant_next first */
    uint16_t grant_next;
    /* state */
    uint8_t preauth[64];
    uint8_t exported[16];
    bool have_key;
    smb2_keys keys;
    uint16_t sign_alg;
    uint8_t client_guid[16];
    uint16_t client_secmode;
    uint32_t client_caps;
    uint16_t client_dialects[8];
    size_t nclient_dialects;
    int setup_round;
    uint64_t pending_msg_id;
    uint16_t pending_cmd;     /* the command answered "pending" (0 = none) */
    unsigned validates, pendings;
    /* named pipe: CREATE opens it, READs take its messages in order */
    const uint8_t *pipe_msg[16];
    size_t pipe_len[16];
    unsigned npipe_msgs, pipe_next;
    size_t pipe_off;          /* bytes of pipe_msg[pipe_next] already read */
    bool swap_reads;          /* answer every other READ after the next one */
    bool reads_wait;          /* READs wait (a pipe with nothing to read) until its CLOSE,
                               * which answers them STATUS_PIPE_BROKEN first */
    uint64_t waiting_read[16];
    unsigned nwaiting;
    uint8_t *held;            /* a held READ answer (swap_reads) */
    size_t held_len;
    unsigned reads;
    /* compounds (smb2_fake_compound.h) */
    bool chain_split;         /* answer each element in a frame of its own */
    int chain_fail;           /* 1-based element answered STATUS_INVALID_PARAMETER (and the related ones after it) */
    int chain_mangle;         /* CM_* */
    unsigned compounds, transceives;
    /* bytes queued for the client */
    uint8_t *rx;
    size_t rxlen, rxpos;
} srv;

static srv g_srv;
static const uint8_t SERVER_GUID[16] = {0x53, 0x52, 0x56, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
#define SESSION_ID 0x0000100000000041ull
#define SERVER_CAPS 0x00000001u /* DFS */

static void queue(srv *s, const uint8_t *m, size_t len)
{
    s->rx = realloc(s->rx, s->rxlen + 4 + len);
    assert_non_null(s->rx);
    uint8_t *f = s->rx + s->rxlen;
    f[0] = 0;
    f[1] = (uint8_t)(len >> 16);
    f[2] = (uint8_t)(len >> 8);
    f[3] = (uint8_t)len;
    memcpy(f + 4, m, len);
    s->rxlen += 4 + len;
}

/* From now on every response grants `each` credits (the CreditResponse).
 * Inline: not every test that includes the fake scripts credits. */
static inline void srv_grant(uint16_t each)
{
    g_srv.grant_set = true;
    g_srv.grant = each;
}

/* The next n responses grant `each` credits, then the steady grant again. */
static inline void srv_grant_next(unsigned n, uint16_t each)
{
    g_srv.grant_next_n = n;
    g_srv.grant_next = each;
}

/* The CreditResponse of the next response built (the script consumed). */
static uint16_t srv_credit_response(void)
{
    if (g_srv.grant_next_n) {
        g_srv.grant_next_n--;
        return g_srv.grant_next;
    }
    return g_srv.grant_set ? g_srv.grant : 32;
}

/* Response header for request `req` into w (64 bytes); its CreditResponse
 * as the script says (srv_credit_response). */
static void resp_hdr(nt_wr *w, const uint8_t *req, uint32_t status, uint32_t flags, uint64_t session_id,
                     uint32_t tree_id)
{
    nt_wr_u32(w, 0x424d53feu);
    nt_wr_u16(w, 64);
    nt_wr_u16(w, 1);                       /* CreditCharge */
    nt_wr_u32(w, status);
    nt_wr_u16(w, nt_le16(req + 12));       /* Command */
    nt_wr_u16(w, srv_credit_response());   /* CreditResponse */
    nt_wr_u32(w, SMB2_FLAGS_SERVER_TO_REDIR | flags);
    nt_wr_u32(w, 0);                       /* NextCommand */
    nt_wr_u64(w, nt_le64(req + 24));       /* MessageId */
    if (flags & SMB2_FLAGS_ASYNC_COMMAND) {
        nt_wr_u64(w, 0x77);                /* AsyncId */
    } else {
        nt_wr_u32(w, 0);
        nt_wr_u32(w, tree_id);
    }
    nt_wr_u64(w, session_id);
    nt_wr_zeros(w, 16);
}

static void send_signed(srv *s, nt_wr *w, bool sign)
{
    assert_false(w->bad);
    if (sign)
        assert_true(smb2_sign(s->sign_alg, s->keys.sign, w->p, w->len));
    queue(s, w->p, w->len);
    nt_wr_free(w);
}

static void error_resp(srv *s, const uint8_t *req, uint32_t status, bool sign)
{
    nt_wr w;
    nt_wr_init(&w, 0);
    resp_hdr(&w, req, status, 0, SESSION_ID, 5);
    nt_wr_u16(&w, 9);
    nt_wr_zeros(&w, 7);
    send_signed(s, &w, sign);
}

static void on_negotiate(srv *s, const uint8_t *req, size_t len)
{
    assert_true(len >= 64 + 36);
    const uint8_t *b = req + 64;
    s->nclient_dialects = nt_le16(b + 2);
    assert_true(s->nclient_dialects <= 8 && len >= 64 + 36 + 2 * s->nclient_dialects);
    s->client_secmode = nt_le16(b + 4);
    s->client_caps = nt_le32(b + 8);
    memcpy(s->client_guid, b + 12, 16);
    for (size_t i = 0; i < s->nclient_dialects; i++)
        s->client_dialects[i] = nt_le16(b + 36 + 2 * i);
    memset(s->preauth, 0, 64);
    assert_true(smb2_preauth_update(s->preauth, req, len));
    s->sign_alg = s->dialect >= SMB2_DIALECT_300 ? SMB2_SIGN_AES_CMAC : SMB2_SIGN_HMAC_SHA256;
    nt_wr w;
    nt_wr_init(&w, 0);
    resp_hdr(&w, req, STATUS_SUCCESS, 0, 0, 0);
    nt_wr_u16(&w, 65);
    nt_wr_u16(&w, SMB2_NEGOTIATE_SIGNING_ENABLED);
    nt_wr_u16(&w, s->dialect);
    nt_wr_u16(&w, s->dialect == SMB2_DIALECT_311 ? 1 : 0);
    nt_wr_bytes(&w, SERVER_GUID, 16);
    nt_wr_u32(&w, SERVER_CAPS);
    nt_wr_u32(&w, 65536);
    nt_wr_u32(&w, 65536);
    nt_wr_u32(&w, 65536);
    nt_wr_zeros(&w, 16);
    nt_wr_u16(&w, 0);                  /* no security blob */
    nt_wr_u16(&w, 0);
    nt_wr_u32(&w, s->dialect == SMB2_DIALECT_311 ? 64 + 64 : 0);
    if (s->dialect == SMB2_DIALECT_311) { /* preauth integrity context at 128 */
        nt_wr_u16(&w, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
        nt_wr_u16(&w, 38);
        nt_wr_u32(&w, 0);
        nt_wr_u16(&w, 1);
        nt_wr_u16(&w, 32);
        nt_wr_u16(&w, SMB2_HASH_SHA512);
        nt_wr_zeros(&w, 32);
    }
    assert_false(w.bad);
    assert_true(smb2_preauth_update(s->preauth, w.p, w.len));
    send_signed(s, &w, false);
}

/* SESSION_SETUP response body + SPNEGO token; status as given. */
static void setup_resp(srv *s, const uint8_t *req, uint32_t status, uint16_t flags, const uint8_t *tok,
                       size_t toklen, bool sign, int flip)
{
    nt_wr w;
    nt_wr_init(&w, 0);
    resp_hdr(&w, req, status, 0, SESSION_ID, 0);
    nt_wr_u16(&w, 9);
    nt_wr_u16(&w, flags);
    nt_wr_u16(&w, toklen ? 64 + 8 : 0);
    nt_wr_u16(&w, (uint16_t)toklen);
    nt_wr_bytes(&w, tok, toklen);
    assert_false(w.bad);
    if (status == STATUS_MORE_PROCESSING_REQUIRED)
        assert_true(smb2_preauth_update(s->preauth, w.p, w.len));
    if (sign)
        assert_true(smb2_sign(s->sign_alg, s->keys.sign, w.p, w.len));
    if (flip > 0 && (size_t)flip < w.len)
        w.p[flip] ^= 1;
    queue(s, w.p, w.len);
    nt_wr_free(&w);
}

static size_t challenge(const srv *s, uint8_t *m)
{
    static const uint8_t ti[] = {2, 0, 2, 0, 'D', 0, 7, 0, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0};
    memset(m, 0, 56);
    memcpy(m, "NTLMSSP", 8);
    nt_put_le32(m + 8, 2);
    nt_put_le32(m + 16, 56);
    uint32_t flags = 0xe28a8235u;
    if (s->strip_ess)
        flags &= ~NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
    nt_put_le32(m + 20, flags);
    memcpy(m + 24, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
    nt_put_le16(m + 40, sizeof ti);
    nt_put_le16(m + 42, sizeof ti);
    nt_put_le32(m + 44, 56);
    memcpy(m + 56, ti, sizeof ti);
    return 56 + sizeof ti;
}

/* Round 1: the CHALLENGE in an accept-incomplete NegTokenResp. */
static void setup_round1(srv *s, const uint8_t *req)
{
    uint8_t ch[128], tok[200];
    size_t cl = challenge(s, ch), n = 0;
    static const uint8_t mech[] = {0xa0, 0x03, 0x0a, 0x01, 0x01, 0xa1, 0x0c, 0x06, 0x0a, 0x2b,
                                   0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
    size_t seq = sizeof mech + 4 + cl;
    tok[n++] = 0xa1;
    tok[n++] = (uint8_t)(seq + 2);
    tok[n++] = 0x30;
    tok[n++] = (uint8_t)seq;
    memcpy(tok + n, mech, sizeof mech);
    n += sizeof mech;
    tok[n++] = 0xa2;
    tok[n++] = (uint8_t)(cl + 2);
    tok[n++] = 0x04;
    tok[n++] = (uint8_t)cl;
    memcpy(tok + n, ch, cl);
    n += cl;
    setup_resp(s, req, STATUS_MORE_PROCESSING_REQUIRED, 0, tok, n, false, 0);
}

/* Round 2: checks the NTLMv2 proof like a server, recovers the exported key,
 * answers accept-completed with (per script) the mechListMIC. */
static void setup_round2(srv *s, const uint8_t *req, size_t len)
{
    uint16_t off = nt_le16(req + 64 + 12), blen = nt_le16(req + 64 + 14);
    assert_true(off + blen <= len);
    spnego_resp r;
    assert_int_equal(spnego_parse_resp(req + off, blen, &r), NT_OK);
    const uint8_t *m = r.token;
    assert_non_null(m);
    size_t ntl = nt_le16(m + 20), nto = nt_le32(m + 24), ekl = nt_le16(m + 52), eko = nt_le32(m + 56);
    size_t ul = nt_le16(m + 36), uo = nt_le32(m + 40);
    bool anonymous = ul == 0;
    if (!anonymous) {
        assert_true(nto + ntl <= r.token_len && eko + ekl <= r.token_len && ekl == 16);
        uint8_t k[16], proof[16], base[16];
        assert_true(ntlm_ntowfv2("User", "Domain", s->password, k));
        assert_true(ntlm_v2_proof(k, (const uint8_t *)"\x01\x23\x45\x67\x89\xab\xcd\xef", m + nto + 16, ntl - 16,
                                  proof));
        assert_int_equal(ul, 8);
        (void)uo;
        assert_true(ntlm_v2_session_base_key(k, proof, base));
        if (memcmp(proof, m + nto, 16) != 0) {
            error_resp(s, req, STATUS_LOGON_FAILURE, false);
            return;
        }
        memcpy(s->exported, m + eko, 16);
        assert_true(nt_rc4(base, 16, s->exported, 16));
        s->have_key = true;
    }
    assert_true(smb2_preauth_update(s->preauth, req, len));
    if (s->have_key)
        assert_true(smb2_derive_keys(s->dialect, s->exported, s->preauth, &s->keys));
    uint8_t tok[64];
    size_t n = 0;
    bool mic = s->have_key && !s->no_mic;
    tok[n++] = 0xa1;
    tok[n++] = (uint8_t)(7 + (mic ? 20 : 0));
    tok[n++] = 0x30;
    tok[n++] = (uint8_t)(5 + (mic ? 20 : 0));
    memcpy(tok + n, "\xa0\x03\x0a\x01\x00", 5);
    n += 5;
    if (mic) {
        uint8_t sk[16], ck[16];
        nt_rc4_state rc4;
        assert_true(ntlm_sign_key(s->exported, false, sk));
        assert_true(ntlm_seal_key(s->exported, false, ck));
        nt_rc4_init(&rc4, ck, 16);
        memcpy(tok + n, "\xa3\x12\x04\x10", 4);
        n += 4;
        assert_true(ntlm_mac(sk, &rc4, 0, spnego_mech_types, sizeof spnego_mech_types, tok + n));
        if (s->bad_mic)
            tok[n + 6] ^= 0x40;
        n += 16;
    }
    setup_resp(s, req, STATUS_SUCCESS, s->sess_flags, tok, s->no_final_token ? 0 : n,
               s->have_key && !s->final_unsigned, s->final_flip);
}

/* Answers req "pending" forever when on (net_recv_all produces the
 * interim responses): true, nothing else to do. */
static bool hold_pending(srv *s, const uint8_t *req, bool on)
{
    if (on) {
        s->pending_msg_id = nt_le64(req + 24);
        s->pending_cmd = nt_le16(req + 12);
    }
    return on;
}

static void on_tree_connect(srv *s, const uint8_t *req)
{
    if (hold_pending(s, req, s->pending_tree))
        return;
    nt_wr w;
    nt_wr_init(&w, 0);
    resp_hdr(&w, req, STATUS_SUCCESS, 0, SESSION_ID, 5);
    nt_wr_u16(&w, 16);
    nt_wr_u8(&w, SMB2_SHARE_TYPE_PIPE);
    nt_wr_u8(&w, 0);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, 0x1f01ff);
    send_signed(s, &w, s->have_key);
}

/* FSCTL_VALIDATE_NEGOTIATE_INFO: checks the request like a server, answers per script. */
static void on_ioctl(srv *s, const uint8_t *req, size_t len)
{
    assert_int_equal(nt_le32(req + 64 + 4), FSCTL_VALIDATE_NEGOTIATE_INFO);
    assert_true(nt_le32(req + 16) & SMB2_FLAGS_SIGNED);
    assert_true(smb2_verify(s->sign_alg, s->keys.sign, req, len));
    const uint8_t *in = req + nt_le32(req + 64 + 24);
    assert_int_equal(nt_le32(in), s->client_caps);
    assert_memory_equal(in + 4, s->client_guid, 16);
    assert_int_equal(nt_le16(in + 20), s->client_secmode);
    assert_int_equal(nt_le16(in + 22), s->nclient_dialects);
    for (size_t i = 0; i < s->nclient_dialects; i++)
        assert_int_equal(nt_le16(in + 24 + 2 * i), s->client_dialects[i]);
    s->validates++;
    if (s->validate == VN_NOT_SUPPORTED || s->validate == VN_DENIED) {
        error_resp(s, req, s->validate == VN_DENIED ? STATUS_ACCESS_DENIED : STATUS_NOT_SUPPORTED, true);
        return;
    }
    nt_wr w;
    nt_wr_init(&w, 0);
    resp_hdr(&w, req, STATUS_SUCCESS, 0, SESSION_ID, 5);
    nt_wr_u16(&w, 49);
    nt_wr_u16(&w, 0);
    nt_wr_u32(&w, FSCTL_VALIDATE_NEGOTIATE_INFO);
    nt_wr_bytes(&w, req + 64 + 8, 16);
    nt_wr_u32(&w, 64 + 48);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, 64 + 48);
    nt_wr_u32(&w, 24);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, SERVER_CAPS);
    nt_wr_bytes(&w, SERVER_GUID, 16);
    nt_wr_u16(&w, SMB2_NEGOTIATE_SIGNING_ENABLED);
    /* a man in the middle changed the dialect: the server says what it chose */
    nt_wr_u16(&w, s->validate == VN_MISMATCH ? (uint16_t)(s->dialect ^ 0x0002) : s->dialect);
    send_signed(s, &w, s->validate != VN_UNSIGNED);
}

static const uint8_t PIPE_FID[16] = {0xF1, 0xD0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};

static void on_create(srv *s, const uint8_t *req)
{
    if (hold_pending(s, req, s->pending_create))
        return;
    nt_wr w;
    nt_wr_init(&w, 0);
    resp_hdr(&w, req, STATUS_SUCCESS, 0, SESSION_ID, 5);
    nt_wr_u16(&w, 89);
    nt_wr_zeros(&w, 62);
    nt_wr_bytes(&w, PIPE_FID, 16);
    nt_wr_zeros(&w, 8);
    send_signed(s, &w, s->have_key);
}

/* A message-mode pipe: a READ takes (the rest of) the next message, up to
 * its Length (then STATUS_BUFFER_OVERFLOW).  A READ with no message left
 * would block on a real server: here it fails the test. */
static void on_read(srv *s, const uint8_t *req, size_t len)
{
    assert_true(len >= 64 + 48);
    assert_true(s->have_key ? smb2_verify(s->sign_alg, s->keys.sign, req, len) : true);
    assert_memory_equal(req + 64 + 16, PIPE_FID, 16);
    if (s->reads_wait) {
        assert_true(s->nwaiting < 16);
        s->waiting_read[s->nwaiting++] = nt_le64(req + 24);
        return;
    }
    assert_true(s->pipe_next < s->npipe_msgs); /* never a READ the server has nothing for */
    uint32_t want = nt_le32(req + 64 + 4);
    size_t left = s->pipe_len[s->pipe_next] - s->pipe_off;
    size_t n = left < want ? left : want;
    nt_wr w;
    nt_wr_init(&w, 0);
    resp_hdr(&w, req, n < left ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS, 0, SESSION_ID, 5);
    nt_wr_u16(&w, 17);
    nt_wr_u8(&w, 64 + 16);
    nt_wr_u8(&w, 0);
    nt_wr_u32(&w, (uint32_t)n);
    nt_wr_zeros(&w, 8);
    nt_wr_bytes(&w, s->pipe_msg[s->pipe_next] + s->pipe_off, n);
    s->pipe_off += n;
    if (s->pipe_off == s->pipe_len[s->pipe_next]) {
        s->pipe_next++;
        s->pipe_off = 0;
    }
    if (s->have_key)
        assert_true(smb2_sign(s->sign_alg, s->keys.sign, w.p, w.len));
    if (s->swap_reads && !s->held && s->pipe_next < s->npipe_msgs) {
        s->held = w.p; /* answered after the next READ's answer */
        s->held_len = w.len;
        return;
    }
    queue(s, w.p, w.len);
    nt_wr_free(&w);
    if (s->held) {
        queue(s, s->held, s->held_len);
        free(s->held);
        s->held = NULL;
    }
}

static void on_transceive(srv *s, const uint8_t *req, size_t len);

/* The pipe closes: its waiting READs end with STATUS_PIPE_BROKEN (an
 * error response, signed), before the CLOSE's own answer. */
static void end_waiting_reads(srv *s)
{
    for (unsigned i = 0; i < s->nwaiting; i++) {
        uint8_t req[64] = {0};
        nt_put_le16(req + 12, SMB2_READ);
        nt_put_le64(req + 24, s->waiting_read[i]);
        nt_wr w;
        nt_wr_init(&w, 0);
        resp_hdr(&w, req, 0xC000014Bu /* STATUS_PIPE_BROKEN */, 0, SESSION_ID, 5);
        nt_wr_u16(&w, 9);
        nt_wr_zeros(&w, 7);
        send_signed(s, &w, s->have_key);
    }
    s->nwaiting = 0;
}

static void srv_handle(srv *s, const uint8_t *req, size_t len)
{
    assert_true(len >= 64);
    switch (nt_le16(req + 12)) {
    case SMB2_NEGOTIATE:
        on_negotiate(s, req, len);
        break;
    case SMB2_SESSION_SETUP:
        if (s->setup_round++ == 0) {
            assert_true(smb2_preauth_update(s->preauth, req, len));
            setup_round1(s, req);
        } else {
            setup_round2(s, req, len);
        }
        break;
    case SMB2_TREE_CONNECT:
        on_tree_connect(s, req);
        break;
    case SMB2_IOCTL:
        if (nt_le32(req + 64 + 4) == FSCTL_PIPE_TRANSCEIVE)
            on_transceive(s, req, len);
        else
            on_ioctl(s, req, len);
        break;
    case SMB2_CREATE:
        on_create(s, req);
        break;
    case SMB2_READ:
        s->reads++;
        on_read(s, req, len);
        break;
    default: /* CLOSE, TREE_DISCONNECT, LOGOFF: a 4-byte body */
        {
            if (nt_le16(req + 12) == SMB2_CLOSE)
                end_waiting_reads(s);
            nt_wr w;
            nt_wr_init(&w, 0);
            resp_hdr(&w, req, STATUS_SUCCESS, 0, SESSION_ID, 5);
            nt_wr_u16(&w, 4);
            nt_wr_u16(&w, 0);
            send_signed(s, &w, s->have_key && nt_le16(req + 12) != SMB2_LOGOFF);
        }
    }
}

#include "smb2_fake_compound.h"

/* ---- net.h, replaced ------------------------------------------------------------ */

struct net_conn {
    int unused;
};

/* A test that brings its own net_* (tests/smb2_fake_mux.h: the same server
 * for several client threads) defines SMB2_FAKE_OWN_NET first. */
#ifndef SMB2_FAKE_OWN_NET

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000u, (long)(ms % 1000u) * 1000000L};
    nanosleep(&ts, NULL);
}

uint32_t net_connect(const char *host, uint16_t port, uint32_t timeout_ms, net_conn **out)
{
    (void)host;
    (void)port;
    assert_true(timeout_ms > 0);
    *out = calloc(1, sizeof(net_conn));
    return *out ? NT_OK : NT_ERROR_NOT_ENOUGH_MEMORY;
}

uint32_t net_send_all(net_conn *c, const void *buf, size_t len, uint32_t timeout_ms)
{
    const uint8_t *b = buf;
    assert_non_null(c);
    assert_true(timeout_ms > 0);
    assert_true(len >= 4 + 64);
    assert_int_equal(((size_t)b[1] << 16) | ((size_t)b[2] << 8) | b[3], len - 4);
    srv_handle_frame(&g_srv, b + 4, len - 4);
    return NT_OK;
}

/* With nothing queued: a server that never answers (or keeps saying
 * "pending" every 20 ms) makes the wait end at timeout_ms, as a socket does. */
uint32_t net_recv_all(net_conn *c, void *buf, size_t len, uint32_t timeout_ms)
{
    srv *s = &g_srv;
    assert_non_null(c);
    assert_true(timeout_ms > 0);
    while (s->rxlen - s->rxpos < len) {
        if (!s->pending_cmd || s->rxpos != s->rxlen)
            return NT_ERROR_NETNAME_DELETED;
        if (timeout_ms <= 20) {
            sleep_ms(timeout_ms);
            return NT_ERROR_SEM_TIMEOUT;
        }
        sleep_ms(20);
        timeout_ms -= 20;
        uint8_t req[64] = {0};
        nt_put_le16(req + 12, s->pending_cmd);
        nt_put_le64(req + 24, s->pending_msg_id);
        nt_wr w;
        nt_wr_init(&w, 0);
        resp_hdr(&w, req, STATUS_PENDING, SMB2_FLAGS_ASYNC_COMMAND, SESSION_ID, 0);
        nt_wr_u16(&w, 9);
        nt_wr_zeros(&w, 7);
        s->pendings++;
        send_signed(s, &w, false);
    }
    memcpy(buf, s->rx + s->rxpos, len);
    s->rxpos += len;
    return NT_OK;
}

bool net_is_dead(net_conn *c) { return c == NULL; }
void net_close(net_conn *c) { free(c); }

#endif /* SMB2_FAKE_OWN_NET */

#endif
