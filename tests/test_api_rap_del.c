/*
 * NetSessionDel with a user name over RAP (dll/api/rap_del.c) against a
 * scripted RAP-only server with a live session table: RAP NetSessionEnum
 * level 10 lists it, RAP NetSessionDel by client name ends every session
 * from that client.  A user with sessions from two clients (both deleted,
 * nobody else's touched), a client shared by two users (kept: 50 after the
 * user's other clients were deleted), user + client, no match (2312), the
 * enumeration refused (5), a list the server could not send whole (50,
 * nothing deleted), a transport failure mid-way (returned; the client
 * already deleted stays deleted), our own client ending the connection
 * (answered or not: the rest on a new connection), the connection lost
 * while listing (59), and neither name (every client).
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

#define MAX_SESS 16
typedef struct fake_sess {
    const char *client, *user;
    bool alive;
} fake_sess;

static fake_sess g_tab[MAX_SESS];
static unsigned g_n, g_enums, g_dels;
static char g_deleted[MAX_SESS][32]; /* the names the deletes carried, in order */
static uint16_t g_enum_status;       /* 5: refused; 234: a partial list */
static int g_fail_at_del;            /* > 0: that delete (1-based) fails in the transport */
static bool g_dead;                  /* our own client was deleted: the connection is gone */
static bool g_enum_drops;            /* the enumeration loses the connection */
static bool g_own_silent;            /* deleting our client ends the connection unanswered */
#define OWN "10.0.0.9"               /* our own client (deleting it ends our connection) */

static void add(const char *client, const char *user)
{
    assert_true(g_n < MAX_SESS);
    g_tab[g_n].client = client;
    g_tab[g_n].user = user;
    g_tab[g_n++].alive = true;
}

static unsigned alive(const char *client, const char *user)
{
    unsigned k = 0;
    for (unsigned i = 0; i < g_n; i++)
        k += g_tab[i].alive && !strcmp(g_tab[i].client, client) && !strcmp(g_tab[i].user, user);
    return k;
}

static uint32_t c_open(void *ctx, const char *name, uint64_t deadline_ms, np_pipe *out)
{
    (void)deadline_ms;
    (void)ctx;
    (void)out;
    assert_string_equal(name, "srvsvc");
    return NT_RPC_S_SERVER_UNAVAILABLE;
}

/* RAP level 10 ("zzDD", 16-byte records, then the strings; converter 0). */
static void answer_enum(const np_transact_req *q, np_transact_resp *r)
{
    const char *ddesc = (const char *)q->param + 2 + strlen("WrLeh") + 1;
    if (g_enum_status != 5) /* session.c's "access denied" check lists at level 1 */
        assert_string_equal(ddesc, "zzDD");
    unsigned k = 0;
    for (unsigned i = 0; i < g_n; i++)
        k += g_tab[i].alive;
    uint8_t *d = calloc(1, 1024);
    size_t used = (size_t)k * 16, rec = 0;
    for (unsigned i = 0; i < g_n; i++) {
        if (!g_tab[i].alive)
            continue;
        const char *s[2] = {g_tab[i].client, g_tab[i].user};
        for (unsigned f = 0; f < 2; f++) {
            nt_put_le32(d + rec * 16 + f * 4, (uint32_t)used);
            memcpy(d + used, s[f], strlen(s[f]) + 1);
            used += strlen(s[f]) + 1;
        }
        nt_put_le32(d + rec * 16 + 8, 60);
        rec++;
    }
    r->param = calloc(1, 8);
    r->paramlen = 8;
    nt_put_le16(r->param, g_enum_status);
    nt_put_le16(r->param + 4, (uint16_t)(g_enum_status == 5 ? 0 : k));
    nt_put_le16(r->param + 6, (uint16_t)(g_enum_status == 234 ? k + 3 : k));
    r->data = d;
    r->datalen = g_enum_status == 5 ? 0 : used;
}

static uint32_t c_transact(void *ctx, const np_transact_req *q, np_transact_resp *r)
{
    (void)ctx;
    memset(r, 0, sizeof(*r));
    assert_string_equal(q->pipe, "\\PIPE\\LANMAN");
    if (g_dead)
        return NT_ERROR_NETNAME_DELETED;
    uint16_t op = nt_le16(q->param);
    if (op == RAP_OP_SESSION_ENUM) {
        g_enums++;
        if (g_enum_drops)
            return NT_ERROR_NETNAME_DELETED;
        answer_enum(q, r);
        return NT_OK;
    }
    assert_int_equal(op, RAP_OP_SESSION_DEL);
    const char *name = (const char *)q->param + 2 + strlen("zW") + 1 + 1;
    if (++g_dels == (unsigned)g_fail_at_del)
        return NT_ERROR_SEM_TIMEOUT;
    assert_true(g_dels <= MAX_SESS);
    snprintf(g_deleted[g_dels - 1], sizeof(g_deleted[0]), "%s", name);
    assert_true(name[0] == '\\' && name[1] == '\\');
    bool any = false;
    for (unsigned i = 0; i < g_n; i++) {
        if (g_tab[i].alive && !strcmp(g_tab[i].client, name + 2)) {
            g_tab[i].alive = false; /* every session from that client ends */
            any = true;
        }
    }
    g_dead = !strcmp(name + 2, OWN); /* answered, then the connection ends */
    if (g_dead && g_own_silent)
        return NT_ERROR_NETNAME_DELETED;
    rap_status_answer(r, any ? 0 : NT_NERR_ClientNameNotFound);
    return NT_OK;
}

static const np_conn_ops OPS = {c_open, c_transact, NULL, c_dead, c_info, c_close};

/* A new connection after ours was ended: our new session, from OWN again. */
static uint32_t c_connect(const np_target *t, const nt_creds *cr, np_conn *out)
{
    if (g_dead)
        add(OWN, "admin");
    g_dead = false;
    return fake_rap_connect(t, cr, out);
}

/* alice from A and B, bob from C; carol and alice share D; dave from E. */
static int setup(void **state)
{
    (void)state;
    rap_test_env_reset();
    g_n = g_enums = g_dels = 0;
    g_enum_status = 0;
    g_fail_at_del = 0;
    g_dead = g_enum_drops = g_own_silent = false;
    memset(g_deleted, 0, sizeof(g_deleted));
    add("10.0.0.1", "alice");
    add("10.0.0.2", "alice");
    add("10.0.0.3", "bob");
    add("10.0.0.4", "carol");
    add("10.0.0.4", "Alice");
    add("10.0.0.5", "dave");
    *fake_rap_ops() = &OPS;
    api_set_connector(c_connect);
    return 0;
}

static const nt_wchar SRV[] = {'\\', '\\', 'r', 'a', 'p', 0};
static const nt_wchar BOB[] = {'B', 'O', 'B', 0};
static const nt_wchar ALICE[] = {'a', 'l', 'i', 'c', 'e', 0};
static const nt_wchar NOBODY[] = {'z', 'e', 'd', 0};
static const nt_wchar CL1[] = {'\\', '\\', '1', '0', '.', '0', '.', '0', '.', '1', 0};
static const nt_wchar CL3[] = {'1', '0', '.', '0', '.', '0', '.', '3', 0};
static const nt_wchar CL4[] = {'\\', '\\', '1', '0', '.', '0', '.', '0', '.', '4', 0};

/* The user's only client: deleted; nothing else touched (name compared
 * case-insensitively; the listed name sent with "\\"). */
static void test_user_one_client(void **state)
{
    (void)state;
    assert_int_equal(api_session_del(SRV, NULL, BOB), 0);
    assert_int_equal(g_dels, 1);
    assert_string_equal(g_deleted[0], "\\\\10.0.0.3");
    assert_int_equal(alive("10.0.0.3", "bob"), 0);
    assert_int_equal(alive("10.0.0.1", "alice") + alive("10.0.0.4", "carol") + alive("10.0.0.5", "dave"), 3);
}

/* alice: A and B deleted; D kept (carol's session is there too): 50. */
static void test_user_shared_client(void **state)
{
    (void)state;
    assert_int_equal(api_session_del(SRV, NULL, ALICE), NT_ERROR_NOT_SUPPORTED);
    assert_int_equal(g_dels, 2);
    assert_int_equal(alive("10.0.0.1", "alice") + alive("10.0.0.2", "alice"), 0);
    assert_int_equal(alive("10.0.0.4", "Alice"), 1);
    assert_int_equal(alive("10.0.0.4", "carol"), 1);
    /* once carol has gone (deleted by client), alice's last session can go */
    assert_int_equal(api_session_del(SRV, CL4, NULL), 0);
    add("10.0.0.4", "alice");
    assert_int_equal(api_session_del(SRV, NULL, ALICE), 0);
    assert_int_equal(alive("10.0.0.4", "alice"), 0);
    assert_int_equal(alive("10.0.0.5", "dave"), 1);
}

/* user + client: only that client; shared: 50 with nothing sent; a client
 * without that user's session: 2312. */
static void test_user_and_client(void **state)
{
    (void)state;
    assert_int_equal(api_session_del(SRV, CL1, ALICE), 0);
    assert_int_equal(g_dels, 1);
    assert_string_equal(g_deleted[0], "\\\\10.0.0.1");
    assert_int_equal(alive("10.0.0.2", "alice"), 1);
    assert_int_equal(api_session_del(SRV, CL4, ALICE), NT_ERROR_NOT_SUPPORTED);
    assert_int_equal(api_session_del(SRV, CL3, ALICE), NT_NERR_ClientNameNotFound);
    assert_int_equal(g_dels, 1);
    assert_int_equal(alive("10.0.0.4", "carol") + alive("10.0.0.4", "Alice") + alive("10.0.0.3", "bob"), 3);
}

static void test_no_match(void **state)
{
    (void)state;
    assert_int_equal(api_session_del(SRV, NULL, NOBODY), NT_NERR_ClientNameNotFound);
    assert_int_equal(g_dels, 0);
    assert_int_equal(g_enums, 1);
}

/* The enumeration refused: its answer, nothing deleted; a partial list: 50;
 * the connection lost while listing: nothing was deleted, so no success
 * (ERROR_UNEXP_NET_ERR, not session.c's "our own session ended"). */
static void test_enum_refused_partial_or_lost(void **state)
{
    (void)state;
    g_enum_status = 5;
    assert_int_equal(api_session_del(SRV, NULL, BOB), NT_ERROR_ACCESS_DENIED);
    assert_int_equal(g_dels, 0);
    g_enum_status = 234;
    assert_int_equal(api_session_del(SRV, NULL, BOB), NT_ERROR_NOT_SUPPORTED);
    g_enum_status = 0;
    g_enum_drops = true;
    assert_int_equal(api_session_del(SRV, NULL, BOB), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(g_dels, 0);
    assert_int_equal(alive("10.0.0.3", "bob"), 1);
}

/* The second delete fails in the transport: that failure is the result;
 * the first client stays deleted and the second is untouched. */
static void test_transport_failure_midway(void **state)
{
    (void)state;
    g_fail_at_del = 2;
    assert_int_equal(api_session_del(SRV, NULL, ALICE), NT_ERROR_SEM_TIMEOUT);
    assert_int_equal(alive("10.0.0.1", "alice"), 0);
    assert_int_equal(alive("10.0.0.2", "alice"), 1);
    /* the next call reconnects and finishes what can be finished */
    g_fail_at_del = 0;
    assert_int_equal(api_session_del(SRV, NULL, ALICE), NT_ERROR_NOT_SUPPORTED);
    assert_int_equal(alive("10.0.0.2", "alice"), 0);
}

/* The caller is the user "admin", from OWN (listed first) and 10.0.0.6:
 * NetSessionDel(NULL, "admin") succeeds, 10.0.0.6 is deleted on the new
 * connection our own delete made necessary, nobody else is touched. */
static void del_own_user_first(void)
{
    static const nt_wchar ADMIN[] = {'a', 'd', 'm', 'i', 'n', 0};
    add(OWN, "admin");
    add("10.0.0.6", "admin");
    assert_int_equal(api_session_del(SRV, NULL, ADMIN), 0);
    assert_int_equal(alive("10.0.0.6", "admin"), 0);
    assert_string_equal(g_deleted[1], "\\\\10.0.0.6");
    assert_int_equal(alive("10.0.0.3", "bob") + alive("10.0.0.1", "alice"), 2);
}

/* The server answers the delete of our client, then ends the connection:
 * the second round skips our client (now our new session). */
static void test_own_session_first(void **state)
{
    (void)state;
    del_own_user_first();
    assert_int_equal(alive(OWN, "admin"), 1); /* the new connection's */
    assert_int_equal(g_dels, 2);              /* ours, then 10.0.0.6 */
}

/* The server ends our connection instead of answering: the second round
 * deletes 10.0.0.6 first and our client (the one the first round lost)
 * last, which ends the new connection too: success, as session.c says for
 * our own session. */
static void test_own_session_unanswered(void **state)
{
    (void)state;
    g_own_silent = true;
    del_own_user_first();
    assert_int_equal(alive(OWN, "admin"), 0);
    assert_int_equal(g_dels, 3);
    assert_string_equal(g_deleted[2], "\\\\" OWN);
}

/* Neither name: every client listed is deleted, ours (listed first) too;
 * the second round (our new connection) ends the rest. */
static void test_neither(void **state)
{
    (void)state;
    g_n = 0;
    add(OWN, "admin");
    add("10.0.0.1", "alice");
    add("10.0.0.4", "carol");
    add("10.0.0.4", "alice");
    assert_int_equal(api_session_del(SRV, NULL, NULL), 0);
    assert_int_equal(alive("10.0.0.1", "alice") + alive("10.0.0.4", "carol") + alive("10.0.0.4", "alice"), 0);
    assert_int_equal(alive(OWN, "admin"), 1); /* the new connection's */
    assert_int_equal(g_dels, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_user_one_client, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_user_shared_client, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_user_and_client, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_no_match, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_enum_refused_partial_or_lost, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_transport_failure_midway, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_own_session_first, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_own_session_unanswered, setup, rap_test_teardown),
        cmocka_unit_test_setup_teardown(test_neither, setup, rap_test_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
