/* The SMB2 connection: framing, signing and encryption of each message,
 * credits, interim responses and one deadline per request, the
 * expected-response table, and several callers in flight at once (one per
 * pipe: smb2_conn.h says what mu guards; receive_final is the
 * leader/follower receive).  A caller may also have several READs in
 * flight (smb2_send_ahead / smb2_recv_ahead). */
#include "smb2_conn.h"

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

static uint32_t poison_locked(smb2_conn *c, uint32_t st)
{
    if (!c->dead) {
        c->dead = true;
        c->dead_st = st ? st : NT_ERROR_UNEXP_NET_ERR;
    }
    nt_cond_broadcast(&c->cv);
    return st;
}

uint32_t smb2_poison(smb2_conn *c, uint32_t st)
{
    nt_mutex_lock(&c->mu);
    poison_locked(c, st);
    nt_mutex_unlock(&c->mu);
    return st;
}

/* ---- the outstanding set and the stash (mu held) ---- */
static bool out_has(const smb2_conn *c, uint64_t id)
{
    for (unsigned i = 0; i < c->nout; i++)
        if (c->out[i] == id)
            return true;
    return false;
}

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

/* id is no longer awaited (answered, or its caller gave up): responses to it
 * kept or still to come are dropped. */
static void out_forget(smb2_conn *c, uint64_t id)
{
    for (unsigned i = 0; i < c->nout; i++)
        if (c->out[i] == id) {
            c->out[i] = c->out[--c->nout];
            break;
        }
    for (unsigned i = 0; i < c->nstash;)
        if (c->stash[i].msg_id == id) {
            free(c->stash[i].m);
            memmove(&c->stash[i], &c->stash[i + 1], (c->nstash - i - 1) * sizeof(c->stash[0]));
            c->nstash--;
        } else {
            i++;
        }
}

/* Milliseconds left before the request's deadline; false when none is left
 * (a 0 timeout would mean "the default" to the net layer). */
static bool time_left(uint64_t deadline, uint32_t *ms)
{
    uint64_t now = nt_now_ms();
    if (now >= deadline)
        return false;
    uint64_t d = deadline - now;
    *ms = d > 0xFFFFFFF0u ? 0xFFFFFFF0u : (uint32_t)d;
    return true;
}

/* The deadline of one request: its own timeout, never past its caller's
 * (the pipe's, else the connection's). */
static uint64_t request_deadline(const smb2_conn *c, uint64_t t0, uint64_t call_deadline)
{
    uint64_t d = t0 + c->timeout_ms;
    uint64_t cd = call_deadline ? call_deadline : c->call_deadline;
    return cd && cd < d ? cd : d;
}

static uint32_t send_frame(smb2_conn *c, const uint8_t *msg, size_t len, uint64_t deadline)
{
    uint32_t ms = 0;
    if (!time_left(deadline, &ms))
        return NT_ERROR_SEM_TIMEOUT;
    if (len > 0xFFFFFFu)
        return NT_ERROR_INVALID_PARAMETER;
    uint8_t *f = malloc(4 + len);
    if (!f)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    f[0] = 0;
    f[1] = (uint8_t)(len >> 16);
    f[2] = (uint8_t)(len >> 8);
    f[3] = (uint8_t)len;
    memcpy(f + 4, msg, len);
    uint32_t st = net_send_all(c->net, f, 4 + len, ms);
    nt_wipe(f, 4 + len);
    free(f);
    return st;
}

uint32_t smb2_recv_frame(smb2_conn *c, uint8_t **out, size_t *outlen, uint64_t deadline)
{
    uint8_t h[4];
    uint32_t ms = 0;
    *out = NULL;
    *outlen = 0;
    if (!time_left(deadline, &ms))
        return NT_ERROR_SEM_TIMEOUT;
    uint32_t st = net_recv_all(c->net, h, 4, ms);
    if (st)
        return st;
    size_t len = ((size_t)h[1] << 16) | ((size_t)h[2] << 8) | h[3];
    if (h[0] != 0 || len < SMB2_HDR_LEN || len > SMB2_MAX_MSG)
        return NT_ERROR_UNEXP_NET_ERR;
    uint8_t *b = malloc(len);
    if (!b)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    st = time_left(deadline, &ms) ? net_recv_all(c->net, b, len, ms) : NT_ERROR_SEM_TIMEOUT;
    if (st) {
        free(b);
        return st;
    }
    *out = b;
    *outlen = len;
    return NT_OK;
}

/* The kept key object for one of the session's keys, made on first use;
 * NULL (the one-shot path) for HMAC-SHA256 or when it cannot be made. */
static nt_aes_key *key_of(smb2_conn *c, nt_aes_key **slot, const uint8_t key[16], bool aes)
{
    if (!aes || !c->have_keys || c->in_setup)
        return NULL;
    if (!*slot && !nt_aes_key_init(slot, key, 16))
        *slot = NULL;
    return *slot;
}

/* Sends the encoded request in w: in a transform when enc, else signed when
 * the session signs (each element of a compound on its own, MS-SMB2
 * 3.2.4.1.1: its NextCommand says where the next starts).  Transport and
 * crypto failures come back as they are; the caller poisons. */
static uint32_t send_request(smb2_conn *c, uint16_t cmd, nt_wr *w, bool enc, uint64_t deadline)
{
    uint32_t st;
    if (enc) {
        uint8_t nonce[16] = { 0 };
        c->nonce_ctr++;
        nt_put_le64(nonce, c->nonce_ctr);
        memcpy(nonce + 8, c->nonce_salt, c->cipher == SMB2_CIPHER_AES128_CCM ? 3 : 4);
        uint8_t *tf = NULL;
        size_t tflen = 0;
        st = smb2_encrypt_k(c->cipher, c->keys.enc, key_of(c, &c->kenc, c->keys.enc, true), c->session_id, nonce,
                            w->p, w->len, &tf, &tflen);
        if (st)
            return st;
        st = send_frame(c, tf, tflen, deadline);
        free(tf);
        return st;
    }
    for (size_t off = 0; c->signing && c->have_keys && cmd != SMB2_SESSION_SETUP && cmd != SMB2_NEGOTIATE;) {
        size_t next = nt_le32(w->p + off + 20), n = next ? next : w->len - off;
        if (!smb2_sign_k(c->sign_alg, c->keys.sign,
                         key_of(c, &c->ksign, c->keys.sign, c->sign_alg != SMB2_SIGN_HMAC_SHA256), w->p + off, n))
            return NT_ERROR_UNEXP_NET_ERR;
        if (!next)
            break;
        off += next;
    }
    return send_frame(c, w->p, w->len, deadline);
}

/* Statuses a server may send unsigned on a signed session: the session is
 * gone (it no longer has the key), or an interim response. They carry no
 * data and only ever fail the call. */
static bool unsigned_ok(uint32_t status)
{
    return status == STATUS_PENDING || status == STATUS_USER_SESSION_DELETED ||
           status == STATUS_NETWORK_SESSION_EXPIRED;
}

/* Decrypts a transform message in place of *m (its own keys or none). */
uint32_t smb2_unwrap(smb2_conn *c, uint16_t cmd, uint8_t **m, size_t *mlen)
{
    uint8_t *plain = NULL;
    size_t plen = 0;
    uint32_t st = c->have_keys ? smb2_decrypt_k(c->cipher, c->keys.dec, key_of(c, &c->kdec, c->keys.dec, true),
                                                c->session_id, *m, *mlen, &plain, &plen)
                               : NT_ERROR_UNEXP_NET_ERR;
    free(*m);
    *m = plain;
    *mlen = plen;
    if (st)
        nt_trace("smb2: %s: response does not decrypt", smb2_cmd_name(cmd));
    return st;
}

/* Checks one received message m for the request (cmd, msg_id): header,
 * encryption when the session encrypts, the signature when signed (and a
 * signature when the session signs, except unsigned_ok statuses).
 * NT_OK or NT_ERROR_UNEXP_NET_ERR; m is the caller's either way. */
static uint32_t check_message(smb2_conn *c, uint16_t cmd, uint64_t msg_id, bool enc, bool was_enc, uint8_t *m,
                              size_t mlen, smb2_hdr *rh)
{
    uint32_t st = smb2_hdr_parse(m, mlen, rh);
    if (st || rh->msg_id != msg_id || rh->command != cmd) {
        nt_trace("smb2: %s: malformed or unexpected response", smb2_cmd_name(cmd));
        return NT_ERROR_UNEXP_NET_ERR;
    }
    smb2_credits_grant(&c->cr, rh->credits);
    if (enc && !was_enc) {
        nt_trace("smb2: %s: unencrypted response on an encrypted session", smb2_cmd_name(cmd));
        return NT_ERROR_UNEXP_NET_ERR;
    }
    if (was_enc || c->in_setup)
        return NT_OK;
    if (rh->flags & SMB2_FLAGS_SIGNED) {
        nt_aes_key *k = key_of(c, &c->ksign, c->keys.sign, c->sign_alg != SMB2_SIGN_HMAC_SHA256);
        if (c->have_keys && !smb2_verify_mut_k(c->sign_alg, c->keys.sign, k, m, mlen)) {
            nt_trace("smb2: %s: bad response signature", smb2_cmd_name(cmd));
            return NT_ERROR_UNEXP_NET_ERR;
        }
    } else if (c->signing && !unsigned_ok(rh->status)) {
        nt_trace("smb2: %s: unsigned response on a signed session", smb2_cmd_name(cmd));
        return NT_ERROR_UNEXP_NET_ERR;
    }
    return NT_OK;
}

/* A response kept for its caller (the first, in arrival order: an interim
 * one before the final one). */
static bool stash_take(smb2_conn *c, uint64_t msg_id, uint8_t **m, size_t *mlen, bool *was_enc)
{
    for (unsigned i = 0; i < c->nstash; i++)
        if (c->stash[i].msg_id == msg_id) {
            *m = c->stash[i].m;
            *mlen = c->stash[i].len;
            *was_enc = c->stash[i].was_enc;
            memmove(&c->stash[i], &c->stash[i + 1], (c->nstash - i - 1) * sizeof(c->stash[0]));
            c->nstash--;
            return true;
        }
    return false;
}

/* Stale responses one call discards before it calls the stream broken. */
#define SMB2_MAX_STALE 64

/* What a received message m is to the receiver awaiting msg_id: 0 its own
 * (or malformed: its checks reject it), 1 another caller's (kept: their
 * responses, interim ones included, are checked by them), 2 stale (for no
 * outstanding request: duplicated or late, or its caller gave up; MS-SMB2
 * 3.2.5.1.2 discards it), 3 an answer to a message id never sent (the
 * stream is broken). */
static int classify(const smb2_conn *c, uint64_t msg_id, const uint8_t *m, size_t mlen)
{
    if (mlen < SMB2_HDR_LEN || nt_le32(m) != 0x424D53FEu)
        return 0;
    uint64_t id = nt_le64(m + 24);
    if (id == msg_id)
        return 0;
    if (id >= c->cr.next_msg_id)
        return 3;
    return out_has(c, id) ? 1 : 2;
}

/* Receives one frame as the reader (mu released meanwhile, the other
 * callers woken after) and sorts it; NT_OK with *m when it is the caller's. */
static uint32_t receive_one(smb2_conn *c, uint16_t cmd, uint64_t msg_id, uint64_t t0, uint64_t deadline,
                            unsigned *stale, uint8_t **m, size_t *mlen, bool *was_enc)
{
    c->reading = true;
    nt_mutex_unlock(&c->mu);
    uint32_t st = smb2_next_message(c, cmd, deadline, m, mlen, was_enc);
    nt_mutex_lock(&c->mu);
    c->reading = false;
    nt_cond_broadcast(&c->cv);
    if (st) {
        nt_trace("smb2: %s receive failed: %u (%u ms)", smb2_cmd_name(cmd), (unsigned)st,
                 (unsigned)(nt_now_ms() - t0));
        return poison_locked(c, st);
    }
    int kind = classify(c, msg_id, *m, *mlen);
    if (kind == 0)
        return NT_OK;
    if (kind == 1 && c->nstash < SMB2_MAX_STASH) {
        c->stash[c->nstash].msg_id = nt_le64(*m + 24);
        c->stash[c->nstash].m = *m;
        c->stash[c->nstash].len = *mlen;
        c->stash[c->nstash].was_enc = *was_enc;
        c->nstash++;
    } else {
        free(*m);
        if (kind == 2)
            nt_trace("smb2: %s: dropped a response to no outstanding request", smb2_cmd_name(cmd));
        else
            nt_trace("smb2: %s: a response to a request never sent, or too many kept", smb2_cmd_name(cmd));
        if (kind != 2 || ++*stale > SMB2_MAX_STALE)
            return poison_locked(c, NT_ERROR_UNEXP_NET_ERR);
    }
    *m = NULL;
    return NT_ERROR_MORE_DATA; /* not ours: go on */
}

/* The next message for msg_id (mu held): kept for it, else received as the
 * reader when nobody else is receiving, else the wait for the reader until
 * our deadline.  A waiter that gives up leaves the connection as it is
 * (its late response will be stale); a reader that times out has the
 * stream out of step and poisons it. */
static uint32_t next_for(smb2_conn *c, uint16_t cmd, uint64_t msg_id, uint64_t t0, uint64_t deadline,
                         unsigned *stale, uint8_t **m, size_t *mlen, bool *was_enc)
{
    for (;;) {
        if (stash_take(c, msg_id, m, mlen, was_enc))
            return NT_OK;
        if (c->dead)
            return c->dead_st;
        if (c->reading) {
            if (!nt_cond_wait(&c->cv, &c->mu, deadline)) {
                nt_trace("smb2: %s: deadline passed while another call receives (%u ms)", smb2_cmd_name(cmd),
                         (unsigned)(nt_now_ms() - t0));
                out_forget(c, msg_id);
                return NT_ERROR_SEM_TIMEOUT;
            }
            continue;
        }
        uint32_t st = receive_one(c, cmd, msg_id, t0, deadline, stale, m, mlen, was_enc);
        if (st != NT_ERROR_MORE_DATA)
            return st;
    }
}

/* Receives until the final response to (cmd, msg_id), mu held: interim
 * STATUS_PENDING responses are dropped, and so are responses to requests no
 * longer outstanding (at most SMB2_MAX_STALE), all within deadline. */
static uint32_t receive_final(smb2_conn *c, uint16_t cmd, uint64_t msg_id, bool enc, uint64_t t0, uint64_t deadline,
                              smb2_hdr *rh, uint8_t **resp, size_t *resplen)
{
    unsigned stale = 0;
    for (;;) {
        uint8_t *m = NULL;
        size_t mlen = 0;
        bool was_enc = false;
        uint32_t st = next_for(c, cmd, msg_id, t0, deadline, &stale, &m, &mlen, &was_enc);
        if (st)
            return st;
        st = check_message(c, cmd, msg_id, enc, was_enc, m, mlen, rh);
        if (st) {
            free(m);
            return poison_locked(c, st);
        }
        if (rh->status == STATUS_PENDING && (rh->flags & SMB2_FLAGS_ASYNC_COMMAND)) {
            free(m); /* interim: the final response follows */
            continue;
        }
        out_forget(c, msg_id);
        nt_trace("smb2: %s status=0x%08x %u ms", smb2_cmd_name(cmd), (unsigned)rh->status,
                 (unsigned)(nt_now_ms() - t0));
        if (rh->status != STATUS_SUCCESS)
            c->last_status = rh->status;
        *resp = m;
        *resplen = mlen;
        return NT_OK;
    }
}

/* A credit for one request (mu held): while other requests are in flight
 * their answers grant more, so the caller waits for them (until deadline);
 * with none in flight the server has starved the connection. */
static uint32_t take_credit(smb2_conn *c, uint16_t cmd, uint64_t deadline, uint64_t *msg_id)
{
    while (!smb2_credits_take(&c->cr, 1, msg_id)) {
        if (c->dead)
            return c->dead_st;
        if (c->nout == 0) {
            nt_trace("smb2: %s: no credits left", smb2_cmd_name(cmd));
            return poison_locked(c, NT_ERROR_UNEXP_NET_ERR);
        }
        if (!nt_cond_wait(&c->cv, &c->mu, deadline))
            return NT_ERROR_SEM_TIMEOUT;
    }
    return NT_OK;
}

/* Encodes the header of the request in w and sends it (mu held); its
 * msg_id out, outstanding until answered. */
static uint32_t send_one(smb2_conn *c, uint16_t cmd, nt_wr *w, uint16_t credit_req, uint8_t *preauth,
                         uint64_t deadline, uint64_t *msg_id, bool *enc, bool batched)
{
    if (c->dead)
        return c->dead_st;
    if (w->bad || w->len < SMB2_HDR_LEN)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    if (!out_room(c, 1, 0))
        return poison_locked(c, NT_ERROR_UNEXP_NET_ERR); /* callers keep it below: not reached */
    uint64_t t0 = nt_now_ms();
    smb2_hdr h;
    memset(&h, 0, sizeof(h));
    h.credit_charge = smb2_credit_charge(c);
    h.command = cmd;
    h.credits = credit_req;
    uint32_t st = take_credit(c, cmd, deadline, &h.msg_id);
    if (st)
        return st;
    *msg_id = h.msg_id;
    h.session_id = c->session_id;
    h.tree_id = (cmd == SMB2_NEGOTIATE || cmd == SMB2_SESSION_SETUP || cmd == SMB2_LOGOFF ||
                 cmd == SMB2_TREE_CONNECT) ? 0 : c->tree_id;
    smb2_hdr_encode(&h, w->p);
    if (preauth && !smb2_preauth_update(preauth, w->p, w->len))
        return poison_locked(c, NT_ERROR_NOT_ENOUGH_MEMORY);
    *enc = c->encrypting && c->have_keys && cmd != SMB2_SESSION_SETUP && cmd != SMB2_NEGOTIATE;
    out_add(c, h.msg_id);
    st = send_request(c, cmd, w, *enc, deadline);
    c->requests++;
    if (!batched)
        c->round_trips++;
    if (st) {
        nt_trace("smb2: %s send failed: %u (%u ms)", smb2_cmd_name(cmd), (unsigned)st,
                 (unsigned)(nt_now_ms() - t0));
        return poison_locked(c, st);
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
    nt_mutex_lock(&c->mu);
    uint32_t st = send_one(c, cmd, w, credit_req, preauth, deadline, &msg_id, &enc, false);
    if (st == NT_OK)
        st = receive_final(c, cmd, msg_id, enc, t0, deadline, rh, resp, resplen);
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
    uint32_t st = NT_ERROR_NOT_SUPPORTED;
    nt_mutex_lock(&c->mu);
    if (c->dead)
        st = c->dead_st;
    else if (out_room(c, 1, SMB2_AHEAD_RESERVE) && c->cr.balance > 4)
        st = send_one(c, cmd, w, 32, NULL, request_deadline(c, nt_now_ms(), call_deadline), msg_id, &enc, batched);
    nt_mutex_unlock(&c->mu);
    nt_wr_free(w);
    return st;
}

bool smb2_chain_room(smb2_conn *c, unsigned n)
{
    return out_room(c, n, 0) && c->cr.balance >= n;
}

uint32_t smb2_send_chain_locked(smb2_conn *c, nt_wr *w, unsigned n, uint64_t first_id, uint64_t call_deadline)
{
    if (c->dead)
        return c->dead_st;
    uint64_t t0 = nt_now_ms();
    uint16_t cmd = nt_le16(w->p + 12);
    for (unsigned i = 0; i < n; i++)
        out_add(c, first_id + i);
    uint32_t st = send_request(c, cmd, w, c->encrypting && c->have_keys, request_deadline(c, t0, call_deadline));
    c->requests += n;
    c->round_trips++;
    if (st) {
        nt_trace("smb2: compound of %u send failed: %u", n, (unsigned)st);
        return poison_locked(c, st);
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
    uint32_t st = c->dead ? c->dead_st
                          : receive_final(c, cmd, msg_id, enc, t0, request_deadline(c, t0, call_deadline), &r->h,
                                          &r->m, &r->len);
    nt_mutex_unlock(&c->mu);
    return st ? st : expect_check(c, cmd, r);
}
