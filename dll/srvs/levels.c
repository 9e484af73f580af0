/*
 * The one table of session info levels.  Field order is the MS-SRVS wire
 * order, which is also the member order of the Windows SESSION_INFO_n
 * structures (lmshare.h).
 */
#include "levels.h"

#include <stdlib.h>
#include <string.h>

static const sess_field_desc FIELDS[SF_COUNT] = {
    [SF_CNAME] = {.name = "cname", .string = true, .unc = true},
    [SF_USERNAME] = {.name = "username", .string = true},
    [SF_NUM_OPENS] = {.name = "num_opens"},
    [SF_TIME] = {.name = "time", .seconds = true},
    [SF_IDLE_TIME] = {.name = "idle_time", .seconds = true},
    [SF_USER_FLAGS] = {.name = "user_flags"},
    [SF_CLTYPE_NAME] = {.name = "cltype_name", .string = true},
    [SF_TRANSPORT] = {.name = "transport", .string = true},
};

/* A row's fields in wire/struct order; nfields is counted from them. */
#define FIELD_LIST(...) .fields = {__VA_ARGS__}, .nfields = (uint8_t)sizeof((uint8_t[]){__VA_ARGS__})

static const sess_level LEVELS[] = {
    {.level = 0, FIELD_LIST(SF_CNAME), .derive_from = 1, .getinfo = true},
    {.level = 1,
     FIELD_LIST(SF_CNAME, SF_USERNAME, SF_NUM_OPENS, SF_TIME, SF_IDLE_TIME, SF_USER_FLAGS),
     .derive_from = SESS_LEVEL_NONE, .getinfo = true},
    {.level = 2,
     FIELD_LIST(SF_CNAME, SF_USERNAME, SF_NUM_OPENS, SF_TIME, SF_IDLE_TIME, SF_USER_FLAGS, SF_CLTYPE_NAME),
     .derive_from = 1, .getinfo = true},
    {.level = 10, FIELD_LIST(SF_CNAME, SF_USERNAME, SF_TIME, SF_IDLE_TIME), .derive_from = 1, .getinfo = true},
    {.level = 502,
     FIELD_LIST(SF_CNAME, SF_USERNAME, SF_NUM_OPENS, SF_TIME, SF_IDLE_TIME, SF_USER_FLAGS, SF_CLTYPE_NAME,
                SF_TRANSPORT),
     .derive_from = 1, .getinfo = false},
};

const sess_field_desc *sess_field_info(sess_field f)
{
    return (unsigned)f < SF_COUNT ? &FIELDS[f] : NULL;
}

bool sess_field_is_string(sess_field f)
{
    return (unsigned)f < SF_COUNT && FIELDS[f].string;
}

const sess_level *sess_level_root(void)
{
    for (size_t i = 0; i < sizeof(LEVELS) / sizeof(LEVELS[0]); i++)
        if (LEVELS[i].derive_from == SESS_LEVEL_NONE)
            return &LEVELS[i];
    return NULL;
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
    s->room = 0;
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
    l->missing = 0;
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

/* "\\" before s (NUL-terminated), in place when the decoder left room. */
static bool unc_prefix(nt_wchar **sp, bool room)
{
    nt_wchar *c = *sp;
    if (!c || (c[0] == '\\' && c[1] == '\\'))
        return true;
    size_t n = nt_wcslen(c);
    if (room) {
        memmove(c + 2, c, (n + 1) * sizeof(nt_wchar));
    } else {
        nt_wchar *p = nt_calloc(n + 3, sizeof(nt_wchar));
        if (!p)
            return false;
        memcpy(p + 2, c, (n + 1) * sizeof(nt_wchar));
        free(c);
        *sp = c = p;
    }
    c[0] = c[1] = '\\';
    return true;
}

bool sess_info_normalise(sess_info *s)
{
    for (unsigned f = 0; f < SF_COUNT; f++) {
        if (FIELDS[f].seconds && s->num[f] >= 0x80000000u)
            s->num[f] = 0;
        if (FIELDS[f].unc && !unc_prefix(&s->str[f], (s->room >> f) & 1u))
            return false;
    }
    return true;
}
