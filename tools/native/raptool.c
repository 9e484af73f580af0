/* Native driver of the RAP session codec (dll/rap), for the live checks of
 * tests/native/rap_samba.sh (the SMB1 transport that will carry RAP comes
 * later; there impacket's SMB1 client carries our bytes):
 *   raptool enum-request    RAPLEVEL BUFSIZE          our parameter block, hex
 *   raptool getinfo-request CLIENT RAPLEVEL BUFSIZE
 *   raptool del-request     CLIENT
 *   raptool enum-decode     RAPLEVEL LEVEL PARHEX [DATAHEX]
 *   raptool del-decode      PARHEX
 * Decoding prints "rc=N status=N count=N total=N", then one line per entry
 * (field=value, tab separated, strings as UTF-8). */
#include "rap/rap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *unhex(const char *h, size_t *n)
{
    size_t l = h ? strlen(h) / 2 : 0;
    uint8_t *p = malloc(l ? l : 1);
    for (size_t i = 0; p && i < l; i++) {
        unsigned v;
        if (sscanf(h + 2 * i, "%2x", &v) != 1)
            v = 0;
        p[i] = (uint8_t)v;
    }
    *n = l;
    return p;
}

static int print_request(nt_wr *w, bool ok)
{
    if (!ok) {
        fprintf(stderr, "encoding refused\n");
        nt_wr_free(w);
        return 1;
    }
    for (size_t i = 0; i < w->len; i++)
        printf("%02x", w->p[i]);
    printf("\n");
    nt_wr_free(w);
    return 0;
}

static void print_list(const sess_list *l)
{
    static const char *names[SF_COUNT] = {"cname", "username", "num_opens", "time", "idle_time", "user_flags",
                                          "cltype_name", "transport"};
    for (uint32_t i = 0; i < l->count; i++) {
        const char *sep = "";
        for (unsigned f = 0; f < SF_COUNT; f++) {
            if (!(l->v[i].present & (1u << f)))
                continue;
            if (sess_field_is_string((sess_field)f)) {
                const nt_wchar *s = l->v[i].str[f];
                char *u = s ? nt_utf16_to_utf8(s, nt_wcslen(s)) : NULL;
                printf("%s%s=%s", sep, names[f], u ? u : "(null)");
                free(u);
            } else {
                printf("%s%s=%u", sep, names[f], (unsigned)l->v[i].num[f]);
            }
            sep = "\t";
        }
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    nt_wr w;
    nt_wr_init(&w, 65536);
    if (argc == 4 && !strcmp(argv[1], "enum-request"))
        return print_request(&w, rap_encode_session_enum(&w, (uint16_t)atoi(argv[2]), (uint16_t)atoi(argv[3])));
    if (argc == 5 && !strcmp(argv[1], "getinfo-request")) {
        nt_wchar *c = nt_utf8_to_utf16(argv[2], NULL);
        int r = print_request(&w, rap_encode_session_getinfo(&w, c, (uint16_t)atoi(argv[3]), (uint16_t)atoi(argv[4])));
        free(c);
        return r;
    }
    if (argc == 3 && !strcmp(argv[1], "del-request")) {
        nt_wchar *c = nt_utf8_to_utf16(argv[2], NULL);
        int r = print_request(&w, rap_encode_session_del(&w, c));
        free(c);
        return r;
    }
    nt_wr_free(&w);
    size_t pl = 0, dl = 0;
    uint32_t status = 0;
    if ((argc == 5 || argc == 6) && !strcmp(argv[1], "enum-decode")) {
        uint8_t *par = unhex(argv[4], &pl), *data = unhex(argc == 6 ? argv[5] : NULL, &dl);
        sess_list l;
        uint32_t rc = rap_decode_session_enum(par, pl, data, dl, (uint16_t)atoi(argv[2]), (uint32_t)atoi(argv[3]), &l,
                                              &status);
        printf("rc=%u status=%u count=%u total=%u\n", (unsigned)rc, (unsigned)status, (unsigned)l.count,
               (unsigned)l.total_entries);
        print_list(&l);
        sess_list_free(&l);
        free(par);
        free(data);
        return rc ? 1 : 0;
    }
    if (argc == 3 && !strcmp(argv[1], "del-decode")) {
        uint8_t *par = unhex(argv[2], &pl);
        uint32_t rc = rap_decode_session_del(par, pl, &status);
        printf("rc=%u status=%u\n", (unsigned)rc, (unsigned)status);
        free(par);
        return rc ? 1 : 0;
    }
    fprintf(stderr, "usage: raptool enum-request|getinfo-request|del-request|enum-decode|del-decode ...\n");
    return 2;
}
