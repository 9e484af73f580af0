/* Native driver of svrapi.dll's 9x layer (dll/svrapi): the same code the
 * i686 DLL runs, without Wine, for the native integration test
 * (tests/native/svrapi_samba.sh) and for development.
 *   sv9xcli enum    SERVER LEVEL CB
 *   sv9xcli getinfo SERVER CLIENT LEVEL CB
 *   sv9xcli del     SERVER CLIENT|- KEY
 * Prints "status=N read=R total=T" (enum), "status=N avail=A" (getinfo) or
 * "status=N" (del), then one line per entry: cname, username and, at level
 * 50, key, tab-separated.  String pointers are buffer offsets (base 0). */
#include "svrapi/sv9x.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t buf[65535];

static const char *str_at(const uint8_t *rec, size_t off, uint16_t cb)
{
    uint32_t p = nt_le32(rec + off);
    if (!p || p >= cb || !memchr(buf + p, 0, cb - p))
        return p ? "(bad)" : "(null)";
    return (const char *)buf + p;
}

static void print_entries(int16_t level, uint16_t n, uint16_t cb)
{
    const sv9x_layout *L = sv9x_layout_find(level);
    for (uint16_t i = 0; i < n; i++) {
        const uint8_t *rec = buf + (size_t)i * L->size;
        printf("%s", str_at(rec, 0, cb));
        if (level != 0)
            printf("\t%s", str_at(rec, 4, cb));
        if (level == 50)
            printf("\t%u", (unsigned)nt_le32(rec + 8));
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    uint32_t st;
    if (argc == 5 && !strcmp(argv[1], "enum")) {
        int16_t level = (int16_t)atoi(argv[3]);
        uint16_t cb = (uint16_t)atoi(argv[4]), r = 0, t = 0;
        st = sv9x_session_enum(argv[2], level, buf, cb, 0, &r, &t);
        printf("status=%u read=%u total=%u\n", (unsigned)st, r, t);
        if (sv9x_layout_find(level))
            print_entries(level, r, cb);
    } else if (argc == 6 && !strcmp(argv[1], "getinfo")) {
        int16_t level = (int16_t)atoi(argv[4]);
        uint16_t cb = (uint16_t)atoi(argv[5]), a = 0;
        st = sv9x_session_getinfo(argv[2], argv[3], level, buf, cb, 0, &a);
        printf("status=%u avail=%u\n", (unsigned)st, a);
        if (st == NT_OK)
            print_entries(level, 1, cb);
    } else if (argc == 5 && !strcmp(argv[1], "del")) {
        st = sv9x_session_del(argv[2], strcmp(argv[3], "-") ? argv[3] : NULL, (int16_t)atoi(argv[4]));
        printf("status=%u\n", (unsigned)st);
    } else {
        fprintf(stderr, "usage: sv9xcli enum SERVER LEVEL CB | getinfo SERVER CLIENT LEVEL CB | del SERVER CLIENT|- KEY\n");
        return 2;
    }
    api_cache_shutdown();
    return st == NT_OK ? 0 : 1;
}
