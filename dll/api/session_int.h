/*
 * Internals shared by session.c (NetSession*) and snapshot.c (the resume
 * snapshots behind NetSessionEnum's resume handle).
 */
#ifndef NT_API_SESSION_INT_H
#define NT_API_SESSION_INT_H

#include "api.h"

/* The arguments of the fetch and delete operations (session.c), in their
 * srvsvc (session.c) and RAP (rap.c) forms. */
typedef struct fetch_arg {
    const api_server *srv;
    const nt_wchar *client; /* passed to the server (it may or may not filter) */
    const nt_wchar *user;
    uint32_t level;
    sess_list *out;
    srvs_answer ans;        /* the server's answer */
} fetch_arg;

typedef struct rap_del_sent rap_del_sent;
typedef struct del_arg {
    const api_server *srv;
    const nt_wchar *client;
    const nt_wchar *user;
    srvs_answer ans;
    rap_del_sent *rap;      /* RAP by user: the clients deletes were sent for (rap_del.c) */
} del_arg;

/* RAP forms (api_rap_fn) of the fetch and delete operations:
 * NetSessionEnum at a RAP level serving fetch_arg.level (the whole list;
 * filters are applied by the caller as for srvsvc; rap.c), NetSessionDel
 * (rap_del.c): by client name one RAP NetSessionDel; with a user name the
 * clients whose sessions are all that user's, each by client name (RAP
 * deletes by client name only); neither: every client listed. */
uint32_t api_rap_fetch(const np_conn *c, void *arg);
uint32_t api_rap_del(const np_conn *c, void *arg);
/* What a NetSessionDel whose connection the server dropped after the
 * request did (api_rap_del_dropped): not RAP by user (srvsvc, or by client:
 * the request sent was the deletion, session.c's rule); RAP by user with no
 * delete sent (the list was being fetched: nothing was deleted); RAP by user
 * with deletes sent in the first round (one ended our own session): to go
 * on once, on a new connection, skipping the clients already sent. */
typedef enum rap_drop { RAP_DROP_NOT_RAP, RAP_DROP_NOTHING_SENT, RAP_DROP_GO_ON } rap_drop;
rap_drop api_rap_del_dropped(del_arg *a);
/* Frees what a RAP NetSessionDel by user kept in a->rap. */
void api_rap_del_free(del_arg *a);
/* One RAP NetSessionDel of a client name (rap.c): the transport's status,
 * the server's mapped answer in *status. */
uint32_t api_rap_del_client(const np_conn *c, const nt_wchar *client, uint32_t *status);

/* Resume handle = (snapshot id << 16) | index of the next entry. */
#define SNAP_MAX_ENTRIES 0xFFFFu

typedef enum snap_resume_kind {
    SNAP_START,     /* handle 0: a new walk from a fresh list */
    SNAP_CONTINUE,  /* the walk's snapshot: *list, *id and *start filled */
    SNAP_REBUILD,   /* a handle we issued whose snapshot expired or was
                     * evicted: continue at *start in a fresh list */
    SNAP_INVALID    /* never issued by this DLL, or issued for another
                     * server/level/filter: ERROR_INVALID_PARAMETER */
} snap_resume_kind;

/* Key naming one query: server, level and both filters (exact UTF-16
 * code units, so no filter is ever confused with another).  NULL when out
 * of memory. */
char *snap_key(const api_server *srv, uint32_t level, const nt_wchar *client, const nt_wchar *user);
/* What a caller's resume handle continues.  On SNAP_CONTINUE the snapshot
 * is removed from the store and its list handed to the caller. */
snap_resume_kind snap_resume(uint32_t handle, const char *key, sess_list *list, uint16_t *id, uint32_t *start);
/* Stores list under key (taking ownership of both) for a walk that goes on;
 * id 0 allocates a new id.  Returns the id. */
uint16_t snap_put(uint16_t id, char *key, sess_list *list);

#endif
