/*
 * net layer tests against local loopback sockets (no external network):
 * connect/send/recv, EOF and reset mapping, receive timeout, connection
 * refused, unresolvable name, net_is_dead.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net.h"

/* A listening socket on 127.0.0.1 with an ephemeral port. */
static int listen_any(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 4), 0);
    socklen_t l = sizeof(a);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void connect_pair(net_conn **c, int *srv, int *lfd)
{
    uint16_t port;
    *lfd = listen_any(&port);
    assert_int_equal(net_connect("127.0.0.1", port, 2000, c), NT_OK);
    *srv = accept(*lfd, NULL, NULL);
    assert_true(*srv >= 0);
}

static void test_send_recv(void **s)
{
    (void)s;
    net_conn *c;
    int srv, lfd;
    connect_pair(&c, &srv, &lfd);
    assert_false(net_is_dead(c));
    assert_int_equal(net_send_all(c, "hello", 5, 1000), NT_OK);
    char b[8] = { 0 };
    assert_int_equal(recv(srv, b, 5, MSG_WAITALL), 5);
    assert_memory_equal(b, "hello", 5);
    /* receive exactly len bytes even when they arrive in pieces */
    assert_int_equal(send(srv, "ab", 2, 0), 2);
    assert_int_equal(send(srv, "cd", 2, 0), 2);
    memset(b, 0, sizeof(b));
    assert_int_equal(net_recv_all(c, b, 4, 1000), NT_OK);
    assert_memory_equal(b, "abcd", 4);
    net_close(c);
    close(srv);
    close(lfd);
}

static void test_large_transfer(void **s)
{
    (void)s;
    net_conn *c;
    int srv, lfd;
    connect_pair(&c, &srv, &lfd);
    static uint8_t big[1 << 20], got[1 << 20];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7);
    /* server echoes in the background via a child process */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        static uint8_t tmp[65536];
        size_t total = 0;
        while (total < sizeof(big)) {
            ssize_t n = recv(srv, tmp, sizeof(tmp), 0);
            if (n <= 0)
                _exit(1);
            if (send(srv, tmp, (size_t)n, 0) != n)
                _exit(1);
            total += (size_t)n;
        }
        _exit(0);
    }
    /* send in chunks and read back as we go so neither side blocks forever */
    size_t off = 0, roff = 0;
    while (roff < sizeof(big)) {
        if (off < sizeof(big)) {
            assert_int_equal(net_send_all(c, big + off, 65536, 5000), NT_OK);
            off += 65536;
        }
        assert_int_equal(net_recv_all(c, got + roff, 65536, 5000), NT_OK);
        roff += 65536;
    }
    assert_memory_equal(big, got, sizeof(big));
    net_close(c);
    close(srv);
    close(lfd);
}

static void test_eof_is_netname_deleted(void **s)
{
    (void)s;
    net_conn *c;
    int srv, lfd;
    connect_pair(&c, &srv, &lfd);
    assert_int_equal(send(srv, "x", 1, 0), 1);
    close(srv);
    char b[4];
    assert_int_equal(net_recv_all(c, b, 1, 1000), NT_OK);
    assert_int_equal(net_recv_all(c, b, 1, 1000), NT_ERROR_NETNAME_DELETED);
    assert_true(net_is_dead(c));
    net_close(c);
    close(lfd);
}

static void test_reset_is_netname_deleted(void **s)
{
    (void)s;
    net_conn *c;
    int srv, lfd;
    connect_pair(&c, &srv, &lfd);
    struct linger lg = { 1, 0 }; /* close() sends RST */
    setsockopt(srv, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    close(srv);
    usleep(50000);
    assert_true(net_is_dead(c));
    char b[4];
    assert_int_equal(net_recv_all(c, b, 1, 1000), NT_ERROR_NETNAME_DELETED);
    /* sending on a reset socket: no SIGPIPE, a clean error */
    uint32_t st = net_send_all(c, "abc", 3, 1000);
    assert_int_equal(st, NT_ERROR_NETNAME_DELETED);
    net_close(c);
    close(lfd);
}

static void test_send_after_peer_close_no_sigpipe(void **s)
{
    (void)s;
    net_conn *c;
    int srv, lfd;
    connect_pair(&c, &srv, &lfd);
    close(srv);
    usleep(50000);
    static uint8_t buf[1 << 16];
    uint32_t st = NT_OK;
    for (int i = 0; i < 50 && st == NT_OK; i++)
        st = net_send_all(c, buf, sizeof(buf), 1000);
    assert_int_equal(st, NT_ERROR_NETNAME_DELETED); /* and we are still alive */
    net_close(c);
    close(lfd);
}

static void test_recv_timeout(void **s)
{
    (void)s;
    net_conn *c;
    int srv, lfd;
    connect_pair(&c, &srv, &lfd);
    char b[4];
    uint64_t t0 = nt_now_ms();
    assert_int_equal(net_recv_all(c, b, 4, 200), NT_ERROR_SEM_TIMEOUT);
    uint64_t el = nt_now_ms() - t0;
    assert_true(el >= 150 && el < 2000);
    net_close(c);
    close(srv);
    close(lfd);
}

static void test_unsolicited_data_is_dead(void **s)
{
    (void)s;
    net_conn *c;
    int srv, lfd;
    connect_pair(&c, &srv, &lfd);
    assert_false(net_is_dead(c));
    assert_int_equal(send(srv, "z", 1, 0), 1);
    usleep(50000);
    assert_true(net_is_dead(c));
    /* the peeked byte is still there */
    char b;
    assert_int_equal(net_recv_all(c, &b, 1, 100), NT_OK);
    assert_int_equal(b, 'z');
    net_close(c);
    close(srv);
    close(lfd);
}

static void test_refused(void **s)
{
    (void)s;
    uint16_t port;
    int lfd = listen_any(&port);
    close(lfd); /* nothing listens there now */
    net_conn *c = (net_conn *)1;
    assert_int_equal(net_connect("127.0.0.1", port, 2000, &c), NT_ERROR_CONNECTION_REFUSED);
    assert_null(c);
}

static void test_unresolvable(void **s)
{
    (void)s;
    net_conn *c = (net_conn *)1;
    assert_int_equal(net_connect("no-such-host.invalid", 445, 2000, &c), NT_ERROR_BAD_NETPATH);
    assert_null(c);
    assert_int_equal(net_connect("", 445, 2000, &c), NT_ERROR_BAD_NETPATH);
    assert_int_equal(net_connect(NULL, 445, 2000, &c), NT_ERROR_BAD_NETPATH);
}

static void test_ipv6_loopback(void **s)
{
    (void)s;
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0) {
        skip();
    }
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        skip();
    }
    assert_int_equal(listen(fd, 1), 0);
    socklen_t l = sizeof(a);
    getsockname(fd, (struct sockaddr *)&a, &l);
    net_conn *c;
    assert_int_equal(net_connect("::1", ntohs(a.sin6_port), 2000, &c), NT_OK);
    net_close(c);
    close(fd);
}

static void test_null_conn(void **s)
{
    (void)s;
    char b[1];
    assert_true(net_is_dead(NULL));
    assert_int_equal(net_send_all(NULL, b, 1, 10), NT_ERROR_NETNAME_DELETED);
    assert_int_equal(net_recv_all(NULL, b, 1, 10), NT_ERROR_NETNAME_DELETED);
    net_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_send_recv),
        cmocka_unit_test(test_large_transfer),
        cmocka_unit_test(test_eof_is_netname_deleted),
        cmocka_unit_test(test_reset_is_netname_deleted),
        cmocka_unit_test(test_send_after_peer_close_no_sigpipe),
        cmocka_unit_test(test_recv_timeout),
        cmocka_unit_test(test_unsolicited_data_is_dead),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_unresolvable),
        cmocka_unit_test(test_ipv6_loopback),
        cmocka_unit_test(test_null_conn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
