/*
 * The connections of a cache entry (conn_int.h), shared by the slots whose
 * pipes are on them.  A slot is one call at a time; its pipe and RPC
 * association stay open between calls.  A connection whose family takes
 * several callers at once (SMB2: several requests in flight, each caller on
 * its own pipe) carries up to NETAPI32_MAX_CALLS slots (default 4); one that
 * does not (SMB1, RAP) carries one.  The pool grows a connection at a time
 * up to NETAPI32_MAX_CONNECTIONS (default 1: a program's calls show as one
 * session on the server, as a Windows client's do) before a connection
 * takes a second slot.
 *
 * One slot at a time makes a connection (the entry's `connecting` lock);
 * the others then find it and open their pipes on it (CREATE + bind: one
 * compound).  A connection found dead is retired by the first slot that
 * sees it: no slot takes it again, the slots on it leave it at their next
 * call, and the last one to leave closes it; a dead connection is thus
 * replaced once, not by every thread.  g_lock (conn.c) guards the
 * bookkeeping and is never held across I/O.
 */
#include "conn_int.h"

#include "../dcerpc/dcerpc.h"

#include <stdlib.h>
#include <string.h>

static unsigned max_conns(void)
{
    return api_env_u32("NETAPI32_MAX_CONNECTIONS", 1u, 1u, POOL_MAX);
}

static unsigned max_calls(void)
{
    return api_env_u32("NETAPI32_MAX_CALLS", 4u, 1u, CALLS_MAX);
}

unsigned api_pool_size(const cache_entry *e)
{
    unsigned n = max_conns();
    api_cache_lock();
    bool conc = e->concurrent;
    api_cache_unlock();
    if (conc)
        n *= max_calls();
    return n < SLOT_MAX ? n : SLOT_MAX;
}

/* A listed connection with room for one more slot (g_lock held), taken:
 * the one with the fewest slots; NULL when there is none, or when every
 * listed one is in use and the pool may still grow a connection. */
static shared_conn *pick(cache_entry *e, unsigned conns_max, unsigned calls_max)
{
    shared_conn *best = NULL;
    unsigned n = 0;
    for (unsigned i = 0; i < POOL_MAX; i++) {
        shared_conn *sc = e->conns[i];
        if (!sc)
            continue;
        n++;
        if (sc->pipes < (sc->concurrent ? calls_max : 1u) && (!best || sc->pipes < best->pipes))
            best = sc;
    }
    if (!best || (best->pipes > 0 && n < conns_max))
        return NULL;
    best->refs++;
    best->pipes++;
    api_note_shared(best->pipes);
    return best;
}

/* Lists a new connection (g_lock held); with no free place it stays
 * unlisted, its slot's alone, closed when that slot leaves it. */
static void list_new(cache_entry *e, shared_conn *sc)
{
    sc->refs = 1;
    sc->pipes = 1;
    sc->retired = true;
    for (unsigned i = 0; i < POOL_MAX; i++)
        if (!e->conns[i]) {
            e->conns[i] = sc;
            sc->refs++;
            sc->retired = false;
            break;
        }
    e->concurrent = sc->concurrent;
    api_note_shared(1);
}

/* Retires sc (g_lock held): unlisted, the entry's reference dropped. */
static void retire(cache_entry *e, shared_conn *sc)
{
    if (sc->retired)
        return;
    sc->retired = true;
    for (unsigned i = 0; i < POOL_MAX; i++)
        if (e->conns[i] == sc) {
            e->conns[i] = NULL;
            sc->refs--;
        }
}

/* quiet: nothing sent (FreeLibrary: api_entry_close); else a pipe on a
 * connection that lives on for other slots sends its close unanswered. */
static void slot_drop(cache_entry *e, conn_slot *s, bool dead, bool quiet)
{
    shared_conn *sc = s->sc;
    if (quiet || !sc || !sc->concurrent)
        np_pipe_close(&s->pipe, false);
    else
        np_pipe_drop(&s->pipe);
    memset(&s->rpc, 0, sizeof(s->rpc));
    s->rap = false;
    s->sc = NULL;
    if (!sc)
        return;
    dead = dead || !sc->concurrent || quiet || np_is_dead(&sc->conn);
    api_cache_lock();
    if (dead)
        retire(e, sc);
    sc->pipes--;
    bool last = --sc->refs == 0;
    api_cache_unlock();
    if (last) {
        np_conn_close(&sc->conn, false);
        free(sc);
    }
}

void api_slot_drop(cache_entry *e, conn_slot *s, bool dead)
{
    slot_drop(e, s, dead, false);
}

bool api_slot_retired(const conn_slot *s)
{
    api_cache_lock();
    bool r = s->sc && s->sc->retired;
    api_cache_unlock();
    return r;
}

/* mark: the calls begun before ours, or with another running, one more
 * (never equal to `begun` at the end). */
uint32_t api_slot_call_begin(conn_slot *s)
{
    api_cache_lock();
    shared_conn *sc = s->sc;
    uint32_t mark = sc->begun++;
    if (sc->active++)
        mark--;
    api_cache_unlock();
    return mark;
}

bool api_slot_call_end(conn_slot *s, uint32_t mark)
{
    api_cache_lock();
    shared_conn *sc = s->sc;
    sc->active--;
    bool alone = sc->begun == mark + 1;
    api_cache_unlock();
    return alone;
}

bool api_slot_dead(const conn_slot *s)
{
    if (!s->sc)
        return true;
    int d = s->rap ? -1 : np_pipe_is_dead(&s->pipe);
    return d < 0 ? np_is_dead(&s->sc->conn) : d != 0;
}

/* The association bound over the slot's open pipe, within deadline. */
static uint32_t bind_srvsvc(conn_slot *s, uint64_t deadline)
{
    np_pipe_set_deadline(&s->pipe, deadline);
    rpc_init(&s->rpc, &s->pipe);
    uint32_t st = rpc_bind(&s->rpc, &RPC_SRVSVC_SYNTAX);
    np_pipe_set_deadline(&s->pipe, 0);
    return st;
}

/* srvsvc opened and bound on the slot's connection, within deadline. */
static uint32_t open_bind(conn_slot *s, uint64_t deadline)
{
    uint32_t st = np_open(&s->sc->conn, "srvsvc", deadline, &s->pipe);
    return st == NT_OK ? bind_srvsvc(s, deadline) : st;
}

/* The srvsvc pipe on a new connection, or RAP where the server has no
 * srvsvc (api_rap_instead / api_rap_after_bind); the connection's own
 * deadline covers it (nobody else is on it yet). */
static uint32_t first_pipe(conn_slot *s, uint64_t deadline)
{
    np_conn *c = &s->sc->conn;
    if ((s->rap = api_rap_instead(c, NT_OK)) == true)
        return NT_OK;
    np_set_deadline(c, deadline);
    uint32_t st = np_open(c, "srvsvc", deadline, &s->pipe);
    if (st != NT_OK && (s->rap = api_rap_instead(c, st)) == true) {
        st = NT_OK;
    } else if (st == NT_OK) {
        st = bind_srvsvc(s, deadline);
        if (st != NT_OK && (s->rap = api_rap_after_bind(c, st)) == true) {
            np_pipe_close(&s->pipe, true);
            memset(&s->rpc, 0, sizeof(s->rpc));
            st = NT_OK;
        }
    }
    np_set_deadline(c, 0);
    return st;
}

/* A new connection for slot s, its pipe bound, then listed. */
static uint32_t make(cache_entry *e, conn_slot *s, const api_server *srv, const nt_creds *cr, uint64_t deadline)
{
    shared_conn *sc = calloc(1, sizeof(*sc));
    if (!sc)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    uint32_t t = api_env_timeout();
    np_target tg = {srv->host, srv->host, e->port, t ? t : 5000u, t ? t : 30000u, deadline, &AUTH_MECH_NEGOTIATE};
    api_count_connect();
    uint32_t st = api_connect_server(&tg, cr, &sc->conn);
    np_conn_info ci;
    np_info(&sc->conn, &ci);
    sc->concurrent = ci.concurrent;
    s->sc = sc;
    if (st == NT_OK)
        st = first_pipe(s, deadline);
    if (st != NT_OK) {
        nt_trace("connect %s:%u failed: %u", srv->host, (unsigned)e->port, (unsigned)st);
        np_pipe_close(&s->pipe, false);
        memset(&s->rpc, 0, sizeof(s->rpc));
        s->rap = false;
        s->sc = NULL;
        np_conn_close(&sc->conn,
                      st != NT_ERROR_NETNAME_DELETED && st != NT_ERROR_SEM_TIMEOUT && st != NT_ERROR_UNEXP_NET_ERR);
        free(sc);
        return st;
    }
    np_info(&sc->conn, &ci);
    nt_trace("connected %s:%u %s dialect=0x%04x signing=%d encryption=%d round_trips=%u requests=%u", srv->host,
             (unsigned)e->port, ci.family, (unsigned)ci.dialect, (int)ci.signing, (int)ci.encrypting,
             (unsigned)ci.round_trips, (unsigned)ci.requests);
    api_cache_lock();
    list_new(e, sc);
    api_cache_unlock();
    return NT_OK;
}

/* A pipe on a listed connection with room: false when there is none. */
static bool attach_listed(cache_entry *e, conn_slot *s, const api_server *srv, uint64_t deadline, uint32_t *st)
{
    unsigned cmax = max_conns(), kmax = max_calls();
    api_cache_lock();
    shared_conn *sc = pick(e, cmax, kmax);
    unsigned on = sc ? sc->pipes : 0;
    api_cache_unlock();
    if (!sc)
        return false;
    s->sc = sc;
    s->rap = false;
    *st = open_bind(s, deadline);
    nt_trace("pipe %u on the connection to %s: %u", on, srv->host, (unsigned)*st);
    if (*st != NT_OK) /* a broken answer: not this server's connection to go on with */
        api_slot_drop(e, s, *st == NT_ERROR_UNEXP_NET_ERR);
    return true;
}

/* The connection picked turned out dead: another one is made. */
static bool conn_lost(uint32_t st)
{
    return st == NT_ERROR_NETNAME_DELETED || st == NT_ERROR_UNEXP_NET_ERR;
}

uint32_t api_slot_attach(cache_entry *e, conn_slot *s, const api_server *srv, const nt_creds *cr,
                         uint64_t deadline, bool *fresh)
{
    *fresh = false;
    uint32_t st = NT_OK;
    if (attach_listed(e, s, srv, deadline, &st) && !conn_lost(st))
        return st;
    if (!nt_tlock_acquire(&e->connecting, deadline))
        return NT_ERROR_SEM_TIMEOUT;
    /* one made while we waited */
    if (!attach_listed(e, s, srv, deadline, &st) || conn_lost(st)) {
        st = make(e, s, srv, cr, deadline);
        *fresh = st == NT_OK;
    }
    nt_tlock_release(&e->connecting);
    return st;
}

void api_entry_close(cache_entry *e)
{
    for (unsigned i = 0; i < SLOT_MAX; i++)
        slot_drop(e, &e->slot[i], true, true);
    for (unsigned i = 0; i < POOL_MAX; i++) {
        shared_conn *sc = e->conns[i];
        if (sc && --sc->refs == 0) {
            np_conn_close(&sc->conn, false);
            free(sc);
        }
        e->conns[i] = NULL;
    }
}
