/*
 * Connection cache: one connection to the server (pipe/pipe.h: whatever
 * dialect family the connection factory chose) + open srvsvc pipe + RPC
 * bind per (server, port, credentials), reused by later calls, thread-safe.
 *
 * Credentials are identified by a SHA-256 over user, domain and password, so
 * the cache never keeps a password.  Entries live until api_cache_shutdown;
 * only their connections come and go.  Lock order: g_lock, then an entry's
 * lock (g_lock is never taken while an entry lock is held).
 *
 * Every call has one deadline, NETAPI32_TIMEOUT_MS (default 30 s) from its
 * start: waiting for the entry's lock (another thread's call on the same
 * server), connecting and every SMB2 request, interim responses included,
 * all end by it (NT_ERROR_SEM_TIMEOUT).  A thread therefore never holds an
 * entry lock past its deadline, and a waiter gives up at its own.
 */
#include "api.h"

#include "../crypto/crypto.h"
#include "../pipe/pipe.h"
#include "../smb2/smb2.h"

#include <stdlib.h>
#include <string.h>

typedef struct cache_entry {
    struct cache_entry *next;
    char *host;
    uint16_t port;
    uint8_t id[32];
    nt_tlock lock;      /* held for a whole call on this connection */
    np_conn conn;       /* the connection to the server (ops NULL: none) */
    np_pipe pipe;       /* srvsvc on it */
    rpc_conn rpc;       /* the association bound over pipe */
    bool rap;           /* no srvsvc: RAP through np_transact (rap.c) */
} cache_entry;

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

uint32_t api_connect_count(void)
{
    nt_mutex_lock(&g_lock);
    uint32_t n = g_connects;
    nt_mutex_unlock(&g_lock);
    return n;
}

static uint32_t env_u32(const char *name, uint32_t def, uint32_t min, uint32_t max)
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
    return (uint16_t)env_u32("NETAPI32_SMB_PORT", 445, 1, 65535);
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

static uint32_t connect_server(const np_target *t, const nt_creds *cr, np_conn *out)
{
    return g_connector ? g_connector(t, cr, out) : api_connect_family(t, cr, out);
}

/* ---- entries ---- */
static void creds_id(const nt_creds *c, uint8_t id[32])
{
    nt_wr w;
    nt_wr_init(&w, 0);
    const char *parts[3] = {c->user ? c->user : "", c->domain ? c->domain : "", c->password ? c->password : ""};
    for (int i = 0; i < 3; i++)
        nt_wr_bytes(&w, parts[i], strlen(parts[i]) + 1);
    if (w.bad || !nt_hash(NT_HASH_SHA256, w.p, w.len, id))
        memset(id, 0xFF, 32); /* never equal to a real id: no reuse */
    nt_wr_free(&w);
}

static void entry_drop(cache_entry *e, bool polite)
{
    np_pipe_close(&e->pipe, polite);
    np_conn_close(&e->conn, polite);
    memset(&e->rpc, 0, sizeof(e->rpc));
    e->rap = false;
}

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
            memcpy(&e->lock, &init, sizeof(init));
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
static uint32_t env_timeout(void)
{
    return env_u32("NETAPI32_TIMEOUT_MS", 0, 1, 3600000u);
}

static uint32_t entry_connect(cache_entry *e, const api_server *srv, const nt_creds *cr, uint64_t deadline)
{
    uint32_t t = env_timeout();
    np_target tg = {srv->host, srv->host, e->port, t ? t : 5000u, t ? t : 30000u, deadline, NULL};
    nt_mutex_lock(&g_lock);
    g_connects++;
    nt_mutex_unlock(&g_lock);
    uint32_t st = connect_server(&tg, cr, &e->conn);
    if (st == NT_OK && !(e->rap = api_rap_instead(&e->conn, NT_OK)))
        st = np_open(&e->conn, "srvsvc", &e->pipe);
    if (st != NT_OK && e->conn.ops && (e->rap = api_rap_instead(&e->conn, st)) == true) {
        st = NT_OK;
    } else if (st == NT_OK && !e->rap) {
        rpc_init(&e->rpc, &e->pipe);
        st = rpc_bind(&e->rpc, &RPC_SRVSVC_SYNTAX);
    }
    if (st != NT_OK) {
        nt_trace("connect %s:%u failed: %u", srv->host, (unsigned)e->port, (unsigned)st);
        entry_drop(e, st != NT_ERROR_NETNAME_DELETED && st != NT_ERROR_SEM_TIMEOUT && st != NT_ERROR_UNEXP_NET_ERR);
    } else {
        np_conn_info ci;
        np_info(&e->conn, &ci);
        nt_trace("connected %s:%u %s dialect=0x%04x signing=%d encryption=%d round_trips=%u", srv->host,
                 (unsigned)e->port, ci.family, (unsigned)ci.dialect, (int)ci.signing, (int)ci.encrypting,
                 (unsigned)ci.round_trips);
    }
    return st;
}

static bool entry_open(const cache_entry *e)
{
    return e->conn.ops != NULL;
}

static uint32_t round_trips(const cache_entry *e)
{
    np_conn_info ci;
    np_info(&e->conn, &ci);
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
    nt_creds cr;
    const char *source = NULL;
    uint32_t st = api_lookup_creds(srv->host, &cr, &source);
    if (st != NT_OK)
        return st;
    nt_trace("credentials for %s from %s (user %s%s%s)", srv->host, source, cr.domain ? cr.domain : "",
             cr.domain ? "\\" : "", cr.user ? cr.user : "(anonymous)");
    uint8_t id[32];
    creds_id(&cr, id);
    uint32_t t = env_timeout();
    uint64_t deadline = nt_now_ms() + (t ? t : 30000u);
    cache_entry *e = entry_get(srv->host, smb_port(), id);
    if (!e) {
        nt_creds_clear(&cr);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    if (!nt_tlock_acquire(&e->lock, deadline)) {
        nt_trace("connection to %s busy with another call until our deadline: giving up", srv->host);
        nt_creds_clear(&cr);
        nt_wipe(id, sizeof(id));
        return NT_ERROR_SEM_TIMEOUT;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        bool fresh = false;
        if (entry_open(e) && np_is_dead(&e->conn)) {
            nt_trace("cached connection to %s is dead: replacing it", srv->host);
            entry_drop(e, false);
        }
        if (!entry_open(e)) {
            st = entry_connect(e, srv, &cr, deadline);
            if (st != NT_OK)
                break;
            fresh = true;
        }
        uint32_t rt0 = round_trips(e);
        uint64_t t0 = nt_now_ms();
        np_set_deadline(&e->conn, deadline);
        st = e->rap ? (rap ? rap(&e->conn, arg) : NT_ERROR_NOT_SUPPORTED) : op(&e->rpc, arg);
        np_set_deadline(&e->conn, 0);
        nt_trace("rpc on %s%s: %u round trips, status %u, %llu ms", srv->host,
                 fresh ? " (new connection)" : " (cached connection)", (unsigned)(round_trips(e) - rt0),
                 (unsigned)st, (unsigned long long)(nt_now_ms() - t0));
        if (poisons_connection(st)) {
            entry_drop(e, false);
            if (st == NT_ERROR_NETNAME_DELETED) {
                if (policy == API_RETRY_IDEMPOTENT && !fresh && attempt == 0) {
                    nt_trace("connection to %s lost: reconnecting and repeating the enumeration", srv->host);
                    continue;
                }
                if (policy == API_RETRY_ONCE && sent_then_dropped)
                    *sent_then_dropped = true;
            }
        }
        break;
    }
    nt_tlock_release(&e->lock);
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
    while (e) {
        cache_entry *n = e->next;
        entry_drop(e, false);
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
