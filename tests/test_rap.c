/*
 * RAP session codec (dll/rap): request parameter blocks byte for byte,
 * Samba 4.17's real NetSessionEnum answers, GetInfo/Del responses built from
 * the RAP rules (Samba does not serve those), converter offsets, status
 * mapping, and hostile responses (counts beyond the data, offsets outside
 * it or into the fixed records, unterminated strings, every truncation).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rap/rap.h"
#include "test_hex.h"

/* Captured from an SMB1-only Samba 4.17 (server min/max protocol = NT1) on
 * 127.0.0.83 with tests/lib/rap_capture.py (impacket, SMB1 TRANSACTION on
 * \PIPE\LANMAN, RAP opcode 6 "WrLeh" "zzWWWDDDz" level 2, buffer 0xFFFF) as
 * ntsadmin, while smbclient held sessions of ntsuser1 and ntsuser2. */
static const char *SAMBA3_PAR = "0000000003000000";
static const char *SAMBA3_DATA =
    "5a000000650000000100000001000000000000000000000000006e0000007d000000880000000100000001000000"
    "0000000000000000000091000000a0000000ab000000010000000100000000000000000000000000b4000000"
    "3132372e302e302e3833006e7473757365723200556e6b6e6f776e20436c69656e74003132372e302e302e3833"
    "006e747361646d696e00556e6b6e6f776e20436c69656e74003132372e302e302e3833006e74737573657231"
    "00556e6b6e6f776e20436c69656e7400";
/* The same server asked for level 10: ERROR_NOT_SUPPORTED, 4 parameter bytes. */
static const char *SAMBA_L10_PAR = "32000000";
/* As ntsuser2 (not an administrator): success with no entries. */
static const char *SAMBA_USER_PAR = "0000000000000000";

static bool wstr_is(const nt_wchar *w, const char *s)
{
    if (!w)
        return s == NULL;
    size_t i = 0;
    for (; s[i]; i++)
        if (w[i] != (uint8_t)s[i])
            return false;
    return w[i] == 0;
}

static void test_encode(void **s)
{
    (void)s;
    nt_wr w;
    nt_wr_init(&w, 4096);
    assert_true(rap_encode_session_enum(&w, 2, 0xFFFF));
    static const uint8_t e2[] = "\x06\x00WrLeh\0zzWWWDDDz\0\x02\x00\xff\xff";
    assert_int_equal(w.len, sizeof(e2) - 1);
    assert_memory_equal(w.p, e2, w.len);
    nt_wr_free(&w);

    nt_wr_init(&w, 4096);
    static const nt_wchar ws[] = {'\\', '\\', 'W', 'S', 0xE9, 0};
    assert_true(rap_encode_session_getinfo(&w, ws, 10, 0x1000));
    static const uint8_t g10[] = "\x07\x00zWrLh\0zzDD\0\\\\WS\xe9\0\x0a\x00\x00\x10";
    assert_int_equal(w.len, sizeof(g10) - 1);
    assert_memory_equal(w.p, g10, w.len);
    nt_wr_free(&w);

    nt_wr_init(&w, 4096);
    assert_true(rap_encode_session_del(&w, ws));
    static const uint8_t d[] = "\x08\x00zW\0\0\\\\WS\xe9\0\x00\x00";
    assert_int_equal(w.len, sizeof(d) - 1);
    assert_memory_equal(w.p, d, w.len);
    nt_wr_free(&w);

    /* no client: an empty string; unencodable or unknown: refused */
    nt_wr_init(&w, 4096);
    assert_true(rap_encode_session_del(&w, NULL));
    assert_int_equal(w.len, 2 + 3 + 1 + 1 + 2);
    nt_wr_free(&w);
    static const nt_wchar cjk[] = {'W', 0x4E2D, 0};
    nt_wr_init(&w, 4096);
    assert_false(rap_encode_session_del(&w, cjk));
    assert_false(rap_encode_session_enum(&w, 3, 100));
    assert_false(rap_encode_session_getinfo(&w, ws, 502, 100));
    nt_wr_free(&w);
}

static void test_levels(void **s)
{
    (void)s;
    uint16_t l[2];
    assert_int_equal(rap_session_levels_for(0, l), 2);
    assert_int_equal(l[0], 0);
    assert_int_equal(l[1], 2);
    assert_int_equal(rap_session_levels_for(10, l), 2);
    assert_int_equal(l[0], 10);
    assert_int_equal(rap_session_levels_for(502, l), 1);
    assert_int_equal(l[0], 2);
    assert_int_equal(rap_session_levels_for(3, l), 0);
    assert_int_equal(rap_session_record_size(2), 30);
    assert_int_equal(rap_session_record_size(10), 16);
    assert_int_equal(rap_session_record_size(1), 26);
    assert_int_equal(rap_session_record_size(0), 4);
    assert_int_equal(rap_session_record_size(7), 0);
    assert_string_equal(rap_session_desc(2), "zzWWWDDDz");
    assert_true(rap_status_refuses_level(50));
    assert_true(rap_status_refuses_level(124));
    assert_false(rap_status_refuses_level(5));
    assert_int_equal(rap_map_status(2461), 2312);
    assert_int_equal(rap_map_status(2123), 2123);
    assert_int_equal(rap_map_status(5), 5);
}

static void test_samba_enum(void **s)
{
    (void)s;
    uint8_t par[16], data[512];
    size_t pl = test_unhex(SAMBA3_PAR, par, sizeof(par)), dl = test_unhex(SAMBA3_DATA, data, sizeof(data));
    sess_list l;
    uint32_t st;
    assert_int_equal(rap_decode_session_enum(par, pl, data, dl, 2, 2, &l, &st), NT_OK);
    assert_int_equal(st, 0);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.total_entries, 3); /* Samba says 0 available: max(avail, returned) */
    assert_int_equal(l.level, 2);
    const char *users[3] = {"ntsuser2", "ntsadmin", "ntsuser1"};
    for (unsigned i = 0; i < 3; i++) {
        assert_true(wstr_is(l.v[i].str[SF_CNAME], "127.0.0.83"));
        assert_true(wstr_is(l.v[i].str[SF_USERNAME], users[i]));
        assert_true(wstr_is(l.v[i].str[SF_CLTYPE_NAME], "Unknown Client"));
        assert_int_equal(l.v[i].num[SF_NUM_OPENS], 0);
        assert_int_equal(l.v[i].present & (1u << SF_TRANSPORT), 0);
    }
    sess_list_free(&l);
    /* our other levels from the same RAP level 2 answer */
    assert_int_equal(rap_decode_session_enum(par, pl, data, dl, 2, 0, &l, &st), NT_OK);
    assert_int_equal(l.v[2].present, 1u << SF_CNAME);
    assert_null(l.v[2].str[SF_USERNAME]);
    sess_list_free(&l);
    assert_int_equal(rap_decode_session_enum(par, pl, data, dl, 2, 502, &l, &st), NT_OK);
    assert_true(wstr_is(l.v[0].str[SF_TRANSPORT], "")); /* RAP has none: empty, not invented */
    assert_true(wstr_is(l.v[0].str[SF_CLTYPE_NAME], "Unknown Client"));
    sess_list_free(&l);
    assert_int_equal(rap_decode_session_enum(par, pl, data, dl, 2, 10, &l, &st), NT_OK);
    assert_int_equal(l.v[1].present, (1u << SF_CNAME) | (1u << SF_USERNAME) | (1u << SF_TIME) | (1u << SF_IDLE_TIME));
    sess_list_free(&l);
    assert_int_equal(rap_decode_session_enum(par, pl, data, dl, 2, 1, &l, &st), NT_OK);
    assert_int_equal(l.v[0].present & (1u << SF_CLTYPE_NAME), 0);
    sess_list_free(&l);
    /* a level RAP 2 cannot serve as asked, and an unknown RAP level */
    assert_int_equal(rap_decode_session_enum(par, pl, data, dl, 10, 1, &l, &st), NT_ERROR_INVALID_LEVEL);
    assert_int_equal(rap_decode_session_enum(par, pl, data, dl, 3, 2, &l, &st), NT_ERROR_INVALID_LEVEL);
}

static void test_samba_refusals(void **s)
{
    (void)s;
    uint8_t par[16];
    sess_list l;
    uint32_t st;
    size_t pl = test_unhex(SAMBA_L10_PAR, par, sizeof(par));
    assert_int_equal(rap_decode_session_enum(par, pl, NULL, 0, 10, 10, &l, &st), NT_OK);
    assert_int_equal(st, NT_ERROR_NOT_SUPPORTED);
    assert_true(rap_status_refuses_level(st));
    assert_int_equal(l.count, 0);
    pl = test_unhex(SAMBA_USER_PAR, par, sizeof(par));
    assert_int_equal(rap_decode_session_enum(par, pl, NULL, 0, 2, 2, &l, &st), NT_OK);
    assert_int_equal(st, 0);
    assert_int_equal(l.count, 0);
}

/* Every truncation of Samba's data block, and of its parameters, fails. */
static void test_samba_truncated(void **s)
{
    (void)s;
    uint8_t par[16], data[512];
    size_t pl = test_unhex(SAMBA3_PAR, par, sizeof(par)), dl = test_unhex(SAMBA3_DATA, data, sizeof(data));
    sess_list l;
    uint32_t st;
    for (size_t k = 0; k < dl; k++) {
        uint8_t *copy = malloc(k ? k : 1);
        memcpy(copy, data, k);
        assert_int_equal(rap_decode_session_enum(par, pl, k ? copy : NULL, k, 2, 2, &l, &st),
                         NT_ERROR_UNEXP_NET_ERR);
        free(copy);
    }
    for (size_t k = 0; k < pl; k++)
        assert_int_equal(rap_decode_session_enum(par, k, data, dl, 2, 2, &l, &st), NT_ERROR_UNEXP_NET_ERR);
}

/* ERROR_MORE_DATA answers (MS-RAP 2.5.11), built from Samba's three level-2
 * records (30 fixed bytes each; strings from offset 90, 35 bytes a record):
 * only the leading records that are certainly whole are kept, the rest are
 * counted as missing. */
static size_t more_data(uint8_t *par, uint8_t *data, uint16_t returned, uint16_t avail)
{
    size_t pl = test_unhex(SAMBA3_PAR, par, 16);
    test_unhex(SAMBA3_DATA, data, 512);
    nt_put_le16(par, NT_ERROR_MORE_DATA);
    nt_put_le16(par + 4, returned);
    nt_put_le16(par + 6, avail);
    return pl;
}

static void null_strings(uint8_t *data, unsigned rec)
{
    nt_put_le32(data + rec * 30, 0);
    nt_put_le32(data + rec * 30 + 4, 0);
    nt_put_le32(data + rec * 30 + 26, 0);
}

/* Decodes a MORE_DATA answer at our level `level`: count kept, total, missing. */
static void kept(const uint8_t *par, size_t pl, const uint8_t *data, size_t dlen, size_t bufsize, uint32_t level,
                 uint32_t count, uint32_t total, uint32_t missing)
{
    sess_list l;
    uint32_t st;
    assert_int_equal(rap_decode_session_enum_buf(par, pl, data, dlen, bufsize, 2, level, &l, &st), NT_OK);
    assert_int_equal(st, NT_ERROR_MORE_DATA);
    assert_int_equal(l.count, count);
    assert_true((count == 0) == (l.v == NULL));
    assert_int_equal(l.total_entries, total);
    assert_int_equal(l.missing, missing);
    sess_list_free(&l);
}

static void test_more_data(void **s)
{
    (void)s;
    uint8_t par[16], data[512];
    sess_list l;
    uint32_t st;
    /* Samba: every fixed record; the string that overflowed cut to the room
     * left (record 1's client type "Unkn" ending on the last byte of a
     * 150-byte buffer), record 2 without strings */
    size_t pl = more_data(par, data, 3, 0);
    data[149] = 0;
    null_strings(data, 2);
    assert_int_equal(rap_decode_session_enum_buf(par, pl, data, 150, 150, 2, 1, &l, &st), NT_OK);
    assert_int_equal(st, NT_ERROR_MORE_DATA);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.total_entries, 3);
    assert_int_equal(l.missing, 2);
    assert_true(wstr_is(l.v[0].str[SF_CNAME], "127.0.0.83"));
    assert_true(wstr_is(l.v[0].str[SF_USERNAME], "ntsuser2"));
    sess_list_free(&l);
    /* the same block when the buffer size is not known (or larger): the
     * string ending on its last byte is taken as whole */
    kept(par, pl, data, 150, 0, 1, 2, 3, 1);
    kept(par, pl, data, 150, 4096, 1, 2, 3, 1);
    /* MS-RAP: strings that did not fit have null pointers; EntriesAvailable
     * counts what the server has */
    pl = more_data(par, data, 3, 7);
    null_strings(data, 1);
    kept(par, pl, data, 160, 0xFFFF, 10, 1, 7, 6);
    /* fewer fixed records returned than available, all whole */
    pl = more_data(par, data, 2, 5);
    kept(par, pl, data, 195, 0xFFFF, 0, 2, 5, 3);
    /* nothing whole at all: no entries, every one missing */
    pl = more_data(par, data, 3, 0);
    null_strings(data, 0);
    kept(par, pl, data, 195, 0xFFFF, 1, 0, 3, 3);
    /* success is the whole list: a null string is kept, nothing missing
     * even when EntriesAvailable claims more */
    pl = more_data(par, data, 3, 9);
    nt_put_le16(par, 0);
    null_strings(data, 1);
    assert_int_equal(rap_decode_session_enum_buf(par, pl, data, 195, 195, 2, 1, &l, &st), NT_OK);
    assert_int_equal(st, 0);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.missing, 0);
    sess_list_free(&l);
}

static void put32(uint8_t *p, uint32_t v) { nt_put_le32(p, v); }

/* A GetInfo level 2 answer as a LAN Manager server builds it: converter
 * 0x1234, string pointers = offset + converter (high word ignored). */
static size_t build_getinfo2(uint8_t *par, uint8_t *data, uint16_t conv)
{
    memset(data, 0, 64);
    put32(data + 0, 0xABCD0000u | (uint16_t)(30 + conv));  /* cname */
    put32(data + 4, (uint16_t)(34 + conv));                /* username */
    nt_put_le16(data + 8, 1);                              /* num_conns */
    nt_put_le16(data + 10, 3);                             /* num_opens */
    nt_put_le16(data + 12, 1);                             /* num_users */
    put32(data + 14, 600);                                 /* time */
    put32(data + 18, 42);                                  /* idle_time */
    put32(data + 22, 1);                                   /* user_flags: SESS_GUEST */
    put32(data + 26, 0);                                   /* cltype: null pointer */
    memcpy(data + 30, "WS1\0BOB\0", 8);
    nt_put_le16(par, 0);
    nt_put_le16(par + 2, conv);
    nt_put_le16(par + 4, 38);
    return 38;
}

static void test_getinfo(void **s)
{
    (void)s;
    uint8_t par[6], data[64];
    size_t dl = build_getinfo2(par, data, 0x1234);
    sess_info si;
    uint32_t st;
    uint16_t need;
    assert_int_equal(rap_decode_session_getinfo(par, 6, data, dl, 2, 2, &si, &st, &need), NT_OK);
    assert_int_equal(st, 0);
    assert_int_equal(need, 38);
    assert_true(wstr_is(si.str[SF_CNAME], "WS1"));
    assert_true(wstr_is(si.str[SF_USERNAME], "BOB"));
    assert_null(si.str[SF_CLTYPE_NAME]); /* the server's null pointer stays null */
    assert_true(si.present & (1u << SF_CLTYPE_NAME));
    assert_int_equal(si.num[SF_NUM_OPENS], 3);
    assert_int_equal(si.num[SF_TIME], 600);
    assert_int_equal(si.num[SF_IDLE_TIME], 42);
    assert_int_equal(si.num[SF_USER_FLAGS], 1);
    sess_info_clear(&si);
    /* level 10 record "zzDD": 16 bytes, strings behind it */
    uint8_t d10[32];
    put32(d10, 16);
    put32(d10 + 4, 20);
    put32(d10 + 8, 7);
    put32(d10 + 12, 8);
    memcpy(d10 + 16, "WS2\0AL\0", 7);
    nt_put_le16(par + 2, 0);
    assert_int_equal(rap_decode_session_getinfo(par, 6, d10, 23, 10, 10, &si, &st, NULL), NT_OK);
    assert_true(wstr_is(si.str[SF_USERNAME], "AL"));
    assert_int_equal(si.num[SF_IDLE_TIME], 8);
    sess_info_clear(&si);
    assert_int_equal(rap_decode_session_getinfo(par, 6, d10, 23, 10, 0, &si, &st, NULL), NT_ERROR_INVALID_LEVEL);
    /* buffer too small: no record, the size a retry needs */
    nt_put_le16(par, 2123);
    nt_put_le16(par + 4, 300);
    assert_int_equal(rap_decode_session_getinfo(par, 6, NULL, 0, 2, 2, &si, &st, &need), NT_OK);
    assert_int_equal(st, NT_NERR_BufTooSmall);
    assert_int_equal(need, 300);
    nt_put_le16(par, 2461);
    assert_int_equal(rap_decode_session_getinfo(par, 4, NULL, 0, 2, 2, &si, &st, &need), NT_OK);
    assert_int_equal(st, NT_NERR_ClientNameNotFound);
}

static void test_getinfo_hostile(void **s)
{
    (void)s;
    uint8_t par[6], data[64];
    sess_info si;
    uint32_t st;
    size_t dl = build_getinfo2(par, data, 0x1234);
    /* pointer below the converter, into the fixed record, past the end */
    put32(data, 0x1000);
    assert_int_equal(rap_decode_session_getinfo(par, 6, data, dl, 2, 2, &si, &st, NULL), NT_ERROR_UNEXP_NET_ERR);
    put32(data, 0x1234 + 8);
    assert_int_equal(rap_decode_session_getinfo(par, 6, data, dl, 2, 2, &si, &st, NULL), NT_ERROR_UNEXP_NET_ERR);
    put32(data, 0x1234 + 38);
    assert_int_equal(rap_decode_session_getinfo(par, 6, data, dl, 2, 2, &si, &st, NULL), NT_ERROR_UNEXP_NET_ERR);
    /* unterminated last string */
    dl = build_getinfo2(par, data, 0x1234);
    assert_int_equal(rap_decode_session_getinfo(par, 6, data, dl - 1, 2, 2, &si, &st, NULL), NT_ERROR_UNEXP_NET_ERR);
    /* short record, short parameters */
    assert_int_equal(rap_decode_session_getinfo(par, 6, data, 29, 2, 2, &si, &st, NULL), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(rap_decode_session_getinfo(par, 5, data, dl, 2, 2, &si, &st, NULL), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(rap_decode_session_getinfo(par, 3, data, dl, 2, 2, &si, &st, NULL), NT_ERROR_UNEXP_NET_ERR);
    /* a string longer than RAP_MAX_STR */
    size_t big = 30 + RAP_MAX_STR + 2;
    uint8_t *b = calloc(1, big);
    memcpy(b, data, 30);
    put32(b, 30 + 0x1234);
    put32(b + 4, 0);
    memset(b + 30, 'x', RAP_MAX_STR + 1);
    assert_int_equal(rap_decode_session_getinfo(par, 6, b, big, 2, 2, &si, &st, NULL), NT_ERROR_UNEXP_NET_ERR);
    b[30 + RAP_MAX_STR] = 0; /* exactly RAP_MAX_STR: accepted */
    assert_int_equal(rap_decode_session_getinfo(par, 6, b, big, 2, 2, &si, &st, NULL), NT_OK);
    assert_int_equal(nt_wcslen(si.str[SF_CNAME]), RAP_MAX_STR);
    sess_info_clear(&si);
    free(b);
}

static void test_enum_hostile(void **s)
{
    (void)s;
    uint8_t par[8] = {0}, data[512];
    size_t dl = test_unhex(SAMBA3_DATA, data, sizeof(data));
    sess_list l;
    uint32_t st;
    /* counts beyond the data: 4 and 65535 records claimed */
    nt_put_le16(par + 4, 4);
    assert_int_equal(rap_decode_session_enum(par, 8, data, dl, 2, 2, &l, &st), NT_ERROR_UNEXP_NET_ERR);
    nt_put_le16(par + 4, 0xFFFF);
    assert_int_equal(rap_decode_session_enum(par, 8, data, dl, 2, 2, &l, &st), NT_ERROR_UNEXP_NET_ERR);
    /* ERROR_MORE_DATA with the records that fit: 1 of them */
    nt_put_le16(par, 234);
    nt_put_le16(par + 4, 1);
    nt_put_le16(par + 6, 3);
    assert_int_equal(rap_decode_session_enum(par, 8, data, dl, 2, 2, &l, &st), NT_OK);
    assert_int_equal(st, NT_ERROR_MORE_DATA);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.total_entries, 3);
    sess_list_free(&l);
    /* with 3 records, a string pointer into the third record */
    nt_put_le16(par, 0);
    nt_put_le16(par + 4, 3);
    put32(data + 4, 60);
    assert_int_equal(rap_decode_session_enum(par, 8, data, dl, 2, 2, &l, &st), NT_ERROR_UNEXP_NET_ERR);
    /* the server's own error: no entries read at all */
    nt_put_le16(par, 5);
    assert_int_equal(rap_decode_session_enum(par, 4, NULL, 0, 2, 2, &l, &st), NT_OK);
    assert_int_equal(st, NT_ERROR_ACCESS_DENIED);
    assert_null(l.v);
    assert_int_equal(rap_decode_session_enum(NULL, 0, NULL, 0, 2, 2, &l, &st), NT_ERROR_UNEXP_NET_ERR);
}

static void test_del(void **s)
{
    (void)s;
    uint8_t par[4] = {0, 0, 0, 0};
    uint32_t st = 99;
    assert_int_equal(rap_decode_session_del(par, 4, &st), NT_OK);
    assert_int_equal(st, 0);
    nt_put_le16(par, 2461);
    assert_int_equal(rap_decode_session_del(par, 4, &st), NT_OK);
    assert_int_equal(st, NT_NERR_ClientNameNotFound);
    nt_put_le16(par, 5);
    assert_int_equal(rap_decode_session_del(par, 4, &st), NT_OK);
    assert_int_equal(st, NT_ERROR_ACCESS_DENIED);
    assert_int_equal(rap_decode_session_del(par, 3, &st), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(rap_decode_session_del(NULL, 0, &st), NT_ERROR_UNEXP_NET_ERR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode),          cmocka_unit_test(test_levels),
        cmocka_unit_test(test_samba_enum),      cmocka_unit_test(test_samba_refusals),
        cmocka_unit_test(test_samba_truncated), cmocka_unit_test(test_getinfo),
        cmocka_unit_test(test_getinfo_hostile), cmocka_unit_test(test_enum_hostile),
        cmocka_unit_test(test_del),             cmocka_unit_test(test_more_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
