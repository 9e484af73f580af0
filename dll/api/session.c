/*
 * NetSessionEnum / NetSessionGetInfo / NetSessionDel with Windows semantics
 * on top of srvs (NetrSessionEnum / NetrSessionDel).
 *
 * Servers differ: Samba 4.17 offers only levels 0 and 1, ignores the client
 * and user filters, the preferred length and the resume handle, and returns
 * client names without the leading "\\".  So every call fetches the
 * server's whole list at a level it has (deriving the requested level from
 * the level table), applies the filters here as well, pages here with the
 * resume handle as an index into the filtered list, and adds the "\\".
 */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENUM_MAX_ROUNDS 1024u  /* bound on server-side paging rounds */

/* ---- fetching ------------------------------------------------------------------ */
typedef struct fetch_arg {
    const api_server *srv;
    const nt_wchar *client; /* passed to the server (it may or may not filter) */
    const nt_wchar *user;
    uint32_t level;
    sess_list *out;
} fetch_arg;

static bool list_append(sess_list *dst, sess_list *src)
{
    if (src->count == 0)
        return true;
    if (dst->count > SRVS_MAX_ENTRIES - src->count)
        return false;
    sess_info *nv = realloc(dst->v, sizeof(sess_info) * (size_t)(dst->count + src->count));
    if (!nv)
        return false;
    memcpy(nv + dst->count, src->v, sizeof(sess_info) * src->count);
    dst->v = nv;
    dst->count += src->count;
    free(src->v); /* ownership of the strings moved to dst */
    src->v = NULL;
    src->count = 0;
    return true;
}

/* Whole list at one level: follows the server's own paging (bounded). */
static uint32_t op_fetch(rpc_conn *rpc, void *varg)
{
    fetch_arg *a = varg;
    memset(a->out, 0, sizeof(*a->out));
    a->out->level = a->level;
    uint32_t resume = 0;
    for (unsigned round = 0; round < ENUM_MAX_ROUNDS; round++) {
        sess_list part;
        memset(&part, 0, sizeof(part));
        uint32_t st = srvs_session_enum(rpc, a->srv->unc, a->client, a->user, a->level,
                                        NT_MAX_PREFERRED_LENGTH, &resume, &part);
        if (st != NT_OK && st != NT_ERROR_MORE_DATA) {
            sess_list_free(&part);
            sess_list_free(a->out);
            return st;
        }
        uint32_t got = part.count;
        bool advanced = part.has_resume && part.resume_handle != resume;
        uint32_t next_resume = part.resume_handle;
        a->out->total_entries = part.total_entries;
        if (!list_append(a->out, &part)) {
            sess_list_free(&part);
            sess_list_free(a->out);
            return NT_ERROR_NOT_ENOUGH_MEMORY;
        }
        if (st == NT_OK || got == 0 || !advanced)
            return NT_OK; /* done, or a server whose paging would loop: keep what we have */
        resume = next_resume;
    }
    return NT_OK;
}

/* Level 0 has no user name: to filter by user locally, fetch a level that has it. */
static uint32_t fetch_level_for(const sess_level *want, bool need_user)
{
    if (need_user && !sess_level_has(want, SF_USERNAME) && want->derive_from != SESS_LEVEL_NONE)
        return want->derive_from;
    return want->level;
}

/* Fetches at the requested level or, when the server lacks it, at the level
 * it derives from; every entry is then brought to the requested level. */
static uint32_t fetch_sessions(const api_server *srv, const sess_level *want, const nt_wchar *client,
                               const nt_wchar *user, sess_list *out)
{
    uint32_t level = fetch_level_for(want, user != NULL);
    if (level != want->level || (want->derive_from != SESS_LEVEL_NONE && api_level_missing(srv, want->level)))
        level = want->derive_from;
    fetch_arg a = {srv, client, user, level, out};
    uint32_t st = api_with_conn(srv, API_RETRY_IDEMPOTENT, op_fetch, &a, NULL);
    if (st == NT_ERROR_INVALID_LEVEL && level == want->level && want->derive_from != SESS_LEVEL_NONE) {
        nt_trace("server %s lacks level %u: deriving it from level %u", srv->host, (unsigned)want->level,
                 (unsigned)want->derive_from);
        api_level_set_missing(srv, want->level);
        a.level = level = want->derive_from;
        st = api_with_conn(srv, API_RETRY_IDEMPOTENT, op_fetch, &a, NULL);
    } else if (st == NT_ERROR_ACCESS_DENIED && level != want->level) {
        /* Level 1 refused where level 0 may be allowed: let the server filter. */
        a.level = level = want->level;
        st = api_with_conn(srv, API_RETRY_IDEMPOTENT, op_fetch, &a, NULL);
    }
    if (st != NT_OK)
        return st;
    for (uint32_t i = 0; i < out->count; i++) {
        sess_info *s = &out->v[i];
        /* Samba computes "seconds since connect" as now - start and reports
         * the caller's own brand-new session as (uint32)-1: a negative
         * interval is reported as 0 rather than as 136 years. */
        if (s->num[SF_TIME] >= 0x80000000u)
            s->num[SF_TIME] = 0;
        if (s->num[SF_IDLE_TIME] >= 0x80000000u)
            s->num[SF_IDLE_TIME] = 0;
        /* Client names as Windows gives them: "\\name". */
        nt_wchar *c = s->str[SF_CNAME];
        if (c && !(c[0] == '\\' && c[1] == '\\')) {
            size_t n = nt_wcslen(c);
            nt_wchar *p = nt_calloc(n + 3, sizeof(nt_wchar));
            if (!p) {
                sess_list_free(out);
                return NT_ERROR_NOT_ENOUGH_MEMORY;
            }
            p[0] = p[1] = '\\';
            memcpy(p + 2, c, n * sizeof(nt_wchar));
            free(c);
            s->str[SF_CNAME] = p;
        }
    }
    return NT_OK;
}

static bool bring_to_level(sess_list *l, const sess_level *want)
{
    if (l->level == want->level)
        return true;
    for (uint32_t i = 0; i < l->count; i++)
        if (!sess_info_derive(&l->v[i], l->level, want->level))
            return false;
    l->level = want->level;
    return true;
}

static uint32_t apply_filters(sess_list *l, const nt_wchar *client, const nt_wchar *user);

/* The server's sessions matching the filters, at the requested level. */
static uint32_t fetch_filtered(const api_server *srv, const sess_level *want, const nt_wchar *client,
                               const nt_wchar *user, sess_list *out)
{
    uint32_t st = fetch_sessions(srv, want, client, user, out);
    if (st == NT_OK)
        st = apply_filters(out, client, user);
    if (st == NT_OK && !bring_to_level(out, want))
        st = NT_ERROR_NOT_ENOUGH_MEMORY;
    return st;
}

/* ---- filters ------------------------------------------------------------------- */
static const nt_wchar *skip_unc(const nt_wchar *s)
{
    return (s && s[0] == '\\' && s[1] == '\\') ? s + 2 : s;
}

static const nt_wchar *empty_to_null(const nt_wchar *s)
{
    return (s && s[0]) ? s : NULL;
}

static bool client_matches(const sess_info *s, const nt_wchar *client)
{
    return !client || (s->str[SF_CNAME] && nt_wcsicmp(skip_unc(s->str[SF_CNAME]), skip_unc(client)) == 0);
}

static bool user_matches(const sess_info *s, const nt_wchar *user)
{
    if (!user)
        return true;
    if (!(s->present & (1u << SF_USERNAME)))
        return true; /* level without user names: the server filtered */
    return s->str[SF_USERNAME] && nt_wcsicmp(s->str[SF_USERNAME], user) == 0;
}

/* Keeps the entries matching both filters, in the server's order.
 * Returns NT_OK, or the documented "nothing matched" code. */
static uint32_t apply_filters(sess_list *l, const nt_wchar *client, const nt_wchar *user)
{
    if (!client && !user)
        return NT_OK;
    bool any_client = false;
    uint32_t k = 0;
    for (uint32_t i = 0; i < l->count; i++) {
        bool cm = client_matches(&l->v[i], client);
        any_client |= cm;
        if (cm && user_matches(&l->v[i], user))
            l->v[k++] = l->v[i];
        else
            sess_info_clear(&l->v[i]);
    }
    l->count = k;
    if (k == 0)
        return (client && !any_client) ? NT_NERR_ClientNameNotFound : NT_NERR_UserNotFound;
    return NT_OK;
}

static void trace_result(const char *fn, const api_server *srv, uint32_t level, uint32_t st, uint64_t t0)
{
    nt_trace("%s server=%s level=%u -> %u (%llu ms)", fn, srv->host, (unsigned)level, (unsigned)st,
             (unsigned long long)(nt_now_ms() - t0));
}

/* Internal transport codes folded into the documented ones. */
static uint32_t public_status(const api_server *srv, uint32_t st)
{
    switch (st) {
    case NT_ERROR_CONNECTION_REFUSED:
        return srv->local ? NT_NERR_ServerNotStarted : NT_ERROR_BAD_NETPATH;
    case NT_ERROR_NETNAME_DELETED:
        return NT_ERROR_UNEXP_NET_ERR;
    case NT_ERROR_BAD_NET_NAME:
        return NT_ERROR_BAD_NETPATH;
    default:
        return st;
    }
}

/* A stable order (client, user, longest-connected first): servers such as
 * Samba return their sessions in a different order on every call. */
static int cmp_wstr(const nt_wchar *a, const nt_wchar *b)
{
    static const nt_wchar empty[1] = {0};
    return nt_wcsicmp(a ? a : empty, b ? b : empty);
}

static int cmp_sess(const void *pa, const void *pb)
{
    const sess_info *a = pa, *b = pb;
    int c = cmp_wstr(a->str[SF_CNAME], b->str[SF_CNAME]);
    if (!c)
        c = cmp_wstr(a->str[SF_USERNAME], b->str[SF_USERNAME]);
    if (!c && a->num[SF_TIME] != b->num[SF_TIME])
        c = a->num[SF_TIME] > b->num[SF_TIME] ? -1 : 1;
    return c;
}

/* ---- resume snapshots ------------------------------------------------------------
 * A walk with the resume handle must return every entry exactly once even
 * when the server ignores paging and sessions come and go meanwhile, so the
 * first page's filtered list is kept and later pages are served from it.
 * Handle = (snapshot id << 16) | index.  Snapshots expire after
 * SNAP_TTL_MS; an unknown handle falls back to a fresh list (sorted) and
 * uses its index part. */
#define SNAP_MAX 16
#define SNAP_TTL_MS 120000u
#define SNAP_MAX_ENTRIES 0xFFFFu

typedef struct snapshot {
    uint16_t id;           /* 0 = free slot */
    uint64_t stamp;
    char *key;             /* host|level|client|user */
    sess_list list;
} snapshot;

static nt_mutex g_snap_lock = NT_MUTEX_INIT;
static snapshot g_snaps[SNAP_MAX];
static uint16_t g_snap_next = 1;

static char *snap_key(const api_server *srv, uint32_t level, const nt_wchar *client, const nt_wchar *user)
{
    char *c = client ? nt_utf16_to_utf8(client, nt_wcslen(client)) : NULL;
    char *u = user ? nt_utf16_to_utf8(user, nt_wcslen(user)) : NULL;
    size_t n = strlen(srv->host) + (c ? strlen(c) : 0) + (u ? strlen(u) : 0) + 32;
    char *k = malloc(n);
    if (k)
        snprintf(k, n, "%s|%u|%s|%s", srv->host, (unsigned)level, c ? c : "", u ? u : "");
    free(c);
    free(u);
    return k;
}

static void snap_free(snapshot *s)
{
    free(s->key);
    sess_list_free(&s->list);
    memset(s, 0, sizeof(*s));
}

/* Removes and returns the snapshot a handle names (false when unknown). */
static bool snap_take(uint32_t handle, const char *key, snapshot *out)
{
    uint16_t id = (uint16_t)(handle >> 16);
    bool found = false;
    uint64_t now = nt_now_ms();
    nt_mutex_lock(&g_snap_lock);
    for (int i = 0; i < SNAP_MAX; i++) {
        snapshot *s = &g_snaps[i];
        if (s->id && now - s->stamp > SNAP_TTL_MS)
            snap_free(s);
        if (s->id && s->id == id && !found && key && strcmp(s->key, key) == 0) {
            *out = *s;
            memset(s, 0, sizeof(*s));
            found = true;
        }
    }
    nt_mutex_unlock(&g_snap_lock);
    return found;
}

/* Stores a snapshot (taking ownership of key and list); returns its id. */
static uint16_t snap_put(uint16_t id, char *key, sess_list *list)
{
    nt_mutex_lock(&g_snap_lock);
    if (!id) {
        id = g_snap_next++;
        if (g_snap_next == 0 || g_snap_next > 0x7FFF)
            g_snap_next = 1;
    }
    int slot = 0;
    for (int i = 0; i < SNAP_MAX; i++) {
        if (!g_snaps[i].id) {
            slot = i;
            break;
        }
        if (g_snaps[i].stamp < g_snaps[slot].stamp)
            slot = i; /* evict the oldest when full */
    }
    if (g_snaps[slot].id)
        snap_free(&g_snaps[slot]);
    g_snaps[slot].id = id;
    g_snaps[slot].stamp = nt_now_ms();
    g_snaps[slot].key = key;
    g_snaps[slot].list = *list;
    memset(list, 0, sizeof(*list));
    nt_mutex_unlock(&g_snap_lock);
    return id;
}

void api_snapshots_clear(void)
{
    nt_mutex_lock(&g_snap_lock);
    for (int i = 0; i < SNAP_MAX; i++)
        if (g_snaps[i].id)
            snap_free(&g_snaps[i]);
    nt_mutex_unlock(&g_snap_lock);
}

/* ---- NetSessionEnum ----------------------------------------------------------- */
uint32_t api_session_enum(const nt_wchar *server, const nt_wchar *client, const nt_wchar *user,
                          uint32_t level, uint8_t **bufptr, uint32_t prefmaxlen, uint32_t *entriesread,
                          uint32_t *totalentries, uint32_t *resume_handle)
{
    if (bufptr)
        *bufptr = NULL;
    if (entriesread)
        *entriesread = 0;
    if (totalentries)
        *totalentries = 0;
    if (!bufptr || !entriesread || !totalentries)
        return NT_ERROR_INVALID_PARAMETER;
    const sess_level *want = sess_level_find(level);
    if (!want)
        return NT_ERROR_INVALID_LEVEL;
    api_server srv;
    uint32_t st = api_parse_server(server, &srv);
    if (st != NT_OK)
        return st;
    uint64_t t0 = nt_now_ms();
    client = empty_to_null(client);
    user = empty_to_null(user);

    uint32_t handle = resume_handle ? *resume_handle : 0;
    char *key = snap_key(&srv, level, client, user);
    snapshot snap;
    memset(&snap, 0, sizeof(snap));
    sess_list l;
    memset(&l, 0, sizeof(l));
    uint32_t start = 0;
    if (handle && snap_take(handle, key, &snap)) {
        l = snap.list;           /* continue the walk the first page started */
        memset(&snap.list, 0, sizeof(snap.list));
        start = handle & 0xFFFFu;
        free(snap.key);
        snap.key = NULL;
    } else {
        snap.id = 0;
        start = handle & 0xFFFFu;
        st = fetch_filtered(&srv, want, client, user, &l);
        if (st == NT_OK && l.count > SNAP_MAX_ENTRIES) {
            for (uint32_t i = SNAP_MAX_ENTRIES; i < l.count; i++)
                sess_info_clear(&l.v[i]);
            l.count = SNAP_MAX_ENTRIES;
        }
        if (st == NT_OK && l.count > 1)
            qsort(l.v, l.count, sizeof(sess_info), cmp_sess);
    }
    if (st == NT_OK) {
        if (start > l.count)
            start = l.count;
        uint32_t n = 0;
        size_t used = 0;
        while (start + n < l.count) {
            size_t e = api_entry_size(want, &l.v[start + n]);
            if (prefmaxlen != NT_MAX_PREFERRED_LENGTH && n > 0 && used + e > prefmaxlen)
                break;
            used += e;
            n++;
        }
        sess_info **ptrs = nt_calloc(n ? n : 1, sizeof(*ptrs));
        if (!ptrs) {
            st = NT_ERROR_NOT_ENOUGH_MEMORY;
        } else {
            for (uint32_t i = 0; i < n; i++)
                ptrs[i] = &l.v[start + i];
            uint8_t *block = NULL;
            st = n ? api_pack(want, ptrs, n, &block) : NT_OK;
            free(ptrs);
            if (st == NT_OK) {
                *bufptr = block;
                *entriesread = n;
                *totalentries = l.count - start;
                bool more = start + n < l.count;
                if (resume_handle) {
                    *resume_handle = 0;
                    if (more && key) {
                        uint16_t id = snap_put(snap.id, key, &l);
                        key = NULL;
                        *resume_handle = ((uint32_t)id << 16) | (start + n);
                    }
                }
                st = more ? NT_ERROR_MORE_DATA : NT_OK;
            }
        }
    }
    free(key);
    sess_list_free(&l);
    st = public_status(&srv, st);
    trace_result("NetSessionEnum", &srv, level, st, t0);
    api_server_free(&srv);
    return st;
}

/* ---- NetSessionGetInfo -------------------------------------------------------- */
uint32_t api_session_getinfo(const nt_wchar *server, const nt_wchar *client, const nt_wchar *user,
                             uint32_t level, uint8_t **bufptr)
{
    if (bufptr)
        *bufptr = NULL;
    if (!bufptr || !client || !client[0] || !user || !user[0])
        return NT_ERROR_INVALID_PARAMETER;
    const sess_level *want = sess_level_find(level);
    if (!want || !want->getinfo)
        return NT_ERROR_INVALID_LEVEL;
    api_server srv;
    uint32_t st = api_parse_server(server, &srv);
    if (st != NT_OK)
        return st;
    uint64_t t0 = nt_now_ms();
    sess_list l;
    memset(&l, 0, sizeof(l));
    st = fetch_filtered(&srv, want, client, user, &l);
    if (st == NT_OK) {
        sess_info *first = &l.v[0]; /* the first of several matches */
        st = api_pack(want, &first, 1, bufptr);
    }
    sess_list_free(&l);
    st = public_status(&srv, st);
    trace_result("NetSessionGetInfo", &srv, level, st, t0);
    api_server_free(&srv);
    return st;
}

/* ---- NetSessionDel ------------------------------------------------------------- */
typedef struct del_arg {
    const api_server *srv;
    const nt_wchar *client;
    const nt_wchar *user;
} del_arg;

static uint32_t op_del(rpc_conn *rpc, void *varg)
{
    del_arg *a = varg;
    return srvs_session_del(rpc, a->srv->unc, a->client, a->user);
}

uint32_t api_session_del(const nt_wchar *server, const nt_wchar *client, const nt_wchar *user)
{
    api_server srv;
    uint32_t st = api_parse_server(server, &srv);
    if (st != NT_OK)
        return st;
    uint64_t t0 = nt_now_ms();
    client = empty_to_null(client);
    user = empty_to_null(user);
    del_arg a = {&srv, client, user};
    bool dropped = false;
    st = api_with_conn(&srv, API_RETRY_ONCE, op_del, &a, &dropped);
    if (st != NT_OK && dropped) {
        /* The request went out and the server then dropped us: we ended our
         * own session along with the others.  That is success; the cached
         * connection is gone and the next call reconnects. */
        nt_trace("NetSessionDel: server dropped the connection after the request: our own session was deleted");
        st = NT_OK;
    } else if (st == NT_ERROR_ACCESS_DENIED) {
        /* Samba answers "access denied" also when nothing matched: look. */
        const sess_level *l1 = sess_level_find(1);
        sess_list l;
        memset(&l, 0, sizeof(l));
        uint32_t est = fetch_filtered(&srv, l1, client, user, &l);
        if (est == NT_NERR_ClientNameNotFound || est == NT_NERR_UserNotFound)
            st = NT_NERR_ClientNameNotFound;
        sess_list_free(&l);
    } else if (st == NT_NERR_UserNotFound) {
        st = NT_NERR_ClientNameNotFound; /* the documented code for "no such session" */
    }
    st = public_status(&srv, st);
    nt_trace("NetSessionDel server=%s client=%s user=%s -> %u (%llu ms)", srv.host, client ? "set" : "all",
             user ? "set" : "all", (unsigned)st, (unsigned long long)(nt_now_ms() - t0));
    api_server_free(&srv);
    return st;
}
