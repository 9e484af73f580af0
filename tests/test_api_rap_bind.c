/*
 * When the API layer (dll/api/conn.c, rap.c) switches to RAP by itself:
 * api_rap_instead (srvsvc pipe missing) and api_rap_after_bind (the pipe
 * opens but the server refuses the srvsvc bind: bind_nak, or the
 * presentation context rejected), over a scripted SMB1-like connection (it
 * has TRANSACTION) and an SMB2-like one (it has not: the refusal stands).
 * Only refusals switch: a transport failure during the bind stays one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "rap/rap.h"
#include "fake_rap_conn.h"

/* bind_nak, call 1: reason 0, no protocol versions (padded to 20 bytes) */
static const char *NAK = "05000d0310000000140000000100000000000000";
/* bind_ack, call 1: one result, provider rejection (2), abstract syntax not supported (1) */
static const char *ACK_REJECT = "05000c03100000003800000001000000b810b81034120000000000000100000002000100"
                                "0000000000000000000000000000000000000000";
/* RAP level 10 answer: one session {cname "1.2.3.4", user "bob", time 60, idle 5}, converter 0 */
static const char *L10_PAR = "0000000001000100";
static const char *L10_DATA = "10000000180000003c00000005000000312e322e332e3400626f6200";

static const char *g_bind_answer;
static uint32_t g_bind_fail;
static unsigned g_transacts, g_binds, g_pipe_closes;

static uint32_t p_transceive(void *ctx, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap, size_t *got)
{
    (void)ctx;
    assert_true(inlen >= 16);
    assert_int_equal(in[2], 11); /* only the bind ever reaches the pipe */
    g_binds++;
    if (g_bind_fail)
        return g_bind_fail;
    *got = test_unhex(g_bind_answer, out, cap);
    return NT_OK;
}

static void p_close(void *ctx, bool polite)
{
    (void)ctx;
    (void)polite;
    g_pipe_closes++;
}

static const np_pipe_ops PIPE = {p_transceive, NULL, NULL, p_close, NULL, NULL, NULL, NULL};

static uint32_t c_open(void *ctx, const char *name, uint64_t deadline_ms, np_pipe *out)
{
    (void)deadline_ms;
    (void)ctx;
    assert_string_equal(name, "srvsvc");
    out->ops = &PIPE;
    out->ctx = &g_binds;
    return NT_OK;
}

static uint32_t c_transact(void *ctx, const np_transact_req *q, np_transact_resp *r)
{
    (void)ctx;
    memset(r, 0, sizeof(*r));
    assert_string_equal(q->pipe, "\\PIPE\\LANMAN");
    assert_int_equal(nt_le16(q->param), RAP_OP_SESSION_ENUM);
    g_transacts++;
    r->param = dup_hex(L10_PAR, &r->paramlen);
    r->data = dup_hex(L10_DATA, &r->datalen);
    return NT_OK;
}

static const np_conn_ops SMB1_LIKE = {c_open, c_transact, NULL, c_dead, c_info, c_close};
static const np_conn_ops SMB2_LIKE = {c_open, NULL, NULL, c_dead, c_info, c_close};
static const np_conn_ops *g_ops;

static uint32_t c_connect(const np_target *t, const nt_creds *cr, np_conn *out)
{
    (void)t;
    (void)cr;
    out->ops = g_ops;
    out->ctx = &g_transacts;
    return NT_OK;
}

static int setup(void **state)
{
    (void)state;
    rap_test_env_reset();
    g_transacts = g_binds = g_pipe_closes = 0;
    g_bind_fail = 0;
    g_bind_answer = NAK;
    g_ops = &SMB1_LIKE;
    api_set_connector(c_connect);
    return 0;
}

static const nt_wchar SRV[] = {'\\', '\\', 'r', 'a', 'p', 0};

static uint32_t enum10(uint32_t *n)
{
    uint8_t *buf = NULL;
    uint32_t total = 0;
    *n = 0;
    uint32_t st = api_session_enum(SRV, NULL, NULL, 10, &buf, 0xFFFFFFFFu, n, &total, NULL);
    nt_block_free(buf);
    return st;
}

static void test_decision(void **state)
{
    (void)state;
    np_conn smb1 = {&SMB1_LIKE, NULL}, smb2 = {&SMB2_LIKE, NULL};
    assert_true(api_rap_after_bind(&smb1, NT_RPC_S_SERVER_UNAVAILABLE));
    assert_true(api_rap_after_bind(&smb1, NT_RPC_S_UNKNOWN_IF));
    assert_false(api_rap_after_bind(&smb1, NT_ERROR_UNEXP_NET_ERR));
    assert_false(api_rap_after_bind(&smb1, NT_ERROR_SEM_TIMEOUT));
    assert_false(api_rap_after_bind(&smb1, NT_ERROR_ACCESS_DENIED));
    assert_false(api_rap_after_bind(&smb2, NT_RPC_S_SERVER_UNAVAILABLE));
    assert_false(api_rap_after_bind(&smb2, NT_RPC_S_UNKNOWN_IF));
    assert_false(api_rap_after_bind(NULL, NT_RPC_S_UNKNOWN_IF));
    /* the srvsvc open: "not found" switches over SMB1 only */
    assert_true(api_rap_instead(&smb1, NT_RPC_S_SERVER_UNAVAILABLE));
    assert_false(api_rap_instead(&smb2, NT_RPC_S_SERVER_UNAVAILABLE));
    assert_false(api_rap_instead(&smb1, NT_ERROR_ACCESS_DENIED));
    assert_false(api_rap_instead(&smb1, NT_OK));
}

static void test_bind_nak_uses_rap(void **state)
{
    (void)state;
    uint32_t n;
    assert_int_equal(enum10(&n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(enum10(&n), 0);
    assert_int_equal(g_binds, 1); /* the connection stays in RAP mode */
    assert_int_equal(g_transacts, 2);
    assert_int_equal(g_pipe_closes, 1);
}

static void test_context_rejected_uses_rap(void **state)
{
    (void)state;
    g_bind_answer = ACK_REJECT;
    uint32_t n;
    assert_int_equal(enum10(&n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(g_transacts, 1);
}

static void test_smb2_refusal_stands(void **state)
{
    (void)state;
    g_ops = &SMB2_LIKE;
    uint32_t n;
    assert_int_equal(enum10(&n), NT_RPC_S_SERVER_UNAVAILABLE);
    assert_int_equal(g_transacts, 0);
}

static void test_transport_failure_is_no_refusal(void **state)
{
    (void)state;
    g_bind_fail = NT_ERROR_UNEXP_NET_ERR;
    uint32_t n;
    assert_int_equal(enum10(&n), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(g_transacts, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_decision, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_bind_nak_uses_rap, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_context_rejected_uses_rap, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_smb2_refusal_stands, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_transport_failure_is_no_refusal, setup, rap_test_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
