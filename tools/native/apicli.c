/* Native driver of the portable API layer, for development and the native
 * integration tests: the same code the DLL runs, without Wine.
 *   apicli enum    SERVER LEVEL [CLIENT|-] [USER|-] [PREFMAXLEN]
 *   apicli getinfo SERVER CLIENT USER LEVEL
 *   apicli del     SERVER [CLIENT|-] [USER|-]
 * Prints one line per entry: field=value separated by tabs; exit status =
 * the NET_API_STATUS (truncated to 8 bits; also printed as "status=N"). */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static nt_wchar *arg(const char *s)
{
    if (!s || !strcmp(s, "-"))
        return NULL;
    return nt_utf8_to_utf16(s, NULL);
}

static void print_entries(const sess_level *l, const uint8_t *buf, uint32_t n)
{
    static const char *names[SF_COUNT] = {"cname", "username", "num_opens", "time", "idle_time", "user_flags",
                                          "cltype_name", "transport"};
    size_t ss = sess_level_struct_size(l, sizeof(void *));
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *rec = buf + i * ss;
        for (unsigned k = 0; k < l->nfields; k++) {
            sess_field f = (sess_field)l->fields[k];
            size_t off = sess_level_field_offset(l, k, sizeof(void *));
            if (sess_field_is_string(f)) {
                const nt_wchar *p;
                memcpy(&p, rec + off, sizeof(p));
                char *u = p ? nt_utf16_to_utf8(p, nt_wcslen(p)) : NULL;
                printf("%s%s=%s", k ? "\t" : "", names[f], u ? u : "(null)");
                free(u);
            } else {
                uint32_t x;
                memcpy(&x, rec + off, 4);
                printf("%s%s=%u", k ? "\t" : "", names[f], (unsigned)x);
            }
        }
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: apicli enum|getinfo|del SERVER ...\n");
        return 2;
    }
    nt_wchar *server = arg(argv[2]);
    uint32_t st;
    if (!strcmp(argv[1], "enum") && argc >= 4) {
        uint32_t level = (uint32_t)strtoul(argv[3], NULL, 0);
        nt_wchar *client = arg(argc > 4 ? argv[4] : NULL), *user = arg(argc > 5 ? argv[5] : NULL);
        uint32_t pref = argc > 6 ? (uint32_t)strtoul(argv[6], NULL, 0) : 0xFFFFFFFFu;
        uint32_t rh = 0, total = 0;
        do {
            uint8_t *buf = NULL;
            uint32_t n = 0;
            st = api_session_enum(server, client, user, level, &buf, pref, &n, &total, &rh);
            if (st == 0 || st == 234) {
                printf("page entries=%u total=%u resume=%u\n", (unsigned)n, (unsigned)total, (unsigned)rh);
                print_entries(sess_level_find(level), buf, n);
            }
            nt_block_free(buf);
        } while (st == 234);
        free(client);
        free(user);
    } else if (!strcmp(argv[1], "getinfo") && argc == 6) {
        nt_wchar *client = arg(argv[3]), *user = arg(argv[4]);
        uint32_t level = (uint32_t)strtoul(argv[5], NULL, 0);
        uint8_t *buf = NULL;
        st = api_session_getinfo(server, client, user, level, &buf);
        if (st == 0)
            print_entries(sess_level_find(level), buf, 1);
        nt_block_free(buf);
        free(client);
        free(user);
    } else if (!strcmp(argv[1], "del")) {
        nt_wchar *client = arg(argc > 3 ? argv[3] : NULL), *user = arg(argc > 4 ? argv[4] : NULL);
        st = api_session_del(server, client, user);
        free(client);
        free(user);
    } else {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    printf("status=%u\n", (unsigned)st);
    free(server);
    api_cache_shutdown();
    api_snapshots_clear();
    return (int)(st & 0xFF) ? (int)(st & 0xFF) : (st ? 1 : 0);
}
