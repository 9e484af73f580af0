/* API layer pieces that need no network: server names, credential sources,
 * packing into one block, argument errors that must not touch the network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "api/api.h"

#include "test_wstr.h"

static void expect_server(const char *in, uint32_t want_st, const char *host, const char *unc, bool local)
{
    nt_wchar *w = in ? W(in) : NULL;
    api_server s;
    uint32_t st = api_parse_server(w, &s);
    assert_int_equal(st, want_st);
    if (st == NT_OK) {
        assert_string_equal(s.host, host);
        char *u = nt_utf16_to_utf8(s.unc, nt_wcslen(s.unc));
        assert_string_equal(u, unc);
        free(u);
        assert_int_equal(s.local, local);
        api_server_free(&s);
    }
    free(w);
}

static void server_forms(void **state)
{
    (void)state;
    expect_server(NULL, NT_OK, "127.0.0.1", "\\\\127.0.0.1", true);
    expect_server("", NT_OK, "127.0.0.1", "\\\\127.0.0.1", true);
    expect_server("fileserver", NT_OK, "fileserver", "\\\\fileserver", false);
    expect_server("\\\\fileserver", NT_OK, "fileserver", "\\\\fileserver", false);
    expect_server("\\\\10.1.2.3", NT_OK, "10.1.2.3", "\\\\10.1.2.3", false);
    expect_server("nas.example.org", NT_OK, "nas.example.org", "\\\\nas.example.org", false);
    expect_server("::1", NT_OK, "::1", "\\\\::1", false);
    expect_server("[::1]", NT_OK, "::1", "\\\\::1", false);
    expect_server("\\\\[fe80::1%2]", NT_OK, "fe80::1%2", "\\\\fe80::1%2", false);
}

static void server_malformed(void **state)
{
    (void)state;
    const char *bad[] = {"\\\\", "\\\\\\\\x", "\\x", "a\\b", "a/b", "ser ver", "a*b", "a?b", "[host]",
                         "[::1", "\\\\:::z", ".hidden", "-x", "a|b", "a<b>", "\"q\""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        nt_wchar *w = W(bad[i]);
        api_server s;
        uint32_t st = api_parse_server(w, &s);
        if (st != NT_NERR_InvalidComputer)
            fail_msg("server name '%s' gave %u, want NERR_InvalidComputer", bad[i], (unsigned)st);
        free(w);
    }
    /* 256 characters: too long */
    char longname[300];
    memset(longname, 'a', 256);
    longname[256] = 0;
    nt_wchar *w = W(longname);
    api_server s;
    assert_int_equal(api_parse_server(w, &s), NT_NERR_InvalidComputer);
    free(w);
}

static void auth_file_parse(void **state)
{
    (void)state;
    nt_creds c;
    assert_true(api_parse_auth_file("username = alice\npassword = s3cr3t = x\ndomain = CORP\n", &c));
    assert_string_equal(c.user, "alice");
    assert_string_equal(c.password, "s3cr3t = x");
    assert_string_equal(c.domain, "CORP");
    nt_creds_clear(&c);
    assert_null(c.user);

    assert_true(api_parse_auth_file("  Username=CORP\\bob \r\nPassword=pw\r\n", &c));
    assert_string_equal(c.user, "bob");
    assert_string_equal(c.domain, "CORP");
    assert_string_equal(c.password, "pw");
    nt_creds_clear(&c);

    assert_true(api_parse_auth_file("username = carol\n", &c)); /* no password: empty */
    assert_string_equal(c.password, "");
    nt_creds_clear(&c);

    assert_false(api_parse_auth_file("password = x\n", &c));  /* no user name */
    assert_false(api_parse_auth_file("", &c));
    assert_false(api_parse_auth_file("garbage without equals\n", &c));
}

static void creds_order_env_then_file(void **state)
{
    (void)state;
    char path[] = "/tmp/ntauthXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *txt = "username = fileuser\npassword = filepass\ndomain = FILEDOM\n";
    assert_int_equal(write(fd, txt, strlen(txt)), (int)strlen(txt));
    close(fd);

    nt_creds c;
    const char *src;
    unsetenv("NETAPI32_USER");
    unsetenv("NETAPI32_PASSWORD");
    unsetenv("NETAPI32_AUTH_FILE");
    assert_int_equal(api_lookup_creds("srv", &c, &src), NT_OK);
    assert_null(c.user);
    assert_string_equal(src, "anonymous");

    setenv("NETAPI32_AUTH_FILE", path, 1);
    assert_int_equal(api_lookup_creds("srv", &c, &src), NT_OK);
    assert_string_equal(c.user, "fileuser");
    assert_string_equal(c.domain, "FILEDOM");
    assert_string_equal(src, "auth file");
    nt_creds_clear(&c);

    setenv("NETAPI32_USER", "ENVDOM\\envuser", 1);
    setenv("NETAPI32_PASSWORD", "envpass", 1);
    assert_int_equal(api_lookup_creds("srv", &c, &src), NT_OK);
    assert_string_equal(c.user, "envuser");
    assert_string_equal(c.domain, "ENVDOM");
    assert_string_equal(c.password, "envpass");
    assert_string_equal(src, "environment");
    nt_creds_clear(&c);

    setenv("NETAPI32_USER", "u@realm", 1);
    assert_int_equal(api_lookup_creds("srv", &c, &src), NT_OK);
    assert_string_equal(c.user, "u");
    assert_string_equal(c.domain, "realm");
    nt_creds_clear(&c);

    unsetenv("NETAPI32_USER");
    unsetenv("NETAPI32_PASSWORD");
    unsetenv("NETAPI32_AUTH_FILE");
    unlink(path);
}

static void fill(sess_info *s, const char *cname, const char *user, uint32_t base)
{
    memset(s, 0, sizeof(*s));
    s->str[SF_CNAME] = W(cname);
    s->str[SF_USERNAME] = W(user);
    s->str[SF_CLTYPE_NAME] = W("");
    s->str[SF_TRANSPORT] = NULL; /* a null string pointer stays NULL */
    s->num[SF_NUM_OPENS] = base + 1;
    s->num[SF_TIME] = base + 2;
    s->num[SF_IDLE_TIME] = base + 3;
    s->num[SF_USER_FLAGS] = base + 4;
}

static void pack_one_block_every_level(void **state)
{
    (void)state;
    const uint32_t levels[] = {0, 1, 2, 10, 502};
    sess_info a, b;
    fill(&a, "\\\\client-a", "alice", 10);
    fill(&b, "\\\\CLIENT-B", "bob", 20);
    sess_info *v[2] = {&a, &b};
    for (size_t li = 0; li < 5; li++) {
        const sess_level *l = sess_level_find(levels[li]);
        assert_non_null(l);
        uint8_t *blk = NULL;
        assert_int_equal(api_pack(l, v, 2, &blk), NT_OK);
        size_t size = nt_block_size(blk);
        assert_int_equal(size, api_entry_size(l, &a) + api_entry_size(l, &b));
        size_t ss = sess_level_struct_size(l, sizeof(void *));
        for (unsigned e = 0; e < 2; e++) {
            uint8_t *rec = blk + e * ss;
            for (unsigned k = 0; k < l->nfields; k++) {
                sess_field f = (sess_field)l->fields[k];
                size_t off = sess_level_field_offset(l, k, sizeof(void *));
                if (sess_field_is_string(f)) {
                    nt_wchar *p;
                    memcpy(&p, rec + off, sizeof(p));
                    if (!v[e]->str[f]) {
                        assert_null(p);
                        continue;
                    }
                    /* every string lies inside the block, after the array */
                    assert_true((uint8_t *)p >= blk + 2 * ss);
                    assert_true((uint8_t *)p + (nt_wcslen(p) + 1) * 2 <= blk + size);
                    assert_int_equal(nt_wcscmp(p, v[e]->str[f]), 0);
                } else {
                    uint32_t x;
                    memcpy(&x, rec + off, 4);
                    assert_int_equal(x, v[e]->num[f]);
                }
            }
        }
        nt_block_free(blk);
    }
    sess_info_clear(&a);
    sess_info_clear(&b);
}

static void arg_errors_without_network(void **state)
{
    (void)state;
    uint8_t *buf = (uint8_t *)1;
    uint32_t er = 7, te = 7, rh = 0;
    /* NULL outputs: ERROR_INVALID_PARAMETER, *bufptr and counts cleared */
    assert_int_equal(api_session_enum(NULL, NULL, NULL, 10, NULL, 0xFFFFFFFF, &er, &te, &rh),
                     NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(er, 0);
    assert_int_equal(te, 0);
    assert_int_equal(api_session_enum(NULL, NULL, NULL, 10, &buf, 0xFFFFFFFF, NULL, &te, &rh),
                     NT_ERROR_INVALID_PARAMETER);
    assert_null(buf);
    buf = (uint8_t *)1;
    assert_int_equal(api_session_enum(NULL, NULL, NULL, 10, &buf, 0xFFFFFFFF, &er, NULL, &rh),
                     NT_ERROR_INVALID_PARAMETER);
    assert_null(buf);
    /* unknown levels: ERROR_INVALID_LEVEL before any traffic (the server
     * name below does not resolve, so any network attempt would say 53) */
    nt_wchar *srv = W("no-such-host.invalid");
    const uint32_t badlv[] = {3, 11, 100, 501, 503, 0xFFFFFFFF};
    for (size_t i = 0; i < 6; i++) {
        buf = (uint8_t *)1;
        er = te = 9;
        assert_int_equal(api_session_enum(srv, NULL, NULL, badlv[i], &buf, 0xFFFFFFFF, &er, &te, NULL),
                         NT_ERROR_INVALID_LEVEL);
        assert_null(buf);
        assert_int_equal(er, 0);
        assert_int_equal(te, 0);
        buf = (uint8_t *)1;
        nt_wchar *c = W("\\\\c"), *u = W("u");
        assert_int_equal(api_session_getinfo(srv, c, u, badlv[i], &buf), NT_ERROR_INVALID_LEVEL);
        assert_null(buf);
        free(c);
        free(u);
    }
    /* GetInfo: 502 is not a GetInfo level; client and user are required */
    nt_wchar *c = W("\\\\c"), *u = W("u"), *empty = W("");
    assert_int_equal(api_session_getinfo(srv, c, u, 502, &buf), NT_ERROR_INVALID_LEVEL);
    assert_int_equal(api_session_getinfo(srv, NULL, u, 10, &buf), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(api_session_getinfo(srv, c, NULL, 10, &buf), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(api_session_getinfo(srv, empty, u, 10, &buf), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(api_session_getinfo(srv, c, empty, 10, &buf), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(api_session_getinfo(srv, c, u, 10, NULL), NT_ERROR_INVALID_PARAMETER);
    /* malformed server names */
    nt_wchar *bad = W("bad/name");
    assert_int_equal(api_session_enum(bad, NULL, NULL, 10, &buf, 0xFFFFFFFF, &er, &te, NULL),
                     NT_NERR_InvalidComputer);
    assert_int_equal(api_session_getinfo(bad, c, u, 10, &buf), NT_NERR_InvalidComputer);
    assert_int_equal(api_session_del(bad, c, u), NT_NERR_InvalidComputer);
    free(bad);
    free(c);
    free(u);
    free(empty);
    free(srv);
}

/* An answer too large to pack (beyond the allocation cap) is
 * ERROR_NOT_ENOUGH_MEMORY, never a truncated or overflowing block. */
static void pack_refuses_beyond_cap(void **state)
{
    (void)state;
    sess_info a;
    memset(&a, 0, sizeof(a));
    size_t units = NT_MAX_ALLOC / 2 + 16; /* one string larger than the cap */
    a.str[SF_CNAME] = calloc(units + 1, sizeof(nt_wchar));
    assert_non_null(a.str[SF_CNAME]);
    for (size_t i = 0; i < units; i++)
        a.str[SF_CNAME][i] = 'x';
    sess_info *v[1] = {&a};
    uint8_t *blk = (uint8_t *)1;
    assert_int_equal(api_pack(sess_level_find(0), v, 1, &blk), NT_ERROR_NOT_ENOUGH_MEMORY);
    assert_null(blk);
    sess_info_clear(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(server_forms),
        cmocka_unit_test(server_malformed),
        cmocka_unit_test(auth_file_parse),
        cmocka_unit_test(creds_order_env_then_file),
        cmocka_unit_test(pack_one_block_every_level),
        cmocka_unit_test(arg_errors_without_network),
        cmocka_unit_test(pack_refuses_beyond_cap),
    };
    return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
