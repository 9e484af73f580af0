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
 * Servers that page themselves (Windows) are followed to the end of their
 * list (srvs_session_enum_all) before any of that.
 *
 * The server's answer and the transport's failure stay apart: a
 * NET_API_STATUS the server answered reaches the caller unchanged (a fault
 * as rpc_fault_status maps it) and never affects the cached connection;
 * only transport failures are folded into the documented codes.
 */
#include "session_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- asking the server ------------------------------------------------------- */
/* Internal transport codes folded into the documented ones.  Only for the
 * transport's status: the server's own answer is passed through unchanged. */
static uint32_t transport_status(const api_server *srv, uint32_t st)
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

static uint32_t op_fetch(rpc_conn *rpc, void *varg);
static uint32_t op_del(rpc_conn *rpc, void *varg);

/* Runs op with a connection to srv (or its RAP form, rap.c, on a server
 * without srvsvc).  *answered tells whether the server
 * answered (*ans, filled by op, is then its answer); the result is the
 * folded transport failure or the answer as Windows gives it. */
static uint32_t ask_server(const api_server *srv, api_retry policy, api_op_fn op, void *arg,
                           const srvs_answer *ans, bool *answered, bool *dropped)
{
    api_rap_fn rap = op == op_fetch ? api_rap_fetch : op == op_del ? api_rap_del : NULL;
    uint32_t st = api_with_conn_rap(srv, policy, op, rap, arg, dropped);
    *answered = st == NT_OK;
    return st != NT_OK ? transport_status(srv, st) : srvs_answer_status(ans);
}

/* Did the server itself answer with NET_API_STATUS `werr`? */
static bool server_said(bool answered, const srvs_answer *ans, uint32_t werr)
{
    return answered && !ans->fault && ans->werr == werr;
}

/* True when every surrogate in s is paired (NULL is fine).  A filter that
 * is not well-formed UTF-16 cannot name any session; it is not sent to the
 * server (Samba cannot convert it and faults) but compared here, as UTF-16
 * code units, where it matches nothing. */
static bool utf16_ok(const nt_wchar *s)
{
    for (; s && *s; s++) {
        if (*s >= 0xD800 && *s <= 0xDBFF && s[1] >= 0xDC00 && s[1] <= 0xDFFF)
            s++;
        else if (*s >= 0xD800 && *s <= 0xDFFF)
            return false;
    }
    return true;
}

static const nt_wchar *sendable(const nt_wchar *s)
{
    return utf16_ok(s) ? s : NULL;
}

/* ---- fetching ------------------------------------------------------------------ */
/* Whole list at one level, following the server's own paging. */
static uint32_t op_fetch(rpc_conn *rpc, void *varg)
{
    fetch_arg *a = varg;
    return srvs_session_enum_all(rpc, a->srv->unc, a->client, a->user, a->level, a->out, &a->ans);
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
    fetch_arg a = {srv, sendable(client), sendable(user), level, out, {0, 0}};
    bool answered = false;
    uint32_t st = ask_server(srv, API_RETRY_IDEMPOTENT, op_fetch, &a, &a.ans, &answered, NULL);
    if (server_said(answered, &a.ans, NT_ERROR_INVALID_LEVEL) && level == want->level &&
        want->derive_from != SESS_LEVEL_NONE) {
        nt_trace("server %s lacks level %u: deriving it from level %u", srv->host, (unsigned)want->level,
                 (unsigned)want->derive_from);
        api_level_set_missing(srv, want->level);
        a.level = level = want->derive_from;
        st = ask_server(srv, API_RETRY_IDEMPOTENT, op_fetch, &a, &a.ans, &answered, NULL);
    } else if (server_said(answered, &a.ans, NT_ERROR_ACCESS_DENIED) && level != want->level && a.user == user) {
        /* Level 1 refused where level 0 may be allowed: let the server
         * filter (only possible when the user filter could be sent). */
        a.level = level = want->level;
        st = ask_server(srv, API_RETRY_IDEMPOTENT, op_fetch, &a, &a.ans, &answered, NULL);
    }
    if (st != NT_OK)
        return st;
    /* Client names as Windows gives them ("\\name"), intervals clamped:
     * the level table's normalisation step. */
    for (uint32_t i = 0; i < out->count; i++) {
        if (!sess_info_normalise(&out->v[i])) {
            sess_list_free(out);
            return NT_ERROR_NOT_ENOUGH_MEMORY;
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
static const nt_wchar *empty_to_null(const nt_wchar *s)
{
    return (s && s[0]) ? s : NULL;
}

static bool client_matches(const sess_info *s, const nt_wchar *client)
{
    return !client || (s->str[SF_CNAME] && nt_wcsicmp(nt_skip_unc(s->str[SF_CNAME]), nt_skip_unc(client)) == 0);
}

static bool user_matches(const sess_info *s, const nt_wchar *user)
{
    if (!user)
        return true;
    if (!(s->present & (1u << SF_USERNAME)))
        return utf16_ok(user); /* level without user names: the server filtered (if it was sent) */
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

/* ---- NetSessionEnum ----------------------------------------------------------- */
/* The list a call pages through: its walk's snapshot, or a fresh one.
 * NT_ERROR_INVALID_PARAMETER for a resume handle this DLL never issued. */
static uint32_t enum_list(const api_server *srv, const sess_level *want, const nt_wchar *client,
                          const nt_wchar *user, uint32_t handle, const char *key, sess_list *l, uint16_t *id,
                          uint32_t *start)
{
    snap_resume_kind kind = snap_resume(handle, key, l, id, start);
    if (kind == SNAP_INVALID) {
        nt_trace("NetSessionEnum: resume handle 0x%08x was never issued for this query", (unsigned)handle);
        return NT_ERROR_INVALID_PARAMETER;
    }
    if (kind == SNAP_CONTINUE)
        return NT_OK;
    if (kind == SNAP_REBUILD)
        nt_trace("NetSessionEnum: the walk of resume handle 0x%08x expired: continuing in a fresh list",
                 (unsigned)handle);
    uint32_t st = fetch_filtered(srv, want, client, user, l);
    if (st == NT_OK && l->count > SNAP_MAX_ENTRIES) {
        for (uint32_t i = SNAP_MAX_ENTRIES; i < l->count; i++)
            sess_info_clear(&l->v[i]);
        l->count = SNAP_MAX_ENTRIES;
    }
    if (st == NT_OK && l->count > 1)
        qsort(l->v, l->count, sizeof(sess_info), cmp_sess);
    return st;
}

/* Packs entries from *start that fit prefmaxlen (at least one) into *bufptr. */
static uint32_t enum_page(const sess_level *want, sess_list *l, uint32_t start, uint32_t prefmaxlen,
                          uint8_t **bufptr, uint32_t *n_out)
{
    uint32_t n = 0;
    size_t used = 0;
    while (start + n < l->count) {
        size_t e = api_entry_size(want, &l->v[start + n]);
        if (prefmaxlen != NT_MAX_PREFERRED_LENGTH && n > 0 && used + e > prefmaxlen)
            break;
        used += e;
        n++;
    }
    *n_out = n;
    if (n == 0)
        return NT_OK;
    sess_info **ptrs = nt_calloc(n, sizeof(*ptrs));
    if (!ptrs)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    for (uint32_t i = 0; i < n; i++)
        ptrs[i] = &l->v[start + i];
    uint32_t st = api_pack(want, ptrs, n, bufptr);
    free(ptrs);
    return st;
}

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

    char *key = snap_key(&srv, level, client, user);
    sess_list l;
    uint16_t id = 0;
    uint32_t start = 0, n = 0;
    st = key ? enum_list(&srv, want, client, user, resume_handle ? *resume_handle : 0, key, &l, &id, &start)
             : NT_ERROR_NOT_ENOUGH_MEMORY;
    if (!key)
        memset(&l, 0, sizeof(l));
    if (st == NT_OK) {
        if (start > l.count)
            start = l.count;
        st = enum_page(want, &l, start, prefmaxlen, bufptr, &n);
    }
    if (st == NT_OK) {
        *entriesread = n;
        *totalentries = l.count - start;
        bool more = start + n < l.count;
        /* A list the server could not send whole (RAP, rap.c): the page
         * with its last entry says ERROR_MORE_DATA and counts the missing
         * ones too; its resume handle ends the walk with nothing more (RAP
         * cannot resume), so loops on ERROR_MORE_DATA terminate. */
        bool cut = l.missing && n > 0 && !more;
        if (l.missing && n > 0)
            *totalentries += l.missing;
        if (resume_handle) {
            *resume_handle = 0;
            if (more || cut) {
                id = snap_put(id, key, &l);
                key = NULL;
                *resume_handle = ((uint32_t)id << 16) | (start + n);
            }
        }
        st = more || cut ? NT_ERROR_MORE_DATA : NT_OK;
    }
    free(key);
    sess_list_free(&l);
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
    trace_result("NetSessionGetInfo", &srv, level, st, t0);
    api_server_free(&srv);
    return st;
}

/* ---- NetSessionDel ------------------------------------------------------------- */
static uint32_t op_del(rpc_conn *rpc, void *varg)
{
    del_arg *a = varg;
    return srvs_session_del(rpc, a->srv->unc, a->client, a->user, &a->ans);
}

/* Whether anything matches the filters: NERR_ClientNameNotFound when
 * nothing does, else `otherwise` (or the enumeration's own failure, such
 * as ERROR_ACCESS_DENIED, when there is no list to look at). */
static uint32_t del_check_match(const api_server *srv, const nt_wchar *client, const nt_wchar *user,
                                uint32_t otherwise)
{
    sess_list l;
    memset(&l, 0, sizeof(l));
    uint32_t est = fetch_filtered(srv, sess_level_root(), client, user, &l);
    sess_list_free(&l);
    if (est == NT_NERR_ClientNameNotFound || est == NT_NERR_UserNotFound)
        return NT_NERR_ClientNameNotFound;
    return est == NT_OK ? otherwise : est;
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
    del_arg a = {&srv, client, user, {0, 0}, NULL};
    bool dropped = false, answered = false;
    if (!utf16_ok(client) || !utf16_ok(user)) {
        /* Names no session can have: nothing to delete (said after the
         * same access check an enumeration makes). */
        st = del_check_match(&srv, client, user, NT_NERR_ClientNameNotFound);
    } else {
        st = ask_server(&srv, API_RETRY_ONCE, op_del, &a, &a.ans, &answered, &dropped);
        rap_drop d = !answered && dropped ? api_rap_del_dropped(&a) : RAP_DROP_NOT_RAP;
        if (d == RAP_DROP_GO_ON) {
            nt_trace("NetSessionDel: the connection ended with one of the user's clients (ours): going on, "
                     "once, on a new connection");
            st = ask_server(&srv, API_RETRY_ONCE, op_del, &a, &a.ans, &answered, &dropped);
            d = !answered && dropped ? api_rap_del_dropped(&a) : RAP_DROP_NOT_RAP;
        }
        if (d == RAP_DROP_NOTHING_SENT) {
            nt_trace("NetSessionDel: the connection was lost before a delete was sent: nothing deleted");
            dropped = false;
            st = NT_ERROR_UNEXP_NET_ERR;
        }
        api_rap_del_free(&a);
    }
    if (!answered && dropped) {
        /* The request went out and the server then dropped us: we ended our
         * own session along with the others.  That is success; the cached
         * connection is gone and the next call reconnects. */
        nt_trace("NetSessionDel: server dropped the connection after the request: our own session was deleted");
        st = NT_OK;
    } else if (!answered && st == NT_ERROR_NETNAME_DELETED) {
        /* Dropped while other calls shared the connection (conn.c): the
         * drop may be theirs.  Done if nothing the delete names is left;
         * else (maybe only our new session) the outcome is unknown. */
        st = del_check_match(&srv, client, user, NT_ERROR_NETNAME_DELETED) == NT_NERR_ClientNameNotFound
                 ? NT_OK
                 : NT_ERROR_NETNAME_DELETED;
        nt_trace("NetSessionDel: connection shared with other calls dropped: %s",
                 st == NT_OK ? "nothing named is left" : "sessions named are still there");
    } else if (answered && st == NT_ERROR_ACCESS_DENIED) {
        /* Samba answers "access denied" also when nothing matched: look. */
        st = del_check_match(&srv, client, user, NT_ERROR_ACCESS_DENIED);
        if (st != NT_NERR_ClientNameNotFound)
            st = NT_ERROR_ACCESS_DENIED;
    } else if (server_said(answered, &a.ans, NT_NERR_UserNotFound)) {
        st = NT_NERR_ClientNameNotFound; /* the documented code for "no such session" */
    }
    nt_trace("NetSessionDel server=%s client=%s user=%s -> %u (%llu ms)", srv.host, client ? "set" : "all",
             user ? "set" : "all", (unsigned)st, (unsigned long long)(nt_now_ms() - t0));
    api_server_free(&srv);
    return st;
}
