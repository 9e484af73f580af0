/*
 * One deadline per API call (issue 7, item 2), natively and in bounded time:
 * a server on 127.0.0.2 (an ephemeral port, NETAPI32_SMB_PORT) accepts and
 * never answers.  With NETAPI32_TIMEOUT_MS=600:
 *  - one NetSessionEnum ends with ERROR_SEM_TIMEOUT after about 600 ms;
 *  - two threads calling at once on the same server share one cached
 *    connection entry and its lock: the second does not wait for the first
 *    call and then start its own timeout (1200 ms); whether it waited on the
 *    (timed) lock or not, it ends by its own deadline with
 *    ERROR_SEM_TIMEOUT.  (The lock's own give-up is tested on nt_tlock in
 *    test_smb2_session.c.)
 * Runs under tools/isolate.sh with the rest of the suite (tests/run_all.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
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

#include "api/api.h"

#define TIMEOUT_MS 600u
#define MARGIN_MS 400u

static int g_lfd = -1;
static volatile int g_stop;

/* Accepts connections and keeps them open without a word. */
static void *silent_server(void *arg)
{
    (void)arg;
    int conns[16];
    int n = 0;
    while (!g_stop) {
        int c = accept(g_lfd, NULL, NULL);
        if (c < 0)
            break;
        if (n < 16)
            conns[n++] = c;
        else
            close(c);
    }
    for (int i = 0; i < n; i++)
        close(conns[i]);
    return NULL;
}

static pthread_t g_srv;

static int setup(void **state)
{
    (void)state;
    g_lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (g_lfd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = 0;
    inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
    socklen_t al = sizeof a;
    if (bind(g_lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(g_lfd, 16) != 0 ||
        getsockname(g_lfd, (struct sockaddr *)&a, &al) != 0)
        return -1;
    char port[16];
    snprintf(port, sizeof port, "%u", (unsigned)ntohs(a.sin_port));
    setenv("NETAPI32_SMB_PORT", port, 1);
    snprintf(port, sizeof port, "%u", TIMEOUT_MS);
    setenv("NETAPI32_TIMEOUT_MS", port, 1);
    unsetenv("NETAPI32_USER");
    unsetenv("NETAPI32_PASSWORD");
    unsetenv("NETAPI32_AUTH_FILE");
    return pthread_create(&g_srv, NULL, silent_server, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    g_stop = 1;
    shutdown(g_lfd, SHUT_RDWR);
    close(g_lfd);
    pthread_join(g_srv, NULL);
    api_cache_shutdown();
    return 0;
}

typedef struct call {
    uint32_t st;
    uint64_t ms;
} call;

static void *enum_call(void *arg)
{
    call *c = arg;
    nt_wchar *srv = nt_utf8_to_utf16("127.0.0.2", NULL);
    uint8_t *buf = NULL;
    uint32_t read = 0, total = 0;
    uint64_t t0 = nt_now_ms();
    c->st = api_session_enum(srv, NULL, NULL, 10, &buf, NT_MAX_PREFERRED_LENGTH, &read, &total, NULL);
    c->ms = nt_now_ms() - t0;
    free(srv);
    if (buf)
        nt_block_free(buf);
    return NULL;
}

static void one_call_bounded(void **state)
{
    (void)state;
    call c;
    enum_call(&c);
    assert_int_equal(c.st, NT_ERROR_SEM_TIMEOUT);
    assert_true(c.ms >= TIMEOUT_MS - 50 && c.ms < TIMEOUT_MS + MARGIN_MS);
}

static void waiter_gives_up_at_its_deadline(void **state)
{
    (void)state;
    pthread_t th[2];
    call c[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, enum_call, &c[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(c[i].st, NT_ERROR_SEM_TIMEOUT);
        assert_true(c[i].ms < TIMEOUT_MS + MARGIN_MS);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_call_bounded),
        cmocka_unit_test(waiter_gives_up_at_its_deadline),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
