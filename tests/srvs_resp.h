/* Test-only encoder of NetrSessionEnum response stubs (the server's side),
 * with knobs that break one thing at a time.  Include after cmocka.h and
 * srvs/srvs.h. */
#ifndef TEST_SRVS_RESP_H
#define TEST_SRVS_RESP_H

typedef struct tent {
    const char *s[SF_COUNT]; /* NULL: null pointer */
    uint32_t n[SF_COUNT];
} tent;

typedef struct knobs {
    bool disc_set;
    uint32_t disc;          /* union discriminant */
    bool maxc_set;
    uint32_t maxc;          /* array max_count */
    bool count_set;
    uint32_t count;         /* EntriesRead claimed */
    bool null_ctr, null_buf;
    uint32_t str_off;       /* offset of the first string */
    int32_t str_max_delta;  /* first string: max_count adjustment */
    int32_t str_act_delta;  /* first string: actual_count adjustment (chars sent unchanged) */
    bool unterminated;      /* first string sent without its NUL */
} knobs;

static uint8_t *enc_resp(uint32_t level, const tent *e, uint32_t n, uint32_t total, const uint32_t *resume,
                         uint32_t werr, const knobs *k, size_t *len)
{
    static const knobs none;
    if (!k)
        k = &none;
    const sess_level *lv = sess_level_find(level);
    assert_non_null(lv);
    nt_wr w;
    nt_wr_init(&w, 0);
    uint32_t ref = 0x00020000;
    nt_wr_u32(&w, level);
    nt_wr_u32(&w, k->disc_set ? k->disc : level);
    if (k->null_ctr) {
        nt_wr_u32(&w, 0);
    } else {
        nt_wr_u32(&w, ref += 4);
        nt_wr_u32(&w, k->count_set ? k->count : n);
        if (k->null_buf) {
            nt_wr_u32(&w, 0);
        } else {
            nt_wr_u32(&w, ref += 4);
            nt_wr_u32(&w, k->maxc_set ? k->maxc : n);
            for (uint32_t i = 0; i < n; i++)
                for (unsigned f = 0; f < lv->nfields; f++) {
                    uint8_t fld = lv->fields[f];
                    if (sess_field_is_string((sess_field)fld))
                        nt_wr_u32(&w, e[i].s[fld] ? (ref += 4) : 0);
                    else
                        nt_wr_u32(&w, e[i].n[fld]);
                }
            bool first = true;
            for (uint32_t i = 0; i < n; i++)
                for (unsigned f = 0; f < lv->nfields; f++) {
                    uint8_t fld = lv->fields[f];
                    if (!sess_field_is_string((sess_field)fld) || !e[i].s[fld])
                        continue;
                    size_t units = 0;
                    nt_wchar *ws = nt_utf8_to_utf16(e[i].s[fld], &units);
                    assert_non_null(ws);
                    uint32_t act = (uint32_t)units + 1, sent = act;
                    uint32_t maxc = act;
                    if (first) {
                        if (k->unterminated)
                            act = sent = (uint32_t)units;
                        maxc = (uint32_t)((int32_t)act + k->str_max_delta);
                        act = (uint32_t)((int32_t)act + k->str_act_delta);
                    }
                    nt_wr_u32(&w, maxc);
                    nt_wr_u32(&w, first ? k->str_off : 0);
                    nt_wr_u32(&w, act);
                    for (uint32_t c = 0; c < sent; c++)
                        nt_wr_u16(&w, ws[c]);
                    nt_wr_align(&w, 4);
                    free(ws);
                    first = false;
                }
        }
    }
    nt_wr_u32(&w, total);
    if (resume) {
        nt_wr_u32(&w, ref += 4);
        nt_wr_u32(&w, *resume);
    } else {
        nt_wr_u32(&w, 0);
    }
    nt_wr_u32(&w, werr);
    assert_false(w.bad);
    return nt_wr_take(&w, len);
}

#endif
