/*
 * Multi-thread stress of the native core for ThreadSanitizer
 * (tests/native/tsan.sh): T threads each make N NetSessionEnum calls through
 * the API layer against one server, alternating levels 1 and 10, so that the
 * connection cache, its per-server pool of connections, the credential
 * memory and the SMB2/DCE-RPC layers under them run concurrently.  Then the
 * cache is shut down (every connection freed) and one more call made.
 *
 *   tsan_stress SERVER THREADS CALLS
 *
 * Prints "calls=C failures=F connections=K" and exits 0 when every call
 * succeeded with at least one entry.
 */
#include "api/api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static nt_wchar *g_server;
static unsigned g_calls;

static uint32_t enum_once(uint32_t level, uint32_t *n)
{
    uint8_t *buf = NULL;
    uint32_t total = 0, rh = 0;
    *n = 0;
    uint32_t st = api_session_enum(g_server, NULL, NULL, level, &buf, NT_MAX_PREFERRED_LENGTH, n, &total, &rh);
    nt_block_free(buf);
    return st;
}

static void *worker(void *arg)
{
    unsigned *fails = arg;
    for (unsigned i = 0; i < g_calls; i++) {
        uint32_t n = 0;
        if (enum_once(i % 2 ? 10 : 1, &n) != 0 || n == 0)
            __atomic_add_fetch(fails, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: tsan_stress SERVER THREADS CALLS\n");
        return 2;
    }
    g_server = nt_utf8_to_utf16(argv[1], NULL);
    unsigned nt = (unsigned)strtoul(argv[2], NULL, 10);
    g_calls = (unsigned)strtoul(argv[3], NULL, 10);
    if (!g_server || nt == 0 || nt > 64)
        return 2;
    pthread_t th[64];
    unsigned fails = 0;
    for (unsigned i = 0; i < nt; i++)
        if (pthread_create(&th[i], NULL, worker, &fails) != 0)
            return 2;
    for (unsigned i = 0; i < nt; i++)
        pthread_join(th[i], NULL);
    unsigned conns = api_connect_count(), together = api_shared_max();
    api_cache_shutdown();
    uint32_t n = 0;
    if (enum_once(1, &n) != 0 || n == 0)
        fails++;
    api_cache_shutdown();
    printf("calls=%u failures=%u connections=%u most_calls_on_one_connection=%u\n", nt * g_calls + 1, fails, conns,
           together);
    free(g_server);
    return fails ? 1 : 0;
}
