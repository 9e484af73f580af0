/*
 * bench/enum_loop.c -- NetSessionEnum N times in one process through the
 * portable API layer (the code the DLL runs), reusing the cached connection.
 *
 *   enum_loop SERVER N [LEVEL]      credentials from NETAPI32_USER/_PASSWORD
 *
 * Prints one line per call, "call I us=MICROSECONDS round_trips=R
 * requests=Q entries=E wait_us=W" (W: the time the call spent inside
 * net_recv_all, i.e. waiting for the server's answers; the rest of the call
 * is client work), then "cpu warm_calls=N us_per_call=C" (user+system
 * time of this process over calls 1..N-1, getrusage) and "status=0" when every
 * call succeeded.  The
 * program is linked with -Wl,--wrap=net_send_all,--wrap=net_recv_all:
 * requests are frames sent (the SMB2 layer sends exactly one frame per
 * request, smb2_conn.c send_frame), round trips are the sends that follow a
 * receive (or start the call): requests sent together before waiting for an
 * answer (READs sent ahead) are one round trip.
 */
#include "api/api.h"
#include "net/net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"

static uint32_t g_sends, g_trips;
static int g_sending;         /* the last I/O was a send */
static double g_wait;         /* this call's time inside net_recv_all, us */

uint32_t __real_net_recv_all(net_conn *c, void *buf, size_t len, uint32_t timeout_ms);
uint32_t __wrap_net_recv_all(net_conn *c, void *buf, size_t len, uint32_t timeout_ms);
uint32_t __wrap_net_recv_all(net_conn *c, void *buf, size_t len, uint32_t timeout_ms)
{
    double t0 = now_us();
    g_sending = 0;
    uint32_t st = __real_net_recv_all(c, buf, len, timeout_ms);
    g_wait += now_us() - t0;
    return st;
}

uint32_t __real_net_send_all(net_conn *c, const void *buf, size_t len, uint32_t timeout_ms);
uint32_t __wrap_net_send_all(net_conn *c, const void *buf, size_t len, uint32_t timeout_ms);
uint32_t __wrap_net_send_all(net_conn *c, const void *buf, size_t len, uint32_t timeout_ms)
{
    g_sends++;
    if (!g_sending)
        g_trips++;
    g_sending = 1;
    return __real_net_send_all(c, buf, len, timeout_ms);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: enum_loop SERVER N [LEVEL]\n");
        return 2;
    }
    nt_wchar *server = nt_utf8_to_utf16(argv[1], NULL);
    uint32_t n = (uint32_t)strtoul(argv[2], NULL, 0);
    uint32_t level = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 1;
    uint32_t bad = 0;
    double c0 = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i == 1)
            c0 = cpu_us();
        uint8_t *buf = NULL;
        uint32_t got = 0, total = 0, rh = 0, s0 = g_sends, r0 = g_trips;
        g_sending = 0;
        g_wait = 0;
        double t0 = now_us();
        uint32_t st = api_session_enum(server, NULL, NULL, level, &buf, NT_MAX_PREFERRED_LENGTH, &got, &total, &rh);
        double t1 = now_us();
        nt_block_free(buf);
        printf("call %u us=%llu round_trips=%u requests=%u entries=%u wait_us=%llu\n", (unsigned)i,
               (unsigned long long)(t1 - t0), (unsigned)(g_trips - r0), (unsigned)(g_sends - s0), (unsigned)got,
               (unsigned long long)g_wait);
        if (st != 0) {
            fprintf(stderr, "call %u: status %u\n", (unsigned)i, (unsigned)st);
            bad = st;
            break;
        }
    }
    if (n > 1 && !bad)
        printf("cpu warm_calls=%u us_per_call=%.1f\n", (unsigned)(n - 1), (cpu_us() - c0) / (n - 1));
    api_cache_shutdown();
    api_snapshots_clear();
    free(server);
    printf("status=%u\n", (unsigned)bad);
    return bad ? 1 : 0;
}
