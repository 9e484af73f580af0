/* Every NetApiBuffer* edge, ours against Wine's builtin in ONE process: the
 * installed netapi32.dll (ours) and wine_netapi32.dll (the builtin copy our
 * forwarders use) answer the same calls; each edge's observations (status,
 * pointer NULL or not, size, last error) must be equal.  A few answers are
 * also fixed absolutely (Wine's conformance tests, which pass on Windows, and
 * issue 8: NetApiBufferReallocate(NULL, 0, &p) is NERR_Success, p == NULL).
 * Where the builtin would crash (a NULL out-pointer) only ours is called.
 * Without wine_netapi32.dll (our DLL not installed) the comparisons are
 * SKIPPED and the absolute checks run against whatever netapi32 is loaded. */
#include <windows.h>
#include <lm.h>
#include <stdio.h>
#include <string.h>

typedef NET_API_STATUS(WINAPI *alloc_fn)(DWORD, LPVOID *);
typedef NET_API_STATUS(WINAPI *free_fn)(LPVOID);
typedef NET_API_STATUS(WINAPI *realloc_fn)(LPVOID, DWORD, LPVOID *);
typedef NET_API_STATUS(WINAPI *size_fn)(LPVOID, LPDWORD);
struct api { alloc_fn alloc, palloc; free_fn free; realloc_fn realloc; size_fn size; };

static int fails;
static void res(int ok, const char *name, const char *why)
{
    if (ok) printf("PASS: apibuf.%s\n", name);
    else { printf("FAIL: apibuf.%s: %s\n", name, why); fails++; }
}

static int get(HMODULE m, struct api *a)
{
    a->alloc = (alloc_fn)(void (*)(void))GetProcAddress(m, "NetApiBufferAllocate");
    a->palloc = (alloc_fn)(void (*)(void))GetProcAddress(m, "NetapipBufferAllocate");
    a->free = (free_fn)(void (*)(void))GetProcAddress(m, "NetApiBufferFree");
    a->realloc = (realloc_fn)(void (*)(void))GetProcAddress(m, "NetApiBufferReallocate");
    a->size = (size_fn)(void (*)(void))GetProcAddress(m, "NetApiBufferSize");
    return a->alloc && a->palloc && a->free && a->realloc && a->size;
}

/* One edge: fills OUT with what it observed. */
typedef void (*edge_fn)(const struct api *a, char *out, size_t n);
#define SZ(p, a, n) ((a)->size((p), &(n)) == 0 ? (unsigned long)(n) : 0xBADul)

static void e_alloc0(const struct api *a, char *o, size_t n)
{
    void *p = (void *)1; DWORD s = 77;
    NET_API_STATUS r = a->alloc(0, &p);
    snprintf(o, n, "rc=%lu p=%s size=%lu", (unsigned long)r, p ? "set" : "NULL", p ? SZ(p, a, s) : 0ul);
    if (!r) a->free(p);
}
static void e_alloc_null_out(const struct api *a, char *o, size_t n)
{
    SetLastError(0xdeadbeef);
    NET_API_STATUS r = a->alloc(1024, NULL);
    snprintf(o, n, "rc=%lu lasterror=%#lx", (unsigned long)r, (unsigned long)GetLastError());
}
static void e_palloc(const struct api *a, char *o, size_t n)
{
    void *p = NULL; DWORD s = 0;
    NET_API_STATUS r = a->palloc(33, &p);
    snprintf(o, n, "rc=%lu size=%lu", (unsigned long)r, p ? SZ(p, a, s) : 0ul);
    if (!r) a->free(p);
}
static void e_alloc_huge(const struct api *a, char *o, size_t n)
{
    void *p = (void *)1;
    NET_API_STATUS r = a->alloc(0xFFFFFFF0u, &p);
    snprintf(o, n, "rc=%lu p=%s", (unsigned long)r, p ? "set" : "NULL");
    if (!r) a->free(p);
}
static void e_free_null(const struct api *a, char *o, size_t n)
{
    snprintf(o, n, "rc=%lu", (unsigned long)a->free(NULL));
}
static void e_free_heapalloc(const struct api *a, char *o, size_t n)
{
    void *p = HeapAlloc(GetProcessHeap(), 0, 100);
    snprintf(o, n, "rc=%lu", (unsigned long)a->free(p));
}
static void e_size_null(const struct api *a, char *o, size_t n)
{
    DWORD s = 77;
    NET_API_STATUS r = a->size(NULL, &s);
    snprintf(o, n, "rc=%lu size=%lu", (unsigned long)r, (unsigned long)s);
}
static void e_size_heapalloc(const struct api *a, char *o, size_t n)
{
    void *p = HeapAlloc(GetProcessHeap(), 0, 100); DWORD s = 0;
    NET_API_STATUS r = a->size(p, &s);
    snprintf(o, n, "rc=%lu size=%lu", (unsigned long)r, (unsigned long)s);
    HeapFree(GetProcessHeap(), 0, p);
}
static void e_size_not_heap(const struct api *a, char *o, size_t n)
{
    static char notheap[64]; DWORD s = 77;
    NET_API_STATUS r = a->size(notheap + 16, &s);
    snprintf(o, n, "rc=%lu size=%lu", (unsigned long)r, (unsigned long)s);
}
static void realloc_to(const struct api *a, char *o, size_t n, DWORD from, DWORD to)
{
    unsigned char *p = NULL, *q = NULL; DWORD s = 0, i, keep = from < to ? from : to;
    a->alloc(from, (void **)&p);
    for (i = 0; p && i < from; i++) p[i] = (unsigned char)(i * 7);
    NET_API_STATUS r = a->realloc(p, to, (void **)&q);
    int same = 1;
    for (i = 0; q && i < keep; i++) same &= q[i] == (unsigned char)(i * 7);
    snprintf(o, n, "rc=%lu q=%s size=%lu contents=%s", (unsigned long)r, q ? "set" : "NULL",
             q ? SZ(q, a, s) : 0ul, same ? "kept" : "LOST");
    a->free(r ? p : q);
}
static void e_realloc_grow(const struct api *a, char *o, size_t n) { realloc_to(a, o, n, 1024, 1500); }
static void e_realloc_shrink(const struct api *a, char *o, size_t n) { realloc_to(a, o, n, 1024, 10); }
static void e_realloc_null_1500(const struct api *a, char *o, size_t n)
{
    void *q = NULL; DWORD s = 0;
    NET_API_STATUS r = a->realloc(NULL, 1500, &q);
    snprintf(o, n, "rc=%lu q=%s size=%lu", (unsigned long)r, q ? "set" : "NULL", q ? SZ(q, a, s) : 0ul);
    if (!r) a->free(q);
}
static void e_realloc_to_zero(const struct api *a, char *o, size_t n)
{
    void *p = NULL;
    a->alloc(1024, &p);
    NET_API_STATUS r = a->realloc(p, 0, &p);
    snprintf(o, n, "rc=%lu p=%s", (unsigned long)r, p ? "set" : "NULL");
}
static void e_realloc_null_zero(const struct api *a, char *o, size_t n)
{
    void *q = (void *)1;
    NET_API_STATUS r = a->realloc(NULL, 0, &q);
    snprintf(o, n, "rc=%lu q=%s", (unsigned long)r, q == (void *)1 ? "untouched" : q ? "set" : "NULL");
    if (!r && q && q != (void *)1) a->free(q);
}
static void e_realloc_heapalloc(const struct api *a, char *o, size_t n)
{
    void *p = HeapAlloc(GetProcessHeap(), 0, 50), *q = NULL; DWORD s = 0;
    NET_API_STATUS r = a->realloc(p, 200, &q);
    snprintf(o, n, "rc=%lu size=%lu", (unsigned long)r, q ? SZ(q, a, s) : 0ul);
    HeapFree(GetProcessHeap(), 0, r ? p : q);
}
static void e_realloc_not_heap_zero(const struct api *a, char *o, size_t n)
{
    static char notheap[64]; void *q = (void *)1;
    SetLastError(0);
    NET_API_STATUS r = a->realloc(notheap + 16, 0, &q);
    snprintf(o, n, "rc=%lu q=%s", (unsigned long)r, q == (void *)1 ? "untouched" : q ? "set" : "NULL");
}

static const struct { const char *name; edge_fn fn; int x86_only; } EDGES[] = {
    {"alloc_zero", e_alloc0, 0}, {"alloc_null_out", e_alloc_null_out, 0}, {"netapip_alloc", e_palloc, 0},
    {"alloc_huge", e_alloc_huge, 1}, {"free_null", e_free_null, 0}, {"free_heapalloc_block", e_free_heapalloc, 0},
    {"size_null", e_size_null, 0}, {"size_heapalloc_block", e_size_heapalloc, 0},
    {"size_not_a_heap_block", e_size_not_heap, 0}, {"realloc_grow", e_realloc_grow, 0},
    {"realloc_shrink", e_realloc_shrink, 0}, {"realloc_null_1500", e_realloc_null_1500, 0},
    {"realloc_to_zero", e_realloc_to_zero, 0}, {"realloc_null_zero", e_realloc_null_zero, 0},
    {"realloc_heapalloc_block", e_realloc_heapalloc, 0}, {"realloc_not_a_heap_block_zero", e_realloc_not_heap_zero, 0},
};
/* absolute answers (Windows per Wine's conformance tests; issue 8 for null_zero) */
static const struct { const char *name, *want; } want_tab[] = {
    {"alloc_null_out", "rc=87 lasterror=0xdeadbeef"}, {"size_null", "rc=87 size=77"},
    {"free_null", "rc=0"}, {"realloc_to_zero", "rc=0 p=NULL"}, {"realloc_null_zero", "rc=0 q=NULL"},
    {"realloc_grow", "rc=0 q=set size=1500 contents=kept"}, {"realloc_null_1500", "rc=0 q=set size=1500"},
    {"size_heapalloc_block", "rc=0 size=100"}, {"realloc_heapalloc_block", "rc=0 size=200"},
};

int main(void)
{
    struct api ours, wine;
    HMODULE mo = LoadLibraryW(L"netapi32.dll"), mw = LoadLibraryW(L"wine_netapi32.dll");
    if (!mo || !get(mo, &ours)) { printf("FAIL: apibuf.load: netapi32.dll NetApiBuffer* not found\n"); return 1; }
    int cmp = mw && get(mw, &wine);
    if (cmp && GetProcAddress(mo, "NetSessionEnum") == GetProcAddress(mw, "NetSessionEnum"))
        cmp = 0;   /* netapi32 is the builtin itself */
    char a[160], b[160], why[400];
    for (size_t i = 0; i < sizeof EDGES / sizeof *EDGES; i++) {
        if (EDGES[i].x86_only && sizeof(void *) != 4) continue;   /* 4 GB may succeed on x64 */
        EDGES[i].fn(&ours, a, sizeof a);
        printf("# ours    %-30s %s\n", EDGES[i].name, a);
        if (cmp) {
            EDGES[i].fn(&wine, b, sizeof b);
            printf("# builtin %-30s %s\n", EDGES[i].name, b);
            snprintf(why, sizeof why, "ours [%s] builtin [%s]", a, b);
            char n[80];
            snprintf(n, sizeof n, "same_as_builtin.%s", EDGES[i].name);
            res(strcmp(a, b) == 0, n, why);
        }
        for (size_t j = 0; j < sizeof want_tab / sizeof *want_tab; j++)
            if (!strcmp(want_tab[j].name, EDGES[i].name)) {
                char n[80];
                snprintf(n, sizeof n, "%s", EDGES[i].name);
                snprintf(why, sizeof why, "got [%s] want [%s]", a, want_tab[j].want);
                res(strcmp(a, want_tab[j].want) == 0, n, why);
            }
    }
    if (!cmp) printf("SKIPPED: apibuf.same_as_builtin: wine_netapi32.dll not installed next to our netapi32\n");
    /* blocks cross between the two DLLs (a forwarded function's buffer is freed by ours) */
    if (cmp) {
        void *p = NULL; DWORD s = 0;
        int ok = wine.alloc(64, &p) == 0 && ours.size(p, &s) == 0 && s == 64 && ours.free(p) == 0;
        p = NULL;
        ok = ok && ours.alloc(48, &p) == 0 && wine.size(p, &s) == 0 && s == 48 && wine.free(p) == 0;
        res(ok, "blocks_cross_between_ours_and_builtin", "size/free of the other DLL's block failed");
    }
    /* our answers where the builtin would crash */
    DWORD s = 5; void *p = NULL;
    ours.alloc(8, &p);
    res(ours.size(p, NULL) == ERROR_INVALID_PARAMETER, "ours.size_null_count_87", "not ERROR_INVALID_PARAMETER");
    res(ours.realloc(p, 16, NULL) == ERROR_INVALID_PARAMETER && ours.size(p, &s) == 0 && s == 8,
        "ours.realloc_null_out_87_block_kept", "not ERROR_INVALID_PARAMETER or block changed");
    ours.free(p);
    return fails ? 1 : 0;
}
