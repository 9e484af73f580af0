/*
 * bench/enum_win.c -- the DLL as a Windows program sees it: NetSessionEnum
 * under Wine, built with MinGW against MinGW's own netapi32 import library
 * (so it runs whatever netapi32.dll the prefix has: ours, installed by
 * bench/run.sh into a fresh prefix).
 *
 *   enum_win.exe loop SERVER N [LEVEL]
 *       one cold call (connect+auth+bind+enum in this process), then N warm
 *       calls on the cached connection.  Lines:
 *         call I us=MICROSECONDS entries=E bytes=B status=S
 *         cpu warm_calls=N us_per_call=C
 *         mem base_peak_ws=KiB peak_ws=KiB peak_pagefile=KiB block=BYTES
 *       (the lines are printed after the last call, so that printing does
 *       not run between the calls; cpu: user+kernel time of this process
 *       over the warm calls, GetProcessTimes, per call)
 *       (block: the largest NetApiBuffer block returned, by NetApiBufferSize;
 *       base_peak_ws: the peak working set before the first call)
 *   enum_win.exe threads T N SERVER [SERVER...]
 *       T threads, thread t calling
 *       NetSessionEnum max(5, N/10) times (warm-up, not timed) and then N
 *       times (timed) on SERVER[t % count].  Line:
 *         threads T servers S calls C ms MS calls_per_s X errors E cpu_ms P
 *       (P: user+kernel time of this process while the threads ran)
 *   With BENCH_SYNC=PATH (a Windows path) both print "begin" before the
 *   measured calls (the warm calls; the threads) and wait until PATH exists,
 *   and print "end" after them and wait 500 ms before going on: the script
 *   samples other processes' CPU (wineserver, smbd) exactly around them.
 */
#include <windows.h>
#include <lm.h>
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "bench_clock.h"

static void sync_mark(int begin)
{
    const char *go = getenv("BENCH_SYNC");
    if (!go)
        return;
    if (!begin) {
        printf("end\n");
        Sleep(500);
        return;
    }
    Sleep(300); /* let the process start-up work settle */
    printf("begin\n");
    for (int i = 0; i < 30000 && GetFileAttributesA(go) == INVALID_FILE_ATTRIBUTES; i++)
        Sleep(1);
}

/* One NetSessionEnum at LEVEL, all entries; returns the status. */
static DWORD enum_once(const wchar_t *srv, DWORD level, DWORD *entries, DWORD *bytes)
{
    LPBYTE buf = NULL;
    DWORD read = 0, total = 0, resume = 0;
    NET_API_STATUS st = NetSessionEnum((LPWSTR)srv, NULL, NULL, level, &buf, MAX_PREFERRED_LENGTH, &read,
                                       &total, &resume);
    *entries = read;
    *bytes = 0;
    if (buf) {
        NetApiBufferSize(buf, bytes);
        NetApiBufferFree(buf);
    }
    return st;
}

static wchar_t *widen(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = n > 0 ? malloc((size_t)n * sizeof(wchar_t)) : NULL;
    if (w)
        MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

typedef struct call_rec {
    double us;
    DWORD entries, bytes, st;
} call_rec;

static int run_loop(const wchar_t *srv, unsigned n, DWORD level)
{
    PROCESS_MEMORY_COUNTERS pm0, pm;
    DWORD maxblock = 0;
    int bad = 0;
    double c0 = 0;
    call_rec *rec = calloc((size_t)n + 1, sizeof(*rec));
    if (!rec)
        return 3;

    GetProcessMemoryInfo(GetCurrentProcess(), &pm0, sizeof(pm0));
    for (unsigned i = 0; i <= n; i++) {
        if (i == 1) {
            sync_mark(1);
            c0 = cpu_us();
        }
        double t0 = now_us();
        rec[i].st = enum_once(srv, level, &rec[i].entries, &rec[i].bytes);
        rec[i].us = now_us() - t0;
    }
    double c1 = cpu_us();
    if (n)
        sync_mark(0);
    GetProcessMemoryInfo(GetCurrentProcess(), &pm, sizeof(pm));
    for (unsigned i = 0; i <= n; i++) {
        printf("call %u us=%.0f entries=%lu bytes=%lu status=%lu\n", i, rec[i].us, (unsigned long)rec[i].entries,
               (unsigned long)rec[i].bytes, (unsigned long)rec[i].st);
        if (rec[i].st != NERR_Success)
            bad = 1;
        if (rec[i].bytes > maxblock)
            maxblock = rec[i].bytes;
    }
    free(rec);
    if (n)
        printf("cpu warm_calls=%u us_per_call=%.1f\n", n, (c1 - c0) / n);
    printf("mem base_peak_ws=%lu peak_ws=%lu peak_pagefile=%lu block=%lu\n",
           (unsigned long)(pm0.PeakWorkingSetSize / 1024), (unsigned long)(pm.PeakWorkingSetSize / 1024),
           (unsigned long)(pm.PeakPagefileUsage / 1024), (unsigned long)maxblock);
    return bad;
}

typedef struct job {
    const wchar_t *srv;
    unsigned n;
    LONG errors;
} job;

static DWORD WINAPI worker(LPVOID p)
{
    job *j = p;
    for (unsigned i = 0; i < j->n; i++) {
        DWORD entries, bytes;
        if (enum_once(j->srv, 1, &entries, &bytes) != NERR_Success)
            j->errors++;
    }
    return 0;
}

/* T threads, thread t calling NetSessionEnum n times on srv[t % nsrv];
 * returns false when a thread could not start; errors are added up. */
static BOOL run_jobs(unsigned t, unsigned n, wchar_t **srv, int nsrv, LONG *errors)
{
    HANDLE th[64];
    job jobs[64];
    unsigned started = 0;

    for (unsigned i = 0; i < t; i++) {
        jobs[i].srv = srv[i % (unsigned)nsrv];
        jobs[i].n = n;
        jobs[i].errors = 0;
        th[i] = CreateThread(NULL, 0, worker, &jobs[i], 0, NULL);
        if (!th[i])
            break;
        started++;
    }
    if (started)
        WaitForMultipleObjects(started, th, TRUE, INFINITE);
    for (unsigned i = 0; i < started; i++) {
        CloseHandle(th[i]);
        *errors += jobs[i].errors;
    }
    return started == t;
}

static int run_threads(unsigned t, unsigned n, wchar_t **srv, int nsrv)
{
    LONG errors = 0, warm_errors = 0;

    if (t < 1 || t > 64)
        return 2;
    /* Warm-up, not timed: every thread makes a few calls first, so that the
     * connections a pool opens under contention (and the server processes
     * that serve them) exist before the measured calls: the figure is warm
     * calls/s, as for one thread. */
    if (!run_jobs(t, n / 10 > 5 ? n / 10 : 5, srv, nsrv, &warm_errors))
        return 3;
    sync_mark(1);
    double c0 = cpu_us(), t0 = now_us();
    BOOL all = run_jobs(t, n, srv, nsrv, &errors);
    double ms = (now_us() - t0) / 1000.0, cpu_ms = (cpu_us() - c0) / 1000.0;
    sync_mark(0);
    if (!all)
        return 3;
    printf("threads %u servers %d calls %u ms %.1f calls_per_s %.1f errors %ld cpu_ms %.1f\n", t, nsrv, t * n, ms,
           t * n * 1000.0 / ms, (long)(errors + warm_errors), cpu_ms);
    return errors || warm_errors ? 1 : 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc >= 4 && !strcmp(argv[1], "loop")) {
        wchar_t *srv = widen(argv[2]);
        return srv ? run_loop(srv, (unsigned)strtoul(argv[3], NULL, 0),
                              argc > 4 ? (DWORD)strtoul(argv[4], NULL, 0) : 1) : 3;
    }
    if (argc >= 5 && !strcmp(argv[1], "threads")) {
        wchar_t *srv[16];
        int nsrv = 0;
        for (int i = 4; i < argc && nsrv < 16; i++)
            if (!(srv[nsrv++] = widen(argv[i])))
                return 3;
        return run_threads((unsigned)strtoul(argv[2], NULL, 0), (unsigned)strtoul(argv[3], NULL, 0), srv, nsrv);
    }
    fprintf(stderr, "usage: enum_win loop SERVER N [LEVEL] | threads T N SERVER [SERVER...]\n");
    return 2;
}
