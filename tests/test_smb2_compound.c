/*
 * SMB2 compounds (dll/smb2/smb2_compound.c, issue 10): the pure chain
 * splitter on well-formed and hostile input, then smb2_connect with
 * smb2_opts.compound against the scripted server (tests/smb2_fake_server.h,
 * tests/smb2_fake_compound.h): TREE_CONNECT + CREATE + the first
 * FSCTL_PIPE_TRANSCEIVE go as one compound, each element signed on its
 * own, and the response is taken apart whether it comes as one compound or
 * one frame per element; a server that answers an element with an error
 * gets the requests again one at a time (remembered per connection); a
 * hostile compound response (NextCommand misaligned or past the end, an
 * element with a bad signature or none, an answer to a request never sent,
 * an element missing) kills the connection with an error, an interim
 * STATUS_PENDING for an element is waited through.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "smb2_fake_server.h"

/* ---- smb2_chain_split --------------------------------------------------------- */

static void put_el(uint8_t *m, size_t at, uint32_t next)
{
    memset(m + at, 0, 64);
    nt_put_le32(m + at, 0x424d53feu);
    nt_put_le32(m + at + 20, next);
}

static void split_chains(void **state)
{
    (void)state;
    uint8_t m[2048];
    size_t off[SMB2_MAX_CHAIN], lens[SMB2_MAX_CHAIN];
    unsigned n = 99;
    put_el(m, 0, 0);
    assert_int_equal(smb2_chain_split(m, 100, off, lens, SMB2_MAX_CHAIN, &n), NT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(lens[0], 100);
    put_el(m, 0, 104);
    put_el(m, 104, 72);
    put_el(m, 176, 0);
    assert_int_equal(smb2_chain_split(m, 250, off, lens, SMB2_MAX_CHAIN, &n), NT_OK);
    assert_int_equal(n, 3);
    assert_int_equal(off[1], 104);
    assert_int_equal(lens[1], 72);
    assert_int_equal(off[2], 176);
    assert_int_equal(lens[2], 74);
    /* hostile */
    put_el(m, 0, 0);
    assert_int_equal(smb2_chain_split(m, 63, off, lens, SMB2_MAX_CHAIN, &n), NT_ERROR_UNEXP_NET_ERR);
    static const uint32_t bad_next[] = {4, 60, 65, 100, 136, 0xFFFFFFF8u};
    for (size_t i = 0; i < sizeof bad_next / sizeof bad_next[0]; i++) {
        put_el(m, 0, bad_next[i]); /* misaligned, inside the header, too short a rest, past the end */
        put_el(m, 136, 0);
        n = 7;
        assert_int_equal(smb2_chain_split(m, 180, off, lens, SMB2_MAX_CHAIN, &n), NT_ERROR_UNEXP_NET_ERR);
        assert_int_equal(n, 0);
    }
    for (unsigned i = 0; i < 20; i++) /* more elements than allowed */
        put_el(m, 64 * i, i < 19 ? 64 : 0);
    assert_int_equal(smb2_chain_split(m, 64 * 20, off, lens, SMB2_MAX_CHAIN, &n), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(smb2_chain_split(m, 64 * 20, off, lens, 0, &n), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(smb2_chain_split(NULL, 0, off, lens, 4, &n), NT_ERROR_UNEXP_NET_ERR);
}

/* ---- against the scripted server ---------------------------------------------- */

static const uint8_t BIND_ACK[] = "a bind ack from the pipe";
static const uint8_t ANSWER[] = "the answer to the first request";

static void srv_reset(uint16_t dialect)
{
    free(g_srv.rx);
    memset(&g_srv, 0, sizeof g_srv);
    g_srv.dialect = dialect;
    g_srv.password = "Password";
    g_srv.pipe_msg[0] = BIND_ACK, g_srv.pipe_len[0] = sizeof BIND_ACK;
    g_srv.pipe_msg[1] = ANSWER, g_srv.pipe_len[1] = sizeof ANSWER;
    g_srv.npipe_msgs = 2;
}

static int teardown(void **state)
{
    (void)state;
    free(g_srv.rx);
    memset(&g_srv, 0, sizeof g_srv);
    return 0;
}

static smb2_conn *connect_compound(bool user)
{
    nt_creds cr = {(char *)"User", (char *)"Domain", (char *)"Password"};
    nt_creds anon = {0};
    smb2_opts o = {.host = "srv", .unc_server = "srv", .timeout_ms = 2000, .compound = true};
    smb2_conn *c = NULL;
    assert_int_equal(smb2_connect(&o, user ? &cr : &anon, &c), NT_OK);
    return c;
}

/* Ends a test's connection: politely (CLOSE, TREE_DISCONNECT, LOGOFF) or,
 * dead, without sending anything; then the server's script is reset. */
static void finish(smb2_conn *c, smb2_pipe *p, bool polite)
{
    if (polite) {
        assert_false(smb2_is_dead(c));
        smb2_pipe_close(p);
        smb2_disconnect(c);
    } else {
        assert_true(smb2_is_dead(c));
        smb2_pipe_free(p);
        smb2_abort(c);
    }
    teardown(NULL);
}

/* Opens srvsvc and transceives once (the bind): the status, the data in buf. */
static uint32_t open_and_bind(smb2_conn *c, smb2_pipe **p, uint8_t *buf, size_t cap, size_t *got)
{
    assert_int_equal(smb2_pipe_open(c, "srvsvc", p), NT_OK);
    return smb2_pipe_transceive(*p, (const uint8_t *)"bind", 4, buf, cap, got);
}

/* One compound for TREE_CONNECT + CREATE + the bind (CREATE + bind on 3.0,
 * whose tree is checked at connect), in one message or answered in
 * separate frames, signed or anonymous; later requests go one by one. */
static void compound_connect_bind(void **state)
{
    (void)state;
    static const uint16_t dialects[] = {SMB2_DIALECT_202, SMB2_DIALECT_210, SMB2_DIALECT_300, SMB2_DIALECT_311};
    for (unsigned k = 0; k < 16; k++) {
        uint16_t d = dialects[k % 4];
        srv_reset(d);
        g_srv.chain_split = k & 4;
        smb2_conn *c = connect_compound(!(k & 8));
        uint32_t rt = smb2_round_trips(c);
        smb2_pipe *p = NULL;
        uint8_t buf[128];
        size_t got = 0;
        assert_int_equal(smb2_pipe_open(c, "srvsvc", &p), NT_OK);
        assert_int_equal(smb2_round_trips(c), rt); /* nothing sent yet */
        assert_int_equal(smb2_pipe_transceive(p, (const uint8_t *)"bind", 4, buf, sizeof buf, &got), NT_OK);
        assert_int_equal(got, sizeof BIND_ACK);
        assert_memory_equal(buf, BIND_ACK, sizeof BIND_ACK);
        assert_int_equal(g_srv.compounds, 1);
        assert_int_equal(smb2_round_trips(c) - rt, 1);
        assert_int_equal(smb2_pipe_transceive(p, (const uint8_t *)"call", 4, buf, sizeof buf, &got), NT_OK);
        assert_memory_equal(buf, ANSWER, sizeof ANSWER);
        assert_int_equal(g_srv.compounds, 1);
        finish(c, p, true);
    }
}

/* A chained answer larger than the caller's buffer: the rest is read. */
static void compound_more_data(void **state)
{
    (void)state;
    srv_reset(SMB2_DIALECT_311);
    smb2_conn *c = connect_compound(true);
    smb2_pipe *p = NULL;
    uint8_t buf[64];
    size_t got = 0;
    assert_int_equal(open_and_bind(c, &p, buf, 10, &got), NT_ERROR_MORE_DATA);
    assert_int_equal(got, 10);
    assert_int_equal(smb2_pipe_read(p, buf + 10, sizeof buf - 10, &got), NT_OK);
    assert_int_equal(got, sizeof BIND_ACK - 10);
    assert_memory_equal(buf, BIND_ACK, sizeof BIND_ACK);
    finish(c, p, true);
}

/* An element answered with an error (and the related ones after it with
 * the same): the call still works, one request at a time, and the
 * connection does not compound again. */
static void compound_refused_falls_back(void **state)
{
    (void)state;
    for (int fail = 1; fail <= 3; fail++) {
        srv_reset(SMB2_DIALECT_311);
        g_srv.chain_fail = fail;
        smb2_conn *c = connect_compound(true);
        smb2_pipe *p = NULL;
        uint8_t buf[64];
        size_t got = 0;
        assert_int_equal(open_and_bind(c, &p, buf, sizeof buf, &got), NT_OK);
        assert_memory_equal(buf, BIND_ACK, sizeof BIND_ACK);
        assert_false(smb2_is_dead(c));
        smb2_pipe_close(p);
        g_srv.chain_fail = 0;
        g_srv.pipe_next = 1;
        assert_int_equal(open_and_bind(c, &p, buf, sizeof buf, &got), NT_OK);
        assert_memory_equal(buf, ANSWER, sizeof ANSWER);
        assert_int_equal(g_srv.compounds, 1); /* remembered */
        finish(c, p, true);
    }
}

/* Hostile compound responses end the connection with a protocol error; an
 * interim answer for the last element is waited through. */
static void compound_hostile_responses(void **state)
{
    (void)state;
    static const int bad[] = {CM_NEXT_MISALIGNED, CM_NEXT_PAST_END, CM_BAD_SIG, CM_UNSIGNED, CM_EXTRA, CM_MISSING};
    for (size_t i = 0; i <= sizeof bad / sizeof bad[0]; i++) {
        srv_reset(SMB2_DIALECT_311);
        g_srv.chain_mangle = i < sizeof bad / sizeof bad[0] ? bad[i] : CM_PENDING;
        smb2_conn *c = connect_compound(true);
        smb2_pipe *p = NULL;
        uint8_t buf[64];
        size_t got = 0;
        uint32_t st = open_and_bind(c, &p, buf, sizeof buf, &got);
        bool ok = g_srv.chain_mangle == CM_PENDING;
        assert_int_equal(st, ok ? NT_OK : g_srv.chain_mangle == CM_MISSING ? NT_ERROR_NETNAME_DELETED
                                                                         : NT_ERROR_UNEXP_NET_ERR);
        if (ok)
            assert_memory_equal(buf, BIND_ACK, sizeof BIND_ACK);
        finish(c, p, ok);
    }
}

/* Without the option nothing is deferred: TREE_CONNECT at connect, CREATE
 * at open (what smbprobe --compound 0 and NETAPI32_SMB2_COMPOUND=0 do). */
static void no_compound_without_option(void **state)
{
    (void)state;
    srv_reset(SMB2_DIALECT_311);
    nt_creds cr = {(char *)"User", (char *)"Domain", (char *)"Password"};
    smb2_opts o = {.host = "srv", .unc_server = "srv", .timeout_ms = 2000};
    smb2_conn *c = NULL;
    assert_int_equal(smb2_connect(&o, &cr, &c), NT_OK);
    smb2_pipe *p = NULL;
    uint8_t buf[64];
    size_t got = 0;
    assert_int_equal(open_and_bind(c, &p, buf, sizeof buf, &got), NT_OK);
    assert_int_equal(g_srv.compounds, 0);
    assert_int_equal(smb2_round_trips(c), 6);
    finish(c, p, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_chains),
        cmocka_unit_test_teardown(compound_connect_bind, teardown),
        cmocka_unit_test_teardown(compound_more_data, teardown),
        cmocka_unit_test_teardown(compound_refused_falls_back, teardown),
        cmocka_unit_test_teardown(compound_hostile_responses, teardown),
        cmocka_unit_test_teardown(no_compound_without_option, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
