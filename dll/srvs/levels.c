/*
 * The one table of session info levels.  Field order is the MS-SRVS wire
 * order, which is also the member order of the Windows SESSION_INFO_n
 * structures (lmshare.h).
 */
#include "levels.h"

#include <stdlib.h>

static const sess_level LEVELS[] = {
    {0, 1, {SF_CNAME}, 1, true},
    {1, 6, {SF_CNAME, SF_USERNAME, SF_NUM_OPENS, SF_TIME, SF_IDLE_TIME, SF_USER_FLAGS}, SESS_LEVEL_NONE, true},
    {2, 7, {SF_CNAME, SF_USERNAME, SF_NUM_OPENS, SF_TIME, SF_IDLE_TIME, SF_USER_FLAGS, SF_CLTYPE_NAME}, 1, true},
    {10, 4, {SF_CNAME, SF_USERNAME, SF_TIME, SF_IDLE_TIME}, 1, true},
    {502, 8,
     {SF_CNAME, SF_USERNAME, SF_NUM_OPENS, SF_TIME, SF_IDLE_TIME, SF_USER_FLAGS, SF_CLTYPE_NAME, SF_TRANSPORT},
     1, false},
};

bool sess_field_is_string(sess_field f)
{
    return f == SF_CNAME || f == SF_USERNAME || f == SF_CLTYPE_NAME || f == SF_TRANSPORT;
}

const sess_level *sess_level_find(uint32_t level)
{
    for (size_t i = 0; i < sizeof(LEVELS) / sizeof(LEVELS[0]); i++)
        if (LEVELS[i].level == level)
            return &LEVELS[i];
    return NULL;
}

bool sess_level_has(const sess_level *l, sess_field f)
{
    if (!l)
        return false;
    for (unsigned i = 0; i < l->nfields; i++)
        if (l->fields[i] == (uint8_t)f)
            return true;
    return false;
}

/* Size (= natural alignment) of one member. */
static size_t member_size(uint8_t f, size_t ptrsize)
{
    return sess_field_is_string((sess_field)f) ? ptrsize : 4;
}

static size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

size_t sess_level_field_offset(const sess_level *l, unsigned idx, size_t ptrsize)
{
    if (!l || idx >= l->nfields || (ptrsize != 4 && ptrsize != 8))
        return 0;
    size_t off = 0;
    for (unsigned i = 0; i < idx; i++) {
        size_t sz = member_size(l->fields[i], ptrsize);
        off = align_up(off, sz) + sz;
    }
    return align_up(off, member_size(l->fields[idx], ptrsize));
}

size_t sess_level_struct_size(const sess_level *l, size_t ptrsize)
{
    if (!l || l->nfields == 0 || (ptrsize != 4 && ptrsize != 8))
        return 0;
    size_t off = 0, maxal = 1;
    for (unsigned i = 0; i < l->nfields; i++) {
        size_t sz = member_size(l->fields[i], ptrsize);
        off = align_up(off, sz) + sz;
        if (sz > maxal)
            maxal = sz;
    }
    return align_up(off, maxal);
}

void sess_info_clear(sess_info *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < SF_COUNT; i++) {
        free(s->str[i]);
        s->str[i] = NULL;
        s->num[i] = 0;
    }
    s->present = 0;
}

void sess_list_free(sess_list *l)
{
    if (!l)
        return;
    if (l->v) {
        for (uint32_t i = 0; i < l->count; i++)
            sess_info_clear(&l->v[i]);
        free(l->v);
    }
    l->v = NULL;
    l->count = 0;
    l->total_entries = 0;
    l->resume_handle = 0;
    l->has_resume = false;
}

bool sess_info_derive(sess_info *s, uint32_t from, uint32_t to)
{
    const sess_level *lf = sess_level_find(from), *lt = sess_level_find(to);
    if (!s || !lf || !lt)
        return false;
    if (from != to && lt->derive_from != from)
        return false;
    for (unsigned i = 0; i < lt->nfields; i++) {
        sess_field f = (sess_field)lt->fields[i];
        uint32_t bit = 1u << f;
        if (s->present & bit)
            continue; /* supplied by the server (possibly as a null pointer) */
        if (sess_field_is_string(f)) {
            nt_wchar *e = calloc(1, sizeof(nt_wchar)); /* "" : never invented text */
            if (!e)
                return false;
            free(s->str[f]);
            s->str[f] = e;
        } else {
            s->num[f] = 0;
        }
        s->present |= bit;
    }
    return true;
}
