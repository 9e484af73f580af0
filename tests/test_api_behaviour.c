/* README's "Behaviour" section, through the API (api_session_enum /
 * getinfo / del) over the connection factory (api_set_connector) and a
 * scripted srvsvc server that behaves like Samba 4.17 unless told
 * otherwise: levels, level fallback and its memory, filters, client names,
 * paging with snapshots, one block, GetInfo, Del's "access denied or
 * nothing matched", deleting our own session, reconnect-and-repeat and the
 * transport codes.  No Samba, no sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "api/api.h"
#include "dcerpc/dcerpc.h"
#include "srvs/srvs.h"

#include "fake_srvsvc.h"
#include "srvs_resp.h"

/* ---- a Samba-like server ---------------------------------------------------- */
#define MAXS 16
typedef struct sim {
    unsigned n;
    const char *cname[MAXS], *user[MAXS];
    bool all_levels;      /* false: only 0 and 1, others ERROR_INVALID_LEVEL (Samba) */
    bool rotate;          /* a different order on every call (Samba) */
    uint32_t del_werr;    /* NetrSessionDel's answer */
    bool del_drops;       /* the server drops the connection after a deletion */
    unsigned drop_enum;   /* the n-th (1-based) enumeration request loses the connection */
    unsigned n_enum, n_del;
    uint32_t levels[8];   /* level of each enumeration request */
} sim;

static void sim_handler(void *hctx, unsigned nth, uint16_t opnum, const uint8_t *stub, size_t len, srv_reply *r)
{
    sim *s = hctx;
    (void)nth;
    if (opnum == SRVS_OPNUM_SESSION_DEL) {
        s->n_del++;
        if (s->del_drops) {
            r->transport = NT_ERROR_NETNAME_DELETED;
            return;
        }
        r->stub = malloc(4);
        nt_put_le32(r->stub, s->del_werr);
        r->len = 4;
        return;
    }
    enum_req q;
    fs_parse_enum(stub, len, &q);
    unsigned k = s->n_enum++;
    if (k < 8)
        s->levels[k] = q.level;
    if (s->drop_enum && k + 1 == s->drop_enum) {
        r->transport = NT_ERROR_NETNAME_DELETED;
        return;
    }
    uint32_t zero = 0;
    if (!s->all_levels && q.level != 0 && q.level != 1) {
        r->stub = enc_resp(q.level, NULL, 0, 0, &zero, NT_ERROR_INVALID_LEVEL, NULL, &r->len);
        return;
    }
    tent e[MAXS];
    memset(e, 0, sizeof(e));
    for (unsigned i = 0; i < s->n; i++) {
        unsigned j = s->rotate ? (i + k) % s->n : i;
        e[i].s[SF_CNAME] = s->cname[j];
        e[i].s[SF_USERNAME] = s->user[j];
        e[i].s[SF_CLTYPE_NAME] = "";
        e[i].s[SF_TRANSPORT] = "";
        e[i].n[SF_TIME] = 100 + j;
        e[i].n[SF_NUM_OPENS] = j;
    }
    r->stub = enc_resp(q.level, e, s->n, s->n, &zero, 0, NULL, &r->len);
}

static fake_srv g_srv;
static sim g_sim;

/* Three sessions as Samba lists them (client names without "\\"). */
static void sim_samba(void)
{
    memset(&g_sim, 0, sizeof(g_sim));
    g_sim.n = 3;
    g_sim.cname[0] = "10.0.0.1", g_sim.user[0] = "alice";
    g_sim.cname[1] = "10.0.0.2", g_sim.user[1] = "bob";
    g_sim.cname[2] = "10.0.0.1", g_sim.user[2] = "carol";
    g_sim.rotate = true;
    g_sim.del_werr = NT_ERROR_ACCESS_DENIED; /* Samba, when nothing matched */
    fs_init(&g_srv, sim_handler, &g_sim);
}

static int setup(void **state)
{
    (void)state;
    sim_samba();
    fs_api_begin(&g_srv);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fs_api_end(&g_srv);
    return 0;
}

#include "test_wstr.h"

/* The string of field f of entry i in a packed block at `level`. */
static char *field(const uint8_t *buf, uint32_t level, uint32_t i, sess_field f)
{
    const sess_level *l = sess_level_find(level);
    size_t ssz = sess_level_struct_size(l, sizeof(void *));
    for (unsigned k = 0; k < l->nfields; k++) {
        if (l->fields[k] != f)
            continue;
        const nt_wchar *p;
        memcpy(&p, buf + i * ssz + sess_level_field_offset(l, k, sizeof(void *)), sizeof(p));
        return p ? nt_utf16_to_utf8(p, nt_wcslen(p)) : NULL;
    }
    fail_msg("level %u has no field %u", (unsigned)level, (unsigned)f);
    return NULL;
}

static void expect_field(const uint8_t *buf, uint32_t level, uint32_t i, sess_field f, const char *want)
{
    char *got = field(buf, level, i, f);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

typedef struct result {
    uint32_t st, er, te, resume;
    uint8_t *buf;
} result;

static result enum_at(const char *server, const char *client, const char *user, uint32_t level, uint32_t pref,
                      uint32_t resume, bool with_resume)
{
    nt_wchar *s = server ? W(server) : NULL, *c = client ? W(client) : NULL, *u = user ? W(user) : NULL;
    result r = {0, 7, 7, resume, (uint8_t *)1};
    r.st = api_session_enum(s, c, u, level, &r.buf, pref, &r.er, &r.te, with_resume ? &r.resume : NULL);
    free(s);
    free(c);
    free(u);
    return r;
}

static result enum_all(const char *client, const char *user, uint32_t level)
{
    return enum_at("\\\\fake", client, user, level, NT_MAX_PREFERRED_LENGTH, 0, false);
}

static void result_free(result *r)
{
    if (r->buf)
        nt_block_free(r->buf);
    r->buf = NULL;
}

/* ---- levels ------------------------------------------------------------------- */
static void test_invalid_levels_no_traffic(void **state)
{
    (void)state;
    static const uint32_t bad[] = {3, 11, 100, 501, 503, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        result r = enum_all(NULL, NULL, bad[i]);
        assert_int_equal(r.st, NT_ERROR_INVALID_LEVEL);
        assert_null(r.buf);
    }
    nt_wchar *s = W("\\\\fake"), *c = W("10.0.0.1"), *u = W("alice");
    uint8_t *buf = (uint8_t *)1;
    assert_int_equal(api_session_getinfo(s, c, u, 502, &buf), NT_ERROR_INVALID_LEVEL); /* as on Windows */
    assert_null(buf);
    assert_int_equal(api_session_getinfo(s, NULL, u, 1, &buf), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(api_session_getinfo(s, c, NULL, 1, &buf), NT_ERROR_INVALID_PARAMETER);
    free(s);
    free(c);
    free(u);
    assert_int_equal(fs_opens, 0);
    assert_int_equal(g_sim.n_enum, 0);
}

/* Samba has only 0 and 1: level 2 is derived from 1 with an empty
 * cltype_name, and the missing level is remembered for the server. */
static void test_level_fallback_remembered(void **state)
{
    (void)state;
    result r = enum_all(NULL, NULL, 2);
    assert_int_equal(r.st, NT_OK);
    assert_int_equal(r.er, 3);
    assert_int_equal(g_sim.n_enum, 2);
    assert_int_equal(g_sim.levels[0], 2);
    assert_int_equal(g_sim.levels[1], 1);
    for (uint32_t i = 0; i < 3; i++)
        expect_field(r.buf, 2, i, SF_CLTYPE_NAME, ""); /* never invented text */
    result_free(&r);
    r = enum_all(NULL, NULL, 2);
    assert_int_equal(r.st, NT_OK);
    assert_int_equal(g_sim.n_enum, 3);
    assert_int_equal(g_sim.levels[2], 1); /* remembered: asked for 1 at once */
    result_free(&r);
    r = enum_all(NULL, NULL, 502);
    assert_int_equal(r.st, NT_OK);
    expect_field(r.buf, 502, 0, SF_TRANSPORT, "");
    result_free(&r);
    r = enum_all(NULL, NULL, 10);
    assert_int_equal(r.st, NT_OK);
    expect_field(r.buf, 10, 0, SF_USERNAME, "alice"); /* level 10 exactly */
    result_free(&r);
    assert_int_equal(fs_opens, 1); /* one cached connection throughout */
}

/* ---- client names and filters --------------------------------------------------- */
static void test_client_names_prefixed(void **state)
{
    (void)state;
    g_sim.cname[1] = "\\\\already";
    g_sim.rotate = false;
    result r = enum_all(NULL, NULL, 0);
    assert_int_equal(r.st, NT_OK);
    assert_int_equal(r.er, 3);
    /* sorted: client, then user */
    expect_field(r.buf, 0, 0, SF_CNAME, "\\\\10.0.0.1");
    expect_field(r.buf, 0, 1, SF_CNAME, "\\\\10.0.0.1");
    expect_field(r.buf, 0, 2, SF_CNAME, "\\\\already"); /* not doubled */
    result_free(&r);
}

static void test_filters(void **state)
{
    (void)state;
    result r = enum_all("\\\\10.0.0.1", NULL, 1);
    assert_int_equal(r.st, NT_OK);
    assert_int_equal(r.er, 2);
    expect_field(r.buf, 1, 0, SF_USERNAME, "alice");
    expect_field(r.buf, 1, 1, SF_USERNAME, "carol");
    result_free(&r);
    r = enum_all("10.0.0.2", "BOB", 10); /* without "\\", any case */
    assert_int_equal(r.st, NT_OK);
    assert_int_equal(r.er, 1);
    expect_field(r.buf, 10, 0, SF_CNAME, "\\\\10.0.0.2");
    result_free(&r);
    r = enum_all(NULL, "carol", 0); /* level 0 has no user: fetched at 1, filtered here */
    assert_int_equal(r.st, NT_OK);
    assert_int_equal(r.er, 1);
    result_free(&r);
    r = enum_all("10.9.9.9", NULL, 1);
    assert_int_equal(r.st, NT_NERR_ClientNameNotFound);
    assert_null(r.buf);
    r = enum_all("10.0.0.2", "alice", 1); /* the client exists, not with that user */
    assert_int_equal(r.st, NT_NERR_UserNotFound);
    r = enum_all(NULL, "nobody", 1);
    assert_int_equal(r.st, NT_NERR_UserNotFound);
    r = enum_all("", "", 1); /* empty strings: no filter */
    assert_int_equal(r.st, NT_OK);
    assert_int_equal(r.er, 3);
    result_free(&r);
    char *longname = malloc(4098);
    memset(longname, 'a', 4097);
    longname[4097] = 0;
    r = enum_all(longname, NULL, 1);
    assert_int_equal(r.st, NT_ERROR_INVALID_PARAMETER);
    free(longname);
}

/* ---- paging and the block ---------------------------------------------------------- */
/* prefmaxlen pages a snapshot: every entry exactly once although the
 * server answers in a different order each time, and the server is asked
 * once for the whole walk. */
static void test_paging_snapshot(void **state)
{
    (void)state;
    static const char *names[MAXS] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"};
    g_sim.n = 10;
    for (unsigned i = 0; i < 10; i++)
        g_sim.cname[i] = names[i], g_sim.user[i] = "u";
    unsigned seen[10] = {0}, pages = 0;
    uint32_t resume = 0;
    for (;;) {
        result r = enum_at("\\\\fake", NULL, NULL, 1, 1, resume, true); /* 1 byte: one entry a page */
        assert_true(r.st == NT_OK || r.st == NT_ERROR_MORE_DATA);
        assert_int_equal(r.er, 1);
        assert_int_equal(r.te, 10 - pages);
        char *c = field(r.buf, 1, 0, SF_CNAME);
        assert_true(strlen(c) == 4 && c[0] == '\\' && c[2] == 'c');
        seen[c[3] - '0']++;
        free(c);
        result_free(&r);
        pages++;
        resume = r.resume;
        if (r.st == NT_OK) {
            assert_int_equal(resume, 0);
            break;
        }
        assert_int_not_equal(resume, 0);
    }
    assert_int_equal(pages, 10);
    for (unsigned i = 0; i < 10; i++)
        assert_int_equal(seen[i], 1);
    assert_int_equal(g_sim.n_enum, 1);
    /* MAX_PREFERRED_LENGTH: everything at once, no handle */
    result r = enum_at("\\\\fake", NULL, NULL, 1, NT_MAX_PREFERRED_LENGTH, 0, true);
    assert_int_equal(r.st, NT_OK);
    assert_int_equal(r.er, 10);
    assert_int_equal(r.te, 10);
    assert_int_equal(r.resume, 0);
    result_free(&r);
}

/* One block: structures, then the strings, all inside what
 * NetApiBufferSize reports. */
static void test_one_block(void **state)
{
    (void)state;
    result r = enum_all(NULL, NULL, 502);
    assert_int_equal(r.st, NT_OK);
    const sess_level *l = sess_level_find(502);
    size_t size = nt_block_size(r.buf), ssz = sess_level_struct_size(l, sizeof(void *));
    assert_true(size >= r.er * ssz);
    for (uint32_t i = 0; i < r.er; i++)
        for (unsigned k = 0; k < l->nfields; k++) {
            if (!sess_field_is_string((sess_field)l->fields[k]))
                continue;
            const uint8_t *p;
            memcpy(&p, r.buf + i * ssz + sess_level_field_offset(l, k, sizeof(void *)), sizeof(p));
            assert_non_null(p);
            assert_true(p >= r.buf + r.er * ssz && p < r.buf + size);
            size_t n = nt_wcslen((const nt_wchar *)p);
            assert_true(p + 2 * (n + 1) <= r.buf + size);
        }
    result_free(&r);
}

/* ---- GetInfo ------------------------------------------------------------------------ */
static void test_getinfo_first_match(void **state)
{
    (void)state;
    g_sim.n = 4;
    g_sim.cname[3] = "10.0.0.2", g_sim.user[3] = "bob"; /* a second bob session from .2 */
    g_sim.rotate = false;
    nt_wchar *s = W("\\\\fake"), *c = W("\\\\10.0.0.2"), *u = W("Bob"), *x = W("zed");
    uint8_t *buf = NULL;
    assert_int_equal(api_session_getinfo(s, c, u, 10, &buf), NT_OK);
    expect_field(buf, 10, 0, SF_CNAME, "\\\\10.0.0.2");
    expect_field(buf, 10, 0, SF_USERNAME, "bob");
    assert_true(nt_block_size(buf) >= sess_level_struct_size(sess_level_find(10), sizeof(void *)));
    nt_block_free(buf);
    buf = (uint8_t *)1;
    assert_int_equal(api_session_getinfo(s, c, x, 1, &buf), NT_NERR_UserNotFound);
    assert_null(buf);
    free(s);
    free(c);
    free(u);
    free(x);
}

/* ---- Del ------------------------------------------------------------------------------ */
static uint32_t del(const char *client, const char *user)
{
    nt_wchar *s = W("\\\\fake"), *c = client ? W(client) : NULL, *u = user ? W(user) : NULL;
    uint32_t st = api_session_del(s, c, u);
    free(s);
    free(c);
    free(u);
    return st;
}

/* Samba says "access denied" also when nothing matched: the DLL looks. */
static void test_del_denied_or_nothing_matched(void **state)
{
    (void)state;
    assert_int_equal(del("10.9.9.9", NULL), NT_NERR_ClientNameNotFound);
    assert_int_equal(g_sim.n_del, 1);
    assert_int_equal(g_sim.n_enum, 1); /* the look */
    assert_int_equal(del("10.0.0.1", "alice"), NT_ERROR_ACCESS_DENIED); /* a match: a real refusal */
    g_sim.del_werr = NT_OK;
    assert_int_equal(del(NULL, NULL), NT_OK); /* every session */
    assert_int_equal(del("10.0.0.2", NULL), NT_OK);
    assert_int_equal(g_sim.n_enum, 2); /* success needs no look */
    g_sim.del_werr = NT_NERR_UserNotFound; /* Windows' "no such session" */
    assert_int_equal(del(NULL, "zed"), NT_NERR_ClientNameNotFound);
    assert_int_equal(fs_opens, 1);
}

/* Deleting our own session: the server drops us after the request.  That
 * is success, the request is not sent twice, the next call reconnects. */
static void test_del_own_session(void **state)
{
    (void)state;
    result r = enum_all(NULL, NULL, 1); /* a warm, cached connection */
    assert_int_equal(r.st, NT_OK);
    result_free(&r);
    g_sim.del_drops = true;
    assert_int_equal(del("10.0.0.1", NULL), NT_OK);
    assert_int_equal(g_sim.n_del, 1);
    assert_int_equal(fs_opens, 1);
    g_sim.del_drops = false;
    r = enum_all(NULL, NULL, 1);
    assert_int_equal(r.st, NT_OK);
    assert_int_equal(fs_opens, 2); /* reconnected */
    result_free(&r);
}

/* A cached connection lost under an enumeration: reconnect and repeat, once. */
static void test_enum_reconnect_and_repeat(void **state)
{
    (void)state;
    result r = enum_all(NULL, NULL, 1);
    assert_int_equal(r.st, NT_OK);
    result_free(&r);
    g_sim.drop_enum = 2;
    r = enum_all(NULL, NULL, 1);
    assert_int_equal(r.st, NT_OK);
    assert_int_equal(r.er, 3);
    assert_int_equal(fs_opens, 2);
    assert_int_equal(g_sim.n_enum, 3);
    result_free(&r);
    /* on a fresh connection the loss is not repeated: the caller sees it */
    api_cache_shutdown();
    g_sim.drop_enum = 4;
    r = enum_all(NULL, NULL, 1);
    assert_int_equal(r.st, NT_ERROR_UNEXP_NET_ERR);
    assert_null(r.buf);
    assert_int_equal(g_sim.n_enum, 4);
}

/* Transport failures folded into the documented codes. */
static void test_connect_failures(void **state)
{
    (void)state;
    fs_fail_connect = NT_ERROR_CONNECTION_REFUSED;
    result r = enum_all(NULL, NULL, 1);
    assert_int_equal(r.st, NT_ERROR_BAD_NETPATH);
    r = enum_at(NULL, NULL, NULL, 1, NT_MAX_PREFERRED_LENGTH, 0, false); /* this machine */
    assert_int_equal(r.st, NT_NERR_ServerNotStarted);
    fs_fail_connect = NT_ERROR_BAD_NET_NAME;
    r = enum_all(NULL, NULL, 1);
    assert_int_equal(r.st, NT_ERROR_BAD_NETPATH);
    fs_fail_connect = NT_ERROR_LOGON_FAILURE;
    r = enum_all(NULL, NULL, 1);
    assert_int_equal(r.st, NT_ERROR_LOGON_FAILURE);
    assert_int_equal(fs_opens, 0);
    fs_fail_connect = 0;
    r = enum_all(NULL, NULL, 1);
    assert_int_equal(r.st, NT_OK);
    result_free(&r);
}

/* A connection made again within NETAPI32_CRED_RECHECK_MS of the last
 * lookup (the warm call had not looked the credentials up) still logs on
 * with them: here a deletion's probe finds the cached connection dead. */
static char g_user_seen[64];
static uint32_t connect_seen(const np_target *t, const nt_creds *cr, np_conn *out)
{
    snprintf(g_user_seen, sizeof g_user_seen, "%s", cr && cr->user ? cr->user : "(anonymous)");
    return fs_connect(t, cr, out);
}

static void test_reconnect_keeps_credentials(void **state)
{
    (void)state;
    api_set_connector(connect_seen);
    setenv("NETAPI32_USER", "alice", 1);
    setenv("NETAPI32_PASSWORD", "pw", 1);
    result r = enum_all(NULL, NULL, 1);
    assert_int_equal(r.st, NT_OK);
    result_free(&r);
    assert_string_equal(g_user_seen, "alice");
    g_srv.dead = true; /* the cached connection died meanwhile */
    g_user_seen[0] = 0;
    del("10.0.0.9", NULL);
    assert_string_equal(g_user_seen, "alice"); /* never an anonymous session */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_invalid_levels_no_traffic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_level_fallback_remembered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_names_prefixed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_getinfo_first_match, setup, teardown),
        cmocka_unit_test_setup_teardown(test_del_denied_or_nothing_matched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_del_own_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enum_reconnect_and_repeat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconnect_keeps_credentials, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
