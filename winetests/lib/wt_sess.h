/* winetests/lib/wt_sess.h -- a level-independent view of SESSION_INFO_x
 * entries, and the checks every NetSession* result shares (entries equal the
 * truth, client names start with \\, one NetApiBuffer block). */
#ifndef WT_SESS_H
#define WT_SESS_H
#include "wt.h"

typedef struct {
    const wchar_t *cname, *user, *cltype, *transport;
    DWORD opens, time, idle, flags;
    int has_user, has_counts, has_times, has_cltype, has_transport;
} wt_view;

static size_t wt_struct_size(DWORD level)
{
    switch (level) {
    case 0: return sizeof(SESSION_INFO_0);
    case 1: return sizeof(SESSION_INFO_1);
    case 2: return sizeof(SESSION_INFO_2);
    case 10: return sizeof(SESSION_INFO_10);
    case 502: return sizeof(SESSION_INFO_502);
    default: return 0;
    }
}

static wt_view wt_get(DWORD level, const BYTE *buf, DWORD i)
{
    wt_view v;
    memset(&v, 0, sizeof(v));
    switch (level) {
    case 0: {
        const SESSION_INFO_0 *e = (const SESSION_INFO_0 *)buf + i;
        v.cname = e->sesi0_cname;
        break; }
    case 1: {
        const SESSION_INFO_1 *e = (const SESSION_INFO_1 *)buf + i;
        v.cname = e->sesi1_cname; v.user = e->sesi1_username;
        v.opens = e->sesi1_num_opens; v.time = e->sesi1_time;
        v.idle = e->sesi1_idle_time; v.flags = e->sesi1_user_flags;
        v.has_user = v.has_counts = v.has_times = 1;
        break; }
    case 2: {
        const SESSION_INFO_2 *e = (const SESSION_INFO_2 *)buf + i;
        v.cname = e->sesi2_cname; v.user = e->sesi2_username;
        v.opens = e->sesi2_num_opens; v.time = e->sesi2_time;
        v.idle = e->sesi2_idle_time; v.flags = e->sesi2_user_flags;
        v.cltype = e->sesi2_cltype_name;
        v.has_user = v.has_counts = v.has_times = v.has_cltype = 1;
        break; }
    case 10: {
        const SESSION_INFO_10 *e = (const SESSION_INFO_10 *)buf + i;
        v.cname = e->sesi10_cname; v.user = e->sesi10_username;
        v.time = e->sesi10_time; v.idle = e->sesi10_idle_time;
        v.has_user = v.has_times = 1;
        break; }
    case 502: {
        const SESSION_INFO_502 *e = (const SESSION_INFO_502 *)buf + i;
        v.cname = e->sesi502_cname; v.user = e->sesi502_username;
        v.opens = e->sesi502_num_opens; v.time = e->sesi502_time;
        v.idle = e->sesi502_idle_time; v.flags = e->sesi502_user_flags;
        v.cltype = e->sesi502_cltype_name; v.transport = e->sesi502_transport;
        v.has_user = v.has_counts = v.has_times = v.has_cltype = v.has_transport = 1;
        break; }
    }
    return v;
}

/* Every string pointer lies inside [buf + n*struct, buf + size) and is
 * terminated inside the block.  Returns NULL when fine, else a reason. */
static const char *wt_block_ok(DWORD level, const BYTE *buf, DWORD n)
{
    static char why[256];
    DWORD size = 0, i;
    NET_API_STATUS st;
    if (n == 0) return NULL;
    if (!buf) return "NULL buffer with entries";
    st = NetApiBufferSize((LPVOID)buf, &size);
    if (st != 0) { snprintf(why, sizeof(why), "NetApiBufferSize -> %lu", (unsigned long)st); return why; }
    if ((size_t)size < wt_struct_size(level) * n) {
        snprintf(why, sizeof(why), "block %lu bytes < %lu entries of %lu", (unsigned long)size,
                 (unsigned long)n, (unsigned long)wt_struct_size(level));
        return why;
    }
    for (i = 0; i < n; i++) {
        wt_view v = wt_get(level, buf, i);
        const wchar_t *ps[4] = { v.cname, v.user, v.cltype, v.transport };
        int k;
        for (k = 0; k < 4; k++) {
            const BYTE *p = (const BYTE *)ps[k];
            const wchar_t *w;
            if (!p) continue;
            if (p < buf + wt_struct_size(level) * n || p >= buf + size) {
                snprintf(why, sizeof(why), "entry %lu string %d at offset %ld outside [%lu,%lu)",
                         (unsigned long)i, k, (long)(p - buf),
                         (unsigned long)(wt_struct_size(level) * n), (unsigned long)size);
                return why;
            }
            for (w = ps[k]; (const BYTE *)(w + 1) <= buf + size && *w; w++)
                ;
            if ((const BYTE *)(w + 1) > buf + size) {
                snprintf(why, sizeof(why), "entry %lu string %d not terminated inside the block",
                         (unsigned long)i, k);
                return why;
            }
        }
    }
    return NULL;
}

/* Does entry v match truth session s (fields the level carries)? */
static int wt_match(DWORD level, const wt_view *v, const wt_sess *s, unsigned long slack)
{
    (void)level;
    if (!v->cname || !wt_ieq(wt_strip_unc(v->cname), s->cname)) return 0;
    if (v->has_user && (!v->user || !wt_ieq(wt_u8(v->user), s->user))) return 0;
    if (v->has_counts && (!wt_num_ok(s->opens, v->opens) || !wt_num_ok(s->flags, v->flags))) return 0;
    if (v->has_times) {
        if (!wt_time_ok(s->time, v->time, slack)) return 0;
        if (strcmp(s->idle, "*") != 0 && v->idle > v->time + 1) return 0;
    }
    return 1;
}

static void wt_describe(DWORD level, const wt_view *v, char *out, size_t cap)
{
    snprintf(out, cap, "{%s", v->cname ? wt_u8(v->cname) : "(null)");
    if (v->has_user) snprintf(out + strlen(out), cap - strlen(out), " %s", wt_u8(v->user));
    if (v->has_counts) snprintf(out + strlen(out), cap - strlen(out), " opens=%lu flags=%lu",
                                (unsigned long)v->opens, (unsigned long)v->flags);
    if (v->has_times) snprintf(out + strlen(out), cap - strlen(out), " t=%lu idle=%lu",
                               (unsigned long)v->time, (unsigned long)v->idle);
    snprintf(out + strlen(out), cap - strlen(out), "}");
    (void)level;
}

/* Compare n entries with the truth sessions selected by client/user filters
 * (NULL = any; client without backslashes).  One-to-one matching.  Returns
 * NULL when equal, else a reason. */
static const char *wt_equal_truth(DWORD level, const BYTE *buf, DWORD n, wt_truth *t,
                                  const char *client, const char *user)
{
    static char why[1024];
    DWORD i;
    int j, want = 0;
    for (j = 0; j < t->ns; j++) {
        t->s[j].used = 0;
        if (client && !wt_ieq(client, t->s[j].cname)) t->s[j].used = -1;
        if (user && !wt_ieq(user, t->s[j].user)) t->s[j].used = -1;
        if (t->s[j].used == 0) want++;
    }
    if ((int)n != want) {
        snprintf(why, sizeof(why), "%lu entries, truth has %d:", (unsigned long)n, want);
        for (i = 0; i < n && strlen(why) < 700; i++) {
            wt_view v = wt_get(level, buf, i);
            char d[256];
            wt_describe(level, &v, d, sizeof(d));
            snprintf(why + strlen(why), sizeof(why) - strlen(why), " %s", d);
        }
        return why;
    }
    for (i = 0; i < n; i++) {
        wt_view v = wt_get(level, buf, i);
        int found = 0;
        for (j = 0; j < t->ns && !found; j++)
            if (t->s[j].used == 0 && wt_match(level, &v, &t->s[j], 120)) { t->s[j].used = 1; found = 1; }
        if (!found) {
            char d[256];
            wt_describe(level, &v, d, sizeof(d));
            snprintf(why, sizeof(why), "entry %lu %s is not in the truth (or matched twice)", (unsigned long)i, d);
            return why;
        }
    }
    return NULL;
}

/* Every client name carries the leading \\. */
static const char *wt_unc_ok(DWORD level, const BYTE *buf, DWORD n)
{
    static char why[256];
    DWORD i;
    for (i = 0; i < n; i++) {
        wt_view v = wt_get(level, buf, i);
        if (!v.cname || v.cname[0] != L'\\' || v.cname[1] != L'\\' || v.cname[2] == L'\\') {
            snprintf(why, sizeof(why), "entry %lu cname \"%s\"", (unsigned long)i, wt_u8(v.cname));
            return why;
        }
    }
    return NULL;
}

/* Levels 2/502 from a server without them: never invented text. */
static const char *wt_derived_ok(DWORD level, const BYTE *buf, DWORD n)
{
    static char why[256];
    DWORD i;
    for (i = 0; i < n; i++) {
        wt_view v = wt_get(level, buf, i);
        if (v.has_cltype && (!v.cltype || v.cltype[0])) {
            snprintf(why, sizeof(why), "entry %lu cltype_name \"%s\" (want \"\")", (unsigned long)i, wt_u8(v.cltype));
            return why;
        }
        if (v.has_transport && (!v.transport || v.transport[0])) {
            snprintf(why, sizeof(why), "entry %lu transport \"%s\" (want \"\")", (unsigned long)i, wt_u8(v.transport));
            return why;
        }
    }
    return NULL;
}

#endif
