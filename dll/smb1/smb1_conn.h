/* The SMB1 connection as the per-command files share it (smb1.h lists
 * them); not part of the layer's contract. */
#ifndef NT_SMB1_CONN_H
#define NT_SMB1_CONN_H

#include "smb1_int.h"

#include "../net/net.h"

/* The longest MAC key: a session key and the NTLMv2 response without
 * extended security (smb1_raw_mac_key). */
#define SMB1_MAC_KEY_MAX (16u + NTLM_BARE_NT_MAX)

typedef struct smb1_conn {
    net_conn *net;
    uint32_t timeout_ms;
    uint64_t call_deadline; /* caller's whole-call deadline (nt_now_ms), 0 = none */
    bool dead;

    uint32_t max_buffer;    /* the server's MaxBufferSize */
    uint32_t capabilities;
    uint8_t security_mode;
    uint16_t uid, tid, pid, mid;

    bool no_extsec;         /* logon without extended security (smb1_session_raw.c) */
    uint8_t challenge[8];   /* its NEGOTIATE challenge (challenge_len 0 or 8) */
    uint8_t challenge_len;
    bool ask_signing;       /* set FLAGS2 SECURITY_SIGNATURE (a logon with credentials) */
    bool signing;           /* sign requests, verify every response */
    uint8_t mac_key[SMB1_MAC_KEY_MAX]; /* mac_key_len bytes */
    size_t mac_key_len;
    uint32_t seq;           /* sequence number of the next request */

    uint32_t round_trips;
} smb1_conn;

typedef struct smb1_pipe {
    smb1_conn *c;
    uint16_t fid;
} smb1_pipe;

uint32_t smb1_poison(smb1_conn *c, uint32_t st);

/* A request: the 32 header bytes reserved (filled by smb1_request), then
 * the caller writes WordCount, words, ByteCount, bytes. */
void smb1_req_init(nt_wr *w, uint8_t cmd, size_t body);

/* A response that met the request's expectation. */
typedef struct smb1_resp {
    smb1_hdr h;
    uint8_t *m;    /* whole message, malloc'd */
    size_t len;
    smb1_block b;  /* the first command block (the chain was validated) */
    uint32_t seq;  /* signing sequence number of the request it answers */
} smb1_resp;

/*
 * Sends w (freed here) and receives its response: the header must answer
 * this request (command, MID), a signed session's response must verify,
 * the AndX chain must be sound.  Its status must be STATUS_SUCCESS or
 * `also_ok` (0 = none); any other status is mapped (smb2_map_status: the
 * same NTSTATUS values) and returned, never NT_OK.  Transport and protocol
 * failures poison the connection.  One deadline covers the exchange.  On
 * NT_OK the caller frees r with smb1_resp_free.
 */
uint32_t smb1_request(smb1_conn *c, nt_wr *w, uint32_t also_ok, smb1_resp *r);
/* A further response to the request `first` answered (a multi-part
 * TRANSACTION answer): same command and MID, on a signed session verified
 * with the same sequence number as the first (every part of one answer
 * carries the request's sequence number + 1), checked and mapped as
 * smb1_request does, with a fresh per-request deadline. */
uint32_t smb1_response_more(smb1_conn *c, const smb1_resp *first, uint32_t also_ok, smb1_resp *r);
void smb1_resp_free(smb1_resp *r);
/* The same without signing, for the NEGOTIATE: the raw message, whatever
 * its family (an SMB2 answer starts 0xFE 'SMB'). */
uint32_t smb1_exchange_raw(smb1_conn *c, nt_wr *w, uint8_t **m, size_t *len);

/* Appends s (UTF-8) as NUL-terminated UTF-16LE (smb1_tree.c). */
bool smb1_wr_utf16z(nt_wr *w, const char *s);

uint32_t smb1_negotiate(smb1_conn *c);
uint32_t smb1_session_setup(smb1_conn *c, const auth_mech *mech, const char *server, const nt_creds *creds);
/* The same for a server without extended security (c->no_extsec). */
uint32_t smb1_session_setup_raw(smb1_conn *c, const nt_creds *creds);
uint32_t smb1_tree_connect(smb1_conn *c, const char *server);
uint32_t smb1_connect(const np_target *t, const nt_creds *creds, smb1_conn **out);
void smb1_close(smb1_conn *c, bool polite);

uint32_t smb1_pipe_open(smb1_conn *c, const char *name, smb1_pipe **out);
uint32_t smb1_pipe_transceive(smb1_pipe *p, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
                              size_t *got);
uint32_t smb1_pipe_read(smb1_pipe *p, uint8_t *out, size_t cap, size_t *got);
uint32_t smb1_pipe_write(smb1_pipe *p, const uint8_t *in, size_t inlen);
void smb1_pipe_close(smb1_pipe *p, bool polite);
/* CLOSE of fid, outcome ignored beyond transport errors (smb1_conn.c). */
void smb1_pipe_close_call(smb1_conn *c, uint16_t fid);

/* A TRANSACTION on the named pipe `name` (UTF-8, e.g. "\\PIPE\\LANMAN" or
 * "\\PIPE\\") with setup words: NT_OK with the answer's parameter and data
 * bytes copied into resp (malloc'd), also when the status is
 * STATUS_BUFFER_OVERFLOW (*overflow true then). */
uint32_t smb1_transact(smb1_conn *c, const char *name, const uint16_t *setup, uint8_t nsetup,
                       const np_transact_req *req, np_transact_resp *resp, bool *overflow);

#endif
