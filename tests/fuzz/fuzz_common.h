/*
 * Shared helpers of the libFuzzer targets in tests/fuzz/ (built and run by
 * tests/native/fuzz.sh).  Every target feeds hostile bytes to one parser of
 * network input exactly as the production caller does, and checks the
 * parser's own promises (bounds, NUL-terminated strings, counts) with
 * FUZZ_CHECK, which aborts so libFuzzer records the input as a crash.
 */
#ifndef NT_FUZZ_COMMON_H
#define NT_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/nt.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The five info levels, and (index 5) a level that is not one of them, so
 * the "unknown level" paths are fuzzed as well. */
static inline uint32_t fuzz_level(uint8_t b)
{
    static const uint32_t levels[5] = {0, 1, 2, 10, 502};
    unsigned i = b % 6u;
    if (i < 5)
        return levels[i];
    return (b & 0x80) ? 0xFFFFFFFFu : (uint32_t)(b >> 3); /* 0..15: mostly invalid (3, 4, ...) */
}

/* Every string of a decoded entry is NUL-terminated (walk it: ASan catches
 * an unterminated one). */
static inline size_t fuzz_wcslen_checked(const nt_wchar *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* The RAP targets' input: data[0] picks the (RAP level, our level) pair,
 * including pairs that must be refused; data[1] the parameter block length;
 * then the parameter block, then the data block (NULL when empty). */
typedef struct fuzz_rap_input {
    uint16_t rap_level;
    uint32_t level;
    const uint8_t *par, *data;
    size_t plen, dlen;
} fuzz_rap_input;

static inline int fuzz_rap_split(const uint8_t *d, size_t size, fuzz_rap_input *in)
{
    static const uint16_t raps[] = {0, 1, 2, 10, 3};
    if (size < 2)
        return 0;
    in->rap_level = raps[d[0] % 5];
    in->level = fuzz_level((uint8_t)(d[0] / 5));
    in->plen = d[1] % 16;
    if (in->plen > size - 2)
        in->plen = size - 2;
    in->dlen = size - 2 - in->plen;
    in->par = in->plen ? d + 2 : NULL;
    in->data = in->dlen ? d + 2 + in->plen : NULL;
    return 1;
}

#endif
