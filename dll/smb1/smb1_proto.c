/* SMB1 pure codecs (no I/O): header, the AndX chain walk, MD5 signing and
 * the TRANSACTION / READ_ANDX / NEGOTIATE response parsers.  Every length,
 * count and offset from the server is checked against the message. */
#include "smb1_int.h"

#include "../crypto/crypto.h"

#include <stdlib.h>
#include <string.h>

void smb1_hdr_encode(const smb1_hdr *h, uint8_t out[SMB1_HDR_LEN])
{
    memset(out, 0, SMB1_HDR_LEN);
    out[0] = 0xFF;
    out[1] = 'S';
    out[2] = 'M';
    out[3] = 'B';
    out[4] = h->command;
    nt_put_le32(out + 5, h->status);
    out[9] = h->flags;
    nt_put_le16(out + 10, h->flags2);
    nt_put_le16(out + 12, h->pid_high);
    memcpy(out + 14, h->sig, 8);
    nt_put_le16(out + 24, h->tid);
    nt_put_le16(out + 26, h->pid);
    nt_put_le16(out + 28, h->uid);
    nt_put_le16(out + 30, h->mid);
}

uint32_t smb1_hdr_parse(const uint8_t *m, size_t len, smb1_hdr *h)
{
    if (!m || len < SMB1_HDR_LEN + 3 || m[0] != 0xFF || m[1] != 'S' || m[2] != 'M' || m[3] != 'B')
        return NT_ERROR_UNEXP_NET_ERR;
    h->command = m[4];
    h->status = nt_le32(m + 5);
    h->flags = m[9];
    h->flags2 = nt_le16(m + 10);
    h->pid_high = nt_le16(m + 12);
    memcpy(h->sig, m + 14, 8);
    h->tid = nt_le16(m + 24);
    h->pid = nt_le16(m + 26);
    h->uid = nt_le16(m + 28);
    h->mid = nt_le16(m + 30);
    return (h->flags & SMB1_FLAGS_REPLY) ? NT_OK : NT_ERROR_UNEXP_NET_ERR;
}

bool smb1_is_andx(uint8_t c)
{
    return c == SMB1_COM_READ_ANDX || c == SMB1_COM_WRITE_ANDX || c == SMB1_COM_SESSION_SETUP ||
           c == SMB1_COM_LOGOFF_ANDX || c == SMB1_COM_TREE_CONNECT || c == SMB1_COM_NT_CREATE_ANDX;
}

/* One block at off: WordCount, words, ByteCount, bytes, all inside len. */
static bool read_block(const uint8_t *m, size_t len, size_t off, uint8_t cmd, smb1_block *b)
{
    if (off >= len)
        return false;
    size_t wc = m[off];
    size_t bc_at = off + 1 + wc * 2;
    if (bc_at + 2 > len)
        return false;
    size_t bc = nt_le16(m + bc_at);
    if (bc_at + 2 + bc > len)
        return false;
    b->command = cmd;
    b->wordcount = (uint8_t)wc;
    b->words = m + off + 1;
    b->bytecount = (uint16_t)bc;
    b->bytes = m + bc_at + 2;
    b->offset = off;
    return true;
}

uint32_t smb1_walk(const uint8_t *m, size_t len, smb1_block *out, size_t max, size_t *n)
{
    *n = 0;
    if (!m || len < SMB1_HDR_LEN + 3)
        return NT_ERROR_UNEXP_NET_ERR;
    uint8_t cmd = m[4];
    size_t off = SMB1_HDR_LEN;
    for (size_t i = 0; i < SMB1_MAX_ANDX; i++) {
        smb1_block b;
        if (!read_block(m, len, off, cmd, &b))
            return NT_ERROR_UNEXP_NET_ERR;
        if (*n < max)
            out[*n] = b;
        (*n)++;
        /* A block without words (an error answer) ends the chain. */
        if (!smb1_is_andx(cmd) || b.wordcount < 2 || b.words[0] == SMB1_NO_ANDX)
            return NT_OK;
        size_t next = nt_le16(b.words + 2);
        size_t end = (size_t)(b.bytes - m) + b.bytecount;
        if (next < end || next >= len)
            return NT_ERROR_UNEXP_NET_ERR; /* must advance, inside the message */
        cmd = b.words[0];
        off = next;
    }
    return NT_ERROR_UNEXP_NET_ERR; /* too long a chain */
}

static bool mac(const uint8_t *key, size_t keylen, uint32_t seq, uint8_t *msg, size_t len, uint8_t out[8])
{
    if (!key || keylen == 0 || keylen > 256 || len < SMB1_HDR_LEN || len > SMB1_MAX_MSG)
        return false;
    uint8_t *buf = malloc(keylen + len);
    if (!buf)
        return false;
    memcpy(buf, key, keylen);
    memcpy(buf + keylen, msg, len);
    nt_put_le32(buf + keylen + 14, seq);
    nt_put_le32(buf + keylen + 18, 0);
    uint8_t d[16];
    bool ok = nt_hash(NT_HASH_MD5, buf, keylen + len, d);
    nt_wipe(buf, keylen + len);
    free(buf);
    memcpy(out, d, 8);
    return ok;
}

bool smb1_sign(const uint8_t *key, size_t keylen, uint32_t seq, uint8_t *msg, size_t len)
{
    uint8_t s[8];
    if (len < SMB1_HDR_LEN)
        return false;
    nt_put_le16(msg + 10, (uint16_t)(nt_le16(msg + 10) | SMB1_FLAGS2_SIGNATURE));
    if (!mac(key, keylen, seq, msg, len, s))
        return false;
    memcpy(msg + 14, s, 8);
    return true;
}

bool smb1_verify(const uint8_t *key, size_t keylen, uint32_t seq, uint8_t *msg, size_t len)
{
    uint8_t s[8];
    if (!mac(key, keylen, seq, msg, len, s))
        return false;
    uint8_t diff = 0;
    for (int i = 0; i < 8; i++)
        diff |= (uint8_t)(s[i] ^ msg[14 + i]);
    return diff == 0;
}

/* [off, off+cnt) inside the message and past the block's words. */
static bool span_ok(size_t len, const smb1_block *b, const uint8_t *m, size_t off, size_t cnt)
{
    size_t min = (size_t)(b->bytes - m);
    return cnt == 0 || (off >= min && off <= len && cnt <= len - off);
}

uint32_t smb1_trans_parse(const uint8_t *m, size_t len, const smb1_block *b, smb1_trans_resp *out)
{
    memset(out, 0, sizeof(*out));
    if (b->wordcount < 10)
        return NT_ERROR_UNEXP_NET_ERR;
    const uint8_t *w = b->words;
    size_t tpc = nt_le16(w), tdc = nt_le16(w + 2);
    size_t pc = nt_le16(w + 6), po = nt_le16(w + 8), pd = nt_le16(w + 10);
    size_t dc = nt_le16(w + 12), dof = nt_le16(w + 14), dd = nt_le16(w + 16);
    size_t setup = w[18];
    if (b->wordcount != 10 + setup || pd > tpc || pc > tpc - pd || dd > tdc || dc > tdc - dd)
        return NT_ERROR_UNEXP_NET_ERR;
    if (!span_ok(len, b, m, po, pc) || !span_ok(len, b, m, dof, dc))
        return NT_ERROR_UNEXP_NET_ERR;
    out->total_param = tpc;
    out->total_data = tdc;
    out->param = pc ? m + po : NULL;
    out->paramlen = pc;
    out->param_disp = pd;
    out->data = dc ? m + dof : NULL;
    out->datalen = dc;
    out->data_disp = dd;
    return NT_OK;
}

void smb1_trans_acc_init(smb1_trans_acc *a, uint32_t max_param, uint32_t max_data)
{
    memset(a, 0, sizeof(*a));
    a->max_param = max_param;
    a->max_data = max_data;
}

void smb1_trans_acc_free(smb1_trans_acc *a)
{
    free(a->param);
    free(a->data);
    a->param = a->data = NULL;
}

/* First part: the totals fix the buffers.  Later ones: totals only shrink,
 * never below what has arrived. */
static uint32_t acc_totals(smb1_trans_acc *a, const smb1_trans_resp *t)
{
    if (a->parts == 0) {
        if (t->total_param > a->max_param || t->total_data > a->max_data)
            return NT_ERROR_UNEXP_NET_ERR; /* more than asked for */
        if ((t->total_param && !(a->param = malloc(t->total_param))) ||
            (t->total_data && !(a->data = malloc(t->total_data))))
            return NT_ERROR_NOT_ENOUGH_MEMORY;
    } else if (t->total_param > a->total_param || t->total_data > a->total_data ||
               t->total_param < a->got_param || t->total_data < a->got_data) {
        return NT_ERROR_UNEXP_NET_ERR;
    }
    a->total_param = t->total_param;
    a->total_data = t->total_data;
    return NT_OK;
}

uint32_t smb1_trans_acc_add(smb1_trans_acc *a, const uint8_t *m, size_t len, const smb1_block *b, bool *done)
{
    *done = false;
    smb1_trans_resp t;
    if (a->parts >= SMB1_MAX_TRANS_PARTS || smb1_trans_parse(m, len, b, &t) != NT_OK)
        return NT_ERROR_UNEXP_NET_ERR;
    uint32_t st = acc_totals(a, &t);
    if (st != NT_OK)
        return st;
    /* in order, no hole, no overlap; a part that adds nothing to an
     * unfinished answer is no progress */
    if (t.param_disp != a->got_param || t.data_disp != a->got_data)
        return NT_ERROR_UNEXP_NET_ERR;
    if (t.paramlen + t.datalen == 0 && (a->got_param < a->total_param || a->got_data < a->total_data))
        return NT_ERROR_UNEXP_NET_ERR;
    if (t.paramlen)
        memcpy(a->param + a->got_param, t.param, t.paramlen);
    if (t.datalen)
        memcpy(a->data + a->got_data, t.data, t.datalen);
    a->got_param += t.paramlen;
    a->got_data += t.datalen;
    a->parts++;
    *done = a->got_param == a->total_param && a->got_data == a->total_data;
    return NT_OK;
}

uint32_t smb1_read_parse(const uint8_t *m, size_t len, const smb1_block *b, size_t cap, const uint8_t **data,
                         size_t *datalen)
{
    *data = NULL;
    *datalen = 0;
    if (b->wordcount != 12)
        return NT_ERROR_UNEXP_NET_ERR;
    size_t dl = nt_le16(b->words + 10) | ((size_t)nt_le16(b->words + 14) << 16);
    size_t off = nt_le16(b->words + 12);
    if (dl > cap || !span_ok(len, b, m, off, dl))
        return NT_ERROR_UNEXP_NET_ERR;
    *data = dl ? m + off : NULL;
    *datalen = dl;
    return NT_OK;
}

uint32_t smb1_neg_parse(const uint8_t *m, size_t len, smb1_neg_resp *out)
{
    memset(out, 0, sizeof(*out));
    smb1_block b;
    size_t n = 0;
    if (smb1_walk(m, len, &b, 1, &n) != NT_OK || b.wordcount != 17)
        return NT_ERROR_UNEXP_NET_ERR;
    const uint8_t *w = b.words;
    out->dialect_index = nt_le16(w);
    out->security_mode = w[2];
    out->max_mpx = nt_le16(w + 3);
    out->max_buffer = nt_le32(w + 7);
    out->capabilities = nt_le32(w + 19);
    out->extsec = (out->capabilities & SMB1_CAP_EXTENDED_SECURITY) != 0;
    if (!out->extsec) {
        out->challenge_len = w[33];
        if ((out->challenge_len != 0 && out->challenge_len != 8) || out->challenge_len > b.bytecount)
            return NT_ERROR_UNEXP_NET_ERR;
        memcpy(out->challenge, b.bytes, out->challenge_len);
        return NT_OK;
    }
    if (b.bytecount < 16)
        return NT_ERROR_UNEXP_NET_ERR;
    out->secblob = b.bytecount > 16 ? b.bytes + 16 : NULL;
    out->secbloblen = b.bytecount - 16u;
    return NT_OK;
}

const char *smb1_cmd_name(uint8_t c)
{
    switch (c) {
    case SMB1_COM_CLOSE: return "CLOSE";
    case SMB1_COM_TRANSACTION: return "TRANSACTION";
    case SMB1_COM_READ_ANDX: return "READ_ANDX";
    case SMB1_COM_WRITE_ANDX: return "WRITE_ANDX";
    case SMB1_COM_TREE_DISCONNECT: return "TREE_DISCONNECT";
    case SMB1_COM_NEGOTIATE: return "NEGOTIATE";
    case SMB1_COM_SESSION_SETUP: return "SESSION_SETUP_ANDX";
    case SMB1_COM_LOGOFF_ANDX: return "LOGOFF_ANDX";
    case SMB1_COM_TREE_CONNECT: return "TREE_CONNECT_ANDX";
    case SMB1_COM_NT_CREATE_ANDX: return "NT_CREATE_ANDX";
    default: return "?";
    }
}
