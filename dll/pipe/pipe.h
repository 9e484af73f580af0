/*
 * The pipe-transport interface: "a connection to a server" and "a named pipe
 * on it", as the layers above (dcerpc, srvs, a RAP client, the API's
 * connection cache) see them, whatever dialect family carries them.
 *
 * Implementations: dll/smb2 (smb2_np_connect, SMB 2.0.2-3.1.1).  An SMB1
 * implementation (NT LM 0.12: NT_CREATE_ANDX, TRANSACTION TransactNmPipe,
 * READ/WRITE_ANDX) is a second np_connect_fn beside it; nothing above this
 * header changes.  Both structures are small values (ops + ctx) that callers
 * copy freely; the ctx belongs to the implementation until close.
 *
 * Status convention (Win32 codes, common/nt.h): NT_OK; NT_ERROR_MORE_DATA
 * from transceive/read when the pipe message has more bytes (fetch them
 * with read); transport failures as net.h gives them (NT_ERROR_NETNAME_DELETED
 * for a peer that closed, NT_ERROR_SEM_TIMEOUT at the deadline);
 * NT_ERROR_UNEXP_NET_ERR for protocol violations; NT_ERROR_ACCESS_DENIED /
 * NT_ERROR_NETWORK_ACCESS_DENIED when the server refused the operation in a
 * proper answer; NT_ERROR_NOT_SUPPORTED for an operation the dialect lacks.
 */
#ifndef NT_PIPE_H
#define NT_PIPE_H

#include "../auth/auth.h"
#include "../common/nt.h"

/* ---- a named pipe ---- */
typedef struct np_pipe_ops {
    /* Writes one message and returns the first part of the reply (up to cap):
     * NT_OK with *got bytes, or NT_ERROR_MORE_DATA when more follows. */
    uint32_t (*transceive)(void *ctx, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap, size_t *got);
    /* Reads further bytes; same NT_OK / NT_ERROR_MORE_DATA convention. */
    uint32_t (*read)(void *ctx, uint8_t *out, size_t cap, size_t *got);
    /* Writes without reading (all but the last fragment of a large request). */
    uint32_t (*write)(void *ctx, const uint8_t *in, size_t inlen);
    /* Closes the pipe and frees ctx: polite sends the close, otherwise
     * nothing is sent (the connection is dead or about to be aborted).
     * May be NULL (nothing to free). */
    void (*close)(void *ctx, bool polite);
    /* Optional (NULL: reads go one by one): `count` more messages of at
     * most `each` bytes are certainly coming; request them all now so that
     * the following reads find them (one round trip for all).  The caller
     * must never over-count: a read of a message that does not come waits
     * until the deadline. */
    uint32_t (*read_ahead)(void *ctx, unsigned count, size_t each);
    /* Optional: the whole-call deadline of the pipe's caller (nt_now_ms()
     * time, 0 = none) where the connection is shared by several callers at
     * once (np_conn_info.concurrent); without it np_set_deadline on the
     * connection is the only one. */
    void (*set_deadline)(void *ctx, uint64_t deadline_ms);
    /* Optional: true when the pipe cannot take another request (its
     * connection is dead, or it was left out of step); checked before a
     * request that may not be repeated.  NULL: np_is_dead of the connection. */
    bool (*is_dead)(void *ctx);
    /* Optional: closes and frees ctx without waiting: the close goes out
     * unanswered when the connection lives (its other pipes go on, and the
     * server frees this one), nothing when it is dead.  NULL: close(ctx,
     * false). */
    void (*drop)(void *ctx);
} np_pipe_ops;

typedef struct np_pipe {
    const np_pipe_ops *ops;
    void *ctx;
} np_pipe;

static inline uint32_t np_transceive(const np_pipe *p, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
                                     size_t *got)
{
    *got = 0;
    return p && p->ops && p->ops->transceive ? p->ops->transceive(p->ctx, in, inlen, out, cap, got)
                                             : NT_ERROR_UNEXP_NET_ERR;
}

static inline uint32_t np_read(const np_pipe *p, uint8_t *out, size_t cap, size_t *got)
{
    *got = 0;
    return p && p->ops && p->ops->read ? p->ops->read(p->ctx, out, cap, got) : NT_ERROR_UNEXP_NET_ERR;
}

static inline uint32_t np_read_ahead(const np_pipe *p, unsigned count, size_t each)
{
    return p && p->ops && p->ops->read_ahead && count ? p->ops->read_ahead(p->ctx, count, each) : NT_OK;
}

static inline uint32_t np_write(const np_pipe *p, const uint8_t *in, size_t inlen)
{
    return p && p->ops && p->ops->write ? p->ops->write(p->ctx, in, inlen) : NT_ERROR_UNEXP_NET_ERR;
}

static inline void np_pipe_set_deadline(const np_pipe *p, uint64_t deadline_ms)
{
    if (p && p->ops && p->ops->set_deadline)
        p->ops->set_deadline(p->ctx, deadline_ms);
}

/* -1: the pipe does not know (ask the connection), 1 dead, 0 usable. */
static inline int np_pipe_is_dead(const np_pipe *p)
{
    if (!p || !p->ops)
        return 1;
    return p->ops->is_dead ? (int)p->ops->is_dead(p->ctx) : -1;
}

static inline void np_pipe_drop(np_pipe *p)
{
    if (p && p->ops && p->ops->drop)
        p->ops->drop(p->ctx);
    else if (p && p->ops && p->ops->close)
        p->ops->close(p->ctx, false);
    if (p) {
        p->ops = NULL;
        p->ctx = NULL;
    }
}

static inline void np_pipe_close(np_pipe *p, bool polite)
{
    if (p && p->ops && p->ops->close)
        p->ops->close(p->ctx, polite);
    if (p) {
        p->ops = NULL;
        p->ctx = NULL;
    }
}

/* ---- a connection to a server ---- */
/* What tracing and tests may know about a connection. */
typedef struct np_conn_info {
    const char *family;   /* "smb2", "smb1", "test" */
    uint16_t dialect;     /* e.g. 0x0311; 0 when not applicable */
    bool signing;
    bool encrypting;
    uint32_t round_trips; /* network round trips since connect: requests sent
                           * together (READs sent ahead) count once */
    uint32_t requests;    /* requests sent since connect */
    bool concurrent;      /* its pipes may be used by several threads at once,
                           * each pipe by one (several requests in flight) */
} np_conn_info;

/* A transaction on a named pipe by name (SMB1 TRANSACTION, as RAP uses on
 * \PIPE\LANMAN): parameters and data out, parameters and data back. */
typedef struct np_transact_req {
    const char *pipe;             /* "\\PIPE\\LANMAN" */
    const uint8_t *param;
    size_t paramlen;
    const uint8_t *data;
    size_t datalen;
    uint32_t max_param, max_data; /* what the reply may carry */
} np_transact_req;

typedef struct np_transact_resp {
    uint8_t *param;  /* malloc'd (caller frees both) */
    size_t paramlen;
    uint8_t *data;
    size_t datalen;
} np_transact_resp;

typedef struct np_conn_ops {
    /* Opens a named pipe ("srvsvc") on the connection's IPC$ tree; what
     * it sends waits no later than deadline_ms (nt_now_ms time, 0 = the
     * connection's own deadline and request timeout). */
    uint32_t (*open)(void *ctx, const char *name, uint64_t deadline_ms, np_pipe *out);
    /* NULL when the dialect family has no such operation (SMB2). */
    uint32_t (*transact)(void *ctx, const np_transact_req *req, np_transact_resp *resp);
    /* The caller's whole-call deadline (nt_now_ms time, 0 = none): no
     * request waits past it. */
    void (*set_deadline)(void *ctx, uint64_t deadline_ms);
    /* True when the connection is known dead (checked before reuse). */
    bool (*is_dead)(void *ctx);
    void (*info)(const void *ctx, np_conn_info *out);
    /* Closes and frees ctx: polite logs off first, otherwise nothing is sent. */
    void (*close)(void *ctx, bool polite);
} np_conn_ops;

typedef struct np_conn {
    const np_conn_ops *ops;
    void *ctx;
} np_conn;

/* Where to connect and how long to wait. */
typedef struct np_target {
    const char *host;            /* name or IP literal (no brackets) */
    const char *unc_server;      /* name in \\unc_server\IPC$ (usually == host) */
    uint16_t port;               /* 0 = the family's default */
    uint32_t connect_timeout_ms; /* 0 = default */
    uint32_t timeout_ms;         /* per request; 0 = default */
    uint64_t deadline_ms;        /* nt_now_ms() time the whole connect must end by; 0 = none */
    const auth_mech *mech;       /* how to authenticate (auth.h); NULL = AUTH_MECH_NTLMSSP */
} np_target;

/* Connects and authenticates to t with creds (user NULL/"" = anonymous),
 * ready to open pipes on IPC$.  The connection factory the API's cache is
 * given (api_set_connector); each dialect family provides one. */
typedef uint32_t (*np_connect_fn)(const np_target *t, const nt_creds *creds, np_conn *out);

static inline uint32_t np_open(const np_conn *c, const char *name, uint64_t deadline_ms, np_pipe *out)
{
    out->ops = NULL;
    out->ctx = NULL;
    return c && c->ops && c->ops->open ? c->ops->open(c->ctx, name, deadline_ms, out) : NT_ERROR_UNEXP_NET_ERR;
}

static inline uint32_t np_transact(const np_conn *c, const np_transact_req *req, np_transact_resp *resp)
{
    return c && c->ops && c->ops->transact ? c->ops->transact(c->ctx, req, resp) : NT_ERROR_NOT_SUPPORTED;
}

static inline void np_set_deadline(const np_conn *c, uint64_t deadline_ms)
{
    if (c && c->ops && c->ops->set_deadline)
        c->ops->set_deadline(c->ctx, deadline_ms);
}

static inline bool np_is_dead(const np_conn *c)
{
    return !c || !c->ops || (c->ops->is_dead && c->ops->is_dead(c->ctx));
}

static inline void np_info(const np_conn *c, np_conn_info *out)
{
    out->family = "none";
    out->dialect = 0;
    out->signing = out->encrypting = false;
    out->round_trips = 0;
    out->requests = 0;
    out->concurrent = false;
    if (c && c->ops && c->ops->info)
        c->ops->info(c->ctx, out);
}

static inline void np_conn_close(np_conn *c, bool polite)
{
    if (c && c->ops && c->ops->close)
        c->ops->close(c->ctx, polite);
    if (c) {
        c->ops = NULL;
        c->ctx = NULL;
    }
}

#endif
