/* Platform services for the native (POSIX) build of the core. */
#define _GNU_SOURCE
#include "nt.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

void nt_mutex_lock(nt_mutex *m) { pthread_mutex_lock(m); }
void nt_mutex_unlock(nt_mutex *m) { pthread_mutex_unlock(m); }

/* Both waits below sleep in slices of at most 100 ms of CLOCK_REALTIME (the
 * clock PTHREAD_COND_INITIALIZER uses) and check the deadline on the
 * monotonic clock: a wall-clock jump can neither shorten nor extend it. */
static void cond_slice(pthread_cond_t *cv, pthread_mutex_t *m, uint64_t deadline_ms, uint64_t now)
{
    uint64_t slice = deadline_ms ? deadline_ms - now : 100u;
    if (slice > 100u)
        slice = 100u;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)(slice * 1000000u);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
    }
    pthread_cond_timedwait(cv, m, &ts);
}

bool nt_cond_wait(nt_cond *cv, nt_mutex *m, uint64_t deadline_ms)
{
    uint64_t now = nt_now_ms();
    if (deadline_ms && now >= deadline_ms)
        return false;
    cond_slice(cv, m, deadline_ms, now);
    return true;
}

void nt_cond_broadcast(nt_cond *cv) { pthread_cond_broadcast(cv); }

bool nt_tlock_acquire(nt_tlock *l, uint64_t deadline_ms)
{
    bool ok = true;
    pthread_mutex_lock(&l->m);
    while (l->held) {
        uint64_t now = nt_now_ms();
        if (deadline_ms && now >= deadline_ms) {
            ok = false;
            break;
        }
        cond_slice(&l->cv, &l->m, deadline_ms, now);
    }
    if (ok)
        l->held = 1;
    pthread_mutex_unlock(&l->m);
    return ok;
}

void nt_tlock_release(nt_tlock *l)
{
    pthread_mutex_lock(&l->m);
    l->held = 0;
    pthread_cond_signal(&l->cv);
    pthread_mutex_unlock(&l->m);
}

uint64_t nt_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t nt_filetime_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_sec + 11644473600ull) * 10000000ull + (uint64_t)ts.tv_nsec / 100u;
}

bool nt_random(void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += got;
        n -= (size_t)got;
    }
    return true;
}

char *nt_getenv(const char *name)
{
    const char *v = getenv(name);
    return v ? strdup(v) : NULL;
}

bool nt_read_file(const char *path, size_t max, char **data, size_t *len)
{
    *data = NULL;
    if (len)
        *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char *buf = malloc(max + 1);
    if (!buf) {
        fclose(f);
        return false;
    }
    size_t n = fread(buf, 1, max + 1, f);
    fclose(f);
    if (n > max) { /* too large: refuse rather than truncate */
        nt_wipe(buf, max + 1);
        free(buf);
        return false;
    }
    buf[n] = 0;
    *data = buf;
    if (len)
        *len = n;
    return true;
}

char *nt_hostname(void)
{
    char h[256] = {0};
    if (gethostname(h, sizeof(h) - 1) != 0 || !h[0])
        strcpy(h, "LOCALHOST");
    char *dot = strchr(h, '.');
    if (dot)
        *dot = 0;
    h[15] = 0;
    for (char *p = h; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return strdup(h);
}
