/* bench/bench_clock.h -- wall and CPU clocks of the bench programs
 * (floor.c natively and for Windows, enum_win.c for Windows). */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/resource.h>
#include <time.h>
#endif

/* monotonic wall clock, microseconds */
static inline double now_us(void)
{
#ifdef _WIN32
    static LARGE_INTEGER f;
    LARGE_INTEGER c;
    if (!f.QuadPart)
        QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart * 1e6 / (double)f.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
#endif
}

/* user + system (kernel) CPU time of this process, microseconds */
static inline double cpu_us(void)
{
#ifdef _WIN32
    FILETIME c, e, k, u;
    if (!GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u))
        return 0;
    ULARGE_INTEGER a, b;
    a.LowPart = k.dwLowDateTime, a.HighPart = k.dwHighDateTime;
    b.LowPart = u.dwLowDateTime, b.HighPart = u.dwHighDateTime;
    return (double)(a.QuadPart + b.QuadPart) / 10.0;
#else
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double)r.ru_utime.tv_sec * 1e6 + (double)r.ru_utime.tv_usec + (double)r.ru_stime.tv_sec * 1e6 +
           (double)r.ru_stime.tv_usec;
#endif
}

#endif
