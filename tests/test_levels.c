/* The session info level table: fields, derivations, struct layouts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "srvs/levels.h"

static void check_fields(uint32_t level, const uint8_t *want, unsigned n)
{
    const sess_level *l = sess_level_find(level);
    assert_non_null(l);
    assert_int_equal(l->level, level);
    assert_int_equal(l->nfields, n);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(l->fields[i], want[i]);
    for (unsigned f = 0; f < SF_COUNT; f++) {
        bool in = false;
        for (unsigned i = 0; i < n; i++)
            in |= want[i] == f;
        assert_int_equal(sess_level_has(l, (sess_field)f), in);
    }
}

static void test_fields_level0(void **st)
{
    (void)st;
    static const uint8_t f[] = {SF_CNAME};
    check_fields(0, f, 1);
}

static void test_fields_level1(void **st)
{
    (void)st;
    static const uint8_t f[] = {SF_CNAME, SF_USERNAME, SF_NUM_OPENS, SF_TIME, SF_IDLE_TIME, SF_USER_FLAGS};
    check_fields(1, f, 6);
}

static void test_fields_level2(void **st)
{
    (void)st;
    static const uint8_t f[] = {SF_CNAME,     SF_USERNAME,   SF_NUM_OPENS,  SF_TIME,
                                SF_IDLE_TIME, SF_USER_FLAGS, SF_CLTYPE_NAME};
    check_fields(2, f, 7);
}

static void test_fields_level10(void **st)
{
    (void)st;
    static const uint8_t f[] = {SF_CNAME, SF_USERNAME, SF_TIME, SF_IDLE_TIME};
    check_fields(10, f, 4);
}

static void test_fields_level502(void **st)
{
    (void)st;
    static const uint8_t f[] = {SF_CNAME,      SF_USERNAME,   SF_NUM_OPENS,   SF_TIME,
                                SF_IDLE_TIME, SF_USER_FLAGS, SF_CLTYPE_NAME, SF_TRANSPORT};
    check_fields(502, f, 8);
}

static void test_unknown_levels(void **st)
{
    (void)st;
    static const uint32_t bad[] = {3, 4, 9, 11, 100, 501, 503, 1005, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_null(sess_level_find(bad[i]));
    assert_false(sess_level_has(NULL, SF_CNAME));
    assert_int_equal(sess_level_struct_size(NULL, 4), 0);
}

static void test_string_fields(void **st)
{
    (void)st;
    assert_true(sess_field_is_string(SF_CNAME));
    assert_true(sess_field_is_string(SF_USERNAME));
    assert_true(sess_field_is_string(SF_CLTYPE_NAME));
    assert_true(sess_field_is_string(SF_TRANSPORT));
    assert_false(sess_field_is_string(SF_NUM_OPENS));
    assert_false(sess_field_is_string(SF_TIME));
    assert_false(sess_field_is_string(SF_IDLE_TIME));
    assert_false(sess_field_is_string(SF_USER_FLAGS));
}

static void test_derive_from_and_getinfo(void **st)
{
    (void)st;
    assert_int_equal(sess_level_find(0)->derive_from, 1);
    assert_int_equal(sess_level_find(1)->derive_from, SESS_LEVEL_NONE);
    assert_int_equal(sess_level_find(2)->derive_from, 1);
    assert_int_equal(sess_level_find(10)->derive_from, 1);
    assert_int_equal(sess_level_find(502)->derive_from, 1);
    assert_true(sess_level_find(0)->getinfo);
    assert_true(sess_level_find(1)->getinfo);
    assert_true(sess_level_find(2)->getinfo);
    assert_true(sess_level_find(10)->getinfo);
    assert_false(sess_level_find(502)->getinfo);
}

/* Hand-computed layouts (cross-checked with MinGW lmshare.h / wine). */
static void check_layout(uint32_t level, size_t ptrsize, size_t size, const size_t *offs)
{
    const sess_level *l = sess_level_find(level);
    assert_int_equal(sess_level_struct_size(l, ptrsize), size);
    for (unsigned i = 0; i < l->nfields; i++)
        assert_int_equal(sess_level_field_offset(l, i, ptrsize), offs[i]);
}

static void test_layout_x86(void **st)
{
    (void)st;
    static const size_t o0[] = {0}, o1[] = {0, 4, 8, 12, 16, 20}, o2[] = {0, 4, 8, 12, 16, 20, 24},
                        o10[] = {0, 4, 8, 12}, o502[] = {0, 4, 8, 12, 16, 20, 24, 28};
    check_layout(0, 4, 4, o0);
    check_layout(1, 4, 24, o1);
    check_layout(2, 4, 28, o2);
    check_layout(10, 4, 16, o10);
    check_layout(502, 4, 32, o502);
}

static void test_layout_x64(void **st)
{
    (void)st;
    static const size_t o0[] = {0}, o1[] = {0, 8, 16, 20, 24, 28}, o2[] = {0, 8, 16, 20, 24, 28, 32},
                        o10[] = {0, 8, 16, 20}, o502[] = {0, 8, 16, 20, 24, 28, 32, 40};
    check_layout(0, 8, 8, o0);
    check_layout(1, 8, 32, o1);
    check_layout(2, 8, 40, o2);
    check_layout(10, 8, 24, o10);
    check_layout(502, 8, 48, o502);
}

static void test_layout_bad_args(void **st)
{
    (void)st;
    const sess_level *l = sess_level_find(1);
    assert_int_equal(sess_level_struct_size(l, 2), 0);
    assert_int_equal(sess_level_field_offset(l, 6, 4), 0);
    assert_int_equal(sess_level_field_offset(l, 1, 16), 0);
}

static nt_wchar *w(const char *s)
{
    nt_wchar *r = nt_utf8_to_utf16(s, NULL);
    assert_non_null(r);
    return r;
}

static void make_level1(sess_info *s)
{
    memset(s, 0, sizeof(*s));
    s->str[SF_CNAME] = w("10.0.0.5");
    s->str[SF_USERNAME] = w("alice");
    s->num[SF_NUM_OPENS] = 3;
    s->num[SF_TIME] = 100;
    s->num[SF_IDLE_TIME] = 7;
    s->num[SF_USER_FLAGS] = 1;
    s->present = (1u << SF_CNAME) | (1u << SF_USERNAME) | (1u << SF_NUM_OPENS) | (1u << SF_TIME) |
                 (1u << SF_IDLE_TIME) | (1u << SF_USER_FLAGS);
}

static void test_derive_502_empty_strings(void **st)
{
    (void)st;
    sess_info s;
    make_level1(&s);
    assert_true(sess_info_derive(&s, 1, 502));
    const sess_level *l = sess_level_find(502);
    for (unsigned i = 0; i < l->nfields; i++)
        assert_true(s.present & (1u << l->fields[i]));
    assert_non_null(s.str[SF_CLTYPE_NAME]);
    assert_int_equal(s.str[SF_CLTYPE_NAME][0], 0);
    assert_non_null(s.str[SF_TRANSPORT]);
    assert_int_equal(s.str[SF_TRANSPORT][0], 0);
    assert_int_equal(s.num[SF_NUM_OPENS], 3);
    assert_int_equal(s.num[SF_TIME], 100);
    char *u = nt_utf16_to_utf8(s.str[SF_USERNAME], nt_wcslen(s.str[SF_USERNAME]));
    assert_string_equal(u, "alice");
    free(u);
    sess_info_clear(&s);
    assert_int_equal(s.present, 0);
    assert_null(s.str[SF_CNAME]);
}

static void test_derive_2_cltype_empty(void **st)
{
    (void)st;
    sess_info s;
    make_level1(&s);
    assert_true(sess_info_derive(&s, 1, 2));
    assert_non_null(s.str[SF_CLTYPE_NAME]);
    assert_int_equal(s.str[SF_CLTYPE_NAME][0], 0);
    assert_null(s.str[SF_TRANSPORT]); /* level 2 has no transport */
    assert_false(s.present & (1u << SF_TRANSPORT));
    sess_info_clear(&s);
}

static void test_derive_0_and_10(void **st)
{
    (void)st;
    sess_info s;
    make_level1(&s);
    uint32_t before = s.present;
    assert_true(sess_info_derive(&s, 1, 0));
    assert_true(sess_info_derive(&s, 1, 10));
    assert_int_equal(s.present, before); /* nothing missing */
    assert_int_equal(s.num[SF_IDLE_TIME], 7);
    sess_info_clear(&s);
}

static void test_derive_missing_numbers_zero(void **st)
{
    (void)st;
    sess_info s;
    memset(&s, 0, sizeof(s));
    s.num[SF_TIME] = 99; /* not marked present: must become 0 */
    s.str[SF_CNAME] = w("x");
    s.present = 1u << SF_CNAME;
    assert_true(sess_info_derive(&s, 1, 10));
    assert_int_equal(s.num[SF_TIME], 0);
    assert_int_equal(s.num[SF_IDLE_TIME], 0);
    assert_int_equal(s.str[SF_USERNAME][0], 0);
    sess_info_clear(&s);
}

static void test_derive_null_pointer_kept(void **st)
{
    (void)st;
    sess_info s;
    make_level1(&s);
    free(s.str[SF_USERNAME]);
    s.str[SF_USERNAME] = NULL; /* server sent a null pointer: stays null */
    assert_true(sess_info_derive(&s, 1, 502));
    assert_null(s.str[SF_USERNAME]);
    sess_info_clear(&s);
}

static void test_derive_invalid(void **st)
{
    (void)st;
    sess_info s;
    make_level1(&s);
    assert_false(sess_info_derive(&s, 0, 1));
    assert_false(sess_info_derive(&s, 10, 502));
    assert_false(sess_info_derive(&s, 2, 502));
    assert_false(sess_info_derive(&s, 1, 3));
    assert_false(sess_info_derive(&s, 7, 1));
    assert_true(sess_info_derive(&s, 1, 1)); /* identity */
    sess_info_clear(&s);
}

static void test_list_free(void **st)
{
    (void)st;
    sess_list l;
    memset(&l, 0, sizeof(l));
    l.v = calloc(3, sizeof(sess_info));
    l.count = 3;
    for (int i = 0; i < 3; i++)
        make_level1(&l.v[i]);
    l.has_resume = true;
    l.resume_handle = 5;
    sess_list_free(&l);
    assert_null(l.v);
    assert_int_equal(l.count, 0);
    assert_false(l.has_resume);
    sess_list_free(&l); /* twice is fine */
    sess_list_free(NULL);
    sess_info_clear(NULL);
}

/* The normalisation step next to the table: "\\" before client names (in
 * place when the decoder left room, reallocated otherwise, never twice) and
 * "negative" intervals clamped; every other field untouched. */
static nt_wchar *wdup_room(const char *a, size_t room)
{
    size_t n = strlen(a);
    nt_wchar *w = calloc(n + 1 + room, sizeof(nt_wchar));
    assert_non_null(w);
    for (size_t i = 0; i < n; i++)
        w[i] = (nt_wchar)a[i];
    return w;
}

static void expect_wstr(const nt_wchar *w, const char *a)
{
    assert_non_null(w);
    size_t n = strlen(a);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(w[i], (nt_wchar)a[i]);
    assert_int_equal(w[n], 0);
}

static void test_normalise(void **st)
{
    (void)st;
    sess_info s;
    memset(&s, 0, sizeof(s));
    s.str[SF_CNAME] = wdup_room("10.0.0.1", SESS_UNC_ROOM);
    s.room = 1u << SF_CNAME;
    s.str[SF_USERNAME] = wdup_room("bob", 0);
    s.num[SF_TIME] = 0xFFFFFFFFu;
    s.num[SF_IDLE_TIME] = 0x7FFFFFFFu;
    s.num[SF_NUM_OPENS] = 0xFFFFFFFFu;
    nt_wchar *before = s.str[SF_CNAME];
    assert_true(sess_info_normalise(&s));
    assert_ptr_equal(s.str[SF_CNAME], before); /* in place */
    expect_wstr(s.str[SF_CNAME], "\\\\10.0.0.1");
    expect_wstr(s.str[SF_USERNAME], "bob");   /* not a unc field */
    assert_int_equal(s.num[SF_TIME], 0);
    assert_int_equal(s.num[SF_IDLE_TIME], 0x7FFFFFFFu);
    assert_int_equal(s.num[SF_NUM_OPENS], 0xFFFFFFFFu); /* not an interval */
    assert_true(sess_info_normalise(&s));      /* idempotent */
    expect_wstr(s.str[SF_CNAME], "\\\\10.0.0.1");
    sess_info_clear(&s);
    assert_int_equal(s.room, 0);
    s.str[SF_CNAME] = wdup_room("pc", 0);       /* no room: reallocated */
    assert_true(sess_info_normalise(&s));
    expect_wstr(s.str[SF_CNAME], "\\\\pc");
    sess_info_clear(&s);
    assert_true(sess_info_normalise(&s));      /* null pointers stay null */
    assert_null(s.str[SF_CNAME]);
}

/* The field table's columns and the computed field counts. */
static void test_field_table(void **st)
{
    (void)st;
    unsigned strings = 0, uncs = 0, secs = 0;
    for (unsigned f = 0; f < SF_COUNT; f++) {
        const sess_field_desc *d = sess_field_info((sess_field)f);
        assert_non_null(d);
        assert_non_null(d->name);
        assert_int_equal(d->string, sess_field_is_string((sess_field)f));
        strings += d->string;
        uncs += d->unc;
        secs += d->seconds;
    }
    assert_int_equal(strings, 4);
    assert_int_equal(uncs, 1);
    assert_true(sess_field_info(SF_CNAME)->unc);
    assert_int_equal(secs, 2);
    assert_null(sess_field_info(SF_COUNT));
    assert_false(sess_field_is_string(SF_COUNT));
    const sess_level *root = sess_level_root();
    assert_non_null(root);
    assert_int_equal(root->level, 1);
    assert_int_equal(root->nfields, 6);
    assert_int_equal(sess_level_find(502)->nfields, 8);
    assert_int_equal(sess_level_find(0)->nfields, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_level0),
        cmocka_unit_test(test_fields_level1),
        cmocka_unit_test(test_fields_level2),
        cmocka_unit_test(test_fields_level10),
        cmocka_unit_test(test_fields_level502),
        cmocka_unit_test(test_unknown_levels),
        cmocka_unit_test(test_string_fields),
        cmocka_unit_test(test_derive_from_and_getinfo),
        cmocka_unit_test(test_layout_x86),
        cmocka_unit_test(test_layout_x64),
        cmocka_unit_test(test_layout_bad_args),
        cmocka_unit_test(test_derive_502_empty_strings),
        cmocka_unit_test(test_derive_2_cltype_empty),
        cmocka_unit_test(test_derive_0_and_10),
        cmocka_unit_test(test_derive_missing_numbers_zero),
        cmocka_unit_test(test_derive_null_pointer_kept),
        cmocka_unit_test(test_derive_invalid),
        cmocka_unit_test(test_list_free),
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_field_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
