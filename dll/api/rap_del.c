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
 *  - neither (srvsvc: every session on the server): the same walk with
 *    every session matching, so every client listed is deleted.
 *
 * Results, as the srvsvc path gives them (session.c) where RAP can do the
 * same: every matching session ended: NERR_Success; no session of that user
 * (from that client): NERR_ClientNameNotFound (2312: session.c reports
 * every "nothing matched" of NetSessionDel so, as Windows documents);
 * some sessions of the user share their client with another user's:
 * ERROR_NOT_SUPPORTED (50), after the user's other clients were deleted
 * (what could be done safely is done; the rest needs a delete the protocol
 * cannot express; a matching session listed without a client name, which
 * RAP cannot name, counts the same); a list the server could not send
 * whole (more than 64 KiB, rap.c) may hide other users' sessions:
 * ERROR_NOT_SUPPORTED with nothing deleted.  The enumeration's own refusal (e.g. ERROR_ACCESS_DENIED)
 * and the first refusal of a delete are passed on (earlier deletes stay
 * done); a transport failure mid-way is returned as such (session.c folds
 * it; the clients already deleted stay deleted).  A server that says
 * NERR_ClientNameNotFound for one client (its sessions ended meanwhile)
 * counts that client as done.
 *
 * Our own session: when the caller is logged on as that user (or every
 * session is deleted), one of the clients is ours, and its delete ends our
 * connection (the server drops it after or instead of answering), which
 * may come before the user's other clients.  The first round keeps the
 * client names it sent (rap_del_sent); when its connection is lost after a
 * delete was sent, session.c runs the deletion once more on a new
 * connection (api_rap_del_dropped), which lists again, skips the clients
 * whose delete the server answered (ours, if answered, is among them, and
 * our new connection is from it again) and deletes last the one whose
 * delete was lost (ours, if the server dropped us instead of answering):
 * the result is that second round's, with "nothing left" being success.
 * A connection lost before any delete was sent deleted nothing:
 * ERROR_UNEXP_NET_ERR, not session.c's "our own session ended" success.
 */
#include "session_int.h"

#include "../rap/rap.h"

#include <stdlib.h>
#include <string.h>

#define RAP_DEL_KEEP 64u /* client names kept for a second round */

struct rap_del_sent {
    nt_wchar *name[RAP_DEL_KEEP]; /* first round: deletes the server answered */
    unsigned n;
    nt_wchar *lost;      /* first round: the delete the connection was lost in */
    unsigned sent_round; /* deletes sent in the current round */
    bool overflow;       /* more names answered than kept: no second round */
    bool round2;
};

/* Client names compare case-insensitively, with or without "\\". */
static bool same_name(const nt_wchar *a, const nt_wchar *b)
{
    return a && b && nt_wcsicmp(nt_skip_unc(a), nt_skip_unc(b)) == 0;
}

static bool same_client(const sess_info *s, const nt_wchar *client)
{
    return same_name(s->str[SF_CNAME], client);
}

/* A session without a user name is never "that user's". */
static bool same_user(const sess_info *s, const nt_wchar *user)
{
    return s->str[SF_USERNAME] && nt_wcsicmp(s->str[SF_USERNAME], user) == 0;
}

static bool matches(const sess_info *s, const del_arg *a)
{
    return (!a->user || same_user(s, a->user)) && (!a->client || same_client(s, a->client));
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

/* Second round: whether the server answered a delete of client `listed` in
 * the first round (its sessions now are our new connection's). */
static bool sent_before(const rap_del_sent *r, const nt_wchar *listed)
{
    for (unsigned i = 0; r->round2 && i < r->n; i++)
        if (same_name(r->name[i], listed))
            return true;
    return false;
}

/* First round: keeps the name of a delete sent, answered (st 0) or lost. */
static void note_sent(rap_del_sent *r, const nt_wchar *name, uint32_t st)
{
    r->sent_round++;
    if (r->round2)
        return;
    nt_wchar *w = (st != NT_OK || r->n < RAP_DEL_KEEP) ? nt_wcsdup(name) : NULL;
    if (!w)
        r->overflow = true;
    else if (st != NT_OK)
        r->lost = w;
    else
        r->name[r->n++] = w;
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
    note_sent(a->rap, name, st);
    free(owned);
    if (st == NT_OK && status != 0 && status != NT_NERR_ClientNameNotFound)
        *refused = status;
    return st;
}

/* Deletes client cname; false (with *st, and a->ans.werr the server's
 * refusal) when the deletion is to stop there. */
static bool del_step(const np_conn *c, del_arg *a, const nt_wchar *cname, unsigned *ended, uint32_t *st)
{
    uint32_t refused = 0;
    *st = del_one(c, a, cname, &refused);
    if (*st != NT_OK || refused) {
        nt_trace("rap: NetSessionDel: a client's delete failed (transport %u, server %u) after %u deleted",
                 (unsigned)*st, (unsigned)refused, *ended);
        a->ans.werr = refused;
        return false;
    }
    (*ended)++;
    return true;
}

/* The deletes over the whole list l (see the top of the file).  In a second
 * round the client whose delete lost the first round's connection (ours,
 * or the one after ours) goes last. */
static uint32_t del_matching(const np_conn *c, del_arg *a, const sess_list *l)
{
    unsigned matched = 0, ended = 0, kept = 0, skipped = 0;
    const nt_wchar *last = NULL;
    uint32_t st = NT_OK;
    for (uint32_t i = 0; i < l->count; i++) {
        const nt_wchar *cname = l->v[i].str[SF_CNAME];
        if (!matches(&l->v[i], a))
            continue;
        matched++;
        if (cname && sent_before(a->rap, cname)) {
            skipped++; /* deleted in the first round: now our new connection's */
            continue;
        }
        if (!cname || !cname[0] || (a->user && shared_client(l, cname, a->user))) {
            kept++; /* no name to delete by, or another user's session shares the client */
            continue;
        }
        if (!first_of_client(l, i, a))
            continue;
        if (a->rap->round2 && same_name(a->rap->lost, cname))
            last = cname;
        else if (!del_step(c, a, cname, &ended, &st))
            return st;
    }
    if (last && !del_step(c, a, last, &ended, &st))
        return st;
    bool none = matched == 0 && !a->rap->round2; /* a second round finding none: all done */
    a->ans.werr = none ? NT_NERR_ClientNameNotFound : kept ? NT_ERROR_NOT_SUPPORTED : NT_OK;
    nt_trace("rap: NetSessionDel %s%s%s: %u of %u sessions matched, %u clients deleted, %u sessions "
             "kept (their client has another user's sessions), %u skipped (sent before) -> %u",
             a->user ? "by user" : "of every session", a->client ? " and client" : "",
             a->rap->round2 ? " (second round)" : "", matched, l->count, ended, kept, skipped, (unsigned)a->ans.werr);
    return NT_OK;
}

/* NetSessionDel with a user name, or of every session: the list, then
 * del_matching. */
static uint32_t del_listed(const np_conn *c, del_arg *a)
{
    if (!a->rap && !(a->rap = nt_calloc(1, sizeof(*a->rap))))
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    a->rap->sent_round = 0;
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
    if (a->user || !a->client)
        return del_listed(c, a);
    return api_rap_del_client(c, a->client, &a->ans.werr);
}

rap_drop api_rap_del_dropped(del_arg *a)
{
    rap_del_sent *r = a->rap;
    if (!r)
        return RAP_DROP_NOT_RAP;
    if (r->sent_round == 0)
        return RAP_DROP_NOTHING_SENT;
    if (r->round2 || r->overflow)
        return RAP_DROP_NOT_RAP; /* session.c's rule: the delete sent ended our session */
    r->round2 = true;
    return RAP_DROP_GO_ON;
}

void api_rap_del_free(del_arg *a)
{
    if (!a->rap)
        return;
    for (unsigned i = 0; i < a->rap->n; i++)
        free(a->rap->name[i]);
    free(a->rap->lost);
    free(a->rap);
    a->rap = NULL;
}
