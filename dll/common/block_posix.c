/* The NetApiBuffer heap of the native core (unit tests, fuzzers, tools):
 * malloc with a size header in front of each block, so the sanitizers see
 * every block.  libnetapi32.so replaces this file with native/lowheap.c,
 * whose blocks lie below 2 GiB (for .NET callers that do pointer arithmetic
 * in 32 bits). */
#include "nt.h"

#include <stdlib.h>
#include <string.h>

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
