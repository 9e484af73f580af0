/* SMB2 compounded requests (MS-SMB2 3.2.4.1.4) and compounded responses.
 *
 * Sending: the elements are related (SMB2_FLAGS_RELATED_OPERATIONS on all
 * but the first, TreeId 0xFFFFFFFF and FileId all-0xFF where the previous
 * element's result is meant), each but the last padded to 8 bytes with its
 * NextCommand, signed one by one (smb2_conn.c send_request) or, on an
 * encrypting session, the whole chain in one transform.  Used once per pipe:
 * the pipe's CREATE (and the connection's deferred TREE_CONNECT IPC$) go
 * with its first FSCTL_PIPE_TRANSCEIVE (the DCE/RPC bind), one round trip
 * instead of three.  The IOCTL is the last element: a server may let only
 * the last element of a chain (or a CREATE) go async.
 *
 * Receiving: any frame may hold a chain of responses (a server may also
 * split one compound's answers over several frames, and send an interim
 * STATUS_PENDING for an element); smb2_next_message cuts it with
 * smb2_chain_split and hands the elements one at a time to smb2_conn.c,
 * which checks each (message id, signature, status) as it checks any
 * response.  A server that answers an element with an error status (or
 * that refuses compounds) gets the same requests again one at a time, and
 * the connection remembers not to compound again. */
#include "smb2_conn.h"

#include <stdlib.h>
#include <string.h>

uint32_t smb2_chain_split(const uint8_t *m, size_t len, size_t *off, size_t *lens, unsigned max, unsigned *n)
{
    *n = 0;
    if (!m || max == 0 || max > SMB2_MAX_CHAIN)
        return NT_ERROR_UNEXP_NET_ERR;
    size_t pos = 0;
    unsigned k = 0;
    for (;;) {
        if (len - pos < SMB2_HDR_LEN || k >= max)
            return NT_ERROR_UNEXP_NET_ERR;
        uint32_t next = nt_le32(m + pos + 20);
        off[k] = pos;
        if (next == 0) {
            lens[k++] = len - pos;
            break;
        }
        if (next % 8 || next < SMB2_HDR_LEN || next > len - pos - SMB2_HDR_LEN)
            return NT_ERROR_UNEXP_NET_ERR;
        lens[k++] = next;
        pos += next;
    }
    *n = k;
    return NT_OK;
}

void smb2_inq_free(smb2_conn *c)
{
    for (unsigned i = c->inq_pos; i < c->inq_n; i++)
        free(c->inq[i].m);
    c->inq_pos = c->inq_n = 0;
}

/* Queues the elements of the compound frame f (freed). */
static uint32_t queue_chain(smb2_conn *c, uint8_t *f, size_t flen, bool was_enc)
{
    size_t off[SMB2_MAX_CHAIN], lens[SMB2_MAX_CHAIN];
    unsigned n = 0;
    uint32_t st = smb2_chain_split(f, flen, off, lens, SMB2_MAX_CHAIN, &n);
    for (unsigned i = 0; st == NT_OK && i < n; i++) {
        uint8_t *e = malloc(lens[i]);
        if (!e) {
            st = NT_ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        memcpy(e, f + off[i], lens[i]);
        c->inq[c->inq_n].m = e;
        c->inq[c->inq_n].len = lens[i];
        c->inq[c->inq_n].was_enc = was_enc;
        c->inq_n++;
    }
    free(f);
    if (st) {
        nt_trace("smb2: malformed compound response");
        smb2_inq_free(c);
    }
    return st;
}

uint32_t smb2_next_message(smb2_conn *c, uint16_t cmd, uint64_t deadline, uint8_t **m, size_t *mlen, bool *was_enc)
{
    if (c->inq_pos >= c->inq_n) {
        c->inq_pos = c->inq_n = 0;
        uint8_t *f = NULL;
        size_t flen = 0;
        uint32_t st = smb2_recv_frame(c, &f, &flen, deadline);
        if (st)
            return st;
        bool enc = f[0] == 0xFD;
        if (enc && (st = smb2_unwrap(c, cmd, &f, &flen)) != NT_OK)
            return st;
        if (flen < SMB2_HDR_LEN || nt_le32(f + 20) == 0) {
            *m = f; /* a single message: smb2_conn.c checks it */
            *mlen = flen;
            *was_enc = enc;
            return NT_OK;
        }
        if ((st = queue_chain(c, f, flen, enc)) != NT_OK)
            return st;
    }
    *m = c->inq[c->inq_pos].m;
    *mlen = c->inq[c->inq_pos].len;
    *was_enc = c->inq[c->inq_pos].was_enc;
    c->inq_pos++;
    return NT_OK;
}

/* Encodes the headers of the n request elements els (started with
 * smb2_req_init, bodies appended; freed) into one related compound in out;
 * the first message id out.  NT_ERROR_NOT_SUPPORTED: not enough credits. */
static uint32_t chain_build(smb2_conn *c, nt_wr *els, const uint16_t *cmds, unsigned n, nt_wr *out,
                            uint64_t *first_id)
{
    uint32_t st = smb2_chain_room(c, n) ? NT_OK : NT_ERROR_NOT_SUPPORTED;
    nt_wr_init(out, (size_t)n * (SMB2_MAX_IO + 1024));
    for (unsigned i = 0; i < n; i++) {
        size_t len = els[i].len;
        smb2_hdr h;
        memset(&h, 0, sizeof(h));
        h.credit_charge = smb2_credit_charge(c);
        h.command = cmds[i];
        h.credits = 32;
        h.flags = i ? SMB2_FLAGS_RELATED : 0;
        h.next = i + 1 < n ? (uint32_t)((len + 7) & ~(size_t)7) : 0;
        h.session_id = c->session_id;
        h.tree_id = cmds[i] == SMB2_TREE_CONNECT ? 0 : i ? 0xFFFFFFFFu : c->tree_id;
        if (st == NT_OK && !els[i].bad && len >= SMB2_HDR_LEN && smb2_credits_take(&c->cr, 1, &h.msg_id)) {
            if (i == 0)
                *first_id = h.msg_id;
            smb2_hdr_encode(&h, els[i].p);
            nt_wr_bytes(out, els[i].p, len);
            nt_wr_zeros(out, h.next ? h.next - len : 0);
        } else if (st == NT_OK) {
            st = NT_ERROR_NOT_ENOUGH_MEMORY;
        }
        nt_wr_free(&els[i]);
    }
    if (st == NT_OK && out->bad)
        st = NT_ERROR_NOT_ENOUGH_MEMORY;
    if (st)
        nt_wr_free(out);
    return st;
}

/* Without compounding: the deferred TREE_CONNECT, the CREATE, then (out
 * non-NULL) the transceive, one request at a time. */
static uint32_t one_by_one(smb2_pipe *p, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap, size_t *got)
{
    smb2_conn *c = p->c;
    uint32_t st = NT_OK;
    if (c->tree_pending && (st = smb2_tree_connect(c, c->tree_server)) == NT_OK)
        c->tree_pending = false;
    if (st == NT_OK)
        st = smb2_pipe_create_now(p);
    return st || !out ? st : smb2_pipe_transceive(p, in, inlen, out, cap, got);
}

static const uint8_t FID_RELATED[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* The elements: [TREE_CONNECT,] CREATE, IOCTL; their count, or 0. */
static unsigned chain_elements(smb2_pipe *p, const uint8_t *in, size_t inlen, size_t cap, nt_wr *els,
                               uint16_t *cmds, size_t *maxout)
{
    smb2_conn *c = p->c;
    unsigned n = 0;
    if (c->tree_pending) {
        if (!smb2_tree_req(&els[n], c->tree_server))
            return 0;
        cmds[n++] = SMB2_TREE_CONNECT;
    }
    if (!smb2_create_req(&els[n], p->deferred)) {
        while (n)
            nt_wr_free(&els[--n]);
        return 0;
    }
    cmds[n++] = SMB2_CREATE;
    *maxout = smb2_ioctl_req(&els[n], p, FID_RELATED, in, inlen, cap);
    cmds[n++] = SMB2_IOCTL;
    return n;
}

/* The answers to the compound sent from first_id on, judged in order: the
 * TREE_CONNECT's, the CREATE's, then the IOCTL's (its data to out).  Every
 * answer is received (the stream stays in step) before any is judged. */
static uint32_t chain_answers(smb2_pipe *p, unsigned n, uint64_t first_id, const uint16_t *cmds, size_t maxout,
                              uint8_t *out, size_t *got, uint32_t *rs)
{
    smb2_conn *c = p->c;
    smb2_resp r[3];
    for (unsigned i = 0; i < n; i++)
        rs[i] = smb2_recv_ahead(c, cmds[i], first_id + i, p->deadline, &r[i]);
    /* elements left over in the queue for message ids never sent: more
     * answers than requests (the queue may also hold another caller's
     * answers, or late ones for a call that gave up, from the frame that
     * carried its compound; nobody touches it while no one is receiving) */
    smb2_lock(c);
    bool extra = false;
    if (!c->reading) /* else the queue is the receiver's */
        for (unsigned i = c->inq_pos; i < c->inq_n; i++)
            extra |= c->inq[i].len < SMB2_HDR_LEN || nt_le64(c->inq[i].m + 24) >= c->cr.next_msg_id;
    if (extra) {
        nt_trace("smb2: compound answered with more responses than requests");
        smb2_inq_free(c);
        smb2_poison_locked(c, NT_ERROR_UNEXP_NET_ERR);
    }
    bool dead = c->dead;
    smb2_unlock(c);
    if (dead) { /* the first transport or protocol failure */
        uint32_t st = NT_OK;
        for (unsigned i = 0; i < n; i++)
            if (rs[i] == NT_OK)
                smb2_resp_free(&r[i]);
            else if (st == NT_OK)
                st = rs[i];
        return st ? st : NT_ERROR_UNEXP_NET_ERR;
    }
    unsigned k = 0;
    if (n == 3) {
        if (rs[0] == NT_OK && (rs[0] = smb2_tree_resp(c, &r[0])) == NT_OK) {
            smb2_lock(c);
            c->tree_pending = false;
            smb2_unlock(c);
        }
        k = 1;
    }
    if (rs[k] == NT_OK)
        rs[k] = smb2_create_resp(c, &r[k], p->fid);
    if (rs[k + 1] == NT_OK && rs[k] == NT_OK)
        rs[k + 1] = smb2_ioctl_resp(p, &r[k + 1], FID_RELATED, maxout, out, got);
    else if (rs[k + 1] == NT_OK)
        smb2_resp_free(&r[k + 1]);
    return rs[k + 1];
}

uint32_t smb2_chain_open_transceive(smb2_pipe *p, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
                                    size_t *got)
{
    smb2_conn *c = p->c;
    nt_wr els[3], chain;
    uint16_t cmds[3];
    size_t maxout = 0;
    uint64_t first_id = 0;
    /* the send lock first (a wait that ends takes no message id), then
     * the ids in order, the seal and the send (which releases it) */
    smb2_lock(c);
    bool late = p->deadline && nt_now_ms() >= p->deadline;
    bool locked = c->compound && out && !c->dead && !late;
    if (locked && !smb2_send_lock(c, smb2_request_deadline(c, p->deadline)))
        locked = false, late = true;
    unsigned n = locked && !c->dead ? chain_elements(p, in, inlen, cap, els, cmds, &maxout) : 0;
    uint32_t st = n ? chain_build(c, els, cmds, n, &chain, &first_id) : NT_ERROR_NOT_SUPPORTED;
    if (st != NT_OK && st != NT_ERROR_NOT_SUPPORTED)
        smb2_poison_locked(c, st); /* message ids taken and never sent */
    if (st != NT_OK && locked)
        smb2_send_unlock(c);
    bool dead = c->dead;
    if (st == NT_OK) {
        st = smb2_send_chain_locked(c, &chain, n, first_id, p->deadline);
        nt_wr_free(&chain);
        if (st) {
            smb2_unlock(c);
            return st;
        }
    }
    smb2_unlock(c);
    if (late)
        return NT_ERROR_SEM_TIMEOUT;
    if (st)
        return dead ? NT_ERROR_NETNAME_DELETED : one_by_one(p, in, inlen, out, cap, got);
    uint32_t rs[3] = {0};
    st = chain_answers(p, n, first_id, cmds, maxout, out, got, rs);
    bool created = rs[n - 2] == NT_OK, timed_out = false;
    for (unsigned i = 0; i < n; i++)
        timed_out |= rs[i] == NT_ERROR_SEM_TIMEOUT;
    dead = smb2_dead(c);
    if (!dead && (st == NT_OK || st == NT_ERROR_MORE_DATA)) {
        free(p->deferred);
        p->deferred = NULL;
    }
    /* our deadline passed while another call received (the connection is
     * fine, the pipe's state unknown): not a refusal of the compound */
    if (timed_out && !dead)
        return NT_ERROR_SEM_TIMEOUT;
    if (dead || st == NT_OK || st == NT_ERROR_MORE_DATA)
        return st;
    /* An element failed: this server gets one request at a time from now
     * on.  A CREATE that worked with a failed transceive is closed (the
     * bind may sit unread in it) and the pipe opened afresh. */
    nt_trace("smb2: compound refused (%u/%u/%u): one request at a time from now on", (unsigned)rs[0],
             (unsigned)rs[1], (unsigned)(n == 3 ? rs[2] : 0));
    smb2_lock(c);
    c->compound = false;
    smb2_unlock(c);
    if (created)
        smb2_simple_call(c, SMB2_CLOSE, p->fid, p->deadline);
    return smb2_dead(c) ? NT_ERROR_NETNAME_DELETED : one_by_one(p, in, inlen, out, cap, got);
}
