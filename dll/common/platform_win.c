/* Platform services for the Windows (DLL) build of the core: Win32 only. */
#include "nt.h"

#include <windows.h>
#include <bcrypt.h>
#include <stdlib.h>
#include <string.h>

void nt_mutex_lock(nt_mutex *m) { AcquireSRWLockExclusive((PSRWLOCK)m); }
void nt_mutex_unlock(nt_mutex *m) { ReleaseSRWLockExclusive((PSRWLOCK)m); }

/* The wait is relative, on GetTickCount64's monotonic clock. */
bool nt_cond_wait(nt_cond *cv, nt_mutex *m, uint64_t deadline_ms)
{
    uint64_t now = nt_now_ms();
    if (deadline_ms && now >= deadline_ms)
        return false;
    uint64_t wait = deadline_ms ? deadline_ms - now : INFINITE;
    if (wait > 0x7FFFFFFFu)
        wait = 0x7FFFFFFFu;
    SleepConditionVariableSRW((PCONDITION_VARIABLE)cv, (PSRWLOCK)m, (DWORD)wait, 0);
    return true;
}

void nt_cond_broadcast(nt_cond *cv) { WakeAllConditionVariable((PCONDITION_VARIABLE)cv); }

/* SRWLOCK + CONDITION_VARIABLE (both zero-initialised, pointer-sized); the
 * wait is relative, on GetTickCount64's monotonic clock. */
bool nt_tlock_acquire(nt_tlock *l, uint64_t deadline_ms)
{
    bool ok = true;
    AcquireSRWLockExclusive((PSRWLOCK)&l->srw);
    while (l->held) {
        uint64_t now = nt_now_ms();
        if (deadline_ms && now >= deadline_ms) {
            ok = false;
            break;
        }
        uint64_t wait = deadline_ms ? deadline_ms - now : INFINITE;
        if (wait > 0x7FFFFFFFu)
            wait = 0x7FFFFFFFu;
        SleepConditionVariableSRW((PCONDITION_VARIABLE)&l->cv, (PSRWLOCK)&l->srw, (DWORD)wait, 0);
    }
    if (ok)
        l->held = 1;
    ReleaseSRWLockExclusive((PSRWLOCK)&l->srw);
    return ok;
}

void nt_tlock_release(nt_tlock *l)
{
    AcquireSRWLockExclusive((PSRWLOCK)&l->srw);
    l->held = 0;
    ReleaseSRWLockExclusive((PSRWLOCK)&l->srw);
    WakeConditionVariable((PCONDITION_VARIABLE)&l->cv);
}

uint64_t nt_now_ms(void) { return GetTickCount64(); }

uint64_t nt_filetime_now(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
}

bool nt_random(void *buf, size_t n)
{
    if (n > 0xFFFFFFFFu)
        return false;
    return BCryptGenRandom(NULL, buf, (ULONG)n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}

static char *wide_to_utf8(const WCHAR *w)
{
    return nt_utf16_to_utf8((const nt_wchar *)w, nt_wcslen((const nt_wchar *)w));
}

char *nt_getenv(const char *name)
{
    nt_wchar *wname = nt_utf8_to_utf16(name, NULL);
    if (!wname)
        return NULL;
    DWORD need = GetEnvironmentVariableW((LPCWSTR)wname, NULL, 0);
    char *res = NULL;
    if (need) {
        WCHAR *buf = nt_calloc(need + 1, sizeof(WCHAR));
        if (buf) {
            DWORD got = GetEnvironmentVariableW((LPCWSTR)wname, buf, need + 1);
            if (got && got <= need)
                res = wide_to_utf8(buf);
            nt_wipe(buf, (need + 1) * sizeof(WCHAR));
            free(buf);
        }
    }
    free(wname);
    return res;
}

bool nt_read_file(const char *path, size_t max, char **data, size_t *len)
{
    *data = NULL;
    if (len)
        *len = 0;
    nt_wchar *wpath = nt_utf8_to_utf16(path, NULL);
    if (!wpath)
        return false;
    HANDLE h = CreateFileW((LPCWSTR)wpath, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    free(wpath);
    if (h == INVALID_HANDLE_VALUE)
        return false;
    char *buf = malloc(max + 1);
    size_t n = 0;
    bool ok = buf != NULL;
    while (ok) {
        DWORD got = 0;
        DWORD want = (DWORD)((max + 1 - n) > 65536 ? 65536 : (max + 1 - n));
        if (want == 0)
            break;
        if (!ReadFile(h, buf + n, want, &got, NULL)) {
            ok = false;
            break;
        }
        if (got == 0)
            break;
        n += got;
    }
    CloseHandle(h);
    if (!ok || n > max) {
        if (buf) {
            nt_wipe(buf, max + 1);
            free(buf);
        }
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
    WCHAR name[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
    if (!GetComputerNameW(name, &n) || n == 0) {
        char *d = malloc(10);
        if (d)
            strcpy(d, "LOCALHOST");
        return d;
    }
    name[n > 15 ? 15 : n] = 0;
    for (WCHAR *p = name; *p; p++)
        *p = (WCHAR)nt_wupper((nt_wchar)*p);
    return wide_to_utf8(name);
}

/* NetApiBuffer heap = the process heap, exactly like Windows and Wine. */
void *nt_block_alloc(size_t n) { return HeapAlloc(GetProcessHeap(), 0, n ? n : 1); }

void *nt_block_realloc(void *p, size_t n)
{
    return p ? HeapReAlloc(GetProcessHeap(), 0, p, n ? n : 1) : nt_block_alloc(n);
}

void nt_block_free(void *p)
{
    if (p)
        HeapFree(GetProcessHeap(), 0, p);
}

size_t nt_block_size(const void *p)
{
    if (!p)
        return 0;
    SIZE_T s = HeapSize(GetProcessHeap(), 0, p);
    return s == (SIZE_T)-1 ? 0 : (size_t)s;
}
