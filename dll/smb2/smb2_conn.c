/* The SMB2 connection: framing, signing and encryption of each message,
 * credits, interim responses and one deadline per request, the
 * expected-response table, and several callers in flight at once (one per
 * pipe: smb2_conn.h says what mu guards; receive_final is the
 * leader/follower receive).  A caller may also have several READs in
 * flight (smb2_send_ahead / smb2_recv_ahead). */
#include "smb2_conn.h"

#include "../common/deadline.h"
#include "../crypto/crypto.h"

#include <stdlib.h>
#include <string.h>

uint16_t smb2_credit_charge(const smb2_conn *c)
{
    return c->dialect == SMB2_DIALECT_202 || c->dialect == 0 ? 0 : 1;
}

void smb2_lock(smb2_conn *c) { nt_mutex_lock(&c->mu); }
void smb2_unlock(smb2_conn *c) { nt_mutex_unlock(&c->mu); }

bool smb2_dead(smb2_conn *c)
{
    nt_mutex_lock(&c->mu);
    bool d = c->dead;
    nt_mutex_unlock(&c->mu);
    return d;
}

uint32_t smb2_poison_locked(smb2_conn *c, uint32_t st)
{
    c->dead = true;
    nt_cond_broadcast(&c->cv);
    return st;
}

uint32_t smb2_poison(smb2_conn *c, uint32_t st)
{
    nt_mutex_lock(&c->mu);
    smb2_poison_locked(c, st);
    nt_mutex_unlock(&c->mu);
    return st;
}

/* ---- the outstanding set (mu held; smb2_recv.c forgets) ---- */
/* Room for n more requests in flight, `reserve` kept for other callers. */
static bool out_room(const smb2_conn *c, unsigned n, unsigned reserve)
{
    return c->nout + n + reserve <= SMB2_MAX_OUT;
}

static void out_add(smb2_conn *c, uint64_t id)
{
    if (c->nout < SMB2_MAX_OUT)
        c->out[c->nout++] = id;
}

/* The deadline of one request: its own timeout, never past its caller's
 * (the pipe's, else the connection's). */
static uint64_t request_deadline(const smb2_conn *c, uint64_t t0, uint64_t call_deadline)
{
    uint64_t d = t0 + c->timeout_ms;
    uint64_t cd = call_deadline ? call_deadline : c->call_deadline;
    return cd && cd < d ? cd : d;
}

/* msg in a session-message frame (4-byte header), malloc'ed. */
static uint8_t *frame_of(const uint8_t *msg, size_t len, size_t *flen)
{
    if (len > 0xFFFFFFu)
        return NULL;
    uint8_t *f = malloc(4 + len);
    if (!f)
        return NULL;
    f[0] = 0;
    f[1] = (uint8_t)(len >> 16);
    f[2] = (uint8_t)(len >> 8);
    f[3] = (uint8_t)len;
    memcpy(f + 4, msg, len);
    *flen = 4 + len;
    return f;
}

/* smb2_conn.h has the contract (mu released while waiting). */
bool smb2_send_lock(smb2_conn *c, uint64_t deadline)
{
    nt_mutex_unlock(&c->mu);
    bool ok = nt_tlock_acquire(&c->send_lock, deadline);
    nt_mutex_lock(&c->mu);
    return ok;
}

void smb2_send_unlock(smb2_conn *c) { nt_tlock_release(&c->send_lock); }

/* Sends frame f (freed) with mu released meanwhile, then releases the
 * send lock: a receiver, or a caller taking its answer from the stash,
 * never waits for a send.  mu held on entry and on return. */
static uint32_t transmit(smb2_conn *c, uint8_t *f, size_t flen, uint64_t deadline)
{
    nt_mutex_unlock(&c->mu);
    uint32_t ms = 0;
    uint32_t st = nt_ms_left(deadline, &ms) ? net_send_all(c->net, f, flen, ms) : NT_ERROR_SEM_TIMEOUT;
    smb2_send_unlock(c);
    nt_wipe(f, flen);
    free(f);
    nt_mutex_lock(&c->mu);
    return st;
}

/* The kept key object for one of the session's keys, made on first use;
 * NULL (the one-shot path) for HMAC-SHA256 or when it cannot be made. */
nt_aes_key *smb2_key_of(smb2_conn *c, nt_aes_key **slot, const uint8_t key[16], bool aes)
{
    if (!aes || !c->have_keys || c->in_setup)
        return NULL;
    if (!*slot && !nt_aes_key_init(slot, key, 16))
        *slot = NULL;
    return *slot;
}

/* The frame of the encoded request in w (mu held): in a transform when
 * enc, else signed when the session signs (each element of a compound on
 * its own, MS-SMB2 3.2.4.1.1: its NextCommand says where the next starts),
 * then sent (transmit).  The caller holds the send lock; it is released
 * in every case.  A request whose frame never left takes the connection
 * with it (its MessageId would stay a hole in the server's window):
 * transport and crypto failures come back as they are; the caller poisons. */
static uint32_t send_request(smb2_conn *c, uint16_t cmd, nt_wr *w, bool enc, uint64_t deadline)
{
    uint8_t *f = NULL;
    size_t flen = 0;
    uint32_t st = NT_OK;
    if (enc) {
        uint8_t nonce[16] = { 0 };
        c->nonce_ctr++;
        nt_put_le64(nonce, c->nonce_ctr);
        memcpy(nonce + 8, c->nonce_salt, c->cipher == SMB2_CIPHER_AES128_CCM ? 3 : 4);
        uint8_t *tf = NULL;
        size_t tflen = 0;
        st = smb2_encrypt_k(c->cipher, c->keys.enc, smb2_key_of(c, &c->kenc, c->keys.enc, true), c->session_id,
                            nonce, w->p, w->len, &tf, &tflen);
        f = st ? NULL : frame_of(tf, tflen, &flen);
        free(tf);
    } else {
        for (size_t off = 0; c->signing && c->have_keys && cmd != SMB2_SESSION_SETUP && cmd != SMB2_NEGOTIATE;) {
            size_t next = nt_le32(w->p + off + 20), n = next ? next : w->len - off;
            if (!smb2_sign_k(c->sign_alg, c->keys.sign,
                             smb2_key_of(c, &c->ksign, c->keys.sign, c->sign_alg != SMB2_SIGN_HMAC_SHA256), w->p + off,
                             n)) {
                st = NT_ERROR_UNEXP_NET_ERR;
                break;
            }
            if (!next)
                break;
            off += next;
        }
        f = st ? NULL : frame_of(w->p, w->len, &flen);
    }
    if (f)
        return transmit(c, f, flen, deadline);
    smb2_send_unlock(c);
    return st ? st : NT_ERROR_NOT_ENOUGH_MEMORY;
}

/* How send_one sends a request. */
typedef struct send_how {
    uint16_t credit_req;
    uint8_t *preauth;  /* the preauth hash to update (SESSION_SETUP), or NULL */
    uint64_t deadline;
    bool batched;      /* sent with others before their answers: no round trip of its own */
    int keep;          /* < 0: a call, which waits for a credit; else sent only while more
                        * than `keep` are left (NT_ERROR_NOT_SUPPORTED), never waiting */
    unsigned reserve;  /* requests in flight left to other callers */
} send_how;

/* The send lock and a credit for one request (mu held): its msg_id out.
 * Without a credit, a call waits (the send lock released) while other
 * requests are in flight, as their answers grant more; with none in
 * flight the server has starved the connection. */
static uint32_t lock_and_credit(smb2_conn *c, uint16_t cmd, const send_how *how, uint64_t *msg_id)
{
    for (;;) {
        if (!smb2_send_lock(c, how->deadline))
            return NT_ERROR_SEM_TIMEOUT; /* no message id taken: the connection stays in step */
        uint32_t st = c->dead ? NT_ERROR_NETNAME_DELETED : NT_OK; /* another call broke it */
        if (st == NT_OK && !out_room(c, 1, how->reserve))
            st = how->keep < 0 ? smb2_poison_locked(c, NT_ERROR_UNEXP_NET_ERR) /* callers keep below */
                               : NT_ERROR_NOT_SUPPORTED;
        else if (st == NT_OK && how->keep >= 0 && c->cr.balance <= (uint32_t)how->keep)
            st = NT_ERROR_NOT_SUPPORTED;
        else if (st == NT_OK && smb2_credits_take(&c->cr, 1, msg_id))
            return NT_OK; /* the send lock held */
        smb2_send_unlock(c);
        if (st)
            return st;
        if (c->nout == 0) {
            nt_trace("smb2: %s: no credits left", smb2_cmd_name(cmd));
            return smb2_poison_locked(c, NT_ERROR_UNEXP_NET_ERR);
        }
        c->credit_waiters++;
        bool in_time = nt_cond_wait(&c->cv, &c->mu, how->deadline);
        c->credit_waiters--;
        if (!in_time)
            return NT_ERROR_SEM_TIMEOUT;
    }
}

/* Encodes the header of the request in w and sends it (mu held); its
 * msg_id out, outstanding until answered. */
static uint32_t send_one(smb2_conn *c, uint16_t cmd, nt_wr *w, const send_how *how, uint64_t *msg_id, bool *enc)
{
    if (c->dead)
        return NT_ERROR_NETNAME_DELETED; /* another call broke it */
    if (w->bad || w->len < SMB2_HDR_LEN)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    uint64_t t0 = nt_now_ms();
    if (t0 >= how->deadline)
        return NT_ERROR_SEM_TIMEOUT; /* no message id taken: the connection stays in step */
    smb2_hdr h;
    memset(&h, 0, sizeof(h));
    uint32_t st = lock_and_credit(c, cmd, how, &h.msg_id);
    if (st)
        return st;
    h.credit_charge = smb2_credit_charge(c);
    h.command = cmd;
    h.credits = how->credit_req;
    *msg_id = h.msg_id;
    h.session_id = c->session_id;
    h.tree_id = (cmd == SMB2_NEGOTIATE || cmd == SMB2_SESSION_SETUP || cmd == SMB2_LOGOFF ||
                 cmd == SMB2_TREE_CONNECT) ? 0 : c->tree_id;
    smb2_hdr_encode(&h, w->p);
    if (how->preauth && !smb2_preauth_update(how->preauth, w->p, w->len)) {
        smb2_send_unlock(c);
        return smb2_poison_locked(c, NT_ERROR_NOT_ENOUGH_MEMORY);
    }
    *enc = c->encrypting && c->have_keys && cmd != SMB2_SESSION_SETUP && cmd != SMB2_NEGOTIATE;
    out_add(c, h.msg_id);
    st = send_request(c, cmd, w, *enc, how->deadline);
    c->requests++;
    if (!how->batched)
        c->round_trips++;
    if (st) {
        nt_trace("smb2: %s send failed: %u (%u ms)", smb2_cmd_name(cmd), (unsigned)st,
                 (unsigned)(nt_now_ms() - t0));
        return smb2_poison_locked(c, st);
    }
    return NT_OK;
}

/* smb2_conn.h has the contract. */
uint32_t smb2_call_at(smb2_conn *c, uint16_t cmd, nt_wr *w, uint16_t credit_req, uint8_t *preauth,
                      uint64_t call_deadline, smb2_hdr *rh, uint8_t **resp, size_t *resplen)
{
    *resp = NULL;
    *resplen = 0;
    uint64_t t0 = nt_now_ms();
    uint64_t deadline = request_deadline(c, t0, call_deadline);
    uint64_t msg_id = 0;
    bool enc = false;
    send_how how = {credit_req, preauth, deadline, false, -1, 0};
    nt_mutex_lock(&c->mu);
    uint32_t st = send_one(c, cmd, w, &how, &msg_id, &enc);
    if (st == NT_OK)
        st = smb2_receive_final(c, cmd, msg_id, enc, t0, deadline, rh, resp, resplen);
    nt_mutex_unlock(&c->mu);
    return st;
}

uint32_t smb2_call(smb2_conn *c, uint16_t cmd, nt_wr *w, uint16_t credit_req, uint8_t *preauth, smb2_hdr *rh,
                   uint8_t **resp, size_t *resplen)
{
    return smb2_call_at(c, cmd, w, credit_req, preauth, 0, rh, resp, resplen);
}

/* Requests in flight and credits a caller's READs sent ahead leave to the
 * other callers of the connection. */
#define SMB2_AHEAD_RESERVE 32u

uint32_t smb2_send_ahead(smb2_conn *c, uint16_t cmd, nt_wr *w, bool batched, uint64_t call_deadline,
                         uint64_t *msg_id)
{
    bool enc = false;
    send_how how = {32, NULL, request_deadline(c, nt_now_ms(), call_deadline), batched, 4, SMB2_AHEAD_RESERVE};
    nt_mutex_lock(&c->mu);
    uint32_t st = send_one(c, cmd, w, &how, msg_id, &enc);
    nt_mutex_unlock(&c->mu);
    nt_wr_free(w);
    return st;
}

void smb2_send_oneway(smb2_conn *c, uint16_t cmd, nt_wr *w)
{
    bool enc = false;
    uint64_t id = 0;
    send_how how = {1, NULL, request_deadline(c, nt_now_ms(), 0), false, 0, 0};
    nt_mutex_lock(&c->mu);
    if (send_one(c, cmd, w, &how, &id, &enc) == NT_OK)
        smb2_give_up(c, id);
    nt_mutex_unlock(&c->mu);
    nt_wr_free(w);
}

bool smb2_chain_room(smb2_conn *c, unsigned n)
{
    return out_room(c, n, 0) && c->cr.balance >= n;
}

uint64_t smb2_request_deadline(const smb2_conn *c, uint64_t call_deadline)
{
    return request_deadline(c, nt_now_ms(), call_deadline);
}

uint32_t smb2_send_chain_locked(smb2_conn *c, nt_wr *w, unsigned n, uint64_t first_id, uint64_t call_deadline)
{
    if (c->dead) {
        smb2_send_unlock(c);
        return NT_ERROR_NETNAME_DELETED; /* another call broke it */
    }
    uint64_t t0 = nt_now_ms();
    uint16_t cmd = nt_le16(w->p + 12);
    for (unsigned i = 0; i < n; i++)
        out_add(c, first_id + i);
    uint32_t st = send_request(c, cmd, w, c->encrypting && c->have_keys, request_deadline(c, t0, call_deadline));
    c->requests += n;
    c->round_trips++;
    if (st) {
        nt_trace("smb2: compound of %u send failed: %u", n, (unsigned)st);
        return smb2_poison_locked(c, st);
    }
    nt_trace("smb2: compound of %u requests (%s first) sent as one message", n, smb2_cmd_name(cmd));
    return NT_OK;
}

/* ---- the expected-response table ---- */
/* Per command: the status besides STATUS_SUCCESS that is a normal answer
 * (STATUS_SUCCESS again when there is none) and the response body's
 * StructureSize (MS-SMB2 2.2). */
typedef struct smb2_expect {
    uint32_t also_ok;
    uint16_t body_size;
} smb2_expect;

static const smb2_expect EXPECT[] = {
    [SMB2_NEGOTIATE] = {STATUS_SUCCESS, 65},
    [SMB2_SESSION_SETUP] = {STATUS_MORE_PROCESSING_REQUIRED, 9},
    [SMB2_LOGOFF] = {STATUS_SUCCESS, 4},
    [SMB2_TREE_CONNECT] = {STATUS_SUCCESS, 16},
    [SMB2_TREE_DISCONNECT] = {STATUS_SUCCESS, 4},
    [SMB2_CREATE] = {STATUS_SUCCESS, 89},
    [SMB2_CLOSE] = {STATUS_SUCCESS, 60},
    [SMB2_READ] = {STATUS_BUFFER_OVERFLOW, 17},   /* the pipe message has more */
    [SMB2_WRITE] = {STATUS_SUCCESS, 17},
    [SMB2_IOCTL] = {STATUS_BUFFER_OVERFLOW, 49},  /* FSCTL_PIPE_TRANSCEIVE: more to read */
};

/* Body reader positioned after the header, checking StructureSize. */
static bool body_start(nt_rd *r, const uint8_t *m, size_t len, uint16_t ssize)
{
    uint16_t s = 0;
    nt_rd_init(r, m, len);
    nt_rd_seek(r, SMB2_HDR_LEN);
    nt_rd_u16(r, &s);
    return !r->bad && s == ssize;
}

void smb2_req_init(nt_wr *w, size_t body)
{
    nt_wr_init(w, SMB2_MAX_IO + 1024);
    nt_wr_presize(w, SMB2_HDR_LEN + (body < SMB2_MAX_IO + 512 ? body : SMB2_MAX_IO + 512));
    nt_wr_zeros(w, SMB2_HDR_LEN);
}

void smb2_resp_free(smb2_resp *r)
{
    free(r->m);
    r->m = NULL;
    r->len = 0;
}

/* The response in r met its command's expectation (else freed, status out). */
static uint32_t expect_check(smb2_conn *c, uint16_t cmd, smb2_resp *r)
{
    const smb2_expect *e = &EXPECT[cmd];
    uint32_t st;
    if (r->h.status != STATUS_SUCCESS && r->h.status != e->also_ok) {
        /* An error response must be the 9-byte ERROR body. */
        st = body_start(&r->body, r->m, r->len, 9) ? smb2_map_status(r->h.status)
                                                   : smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
        smb2_resp_free(r);
        return st == NT_OK ? NT_ERROR_UNEXP_NET_ERR : st;
    }
    if (!body_start(&r->body, r->m, r->len, e->body_size)) {
        smb2_resp_free(r);
        return smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    return NT_OK;
}

static uint32_t request_at(smb2_conn *c, uint16_t cmd, nt_wr *w, uint8_t *preauth, uint64_t call_deadline,
                           smb2_resp *r)
{
    memset(r, 0, sizeof(*r));
    uint32_t st = cmd < sizeof(EXPECT) / sizeof(EXPECT[0]) && EXPECT[cmd].body_size
                      ? smb2_call_at(c, cmd, w, 32, preauth, call_deadline, &r->h, &r->m, &r->len)
                      : NT_ERROR_INVALID_PARAMETER;
    nt_wr_free(w);
    return st ? st : expect_check(c, cmd, r);
}

uint32_t smb2_request(smb2_conn *c, uint16_t cmd, nt_wr *w, uint8_t *preauth, smb2_resp *r)
{
    return request_at(c, cmd, w, preauth, 0, r);
}

uint32_t smb2_request_at(smb2_conn *c, uint16_t cmd, nt_wr *w, uint64_t call_deadline, smb2_resp *r)
{
    return request_at(c, cmd, w, NULL, call_deadline, r);
}

uint32_t smb2_recv_ahead(smb2_conn *c, uint16_t cmd, uint64_t msg_id, uint64_t call_deadline, smb2_resp *r)
{
    memset(r, 0, sizeof(*r));
    uint64_t t0 = nt_now_ms();
    bool enc = c->encrypting && c->have_keys;
    nt_mutex_lock(&c->mu);
    uint32_t st = c->dead ? NT_ERROR_NETNAME_DELETED
                          : smb2_receive_final(c, cmd, msg_id, enc, t0, request_deadline(c, t0, call_deadline), &r->h,
                                          &r->m, &r->len);
    nt_mutex_unlock(&c->mu);
    return st ? st : expect_check(c, cmd, r);
}
