/*
 * SMB2/3 client, just enough for DCE/RPC over a named pipe on IPC$:
 * NEGOTIATE (2.0.2, 2.1, 3.0, 3.0.2, 3.1.1; 3.1.1 with SHA-512 pre-auth
 * integrity, encryption and signing-capabilities contexts), SESSION_SETUP
 * (through the auth interface, auth.h: NTLMSSP in SPNEGO by default), TREE_CONNECT \\server\IPC$, CREATE of a
 * pipe, IOCTL FSCTL_PIPE_TRANSCEIVE (+ READ after STATUS_BUFFER_OVERFLOW),
 * READ, WRITE, CLOSE, TREE_DISCONNECT, LOGOFF.  Credits are tracked, interim
 * STATUS_PENDING responses are waited through, all within one deadline per
 * request (its timeout, never past the caller's call deadline).
 * Authenticated sessions always sign (HMAC-SHA256 for 2.x, AES-CMAC for
 * 3.0/3.0.2, AES-GMAC or AES-CMAC for 3.1.1 as negotiated), whatever the
 * server's session flags say; a signed response that does not verify fails
 * the call.  With credentials a guest or null session is refused, the final
 * SESSION_SETUP response is verified (mandatory on 3.1.1) and 3.0/3.0.2
 * connections are checked with FSCTL_VALIDATE_NEGOTIATE_INFO (downgrade
 * protection).  Sessions or shares that require encryption use the SMB3
 * transform (AES-128-CCM/GCM).
 *
 * A connection is used by one thread at a time (the API layer locks).
 *
 * Errors (Win32 codes, see common/nt.h): net.h's codes for transport
 * failures; NT_ERROR_LOGON_FAILURE / ACCOUNT_* / PASSWORD_* for rejected
 * credentials; NT_ERROR_SMB_GUEST_LOGON_BLOCKED (credentials given, the
 * server offered a guest or null session); NT_ERROR_SEM_TIMEOUT (deadline
 * passed; the connection is dead); NT_ERROR_ACCESS_DENIED; NT_ERROR_BAD_NET_NAME (tree connect
 * refused); NT_RPC_S_SERVER_UNAVAILABLE (pipe does not exist);
 * NT_ERROR_UNEXP_NET_ERR (protocol violation, bad signature, malformed
 * response); NT_ERROR_NOT_ENOUGH_MEMORY.
 */
#ifndef NT_SMB2_H
#define NT_SMB2_H

#include "../auth/auth.h"
#include "../common/nt.h"
#include "../pipe/pipe.h"

#define SMB2_DIALECT_202 0x0202
#define SMB2_DIALECT_210 0x0210
#define SMB2_DIALECT_300 0x0300
#define SMB2_DIALECT_302 0x0302
#define SMB2_DIALECT_311 0x0311

typedef struct smb2_opts {
    const char *host;        /* what to connect to: name or IP literal (no brackets) */
    const char *unc_server;  /* name used in \\unc_server\IPC$ (usually == host) */
    uint16_t port;           /* 0 = 445 */
    uint32_t connect_timeout_ms; /* 0 = default */
    uint32_t timeout_ms;         /* per request; 0 = default */
    uint64_t deadline_ms;        /* nt_now_ms() time the whole connect must end by; 0 = none */
    uint16_t min_dialect;    /* 0 = 0x0202 (tests narrow the range) */
    uint16_t max_dialect;    /* 0 = 0x0311 */
    const auth_mech *mech;   /* how to authenticate; NULL = AUTH_MECH_NTLMSSP (auth.h) */
    bool compound;           /* TREE_CONNECT IPC$ and a pipe's CREATE wait for the pipe's first
                              * transceive and go with it in one compound (one round trip;
                              * smb2_compound.c); a server that refuses is asked one request
                              * at a time.  smb2_np_connect sets it (NETAPI32_SMB2_COMPOUND=0
                              * turns it off). */
} smb2_opts;

typedef struct smb2_conn smb2_conn;
typedef struct smb2_pipe smb2_pipe;

/* TCP connect, NEGOTIATE, SESSION_SETUP, TREE_CONNECT IPC$ (and on a signed
 * 3.0/3.0.2 session FSCTL_VALIDATE_NEGOTIATE_INFO); with o->compound the
 * TREE_CONNECT waits for the first pipe (its errors come from there). */
uint32_t smb2_connect(const smb2_opts *o, const nt_creds *creds, smb2_conn **out);
/* CREATE of a named pipe on IPC$ ("srvsvc"); on a compounding connection it
 * goes with the first transceive (or read/write), whose errors then
 * include the CREATE's (and the deferred TREE_CONNECT's). */
uint32_t smb2_pipe_open(smb2_conn *c, const char *name, smb2_pipe **out);
/* smb2_pipe_open whose CREATE, when sent now (no compounding), waits no
 * later than deadline_ms (0 = the request timeout). */
uint32_t smb2_pipe_open_at(smb2_conn *c, const char *name, uint64_t deadline_ms, smb2_pipe **out);
/* Writes `in` and returns the first part of the reply in out (up to cap).
 * NT_OK: *got bytes; NT_ERROR_MORE_DATA: *got bytes and the message has more
 * (STATUS_BUFFER_OVERFLOW): fetch it with smb2_pipe_read. */
uint32_t smb2_pipe_transceive(smb2_pipe *p, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
                              size_t *got);
/* READ from the pipe; same NT_OK / NT_ERROR_MORE_DATA convention. */
uint32_t smb2_pipe_read(smb2_pipe *p, uint8_t *out, size_t cap, size_t *got);
/* Sends `count` READs of `each` bytes now (as many as the credits allow, at
 * most 64) for pipe messages the caller knows are coming; the following
 * smb2_pipe_read calls return their answers in order.  Never ask for a
 * message that may not come: a READ on an empty pipe waits. */
uint32_t smb2_pipe_read_ahead(smb2_pipe *p, unsigned count, size_t each);
uint32_t smb2_pipe_write(smb2_pipe *p, const uint8_t *in, size_t inlen);
void smb2_pipe_close(smb2_pipe *p);  /* CLOSE (best effort) and free */
/* The whole-call deadline of the pipe's caller (nt_now_ms() time, 0 = the
 * connection's): none of the pipe's requests waits past it.  A caller that
 * reaches it while another caller is receiving for the connection gets
 * NT_ERROR_SEM_TIMEOUT and leaves the connection usable (its late answer is
 * dropped); the one receiving when its own deadline passes breaks it. */
void smb2_pipe_set_deadline(smb2_pipe *p, uint64_t deadline_ms);
/* True when the pipe cannot take another request (smb2_pipe.c). */
bool smb2_pipe_is_dead(smb2_pipe *p);
/* Frees the handle without sending anything (before smb2_abort). */
void smb2_pipe_free(smb2_pipe *p);
/* Frees the handle after sending its CLOSE without waiting for the answer
 * (a pipe left out of step on a connection other pipes go on using). */
void smb2_pipe_drop(smb2_pipe *p);
/* TREE_DISCONNECT + LOGOFF (best effort), close the socket, wipe keys, free. */
void smb2_disconnect(smb2_conn *c);
/* Closes without sending anything (dead or poisoned connection). */
void smb2_abort(smb2_conn *c);

/* Sets the whole-call deadline (nt_now_ms() time, 0 = none) of the
 * requests of pipes without their own: no request waits past it
 * (NT_ERROR_SEM_TIMEOUT, connection dead).  For a connection with one
 * caller; callers sharing a connection set their pipes' deadlines.
 *
 * Threads: the pipes of one connection may be used by different threads at
 * once (one thread per pipe); several requests are then in flight on the
 * connection (smb2_conn.h). */
void smb2_set_deadline(smb2_conn *c, uint64_t deadline_ms);

/* True when the transport is known dead (peer closed): checked before reuse. */
bool smb2_is_dead(smb2_conn *c);
uint16_t smb2_dialect(const smb2_conn *c);
bool smb2_is_signing(const smb2_conn *c);
bool smb2_is_encrypting(const smb2_conn *c);
/* Round trips (requests sent) since connect: for tracing and tests. */
uint32_t smb2_round_trips(const smb2_conn *c); /* a batch of READs sent ahead counts once */
uint32_t smb2_requests(const smb2_conn *c);
/* NTSTATUS of the last failed response (0 if none): for tracing. */
uint32_t smb2_last_status(const smb2_conn *c);

/* The SMB2 family's connection factory (pipe/pipe.h, smb2_np.c): smb2_connect
 * with the target's settings, the result as an np_conn whose pipes are
 * smb2_pipe handles. */
uint32_t smb2_np_connect(const np_target *t, const nt_creds *creds, np_conn *out);

/* NTSTATUS -> Win32 mapping used by the layer (exposed for tests). */
uint32_t smb2_map_status(uint32_t ntstatus);

/* smb2_connect's answer when the server did not answer our NEGOTIATE in
 * SMB2 (closed the connection or sent a non-SMB2 message): possibly an
 * SMB1-only server.  Internal: the API layer finds out and turns it into
 * its documented refusal or a protocol error (dll/api/family.c). */
#define NT_ERROR_SMB1_ONLY_SERVER 0x5331u

#endif
