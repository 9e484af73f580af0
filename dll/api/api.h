/*
 * The API layer: argument checks, level handling and packing of the result
 * into one NetApiBuffer block.  Portable: exports_win.c only adapts the
 * Win32 signatures to these functions, and the native unit tests call them
 * directly.
 */
#ifndef NT_API_H
#define NT_API_H

#include "../auth/auth.h"
#include "../common/nt.h"
#include "../pipe/pipe.h"
#include "../srvs/levels.h"
#include "../srvs/srvs.h"

#define NT_MAX_PREFERRED_LENGTH 0xFFFFFFFFu

uint32_t api_session_enum(const nt_wchar *server, const nt_wchar *client, const nt_wchar *user,
                          uint32_t level, uint8_t **bufptr, uint32_t prefmaxlen, uint32_t *entriesread,
                          uint32_t *totalentries, uint32_t *resume_handle);
uint32_t api_session_getinfo(const nt_wchar *server, const nt_wchar *client, const nt_wchar *user,
                             uint32_t level, uint8_t **bufptr);
uint32_t api_session_del(const nt_wchar *server, const nt_wchar *client, const nt_wchar *user);

/* Drops every cached connection (DLL unload, tests). */
void api_cache_shutdown(void);
/* Forgets every resume snapshot (DLL unload, tests). */
void api_snapshots_clear(void);

/* ---- server names (server.c) ---- */
typedef struct api_server {
    char *host;        /* what to connect to: name, IPv4 or IPv6 literal (no brackets) */
    nt_wchar *unc;     /* L"\\\\host" for the RPC ServerName argument */
    bool local;        /* NULL or "" given: this machine's server */
} api_server;

/* NULL/"" -> local (127.0.0.1); "name", "\\\\name", "\\\\1.2.3.4",
 * "[v6]", "v6", "\\\\[v6]".  NT_NERR_InvalidComputer for malformed names. */
uint32_t api_parse_server(const nt_wchar *server, api_server *out);
void api_server_free(api_server *s);

/* ---- credentials (creds.c, creds_win.c / creds_posix.c) ---- */
/* First hit wins: Credential Manager (server as given without leading
 * backslashes, then "*"), NETAPI32_USER/NETAPI32_PASSWORD,
 * NETAPI32_AUTH_FILE (smbclient -A format), anonymous.  *source receives a
 * short static description for tracing. */
uint32_t api_lookup_creds(const char *server, nt_creds *out, const char **source);
/* Platform hook: Windows Credential Manager (false natively / not found). */
bool api_credman_lookup(const char *target, nt_creds *out);
/* Parses smbclient's -A format (username =, password =, domain =). */
bool api_parse_auth_file(const char *text, nt_creds *out);

/* ---- packing (pack.c) ---- */
/* Bytes one entry takes in a result block at `level` (struct + strings). */
size_t api_entry_size(const sess_level *l, const sess_info *s);
/* Packs entries [0, n) into one nt_block: struct array then UTF-16 strings. */
uint32_t api_pack(const sess_level *l, sess_info *const *v, uint32_t n, uint8_t **block);

/* ---- connections (conn.c) ---- */
typedef struct api_conn api_conn;
typedef enum api_retry {
    API_RETRY_IDEMPOTENT,   /* enumeration: a dead connection is replaced and the call repeated */
    API_RETRY_ONCE          /* deletion: replaced only when found dead before sending */
} api_retry;

/* Operation run on a bound srvsvc connection.  It returns the transport's /
 * protocol's status only (NT_OK when the server answered); the server's
 * answer, whatever its value, goes into arg (a srvs_answer), so no answer
 * ever poisons a connection or causes a repeat. */
typedef uint32_t (*api_op_fn)(rpc_conn *rpc, void *arg);
/* Runs op against server with the credentials for it, reusing a cached
 * connection.  A failed op discards the connection (see poisons_connection);
 * a connection lost on reuse is replaced and an API_RETRY_IDEMPOTENT op
 * repeated once.  *sent_then_dropped is set when the request may have
 * reached the server and the server then dropped the connection. */
uint32_t api_with_conn(const api_server *srv, api_retry policy, api_op_fn op, void *arg,
                       bool *sent_then_dropped);
/* The same with a RAP form of the operation, run instead of op on a
 * connection whose server has no srvsvc (api_rap_instead); NULL: such a
 * connection answers NT_ERROR_NOT_SUPPORTED. */
typedef uint32_t (*api_rap_fn)(const np_conn *c, void *arg);
uint32_t api_with_conn_rap(const api_server *srv, api_retry policy, api_op_fn op, api_rap_fn rap, void *arg,
                           bool *sent_then_dropped);
/* Whether connection c (just connected; open_status: how opening srvsvc
 * went, NT_OK before trying) is to be used with RAP instead of srvsvc: the
 * connection has TRANSACTION (SMB1) and srvsvc does not exist
 * (NT_RPC_S_SERVER_UNAVAILABLE, STATUS_OBJECT_NAME_NOT_FOUND) or
 * NETAPI32_FORCE_RAP=1 (diagnostic) asks for it (rap.c). */
bool api_rap_instead(const np_conn *c, uint32_t open_status);
/* Whether connection c, whose srvsvc pipe opened but whose bind failed with
 * bind_status, is to be used with RAP instead: it has TRANSACTION (SMB1) and
 * the server refused the interface (bind_nak: NT_RPC_S_SERVER_UNAVAILABLE;
 * presentation context rejected: NT_RPC_S_UNKNOWN_IF), as servers whose
 * pipe exists but serves no srvsvc answer.  The caller closes the pipe. */
bool api_rap_after_bind(const np_conn *c, uint32_t bind_status);
/* The connection factory (pipe/pipe.h) new connections come from: NULL
 * restores the default (SMB2/3, smb2_np_connect).  Unit tests pass one that
 * yields a scripted server (tests/fake_srvsvc.h); everything above the pipe
 * (credentials lookup, RPC bind, the cache, retries) runs as usual.  Call
 * api_cache_shutdown before changing it. */
void api_set_connector(np_connect_fn f);
/* The default factory: SMB2/3, or SMB1 when enabled (family.c). */
uint32_t api_connect_family(const np_target *t, const nt_creds *cr, np_conn *out);
/* NETAPI32_SMB1=1 or HKLM\Software\Wine\netapi32 "Smb1" = 1. */
bool api_smb1_enabled(void);
/* Connections opened since the process started (tests: reuse is observable). */
uint32_t api_connect_count(void);
/* The most calls one connection has carried at once (pipes open on it):
 * tests see that calls were in flight together. */
uint32_t api_shared_max(void);
/* Per-server memory of levels the server rejected with ERROR_INVALID_LEVEL. */
bool api_level_missing(const api_server *srv, uint32_t level);
void api_level_set_missing(const api_server *srv, uint32_t level);

#endif
