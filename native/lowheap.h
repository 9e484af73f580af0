/* The NetApiBuffer heap of libnetapi32.so (lowheap.c): blocks below 2 GiB
 * where the platform allows it, each with its requested size. */
#ifndef NATIVE_LOWHEAP_H
#define NATIVE_LOWHEAP_H

#include <stdbool.h>
#include <stddef.h>

void *lowheap_alloc(size_t n);
/* NULL when p is not a live block or no memory (p then stays valid). */
void *lowheap_realloc(void *p, size_t n);
/* false when p is not a live block of this heap (never ours, freed twice). */
bool lowheap_free(void *p);
bool lowheap_valid(void *p);
size_t lowheap_size(void *p);   /* requested size; 0 for an invalid block */

#endif
