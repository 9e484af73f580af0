/*
 * The RAP path of the API layer (dll/api/rap.c) over a scripted SMB1-like
 * connection (the connection factory): its srvsvc pipe does not exist
 * (open -> RPC_S_SERVER_UNAVAILABLE), so the API must fall back to RAP on
 * \PIPE\LANMAN through np_transact: NetSessionEnum at every level (a server
 * refusing RAP level 10 gets level 2), filters, paging into single blocks,
 * GetInfo, and NetSessionDel (which Samba does not serve over RAP) with the
 * answers MS-RAP defines: success, NERR_NoSuchSession mapped to
 * NERR_ClientNameNotFound; a transport failure stays a transport failure;
 * long lists answered as Samba packs them (asked again at 64 KiB; beyond
 * that ERROR_MORE_DATA with the right totalentries and a walk that ends).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "rap/rap.h"
#include "fake_rap_conn.h"

/* Samba 4.17's RAP level 2 answer for three sessions (tests/test_rap.c). */
static const char *L2_PAR = "0000000003000000";
static const char *L2_DATA =
    "5a000000650000000100000001000000000000000000000000006e0000007d000000880000000100000001000000"
    "0000000000000000000091000000a0000000ab000000010000000100000000000000000000000000b4000000"
    "3132372e302e302e3833006e7473757365723200556e6b6e6f776e20436c69656e74003132372e302e302e3833"
    "006e747361646d696e00556e6b6e6f776e20436c69656e74003132372e302e302e3833006e74737573657231"
    "00556e6b6e6f776e20436c69656e7400";

static unsigned g_calls, g_opens, g_dels;
/* g_many > 0: the server has that many sessions and packs its level-2
 * answer as Samba does (rap_many); the buffer sizes asked are recorded */
static unsigned g_many, g_asks;
static uint32_t g_asked[8];
static uint16_t g_del_status;
static uint32_t g_fail_transact;

static uint32_t c_open(void *ctx, const char *name, uint64_t deadline_ms, np_pipe *out)
{
    (void)deadline_ms;
    (void)ctx;
    (void)out;
    g_opens++;
    assert_string_equal(name, "srvsvc");
    return NT_RPC_S_SERVER_UNAVAILABLE; /* STATUS_OBJECT_NAME_NOT_FOUND */
}

/* Samba's RAP NetSessionEnum level 2 for g_many sessions in a buffer of
 * max bytes (source3/smbd/lanman.c, its behaviour as measured): every
 * fixed record must fit, or the answer is ERROR_NOT_SUPPORTED; strings go
 * after them while room lasts, the one overflowing is cut to the room
 * left, later ones get null pointers, and the status is ERROR_MORE_DATA;
 * EntriesReturned counts every record, EntriesAvailable is 0. */
static void rap_many(uint32_t max, np_transact_resp *r)
{
    r->param = calloc(1, 8);
    r->paramlen = 8;
    if ((size_t)g_many * 30 > max) {
        nt_put_le16(r->param, NT_ERROR_NOT_SUPPORTED);
        r->paramlen = 4;
        return;
    }
    uint8_t *d = calloc(1, max);
    size_t used = (size_t)g_many * 30;
    uint16_t status = 0;
    for (unsigned i = 0; i < g_many; i++) {
        char s[3][32];
        snprintf(s[0], sizeof(s[0]), "10.1.%u.%u", i / 200, i % 200);
        snprintf(s[1], sizeof(s[1]), "user%u", i % 7);
        snprintf(s[2], sizeof(s[2]), "Unknown Client");
        static const unsigned at[3] = {0, 4, 26};
        for (unsigned k = 0; k < 3; k++) {
            size_t n = strlen(s[k]) + 1, room = max - used;
            if (n > room) {
                status = NT_ERROR_MORE_DATA;
                n = room;
            }
            if (n) {
                nt_put_le32(d + i * 30 + at[k], (uint32_t)used);
                memcpy(d + used, s[k], n);
                d[used + n - 1] = 0;
                used += n;
            }
        }
        nt_put_le16(d + i * 30 + 8, 1);
    }
    nt_put_le16(r->param, status);
    nt_put_le16(r->param + 4, (uint16_t)g_many);
    r->data = d;
    r->datalen = used;
}

static uint32_t c_transact(void *ctx, const np_transact_req *q, np_transact_resp *r)
{
    (void)ctx;
    g_calls++;
    memset(r, 0, sizeof(*r));
    assert_string_equal(q->pipe, "\\PIPE\\LANMAN");
    if (g_fail_transact)
        return g_fail_transact;
    assert_true(q->paramlen >= 2);
    uint16_t op = nt_le16(q->param);
    const char *pdesc = (const char *)q->param + 2;
    if (op == RAP_OP_SESSION_ENUM) {
        assert_string_equal(pdesc, "WrLeh");
        const char *ddesc = pdesc + strlen(pdesc) + 1;
        if (strcmp(ddesc, "zzWWWDDDz") != 0) { /* only level 2, as Samba */
            r->param = dup_hex("32000000", &r->paramlen);
            return NT_OK;
        }
        if (g_many) {
            const uint8_t *p = (const uint8_t *)ddesc + strlen(ddesc) + 1;
            assert_int_equal(nt_le16(p + 2), q->max_data); /* ReceiveBufferSize = MaxDataCount */
            if (g_asks < 8)
                g_asked[g_asks++] = q->max_data;
            rap_many(q->max_data, r);
            return NT_OK;
        }
        r->param = dup_hex(L2_PAR, &r->paramlen);
        r->data = dup_hex(L2_DATA, &r->datalen);
        return NT_OK;
    }
    assert_int_equal(op, RAP_OP_SESSION_DEL);
    assert_string_equal(pdesc, "zW");
    assert_string_equal(pdesc + 3, ""); /* no data descriptor */
    assert_string_equal(pdesc + 4, "\\\\127.0.0.83");
    g_dels++;
    rap_status_answer(r, g_del_status);
    return NT_OK;
}

static const np_conn_ops OPS = {c_open, c_transact, NULL, c_dead, c_info, c_close};

static int setup(void **state)
{
    (void)state;
    rap_test_env_reset();
    g_calls = g_opens = g_dels = 0;
    g_many = g_asks = 0;
    g_del_status = 0;
    g_fail_transact = 0;
    *fake_rap_ops() = &OPS;
    api_set_connector(fake_rap_connect);
    return 0;
}

static const nt_wchar SRV[] = {'\\', '\\', 'r', 'a', 'p', 0};
static const nt_wchar USER1[] = {'n', 't', 's', 'u', 's', 'e', 'r', '1', 0};
static const nt_wchar CLIENT[] = {'\\', '\\', '1', '2', '7', '.', '0', '.', '0', '.', '8', '3', 0};

static void test_enum_every_level(void **state)
{
    (void)state;
    static const uint32_t levels[] = {0, 1, 2, 10, 502};
    for (size_t i = 0; i < 5; i++) {
        uint8_t *buf = NULL;
        uint32_t n = 0, total = 0;
        assert_int_equal(api_session_enum(SRV, NULL, NULL, levels[i], &buf, 0xFFFFFFFFu, &n, &total, NULL), 0);
        assert_int_equal(n, 3);
        assert_int_equal(total, 3);
        assert_non_null(buf);
        nt_block_free(buf);
    }
    assert_int_equal(g_opens, 1); /* srvsvc tried once; the connection stays in RAP mode */
}

static void test_enum_filter_and_paging(void **state)
{
    (void)state;
    uint8_t *buf = NULL;
    uint32_t n = 0, total = 0, resume = 0;
    assert_int_equal(api_session_enum(SRV, NULL, USER1, 10, &buf, 0xFFFFFFFFu, &n, &total, NULL), 0);
    assert_int_equal(n, 1);
    nt_block_free(buf);
    /* one entry per page */
    unsigned pages = 0;
    uint32_t st;
    do {
        buf = NULL;
        st = api_session_enum(SRV, NULL, NULL, 1, &buf, 1, &n, &total, &resume);
        assert_true(st == 0 || st == NT_ERROR_MORE_DATA);
        assert_int_equal(n, 1);
        nt_block_free(buf);
        pages++;
    } while (st == NT_ERROR_MORE_DATA && pages < 10);
    assert_int_equal(pages, 3);
}

static void test_getinfo(void **state)
{
    (void)state;
    uint8_t *buf = NULL;
    assert_int_equal(api_session_getinfo(SRV, CLIENT, USER1, 2, &buf), 0);
    assert_non_null(buf);
    nt_block_free(buf);
    static const nt_wchar NOBODY[] = {'x', 0};
    assert_int_equal(api_session_getinfo(SRV, CLIENT, NOBODY, 1, &buf), NT_NERR_UserNotFound);
}

static void test_del(void **state)
{
    (void)state;
    assert_int_equal(api_session_del(SRV, CLIENT, NULL), 0);
    assert_int_equal(g_dels, 1);
    g_del_status = NT_NERR_NoSuchSession;
    assert_int_equal(api_session_del(SRV, CLIENT, NULL), NT_NERR_ClientNameNotFound);
    g_del_status = 5;
    assert_int_equal(api_session_del(SRV, CLIENT, NULL), NT_ERROR_ACCESS_DENIED);
    /* by user (rap_del.c): every session here is from 127.0.0.83, which
     * other users share, so nothing can be deleted without ending theirs */
    unsigned before = g_dels;
    assert_int_equal(api_session_del(SRV, CLIENT, USER1), NT_ERROR_NOT_SUPPORTED);
    assert_int_equal(g_dels, before);
}

static void test_transport_failure(void **state)
{
    (void)state;
    g_fail_transact = NT_ERROR_SEM_TIMEOUT;
    uint8_t *buf = (uint8_t *)1;
    uint32_t n = 9, total = 9;
    assert_int_equal(api_session_enum(SRV, NULL, NULL, 1, &buf, 0xFFFFFFFFu, &n, &total, NULL),
                     NT_ERROR_SEM_TIMEOUT);
    assert_null(buf);
    assert_int_equal(n, 0);
}

/* A list longer than the first 16000-byte ask: ERROR_MORE_DATA, asked once
 * more at 65535, whole (300 sessions: 19200 bytes); with more fixed records
 * than 16000 bytes hold (700), Samba's ERROR_NOT_SUPPORTED is asked again
 * at 65535 too. */
static void test_enum_long_list(void **state)
{
    (void)state;
    static const unsigned counts[] = {300, 700, 1000};
    for (size_t k = 0; k < 3; k++) {
        g_many = counts[k];
        g_asks = 0;
        uint8_t *buf = NULL;
        uint32_t n = 0, total = 0, resume = 0;
        assert_int_equal(api_session_enum(SRV, NULL, NULL, 1, &buf, 0xFFFFFFFFu, &n, &total, &resume), 0);
        assert_int_equal(n, counts[k]);
        assert_int_equal(total, counts[k]);
        assert_int_equal(resume, 0);
        nt_block_free(buf);
        assert_int_equal(g_asks, 2); /* level 1 is refused before any of these: not recorded */
        assert_int_equal(g_asked[0], 16000);
        assert_int_equal(g_asked[1], 0xFFFF);
        api_snapshots_clear();
    }
}

/* More than 64 KiB can hold (1100 sessions, 61 bytes each with Samba's
 * strings): ERROR_MORE_DATA with the whole entries that fit and
 * totalentries counting all; the resume handle then ends the walk with
 * nothing more (RAP cannot resume), so the documented loop on
 * ERROR_MORE_DATA terminates; with prefmaxlen the last page says it. */
static void test_enum_beyond_64k(void **state)
{
    (void)state;
    g_many = 1100;
    uint8_t *buf = NULL;
    uint32_t n = 0, total = 0, resume = 0;
    assert_int_equal(api_session_enum(SRV, NULL, NULL, 0, &buf, 0xFFFFFFFFu, &n, &total, &resume),
                     NT_ERROR_MORE_DATA);
    assert_true(n > 900 && n < 1100);
    assert_int_equal(total, 1100);
    assert_int_not_equal(resume, 0);
    assert_non_null(buf);
    nt_block_free(buf);
    buf = (uint8_t *)1;
    assert_int_equal(api_session_enum(SRV, NULL, NULL, 0, &buf, 0xFFFFFFFFu, &n, &total, &resume), 0);
    assert_int_equal(n, 0);
    assert_int_equal(total, 0);
    assert_int_equal(resume, 0);
    assert_null(buf);
    /* without a resume handle: the same answer */
    assert_int_equal(api_session_enum(SRV, NULL, NULL, 10, &buf, 0xFFFFFFFFu, &n, &total, NULL),
                     NT_ERROR_MORE_DATA);
    assert_int_equal(total, 1100);
    nt_block_free(buf);
    /* pages of 4096 bytes: every page ERROR_MORE_DATA, then the end */
    uint32_t got = 0, first = 0, calls = 0, st;
    resume = 0;
    do {
        buf = NULL;
        st = api_session_enum(SRV, NULL, NULL, 1, &buf, 4096, &n, &total, &resume);
        if (calls++ == 0) {
            first = n;
            assert_int_equal(total, 1100);
        }
        got += n;
        nt_block_free(buf);
    } while (st == NT_ERROR_MORE_DATA && calls < 1000);
    assert_int_equal(st, 0);
    assert_true(first < got && got > 900 && got < 1100);
    assert_int_equal(n, 0); /* the last call only ends the walk */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_enum_every_level, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_enum_filter_and_paging, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_getinfo, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_del, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_transport_failure, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_enum_long_list, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_enum_beyond_64k, setup, rap_test_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
