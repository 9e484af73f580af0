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

/* The condition variable waits in slices of at most 100 ms of CLOCK_REALTIME
 * (what PTHREAD_COND_INITIALIZER uses), the deadline itself is checked on the
 * monotonic clock: a wall-clock jump can neither shorten nor extend it. */
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
        pthread_cond_timedwait(&l->cv, &l->m, &ts);
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

/* Native NetApiBuffer heap: a size header in front of each block. */
#define BLOCK_HDR 16u
void *nt_block_alloc(size_t n)
{
    if (n > NT_MAX_ALLOC * 16u)
        return NULL;
    uint8_t *p = malloc(BLOCK_HDR + (n ? n : 1));
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof(n));
    return p + BLOCK_HDR;
}

void *nt_block_realloc(void *old, size_t n)
{
    if (!old)
        return nt_block_alloc(n);
    if (n > NT_MAX_ALLOC * 16u)
        return NULL;
    uint8_t *p = realloc((uint8_t *)old - BLOCK_HDR, BLOCK_HDR + (n ? n : 1));
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof(n));
    return p + BLOCK_HDR;
}

void nt_block_free(void *p)
{
    if (p)
        free((uint8_t *)p - BLOCK_HDR);
}

size_t nt_block_size(const void *p)
{
    size_t n = 0;
    if (p)
        memcpy(&n, (const uint8_t *)p - BLOCK_HDR, sizeof(n));
    return n;
}
