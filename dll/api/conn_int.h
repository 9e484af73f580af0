/* Internal to the connection cache (conn.c, conn_creds.c). */
#ifndef NT_API_CONN_INT_H
#define NT_API_CONN_INT_H

#include "api.h"

/* SHA-256 over user, domain and password: what identifies a cache entry
 * (all 0xFF when it cannot be computed: never equal to a real id). */
void api_creds_id(const nt_creds *c, uint8_t id[32]);
/* A lookup (api_lookup_creds) now: the credentials (the caller clears them)
 * and their id, remembered for api_creds_recent. */
uint32_t api_creds_fresh(const char *host, uint16_t port, nt_creds *cr, uint8_t id[32]);
/* The id of the last lookup for (host, port) when it is younger than
 * NETAPI32_CRED_RECHECK_MS (default 1000 ms; 0 = never): a warm call then
 * needs no lookup. */
bool api_creds_recent(const char *host, uint16_t port, uint8_t id[32]);
void api_creds_memo_clear(void);

/* ---- the pool of an entry (conn.c: entries and calls; conn_share.c:
 * connections shared by the pipes of several slots) ---- */
#define POOL_MAX 8u   /* connections per entry (NETAPI32_MAX_CONNECTIONS) */
#define CALLS_MAX 8u  /* pipes per connection (NETAPI32_MAX_CALLS) */
#define SLOT_MAX 32u  /* calls at once per entry */

/* One connection to the server.  Shared by the slots whose pipes are on it
 * when its family takes several callers at once (np_conn_info.concurrent),
 * else one slot's. */
typedef struct shared_conn {
    np_conn conn;
    unsigned refs;      /* the entry's while listed, + one per slot on it (g_lock) */
    unsigned pipes;     /* slots on it (g_lock) */
    bool concurrent;
    bool retired;       /* dead or out of step: no new slot takes it; the
                         * slots on it leave at their next call (g_lock) */
    unsigned active;    /* calls running on it now (g_lock) */
    uint32_t begun;     /* calls begun on it so far (g_lock) */
} shared_conn;

typedef struct conn_slot {
    nt_tlock lock;      /* held for a whole call on this slot */
    shared_conn *sc;    /* the connection its pipe is on (NULL: none) */
    np_pipe pipe;       /* srvsvc on it */
    rpc_conn rpc;       /* the association bound over pipe */
    bool rap;           /* no srvsvc: RAP through np_transact (rap.c) */
} conn_slot;

typedef struct cache_entry {
    struct cache_entry *next;
    char *host;
    uint16_t port;
    uint8_t id[32];
    conn_slot slot[SLOT_MAX];
    unsigned nslots;          /* slots ever used (g_lock) */
    unsigned next_wait;       /* which busy slot the next waiter waits for (g_lock) */
    shared_conn *conns[POOL_MAX]; /* the live connections (g_lock) */
    bool concurrent;          /* its last new connection takes several callers at
                               * once: NETAPI32_MAX_CALLS slots each (g_lock) */
    nt_tlock connecting;      /* held while a connection is made for the entry */
} cache_entry;

/* conn.c's lock over the cache's bookkeeping (never held across I/O) and
 * its connection counter. */
void api_cache_lock(void);
void api_cache_unlock(void);
void api_count_connect(void);
void api_note_shared(uint32_t pipes); /* g_lock held: pipes now on one connection */
uint32_t api_env_u32(const char *name, uint32_t def, uint32_t min, uint32_t max);
uint32_t api_env_timeout(void);
/* The connection factory (api_set_connector's, else api_connect_family). */
uint32_t api_connect_server(const np_target *t, const nt_creds *cr, np_conn *out);

/* conn_share.c: gives slot s (its lock held, no pipe) a bound pipe: on a
 * listed connection with room, else on a new one (made by one slot at a
 * time: the others then find it); *fresh when the connection is new. */
uint32_t api_slot_attach(cache_entry *e, conn_slot *s, const api_server *srv, const nt_creds *cr,
                         uint64_t deadline, bool *fresh);
/* Drops the slot's pipe; its connection is retired when it is dead or not
 * shared (or `retire`), and closed when the last slot leaves it. */
void api_slot_drop(cache_entry *e, conn_slot *s, bool retire);
/* Whether the slot's connection was retired (it leaves it) or its pipe is
 * dead (checked before an operation that may not be repeated). */
bool api_slot_retired(const conn_slot *s);
/* Around a call on the slot's connection: whether it ran alone there (no
 * other call began or was running meanwhile). */
uint32_t api_slot_call_begin(conn_slot *s);
bool api_slot_call_end(conn_slot *s, uint32_t mark);
bool api_slot_dead(const conn_slot *s);
/* Most slots the entry's pool may have, given the knobs. */
unsigned api_pool_size(const cache_entry *e);
/* Drops every slot and connection of e (api_cache_shutdown). */
void api_entry_close(cache_entry *e);

#endif
