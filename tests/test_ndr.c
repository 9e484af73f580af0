/* NDR codecs of NetrSessionEnum / NetrSessionDel: hand-checked request bytes,
 * round trips through a test-only response encoder, real Samba 4.17 stubs,
 * and malformed responses (every truncation, bad counts, bad strings). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "srvs/srvs.h"

/* ---- real stubs captured from Samba 4.17 with impacket (two sessions of
 * user rpcadm from 127.0.0.40; note: client names without "\\\\").
 * Captured with /usr/bin/python3 + impacket.dcerpc.v5.srvs: NetrSessionEnum
 * ServerName "\\\\127.0.0.40", ClientName/UserName NULL, prefmaxlen
 * 0xFFFFFFFF, ResumeHandle NULL, dce.call() then dce.recv() for the stub.
 * Samba answers levels 2, 10 and 502 with WERROR 124 (ERROR_INVALID_LEVEL).
 * SAMBA_REQ1 / SAMBA_DELREQ are impacket's own request stubs. ---- */
static const uint8_t SAMBA_RESP0[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x10, 0x00, 0x02, 0x00, 0x14, 0x00, 0x02, 0x00,
    0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x31, 0x00, 0x32, 0x00,
    0x37, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00, 0x34, 0x00, 0x30, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00,
    0x31, 0x00, 0x32, 0x00, 0x37, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00,
    0x34, 0x00, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
};
static const uint8_t SAMBA_REQ1[] = {
    0x98, 0xc3, 0x00, 0x00, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x00, 0x00,
    0x5c, 0x00, 0x5c, 0x00, 0x31, 0x00, 0x32, 0x00, 0x37, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00,
    0x30, 0x00, 0x2e, 0x00, 0x34, 0x00, 0x30, 0x00, 0x00, 0x00, 0xbf, 0xbf, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x20, 0xdb, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t SAMBA_RESP1[] = {
    0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x10, 0x00, 0x02, 0x00, 0x14, 0x00, 0x02, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x18, 0x00, 0x02, 0x00, 0x1c, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0b, 0x00, 0x00, 0x00, 0x31, 0x00, 0x32, 0x00, 0x37, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00,
    0x30, 0x00, 0x2e, 0x00, 0x34, 0x00, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x72, 0x00, 0x70, 0x00, 0x63, 0x00, 0x61, 0x00,
    0x64, 0x00, 0x6d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0b, 0x00, 0x00, 0x00, 0x31, 0x00, 0x32, 0x00, 0x37, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00,
    0x30, 0x00, 0x2e, 0x00, 0x34, 0x00, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x72, 0x00, 0x70, 0x00, 0x63, 0x00, 0x61, 0x00,
    0x64, 0x00, 0x6d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
};
static const uint8_t SAMBA_RESP2[] = {
    0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7c, 0x00, 0x00, 0x00,
};
static const uint8_t SAMBA_DELREQ[] = {
    0xcb, 0xb9, 0x00, 0x00, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x00, 0x00,
    0x5c, 0x00, 0x5c, 0x00, 0x31, 0x00, 0x32, 0x00, 0x37, 0x00, 0x2e, 0x00, 0x30, 0x00, 0x2e, 0x00,
    0x30, 0x00, 0x2e, 0x00, 0x34, 0x00, 0x30, 0x00, 0x00, 0x00, 0xaa, 0xaa, 0x8f, 0xe3, 0x00, 0x00,
    0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x5c, 0x00, 0x5c, 0x00,
    0x31, 0x00, 0x30, 0x00, 0x2e, 0x00, 0x39, 0x00, 0x2e, 0x00, 0x39, 0x00, 0x2e, 0x00, 0x39, 0x00,
    0x00, 0x00, 0xbf, 0xbf, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t SAMBA_DELRESP[] = {
    0x05, 0x00, 0x00, 0x00,
};

/* ---- helpers -------------------------------------------------------------- */
#include "test_wstr.h"

static void assert_wstr(const nt_wchar *got, const char *want)
{
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    char *u = nt_utf16_to_utf8(got, nt_wcslen(got));
    assert_non_null(u);
    assert_string_equal(u, want);
    free(u);
}

/* Decodes from an exactly sized heap copy so ASan sees any over-read. */
static uint32_t decode_copy(const uint8_t *p, size_t len, uint32_t level, sess_list *out, uint32_t *werr)
{
    uint8_t *c = malloc(len ? len : 1);
    assert_non_null(c);
    if (len)
        memcpy(c, p, len);
    uint32_t st = srvs_decode_session_enum(c, len, level, out, werr);
    free(c);
    return st;
}

#include "srvs_resp.h"

static const tent SAMPLE[3] = {
    {{[SF_CNAME] = "\\\\10.0.0.5", [SF_USERNAME] = "alice", [SF_CLTYPE_NAME] = "Windows 10",
      [SF_TRANSPORT] = "\\Device\\NetbiosSmb"},
     {[SF_NUM_OPENS] = 3, [SF_TIME] = 120, [SF_IDLE_TIME] = 5, [SF_USER_FLAGS] = 1}},
    {{[SF_CNAME] = "\\\\fe80::1", [SF_USERNAME] = "b\xc3\xa9la", [SF_CLTYPE_NAME] = "",
      [SF_TRANSPORT] = "x"},
     {[SF_NUM_OPENS] = 0, [SF_TIME] = 0xFFFFFFFFu, [SF_IDLE_TIME] = 0, [SF_USER_FLAGS] = 2}},
    {{[SF_CNAME] = "127.0.0.40", [SF_USERNAME] = "rpcadm", [SF_CLTYPE_NAME] = "Samba",
      [SF_TRANSPORT] = "tcp"},
     {[SF_NUM_OPENS] = 7, [SF_TIME] = 1, [SF_IDLE_TIME] = 2, [SF_USER_FLAGS] = 0}},
};

static void check_entries(const sess_list *l, uint32_t level, const tent *e, uint32_t n)
{
    const sess_level *lv = sess_level_find(level);
    assert_int_equal(l->count, n);
    assert_int_equal(l->level, level);
    for (uint32_t i = 0; i < n; i++) {
        for (unsigned f = 0; f < SF_COUNT; f++) {
            bool has = sess_level_has(lv, (sess_field)f);
            assert_int_equal(!!(l->v[i].present & (1u << f)), has);
            if (!has) {
                assert_null(l->v[i].str[f]);
                assert_int_equal(l->v[i].num[f], 0);
            } else if (sess_field_is_string((sess_field)f)) {
                assert_wstr(l->v[i].str[f], e[i].s[f]);
            } else {
                assert_int_equal(l->v[i].num[f], e[i].n[f]);
            }
        }
    }
}

static const uint32_t ALL_LEVELS[] = {0, 1, 2, 10, 502};
#define NLEVELS (sizeof(ALL_LEVELS) / sizeof(ALL_LEVELS[0]))

/* ---- requests ------------------------------------------------------------- */
static void test_enum_request_level10(void **st)
{
    (void)st;
    static const uint8_t want[] = {
        0x00, 0x00, 0x02, 0x00, /* ServerName referent */
        0x0c, 0x00, 0x00, 0x00, /* max_count 12 */
        0x00, 0x00, 0x00, 0x00, /* offset */
        0x0c, 0x00, 0x00, 0x00, /* actual_count 12 */
        '\\', 0, '\\', 0, '1', 0, '2', 0, '7', 0, '.', 0, '0', 0, '.', 0, '0', 0, '.', 0, '1', 0, 0, 0,
        0x00, 0x00, 0x00, 0x00, /* ClientName NULL */
        0x00, 0x00, 0x00, 0x00, /* UserName NULL */
        0x0a, 0x00, 0x00, 0x00, /* Level */
        0x0a, 0x00, 0x00, 0x00, /* union discriminant */
        0x04, 0x00, 0x02, 0x00, /* container referent */
        0x00, 0x00, 0x00, 0x00, /* EntriesRead */
        0x00, 0x00, 0x00, 0x00, /* Buffer NULL */
        0xff, 0xff, 0xff, 0xff, /* PreferedMaximumLength */
        0x08, 0x00, 0x02, 0x00, /* ResumeHandle referent */
        0x00, 0x00, 0x00, 0x00, /* *ResumeHandle */
    };
    nt_wchar *srv = W("\\\\127.0.0.1");
    uint32_t resume = 0;
    nt_wr w;
    nt_wr_init(&w, 0);
    assert_true(srvs_encode_session_enum(&w, srv, NULL, NULL, 10, 0xFFFFFFFFu, &resume));
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(w.p, want, sizeof(want));
    nt_wr_free(&w);
    free(srv);
}

/* Same layout as impacket's request (its referent ids and pad bytes differ). */
static void test_enum_request_matches_impacket(void **st)
{
    (void)st;
    uint8_t want[sizeof(SAMBA_REQ1)];
    memcpy(want, SAMBA_REQ1, sizeof(want));
    nt_put_le32(want + 0, 0x00020000);
    want[42] = want[43] = 0;
    nt_put_le32(want + 60, 0x00020004);
    nt_wchar *srv = W("\\\\127.0.0.40");
    nt_wr w;
    nt_wr_init(&w, 0);
    assert_true(srvs_encode_session_enum(&w, srv, NULL, NULL, 1, 0xFFFFFFFFu, NULL));
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(w.p, want, sizeof(want));
    nt_wr_free(&w);
    free(srv);
}

static void test_enum_request_filters(void **st)
{
    (void)st;
    nt_wchar *cl = W("\\\\h"), *us = W("ab");
    nt_wr w;
    nt_wr_init(&w, 0);
    assert_true(srvs_encode_session_enum(&w, NULL, cl, us, 502, 4096, NULL));
    static const uint8_t want[] = {
        0, 0, 0, 0,                                                        /* ServerName NULL */
        0x00, 0x00, 0x02, 0x00, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0,        /* client */
        '\\', 0, '\\', 0, 'h', 0, 0, 0,
        0x04, 0x00, 0x02, 0x00, 3, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0,        /* user */
        'a', 0, 'b', 0, 0, 0, 0, 0,                                        /* + 2 pad */
        0xf6, 0x01, 0, 0, 0xf6, 0x01, 0, 0, 0x08, 0x00, 0x02, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
        0x00, 0x10, 0, 0, /* prefmaxlen */
        0, 0, 0, 0,       /* ResumeHandle NULL */
    };
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(w.p, want, sizeof(want));
    nt_wr_free(&w);
    free(cl);
    free(us);
}

static void test_enum_request_bad_level(void **st)
{
    (void)st;
    nt_wr w;
    nt_wr_init(&w, 0);
    assert_false(srvs_encode_session_enum(&w, NULL, NULL, NULL, 3, 0, NULL));
    nt_wr_free(&w);
}

static void test_del_request(void **st)
{
    (void)st;
    static const uint8_t want[] = {
        0x00, 0x00, 0x02, 0x00, 12, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0,
        '\\', 0, '\\', 0, '1', 0, '2', 0, '7', 0, '.', 0, '0', 0, '.', 0, '0', 0, '.', 0, '1', 0, 0, 0,
        0x04, 0x00, 0x02, 0x00, 11, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0,
        '\\', 0, '\\', 0, '1', 0, '0', 0, '.', 0, '1', 0, '.', 0, '2', 0, '.', 0, '3', 0, 0, 0,
        0, 0, /* pad */
        0x08, 0x00, 0x02, 0x00, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0,
        'b', 0, 'o', 0, 'b', 0, 0, 0,
    };
    nt_wchar *srv = W("\\\\127.0.0.1"), *cl = W("\\\\10.1.2.3"), *us = W("bob");
    nt_wr w;
    nt_wr_init(&w, 0);
    assert_true(srvs_encode_session_del(&w, srv, cl, us));
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(w.p, want, sizeof(want));
    nt_wr_free(&w);
    free(srv);
    free(cl);
    free(us);
}

static void test_del_request_matches_impacket(void **st)
{
    (void)st;
    uint8_t want[sizeof(SAMBA_DELREQ)];
    memcpy(want, SAMBA_DELREQ, sizeof(want));
    nt_put_le32(want + 0, 0x00020000);
    want[42] = want[43] = 0;
    nt_put_le32(want + 44, 0x00020004);
    want[82] = want[83] = 0;
    nt_wchar *srv = W("\\\\127.0.0.40"), *cl = W("\\\\10.9.9.9");
    nt_wr w;
    nt_wr_init(&w, 0);
    assert_true(srvs_encode_session_del(&w, srv, cl, NULL));
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(w.p, want, sizeof(want));
    nt_wr_free(&w);
    free(srv);
    free(cl);
}

static void test_del_response(void **st)
{
    (void)st;
    uint32_t werr = 1;
    assert_int_equal(srvs_decode_session_del(SAMBA_DELRESP, sizeof(SAMBA_DELRESP), &werr), NT_OK);
    assert_int_equal(werr, NT_ERROR_ACCESS_DENIED);
    static const uint8_t zero8[8] = {0};
    assert_int_equal(srvs_decode_session_del(zero8, 4, &werr), NT_OK);
    assert_int_equal(werr, 0);
    assert_int_equal(srvs_decode_session_del(zero8, 3, &werr), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(srvs_decode_session_del(zero8, 5, &werr), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(srvs_decode_session_del(zero8, 8, &werr), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(srvs_decode_session_del(zero8, 0, &werr), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(srvs_decode_session_del(NULL, 0, &werr), NT_ERROR_UNEXP_NET_ERR);
}

/* ---- real Samba responses ---------------------------------------------------- */
static void test_samba_level1(void **st)
{
    (void)st;
    sess_list l;
    uint32_t werr = 99;
    assert_int_equal(decode_copy(SAMBA_RESP1, sizeof(SAMBA_RESP1), 1, &l, &werr), NT_OK);
    assert_int_equal(werr, 0);
    assert_int_equal(l.count, 2);
    assert_int_equal(l.total_entries, 2);
    assert_false(l.has_resume);
    for (int i = 0; i < 2; i++) {
        assert_wstr(l.v[i].str[SF_CNAME], "127.0.0.40");
        assert_wstr(l.v[i].str[SF_USERNAME], "rpcadm");
        assert_int_equal(l.v[i].num[SF_USER_FLAGS], 0);
    }
    sess_list_free(&l);
}

static void test_samba_level0(void **st)
{
    (void)st;
    sess_list l;
    uint32_t werr = 99;
    assert_int_equal(decode_copy(SAMBA_RESP0, sizeof(SAMBA_RESP0), 0, &l, &werr), NT_OK);
    assert_int_equal(werr, 0);
    assert_int_equal(l.count, 2);
    assert_wstr(l.v[1].str[SF_CNAME], "127.0.0.40");
    assert_null(l.v[1].str[SF_USERNAME]);
    /* Derive level 0 from it trivially, and check a level-0 stub is not level 1. */
    sess_list_free(&l);
    assert_int_equal(decode_copy(SAMBA_RESP0, sizeof(SAMBA_RESP0), 1, &l, &werr), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(l.count, 0);
}

static void test_samba_level2_invalid_level(void **st)
{
    (void)st;
    sess_list l;
    uint32_t werr = 0;
    assert_int_equal(decode_copy(SAMBA_RESP2, sizeof(SAMBA_RESP2), 2, &l, &werr), NT_OK);
    assert_int_equal(werr, NT_ERROR_INVALID_LEVEL);
    assert_int_equal(l.count, 0);
    assert_null(l.v);
    sess_list_free(&l);
}

/* ---- round trips -------------------------------------------------------------- */
static void test_roundtrip_all_levels(void **st)
{
    (void)st;
    static const uint32_t counts[] = {0, 1, 3};
    for (size_t li = 0; li < NLEVELS; li++)
        for (size_t ci = 0; ci < 3; ci++) {
            uint32_t level = ALL_LEVELS[li], n = counts[ci];
            size_t len;
            uint8_t *p = enc_resp(level, SAMPLE, n, n + 10, NULL, 0, NULL, &len);
            sess_list l;
            uint32_t werr = 77;
            assert_int_equal(decode_copy(p, len, level, &l, &werr), NT_OK);
            assert_int_equal(werr, 0);
            assert_int_equal(l.total_entries, n + 10);
            assert_false(l.has_resume);
            check_entries(&l, level, SAMPLE, n);
            sess_list_free(&l);
            free(p);
        }
}

static void test_roundtrip_null_strings(void **st)
{
    (void)st;
    tent e[2] = {
        {{[SF_CNAME] = NULL, [SF_USERNAME] = "u", [SF_CLTYPE_NAME] = NULL, [SF_TRANSPORT] = "t"}, {0}},
        {{[SF_CNAME] = "c", [SF_USERNAME] = NULL, [SF_CLTYPE_NAME] = "k", [SF_TRANSPORT] = NULL},
         {[SF_TIME] = 9}},
    };
    for (size_t li = 0; li < NLEVELS; li++) {
        size_t len;
        uint8_t *p = enc_resp(ALL_LEVELS[li], e, 2, 2, NULL, 0, NULL, &len);
        sess_list l;
        uint32_t werr;
        assert_int_equal(decode_copy(p, len, ALL_LEVELS[li], &l, &werr), NT_OK);
        check_entries(&l, ALL_LEVELS[li], e, 2);
        sess_list_free(&l);
        free(p);
    }
}

static void test_roundtrip_more_data_resume(void **st)
{
    (void)st;
    uint32_t resume = 0x1234;
    size_t len;
    uint8_t *p = enc_resp(1, SAMPLE, 2, 50, &resume, NT_ERROR_MORE_DATA, NULL, &len);
    sess_list l;
    uint32_t werr;
    assert_int_equal(decode_copy(p, len, 1, &l, &werr), NT_OK);
    assert_int_equal(werr, NT_ERROR_MORE_DATA);
    check_entries(&l, 1, SAMPLE, 2);
    assert_true(l.has_resume);
    assert_int_equal(l.resume_handle, 0x1234);
    assert_int_equal(l.total_entries, 50);
    sess_list_free(&l);
    free(p);
}

static void test_error_status_drops_entries(void **st)
{
    (void)st;
    size_t len;
    uint8_t *p = enc_resp(10, SAMPLE, 1, 1, NULL, NT_ERROR_ACCESS_DENIED, NULL, &len);
    sess_list l;
    uint32_t werr;
    assert_int_equal(decode_copy(p, len, 10, &l, &werr), NT_OK);
    assert_int_equal(werr, NT_ERROR_ACCESS_DENIED);
    assert_int_equal(l.count, 0);
    assert_null(l.v);
    free(p);
}

static void test_null_container_and_buffer(void **st)
{
    (void)st;
    knobs k = {.null_ctr = true};
    size_t len;
    uint8_t *p = enc_resp(1, SAMPLE, 0, 0, NULL, 0, &k, &len);
    sess_list l;
    uint32_t werr;
    assert_int_equal(decode_copy(p, len, 1, &l, &werr), NT_OK);
    assert_int_equal(l.count, 0);
    free(p);
    knobs k2 = {.null_buf = true};
    p = enc_resp(1, SAMPLE, 0, 0, NULL, 0, &k2, &len);
    assert_int_equal(decode_copy(p, len, 1, &l, &werr), NT_OK);
    assert_int_equal(l.count, 0);
    free(p);
    /* a count with no array */
    knobs k3 = {.null_buf = true, .count_set = true, .count = 2};
    p = enc_resp(1, SAMPLE, 0, 0, NULL, 0, &k3, &len);
    assert_int_equal(decode_copy(p, len, 1, &l, &werr), NT_ERROR_UNEXP_NET_ERR);
    free(p);
}

/* ---- malformed ------------------------------------------------------------------ */
static void expect_bad(uint32_t level, const tent *e, uint32_t n, const knobs *k)
{
    size_t len;
    uint8_t *p = enc_resp(level, e, n, n, NULL, 0, k, &len);
    sess_list l;
    uint32_t werr;
    assert_int_equal(decode_copy(p, len, level, &l, &werr), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(l.count, 0);
    assert_null(l.v);
    free(p);
}

static void every_prefix_fails(const uint8_t *p, size_t len, uint32_t level)
{
    for (size_t cut = 0; cut < len; cut++) {
        sess_list l;
        uint32_t werr;
        uint32_t st = decode_copy(p, cut, level, &l, &werr);
        if (st != NT_ERROR_UNEXP_NET_ERR)
            fail_msg("prefix %zu of %zu decoded with %u", cut, len, st);
        assert_int_equal(l.count, 0);
        assert_null(l.v);
    }
    sess_list l;
    uint32_t werr;
    assert_int_equal(decode_copy(p, len, level, &l, &werr), NT_OK);
    sess_list_free(&l);
}

static void test_truncation_samba(void **st)
{
    (void)st;
    every_prefix_fails(SAMBA_RESP1, sizeof(SAMBA_RESP1), 1);
    every_prefix_fails(SAMBA_RESP0, sizeof(SAMBA_RESP0), 0);
    every_prefix_fails(SAMBA_RESP2, sizeof(SAMBA_RESP2), 2);
}

static void test_truncation_all_levels(void **st)
{
    (void)st;
    uint32_t resume = 3;
    for (size_t li = 0; li < NLEVELS; li++) {
        size_t len;
        uint8_t *p = enc_resp(ALL_LEVELS[li], SAMPLE, 3, 3, &resume, NT_ERROR_MORE_DATA, NULL, &len);
        every_prefix_fails(p, len, ALL_LEVELS[li]);
        free(p);
    }
}

static void test_level_mismatch(void **st)
{
    (void)st;
    size_t len;
    uint8_t *p = enc_resp(10, SAMPLE, 1, 1, NULL, 0, NULL, &len);
    sess_list l;
    uint32_t werr;
    assert_int_equal(decode_copy(p, len, 1, &l, &werr), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(decode_copy(p, len, 502, &l, &werr), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(decode_copy(p, len, 3, &l, &werr), NT_ERROR_UNEXP_NET_ERR);
    free(p);
    knobs k = {.disc_set = true, .disc = 1};
    expect_bad(10, SAMPLE, 1, &k);
}

static void test_max_count_mismatch(void **st)
{
    (void)st;
    knobs k = {.maxc_set = true, .maxc = 2};
    expect_bad(1, SAMPLE, 3, &k);
    knobs k2 = {.maxc_set = true, .maxc = 4};
    expect_bad(1, SAMPLE, 3, &k2);
}

static void test_counts_beyond_data(void **st)
{
    (void)st;
    knobs k = {.count_set = true, .count = 1000, .maxc_set = true, .maxc = 1000};
    expect_bad(502, SAMPLE, 1, &k);
    knobs k2 = {.count_set = true, .count = 4, .maxc_set = true, .maxc = 4};
    expect_bad(0, SAMPLE, 3, &k2);
}

static void test_absurd_entries_read(void **st)
{
    (void)st;
    knobs k = {.count_set = true, .count = 0xFFFFFFFFu, .maxc_set = true, .maxc = 0xFFFFFFFFu};
    expect_bad(1, SAMPLE, 0, &k);
    expect_bad(0, SAMPLE, 1, &k);
    knobs k2 = {.count_set = true, .count = SRVS_MAX_ENTRIES + 1, .maxc_set = true, .maxc = SRVS_MAX_ENTRIES + 1};
    expect_bad(0, SAMPLE, 0, &k2);
}

static void test_bad_strings(void **st)
{
    (void)st;
    knobs off = {.str_off = 1};
    expect_bad(1, SAMPLE, 2, &off);
    knobs act_gt_max = {.str_max_delta = -1};
    expect_bad(1, SAMPLE, 2, &act_gt_max);
    knobs unterm = {.unterminated = true};
    expect_bad(1, SAMPLE, 2, &unterm);
    knobs act_huge = {.str_act_delta = 0x7FFFFFF0, .str_max_delta = 0x7FFFFFF0};
    expect_bad(1, SAMPLE, 2, &act_huge);
    knobs act_zero = {.str_act_delta = -11, .str_max_delta = -11}; /* "\\\\10.0.0.5" is 11 units */
    expect_bad(502, SAMPLE, 1, &act_zero);
    /* max_count larger than actual_count is fine (conformant varying) */
    knobs max_big = {.str_max_delta = 5};
    size_t len;
    uint8_t *p = enc_resp(1, SAMPLE, 2, 2, NULL, 0, &max_big, &len);
    sess_list l;
    uint32_t werr;
    assert_int_equal(decode_copy(p, len, 1, &l, &werr), NT_OK);
    check_entries(&l, 1, SAMPLE, 2);
    sess_list_free(&l);
    free(p);
}

static void test_trailing_bytes(void **st)
{
    (void)st;
    size_t len;
    uint8_t *p = enc_resp(0, SAMPLE, 1, 1, NULL, 0, NULL, &len);
    /* level 0, 1 entry "\\\\10.0.0.5": 20 + 4 + 4 + 12 + 24 + 12 = 76 bytes: 4 mod 8 */
    assert_int_equal(len % 8, 4);
    uint8_t *q = calloc(1, len + 8);
    memcpy(q, p, len);
    sess_list l;
    uint32_t werr;
    /* zero padding to an 8-byte boundary is tolerated */
    assert_int_equal(decode_copy(q, len + 4, 0, &l, &werr), NT_OK);
    sess_list_free(&l);
    /* anything else is not */
    assert_int_equal(decode_copy(q, len + 8, 0, &l, &werr), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(decode_copy(q, len + 1, 0, &l, &werr), NT_ERROR_UNEXP_NET_ERR);
    q[len + 2] = 0x41;
    assert_int_equal(decode_copy(q, len + 4, 0, &l, &werr), NT_ERROR_UNEXP_NET_ERR);
    free(q);
    free(p);
    /* a stub that is already 8-aligned takes no padding at all */
    uint8_t r[sizeof(SAMBA_RESP2) + 4] = {0};
    memcpy(r, SAMBA_RESP2, sizeof(SAMBA_RESP2));
    assert_int_equal(decode_copy(r, sizeof(r), 2, &l, &werr), NT_ERROR_UNEXP_NET_ERR);
}

static void test_bad_args(void **st)
{
    (void)st;
    sess_list l;
    uint32_t werr;
    assert_int_equal(srvs_decode_session_enum(NULL, 0, 1, &l, &werr), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(srvs_decode_session_enum(SAMBA_RESP1, sizeof(SAMBA_RESP1), 1, NULL, &werr),
                     NT_ERROR_INVALID_PARAMETER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enum_request_level10),
        cmocka_unit_test(test_enum_request_matches_impacket),
        cmocka_unit_test(test_enum_request_filters),
        cmocka_unit_test(test_enum_request_bad_level),
        cmocka_unit_test(test_del_request),
        cmocka_unit_test(test_del_request_matches_impacket),
        cmocka_unit_test(test_del_response),
        cmocka_unit_test(test_samba_level1),
        cmocka_unit_test(test_samba_level0),
        cmocka_unit_test(test_samba_level2_invalid_level),
        cmocka_unit_test(test_roundtrip_all_levels),
        cmocka_unit_test(test_roundtrip_null_strings),
        cmocka_unit_test(test_roundtrip_more_data_resume),
        cmocka_unit_test(test_error_status_drops_entries),
        cmocka_unit_test(test_null_container_and_buffer),
        cmocka_unit_test(test_truncation_samba),
        cmocka_unit_test(test_truncation_all_levels),
        cmocka_unit_test(test_level_mismatch),
        cmocka_unit_test(test_max_count_mismatch),
        cmocka_unit_test(test_counts_beyond_data),
        cmocka_unit_test(test_absurd_entries_read),
        cmocka_unit_test(test_bad_strings),
        cmocka_unit_test(test_trailing_bytes),
        cmocka_unit_test(test_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
