/* SMB1 named-pipe I/O on IPC$: NT_CREATE_ANDX, TRANSACTION TransactNmPipe
 * (write one message, read the first part of the answer), READ_ANDX and
 * WRITE_ANDX for what does not fit, CLOSE. */
#include "smb1_conn.h"

#include "../smb2/smb2_int.h"

#include <stdlib.h>
#include <string.h>

/* Payload room in one READ/WRITE_ANDX given the server's MaxBufferSize. */
static size_t io_room(const smb1_conn *c)
{
    return c->max_buffer > 128u ? c->max_buffer - 128u : 0;
}

uint32_t smb1_pipe_open(smb1_conn *c, const char *name, smb1_pipe **out)
{
    *out = NULL;
    size_t n = strlen(name);
    if (n == 0 || n > 64)
        return NT_ERROR_INVALID_PARAMETER;
    char path[80];
    path[0] = '\\';
    memcpy(path + 1, name, n + 1);
    nt_wr w;
    smb1_req_init(&w, SMB1_COM_NT_CREATE_ANDX, 64 + 2 * n);
    nt_wr_u8(&w, 24);
    nt_wr_u8(&w, SMB1_NO_ANDX);
    nt_wr_u8(&w, 0);
    nt_wr_u16(&w, 0);
    nt_wr_u8(&w, 0);
    nt_wr_u16(&w, (uint16_t)(2 * (n + 1))); /* NameLength (bytes, without the NUL) */
    nt_wr_u32(&w, 0);           /* Flags */
    nt_wr_u32(&w, 0);           /* RootDirectoryFID */
    nt_wr_u32(&w, 0x0002019Fu); /* DesiredAccess: read/write data, attributes, EAs, read control */
    nt_wr_u64(&w, 0);
    nt_wr_u32(&w, 0);           /* ExtFileAttributes */
    nt_wr_u32(&w, 3);           /* ShareAccess: read | write */
    nt_wr_u32(&w, 1);           /* CreateDisposition: FILE_OPEN */
    nt_wr_u32(&w, 0);           /* CreateOptions */
    nt_wr_u32(&w, 2);           /* ImpersonationLevel: impersonation */
    nt_wr_u8(&w, 0);
    size_t bc = w.len;
    nt_wr_u16(&w, 0);
    nt_wr_align(&w, 2);
    if (!smb1_wr_utf16z(&w, path))
        w.bad = true;
    nt_wr_put_u16_at(&w, bc, (uint16_t)(w.len - bc - 2));
    smb1_resp r;
    uint32_t st = smb1_request(c, &w, 0, &r);
    if (st)
        return st;
    if (r.b.wordcount < 34) {
        smb1_resp_free(&r);
        return smb1_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    uint16_t fid = nt_le16(r.b.words + 5);
    smb1_resp_free(&r);
    smb1_pipe *p = calloc(1, sizeof(*p));
    if (!p) {
        smb1_pipe_close_call(c, fid);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    p->c = c;
    p->fid = fid;
    *out = p;
    return NT_OK;
}

uint32_t smb1_pipe_read(smb1_pipe *p, uint8_t *out, size_t cap, size_t *got)
{
    *got = 0;
    smb1_conn *c = p->c;
    size_t want = cap < io_room(c) ? cap : io_room(c);
    if (want > 0xFFFFu)
        want = 0xFFFFu;
    nt_wr w;
    smb1_req_init(&w, SMB1_COM_READ_ANDX, 32);
    nt_wr_u8(&w, 12);
    nt_wr_u8(&w, SMB1_NO_ANDX);
    nt_wr_u8(&w, 0);
    nt_wr_u16(&w, 0);
    nt_wr_u16(&w, p->fid);
    nt_wr_u32(&w, 0);              /* Offset */
    nt_wr_u16(&w, (uint16_t)want); /* MaxCountOfBytesToReturn */
    nt_wr_u16(&w, (uint16_t)want); /* MinCountOfBytesToReturn */
    nt_wr_u32(&w, 0);              /* Timeout / MaxCountHigh */
    nt_wr_u16(&w, 0);              /* Remaining */
    nt_wr_u32(&w, 0);              /* OffsetHigh */
    nt_wr_u16(&w, 0);
    smb1_resp r;
    uint32_t st = smb1_request(c, &w, STATUS_BUFFER_OVERFLOW, &r);
    if (st)
        return st;
    const uint8_t *d = NULL;
    size_t dl = 0;
    if (smb1_read_parse(r.m, r.len, &r.b, want, &d, &dl) != NT_OK) {
        smb1_resp_free(&r);
        return smb1_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    if (dl)
        memcpy(out, d, dl);
    *got = dl;
    st = r.h.status == STATUS_BUFFER_OVERFLOW ? NT_ERROR_MORE_DATA : NT_OK;
    smb1_resp_free(&r);
    return st;
}

/* One WRITE_ANDX of n bytes (n <= io_room). */
static uint32_t write_chunk(smb1_pipe *p, const uint8_t *in, size_t n, size_t remaining)
{
    nt_wr w;
    smb1_req_init(&w, SMB1_COM_WRITE_ANDX, 40 + n);
    nt_wr_u8(&w, 14);
    nt_wr_u8(&w, SMB1_NO_ANDX);
    nt_wr_u8(&w, 0);
    nt_wr_u16(&w, 0);
    nt_wr_u16(&w, p->fid);
    nt_wr_u32(&w, 0); /* Offset */
    nt_wr_u32(&w, 0); /* Timeout */
    nt_wr_u16(&w, 0); /* WriteMode */
    nt_wr_u16(&w, (uint16_t)(remaining > 0xFFFF ? 0xFFFF : remaining));
    nt_wr_u16(&w, 0); /* DataLengthHigh */
    nt_wr_u16(&w, (uint16_t)n);
    size_t off_at = w.len;
    nt_wr_u16(&w, 0);
    nt_wr_u32(&w, 0); /* OffsetHigh */
    size_t bc = w.len;
    nt_wr_u16(&w, 0);
    nt_wr_align(&w, 2);
    nt_wr_put_u16_at(&w, off_at, (uint16_t)w.len);
    nt_wr_bytes(&w, in, n);
    nt_wr_put_u16_at(&w, bc, (uint16_t)(w.len - bc - 2));
    smb1_resp r;
    uint32_t st = smb1_request(p->c, &w, 0, &r);
    if (st)
        return st;
    size_t count = r.b.wordcount == 6 ? (nt_le16(r.b.words + 4) | ((size_t)nt_le16(r.b.words + 8) << 16)) : 0;
    smb1_resp_free(&r);
    return count == n ? NT_OK : smb1_poison(p->c, NT_ERROR_UNEXP_NET_ERR);
}

uint32_t smb1_pipe_write(smb1_pipe *p, const uint8_t *in, size_t inlen)
{
    size_t room = io_room(p->c);
    if (room == 0 || inlen > NT_MAX_ALLOC)
        return NT_ERROR_INVALID_PARAMETER;
    for (size_t done = 0; done < inlen;) {
        size_t n = inlen - done < room ? inlen - done : room;
        uint32_t st = write_chunk(p, in + done, n, inlen - done);
        if (st)
            return st;
        done += n;
    }
    return NT_OK;
}

uint32_t smb1_pipe_transceive(smb1_pipe *p, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
                              size_t *got)
{
    *got = 0;
    if (inlen + 16 > io_room(p->c)) { /* too long for one TRANSACTION: write, then read */
        uint32_t st = smb1_pipe_write(p, in, inlen);
        return st ? st : smb1_pipe_read(p, out, cap, got);
    }
    uint16_t setup[2] = {SMB1_TRANS_NMPIPE, p->fid};
    /* no more than one message of the server's: the rest is read with
     * READ_ANDX (STATUS_BUFFER_OVERFLOW says there is more) */
    size_t md = cap < io_room(p->c) ? cap : io_room(p->c);
    np_transact_req q = {"\\PIPE\\", NULL, 0, in, inlen, 0, (uint32_t)(md > 0xFFFF ? 0xFFFF : md)};
    np_transact_resp rs;
    bool overflow = false;
    uint32_t st = smb1_transact(p->c, "\\PIPE\\", setup, 2, &q, &rs, &overflow);
    if (st)
        return st;
    if (rs.datalen > cap) {
        st = smb1_poison(p->c, NT_ERROR_UNEXP_NET_ERR);
    } else {
        if (rs.datalen)
            memcpy(out, rs.data, rs.datalen);
        *got = rs.datalen;
        st = overflow ? NT_ERROR_MORE_DATA : NT_OK;
    }
    free(rs.param);
    free(rs.data);
    return st;
}

void smb1_pipe_close(smb1_pipe *p, bool polite)
{
    if (!p)
        return;
    if (polite && !p->c->dead)
        smb1_pipe_close_call(p->c, p->fid);
    free(p);
}
