/*
 * The scripted SMB2 server's compound side (included by
 * tests/smb2_fake_server.h): FSCTL_PIPE_TRANSCEIVE on the pipe, and
 * compounded requests -- each element checked as a server checks it
 * (related flag, TreeId/FileId inherited, its own signature), answered
 * element by element, the answers merged into one compound response
 * (re-signed element by element) or sent one frame each (chain_split).
 * The srv script makes the response hostile (chain_fail, chain_mangle).
 */
#ifndef TEST_SMB2_FAKE_COMPOUND_H
#define TEST_SMB2_FAKE_COMPOUND_H

static const uint8_t FID_ALL_FF[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                       0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* The pipe answers a transceive with its next message (up to
 * MaxOutputResponse, then STATUS_BUFFER_OVERFLOW); the FileId is echoed. */
static void on_transceive(srv *s, const uint8_t *req, size_t len)
{
    assert_true(len >= 64 + 56);
    const uint8_t *fid = req + 64 + 8;
    bool related = (nt_le32(req + 16) & SMB2_FLAGS_RELATED) != 0;
    assert_true(memcmp(fid, PIPE_FID, 16) == 0 || (related && memcmp(fid, FID_ALL_FF, 16) == 0));
    assert_true(s->pipe_next < s->npipe_msgs);
    s->transceives++;
    uint32_t want = nt_le32(req + 64 + 44);
    size_t left = s->pipe_len[s->pipe_next], n = left < want ? left : want;
    nt_wr w;
    nt_wr_init(&w, 0);
    resp_hdr(&w, req, n < left ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS, 0, SESSION_ID, 5);
    nt_wr_u16(&w, 49);
    nt_wr_u16(&w, 0);
    nt_wr_u32(&w, FSCTL_PIPE_TRANSCEIVE);
    nt_wr_bytes(&w, fid, 16);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, 64 + 48);
    nt_wr_u32(&w, (uint32_t)n);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, 0);
    nt_wr_bytes(&w, s->pipe_msg[s->pipe_next], n);
    if (n < left)
        s->pipe_off = n;
    else
        s->pipe_next++;
    send_signed(s, &w, s->have_key);
}

/* The frames queued from rx offset `start` on, as messages. */
static unsigned take_frames(srv *s, size_t start, uint8_t **m, size_t *len, unsigned max)
{
    unsigned k = 0;
    for (size_t pos = start; pos < s->rxlen && k < max; k++) {
        len[k] = ((size_t)s->rx[pos + 1] << 16) | ((size_t)s->rx[pos + 2] << 8) | s->rx[pos + 3];
        m[k] = malloc(len[k] + 8);
        assert_non_null(m[k]);
        memcpy(m[k], s->rx + pos + 4, len[k]);
        pos += 4 + len[k];
    }
    s->rxlen = start;
    return k;
}

static void resign(srv *s, uint8_t *m, size_t len)
{
    if (s->have_key && (nt_le32(m + 16) & SMB2_FLAGS_SIGNED)) {
        memset(m + 48, 0, 16);
        assert_true(smb2_sign(s->sign_alg, s->keys.sign, m, len));
    }
}

/* The answers queued since `start` become one compound response, shaped by
 * the script's chain_mangle. */
static void merge(srv *s, size_t start)
{
    uint8_t *m[8];
    size_t len[8];
    unsigned n = take_frames(s, start, m, len, 7);
    if (s->chain_mangle == CM_EXTRA) { /* an answer to a request never sent */
        m[n] = malloc(len[n - 1] + 8);
        memcpy(m[n], m[n - 1], len[n - 1]);
        nt_put_le64(m[n] + 24, nt_le64(m[n] + 24) + 5);
        len[n] = len[n - 1];
        n++;
    }
    uint8_t *held = NULL;
    size_t held_len = 0;
    if (s->chain_mangle == CM_MISSING || s->chain_mangle == CM_PENDING) {
        held = m[--n], held_len = len[n];
    }
    if (s->chain_mangle == CM_PENDING) { /* an interim answer in the chain, the final one after it */
        nt_wr w;
        nt_wr_init(&w, 0);
        resp_hdr(&w, held, STATUS_PENDING, SMB2_FLAGS_ASYNC_COMMAND, SESSION_ID, 0);
        nt_wr_u16(&w, 9);
        nt_wr_zeros(&w, 7);
        m[n] = nt_wr_take(&w, &len[n]);
        n++;
        nt_put_le32(held + 16, nt_le32(held + 16) | SMB2_FLAGS_ASYNC_COMMAND);
        nt_put_le64(held + 32, 0x77);
        resign(s, held, held_len);
    }
    nt_wr out;
    nt_wr_init(&out, 0);
    for (unsigned i = 0; i < n; i++) {
        size_t padded = i + 1 < n ? (len[i] + 7) & ~(size_t)7 : len[i];
        memset(m[i] + len[i], 0, padded - len[i]);
        nt_put_le32(m[i] + 20, i + 1 < n ? (uint32_t)padded : 0);
        if (i)
            nt_put_le32(m[i] + 16, nt_le32(m[i] + 16) | SMB2_FLAGS_RELATED);
        resign(s, m[i], padded);
        if (i == 1 && s->chain_mangle == CM_BAD_SIG)
            m[i][50] ^= 1;
        if (i == 1 && s->chain_mangle == CM_UNSIGNED) {
            nt_put_le32(m[i] + 16, nt_le32(m[i] + 16) & ~SMB2_FLAGS_SIGNED);
            memset(m[i] + 48, 0, 16);
        }
        if (i == 0 && s->chain_mangle == CM_NEXT_MISALIGNED)
            nt_put_le32(m[i] + 20, (uint32_t)padded + 4);
        if (i == 0 && s->chain_mangle == CM_NEXT_PAST_END)
            nt_put_le32(m[i] + 20, 0x10000);
        nt_wr_bytes(&out, m[i], padded);
        free(m[i]);
    }
    queue(s, out.p, out.len);
    nt_wr_free(&out);
    if (held && s->chain_mangle == CM_PENDING)
        queue(s, held, held_len);
    free(held);
}

/* One frame from the client: a single request, or a compound whose
 * elements are checked and answered in order. */
static void srv_handle_frame(srv *s, const uint8_t *req, size_t len)
{
    if (len < 64 || nt_le32(req + 20) == 0) {
        srv_handle(s, req, len);
        return;
    }
    s->compounds++;
    size_t start = s->rxlen, off = 0;
    bool failing = false;
    for (int i = 1;; i++) {
        uint32_t next = nt_le32(req + off + 20);
        size_t n = next ? next : len - off;
        assert_true(n >= 64 && off + n <= len);
        assert_true(next % 8 == 0);
        const uint8_t *e = req + off;
        if (s->have_key)
            assert_true(smb2_verify(s->sign_alg, s->keys.sign, e, n)); /* each element signed on its own */
        if (i > 1) {
            assert_true(nt_le32(e + 16) & SMB2_FLAGS_RELATED);
            assert_int_equal(nt_le32(e + 36), 0xFFFFFFFFu); /* TreeId: the previous element's */
        }
        failing = failing || i == s->chain_fail;
        if (failing)
            error_resp(s, e, STATUS_INVALID_PARAMETER, s->have_key);
        else
            srv_handle(s, e, n);
        if (!next)
            break;
        off += next;
    }
    if (!s->chain_split)
        merge(s, start);
}

#endif
