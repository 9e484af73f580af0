/* tests/native/so_abi.c -- a C consumer of the installed libnetapi32.so:
 * built with `pkg-config --cflags --libs netapi32` by tests/native/netapi_so.sh.
 * Checks the structure layouts (64-bit Windows on LP64), the NetApiBuffer
 * functions' Windows semantics, that every block lies below 2 GiB (unless
 * NETAPI32_LOW_HEAP=0), and the argument errors of the session functions
 * that need no server.  PASS:/FAIL: lines; prefix from argv[1]. */
#include <netapi32_native.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *P = "so.abi";
static int failed;

static void check(const char *what, int ok, const char *why)
{
    if (ok) {
        printf("PASS: %s.%s\n", P, what);
    } else {
        printf("FAIL: %s.%s: %s\n", P, what, why);
        failed = 1;
    }
}

static int low(const void *p, size_t n) { return (uintptr_t)p + n <= 0x7FFFFFFFu; }

static void layouts(void)
{
    int lp64 = sizeof(void *) == 8;
    check("layout.502", sizeof(SESSION_INFO_502) == (lp64 ? 48u : 32u) &&
          offsetof(SESSION_INFO_502, sesi502_num_opens) == 2 * sizeof(void *) &&
          offsetof(SESSION_INFO_502, sesi502_transport) == (lp64 ? 40u : 28u), "SESSION_INFO_502 differs from Windows");
    check("layout.others", sizeof(SESSION_INFO_0) == sizeof(void *) && sizeof(SESSION_INFO_1) == 2 * sizeof(void *) + 16 &&
          sizeof(SESSION_INFO_2) == (lp64 ? 40u : 28u) && sizeof(SESSION_INFO_10) == 2 * sizeof(void *) + 8,
          "a SESSION_INFO_x differs from Windows");
}

static void buffers(int want_low)
{
    void *p = NULL, *q = NULL, *big = NULL;
    uint32_t n = 0;
    check("alloc", NetApiBufferAllocate(100, &p) == NERR_Success && p && NetApiBufferSize(p, &n) == 0 && n == 100,
          "NetApiBufferAllocate(100) / NetApiBufferSize");
    if (!p)
        return;
    memset(p, 0x5a, 100);
    check("alloc_null_out", NetApiBufferAllocate(8, NULL) == ERROR_INVALID_PARAMETER, "want 87");
    check("alloc_zero", NetApiBufferAllocate(0, &q) == NERR_Success && q && NetApiBufferSize(q, &n) == 0 && n == 0 &&
          NetApiBufferFree(q) == NERR_Success, "a zero-byte block");
    int same = NetApiBufferReallocate(p, 5000, &q) == NERR_Success && q;
    for (int i = 0; same && i < 100; i++)
        same = ((unsigned char *)q)[i] == 0x5a;
    check("realloc_grow_keeps_bytes", same && NetApiBufferSize(q, &n) == 0 && n == 5000, "contents or size lost");
    check("realloc_null_allocates", NetApiBufferReallocate(NULL, 64, &p) == NERR_Success && p, "NULL old block");
    check("realloc_zero_frees", NetApiBufferReallocate(p, 0, &p) == NERR_Success && p == NULL, "size 0");
    check("big", NetApiBufferAllocate(3u << 20, &big) == NERR_Success && big && NetApiBufferSize(big, &n) == 0 &&
          n == 3u << 20, "a 3 MiB block");
    if (big)
        memset(big, 1, 3u << 20);
    if (want_low) {
        check("below_2GiB", low(q, 5000) && (!big || low(big, 3u << 20)), "a block lies above 2 GiB");
        int all = 1;   /* many blocks of every size class stay low */
        void *v[300];
        for (int i = 0; i < 300; i++) {
            v[i] = NULL;
            all &= NetApiBufferAllocate((uint32_t)(i * 397 % 70000), &v[i]) == NERR_Success && low(v[i], (size_t)i * 397 % 70000);
        }
        for (int i = 0; i < 300; i++)
            all &= NetApiBufferFree(v[i]) == NERR_Success;
        check("below_2GiB_many", all, "300 blocks of 0..70000 bytes");
    }
    check("free", NetApiBufferFree(q) == NERR_Success && NetApiBufferFree(big) == NERR_Success, "NetApiBufferFree");
    check("free_twice_refused", NetApiBufferFree(q) == ERROR_INVALID_PARAMETER &&
          NetApiBufferFree(big) == ERROR_INVALID_PARAMETER, "a freed block was accepted");
    check("size_of_freed_refused", NetApiBufferSize(q, &n) == ERROR_INVALID_PARAMETER, "want 87");
    check("free_null", NetApiBufferFree(NULL) == NERR_Success, "NetApiBufferFree(NULL)");
    check("size_null", NetApiBufferSize(NULL, &n) == ERROR_INVALID_PARAMETER, "want 87");
}

static void arguments(void)
{
    uint8_t *buf = (uint8_t *)1;
    uint32_t er = 7, te = 7;
    static const char16_t srv[] = u"\\\\127.0.0.1";
    check("enum_bad_level", NetSessionEnum(srv, NULL, NULL, 3, &buf, MAX_PREFERRED_LENGTH, &er, &te, NULL) ==
          ERROR_INVALID_LEVEL, "want 124");
    check("enum_null_bufptr", NetSessionEnum(srv, NULL, NULL, 0, NULL, MAX_PREFERRED_LENGTH, &er, &te, NULL) ==
          ERROR_INVALID_PARAMETER, "want 87");
    check("getinfo_level502", NetSessionGetInfo(srv, u"\\\\x", u"u", 502, &buf) == ERROR_INVALID_LEVEL, "want 124");
    check("bad_name", NetSessionDel(u"\\\\bad*name?", NULL, NULL) == NERR_InvalidComputer, "want 2351");
}

/* so_abi PREFIX overflow|after_free: a deliberate bug on a low-heap block,
 * which the ASan build must report (the heap poisons slack and free blocks). */
static int deliberate_bug(const char *what)
{
    void *p = NULL;
    if (NetApiBufferAllocate(100, &p) != NERR_Success)
        return 2;
    volatile unsigned char *c = p;
    if (strcmp(what, "overflow") == 0) {
        c[100] = 1;
    } else {
        NetApiBufferFree(p);
        c[0] = 1;
    }
    puts("no report");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2)
        return deliberate_bug(argv[2]);
    if (argc > 1)
        P = argv[1];
    const char *lh = getenv("NETAPI32_LOW_HEAP");
    layouts();
    buffers(!(lh && strcmp(lh, "0") == 0));
    arguments();
    return failed;
}
