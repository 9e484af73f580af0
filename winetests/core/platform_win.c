/*
 * Platform services of the Windows build under Wine: the timed lock
 * (nt_tlock: SRWLOCK + CONDITION_VARIABLE) that bounds the wait for a
 * per-server connection (issue 7: no call waits past its deadline).
 *
 * Plain console program: PASS:/FAIL: lines, exit status 1 if anything failed.
 *   make -f Makefile.mingw coretests
 *   WINEPREFIX=DIR WINEDEBUG=-all wine build/x86_64/coretests/platform_win.exe
 */
#include <windows.h>
#include <stdio.h>

#include "common/nt.h"

static int g_fail;
static nt_tlock g_lock = NT_TLOCK_INIT;
static volatile LONG g_in;

static void check(bool ok, const char *name, const char *why)
{
    if (ok) {
        printf("PASS: %s\n", name);
    } else {
        printf("FAIL: %s: %s\n", name, why);
        g_fail = 1;
    }
}

static DWORD WINAPI holder(LPVOID arg)
{
    (void)arg;
    nt_tlock_acquire(&g_lock, 0);
    InterlockedExchange(&g_in, 1);
    Sleep(700);
    nt_tlock_release(&g_lock);
    return 0;
}

int main(void)
{
    check(nt_tlock_acquire(&g_lock, 0), "tlock.free_acquired", "a free lock was not acquired");
    nt_tlock_release(&g_lock);

    HANDLE th = CreateThread(NULL, 0, holder, NULL, 0, NULL);
    while (!InterlockedCompareExchange(&g_in, 0, 0))
        Sleep(5);
    uint64_t t0 = nt_now_ms();
    bool got = nt_tlock_acquire(&g_lock, t0 + 200);
    uint64_t took = nt_now_ms() - t0;
    check(!got, "tlock.busy_gives_up", "acquired a lock another thread holds");
    char why[96];
    snprintf(why, sizeof why, "gave up after %llu ms (deadline 200 ms)", (unsigned long long)took);
    check(took >= 150 && took < 200 + 300, "tlock.gives_up_at_deadline", why);
    if (got)
        nt_tlock_release(&g_lock);

    t0 = nt_now_ms();
    got = nt_tlock_acquire(&g_lock, t0 + 5000);
    took = nt_now_ms() - t0;
    check(got && took < 2000, "tlock.acquired_after_release", "not acquired once the holder let go");
    if (got)
        nt_tlock_release(&g_lock);
    WaitForSingleObject(th, 5000);
    CloseHandle(th);

    got = nt_tlock_acquire(&g_lock, nt_now_ms() - 1);
    check(got, "tlock.free_past_deadline_acquired", "a free lock with a passed deadline was refused");
    if (got)
        nt_tlock_release(&g_lock);
    return g_fail;
}
