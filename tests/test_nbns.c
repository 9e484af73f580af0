/*
 * NBNS (dll/net/nbns.c): the NAME QUERY encoder against RFC 1001/1002, the
 * answer parser against answers of a real nmbd WINS server and hostile
 * variants (truncation, counts beyond the data, compression pointers and
 * loops), and the resolver against a fake NBNS server on loopback UDP
 * (positive, negative, junk, spoofed source, silence within the deadline).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/nbns.h"
#include "test_hex.h"

/* Captured from Samba 4.17 nmbd (wins support = yes) answering
 * tests/lib/nbns_query.py for NBONLYSRV<20>, registered by a second nmbd
 * from 127.0.0.32 (see tests/native/nbns_samba.sh). */
static const char *NMBD_POSITIVE =
    "c9988580000000010000000020454f45434550454f454d464a464446434647434143414341434143414341434100"
    "002000010003f47f000660007f000020";
/* The same server for NOSUCHNAME<20>: negative response, RCODE 3 (NAM_ERR). */
static const char *NMBD_NEGATIVE =
    "22bb8583000000010000000020454f45504644464645444549454f4542454e454643414341434143414341434100"
    "000a0001000000000000";

static void name16(const char *n, uint8_t out[16]) { assert_true(nbns_make_name(n, 0x20, out)); }

static void test_names(void **s)
{
    (void)s;
    assert_true(nbns_is_netbios_name("SRV"));
    assert_true(nbns_is_netbios_name("a-b_c$"));
    assert_true(nbns_is_netbios_name("123456789012345"));
    assert_false(nbns_is_netbios_name("1234567890123456")); /* 16 chars */
    assert_false(nbns_is_netbios_name(""));
    assert_false(nbns_is_netbios_name(NULL));
    assert_false(nbns_is_netbios_name("host.example"));
    assert_false(nbns_is_netbios_name("a b"));
    assert_false(nbns_is_netbios_name("*"));
    assert_false(nbns_is_netbios_name("caf\xc3\xa9"));
    uint8_t n[16];
    assert_true(nbns_make_name("fred", 0x20, n));
    assert_memory_equal(n, "FRED           \x20", 16);
    assert_false(nbns_make_name("a.b", 0x20, n));
}

/* RFC 1001 14.1: "FRED" (space padded) encodes as EGFCEFEECACA...CA. */
static void test_encode_rfc(void **s)
{
    (void)s;
    uint8_t n[16], q[NBNS_QUERY_LEN];
    name16("Fred", n);
    assert_int_equal(nbns_encode_query(q, sizeof(q), 0x1234, n, false), NBNS_QUERY_LEN);
    static const uint8_t hdr[12] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    assert_memory_equal(q, hdr, 12);
    assert_int_equal(q[12], 32);
    assert_memory_equal(q + 13, "EGFCEFEECACACACACACACACACACACACA", 32);
    static const uint8_t tail[5] = {0, 0, 0x20, 0, 1};
    assert_memory_equal(q + 45, tail, 5);
    assert_int_equal(nbns_encode_query(q, sizeof(q), 0x1234, n, true), NBNS_QUERY_LEN);
    assert_int_equal(q[2], 0x01);
    assert_int_equal(q[3], 0x10); /* RD + B */
    assert_int_equal(nbns_encode_query(q, NBNS_QUERY_LEN - 1, 1, n, false), 0);
}

/* Our query for NBONLYSRV<20> is byte for byte the question nmbd echoes. */
static void test_encode_matches_nmbd(void **s)
{
    (void)s;
    uint8_t n[16], q[NBNS_QUERY_LEN], a[128];
    name16("nbonlysrv", n);
    nbns_encode_query(q, sizeof(q), 0xc998, n, false);
    size_t an = test_unhex(NMBD_POSITIVE, a, sizeof(a));
    assert_true(an > 46);
    assert_memory_equal(q + 12, a + 12, 34);
}

static void test_parse_nmbd(void **s)
{
    (void)s;
    uint8_t n[16], a[128];
    nbns_answer ans;
    name16("NBONLYSRV", n);
    size_t len = test_unhex(NMBD_POSITIVE, a, sizeof(a));
    assert_int_equal(nbns_parse_answer(a, len, 0xc998, n, &ans), NT_OK);
    assert_int_equal(ans.naddr, 1);
    assert_int_equal(ans.addr[0], 0x7f000020u);
    assert_int_equal(ans.nb_flags[0], 0x6000);
    assert_int_equal(ans.ttl, 259199);
    char ip[16];
    nbns_addr_str(ans.addr[0], ip);
    assert_string_equal(ip, "127.0.0.32");
    /* another transaction, another name, a request: not our answer */
    assert_int_equal(nbns_parse_answer(a, len, 0xc999, n, &ans), NT_ERROR_INVALID_DATA);
    uint8_t other[16];
    name16("NBONLYSRX", other);
    assert_int_equal(nbns_parse_answer(a, len, 0xc998, other, &ans), NT_ERROR_INVALID_DATA);
    a[2] &= 0x7f;
    assert_int_equal(nbns_parse_answer(a, len, 0xc998, n, &ans), NT_ERROR_INVALID_DATA);
    /* every truncation is rejected */
    len = test_unhex(NMBD_POSITIVE, a, sizeof(a));
    for (size_t k = 0; k < len; k++)
        assert_int_equal(nbns_parse_answer(a, k, 0xc998, n, &ans), NT_ERROR_INVALID_DATA);
    uint8_t neg[128];
    size_t nl = test_unhex(NMBD_NEGATIVE, neg, sizeof(neg));
    name16("NOSUCHNAME", n);
    assert_int_equal(nbns_parse_answer(neg, nl, 0x22bb, n, &ans), NT_ERROR_BAD_NETPATH);
    assert_int_equal(ans.rcode, 3);
}

/* A positive answer for `name` built by hand: header + RRs appended by the
 * caller.  Returns the header length (12). */
static size_t hdr(uint8_t *p, uint16_t trn, uint16_t an)
{
    memset(p, 0, 12);
    p[0] = (uint8_t)(trn >> 8);
    p[1] = (uint8_t)trn;
    p[2] = 0x85;
    p[3] = 0x80;
    p[7] = (uint8_t)an;
    return 12;
}

static size_t put_name(uint8_t *p, const uint8_t n[16])
{
    p[0] = 32;
    for (int i = 0; i < 16; i++) {
        p[1 + 2 * i] = (uint8_t)('A' + (n[i] >> 4));
        p[2 + 2 * i] = (uint8_t)('A' + (n[i] & 15));
    }
    p[33] = 0;
    return 34;
}

static size_t put_rr(uint8_t *p, uint16_t type, uint16_t rdlen)
{
    static const uint8_t ttl[4] = {0, 0, 0x0e, 0x10};
    p[0] = (uint8_t)(type >> 8);
    p[1] = (uint8_t)type;
    p[2] = 0;
    p[3] = 1;
    memcpy(p + 4, ttl, 4);
    p[8] = (uint8_t)(rdlen >> 8);
    p[9] = (uint8_t)rdlen;
    return 10;
}

static void test_parse_hostile(void **s)
{
    (void)s;
    uint8_t n[16], p[256];
    nbns_answer a;
    name16("SRV", n);
    size_t l = hdr(p, 7, 1);
    l += put_name(p + l, n);
    l += put_rr(p + l, 0x20, 12);
    static const uint8_t two[12] = {0x60, 0, 10, 0, 0, 1, 0, 0, 10, 0, 0, 2};
    memcpy(p + l, two, 12);
    size_t full = l + 12;
    assert_int_equal(nbns_parse_answer(p, full, 7, n, &a), NT_OK);
    assert_int_equal(a.naddr, 2);
    assert_int_equal(a.addr[1], 0x0a000002u);
    /* RDLENGTH beyond the datagram, not a multiple of 6, zero */
    assert_int_equal(nbns_parse_answer(p, full - 1, 7, n, &a), NT_ERROR_INVALID_DATA);
    p[l - 1] = 11;
    assert_int_equal(nbns_parse_answer(p, full, 7, n, &a), NT_ERROR_INVALID_DATA);
    p[l - 1] = 0;
    assert_int_equal(nbns_parse_answer(p, full, 7, n, &a), NT_ERROR_INVALID_DATA);
    p[l - 1] = 12;
    /* ANCOUNT beyond the data: the first record still answers; zero does not */
    p[7] = 9;
    assert_int_equal(nbns_parse_answer(p, full, 7, n, &a), NT_OK);
    p[6] = 0xff;
    assert_int_equal(nbns_parse_answer(p, full, 7, n, &a), NT_ERROR_INVALID_DATA);
    p[6] = 0;
    p[7] = 0;
    assert_int_equal(nbns_parse_answer(p, full, 7, n, &a), NT_ERROR_INVALID_DATA);
    p[7] = 1;
    /* QDCOUNT set, a bad label character, a reserved label type */
    p[5] = 1;
    assert_int_equal(nbns_parse_answer(p, full, 7, n, &a), NT_ERROR_INVALID_DATA);
    p[5] = 0;
    p[13] = 'Q';
    assert_int_equal(nbns_parse_answer(p, full, 7, n, &a), NT_ERROR_INVALID_DATA);
    p[13] = 'F';
    p[12] = 0x60;
    assert_int_equal(nbns_parse_answer(p, full, 7, n, &a), NT_ERROR_INVALID_DATA);
    p[12] = 32;
    /* only unusable addresses */
    memset(p + l, 0, 12);
    assert_int_equal(nbns_parse_answer(p, full, 7, n, &a), NT_ERROR_INVALID_DATA);
    assert_int_equal(nbns_parse_answer(NULL, 0, 7, n, &a), NT_ERROR_INVALID_DATA);
}

static void test_parse_pointers(void **s)
{
    (void)s;
    uint8_t n[16], p[256];
    nbns_answer a;
    name16("SRV", n);
    /* RR 1: our name, type NULL (skipped); RR 2: pointer back to it, NB */
    size_t l = hdr(p, 9, 2);
    l += put_name(p + l, n);
    l += put_rr(p + l, 0x0a, 0);
    size_t ptr_at = l;
    p[l++] = 0xC0;
    p[l++] = 12;
    l += put_rr(p + l, 0x20, 6);
    static const uint8_t one[6] = {0, 0, 192, 168, 1, 9};
    memcpy(p + l, one, 6);
    l += 6;
    assert_int_equal(nbns_parse_answer(p, l, 9, n, &a), NT_OK);
    assert_int_equal(a.addr[0], 0xc0a80109u);
    /* pointing at itself, forward, beyond the datagram */
    p[ptr_at + 1] = (uint8_t)ptr_at;
    assert_int_equal(nbns_parse_answer(p, l, 9, n, &a), NT_ERROR_INVALID_DATA);
    p[ptr_at + 1] = (uint8_t)(ptr_at + 2);
    assert_int_equal(nbns_parse_answer(p, l, 9, n, &a), NT_ERROR_INVALID_DATA);
    p[ptr_at] = 0xC3;
    assert_int_equal(nbns_parse_answer(p, l, 9, n, &a), NT_ERROR_INVALID_DATA);
    /* a chain of backward pointers longer than the jump limit: RR 1 (type
     * NULL) holds the real name and, in its data, 12 pointers each to the
     * one before; RR 2's name enters the chain at its end (13 jumps) */
    size_t m = hdr(p, 5, 2);
    m += put_name(p + m, n);
    m += put_rr(p + m, 0x0a, 24); /* the chain hides in this RR's data */
    size_t prev = 12;
    for (int i = 0; i < 12; i++) {
        p[m] = 0xC0;
        p[m + 1] = (uint8_t)prev;
        prev = m;
        m += 2;
    }
    p[m++] = 0xC0;
    p[m++] = (uint8_t)prev; /* RR 2 name: 13 jumps */
    m += put_rr(p + m, 0x20, 6);
    memcpy(p + m, one, 6);
    m += 6;
    assert_int_equal(nbns_parse_answer(p, m, 5, n, &a), NT_ERROR_INVALID_DATA);
}

static void test_addr_list(void **s)
{
    (void)s;
    uint32_t a[4];
    assert_int_equal(nbns_parse_addr_list("10.0.0.1, 10.0.0.2;bad 300.1.1.1 192.168.1.255", a, 4), 3);
    assert_int_equal(a[0], 0x0a000001u);
    assert_int_equal(a[2], 0xc0a801ffu);
    assert_int_equal(nbns_parse_addr_list("1.2.3.4 1.2.3.5 1.2.3.6", a, 2), 2);
    assert_int_equal(nbns_parse_addr_list("", a, 4), 0);
    assert_int_equal(nbns_parse_addr_list(NULL, a, 4), 0);
    assert_int_equal(nbns_parse_addr_list("1.2.3", a, 4), 0);
    assert_int_equal(nbns_parse_addr_list("0.0.0.0", a, 4), 0);
}

/* ---- resolver against a fake NBNS server --------------------------------- */

enum fake_mode { FAKE_POSITIVE, FAKE_NEGATIVE, FAKE_JUNK_THEN_POSITIVE, FAKE_SILENT, FAKE_SPOOF };

typedef struct fake {
    int fd, spoof_fd;
    uint16_t port;
    enum fake_mode mode;
    int queries;
    bool broadcast_flag;
} fake;

static int udp_on(const char *ip, uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port ? *port : 0);
    inet_pton(AF_INET, ip, &a.sin_addr);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    socklen_t al = sizeof(a);
    getsockname(fd, (struct sockaddr *)&a, &al);
    if (port)
        *port = ntohs(a.sin_port);
    return fd;
}

static void *fake_main(void *arg)
{
    fake *f = arg;
    uint8_t q[600], r[128];
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    ssize_t n = recvfrom(f->fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
    if (n != NBNS_QUERY_LEN)
        return NULL;
    f->queries++;
    f->broadcast_flag = (q[3] & 0x10) != 0;
    if (f->mode == FAKE_SILENT)
        return NULL;
    uint8_t n16[16];
    for (int i = 0; i < 16; i++)
        n16[i] = (uint8_t)(((q[13 + 2 * i] - 'A') << 4) | (q[14 + 2 * i] - 'A'));
    size_t l = hdr(r, (uint16_t)((q[0] << 8) | q[1]), 1);
    l += put_name(r + l, n16);
    l += put_rr(r + l, 0x20, 6);
    static const uint8_t addr[6] = {0x60, 0, 127, 0, 0, 77};
    memcpy(r + l, addr, 6);
    l += 6;
    if (f->mode == FAKE_NEGATIVE)
        r[3] = 0x83;
    if (f->mode == FAKE_JUNK_THEN_POSITIVE) {
        static const uint8_t junk[5] = {1, 2, 3, 4, 5};
        sendto(f->fd, junk, sizeof(junk), 0, (struct sockaddr *)&from, fl);
        r[0] ^= 1; /* wrong transaction id */
        sendto(f->fd, r, l, 0, (struct sockaddr *)&from, fl);
        r[0] ^= 1;
    }
    int out = f->mode == FAKE_SPOOF ? f->spoof_fd : f->fd;
    sendto(out, r, l, 0, (struct sockaddr *)&from, fl);
    return NULL;
}

static uint32_t run_fake(enum fake_mode mode, uint32_t budget_ms, uint32_t *addr, uint64_t *elapsed, fake *f)
{
    memset(f, 0, sizeof(*f));
    f->mode = mode;
    f->fd = udp_on("127.0.0.1", &f->port);
    f->spoof_fd = udp_on("127.0.0.2", NULL);
    pthread_t th;
    pthread_create(&th, NULL, fake_main, f);
    uint32_t wins = 0x7f000001u;
    uint64_t t0 = nt_now_ms();
    uint32_t st = nbns_resolve_with("server1", t0 + budget_ms, &wins, 1, NULL, 0, f->port, addr);
    *elapsed = nt_now_ms() - t0;
    shutdown(f->fd, SHUT_RDWR);
    pthread_join(th, NULL);
    close(f->fd);
    close(f->spoof_fd);
    return st;
}

static void test_resolve_fake(void **s)
{
    (void)s;
    fake f;
    uint32_t addr = 0;
    uint64_t ms;
    assert_int_equal(run_fake(FAKE_POSITIVE, 3000, &addr, &ms, &f), NT_OK);
    assert_int_equal(addr, 0x7f00004du);
    assert_false(f.broadcast_flag);
    assert_int_equal(run_fake(FAKE_JUNK_THEN_POSITIVE, 3000, &addr, &ms, &f), NT_OK);
    assert_int_equal(addr, 0x7f00004du);
    /* a WINS "no such name" ends the search at once */
    assert_int_equal(run_fake(FAKE_NEGATIVE, 3000, &addr, &ms, &f), NT_ERROR_BAD_NETPATH);
    assert_true(ms < 1000);
    /* silence and an answer from another address: bounded by the deadline */
    assert_int_equal(run_fake(FAKE_SILENT, 700, &addr, &ms, &f), NT_ERROR_BAD_NETPATH);
    assert_true(ms >= 650 && ms < 1500);
    assert_int_equal(run_fake(FAKE_SPOOF, 700, &addr, &ms, &f), NT_ERROR_BAD_NETPATH);
    assert_true(ms < 1500);
}

static void test_resolve_broadcast_path(void **s)
{
    (void)s;
    fake f;
    memset(&f, 0, sizeof(f));
    f.mode = FAKE_SPOOF; /* broadcast answers may come from anyone */
    f.fd = udp_on("127.0.0.1", &f.port);
    f.spoof_fd = udp_on("127.0.0.2", NULL);
    pthread_t th;
    pthread_create(&th, NULL, fake_main, &f);
    uint32_t bc = 0x7f000001u, addr = 0;
    assert_int_equal(nbns_resolve_with("server1", nt_now_ms() + 3000, NULL, 0, &bc, 1, f.port, &addr), NT_OK);
    pthread_join(th, NULL);
    close(f.fd);
    close(f.spoof_fd);
    assert_true(f.broadcast_flag);
    assert_int_equal(addr, 0x7f00004du);
    /* nothing configured, or not a NetBIOS name: no query at all */
    assert_int_equal(nbns_resolve_with("server1", nt_now_ms() + 3000, NULL, 0, NULL, 0, 137, &addr),
                     NT_ERROR_BAD_NETPATH);
    assert_int_equal(nbns_resolve_with("a.b", nt_now_ms() + 3000, &bc, 1, NULL, 0, 137, &addr),
                     NT_ERROR_BAD_NETPATH);
}

static void test_config_env(void **s)
{
    (void)s;
    uint32_t a[8];
    setenv("NETAPI32_WINS", "10.1.2.3,10.1.2.4", 1);
    assert_int_equal(nbns_cfg_wins(a, 8), 2);
    assert_int_equal(a[1], 0x0a010204u);
    unsetenv("NETAPI32_WINS");
    assert_int_equal(nbns_cfg_wins(a, 8), 0);
    setenv("NETAPI32_NBNS_BROADCAST", "0", 1);
    assert_int_equal(nbns_cfg_broadcast(a, 8), 0);
    setenv("NETAPI32_NBNS_BROADCAST", "192.168.7.255", 1);
    assert_int_equal(nbns_cfg_broadcast(a, 8), 1);
    assert_int_equal(a[0], 0xc0a807ffu);
    unsetenv("NETAPI32_NBNS_BROADCAST");
    assert_true(nbns_cfg_broadcast(a, 8) <= 8); /* auto: whatever interfaces exist */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),         cmocka_unit_test(test_encode_rfc),
        cmocka_unit_test(test_encode_matches_nmbd), cmocka_unit_test(test_parse_nmbd),
        cmocka_unit_test(test_parse_hostile), cmocka_unit_test(test_parse_pointers),
        cmocka_unit_test(test_addr_list),     cmocka_unit_test(test_resolve_fake),
        cmocka_unit_test(test_resolve_broadcast_path), cmocka_unit_test(test_config_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
