/* The server's answer versus the transport's failure, server-side paging,
 * and the API's own codes for resume handles and unconvertible filters,
 * against a scripted srvsvc server (tests/fake_srvsvc.h): srvs directly
 * over a bound rpc_conn, and the whole API through the connection cache's
 * connection factory (api_set_connector), so connection reuse is observable. */
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

/* ---- scripted sessions ------------------------------------------------------ */
/* Entries first..first+n-1: client "\\\\10.0.<i/250>.<i%250>", user "u<i>"
 * (user "v<i>" when i is odd and alt_users). */
typedef struct gen {
    tent *e;
    char (*names)[2][24];
} gen;

static gen gen_entries(uint32_t first, uint32_t n, bool alt_users)
{
    gen g;
    g.e = calloc(n ? n : 1, sizeof(tent));
    g.names = calloc(n ? n : 1, sizeof(*g.names));
    assert_true(g.e && g.names);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = first + k;
        snprintf(g.names[k][0], 24, "\\\\10.0.%u.%u", (unsigned)(i / 250), (unsigned)(i % 250));
        snprintf(g.names[k][1], 24, "%c%u", alt_users && (i & 1) ? 'v' : 'u', (unsigned)i);
        g.e[k].s[SF_CNAME] = g.names[k][0];
        g.e[k].s[SF_USERNAME] = g.names[k][1];
        g.e[k].s[SF_CLTYPE_NAME] = "";
        g.e[k].s[SF_TRANSPORT] = "";
        g.e[k].n[SF_TIME] = 1000 - (i % 1000);
    }
    return g;
}

static void gen_free(gen *g)
{
    free(g->e);
    free(g->names);
}

/* A page of entries [first, first+n) with the given handle and status. */
static void page(srv_reply *r, uint32_t level, uint32_t first, uint32_t n, uint32_t total, const uint32_t *resume,
                 uint32_t werr, bool alt_users)
{
    gen g = gen_entries(first, n, alt_users);
    r->stub = enc_resp(level, g.e, n, total, resume, werr, NULL, &r->len);
    gen_free(&g);
}

/* ---- a paging server ----------------------------------------------------------- */
typedef struct pager {
    uint32_t pages, per_page;  /* entries 0..pages*per_page-1 */
    uint32_t werr;             /* != 0: answer this NET_API_STATUS instead */
    uint32_t fault;            /* != 0: answer with this fault instead */
    uint32_t transport;        /* != 0: fail the transport on every request */
    uint32_t fail_at;          /* answer werr/fault only from this request on (0: always) */
    bool same_handle;          /* repeat the first handle forever */
    bool endless;              /* ERROR_MORE_DATA forever, a new handle each time */
    bool empty_more;           /* ERROR_MORE_DATA with no entries */
    bool null_resume;          /* ERROR_MORE_DATA without a resume handle */
    bool bad_second;           /* page 2 claims more entries than its array holds */
    bool alt_users;
    unsigned n_enum, n_del;
    enum_req last;             /* the last NetrSessionEnum request */
    uint32_t resumes[8];       /* resume handles the first requests carried */
} pager;

static void pager_handler(void *hctx, unsigned nth, uint16_t opnum, const uint8_t *stub, size_t len, srv_reply *r)
{
    pager *p = hctx;
    (void)nth;
    if (p->transport) {
        r->transport = p->transport;
        return;
    }
    if (opnum == SRVS_OPNUM_SESSION_DEL) {
        p->n_del++;
        if (p->fault) {
            r->fault = p->fault;
            return;
        }
        r->stub = malloc(4);
        nt_put_le32(r->stub, p->werr);
        r->len = 4;
        return;
    }
    assert_int_equal(opnum, SRVS_OPNUM_SESSION_ENUM);
    fs_parse_enum(stub, len, &p->last);
    unsigned k = p->n_enum++;
    if (k < 8)
        p->resumes[k] = p->last.resume;
    assert_true(p->last.has_resume);
    uint32_t level = p->last.level;
    if ((p->werr || p->fault) && k >= p->fail_at) {
        if (p->fault) {
            r->fault = p->fault;
        } else {
            uint32_t h = 0;
            r->stub = enc_resp(level, NULL, 0, 0, &h, p->werr, NULL, &r->len);
        }
        return;
    }
    uint32_t idx = p->last.resume ? p->last.resume - 0x100 : 0; /* page index from the handle */
    uint32_t next = 0x100 + idx + 1;
    if (p->same_handle && idx > 0)
        next = p->last.resume;
    if (p->endless) {
        page(r, level, idx, 1, 2, &next, NT_ERROR_MORE_DATA, p->alt_users);
        return;
    }
    if (p->empty_more) {
        page(r, level, 0, 0, 5, &next, NT_ERROR_MORE_DATA, false);
        return;
    }
    bool last = idx + 1 >= p->pages;
    uint32_t total = p->pages * p->per_page;
    if (p->bad_second && idx == 1) {
        gen g = gen_entries(idx * p->per_page, p->per_page, false);
        knobs kb = {.count_set = true, .count = p->per_page + 1, .maxc_set = true, .maxc = p->per_page + 1};
        r->stub = enc_resp(level, g.e, p->per_page, total, &next, NT_ERROR_MORE_DATA, &kb, &r->len);
        gen_free(&g);
        return;
    }
    page(r, level, idx * p->per_page, p->per_page, total, p->null_resume && !last ? NULL : &next,
         last ? NT_OK : NT_ERROR_MORE_DATA, p->alt_users);
}

/* ---- srvs over a bound connection ------------------------------------------- */
static uint32_t srvs_walk(pager *p, uint32_t level, sess_list *l, srvs_answer *ans, fake_srv *f)
{
    fs_init(f, pager_handler, p);
    np_pipe t;
    fs_pipe(f, &t);
    rpc_conn c;
    rpc_init(&c, &t);
    assert_int_equal(rpc_bind(&c, &RPC_SRVSVC_SYNTAX), NT_OK);
    nt_wchar unc[] = {'\\', '\\', 's', 0};
    uint32_t st = srvs_session_enum_all(&c, unc, NULL, NULL, level, l, ans);
    fs_reset_stream(f);
    return st;
}

static void test_paging_three_pages(void **state)
{
    (void)state;
    pager p = {.pages = 3, .per_page = 4};
    sess_list l;
    srvs_answer ans;
    fake_srv f;
    assert_int_equal(srvs_walk(&p, 1, &l, &ans, &f), NT_OK);
    assert_int_equal(ans.werr, NT_OK);
    assert_int_equal(ans.fault, 0);
    assert_int_equal(p.n_enum, 3);
    assert_int_equal(p.resumes[0], 0); /* then each handle the server returned */
    assert_int_equal(p.resumes[1], 0x101);
    assert_int_equal(p.resumes[2], 0x102);
    assert_int_equal(l.count, 12);
    for (uint32_t i = 0; i < 12; i++) {
        char want[24], *got = nt_utf16_to_utf8(l.v[i].str[SF_USERNAME], nt_wcslen(l.v[i].str[SF_USERNAME]));
        snprintf(want, sizeof(want), "u%u", (unsigned)i);
        assert_string_equal(got, want); /* every page, in order, concatenated */
        free(got);
    }
    sess_list_free(&l);
}

static void expect_walk_violation(pager *p, unsigned want_requests)
{
    sess_list l;
    srvs_answer ans;
    fake_srv f;
    assert_int_equal(srvs_walk(p, 1, &l, &ans, &f), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(l.count, 0);
    assert_null(l.v);
    if (want_requests)
        assert_int_equal(p->n_enum, want_requests);
}

static void test_paging_bounded(void **state)
{
    (void)state;
    pager same = {.pages = 5, .per_page = 2, .same_handle = true};
    expect_walk_violation(&same, 2); /* sent 0x101, answered 0x101 again: refused */
    pager endless = {.endless = true};
    expect_walk_violation(&endless, SRVS_MAX_PAGES);
    pager empty = {.empty_more = true};
    expect_walk_violation(&empty, 1);
    pager noresume = {.pages = 3, .per_page = 2, .null_resume = true};
    expect_walk_violation(&noresume, 1);
    pager bad = {.pages = 3, .per_page = 2, .bad_second = true};
    expect_walk_violation(&bad, 2); /* a count larger than its array */
    /* more than SRVS_MAX_ENTRIES entries in all */
    pager big = {.pages = 3, .per_page = SRVS_MAX_ENTRIES / 2 + 1};
    expect_walk_violation(&big, 2);
}

static void test_paging_error_on_later_page(void **state)
{
    (void)state;
    pager p = {.pages = 3, .per_page = 2, .werr = NT_ERROR_ACCESS_DENIED, .fail_at = 1};
    sess_list l;
    srvs_answer ans;
    fake_srv f;
    assert_int_equal(srvs_walk(&p, 1, &l, &ans, &f), NT_OK); /* the server answered */
    assert_int_equal(ans.werr, NT_ERROR_ACCESS_DENIED);
    assert_int_equal(l.count, 0); /* no half list */
    pager q = {.pages = 3, .per_page = 2, .fault = 0x1c010002u, .fail_at = 2};
    assert_int_equal(srvs_walk(&q, 1, &l, &ans, &f), NT_OK);
    assert_int_equal(ans.fault, 0x1c010002u);
    assert_int_equal(srvs_answer_status(&ans), NT_RPC_S_PROCNUM_OUT_OF_RANGE);
    assert_int_equal(l.count, 0);
}

/* ---- the API through the connection cache's seam -------------------------- */
static fake_srv g_srv;
#define g_opens fs_opens

static int seam_setup(void **state)
{
    (void)state;
    fs_api_begin(&g_srv);
    return 0;
}

static int seam_teardown(void **state)
{
    (void)state;
    fs_api_end(&g_srv);
    return 0;
}

#include "test_wstr.h"

/* NetSessionEnum of everything at `level` against server "fake". */
static uint32_t enum_all(uint32_t level, uint32_t *count)
{
    nt_wchar *srv = W("\\\\fake");
    uint8_t *buf = (uint8_t *)1;
    uint32_t er = 7, te = 7;
    uint32_t st = api_session_enum(srv, NULL, NULL, level, &buf, NT_MAX_PREFERRED_LENGTH, &er, &te, NULL);
    if (st != NT_OK) {
        assert_null(buf);
        assert_int_equal(er, 0);
        assert_int_equal(te, 0);
    }
    if (buf)
        nt_block_free(buf);
    free(srv);
    if (count)
        *count = er;
    return st;
}

/* Whatever the server answers, it is passed through and the connection stays. */
static void test_api_answers_pass_through(void **state)
{
    (void)state;
    pager p = {.pages = 1, .per_page = 3};
    fs_init(&g_srv, pager_handler, &p);
    uint32_t n = 0;
    assert_int_equal(enum_all(1, &n), NT_OK);
    assert_int_equal(n, 3);
    uint32_t c0 = api_connect_count();
    static const uint32_t werrs[] = {NT_ERROR_NOT_ENOUGH_MEMORY, NT_ERROR_UNEXP_NET_ERR, NT_ERROR_ACCESS_DENIED,
                                     NT_ERROR_NETNAME_DELETED, NT_ERROR_SEM_TIMEOUT, NT_NERR_UserNotFound, 2102};
    for (size_t i = 0; i < sizeof(werrs) / sizeof(werrs[0]); i++) {
        p.werr = werrs[i];
        unsigned before = p.n_enum;
        assert_int_equal(enum_all(1, NULL), werrs[i]);
        assert_int_equal(p.n_enum - before, 1); /* asked once: no reconnect-and-repeat */
    }
    p.werr = 0;
    static const struct {
        uint32_t fault, want;
    } faults[] = {{5, NT_ERROR_ACCESS_DENIED}, {0x1c010002u, NT_RPC_S_PROCNUM_OUT_OF_RANGE},
                  {0x1c010003u, NT_RPC_S_UNKNOWN_IF}, {64, 64}, {59, 59}, {8, 8}, {0x6f7, 0x6f7},
                  {NT_ERROR_MORE_DATA, NT_RPC_S_CALL_FAILED}};
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        p.fault = faults[i].fault;
        unsigned before = p.n_enum;
        assert_int_equal(enum_all(1, NULL), faults[i].want);
        assert_int_equal(p.n_enum - before, 1);
    }
    p.fault = 0;
    assert_int_equal(enum_all(1, &n), NT_OK);
    assert_int_equal(n, 3);
    assert_int_equal(api_connect_count(), c0); /* one healthy connection throughout */
    assert_int_equal(g_srv.closes, 0);
    assert_int_equal(g_srv.binds, 1);
}

/* Only the transport's failures and protocol violations drop a connection. */
static void test_api_transport_failures_poison(void **state)
{
    (void)state;
    pager p = {.pages = 1, .per_page = 2};
    fs_init(&g_srv, pager_handler, &p);
    assert_int_equal(enum_all(1, NULL), NT_OK);
    uint32_t c0 = api_connect_count();
    /* a malformed answer: 59, the connection is discarded, the next call reconnects */
    p.bad_second = true;
    p.pages = 3;
    assert_int_equal(enum_all(1, NULL), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(g_srv.closes, 1);
    p.bad_second = false;
    assert_int_equal(enum_all(1, NULL), NT_OK);
    assert_int_equal(api_connect_count(), c0 + 1);
    /* endless paging: 59 after the page cap, connection discarded */
    p.endless = true;
    assert_int_equal(enum_all(1, NULL), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(g_srv.closes, 2);
    p.endless = false;
    /* a connection lost mid-call on a cached connection: replaced, the
     * enumeration repeated once, the caller never sees the loss */
    assert_int_equal(enum_all(1, NULL), NT_OK);
    uint32_t c1 = api_connect_count();
    p.transport = NT_ERROR_NETNAME_DELETED;
    assert_int_equal(enum_all(1, NULL), NT_ERROR_UNEXP_NET_ERR); /* both attempts lost */
    assert_int_equal(api_connect_count(), c1 + 1);
    p.transport = 0;
    assert_int_equal(enum_all(1, NULL), NT_OK);
}

/* A server that pages is followed to the end; filters and the API's own
 * paging work on the complete list. */
static void test_api_follows_server_paging(void **state)
{
    (void)state;
    pager p = {.pages = 3, .per_page = 3, .alt_users = true};
    fs_init(&g_srv, pager_handler, &p);
    uint32_t n = 0;
    assert_int_equal(enum_all(10, &n), NT_OK);
    assert_int_equal(n, 9);
    assert_int_equal(p.n_enum, 3);
    /* user filter "v7": entry 7 is on the third page */
    nt_wchar *srv = W("fake"), *user = W("v7");
    uint8_t *buf = NULL;
    uint32_t er = 0, te = 0;
    assert_int_equal(api_session_enum(srv, NULL, user, 10, &buf, NT_MAX_PREFERRED_LENGTH, &er, &te, NULL), NT_OK);
    assert_int_equal(er, 1);
    nt_block_free(buf);
    /* the API's paging over the complete list: every entry exactly once */
    uint32_t rh = 0, seen = 0;
    uint32_t st;
    do {
        buf = NULL;
        st = api_session_enum(srv, NULL, NULL, 10, &buf, 1, &er, &te, &rh);
        assert_true(st == NT_OK || st == NT_ERROR_MORE_DATA);
        assert_int_equal(er, 1);
        seen += er;
        nt_block_free(buf);
    } while (st == NT_ERROR_MORE_DATA && seen < 100);
    assert_int_equal(seen, 9);
    assert_int_equal(rh, 0);
    free(srv);
    free(user);
}

/* Resume handles this DLL never issued: ERROR_INVALID_PARAMETER, nothing
 * sent; handles it issued continue (also after their snapshot is gone). */
static void test_api_resume_handles(void **state)
{
    (void)state;
    pager p = {.pages = 1, .per_page = 5};
    fs_init(&g_srv, pager_handler, &p);
    nt_wchar *srv = W("fake");
    static const uint32_t bogus[] = {0xDEADBEEFu, 0xFFFFFFFFu, 0x80000000u, 0x00000005u, 0x00010000u,
                                     0x7FFE0002u, 0x7FFF0001u};
    for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
        uint8_t *buf = (uint8_t *)1;
        uint32_t er = 7, te = 7, rh = bogus[i];
        assert_int_equal(api_session_enum(srv, NULL, NULL, 1, &buf, NT_MAX_PREFERRED_LENGTH, &er, &te, &rh),
                         NT_ERROR_INVALID_PARAMETER);
        assert_null(buf);
        assert_int_equal(er, 0);
        assert_int_equal(te, 0);
    }
    assert_int_equal(p.n_enum, 0); /* refused before any traffic */
    /* an issued handle: the walk continues from its snapshot */
    uint8_t *buf = NULL;
    uint32_t er = 0, te = 0, rh = 0;
    assert_int_equal(api_session_enum(srv, NULL, NULL, 1, &buf, 1, &er, &te, &rh), NT_ERROR_MORE_DATA);
    nt_block_free(buf);
    uint32_t issued = rh;
    assert_true(issued != 0);
    /* ... but not for another query (level 0 instead of 1) */
    uint32_t other = issued;
    buf = (uint8_t *)1;
    assert_int_equal(api_session_enum(srv, NULL, NULL, 0, &buf, 1, &er, &te, &other), NT_ERROR_INVALID_PARAMETER);
    assert_null(buf);
    unsigned before = p.n_enum;
    assert_int_equal(api_session_enum(srv, NULL, NULL, 1, &buf, 1, &er, &te, &rh), NT_ERROR_MORE_DATA);
    assert_int_equal(er, 1);
    assert_int_equal(te, 4);
    assert_int_equal(p.n_enum, before); /* served from the snapshot */
    nt_block_free(buf);
    /* the snapshot is gone (expired): the walk continues in a fresh list */
    api_snapshots_clear();
    assert_int_equal(api_session_enum(srv, NULL, NULL, 1, &buf, NT_MAX_PREFERRED_LENGTH, &er, &te, &rh), NT_OK);
    assert_int_equal(er, 3); /* entries 2..4 of 5 */
    assert_int_equal(p.n_enum, before + 1);
    assert_int_equal(rh, 0);
    nt_block_free(buf);
    free(srv);
}

/* A filter with a lone surrogate cannot name a session: it is not sent, it
 * matches nothing here, and the normal "not found" codes result. */
static void test_api_lone_surrogate_filters(void **state)
{
    (void)state;
    pager p = {.pages = 1, .per_page = 3};
    fs_init(&g_srv, pager_handler, &p);
    nt_wchar *srv = W("fake");
    nt_wchar bad[] = {'\\', '\\', 'x', 0xD800, 'y', 0};
    nt_wchar badu[] = {'u', 0xDC00, 0};
    nt_wchar pair[] = {'u', 0xD83D, 0xDE00, 0}; /* a valid pair is sent as is */
    uint8_t *buf = (uint8_t *)1;
    uint32_t er = 7, te = 7;
    assert_int_equal(api_session_enum(srv, bad, NULL, 10, &buf, NT_MAX_PREFERRED_LENGTH, &er, &te, NULL),
                     NT_NERR_ClientNameNotFound);
    assert_null(buf);
    assert_false(p.last.has_client);
    assert_int_equal(api_session_enum(srv, NULL, badu, 0, &buf, NT_MAX_PREFERRED_LENGTH, &er, &te, NULL),
                     NT_NERR_UserNotFound);
    assert_false(p.last.has_user);
    assert_int_equal(api_session_enum(srv, NULL, pair, 10, &buf, NT_MAX_PREFERRED_LENGTH, &er, &te, NULL),
                     NT_NERR_UserNotFound);
    assert_true(p.last.has_user);
    assert_int_equal(p.last.user[1], 0xD83D);
    nt_wchar *c = W("\\\\10.0.0.1"), *u = W("u1");
    assert_int_equal(api_session_getinfo(srv, bad, u, 10, &buf), NT_NERR_ClientNameNotFound);
    assert_int_equal(api_session_getinfo(srv, c, badu, 10, &buf), NT_NERR_UserNotFound);
    assert_int_equal(api_session_getinfo(srv, c, u, 10, &buf), NT_OK);
    nt_block_free(buf);
    assert_int_equal(api_session_del(srv, bad, NULL), NT_NERR_ClientNameNotFound);
    assert_int_equal(api_session_del(srv, NULL, badu), NT_NERR_ClientNameNotFound);
    assert_int_equal(p.n_del, 0); /* no deletion was sent */
    /* ... after the same access check an enumeration makes */
    p.werr = NT_ERROR_ACCESS_DENIED;
    assert_int_equal(api_session_del(srv, bad, NULL), NT_ERROR_ACCESS_DENIED);
    free(c);
    free(u);
    free(srv);
}

/* NetSessionDel: the server's answer passes through, faults mapped. */
static void test_api_del_answers(void **state)
{
    (void)state;
    pager p = {.pages = 1, .per_page = 2};
    fs_init(&g_srv, pager_handler, &p);
    nt_wchar *srv = W("fake"), *c = W("\\\\10.0.0.1");
    assert_int_equal(api_session_del(srv, c, NULL), NT_OK);
    uint32_t c0 = api_connect_count();
    p.werr = NT_ERROR_NOT_ENOUGH_MEMORY;
    assert_int_equal(api_session_del(srv, c, NULL), NT_ERROR_NOT_ENOUGH_MEMORY);
    p.werr = NT_NERR_ClientNameNotFound;
    assert_int_equal(api_session_del(srv, c, NULL), NT_NERR_ClientNameNotFound);
    p.werr = 0;
    p.fault = 5; /* a fault "access denied" on the deletion and the check */
    assert_int_equal(api_session_del(srv, c, NULL), NT_ERROR_ACCESS_DENIED);
    assert_int_equal(api_connect_count(), c0);
    free(srv);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paging_three_pages),
        cmocka_unit_test(test_paging_bounded),
        cmocka_unit_test(test_paging_error_on_later_page),
        cmocka_unit_test_setup_teardown(test_api_answers_pass_through, seam_setup, seam_teardown),
        cmocka_unit_test_setup_teardown(test_api_transport_failures_poison, seam_setup, seam_teardown),
        cmocka_unit_test_setup_teardown(test_api_follows_server_paging, seam_setup, seam_teardown),
        cmocka_unit_test_setup_teardown(test_api_resume_handles, seam_setup, seam_teardown),
        cmocka_unit_test_setup_teardown(test_api_lone_surrogate_filters, seam_setup, seam_teardown),
        cmocka_unit_test_setup_teardown(test_api_del_answers, seam_setup, seam_teardown),
    };
    return cmocka_run_group_tests_name("answers", tests, NULL, NULL);
}
