/* SMB2 named-pipe I/O on IPC$: CREATE, IOCTL FSCTL_PIPE_TRANSCEIVE, READ,
 * WRITE, CLOSE.  A STATUS_BUFFER_OVERFLOW answer (the pipe message has
 * more) is NT_ERROR_MORE_DATA to the caller, who reads the rest. */
#include "smb2_conn.h"

#include <stdlib.h>
#include <string.h>

bool smb2_create_req(nt_wr *w, const char *name)
{
    size_t units = 0;
    nt_wchar *wn = nt_utf8_to_utf16(name, &units);
    if (!wn || units * 2 > 0xFFFF) {
        free(wn);
        return false;
    }
    smb2_req_init(w, 56 + units * 2);
    nt_wr_u16(w, 57);
    nt_wr_u8(w, 0);            /* SecurityFlags */
    nt_wr_u8(w, 0);            /* RequestedOplockLevel: none */
    nt_wr_u32(w, 2);           /* ImpersonationLevel: Impersonation */
    nt_wr_u64(w, 0);           /* SmbCreateFlags */
    nt_wr_u64(w, 0);           /* Reserved */
    nt_wr_u32(w, 0x00000083u); /* FILE_READ_DATA | FILE_WRITE_DATA | FILE_READ_ATTRIBUTES */
    nt_wr_u32(w, 0);           /* FileAttributes */
    nt_wr_u32(w, 0x00000003u); /* FILE_SHARE_READ | FILE_SHARE_WRITE */
    nt_wr_u32(w, 1);           /* FILE_OPEN */
    nt_wr_u32(w, 0);           /* CreateOptions */
    nt_wr_u16(w, SMB2_HDR_LEN + 56);
    nt_wr_u16(w, (uint16_t)(units * 2));
    nt_wr_u32(w, 0);
    nt_wr_u32(w, 0);
    for (size_t i = 0; i < units; i++)
        nt_wr_u16(w, wn[i]);
    free(wn);
    return true;
}

/* The CREATE response r (met its expectation): the FileId.  Frees r. */
uint32_t smb2_create_resp(smb2_conn *c, smb2_resp *r, uint8_t fid[16])
{
    nt_rd_skip(&r->body, 62);
    nt_rd_bytes(&r->body, fid, 16);
    bool ok = !r->body.bad;
    smb2_resp_free(r);
    return ok ? NT_OK : smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
}

uint32_t smb2_pipe_create_now(smb2_pipe *p)
{
    nt_wr w;
    if (!smb2_create_req(&w, p->deferred))
        return NT_ERROR_INVALID_PARAMETER;
    smb2_resp r;
    uint32_t st = smb2_request_at(p->c, SMB2_CREATE, &w, p->deadline, &r);
    if (st == NT_OK)
        st = smb2_create_resp(p->c, &r, p->fid);
    if (st == NT_OK) {
        free(p->deferred);
        p->deferred = NULL;
    }
    return st;
}

/* With compounding the CREATE waits for the first transceive (and goes
 * with it, smb2_compound.c); a name that cannot be encoded fails now.  While
 * the connection's TREE_CONNECT still waits for its first pipe, that pipe
 * is the only one (NT_ERROR_NOT_SUPPORTED for another: its caller opens
 * further pipes once the first has carried it). */
uint32_t smb2_pipe_open(smb2_conn *c, const char *name, smb2_pipe **out)
{
    return smb2_pipe_open_at(c, name, 0, out);
}

uint32_t smb2_pipe_open_at(smb2_conn *c, const char *name, uint64_t deadline_ms, smb2_pipe **out)
{
    *out = NULL;
    nt_wr w;
    if (!c || !name || !name[0] || !smb2_create_req(&w, name))
        return NT_ERROR_INVALID_PARAMETER;
    nt_wr_free(&w);
    smb2_pipe *p = calloc(1, sizeof(*p));
    if (!p || !(p->deferred = malloc(strlen(name) + 1))) {
        free(p);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    strcpy(p->deferred, name);
    smb2_lock(c);
    bool compound = c->compound, refused = c->tree_pending && c->npipes > 0;
    if (!refused)
        c->npipes++;
    smb2_unlock(c);
    if (refused) {
        free(p->deferred);
        free(p);
        return NT_ERROR_NOT_SUPPORTED;
    }
    p->c = c;
    p->deadline = deadline_ms; /* for the CREATE only: a call sets its own */
    uint32_t st = compound ? NT_OK : smb2_pipe_create_now(p);
    p->deadline = 0;
    if (st)
        smb2_pipe_free(p);
    else
        *out = p;
    return st;
}

/* True when read-ahead answers were left unread (a server whose
 * alloc_hint promised more than it sent): the pipe is out of step (a READ
 * still waiting at the server would take the next answer), so no request
 * goes out on it and the caller fails with NT_ERROR_NETNAME_DELETED before
 * sending anything; the API drops the pipe (its READs given up, their late
 * answers discarded by message id) and repeats an enumeration on another.
 * The connection stays in step for the other pipes on it.  A deletion never
 * gets here (the pipe reports itself dead to the probe before it,
 * smb2_pipe_is_dead). */
static bool ahead_unread(const smb2_pipe *p)
{
    return p->ahead_pos < p->nahead || p->pend_len;
}

static bool ahead_pending(smb2_pipe *p)
{
    if (ahead_unread(p)) {
        nt_trace("smb2: READs sent ahead were never answered: the pipe is out of step");
        return true;
    }
    return false;
}

static size_t io_cap(size_t cap, uint32_t server_max)
{
    size_t n = cap;
    if (n > SMB2_MAX_IO)
        n = SMB2_MAX_IO;
    if (n > server_max)
        n = server_max;
    return n;
}

/* Shared end of IOCTL and READ: body_ok says the body parsed; then the data
 * region (offset/length from the body, at most `asked` bytes) is copied to
 * out and the response freed.  STATUS_BUFFER_OVERFLOW becomes
 * NT_ERROR_MORE_DATA. */
static uint32_t finish_data(smb2_conn *c, smb2_resp *r, bool body_ok, uint32_t off, uint32_t len, size_t asked,
                            uint8_t *out, size_t *got)
{
    uint32_t status = r->h.status;
    bool ok = body_ok && (len == 0 || (len <= asked && off >= SMB2_HDR_LEN && off <= r->len && len <= r->len - off));
    if (ok && len)
        memcpy(out, r->m + off, len);
    smb2_resp_free(r);
    if (!ok)
        return smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
    *got = len;
    return status == STATUS_BUFFER_OVERFLOW ? NT_ERROR_MORE_DATA : NT_OK;
}

size_t smb2_ioctl_req(nt_wr *w, const smb2_pipe *p, const uint8_t *fid, const uint8_t *in, size_t inlen, size_t cap)
{
    size_t maxout = io_cap(cap, p->c->max_transact);
    smb2_req_init(w, 56 + inlen);
    nt_wr_u16(w, 57);
    nt_wr_u16(w, 0);
    nt_wr_u32(w, FSCTL_PIPE_TRANSCEIVE);
    nt_wr_bytes(w, fid, 16);
    nt_wr_u32(w, inlen ? SMB2_HDR_LEN + 56 : 0); /* InputOffset */
    nt_wr_u32(w, (uint32_t)inlen);
    nt_wr_u32(w, 0);                            /* MaxInputResponse */
    nt_wr_u32(w, 0);                            /* OutputOffset */
    nt_wr_u32(w, 0);                            /* OutputCount */
    nt_wr_u32(w, (uint32_t)maxout);             /* MaxOutputResponse */
    nt_wr_u32(w, SMB2_0_IOCTL_IS_FSCTL);
    nt_wr_u32(w, 0);
    nt_wr_bytes(w, in, inlen);
    return maxout;
}

/* The IOCTL response r (met its expectation): its FileId is the pipe's or
 * (a related request's answer) the one it was sent with.  Frees r. */
uint32_t smb2_ioctl_resp(smb2_pipe *p, smb2_resp *r, const uint8_t *fid_sent, size_t maxout, uint8_t *out,
                         size_t *got)
{
    uint32_t ctl = 0, ioff = 0, icnt = 0, ooff = 0, ocnt = 0;
    nt_rd_skip(&r->body, 2);
    nt_rd_u32(&r->body, &ctl);
    const uint8_t *fid = nt_rd_ptr(&r->body, 16);
    nt_rd_u32(&r->body, &ioff);
    nt_rd_u32(&r->body, &icnt);
    nt_rd_u32(&r->body, &ooff);
    nt_rd_u32(&r->body, &ocnt);
    bool ok = !r->body.bad && ctl == FSCTL_PIPE_TRANSCEIVE && fid &&
              (memcmp(fid, p->fid, 16) == 0 || memcmp(fid, fid_sent, 16) == 0);
    return finish_data(p->c, r, ok, ooff, ocnt, maxout, out, got);
}

uint32_t smb2_pipe_transceive(smb2_pipe *p, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
                              size_t *got)
{
    *got = 0;
    if (!p || (!in && inlen) || !out || cap == 0)
        return NT_ERROR_INVALID_PARAMETER;
    smb2_conn *c = p->c;
    if (inlen > SMB2_MAX_IO || inlen > c->max_transact)
        return NT_ERROR_INVALID_PARAMETER;
    if (p->deferred)
        return smb2_chain_open_transceive(p, in, inlen, out, cap, got);
    if (ahead_pending(p))
        return NT_ERROR_NETNAME_DELETED;
    nt_wr w;
    size_t maxout = smb2_ioctl_req(&w, p, p->fid, in, inlen, cap);
    smb2_resp r;
    uint32_t st = smb2_request_at(c, SMB2_IOCTL, &w, p->deadline, &r);
    return st ? st : smb2_ioctl_resp(p, &r, p->fid, maxout, out, got);
}

/* A READ request for n bytes. */
static void read_req(nt_wr *w, const smb2_pipe *p, size_t n)
{
    smb2_req_init(w, 49);
    nt_wr_u16(w, 49);
    nt_wr_u8(w, 0x50);         /* Padding: data offset hint */
    nt_wr_u8(w, 0);            /* Flags */
    nt_wr_u32(w, (uint32_t)n); /* Length */
    nt_wr_u64(w, 0);           /* Offset */
    nt_wr_bytes(w, p->fid, 16);
    nt_wr_u32(w, 0);           /* MinimumCount */
    nt_wr_u32(w, 0);           /* Channel */
    nt_wr_u32(w, 0);           /* RemainingBytes */
    nt_wr_u16(w, 0);
    nt_wr_u16(w, 0);
    nt_wr_u8(w, 0);            /* Buffer: one byte */
}

/* Data of a READ response: offset and length checked against it and n. */
static bool read_data(const smb2_resp *r, size_t n, uint32_t *off, uint32_t *len)
{
    nt_rd b = r->body;
    uint8_t o = 0, resv = 0;
    nt_rd_u8(&b, &o);
    nt_rd_u8(&b, &resv);
    nt_rd_u32(&b, len);
    *off = o;
    return !b.bad && (*len == 0 || (*len <= n && *off >= SMB2_HDR_LEN && *off <= r->len && *len <= r->len - *off));
}

/* The next read-ahead answer: up to cap bytes to out, the rest kept. */
static uint32_t read_from_ahead(smb2_pipe *p, uint8_t *out, size_t cap, size_t *got)
{
    smb2_conn *c = p->c;
    if (!p->pend_len) {
        smb2_resp r;
        uint32_t st = smb2_recv_ahead(c, SMB2_READ, p->ahead[p->ahead_pos++], p->deadline, &r);
        if (st)
            return st;
        uint32_t off = 0, len = 0;
        if (!read_data(&r, p->ahead_len, &off, &len)) {
            smb2_resp_free(&r);
            return smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
        }
        p->pend_more = r.h.status == STATUS_BUFFER_OVERFLOW;
        free(p->pend);
        p->pend = r.m; /* kept whole; the data is at off */
        p->pend_off = off;
        p->pend_len = len;
        if (!len) {
            *got = 0;
            st = p->pend_more ? NT_ERROR_MORE_DATA : NT_OK;
            free(p->pend);
            p->pend = NULL;
            p->pend_more = false;
            return st;
        }
    }
    size_t k = p->pend_len < cap ? p->pend_len : cap;
    memcpy(out, p->pend + p->pend_off, k);
    p->pend_off += k;
    p->pend_len -= k;
    *got = k;
    uint32_t st = p->pend_len || p->pend_more ? NT_ERROR_MORE_DATA : NT_OK;
    if (!p->pend_len) {
        free(p->pend);
        p->pend = NULL;
        p->pend_more = false;
    }
    return st;
}

uint32_t smb2_pipe_read(smb2_pipe *p, uint8_t *out, size_t cap, size_t *got)
{
    *got = 0;
    if (!p || !out || cap == 0)
        return NT_ERROR_INVALID_PARAMETER;
    smb2_conn *c = p->c;
    uint32_t st = p->deferred ? smb2_chain_open_transceive(p, NULL, 0, NULL, 0, NULL) : NT_OK;
    if (st)
        return st;
    if (p->pend_len || p->ahead_pos < p->nahead)
        return read_from_ahead(p, out, cap, got);
    size_t n = io_cap(cap, c->max_read);
    nt_wr w;
    read_req(&w, p, n);
    smb2_resp r;
    st = smb2_request_at(c, SMB2_READ, &w, p->deadline, &r);
    if (st)
        return st;
    uint32_t off = 0, len = 0;
    bool ok = read_data(&r, n, &off, &len);
    return finish_data(c, &r, ok, off, len, n, out, got);
}

uint32_t smb2_pipe_read_ahead(smb2_pipe *p, unsigned count, size_t each)
{
    if (!p || !each)
        return NT_ERROR_INVALID_PARAMETER;
    smb2_conn *c = p->c;
    if (p->ahead_pos < p->nahead || p->pend_len)
        return NT_OK; /* the earlier read-ahead is still being consumed */
    p->nahead = p->ahead_pos = 0;
    p->ahead_len = (uint32_t)io_cap(each, c->max_read);
    if (count > SMB2_MAX_AHEAD)
        count = SMB2_MAX_AHEAD;
    /* as many as the credits and the room left to other callers allow */
    while (p->nahead < count) {
        nt_wr w;
        read_req(&w, p, p->ahead_len);
        uint32_t st = smb2_send_ahead(c, SMB2_READ, &w, p->nahead > 0, p->deadline, &p->ahead[p->nahead]);
        if (st == NT_ERROR_NOT_SUPPORTED)
            break;
        if (st)
            return st;
        p->nahead++;
    }
    nt_trace("smb2: %u READs of %u bytes sent ahead (%u asked)", p->nahead, (unsigned)p->ahead_len, count);
    return NT_OK;
}

uint32_t smb2_pipe_write(smb2_pipe *p, const uint8_t *in, size_t inlen)
{
    if (!p || (!in && inlen))
        return NT_ERROR_INVALID_PARAMETER;
    smb2_conn *c = p->c;
    if (inlen > SMB2_MAX_IO || inlen > c->max_write)
        return NT_ERROR_INVALID_PARAMETER;
    uint32_t st = p->deferred ? smb2_chain_open_transceive(p, NULL, 0, NULL, 0, NULL) : NT_OK;
    if (st)
        return st;
    if (ahead_pending(p))
        return NT_ERROR_NETNAME_DELETED;
    nt_wr w;
    smb2_req_init(&w, 48 + inlen + 1);
    nt_wr_u16(&w, 49);
    nt_wr_u16(&w, SMB2_HDR_LEN + 48); /* DataOffset */
    nt_wr_u32(&w, (uint32_t)inlen);
    nt_wr_u64(&w, 0);
    nt_wr_bytes(&w, p->fid, 16);
    nt_wr_u32(&w, 0);                 /* Channel */
    nt_wr_u32(&w, 0);                 /* RemainingBytes */
    nt_wr_u16(&w, 0);
    nt_wr_u16(&w, 0);
    nt_wr_u32(&w, 0);                 /* Flags */
    nt_wr_bytes(&w, in, inlen);
    if (inlen == 0)
        nt_wr_u8(&w, 0);
    smb2_resp r;
    st = smb2_request_at(c, SMB2_WRITE, &w, p->deadline, &r);
    if (st)
        return st;
    uint32_t count = 0;
    nt_rd_skip(&r.body, 2);
    nt_rd_u32(&r.body, &count);
    bool ok = !r.body.bad && count == inlen;
    smb2_resp_free(&r);
    return ok ? NT_OK : smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
}

void smb2_pipe_close(smb2_pipe *p)
{
    if (!p)
        return;
    if (ahead_pending(p)) {
        smb2_pipe_drop(p); /* its READs' answers may never come */
        return;
    }
    if (!p->deferred)
        smb2_simple_call(p->c, SMB2_CLOSE, p->fid, p->deadline);
    smb2_pipe_free(p);
}

/* Dropped without waiting: its CLOSE is sent and its answer never awaited
 * (so that a connection other pipes go on using does not keep the handle
 * open at the server), nothing when the connection is dead. */
void smb2_pipe_drop(smb2_pipe *p)
{
    if (!p)
        return;
    if (!p->deferred) {
        nt_wr w;
        smb2_simple_req(&w, SMB2_CLOSE, p->fid);
        smb2_send_oneway(p->c, SMB2_CLOSE, &w);
    }
    smb2_pipe_free(p);
}

/* Its READs sent ahead and never read are given up (their answers, still
 * to come, will be dropped). */
void smb2_pipe_free(smb2_pipe *p)
{
    if (p) {
        smb2_lock(p->c);
        for (unsigned i = p->ahead_pos; i < p->nahead; i++)
            smb2_give_up(p->c, p->ahead[i]);
        p->c->npipes--;
        smb2_unlock(p->c);
        free(p->pend);
        free(p->deferred);
    }
    free(p);
}

void smb2_pipe_set_deadline(smb2_pipe *p, uint64_t deadline_ms)
{
    if (p)
        p->deadline = deadline_ms;
}

/* Unusable: its connection is dead, or READs it sent ahead were never
 * answered (a server that promised more than it sent): the next request
 * on it is refused (ahead_pending), so a deletion is not tried on it. */
bool smb2_pipe_is_dead(smb2_pipe *p)
{
    return !p || ahead_unread(p) || smb2_is_dead(p->c);
}
