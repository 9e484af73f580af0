/* Hex test vectors ("c998858000...", as captured from real servers) to bytes. */
#ifndef NT_TEST_HEX_H
#define NT_TEST_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

static inline size_t test_unhex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (h[0] && h[1] && n < cap) {
        unsigned v;
        if (sscanf(h, "%2x", &v) != 1)
            break;
        out[n++] = (uint8_t)v;
        h += 2;
    }
    return n;
}

#endif
