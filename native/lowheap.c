/* The NetApiBuffer heap of libnetapi32.so: blocks below 2 GiB.
 *
 * .NET code written for 32-bit Windows walks result blocks with
 * `IntPtr.ToInt32()` arithmetic (seed 002's EnumSessions does).  On 64-bit
 * that only works when the block's address fits in a positive Int32, so
 * every block this library hands out is placed below 2 GiB where the
 * platform allows it:
 *   x86-64 Linux: mmap(MAP_32BIT) (the kernel's low window, 1-2 GiB);
 *   other 64-bit: mmap at a hint below 2 GiB (MAP_FIXED_NOREPLACE), kept
 *                 only when the kernel honoured it;
 *   32-bit:       any address round-trips through Int32.
 * When no low memory is left (or NETAPI32_LOW_HEAP=0), blocks come from
 * malloc: correct callers keep working, only ToInt32 arithmetic would not;
 * the first such block is traced.
 *
 * Small blocks (up to 64 KiB) come from 1 MiB low chunks in power-of-two
 * size classes with a free list per class; larger ones get their own low
 * mapping, unmapped on free.  A 16-byte header in front of every block
 * holds a magic number, its kind and the requested size (NetApiBufferSize).
 * Chunk memory is reused, never returned to the system.  Every chunk, big
 * mapping and fallback block is registered, so NetApiBufferFree/Size/
 * Reallocate refuse a pointer that is not a live block (freed twice, never
 * ours) instead of touching unmapped memory.  Under AddressSanitizer free
 * blocks and the slack behind each block are poisoned.
 */
#define _GNU_SOURCE
#include "lowheap.h"

#include "common/nt.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define HDR 16u
#define MAGIC_LIVE 0x4e414231u   /* "NAB1" */
#define MAGIC_FREE 0x4e414230u
#define KIND_BIG 0xFFu           /* its own mapping */
#define KIND_MALLOC 0xFEu        /* fallback: not low */
#define MIN_SHIFT 5u             /* 32-byte class */
#define MAX_SHIFT 16u            /* 64 KiB class */
#define NCLASS (MAX_SHIFT - MIN_SHIFT + 1u)
#define CHUNK (1u << 20)
#define LIMIT_2G ((uintptr_t)1 << 31)
#define MAX_BLOCK ((size_t)NT_MAX_ALLOC * 16u)

typedef struct hdr {
    uint32_t magic;
    uint32_t kind;      /* size class index, KIND_BIG or KIND_MALLOC */
    uint64_t size;      /* bytes requested */
} hdr;
_Static_assert(sizeof(hdr) == HDR, "header keeps blocks 16-byte aligned");

static nt_mutex lock = NT_MUTEX_INIT;
static void *free_list[NCLASS];         /* per class: header addresses */
static uint8_t *chunk_pos, *chunk_end;  /* carving position in the current chunk */
static int low_state = -1;              /* -1 unknown, 0 disabled, 1 enabled */
typedef struct region {
    uintptr_t base;
    size_t len;
} region;
static region *regions;                 /* chunks, big mappings, fallback blocks */
static size_t nregions, capregions;
static bool fallback_traced;

static bool low_enabled(void)
{
    if (low_state < 0) {
        char *v = nt_getenv("NETAPI32_LOW_HEAP");
        low_state = (v && strcmp(v, "0") == 0) ? 0 : 1;
        free(v);
    }
    return low_state == 1;
}

static bool is_low(const void *p, size_t n)
{
    return (uintptr_t)p < LIMIT_2G && n <= LIMIT_2G - (uintptr_t)p;
}

/* n bytes of fresh memory below 2 GiB, page aligned; NULL when none. */
static void *low_map(size_t n)
{
    if (!low_enabled())
        return NULL;
    void *p = MAP_FAILED;
#if UINTPTR_MAX <= 0xFFFFFFFFu
    p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#elif defined(MAP_32BIT)
    p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
#elif defined(MAP_FIXED_NOREPLACE)
    for (uintptr_t hint = 0x10000000u; hint + n <= LIMIT_2G && p == MAP_FAILED; hint += 0x4000000u)
        p = mmap((void *)hint, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
#endif
    if (p == MAP_FAILED)
        return NULL;
    if (!is_low(p, n)) {  /* a kernel that ignored the request */
        munmap(p, n);
        return NULL;
    }
    return p;
}

/* ---- the registry (lock held) ---- */
static bool reg_add(const void *base, size_t len)
{
    if (nregions == capregions) {
        size_t cap = capregions ? capregions * 2 : 64;
        region *r = realloc(regions, cap * sizeof(*r));
        if (!r)
            return false;
        regions = r;
        capregions = cap;
    }
    regions[nregions++] = (region){(uintptr_t)base, len};
    return true;
}

/* Index of the region holding [p, p + n), or nregions. */
static size_t reg_find(const void *p, size_t n)
{
    uintptr_t a = (uintptr_t)p;
    for (size_t i = 0; i < nregions; i++)
        if (a >= regions[i].base && a - regions[i].base <= regions[i].len && n <= regions[i].len - (a - regions[i].base))
            return i;
    return nregions;
}

static void reg_remove(size_t i) { regions[i] = regions[--nregions]; }

static unsigned class_of(size_t total)
{
    unsigned c = 0;
    while (((size_t)1 << (MIN_SHIFT + c)) < total)
        c++;
    return c;
}

static size_t class_bytes(unsigned c) { return (size_t)1 << (MIN_SHIFT + c); }

static size_t page_round(size_t n)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    return (n + pg - 1) / pg * pg;
}

/* A header slot of class c (lock held), or NULL. */
static hdr *class_take(unsigned c)
{
    hdr *h = free_list[c];
    if (h) {
        UNPOISON(h, class_bytes(c));
        memcpy(&free_list[c], (uint8_t *)h + HDR, sizeof(void *));
        return h;
    }
    size_t need = class_bytes(c);
    if (!chunk_pos || (size_t)(chunk_end - chunk_pos) < need) {
        uint8_t *fresh = low_map(CHUNK);
        if (!fresh)
            return NULL;
        if (!reg_add(fresh, CHUNK)) {
            munmap(fresh, CHUNK);
            return NULL;
        }
        /* the old chunk's tail is lost (< 64 KiB per 1 MiB, and rare) */
        chunk_pos = fresh;
        chunk_end = fresh + CHUNK;
        POISON(fresh, CHUNK);
    }
    h = (hdr *)chunk_pos;
    chunk_pos += need;
    UNPOISON(h, need);
    return h;
}

static void *finish(hdr *h, uint32_t kind, size_t n, size_t capacity)
{
    h->magic = MAGIC_LIVE;
    h->kind = kind;
    h->size = n;
    uint8_t *user = (uint8_t *)h + HDR;
    POISON(user + n, capacity - n);
    return user;
}

void *lowheap_alloc(size_t n)
{
    if (n > MAX_BLOCK)
        return NULL;
    size_t total = HDR + n;
    if (total <= class_bytes(NCLASS - 1)) {
        unsigned c = class_of(total);
        nt_mutex_lock(&lock);
        hdr *h = class_take(c);
        nt_mutex_unlock(&lock);
        if (h)
            return finish(h, c, n, class_bytes(c) - HDR);
    } else {
        size_t len = page_round(total);
        hdr *h = low_map(len);
        if (h) {
            nt_mutex_lock(&lock);
            bool ok = reg_add(h, len);
            nt_mutex_unlock(&lock);
            if (ok)
                return finish(h, KIND_BIG, n, len - HDR);
            munmap(h, len);
            return NULL;
        }
    }
    if (!fallback_traced) {
        fallback_traced = true;
        nt_trace("NetApiBuffer: no memory below 2 GiB left (or NETAPI32_LOW_HEAP=0): blocks from malloc");
    }
    hdr *h = malloc(total);
    if (!h)
        return NULL;
    nt_mutex_lock(&lock);
    bool ok = reg_add(h, total);
    nt_mutex_unlock(&lock);
    if (!ok) {
        free(h);
        return NULL;
    }
    return finish(h, KIND_MALLOC, n, n);
}

/* The header of a live block, or NULL when p is not one (freed twice,
 * never ours).  *reg receives the index of its region. */
static hdr *header_of_locked(void *p, size_t *reg)
{
    if (!p || (uintptr_t)p < HDR || ((uintptr_t)p & (HDR - 1)) != 0)
        return NULL;
    hdr *h = (hdr *)((uint8_t *)p - HDR);
    size_t i = reg_find(h, HDR);
    if (i == nregions || h->magic != MAGIC_LIVE)
        return NULL;
    bool whole = regions[i].base == (uintptr_t)h;   /* a big mapping or a fallback block */
    if (h->kind < NCLASS ? regions[i].len != CHUNK || h->size > regions[i].base + CHUNK - (uintptr_t)p
                         : !whole || (h->kind != KIND_BIG && h->kind != KIND_MALLOC))
        return NULL;
    if (reg)
        *reg = i;
    return h;
}

static hdr *header_of(void *p)
{
    nt_mutex_lock(&lock);
    hdr *h = header_of_locked(p, NULL);
    nt_mutex_unlock(&lock);
    return h;
}

bool lowheap_valid(void *p) { return header_of(p) != NULL; }

size_t lowheap_size(void *p)
{
    hdr *h = header_of(p);
    return h ? (size_t)h->size : 0;
}

bool lowheap_free(void *p)
{
    size_t reg;
    nt_mutex_lock(&lock);
    hdr *h = header_of_locked(p, &reg);
    if (!h) {
        nt_mutex_unlock(&lock);
        return false;
    }
    h->magic = MAGIC_FREE;
    if (h->kind < NCLASS) {
        unsigned c = h->kind;
        UNPOISON(h, class_bytes(c));
        memcpy((uint8_t *)h + HDR, &free_list[c], sizeof(void *));
        free_list[c] = h;
        POISON((uint8_t *)h + HDR, class_bytes(c) - HDR);
        nt_mutex_unlock(&lock);
        return true;
    }
    size_t len = regions[reg].len;
    reg_remove(reg);
    nt_mutex_unlock(&lock);
    if (h->kind == KIND_MALLOC) {
        free(h);
    } else {
        UNPOISON(h, len);   /* the range may be mapped again by anyone */
        munmap(h, len);
    }
    return true;
}

void *lowheap_realloc(void *old, size_t n)
{
    if (!old)
        return lowheap_alloc(n);
    hdr *h = header_of(old);
    if (!h || n > MAX_BLOCK)
        return NULL;
    size_t have = (size_t)h->size;
    if (h->kind < NCLASS && HDR + n <= class_bytes(h->kind) && class_of(HDR + n) == h->kind) {
        /* same class: resize in place */
        UNPOISON(old, class_bytes(h->kind) - HDR);
        return finish(h, h->kind, n, class_bytes(h->kind) - HDR);
    }
    void *p = lowheap_alloc(n);
    if (!p)
        return NULL;   /* the old block stays valid */
    memcpy(p, old, have < n ? have : n);
    lowheap_free(old);
    return p;
}

/* ---- the core's NetApiBuffer interface (dll/common/nt.h) ---- */
void *nt_block_alloc(size_t n) { return lowheap_alloc(n); }
void *nt_block_realloc(void *p, size_t n) { return lowheap_realloc(p, n); }
void nt_block_free(void *p) { lowheap_free(p); }
size_t nt_block_size(const void *p) { return lowheap_size((void *)p); }
