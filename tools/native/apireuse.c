/* Connection reuse, dead-connection replacement and thread safety of the API
 * layer against a real server (driven by tests/native/api_samba.sh).
 *   apireuse SERVER
 * 1. two enumerations share one connection;
 * 2. prints "KILL" and waits for a line on stdin: meanwhile the script kills
 *    the server process serving us; the next enumeration must succeed on a
 *    new connection, transparently;
 * 3. 4 threads x 25 enumerations at once: all succeed, no new connection,
 *    and the one connection carried several calls at once (each on its own
 *    pipe: NETAPI32_MAX_CALLS, default 4);
 * 4. 8 threads x 40 enumerations; after the first 40 calls it prints "KILL"
 *    again and the script kills the server process under them: every call
 *    succeeds (an enumeration is repeated on the new connection) and the
 *    dead connection is replaced once, not by every thread.
 * Prints PASS:/FAIL: lines. */
#include "api/api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static unsigned g_done; /* calls finished by the workers (atomic) */
static unsigned g_calls = 25;
static bool g_until_stop; /* phase 4: call until g_stop (atomic) */
static bool g_stop;

static void *worker(void *arg)
{
    unsigned *fails = arg;
    for (unsigned i = 0; g_until_stop ? !__atomic_load_n(&g_stop, __ATOMIC_SEQ_CST) : i < g_calls; i++) {
        uint32_t n = 0;
        uint32_t st = enum_once(i % 2 ? 10 : 1, &n);
        if (st != 0 || n == 0) {
            __atomic_add_fetch(fails, 1, __ATOMIC_SEQ_CST);
            fprintf(stderr, "apireuse: call failed: status %u, %u entries\n", (unsigned)st, (unsigned)n);
        }
        __atomic_add_fetch(&g_done, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

static void wait_calls(unsigned n)
{
    unsigned until = __atomic_load_n(&g_done, __ATOMIC_SEQ_CST) + n;
    for (int i = 0; i < 15000 && __atomic_load_n(&g_done, __ATOMIC_SEQ_CST) < until; i++)
        nanosleep(&(struct timespec){0, 2000000}, NULL);
}

/* Phase 4: the connection killed while 8 threads call (they go on until
 * 40 calls after the kill). */
static void kill_under_threads(void)
{
    pthread_t t[8];
    unsigned fails = 0;
    uint32_t before = api_connect_count();
    g_until_stop = true;
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, worker, &fails);
    wait_calls(40);
    printf("KILL\n");
    fflush(stdout);
    char line[64];
    bool killed = fgets(line, sizeof(line), stdin) != NULL;
    wait_calls(40);
    __atomic_store_n(&g_stop, true, __ATOMIC_SEQ_CST);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    unsigned done = __atomic_load_n(&g_done, __ATOMIC_SEQ_CST);
    check("api.threads.killed_under_threads.all_succeed", killed && fails == 0, "%u of %u calls failed", fails,
          done);
    check("api.threads.killed_under_threads.replaced_once", api_connect_count() == before + 1,
          "%u new connections for one killed%u", api_connect_count() - before, 0);
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
    check("api.threads.calls_in_flight_together", api_shared_max() >= 2,
          "at most %u call(s) at once on the connection%u", api_shared_max(), 0);
    kill_under_threads();
    api_cache_shutdown();
    api_snapshots_clear();
    free(g_server);
    return 0;
}
