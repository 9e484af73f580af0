/*
 * Connection cache: one connection to the server (pipe/pipe.h: whatever
 * dialect family the connection factory chose) + open srvsvc pipe + RPC
 * bind per (server, port, credentials), reused by later calls, thread-safe.
 *
 * Credentials are identified by a SHA-256 over user, domain and password, so
 * the cache never keeps a password.  Entries live until api_cache_shutdown;
 * only their connections come and go.
 *
 * Threads: an entry is a small pool of slots, each one call at a time
 * with its own srvsvc pipe and RPC association, on connections shared as
 * conn_share.c says: by default one connection per server (so that a
 * program's calls show as one session on the server, as Windows' one
 * session per server does) carrying up to NETAPI32_MAX_CALLS (4) calls in
 * flight at once over SMB2; NETAPI32_MAX_CONNECTIONS (up to 8) connections
 * on request.  A call takes a free slot (the oldest first: one thread keeps
 * using one pipe), opens a new one only when every open one is busy with
 * another call, and waits for a busy one only when the pool is full; no
 * lock but the slot's own is held while it talks to the server, so calls
 * run in parallel.  A dead connection is replaced once, by the first call
 * that finds it dead.  Lock order: a slot lock, then the entry's
 * `connecting` lock, then g_lock (never the other way round); g_lock is
 * held only for bookkeeping, never across I/O.
 *
 * Every call has one deadline, NETAPI32_TIMEOUT_MS (default 30 s) from its
 * start: waiting for a slot (other threads' calls on the same server),
 * connecting and every SMB2 request, interim responses included, all end by
 * it (NT_ERROR_SEM_TIMEOUT).  A thread therefore never holds a slot past its
 * deadline, and a waiter gives up at its own.
 */
#include "api.h"
#include "conn_int.h"

#include "../crypto/crypto.h"
#include "../pipe/pipe.h"
#include "../smb2/smb2.h"

#include <stdlib.h>
#include <string.h>

typedef struct level_memo {
    struct level_memo *next;
    char *host;
    uint16_t port;
    uint32_t missing[4]; /* levels the server rejected (0, 1, 2, 10, 502 fit here by index) */
    unsigned nmissing;
} level_memo;

static nt_mutex g_lock = NT_MUTEX_INIT;
static cache_entry *g_cache;
static level_memo *g_memo;
static uint32_t g_connects; /* guarded by g_lock */
static uint32_t g_shared_max; /* guarded by g_lock */

void api_cache_lock(void) { nt_mutex_lock(&g_lock); }
void api_cache_unlock(void) { nt_mutex_unlock(&g_lock); }

void api_count_connect(void)
{
    nt_mutex_lock(&g_lock);
    g_connects++;
    nt_mutex_unlock(&g_lock);
}

void api_note_shared(uint32_t pipes)
{
    if (pipes > g_shared_max)
        g_shared_max = pipes;
}

uint32_t api_shared_max(void)
{
    nt_mutex_lock(&g_lock);
    uint32_t n = g_shared_max;
    nt_mutex_unlock(&g_lock);
    return n;
}

uint32_t api_connect_count(void)
{
    nt_mutex_lock(&g_lock);
    uint32_t n = g_connects;
    nt_mutex_unlock(&g_lock);
    return n;
}

uint32_t api_env_u32(const char *name, uint32_t def, uint32_t min, uint32_t max)
{
    char *v = nt_getenv(name);
    uint32_t r = def;
    if (v && *v) {
        char *end = NULL;
        unsigned long x = strtoul(v, &end, 10);
        if (end && *end == 0 && x >= min && x <= max)
            r = (uint32_t)x;
    }
    free(v);
    return r;
}

static uint16_t smb_port(void)
{
    return (uint16_t)api_env_u32("NETAPI32_SMB_PORT", 445, 1, 65535);
}

/* ---- per-server level memory ---- */
static level_memo *memo_find(const char *host, uint16_t port)
{
    for (level_memo *m = g_memo; m; m = m->next)
        if (m->port == port && strcmp(m->host, host) == 0)
            return m;
    return NULL;
}

bool api_level_missing(const api_server *srv, uint32_t level)
{
    bool r = false;
    uint16_t port = smb_port();
    nt_mutex_lock(&g_lock);
    level_memo *m = memo_find(srv->host, port);
    for (unsigned i = 0; m && i < m->nmissing; i++)
        if (m->missing[i] == level)
            r = true;
    nt_mutex_unlock(&g_lock);
    return r;
}

void api_level_set_missing(const api_server *srv, uint32_t level)
{
    uint16_t port = smb_port();
    nt_mutex_lock(&g_lock);
    level_memo *m = memo_find(srv->host, port);
    if (!m) {
        m = calloc(1, sizeof(*m));
        if (m) {
            size_t n = strlen(srv->host);
            m->host = malloc(n + 1);
            if (!m->host) {
                free(m);
                m = NULL;
            } else {
                memcpy(m->host, srv->host, n + 1);
                m->port = port;
                m->next = g_memo;
                g_memo = m;
            }
        }
    }
    if (m) {
        bool have = false;
        for (unsigned i = 0; i < m->nmissing; i++)
            have |= m->missing[i] == level;
        if (!have && m->nmissing < sizeof(m->missing) / sizeof(m->missing[0]))
            m->missing[m->nmissing++] = level;
    }
    nt_mutex_unlock(&g_lock);
}

/* ---- the connection factory ---- */
/* The dialect families a connection may speak: family.c chooses between
 * SMB2/3 and SMB1 (api_connect_family). */
static np_connect_fn g_connector; /* NULL: api_connect_family */

void api_set_connector(np_connect_fn f)
{
    g_connector = f;
}

uint32_t api_connect_server(const np_target *t, const nt_creds *cr, np_conn *out)
{
    return g_connector ? g_connector(t, cr, out) : api_connect_family(t, cr, out);
}

/* ---- entries ---- */
static cache_entry *entry_get(const char *host, uint16_t port, const uint8_t id[32])
{
    nt_mutex_lock(&g_lock);
    cache_entry *e = g_cache;
    for (; e; e = e->next)
        if (e->port == port && strcmp(e->host, host) == 0 && memcmp(e->id, id, 32) == 0)
            break;
    if (!e) {
        e = calloc(1, sizeof(*e));
        size_t n = strlen(host);
        if (e && (e->host = malloc(n + 1)) != NULL) {
            static const nt_tlock init = NT_TLOCK_INIT;
            memcpy(e->host, host, n + 1);
            e->port = port;
            memcpy(e->id, id, 32);
            for (unsigned i = 0; i < SLOT_MAX; i++)
                memcpy(&e->slot[i].lock, &init, sizeof(init));
            memcpy(&e->connecting, &init, sizeof(init));
            e->next = g_cache;
            g_cache = e;
        } else {
            free(e);
            e = NULL;
        }
    }
    nt_mutex_unlock(&g_lock);
    return e;
}

/* NETAPI32_TIMEOUT_MS, 0 when unset (the defaults apply). */
uint32_t api_env_timeout(void)
{
    return api_env_u32("NETAPI32_TIMEOUT_MS", 0, 1, 3600000u);
}

static bool slot_open(const conn_slot *s)
{
    return s->sc != NULL;
}

static uint32_t round_trips(const conn_slot *s, uint32_t *requests)
{
    np_conn_info ci;
    np_info(&s->sc->conn, &ci);
    *requests = ci.requests;
    return ci.round_trips;
}

/* An op returns only the transport's / protocol's status (the server's
 * answer, whatever it is, travels in the op's argument and never gets
 * here).  After any failure the connection's state is unknown and it is
 * discarded, except when nothing was sent (arguments that cannot be
 * encoded) or the SMB server refused the pipe operation in a proper
 * response. */
static bool poisons_connection(uint32_t st)
{
    switch (st) {
    case NT_OK:
    case NT_ERROR_INVALID_PARAMETER:
    case NT_ERROR_INVALID_LEVEL:
    case NT_ERROR_ACCESS_DENIED:
    case NT_ERROR_NETWORK_ACCESS_DENIED:
        return false;
    default:
        return true;
    }
}

/* One attempt's op on the open slot s; returns its status and traces it
 * (the round trips are the connection's: other calls' on it count too). */
static uint32_t run_op(conn_slot *s, const api_server *srv, bool fresh, uint64_t deadline, api_op_fn op,
                       api_rap_fn rap, void *arg, bool *alone)
{
    uint32_t n0 = api_slot_call_begin(s);
    uint32_t rq0 = 0, rq1 = 0;
    uint32_t rt0 = round_trips(s, &rq0);
    uint64_t t0 = nt_now_ms();
    np_conn *c = &s->sc->conn;
    bool own = !s->sc->concurrent; /* else the connection's deadline is others' too */
    np_pipe_set_deadline(&s->pipe, deadline);
    if (own)
        np_set_deadline(c, deadline);
    uint32_t st = s->rap ? (rap ? rap(c, arg) : NT_ERROR_NOT_SUPPORTED) : op(&s->rpc, arg);
    if (own)
        np_set_deadline(c, 0);
    np_pipe_set_deadline(&s->pipe, 0);
    *alone = api_slot_call_end(s, n0);
    uint32_t rt1 = round_trips(s, &rq1);
    nt_trace("rpc on %s%s: %u round trips (%u requests), status %u, %llu ms", srv->host,
             fresh ? " (new connection)" : " (cached connection)", (unsigned)(rt1 - rt0), (unsigned)(rq1 - rq0),
             (unsigned)st, (unsigned long long)(nt_now_ms() - t0));
    return st;
}

/* The op on slot s, which gets a pipe first if it has none. */
static uint32_t attempt_on(cache_entry *e, conn_slot *s, const api_server *srv, const nt_creds *cr,
                           uint64_t deadline, api_op_fn op, api_rap_fn rap, void *arg, bool *fresh, bool *alone)
{
    *fresh = false;
    if (!slot_open(s)) {
        uint32_t st = api_slot_attach(e, s, srv, cr, deadline, fresh);
        if (st != NT_OK)
            return st;
    }
    return run_op(s, srv, *fresh, deadline, op, rap, arg, alone);
}

/* A slot of e for this call, its lock held; NULL at the deadline.  The
 * oldest free slot, else a new one while the pool may grow, else the wait
 * for a busy one. */
static conn_slot *slot_acquire(cache_entry *e, uint64_t deadline)
{
    for (;;) {
        nt_mutex_lock(&g_lock);
        unsigned n = e->nslots;
        nt_mutex_unlock(&g_lock);
        for (unsigned i = 0; i < n; i++)
            if (nt_tlock_acquire(&e->slot[i].lock, 1)) /* a passed deadline: try once */
                return &e->slot[i];
        /* read only when every slot is busy: a free one needs no pool size
         * (under Wine each knob read scans the whole environment block) */
        unsigned max = api_pool_size(e);
        nt_mutex_lock(&g_lock);
        bool changed = e->nslots != n;
        bool grew = !changed && n < max;
        if (grew)
            e->nslots = n + 1; /* then taken by the next scan (ours or another's) */
        unsigned k = n ? e->next_wait++ % n : 0;
        nt_mutex_unlock(&g_lock);
        if (grew || changed)
            continue;
        if (!nt_tlock_acquire(&e->slot[k].lock, deadline))
            return NULL;
        return &e->slot[k];
    }
}

/* The entry and a slot of it for id, the slot's lock held; when the slot
 * has no connection and the credentials were not looked up (*have_cr
 * false), they are looked up now (connecting needs the secret) and, if they
 * changed, the entry for the new ones is taken instead. */
static uint32_t take_slot(const api_server *srv, uint16_t port, uint64_t deadline, nt_creds *cr, bool *have_cr,
                          uint8_t id[32], cache_entry **pe, conn_slot **ps)
{
    for (int round = 0; round < 2; round++) {
        cache_entry *e = entry_get(srv->host, port, id);
        if (!e)
            return NT_ERROR_NOT_ENOUGH_MEMORY;
        conn_slot *s = slot_acquire(e, deadline);
        if (!s) {
            nt_trace("connections to %s busy with other calls until our deadline: giving up", srv->host);
            return NT_ERROR_SEM_TIMEOUT;
        }
        if (*have_cr || slot_open(s)) {
            *pe = e;
            *ps = s;
            return NT_OK;
        }
        nt_tlock_release(&s->lock);
        uint32_t st = api_creds_fresh(srv->host, port, cr, id);
        if (st != NT_OK)
            return st;
        *have_cr = true;
    }
    return NT_ERROR_UNEXP_NET_ERR; /* not reached: the second round has the credentials */
}

/* The liveness probe (a non-blocking peek: a system call, under Wine a
 * wineserver round trip) runs only before an op that may not be repeated:
 * an idempotent op learns of a dead connection from its own send/receive
 * and is repeated on a new one.  A slot whose connection was retired
 * (another call found it dead) leaves it. */
static void leave_if_dead(cache_entry *e, conn_slot *s, const api_server *srv, api_retry policy)
{
    if (slot_open(s) && (api_slot_retired(s) || (policy != API_RETRY_IDEMPOTENT && api_slot_dead(s)))) {
        nt_trace("cached connection to %s is dead: leaving it", srv->host);
        api_slot_drop(e, s, false);
    }
}

uint32_t api_with_conn(const api_server *srv, api_retry policy, api_op_fn op, void *arg,
                       bool *sent_then_dropped)
{
    return api_with_conn_rap(srv, policy, op, NULL, arg, sent_then_dropped);
}

uint32_t api_with_conn_rap(const api_server *srv, api_retry policy, api_op_fn op, api_rap_fn rap, void *arg,
                           bool *sent_then_dropped)
{
    if (sent_then_dropped)
        *sent_then_dropped = false;
    uint16_t port = smb_port();
    uint32_t t = api_env_timeout();
    uint64_t deadline = nt_now_ms() + (t ? t : 30000u);
    nt_creds cr;
    memset(&cr, 0, sizeof(cr));
    bool have_cr = false;
    uint8_t id[32];
    uint32_t st = NT_OK;
    if (!api_creds_recent(srv->host, port, id)) {
        if ((st = api_creds_fresh(srv->host, port, &cr, id)) != NT_OK)
            return st;
        have_cr = true;
    }
    cache_entry *e = NULL;
    conn_slot *s = NULL;
    if ((st = take_slot(srv, port, deadline, &cr, &have_cr, id, &e, &s)) != NT_OK)
        goto out;
    for (int attempt = 0; attempt < 2; attempt++) {
        bool fresh = false, alone = true;
        leave_if_dead(e, s, srv, policy);
        if (!slot_open(s) && !have_cr) {
            /* a new pipe may need a new connection, and that the secret:
             * the credentials now, and if they changed, the entry for the
             * new ones (never a connection made with others for this one) */
            nt_tlock_release(&s->lock);
            s = NULL;
            if ((st = api_creds_fresh(srv->host, port, &cr, id)) != NT_OK)
                goto out;
            have_cr = true;
            if ((st = take_slot(srv, port, deadline, &cr, &have_cr, id, &e, &s)) != NT_OK)
                goto out;
            leave_if_dead(e, s, srv, policy); /* the slot taken now */
        }
        st = attempt_on(e, s, srv, &cr, deadline, op, rap, arg, &fresh, &alone);
        if (fresh || slot_open(s)) {
            if (!poisons_connection(st))
                break;
            api_slot_drop(e, s, false);
            if (st == NT_ERROR_NETNAME_DELETED) {
                if (policy == API_RETRY_IDEMPOTENT && !fresh && attempt == 0) {
                    nt_trace("connection to %s lost: reconnecting and repeating the enumeration", srv->host);
                    continue;
                }
                /* with other calls on the connection, its end says nothing
                 * about what this request did (the caller looks) */
                if (policy == API_RETRY_ONCE && sent_then_dropped && alone)
                    *sent_then_dropped = true;
            }
        }
        break;
    }
    nt_tlock_release(&s->lock);
out:
    nt_creds_clear(&cr);
    nt_wipe(id, sizeof(id));
    return st;
}

void api_cache_shutdown(void)
{
    nt_mutex_lock(&g_lock);
    cache_entry *e = g_cache;
    g_cache = NULL;
    level_memo *m = g_memo;
    g_memo = NULL;
    nt_mutex_unlock(&g_lock);
    api_creds_memo_clear();
    while (e) {
        cache_entry *n = e->next;
        api_entry_close(e);
        free(e->host);
        free(e);
        e = n;
    }
    while (m) {
        level_memo *n = m->next;
        free(m->host);
        free(m);
        m = n;
    }
}
