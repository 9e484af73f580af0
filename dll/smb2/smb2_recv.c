/* The SMB2 connection's receive side (smb2_conn.h): frames off the wire,
 * the transform undone, each response checked (message id, encryption,
 * signature), and the leader/follower receive of several callers at once:
 * the set of outstanding MessageIds and the stash of answers kept for the
 * callers that have not asked yet. */
#include "smb2_conn.h"

#include "../crypto/crypto.h"

#include <stdlib.h>
#include <string.h>

static bool out_has(const smb2_conn *c, uint64_t id)
{
    for (unsigned i = 0; i < c->nout; i++)
        if (c->out[i] == id)
            return true;
    return false;
}

/* Removes stash entry i, keeping the others in arrival order. */
static void stash_remove(smb2_conn *c, unsigned i)
{
    memmove(&c->stash[i], &c->stash[i + 1], (c->nstash - i - 1) * sizeof(c->stash[0]));
    c->nstash--;
}

/* An interim STATUS_PENDING answer (its final one still to come). */
static bool is_interim(const uint8_t *m, size_t mlen)
{
    return mlen >= SMB2_HDR_LEN && nt_le32(m + 8) == STATUS_PENDING && (nt_le32(m + 16) & SMB2_FLAGS_ASYNC_COMMAND);
}

/* id is no longer awaited (answered, or its caller gave up): responses to it
 * kept or still to come are dropped.  False when it was not outstanding;
 * *final_kept (when not NULL) says whether its final answer was among the
 * kept ones. */
static bool out_forget(smb2_conn *c, uint64_t id, bool *final_kept)
{
    unsigned i = 0;
    while (i < c->nout && c->out[i] != id)
        i++;
    if (i == c->nout)
        return false;
    c->out[i] = c->out[--c->nout];
    if (c->nout == 0 && c->credit_waiters)
        nt_cond_broadcast(&c->cv); /* nothing in flight: a credit waiter gives up (lock_and_credit) */
    for (i = 0; i < c->nstash;)
        if (c->stash[i].msg_id == id) {
            if (final_kept && !is_interim(c->stash[i].m, c->stash[i].len))
                *final_kept = true;
            free(c->stash[i].m);
            stash_remove(c, i);
        } else {
            i++;
        }
    return true;
}

uint32_t smb2_recv_frame(smb2_conn *c, uint8_t **out, size_t *outlen, uint64_t deadline)
{
    return net_recv_frame(c->net, SMB2_HDR_LEN, SMB2_MAX_MSG, deadline, out, outlen);
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
    uint32_t st = c->have_keys ? smb2_decrypt_k(c->cipher, c->keys.dec, smb2_key_of(c, &c->kdec, c->keys.dec, true),
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
 * and encryption when the request was encrypted (its signature was checked
 * on arrival, signature_bad).  NT_OK or NT_ERROR_UNEXP_NET_ERR; m is the
 * caller's either way. */
static uint32_t check_message(uint16_t cmd, uint64_t msg_id, bool enc, bool was_enc, const uint8_t *m, size_t mlen,
                              smb2_hdr *rh)
{
    uint32_t st = smb2_hdr_parse(m, mlen, rh);
    if (st || rh->msg_id != msg_id || rh->command != cmd) {
        nt_trace("smb2: %s: malformed or unexpected response", smb2_cmd_name(cmd));
        return NT_ERROR_UNEXP_NET_ERR;
    }
    if (enc && !was_enc) {
        nt_trace("smb2: %s: unencrypted response on an encrypted session", smb2_cmd_name(cmd));
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
            stash_remove(c, i);
            return true;
        }
    return false;
}

/* Stale responses one call discards before it calls the stream broken. */
#define SMB2_MAX_STALE 64

void smb2_give_up(smb2_conn *c, uint64_t id)
{
    /* a final answer already kept (it came while its request was being
     * sent: smb2_send_oneway) is not still to come */
    bool arrived = false;
    if (out_forget(c, id, &arrived) && !arrived && c->late < 0xFFFFu)
        c->late++; /* its answer may still come (smb2_is_dead) */
}

/* m has an SMB2 header (else its receiver's checks reject it). */
static bool smb2_shaped(const uint8_t *m, size_t mlen)
{
    return mlen >= SMB2_HDR_LEN && nt_le32(m) == 0x424D53FEu;
}

/* What a received message m is to the receiver awaiting msg_id: 0 its own
 * (or malformed: its checks reject it), 1 another caller's (kept: their
 * responses, interim ones included, are checked by them), 2 stale: for no
 * outstanding request (duplicated, late, its caller gave up, or an id never
 * sent); MS-SMB2 3.2.5.1.2 discards it. */
static int classify(const smb2_conn *c, uint64_t msg_id, const uint8_t *m, size_t mlen)
{
    if (!smb2_shaped(m, mlen))
        return 0;
    uint64_t id = nt_le64(m + 24);
    if (id == msg_id)
        return 0;
    return out_has(c, id) ? 1 : 2;
}

/* The signature of a message received (mu held), checked once on arrival
 * whoever it is for (MS-SMB2 3.2.5.1.3), so that only an authentic answer
 * grants credits: NULL when it may be trusted (it came encrypted, the
 * session is being set up and checks its final answer itself, it is
 * signed and verifies, or it is unsigned and the session does not sign or
 * its status may come unsigned), else why not.  A message with no SMB2
 * header is left to its receiver's checks. */
static const char *signature_bad(smb2_conn *c, uint8_t *m, size_t mlen, bool was_enc)
{
    if (was_enc || c->in_setup || !smb2_shaped(m, mlen))
        return NULL;
    if (nt_le32(m + 16) & SMB2_FLAGS_SIGNED) {
        nt_aes_key *k = smb2_key_of(c, &c->ksign, c->keys.sign, c->sign_alg != SMB2_SIGN_HMAC_SHA256);
        return c->have_keys && !smb2_verify_mut_k(c->sign_alg, c->keys.sign, k, m, mlen) ? "bad response signature"
                                                                                         : NULL;
    }
    return c->signing && !unsigned_ok(nt_le32(m + 8)) ? "unsigned response on a signed session" : NULL;
}

/* The credits an authentic answer grants count when it arrives, whoever
 * it is for and whether or not anyone still awaits it (MS-SMB2 3.2.5.1.4):
 * a kept answer's owner may read it late, a stale one's never, and a
 * sender may be waiting for a credit meanwhile (smb2_conn.c lock_and_credit). */
static void grant(smb2_conn *c, const uint8_t *m, size_t mlen)
{
    if (!smb2_shaped(m, mlen))
        return;
    uint16_t n = nt_le16(m + 14);
    smb2_credits_grant(&c->cr, n);
    if (n && c->credit_waiters)
        nt_cond_broadcast(&c->cv);
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
        return smb2_poison_locked(c, st);
    }
    int kind = classify(c, msg_id, *m, *mlen);
    const char *bad = signature_bad(c, *m, *mlen, *was_enc);
    if (bad && kind != 2) { /* ours, or a call's that would find it so */
        free(*m);
        *m = NULL;
        nt_trace("smb2: %s: %s", smb2_cmd_name(cmd), bad);
        return smb2_poison_locked(c, NT_ERROR_UNEXP_NET_ERR);
    }
    if (!bad)
        grant(c, *m, *mlen);
    if (kind == 0)
        return NT_OK;
    if (kind == 1 && c->nstash < SMB2_MAX_STASH) {
        c->stash[c->nstash].msg_id = nt_le64(*m + 24);
        c->stash[c->nstash].m = *m;
        c->stash[c->nstash].len = *mlen;
        c->stash[c->nstash].was_enc = *was_enc;
        c->nstash++;
    } else if (kind == 1) {
        free(*m);
        nt_trace("smb2: %s: too many responses kept for other calls", smb2_cmd_name(cmd));
        return smb2_poison_locked(c, NT_ERROR_UNEXP_NET_ERR);
    } else {
        free(*m);
        /* an authentic late answer was due (a caller gave up, a pipe was
         * dropped with READs pending): not counted against the budget */
        bool due = !bad && c->late;
        if (due)
            c->late--;
        nt_trace("smb2: %s: dropped a response to no outstanding request%s", smb2_cmd_name(cmd),
                 bad ? " (not authentic: its credits ignored)" : "");
        if (!due && ++*stale > SMB2_MAX_STALE)
            return smb2_poison_locked(c, NT_ERROR_UNEXP_NET_ERR);
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
            return NT_ERROR_NETNAME_DELETED; /* another call broke it */
        /* waiting for the receiver, or our turn to receive with nothing
         * read yet: a deadline passing leaves the stream in step */
        bool waiting = c->reading;
        bool in_time = waiting ? nt_cond_wait(&c->cv, &c->mu, deadline) : nt_now_ms() < deadline;
        if (!in_time) {
            nt_trace("smb2: %s: deadline passed %s (%u ms)", smb2_cmd_name(cmd),
                     waiting ? "while another call receives" : "before our turn to receive",
                     (unsigned)(nt_now_ms() - t0));
            smb2_give_up(c, msg_id);
            return NT_ERROR_SEM_TIMEOUT;
        }
        if (waiting)
            continue; /* woken: our answer may be kept now */
        uint32_t st = receive_one(c, cmd, msg_id, t0, deadline, stale, m, mlen, was_enc);
        if (st != NT_ERROR_MORE_DATA)
            return st;
    }
}

/* Receives until the final response to (cmd, msg_id), mu held: interim
 * STATUS_PENDING responses are dropped, and so are responses to requests no
 * longer outstanding (at most SMB2_MAX_STALE), all within deadline. */
uint32_t smb2_receive_final(smb2_conn *c, uint16_t cmd, uint64_t msg_id, bool enc, uint64_t t0, uint64_t deadline,
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
        st = check_message(cmd, msg_id, enc, was_enc, m, mlen, rh);
        if (st) {
            free(m);
            return smb2_poison_locked(c, st);
        }
        if (is_interim(m, mlen)) {
            free(m); /* interim: the final response follows */
            continue;
        }
        out_forget(c, msg_id, NULL);
        nt_trace("smb2: %s status=0x%08x %u ms", smb2_cmd_name(cmd), (unsigned)rh->status,
                 (unsigned)(nt_now_ms() - t0));
        if (rh->status != STATUS_SUCCESS)
            c->last_status = rh->status;
        *resp = m;
        *resplen = mlen;
        return NT_OK;
    }
}
