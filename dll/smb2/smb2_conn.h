/*
 * The SMB2 connection as the per-command files share it (not part of the
 * layer's contract; tests use smb2.h and smb2_int.h):
 *   smb2_conn.c       framing, signing/encryption of each message, credits,
 *                     requests sent ahead, the expected-response table
 *   smb2_recv.c       receiving: checks, interim responses, the
 *                     leader/follower receive of several callers
 *   smb2_connect.c    connect/disconnect, one-way calls, the accessors
 *   smb2_negotiate.c  NEGOTIATE
 *   smb2_session.c    SESSION_SETUP through the auth interface (auth.h)
 *   smb2_tree.c       TREE_CONNECT IPC$, FSCTL_VALIDATE_NEGOTIATE_INFO
 *   smb2_pipe.c       CREATE / IOCTL FSCTL_PIPE_TRANSCEIVE / READ / WRITE / CLOSE
 *   smb2_compound.c   related compounds: TREE_CONNECT + CREATE + the first
 *                     transceive in one message; compound responses cut
 *   smb2_np.c         all of it as the pipe-transport interface (pipe/pipe.h)
 */
#ifndef NT_SMB2_CONN_H
#define NT_SMB2_CONN_H

#include "smb2_int.h"

#include "../net/net.h"

/* Most requests one caller may have in flight (READs sent ahead). */
#define SMB2_MAX_AHEAD 64u
/* Most requests in flight on one connection, all callers together (a few
 * pipes with their READs sent ahead), and most responses kept for callers
 * that have not asked for them yet (interim ones included). */
#define SMB2_MAX_OUT 256u
#define SMB2_MAX_STASH (2u * SMB2_MAX_OUT)

/*
 * Threads: the callers of different pipes of one connection may run at
 * once (one caller per pipe).  `mu` guards everything they share: sending
 * (credits, message ids, nonces, key objects, counters), the outstanding
 * set, the stash, `dead` and the compound state.  Receiving is
 * leader/follower (smb2_conn.c receive_final): one caller at a time
 * (`reading`) takes a frame off the wire with mu released, then under mu
 * keeps it for whoever awaits it and wakes the others (`cv`).  Sending
 * takes `send_lock` (mu released while waiting), then under mu the
 * credit, the id and the seal, then puts the frame on the wire with mu
 * released (smb2_conn.c transmit), so no caller waits for mu across
 * socket I/O.  Order: send_lock, then mu; mu is never held while waiting
 * for send_lock.  Connecting and the session setup run before the
 * connection is shared.
 */
struct smb2_conn {
    net_conn *net;
    uint32_t timeout_ms;
    uint64_t call_deadline;  /* connect's whole-call deadline (nt_now_ms), 0 = none;
                              * pipes have their own (smb2_pipe.deadline) */
    bool dead;               /* transport lost or stream out of sync: the call that
                              * found out returns why, every other call
                              * NT_ERROR_NETNAME_DELETED (the connection is gone) */
    nt_mutex mu;
    nt_cond cv;
    nt_tlock send_lock;      /* the socket's send side: one frame at a time, taken
                              * with mu released (a receiver never waits for a send) */
    bool reading;            /* a caller is receiving a frame (mu released) */
    unsigned credit_waiters; /* senders waiting for a grant (woken by the check of any answer) */
    unsigned late;           /* ids given up on whose answers may still come (about) */
    unsigned npipes;         /* pipes open on it (mu) */

    smb2_neg_req neg;
    uint16_t dialect;
    uint16_t cipher;
    uint16_t sign_alg;
    uint32_t max_transact, max_read, max_write;
    uint8_t preauth[64];     /* connection pre-auth hash (after NEGOTIATE) */
    uint16_t srv_security_mode;  /* as NEGOTIATE said: FSCTL_VALIDATE_NEGOTIATE_INFO checks them */
    uint32_t srv_capabilities;
    uint8_t srv_guid[16];

    smb2_credits cr;
    uint64_t session_id;
    uint32_t tree_id;
    bool have_keys;          /* authenticated, non-guest session with keys */
    bool signing;            /* sign requests, require signed responses */
    bool encrypting;         /* transform every request, require it on responses */
    bool in_setup;           /* SESSION_SETUP: its caller verifies the signature */
    smb2_keys keys;
    /* key objects for keys.sign/enc/dec, made on first use after the
     * session setup (smb2_conn.c key_of), freed by smb2_abort */
    nt_aes_key *ksign, *kenc, *kdec;
    uint8_t nonce_salt[4];
    uint64_t nonce_ctr;

    uint32_t round_trips;    /* waits for the network: a batch sent ahead counts once */
    uint32_t requests;
    uint32_t last_status;

    /* message ids sent and not yet answered (or given up on by their
     * caller): a response to any other id is stale and dropped */
    uint64_t out[SMB2_MAX_OUT];
    unsigned nout;
    /* responses received for another outstanding id than the receiver's,
     * in arrival order, until their caller asks */
    struct {
        uint64_t msg_id;
        uint8_t *m;
        size_t len;
        bool was_enc;
    } stash[SMB2_MAX_STASH];
    unsigned nstash;
    /* elements of a received compound not yet looked at, in arrival order */
    struct {
        uint8_t *m;
        size_t len;
        bool was_enc;
    } inq[SMB2_MAX_CHAIN];
    unsigned inq_pos, inq_n;

    /* compounding (smb2_compound.c): allowed by the options and not yet
     * refused by this server; the TREE_CONNECT IPC$ still to send (with the
     * first pipe's CREATE) for tree_server */
    bool compound;
    bool tree_pending;
    char *tree_server;
};

struct smb2_pipe {
    smb2_conn *c;
    uint64_t deadline;   /* its caller's whole-call deadline (smb2_pipe_set_deadline), 0 = none */
    uint8_t fid[16];
    /* CREATE not sent yet: it goes with the first transceive (smb2_compound.c) */
    char *deferred;
    /* READs sent ahead (smb2_pipe_read_ahead), answered in order */
    uint64_t ahead[SMB2_MAX_AHEAD];
    unsigned nahead, ahead_pos;
    uint32_t ahead_len;  /* Length of each */
    /* the rest of a read-ahead answer larger than the caller's buffer */
    uint8_t *pend;
    size_t pend_off, pend_len;
    bool pend_more;      /* it was STATUS_BUFFER_OVERFLOW */
};

/* Marks the connection unusable after transport or protocol errors and
 * wakes every waiter; returns st.  smb2_poison takes mu, poison_locked
 * (smb2_conn.c) expects it held. */
uint32_t smb2_poison(smb2_conn *c, uint32_t st);
/* The shared pieces of smb2_conn.c (sending) and smb2_recv.c (receiving),
 * all with mu held but smb2_recv_frame: poison; the kept key object of one
 * of the session's keys (NULL: the one-shot path); the final response to
 * (cmd, msg_id) of a request sent, within deadline. */
uint32_t smb2_poison_locked(smb2_conn *c, uint32_t st);
nt_aes_key *smb2_key_of(smb2_conn *c, nt_aes_key **slot, const uint8_t key[16], bool aes);
/* mu held: its caller no longer awaits id (a deadline, a pipe dropped); a
 * late answer will be dropped. */
void smb2_give_up(smb2_conn *c, uint64_t id);
/* Sends a request whose answer nobody waits for (a pipe's CLOSE when it
 * is dropped); nothing when the connection is dead or has no room. */
void smb2_send_oneway(smb2_conn *c, uint16_t cmd, nt_wr *w);
uint32_t smb2_receive_final(smb2_conn *c, uint16_t cmd, uint64_t msg_id, bool enc, uint64_t t0, uint64_t deadline,
                            smb2_hdr *rh, uint8_t **resp, size_t *resplen);
/* mu, for the compound sender (smb2_compound.c), which takes credits and
 * seals under it (smb2_send_lock first). */
void smb2_lock(smb2_conn *c);
void smb2_unlock(smb2_conn *c);
bool smb2_dead(smb2_conn *c);  /* c->dead, read under mu */

/* A request buffer: 64 header bytes reserved, room for `body` bytes of
 * body (a hint: it grows if needed), the body appended by the caller. */
void smb2_req_init(nt_wr *w, size_t body);

/*
 * Sends the request in w (header reserved + body) and returns the final
 * response, whatever its status.  NT_OK means a well-formed, authentic
 * response whose NTSTATUS is in rh->status; anything else is a
 * transport/protocol failure (the connection is then dead).  preauth: when
 * non-NULL the request bytes are folded into it (SESSION_SETUP).  One
 * deadline covers the whole exchange, interim STATUS_PENDING responses
 * included.  Does not free w.
 */
uint32_t smb2_call(smb2_conn *c, uint16_t cmd, nt_wr *w, uint16_t credit_req, uint8_t *preauth, smb2_hdr *rh,
                   uint8_t **resp, size_t *resplen);
/* smb2_call for a pipe's request: call_deadline is the pipe's (0: the
 * connection's call_deadline). */
uint32_t smb2_call_at(smb2_conn *c, uint16_t cmd, nt_wr *w, uint16_t credit_req, uint8_t *preauth,
                      uint64_t call_deadline, smb2_hdr *rh, uint8_t **resp, size_t *resplen);

/* Sends a request (CreditRequest 32) without waiting for its answer; its
 * message id out; frees w.  Its caller collects the answer with
 * smb2_recv_ahead (answers to other requests that arrive first are kept
 * for their callers).  batched: it goes with the caller's previous one
 * (not another round trip).  NT_ERROR_NOT_SUPPORTED (nothing sent) when
 * the connection has no room for another request in flight. */
uint32_t smb2_send_ahead(smb2_conn *c, uint16_t cmd, nt_wr *w, bool batched, uint64_t call_deadline,
                         uint64_t *msg_id);

/* A response that met its command's expectation. */
typedef struct smb2_resp {
    smb2_hdr h;
    uint8_t *m;    /* the whole message (header included), malloc'd */
    size_t len;
    nt_rd body;    /* positioned after the body's StructureSize */
} smb2_resp;

/*
 * smb2_call, then the command's row of the expected-response table
 * (smb2_conn.c): the status must be STATUS_SUCCESS or the row's other
 * acceptable status, and the body must start with the row's StructureSize.
 * Any other status is mapped from its 9-byte ERROR body and returned (never
 * NT_OK); a body of the wrong shape poisons the connection
 * (NT_ERROR_UNEXP_NET_ERR).  Frees w.  On NT_OK the caller frees r with
 * smb2_resp_free.
 */
uint32_t smb2_request(smb2_conn *c, uint16_t cmd, nt_wr *w, uint8_t *preauth, smb2_resp *r);
/* smb2_request for a pipe's request, by its deadline. */
uint32_t smb2_request_at(smb2_conn *c, uint16_t cmd, nt_wr *w, uint64_t call_deadline, smb2_resp *r);
/* The answer to a request sent with smb2_send_ahead, checked as smb2_request
 * checks it. */
uint32_t smb2_recv_ahead(smb2_conn *c, uint16_t cmd, uint64_t msg_id, uint64_t call_deadline, smb2_resp *r);
void smb2_resp_free(smb2_resp *r);

/* The compound machinery's view of smb2_conn.c: a request's CreditCharge;
 * sends a compound the caller encoded in w (n requests, message ids from
 * first_id on, signed element by element unless the chain is encrypted) as
 * one message, one round trip; the answers come with smb2_recv_ahead.  Does
 * not free w. */
uint16_t smb2_credit_charge(const smb2_conn *c);
/* Room (mu held) for a compound of n: requests in flight and credits. */
bool smb2_chain_room(smb2_conn *c, unsigned n);
/* mu and the send lock held (both taken before the chain's credits
 * were); the send lock is released. */
uint32_t smb2_send_chain_locked(smb2_conn *c, nt_wr *w, unsigned n, uint64_t first_id, uint64_t call_deadline);
/* The send lock (mu held on entry and on return, released while waiting),
 * false when deadline passed first.  A request takes it before its
 * message id, so that a wait that ends takes none (the connection stays
 * in step) and frames leave in MessageId order; the send releases it once
 * the frame is on the wire, smb2_send_unlock when nothing is sent. */
bool smb2_send_lock(smb2_conn *c, uint64_t deadline);
void smb2_send_unlock(smb2_conn *c);
/* A request's deadline from now: its timeout, never past call_deadline
 * (0: the connection's). */
uint64_t smb2_request_deadline(const smb2_conn *c, uint64_t call_deadline);
/* The next received message for receive_final: a queued element of an
 * earlier compound, or a frame from the wire (decrypted, its compound
 * elements queued, the first returned).  smb2_compound.c. */
uint32_t smb2_next_message(smb2_conn *c, uint16_t cmd, uint64_t deadline, uint8_t **m, size_t *mlen, bool *was_enc);
/* Frees the queued elements (smb2_abort). */
void smb2_inq_free(smb2_conn *c);
/* The frame and transform primitives of smb2_conn.c that smb2_next_message uses. */
uint32_t smb2_recv_frame(smb2_conn *c, uint8_t **out, size_t *outlen, uint64_t deadline);
uint32_t smb2_unwrap(smb2_conn *c, uint16_t cmd, uint8_t **m, size_t *mlen);

/* Request bodies and response parsers shared by the one-by-one and the
 * compound paths (smb2_tree.c, smb2_pipe.c).  The *_req functions start w;
 * tree_req returns false when the name cannot be encoded. */
bool smb2_tree_req(nt_wr *w, const char *server);
uint32_t smb2_tree_resp(smb2_conn *c, smb2_resp *r);
bool smb2_create_req(nt_wr *w, const char *name);
uint32_t smb2_create_resp(smb2_conn *c, smb2_resp *r, uint8_t fid[16]);
size_t smb2_ioctl_req(nt_wr *w, const smb2_pipe *p, const uint8_t *fid, const uint8_t *in, size_t inlen, size_t cap);
uint32_t smb2_ioctl_resp(smb2_pipe *p, smb2_resp *r, const uint8_t *fid, size_t maxout, uint8_t *out, size_t *got);
/* The pipe's CREATE now, on its own (a deferred one that cannot compound). */
uint32_t smb2_pipe_create_now(smb2_pipe *p);
/* The deferred CREATE (and TREE_CONNECT) with the first transceive as one
 * compound; falls back to one request at a time (smb2_compound.c). */
uint32_t smb2_chain_open_transceive(smb2_pipe *p, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
                                    size_t *got);

/* Sends CLOSE (fid) / TREE_DISCONNECT / LOGOFF and ignores the outcome
 * beyond transport errors (best effort on the way out); call_deadline as
 * for smb2_call_at. */
void smb2_simple_call(smb2_conn *c, uint16_t cmd, const uint8_t *fid, uint64_t call_deadline);
/* The request of a CLOSE (fid) / TREE_DISCONNECT / LOGOFF, started in w. */
void smb2_simple_req(nt_wr *w, uint16_t cmd, const uint8_t *fid);

/* The per-command steps of smb2_connect. */
uint32_t smb2_negotiate(smb2_conn *c, const smb2_opts *o);
uint32_t smb2_session_setup(smb2_conn *c, const auth_mech *mech, const char *server, const nt_creds *creds);
uint32_t smb2_tree_connect(smb2_conn *c, const char *server);
uint32_t smb2_validate_negotiate(smb2_conn *c);

#endif
