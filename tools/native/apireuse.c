/* Connection reuse, dead-connection replacement and thread safety of the API
 * layer against a real server (driven by tests/native/api_samba.sh).
 *   apireuse SERVER
 * 1. two enumerations share one connection;
 * 2. prints "KILL" and waits for a line on stdin: meanwhile the script kills
 *    the server process serving us; the next enumeration must succeed on a
 *    new connection, transparently;
 * 3. 4 threads x 25 enumerations at once: all succeed, no new connection.
 * Prints PASS:/FAIL: lines. */
#include "api/api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static nt_wchar *g_server;

static uint32_t enum_once(uint32_t level, uint32_t *n)
{
    uint8_t *buf = NULL;
    uint32_t er = 0, te = 0, rh = 0;
    uint32_t st = api_session_enum(g_server, NULL, NULL, level, &buf, 0xFFFFFFFFu, &er, &te, &rh);
    nt_block_free(buf);
    if (n)
        *n = er;
    return st;
}

static void check(const char *name, bool ok, const char *fmt, unsigned a, unsigned b)
{
    if (ok) {
        printf("PASS: %s\n", name);
    } else {
        printf("FAIL: %s: ", name);
        printf(fmt, a, b);
        printf("\n");
    }
    fflush(stdout);
}

static void *worker(void *arg)
{
    unsigned *fails = arg;
    for (int i = 0; i < 25; i++) {
        uint32_t n = 0;
        uint32_t st = enum_once(i % 2 ? 10 : 1, &n);
        if (st != 0 || n == 0)
            __atomic_add_fetch(fails, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: apireuse SERVER\n");
        return 2;
    }
    g_server = nt_utf8_to_utf16(argv[1], NULL);
    uint32_t n1 = 0, n2 = 0;
    uint32_t s1 = enum_once(1, &n1), s2 = enum_once(10, &n2);
    check("api.reuse.first_calls", s1 == 0 && s2 == 0 && n1 > 0 && n2 > 0, "status %u/%u", s1, s2);
    check("api.reuse.one_connection", api_connect_count() == 1, "%u connections for 2 calls%u",
          api_connect_count(), 0);

    printf("KILL\n");
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof(line), stdin))
        return 1;
    uint32_t n3 = 0;
    uint32_t s3 = enum_once(1, &n3);
    check("api.dead_connection.replaced", s3 == 0 && n3 > 0, "status %u, %u entries", s3, n3);
    check("api.dead_connection.reconnected_once", api_connect_count() == 2, "%u connections%u",
          api_connect_count(), 0);

    pthread_t t[4];
    unsigned fails = 0;
    uint32_t before = api_connect_count();
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, &fails);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    check("api.threads.all_succeed", fails == 0, "%u of 100 calls failed%u", fails, 0);
    check("api.threads.shared_connection", api_connect_count() == before, "%u new connections%u",
          api_connect_count() - before, 0);
    api_cache_shutdown();
    api_snapshots_clear();
    free(g_server);
    return 0;
}
