/*
 * The scripted SMB2 server of tests/smb2_fake_server.h for several client
 * threads on one connection (tests/test_smb2_mux.c).  Its own net_*: one
 * mutex around the server state and a condition variable, so net_recv_all
 * blocks until enough bytes are queued, its timeout_ms passes
 * (NT_ERROR_SEM_TIMEOUT) or the script closes the peer
 * (NT_ERROR_NETNAME_DELETED, once the queued bytes are read).
 *
 * A single (not compounded) FSCTL_PIPE_TRANSCEIVE is answered here: its
 * signature, FileId, TreeId and SessionId are checked, and the pipe echoes
 * the input after "ok:", so an answer handed to the wrong caller shows.
 * The script can hold these answers (the next N, or all) and release them
 * later in any order, with an interim STATUS_PENDING before one or a copy
 * carrying another MessageId.  Everything else (connect, the compounded
 * first transceive of each pipe, CLOSE...) goes to srv_handle_frame as
 * before (a compound's answer can be held too).  The checks here never
 * call cmocka (they may run in a client thread): a failed one is kept in
 * g_mux.bad_line for the main thread to assert.
 */
#ifndef TEST_SMB2_FAKE_MUX_H
#define TEST_SMB2_FAKE_MUX_H

#include <errno.h>
#include <pthread.h>
#include <time.h>

#define SMB2_FAKE_OWN_NET
#include "smb2_fake_server.h"

#define MUX_MAX_HELD 512
#define SMB2_CANCEL_CMD 0x000c

typedef struct mux_held {
    uint8_t *m;      /* the final answer, signed */
    size_t len;
    uint64_t msg_id;
    bool out;        /* released */
} mux_held;

typedef struct mux {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int hold;                 /* transceive answers still to hold; -1: all */
    mux_held held[MUX_MAX_HELD];
    unsigned nheld, nout;     /* held so far, released so far */
    bool closed;              /* the peer closed */
    unsigned in_recv;         /* threads blocked in net_recv_all */
    bool stall_sends;         /* a transceive's send blocks until cleared (its timeout) */
    unsigned in_send;         /* threads blocked in such a send */
    unsigned echoes, cancels, closes;
    int active;               /* client threads still running */
    int bad_line;             /* first failed check in a client thread */
    pthread_t watched;        /* net_recv_all timeouts of this thread are counted */
    bool watching;
    unsigned watched_timeouts;
} mux;

static mux g_mux = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

#define MUX_CHECK(cond)                                                                                         \
    do {                                                                                                        \
        if (!(cond) && !g_mux.bad_line)                                                                         \
            g_mux.bad_line = __LINE__;                                                                          \
    } while (0)

static void mux_lock(void) { pthread_mutex_lock(&g_mux.mu); }
static void mux_unlock(void)
{
    pthread_cond_broadcast(&g_mux.cv);
    pthread_mutex_unlock(&g_mux.mu);
}

/* Forgets the script and the held answers (the lock and condition stay). */
static void mux_reset(void)
{
    mux_lock();
    for (unsigned i = 0; i < g_mux.nheld; i++)
        free(g_mux.held[i].m);
    pthread_mutex_t mu = g_mux.mu;
    pthread_cond_t cv = g_mux.cv;
    memset(&g_mux, 0, sizeof g_mux);
    g_mux.mu = mu;
    g_mux.cv = cv;
    pthread_mutex_unlock(&g_mux.mu);
}

/* Waits on the condition until `until` (realtime); false when it passed. */
static bool mux_wait_until(const struct timespec *until)
{
    return pthread_cond_timedwait(&g_mux.cv, &g_mux.mu, until) != ETIMEDOUT;
}

static struct timespec mux_in(unsigned ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += ms / 1000u;
    t.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* ---- the pipe's answers ------------------------------------------------------- */

static bool mux_is_transceive(const uint8_t *req, size_t len)
{
    return len >= 64 + 56 && nt_le32(req + 20) == 0 && nt_le16(req + 12) == SMB2_IOCTL &&
           nt_le32(req + 64 + 4) == FSCTL_PIPE_TRANSCEIVE;
}

/* The answer to a transceive: "ok:" and its input, signed; held or queued. */
static void mux_echo(srv *s, const uint8_t *req, size_t len)
{
    uint32_t ioff = nt_le32(req + 64 + 24), ilen = nt_le32(req + 64 + 28), maxout = nt_le32(req + 64 + 44);
    MUX_CHECK(s->have_key && (nt_le32(req + 16) & SMB2_FLAGS_SIGNED));
    MUX_CHECK(smb2_verify(s->sign_alg, s->keys.sign, req, len));
    MUX_CHECK(memcmp(req + 64 + 8, PIPE_FID, 16) == 0);
    MUX_CHECK(nt_le32(req + 36) == 5 && nt_le64(req + 40) == SESSION_ID);
    MUX_CHECK(ioff == 64 + 56 && ilen <= len - ioff && ilen + 3 <= maxout);
    if (ioff > len || ilen > len - ioff)
        ilen = 0;
    nt_wr w;
    nt_wr_init(&w, 0);
    resp_hdr(&w, req, STATUS_SUCCESS, 0, SESSION_ID, 5);
    nt_wr_u16(&w, 49);
    nt_wr_u16(&w, 0);
    nt_wr_u32(&w, FSCTL_PIPE_TRANSCEIVE);
    nt_wr_bytes(&w, req + 64 + 8, 16);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, 64 + 48);
    nt_wr_u32(&w, 3 + ilen);
    nt_wr_u32(&w, 0);
    nt_wr_u32(&w, 0);
    nt_wr_bytes(&w, (const uint8_t *)"ok:", 3);
    nt_wr_bytes(&w, req + ioff, ilen);
    MUX_CHECK(!w.bad && smb2_sign(s->sign_alg, s->keys.sign, w.p, w.len));
    g_mux.echoes++;
    if (g_mux.hold == 0 || g_mux.nheld >= MUX_MAX_HELD) {
        MUX_CHECK(g_mux.hold == 0);
        queue(s, w.p, w.len);
        nt_wr_free(&w);
        return;
    }
    if (g_mux.hold > 0)
        g_mux.hold--;
    mux_held *h = &g_mux.held[g_mux.nheld++];
    h->msg_id = nt_le64(req + 24);
    h->m = nt_wr_take(&w, &h->len);
}

/* ---- the script (main thread) --------------------------------------------------- */

/* Holds the next n transceive answers (-1: all until mux_hold(0)); the
 * index the first of them will have. */
static unsigned mux_hold(int n)
{
    mux_lock();
    g_mux.hold = n;
    unsigned base = g_mux.nheld;
    mux_unlock();
    return base;
}

/* Releases held answer i (already locked). */
static void mux_out_locked(unsigned i)
{
    MUX_CHECK(i < g_mux.nheld && !g_mux.held[i].out);
    if (i >= g_mux.nheld || g_mux.held[i].out)
        return;
    queue(&g_srv, g_mux.held[i].m, g_mux.held[i].len);
    g_mux.held[i].out = true;
    g_mux.nout++;
}

static void mux_release(unsigned i)
{
    mux_lock();
    mux_out_locked(i);
    mux_unlock();
}

/* An interim STATUS_PENDING (async, unsigned) for held answer i now; the
 * final answer becomes async with the same AsyncId (re-signed). */
static void mux_pending_locked(unsigned i)
{
    mux_held *h = &g_mux.held[i];
    nt_wr w;
    nt_wr_init(&w, 0);
    resp_hdr(&w, h->m, STATUS_PENDING, SMB2_FLAGS_ASYNC_COMMAND, SESSION_ID, 0);
    nt_wr_u16(&w, 9);
    nt_wr_zeros(&w, 7);
    nt_put_le64(w.p + 32, 0x1000 + h->msg_id);
    queue(&g_srv, w.p, w.len);
    nt_wr_free(&w);
    nt_put_le32(h->m + 16, nt_le32(h->m + 16) | SMB2_FLAGS_ASYNC_COMMAND);
    nt_put_le64(h->m + 32, 0x1000 + h->msg_id);
    resign(&g_srv, h->m, h->len);
}

static void mux_pending(unsigned i)
{
    mux_lock();
    mux_pending_locked(i);
    mux_unlock();
}

/* How mux_stray_as signs its copy. */
enum { STRAY_SIGNED, STRAY_BAD_SIGNATURE, STRAY_UNSIGNED };

/* A copy of held answer i with MessageId id, granting `credits` (-1: as
 * the original), signed as `how` says, now. */
static void mux_stray_as(unsigned i, uint64_t id, int credits, int how)
{
    mux_lock();
    uint8_t *m = malloc(g_mux.held[i].len);
    memcpy(m, g_mux.held[i].m, g_mux.held[i].len);
    nt_put_le64(m + 24, id);
    if (credits >= 0)
        nt_put_le16(m + 14, (uint16_t)credits);
    if (how == STRAY_SIGNED)
        resign(&g_srv, m, g_mux.held[i].len);
    else if (how == STRAY_UNSIGNED)
        nt_put_le32(m + 16, nt_le32(m + 16) & ~(uint32_t)SMB2_FLAGS_SIGNED);
    queue(&g_srv, m, g_mux.held[i].len);
    free(m);
    mux_unlock();
}

/* A copy of held answer i with MessageId id (re-signed) now: an answer to
 * a request never sent, or (its own id, after it was read) a duplicate. */
static void mux_stray(unsigned i, uint64_t id)
{
    mux_stray_as(i, id, -1, STRAY_SIGNED);
}

/* Every held answer not yet released, in a shuffled order (seed), the first
 * after an interim STATUS_PENDING when pending; how many. */
static unsigned mux_release_shuffled(unsigned *seed, bool pending)
{
    unsigned idx[MUX_MAX_HELD], n = 0;
    mux_lock();
    for (unsigned i = 0; i < g_mux.nheld; i++)
        if (!g_mux.held[i].out)
            idx[n++] = i;
    for (unsigned i = n; i > 1; i--) {
        unsigned j = (unsigned)rand_r(seed) % i, t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
    if (n && pending)
        mux_pending_locked(idx[0]);
    for (unsigned i = 0; i < n; i++)
        mux_out_locked(idx[i]);
    mux_unlock();
    return n;
}

/* The peer closes: blocked and later receives fail once the queue is read. */
static void mux_close(void)
{
    mux_lock();
    g_mux.closed = true;
    mux_unlock();
}

/* Waits until `held` answers were held and `receiving` threads are blocked
 * in net_recv_all (at most ms); false on timeout. */
static bool mux_wait_for(unsigned held, unsigned receiving, unsigned ms)
{
    struct timespec until = mux_in(ms);
    bool ok = true;
    mux_lock();
    while (ok && (g_mux.nheld < held || g_mux.in_recv < receiving))
        ok = mux_wait_until(&until) || (g_mux.nheld >= held && g_mux.in_recv >= receiving);
    mux_unlock();
    return ok;
}

/* Waits until every running client thread has an answer held (or ms). */
static void mux_wait_batch(unsigned ms)
{
    struct timespec until = mux_in(ms);
    mux_lock();
    while (g_mux.active > 0 && (int)(g_mux.nheld - g_mux.nout) < g_mux.active && mux_wait_until(&until))
        ;
    mux_unlock();
}

/* Anything but a single transceive: srv_handle_frame answers; a compound's
 * answer (one frame) is held like a transceive's (first MessageId). */
static void mux_compound_or_other(const uint8_t *req, size_t len)
{
    size_t start = g_srv.rxlen;
    if (nt_le16(req + 12) == SMB2_CLOSE)
        g_mux.closes++;
    srv_handle_frame(&g_srv, req, len);
    if (nt_le32(req + 20) == 0 || g_mux.hold == 0 || g_srv.rxlen - start < 4 + 64)
        return;
    const uint8_t *f = g_srv.rx + start;
    size_t flen = ((size_t)f[1] << 16) | ((size_t)f[2] << 8) | f[3];
    MUX_CHECK(flen == g_srv.rxlen - start - 4 && g_mux.nheld < MUX_MAX_HELD);
    if (flen != g_srv.rxlen - start - 4 || g_mux.nheld >= MUX_MAX_HELD)
        return;
    if (g_mux.hold > 0)
        g_mux.hold--;
    mux_held *h = &g_mux.held[g_mux.nheld++];
    h->msg_id = nt_le64(req + 24);
    h->len = flen;
    h->m = malloc(flen);
    memcpy(h->m, f + 4, flen);
    g_srv.rxlen = start;
}

/* ---- net.h, replaced ------------------------------------------------------------ */

uint32_t net_connect(const char *host, uint16_t port, uint32_t timeout_ms, net_conn **out)
{
    (void)host;
    (void)port;
    MUX_CHECK(timeout_ms > 0);
    *out = calloc(1, sizeof(net_conn));
    return *out ? NT_OK : NT_ERROR_NOT_ENOUGH_MEMORY;
}

uint32_t net_send_all(net_conn *c, const void *buf, size_t len, uint32_t timeout_ms)
{
    const uint8_t *b = buf;
    uint32_t st = NT_OK;
    struct timespec until = mux_in(timeout_ms);
    mux_lock();
    MUX_CHECK(c && timeout_ms > 0 && len >= 4 + 64);
    MUX_CHECK((((size_t)b[1] << 16) | ((size_t)b[2] << 8) | b[3]) == len - 4);
    bool stalled = g_mux.stall_sends && mux_is_transceive(b + 4, len - 4);
    g_mux.in_send += stalled;
    pthread_cond_broadcast(&g_mux.cv);
    while (stalled && g_mux.stall_sends && !g_mux.closed && st == NT_OK)
        if (!mux_wait_until(&until) && g_mux.stall_sends)
            st = NT_ERROR_SEM_TIMEOUT; /* a peer that never read it */
    g_mux.in_send -= stalled;
    if (st == NT_OK && g_mux.closed)
        st = NT_ERROR_NETNAME_DELETED;
    if (st == NT_OK) { /* it reached the server */
        if (mux_is_transceive(b + 4, len - 4))
            mux_echo(&g_srv, b + 4, len - 4);
        else if (len >= 4 + 64 && nt_le16(b + 4 + 12) == SMB2_CANCEL_CMD)
            g_mux.cancels++; /* a server never answers a CANCEL */
        else
            mux_compound_or_other(b + 4, len - 4);
    }
    mux_unlock();
    return st;
}

uint32_t net_recv_all(net_conn *c, void *buf, size_t len, uint32_t timeout_ms)
{
    srv *s = &g_srv;
    struct timespec until = mux_in(timeout_ms);
    uint32_t st = NT_OK;
    mux_lock();
    MUX_CHECK(c && timeout_ms > 0);
    g_mux.in_recv++;
    pthread_cond_broadcast(&g_mux.cv);
    while (s->rxlen - s->rxpos < len) {
        if (g_mux.closed) {
            st = NT_ERROR_NETNAME_DELETED;
            break;
        }
        if (!mux_wait_until(&until) && s->rxlen - s->rxpos < len) {
            st = NT_ERROR_SEM_TIMEOUT;
            if (g_mux.watching && pthread_equal(pthread_self(), g_mux.watched))
                g_mux.watched_timeouts++;
            break;
        }
    }
    if (st == NT_OK) {
        memcpy(buf, s->rx + s->rxpos, len);
        s->rxpos += len;
        if (s->rxpos == s->rxlen)
            s->rxpos = s->rxlen = 0;
    }
    g_mux.in_recv--;
    mux_unlock();
    return st;
}

bool net_is_dead(net_conn *c) { return c == NULL; }
void net_close(net_conn *c) { free(c); }

#endif
