/*
 * The SMB2 connection as the per-command files share it (not part of the
 * layer's contract; tests use smb2.h and smb2_int.h):
 *   smb2_conn.c       framing, signing/encryption of each message, credits,
 *                     interim responses, requests sent ahead, the
 *                     expected-response table
 *   smb2_connect.c    connect/disconnect, one-way calls, the accessors
 *   smb2_negotiate.c  NEGOTIATE
 *   smb2_session.c    SESSION_SETUP through the auth interface (auth.h)
 *   smb2_tree.c       TREE_CONNECT IPC$, FSCTL_VALIDATE_NEGOTIATE_INFO
 *   smb2_pipe.c       CREATE / IOCTL FSCTL_PIPE_TRANSCEIVE / READ / WRITE / CLOSE
 *   smb2_np.c         all of it as the pipe-transport interface (pipe/pipe.h)
 */
#ifndef NT_SMB2_CONN_H
#define NT_SMB2_CONN_H

#include "smb2_int.h"

#include "../net/net.h"

/* Most requests one caller may have in flight (READs sent ahead). */
#define SMB2_MAX_AHEAD 64u

struct smb2_conn {
    net_conn *net;
    uint32_t timeout_ms;
    uint64_t call_deadline;  /* caller's whole-call deadline (nt_now_ms), 0 = none */
    bool dead;               /* transport lost or stream out of sync */

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

    /* requests sent ahead (smb2_send_ahead): msg ids [ahead_lo, ahead_hi),
     * responses that arrived before they were asked for */
    uint64_t ahead_lo, ahead_hi;
    struct {
        uint64_t msg_id;
        uint8_t *m;
        size_t len;
        bool was_enc;
    } stash[SMB2_MAX_AHEAD];
    unsigned nstash;
};

struct smb2_pipe {
    smb2_conn *c;
    uint8_t fid[16];
    /* READs sent ahead (smb2_pipe_read_ahead), answered in order */
    uint64_t ahead[SMB2_MAX_AHEAD];
    unsigned nahead, ahead_pos;
    uint32_t ahead_len;  /* Length of each */
    /* the rest of a read-ahead answer larger than the caller's buffer */
    uint8_t *pend;
    size_t pend_off, pend_len;
    bool pend_more;      /* it was STATUS_BUFFER_OVERFLOW */
};

/* Marks the connection unusable after transport or protocol errors; returns st. */
uint32_t smb2_poison(smb2_conn *c, uint32_t st);

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

/* Sends a request (CreditRequest 32) without waiting for its answer; its
 * message id out; frees w.  The connection's one caller collects the answer
 * with smb2_recv_ahead (answers to other requests sent ahead that arrive
 * first are kept).  At most SMB2_MAX_AHEAD in flight. */
uint32_t smb2_send_ahead(smb2_conn *c, uint16_t cmd, nt_wr *w, uint64_t *msg_id);

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
/* The answer to a request sent with smb2_send_ahead, checked as smb2_request
 * checks it. */
uint32_t smb2_recv_ahead(smb2_conn *c, uint16_t cmd, uint64_t msg_id, smb2_resp *r);
void smb2_resp_free(smb2_resp *r);

/* Sends CLOSE (fid) / TREE_DISCONNECT / LOGOFF and ignores the outcome
 * beyond transport errors (best effort on the way out). */
void smb2_simple_call(smb2_conn *c, uint16_t cmd, const uint8_t *fid);

/* The per-command steps of smb2_connect. */
uint32_t smb2_negotiate(smb2_conn *c, const smb2_opts *o);
uint32_t smb2_session_setup(smb2_conn *c, const auth_mech *mech, const char *server, const nt_creds *creds);
uint32_t smb2_tree_connect(smb2_conn *c, const char *server);
uint32_t smb2_validate_negotiate(smb2_conn *c);

#endif
