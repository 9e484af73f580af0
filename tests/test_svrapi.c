/* svrapi.dll's 9x edge without a network: the packed layouts against the
 * literals exports_win.c asserts against <svrapi.h>, packing into the
 * caller's buffer (whole entries, small buffers, nothing past cbBuffer),
 * session keys and their lookup, reading the API layer's blocks, and the
 * argument errors that must not touch the network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "svrapi/abi9x.h"
#include "svrapi/sv9x.h"

#define BASE 0x00400000u   /* pretend address of the caller's buffer */
#define CANARY 0xA5

#include "test_wstr.h"

/* reads the 9x string pointer at off of rec; NULL pointer -> NULL */
static const char *str_at(const uint8_t *buf, size_t cb, const uint8_t *rec, size_t off)
{
    uint32_t p = nt_le32(rec + off);
    if (!p)
        return NULL;
    assert_true(p >= BASE && p < BASE + cb);
    const char *s = (const char *)buf + (p - BASE);
    assert_true(s + strlen(s) < (const char *)buf + cb);
    return s;
}

static void layouts_match_svrapi_h(void **state)
{
    (void)state;
#define SZ(lv, sz) assert_int_equal(sv9x_layout_find(lv)->size, sz);
#define FLD(lv, mem, ix, kd, of)                                          \
    do {                                                                  \
        const sv9x_layout *L = sv9x_layout_find(lv);                      \
        assert_true((ix) < L->nfields);                                   \
        assert_int_equal(L->f[ix].kind, kd);                              \
        assert_int_equal(L->f[ix].off, of);                               \
        size_t end = (ix) + 1 < L->nfields ? L->f[(ix) + 1].off : L->size; \
        assert_int_equal(end - (of), sv9x_kind_size(kd));                 \
    } while (0);
    SV9X_ABI_SIZES(SZ)
    SV9X_ABI_FIELDS(FLD)
    int counted[5] = {0};
    const int16_t levels[5] = {0, 1, 2, 10, 50};
#define CNT(lv, mem, ix, kd, of) \
    for (int i = 0; i < 5; i++)  \
        if (levels[i] == (lv))   \
            counted[i]++;
    SV9X_ABI_FIELDS(CNT)
    for (int i = 0; i < 5; i++)
        assert_int_equal(counted[i], sv9x_layout_find(levels[i])->nfields);
    assert_null(sv9x_layout_find(502));
    assert_null(sv9x_layout_find(3));
    assert_null(sv9x_layout_find(-1));
    /* 50 and 1 read NT level 1, 10 reads NT level 10 */
    assert_int_equal(sv9x_layout_find(50)->nt_level, 1);
    assert_int_equal(sv9x_layout_find(10)->nt_level, 10);
}

typedef struct fixture {
    nt_wchar *c[3], *u[3], *t[3];
    sv9x_entry e[3];
} fixture;

static void fx_init(fixture *f)
{
    const char *cn[3] = {"127.0.0.2", "\\\\HOST-B", "host\xc3\xa9-\xe2\x82\xac"}; /* é (Latin-1), € (not) */
    const char *un[3] = {"ntsuser1", "ntsuser2", "admin"};
    memset(f, 0, sizeof(*f));
    for (int i = 0; i < 3; i++) {
        f->c[i] = W(cn[i]);
        f->u[i] = W(un[i]);
        f->t[i] = W(i == 1 ? "Windows 4.0" : "");
        f->e[i] = (sv9x_entry){f->c[i], f->u[i], f->t[i], 3u + (uint32_t)i, 100u * (uint32_t)(i + 1),
                               7u + (uint32_t)i, i == 1 ? 0xFFFFFFFFu : 1u};
    }
}

static void fx_free(fixture *f)
{
    for (int i = 0; i < 3; i++) {
        free(f->c[i]);
        free(f->u[i]);
        free(f->t[i]);
    }
}

static void check_canary(const uint8_t *buf, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        assert_int_equal(buf[i], CANARY);
}

static void enum_level50_layout(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    uint8_t buf[512];
    memset(buf, CANARY, sizeof(buf));
    uint16_t read = 9, total = 9;
    const sv9x_layout *L = sv9x_layout_find(50);
    assert_int_equal(sv9x_pack_enum(L, f.e, 3, buf, 400, BASE, &read, &total), NT_OK);
    assert_int_equal(read, 3);
    assert_int_equal(total, 3);
    check_canary(buf, 400, sizeof(buf));
    const char *want_c[3] = {"127.0.0.2", "\\\\HOST-B", "host\xe9-?"};
    const char *want_u[3] = {"ntsuser1", "ntsuser2", "admin"};
    for (int i = 0; i < 3; i++) {
        const uint8_t *rec = buf + i * 26;
        assert_string_equal(str_at(buf, 400, rec, 0), want_c[i]);
        assert_string_equal(str_at(buf, 400, rec, 4), want_u[i]);
        assert_int_equal(nt_le32(rec + 8), sv9x_key(f.c[i], f.u[i]));
        assert_int_equal(nt_le16(rec + 12), 0);          /* num_conns: not reported */
        assert_int_equal(nt_le16(rec + 14), 3 + i);      /* num_opens */
        assert_int_equal(nt_le32(rec + 16), 100 * (i + 1));
        assert_int_equal(nt_le32(rec + 20), 7 + i);
        assert_int_equal(rec[24], 0);                    /* protocol: not reported */
        assert_int_equal(rec[25], 0);
    }
    fx_free(&f);
}

static void enum_level1_2_10_0(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    uint8_t buf[600];
    uint16_t read, total;
    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(sv9x_pack_enum(sv9x_layout_find(1), f.e, 2, buf, 300, BASE, &read, &total), NT_OK);
    assert_int_equal(read, 2);
    assert_int_equal(nt_le16(buf + 8), 0);                 /* num_conns */
    assert_int_equal(nt_le16(buf + 10), 3);                /* num_opens */
    assert_int_equal(nt_le16(buf + 12), 1);                /* num_users */
    assert_int_equal(nt_le32(buf + 22), 1);                /* user_flags */
    assert_int_equal(nt_le32(buf + 26 + 22), 3);           /* flags masked to GUEST|NOENCRYPTION */
    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(sv9x_pack_enum(sv9x_layout_find(2), f.e, 2, buf, 300, BASE, &read, &total), NT_OK);
    assert_string_equal(str_at(buf, 300, buf, 26), "");
    assert_string_equal(str_at(buf, 300, buf + 30, 26), "Windows 4.0");
    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(sv9x_pack_enum(sv9x_layout_find(10), f.e, 2, buf, 300, BASE, &read, &total), NT_OK);
    assert_string_equal(str_at(buf, 300, buf + 16, 4), "ntsuser2");
    assert_int_equal(nt_le32(buf + 16 + 8), 200);
    assert_int_equal(nt_le32(buf + 16 + 12), 8);
    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(sv9x_pack_enum(sv9x_layout_find(0), f.e, 3, buf, 300, BASE, &read, &total), NT_OK);
    assert_int_equal(read, 3);
    assert_string_equal(str_at(buf, 300, buf + 8, 0), "host\xe9-?");
    check_canary(buf, 300, sizeof(buf));
    fx_free(&f);
}

/* Bytes entry i takes at level L (fixed part + ANSI strings). */
static size_t entry_bytes(const sv9x_layout *L, const sv9x_entry *e)
{
    uint8_t tmp[512];
    uint16_t avail;
    sv9x_pack_one(L, e, tmp, sizeof(tmp), BASE, &avail);
    return avail;
}

static void enum_small_buffers(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    const sv9x_layout *L = sv9x_layout_find(50);
    size_t one = entry_bytes(L, &f.e[0]), two = one + entry_bytes(L, &f.e[1]);
    assert_int_equal(one, 26 + 10 + 9);
    uint8_t buf[256];
    uint16_t read, total;
    struct { size_t cb; uint32_t st; uint16_t read; } cases[] = {
        {0, NT_ERROR_MORE_DATA, 0}, {1, NT_ERROR_MORE_DATA, 0}, {26, NT_ERROR_MORE_DATA, 0},
        {one - 1, NT_ERROR_MORE_DATA, 0}, {one, NT_ERROR_MORE_DATA, 1}, {two - 1, NT_ERROR_MORE_DATA, 1},
        {two, NT_OK, 2},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(buf, CANARY, sizeof(buf));
        read = total = 77;
        uint32_t st = sv9x_pack_enum(L, f.e, 2, buf, (uint16_t)cases[i].cb, BASE, &read, &total);
        assert_int_equal(st, cases[i].st);
        assert_int_equal(read, cases[i].read);
        assert_int_equal(total, 2);
        check_canary(buf, cases[i].cb, sizeof(buf));    /* nothing at or past cbBuffer */
        if (read)
            assert_string_equal(str_at(buf, cases[i].cb, buf, 0), "127.0.0.2");
    }
    /* no sessions: success with 0 / 0, even into a 0-byte buffer */
    read = total = 5;
    assert_int_equal(sv9x_pack_enum(L, f.e, 0, NULL, 0, BASE, &read, &total), NT_OK);
    assert_int_equal(read, 0);
    assert_int_equal(total, 0);
    fx_free(&f);
}

static void getinfo_small_buffers(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    const sv9x_layout *L = sv9x_layout_find(50);
    uint8_t buf[256];
    uint16_t avail;
    size_t need = 26 + 10 + 9;
    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(sv9x_pack_one(L, &f.e[0], buf, 25, BASE, &avail), SV9X_NERR_BufTooSmall);
    assert_int_equal(avail, need);
    check_canary(buf, 0, sizeof(buf));                  /* nothing written */
    assert_int_equal(sv9x_pack_one(L, &f.e[0], buf, 0, BASE, &avail), SV9X_NERR_BufTooSmall);
    /* fixed part only: numbers filled, string pointers NULL */
    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(sv9x_pack_one(L, &f.e[0], buf, 26, BASE, &avail), NT_ERROR_MORE_DATA);
    assert_int_equal(avail, need);
    assert_int_equal(nt_le32(buf), 0);
    assert_int_equal(nt_le32(buf + 4), 0);
    assert_int_equal(nt_le32(buf + 8), sv9x_key(f.c[0], f.u[0]));
    check_canary(buf, 26, sizeof(buf));
    /* one byte short: the client name fits, the user name does not */
    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(sv9x_pack_one(L, &f.e[0], buf, (uint16_t)(need - 1), BASE, &avail), NT_ERROR_MORE_DATA);
    assert_string_equal(str_at(buf, need - 1, buf, 0), "127.0.0.2");
    assert_int_equal(nt_le32(buf + 4), 0);
    check_canary(buf, need - 1, sizeof(buf));
    memset(buf, CANARY, sizeof(buf));
    assert_int_equal(sv9x_pack_one(L, &f.e[0], buf, (uint16_t)need, BASE, &avail), NT_OK);
    assert_string_equal(str_at(buf, need, buf, 4), "ntsuser1");
    check_canary(buf, need, sizeof(buf));
    fx_free(&f);
}

static void saturation_and_nulls(void **state)
{
    (void)state;
    sv9x_entry e = {NULL, NULL, NULL, 70000u, 1, 2, 0};
    uint8_t buf[64];
    uint16_t avail;
    assert_int_equal(sv9x_pack_one(sv9x_layout_find(50), &e, buf, sizeof(buf), BASE, &avail), NT_OK);
    assert_int_equal(avail, 26);                        /* NULL strings take no bytes */
    assert_int_equal(nt_le32(buf), 0);
    assert_int_equal(nt_le16(buf + 14), 0xFFFF);        /* num_opens saturates */
    /* many entries: totals saturate at 0xFFFF, the buffer holds what fits */
    uint32_t n = 70000;
    sv9x_entry *v = calloc(n, sizeof(*v));
    assert_non_null(v);
    uint8_t *big = malloc(65535);
    assert_non_null(big);
    uint16_t read, total;
    assert_int_equal(sv9x_pack_enum(sv9x_layout_find(0), v, n, big, 65535, BASE, &read, &total),
                     NT_ERROR_MORE_DATA);
    assert_int_equal(total, 0xFFFF);
    assert_int_equal(read, 65535 / 4);
    free(big);
    free(v);
}

static void keys_stable_and_distinct(void **state)
{
    (void)state;
    nt_wchar *a = W("127.0.0.2"), *a2 = W("\\\\127.0.0.2"), *u = W("ntsuser1"), *U = W("NTSUSER1");
    nt_wchar *u2 = W("ntsuser2"), *ab = W("ab"), *c = W("c"), *a_ = W("a"), *bc = W("bc");
    uint16_t k = sv9x_key(a, u);
    assert_true(k >= 1 && k <= 0x7FFF);
    assert_int_equal(sv9x_key(a, u), k);                /* a pure function */
    assert_int_equal(sv9x_key(a2, u), k);               /* leading \\ ignored */
    assert_int_equal(sv9x_key(a, U), k);                /* case-insensitive */
    assert_int_not_equal(sv9x_key(a, u2), k);
    assert_int_not_equal(sv9x_key(ab, c), sv9x_key(a_, bc));
    /* spread: 2000 users from one client take many different keys, all in range */
    static uint8_t seen[0x8000];
    memset(seen, 0, sizeof(seen));
    unsigned distinct = 0;
    for (int i = 0; i < 2000; i++) {
        char name[32];
        snprintf(name, sizeof(name), "user%d", i);
        nt_wchar *w = W(name);
        uint16_t key = sv9x_key(a, w);
        assert_true(key >= 1 && key <= 0x7FFF);
        distinct += !seen[key];
        seen[key] = 1;
        free(w);
    }
    assert_true(distinct > 1900);
    free(a); free(a2); free(u); free(U); free(u2); free(ab); free(c); free(a_); free(bc);
}

static void key_lookup(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f);
    uint32_t idx = 99;
    assert_int_equal(sv9x_key_lookup(f.e, 3, sv9x_key(f.c[1], f.u[1]), &idx), 1);
    assert_int_equal(idx, 1);
    /* two rows of the same (client, user): one pair, the first row */
    sv9x_entry dup[2] = {f.e[2], f.e[2]};
    assert_int_equal(sv9x_key_lookup(dup, 2, sv9x_key(f.c[2], f.u[2]), &idx), 1);
    assert_int_equal(idx, 0);
    /* unknown key, key 0 (never issued) */
    uint16_t unused = 1;
    while (unused == sv9x_key(f.c[0], f.u[0]) || unused == sv9x_key(f.c[1], f.u[1]) ||
           unused == sv9x_key(f.c[2], f.u[2]))
        unused++;
    assert_int_equal(sv9x_key_lookup(f.e, 3, unused, &idx), 0);
    assert_int_equal(sv9x_key_lookup(f.e, 3, 0, &idx), 0);
    /* a real collision: two users of one client with the same key are refused */
    static uint16_t owner[0x8000];
    memset(owner, 0, sizeof(owner));
    char n1[32] = "", n2[32] = "";
    for (int i = 1; i < 100000 && !n2[0]; i++) {
        char name[32];
        snprintf(name, sizeof(name), "u%d", i);
        nt_wchar *w = W(name);
        uint16_t key = sv9x_key(f.c[0], w);
        if (owner[key]) {
            snprintf(n1, sizeof(n1), "u%d", owner[key]);
            snprintf(n2, sizeof(n2), "u%d", i);
        } else if (i < 0x10000) {
            owner[key] = (uint16_t)i;
        }
        free(w);
    }
    assert_true(n2[0]);
    nt_wchar *w1 = W(n1), *w2 = W(n2);
    sv9x_entry col[3] = {f.e[1], {f.c[0], w1, NULL, 0, 0, 0, 0}, {f.c[0], w2, NULL, 0, 0, 0, 0}};
    assert_int_equal(sv9x_key(f.c[0], w1), sv9x_key(f.c[0], w2));
    assert_true(sv9x_key_lookup(col, 3, sv9x_key(f.c[0], w1), &idx) >= 2);
    free(w1);
    free(w2);
    fx_free(&f);
}

static void reads_api_layer_blocks(void **state)
{
    (void)state;
    /* what api_session_enum hands back at NT level 1, read as 9x entries */
    sess_info s[2];
    memset(s, 0, sizeof(s));
    s[0].str[SF_CNAME] = W("127.0.0.4");
    s[0].str[SF_USERNAME] = W("ntsuser1");
    s[0].num[SF_NUM_OPENS] = 2;
    s[0].num[SF_TIME] = 30;
    s[0].num[SF_IDLE_TIME] = 4;
    s[0].num[SF_USER_FLAGS] = 2;
    s[1].str[SF_CNAME] = W("127.0.0.2");
    s[1].str[SF_USERNAME] = NULL;
    sess_info *ptrs[2] = {&s[0], &s[1]};
    const sess_level *l1 = sess_level_find(1);
    uint8_t *block = NULL;
    assert_int_equal(api_pack(l1, ptrs, 2, &block), NT_OK);
    sv9x_entry e[2];
    sv9x_entries_from_nt(l1, block, 2, e);
    assert_int_equal(nt_wcscmp(e[0].cname, s[0].str[SF_CNAME]), 0);
    assert_int_equal(nt_wcscmp(e[0].username, s[0].str[SF_USERNAME]), 0);
    assert_null(e[0].cltype);
    assert_int_equal(e[0].num_opens, 2);
    assert_int_equal(e[0].time, 30);
    assert_int_equal(e[0].idle_time, 4);
    assert_int_equal(e[0].user_flags, 2);
    assert_null(e[1].username);
    nt_block_free(block);
    sess_info_clear(&s[0]);
    sess_info_clear(&s[1]);
}

static void arg_errors_without_network(void **state)
{
    (void)state;
    uint8_t buf[64];
    uint16_t r = 5, t = 5, a = 5;
    /* a server nobody listens on: any attempt would fail differently */
    const char *srv = "\\\\192.0.2.1";
    assert_int_equal(sv9x_session_enum(srv, 50, buf, sizeof(buf), BASE, NULL, &t), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(t, 0);
    assert_int_equal(sv9x_session_enum(srv, 50, buf, sizeof(buf), BASE, &r, NULL), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(r, 0);
    assert_int_equal(sv9x_session_enum(srv, 50, NULL, 10, BASE, &r, &t), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(sv9x_session_enum(srv, 502, buf, sizeof(buf), BASE, &r, &t), NT_ERROR_INVALID_LEVEL);
    assert_int_equal(sv9x_session_enum(srv, -1, buf, sizeof(buf), BASE, &r, &t), NT_ERROR_INVALID_LEVEL);
    assert_int_equal(sv9x_session_getinfo(srv, NULL, 50, buf, sizeof(buf), BASE, &a), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(sv9x_session_getinfo(srv, "", 50, buf, sizeof(buf), BASE, &a), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(sv9x_session_getinfo(srv, "x", 50, buf, sizeof(buf), BASE, NULL), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(sv9x_session_getinfo(srv, "x", 50, NULL, 1, BASE, &a), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(sv9x_session_getinfo(srv, "x", 3, buf, sizeof(buf), BASE, &a), NT_ERROR_INVALID_LEVEL);
    /* a malformed server name is refused before any traffic */
    assert_int_equal(sv9x_session_enum("\\\\bad*name?", 50, buf, sizeof(buf), BASE, &r, &t),
                     NT_NERR_InvalidComputer);
    assert_int_equal(sv9x_session_del("\\\\bad*name?", NULL, 1), NT_NERR_InvalidComputer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layouts_match_svrapi_h),
        cmocka_unit_test(enum_level50_layout),
        cmocka_unit_test(enum_level1_2_10_0),
        cmocka_unit_test(enum_small_buffers),
        cmocka_unit_test(getinfo_small_buffers),
        cmocka_unit_test(saturation_and_nulls),
        cmocka_unit_test(keys_stable_and_distinct),
        cmocka_unit_test(key_lookup),
        cmocka_unit_test(reads_api_layer_blocks),
        cmocka_unit_test(arg_errors_without_network),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
