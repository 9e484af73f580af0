/*
 * bench/rss_base.c -- the peak-RSS baseline for enum_loop: the same static
 * library linked in (api_session_enum and everything below it are reachable,
 * so the linker keeps them), but nothing is called.
 */
#include "api/api.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc > 1000) { /* never true: keeps the whole call graph linked */
        uint8_t *buf = NULL;
        uint32_t a = 0, b = 0, c = 0;
        api_session_enum(NULL, NULL, NULL, 1, &buf, NT_MAX_PREFERRED_LENGTH, &a, &b, &c);
        nt_block_free(buf);
    }
    printf("status=0\n");
    return 0;
}
