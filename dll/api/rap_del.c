/*
 * NetSessionDel over RAP (the api_rap_fn form of session.c's delete, on a
 * server without srvsvc).  RAP NetSessionDel (MS-RAP opcode 8) names a
 * client only, and ends EVERY session from that client.  srvsvc's
 * NetrSessionDel also takes a user name (MS-SRVS: the user's sessions, from
 * every client or from the one given), so that is built here from RAP calls
 * on the same connection:
 *
 *  - client only: one RAP NetSessionDel of the name as given;
 *  - a user name (with or without a client): RAP NetSessionEnum of the whole
 *    list (level 10: client and user names; api_rap_fetch), then, for every
 *    client that has a session of that user (and is the client given, if
 *    one was), one RAP NetSessionDel of that client, but ONLY when every
 *    session from that client is that user's: a client that also carries
 *    another user's session is left alone, since deleting it would end that
 *    other user's session too.  Names compare case-insensitively, without
 *    a leading "\\";
 *  - neither: ERROR_NOT_SUPPORTED (ending every session would end our own
 *    connection in the middle of the walk; srvsvc's "all sessions" has no
 *    safe RAP form).
 *
 * Results, as the srvsvc path gives them (session.c) where RAP can do the
 * same: every matching session ended: NERR_Success; no session of that user
 * (from that client): NERR_ClientNameNotFound (2312: session.c reports
 * every "nothing matched" of NetSessionDel so, as Windows documents);
 * some sessions of the user share their client with another user's:
 * ERROR_NOT_SUPPORTED (50), after the user's other clients were deleted
 * (what could be done safely is done; the rest needs a delete the protocol
 * cannot express); a list the server could not send whole (more than 64
 * KiB, rap.c) may hide other users' sessions: ERROR_NOT_SUPPORTED with
 * nothing deleted.  The enumeration's own refusal (e.g. ERROR_ACCESS_DENIED)
 * and the first refusal of a delete are passed on (earlier deletes stay
 * done); a transport failure mid-way is returned as such (session.c folds
 * it; the clients already deleted stay deleted).  A server that says
 * NERR_ClientNameNotFound for one client (its sessions ended meanwhile)
 * counts that client as done.
 */
#include "session_int.h"

#include "../rap/rap.h"

#include <stdlib.h>
#include <string.h>

static const nt_wchar *bare(const nt_wchar *s)
{
    return (s && s[0] == '\\' && s[1] == '\\') ? s + 2 : s;
}

static bool same_client(const sess_info *s, const nt_wchar *client)
{
    return s->str[SF_CNAME] && client && nt_wcsicmp(bare(s->str[SF_CNAME]), bare(client)) == 0;
}

/* A session without a user name is never "that user's". */
static bool same_user(const sess_info *s, const nt_wchar *user)
{
    return s->str[SF_USERNAME] && nt_wcsicmp(s->str[SF_USERNAME], user) == 0;
}

static bool matches(const sess_info *s, const del_arg *a)
{
    return same_user(s, a->user) && (!a->client || same_client(s, a->client));
}

/* Whether entry i is the first matching entry of its client (each client
 * is deleted once). */
static bool first_of_client(const sess_list *l, uint32_t i, const del_arg *a)
{
    for (uint32_t j = 0; j < i; j++)
        if (matches(&l->v[j], a) && same_client(&l->v[j], l->v[i].str[SF_CNAME]))
            return false;
    return true;
}

/* Whether client name `client` also has a session of another user (or of
 * no user name at all). */
static bool shared_client(const sess_list *l, const nt_wchar *client, const nt_wchar *user)
{
    for (uint32_t k = 0; k < l->count; k++)
        if (same_client(&l->v[k], client) && !same_user(&l->v[k], user))
            return true;
    return false;
}

/* The name a listed client is deleted by: the caller's when it gave one,
 * else the listed name with the "\\" a caller would give.  NULL when out
 * of memory (*owned then says nothing). */
static const nt_wchar *del_name(const del_arg *a, const nt_wchar *listed, nt_wchar **owned)
{
    *owned = NULL;
    if (a->client)
        return a->client;
    if (listed[0] == '\\' && listed[1] == '\\')
        return listed;
    size_t n = nt_wcslen(listed);
    nt_wchar *w = nt_calloc(n + 3, sizeof(nt_wchar));
    if (!w)
        return NULL;
    w[0] = w[1] = '\\';
    memcpy(w + 2, listed, n * sizeof(nt_wchar));
    *owned = w;
    return w;
}

/* One matched client deleted by name: the transport's status; the
 * server's refusal in *refused (0: deleted, or already gone). */
static uint32_t del_one(const np_conn *c, const del_arg *a, const nt_wchar *listed, uint32_t *refused)
{
    nt_wchar *owned;
    const nt_wchar *name = del_name(a, listed, &owned);
    *refused = 0;
    if (!name)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    uint32_t status = 0;
    uint32_t st = api_rap_del_client(c, name, &status);
    free(owned);
    if (st == NT_OK && status != 0 && status != NT_NERR_ClientNameNotFound)
        *refused = status;
    return st;
}

/* The deletes over the whole list l (see the top of the file). */
static uint32_t del_matching(const np_conn *c, del_arg *a, const sess_list *l)
{
    unsigned matched = 0, ended = 0, kept = 0;
    for (uint32_t i = 0; i < l->count; i++) {
        const sess_info *s = &l->v[i];
        if (!matches(s, a))
            continue;
        matched++;
        if (!s->str[SF_CNAME] || !s->str[SF_CNAME][0] || shared_client(l, s->str[SF_CNAME], a->user)) {
            kept++; /* no name to delete by, or another user's session shares the client */
            continue;
        }
        if (!first_of_client(l, i, a))
            continue;
        uint32_t refused = 0;
        uint32_t st = del_one(c, a, s->str[SF_CNAME], &refused);
        if (st != NT_OK || refused) {
            nt_trace("rap: NetSessionDel by user: a client's delete failed (transport %u, server %u) after %u "
                     "deleted", (unsigned)st, (unsigned)refused, ended);
            a->ans.werr = refused;
            return st;
        }
        ended++;
    }
    a->ans.werr = matched == 0 ? NT_NERR_ClientNameNotFound : kept ? NT_ERROR_NOT_SUPPORTED : NT_OK;
    nt_trace("rap: NetSessionDel by user%s: %u of %u sessions matched, %u clients deleted, %u "
             "sessions kept (their client has another user's sessions) -> %u", a->client ? " and client" : "",
             matched, l->count, ended, kept, (unsigned)a->ans.werr);
    return NT_OK;
}

/* NetSessionDel with a user name: the list, then del_matching. */
static uint32_t del_user(const np_conn *c, del_arg *a)
{
    sess_list l;
    memset(&l, 0, sizeof(l));
    fetch_arg f = {a->srv, NULL, NULL, 10, &l, {0, 0}};
    uint32_t st = api_rap_fetch(c, &f);
    if (st != NT_OK)
        return st;
    if (f.ans.werr != NT_OK) {
        nt_trace("rap: NetSessionDel by user: the enumeration was refused (%u)", (unsigned)f.ans.werr);
        a->ans.werr = f.ans.werr;
    } else if (l.missing) {
        nt_trace("rap: NetSessionDel by user: the list is incomplete (%u sessions not sent): other users' "
                 "sessions could be hidden, nothing deleted", (unsigned)l.missing);
        a->ans.werr = NT_ERROR_NOT_SUPPORTED;
    } else {
        st = del_matching(c, a, &l);
    }
    sess_list_free(&l);
    return st;
}

uint32_t api_rap_del(const np_conn *c, void *varg)
{
    del_arg *a = varg;
    a->ans.fault = 0;
    a->ans.werr = 0;
    if (a->user)
        return del_user(c, a);
    if (!a->client) {
        nt_trace("rap: NetSessionDel without client or user: not supported over RAP (it would end every "
                 "session, ours among them)");
        a->ans.werr = NT_ERROR_NOT_SUPPORTED;
        return NT_OK;
    }
    return api_rap_del_client(c, a->client, &a->ans.werr);
}
