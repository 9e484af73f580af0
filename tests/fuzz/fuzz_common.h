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

#endif
