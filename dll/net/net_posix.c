/* TCP transport over BSD sockets (native build).  See net.h for the error
 * mapping.  Every wait is bounded: connect uses a non-blocking socket and
 * poll(); send/recv poll with the time remaining before each call. */
#define _GNU_SOURCE
#include "net.h"
#include "nbns.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

/* Received bytes not yet asked for: a frame's length prefix and body come
 * in with one recv() (NET_RBUF, see net.h). */
struct net_conn {
    int fd;
    size_t rpos, rlen;
    uint8_t rbuf[NET_RBUF];
};

/* Milliseconds left before `deadline`, 0 when passed (as int for poll). */
static int remaining_ms(uint64_t deadline)
{
    uint64_t now = nt_now_ms();
    if (now >= deadline)
        return 0;
    uint64_t d = deadline - now;
    return d > 0x7fffffff ? 0x7fffffff : (int)d;
}

static uint32_t map_io_errno(int e)
{
    switch (e) {
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED:
    case ENOTCONN:
    case ESHUTDOWN:
        return NT_ERROR_NETNAME_DELETED;
    case ETIMEDOUT:
        return NT_ERROR_SEM_TIMEOUT;
    case ENOMEM:
    case ENOBUFS:
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    default:
        return NT_ERROR_UNEXP_NET_ERR;
    }
}

/* One connect attempt; returns NT_OK with *fd set, or a status. */
static uint32_t try_connect(const struct addrinfo *ai, uint64_t deadline, int *fdout)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT) ? NT_ERROR_BAD_NETPATH : map_io_errno(errno);
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        close(fd);
        return NT_ERROR_UNEXP_NET_ERR;
    }
    int r = connect(fd, ai->ai_addr, ai->ai_addrlen);
    int err = 0;
    if (r < 0) {
        if (errno != EINPROGRESS && errno != EINTR) {
            err = errno;
        } else {
            for (;;) {
                struct pollfd pfd = { .fd = fd, .events = POLLOUT };
                int ms = remaining_ms(deadline);
                int pr = poll(&pfd, 1, ms);
                if (pr < 0 && errno == EINTR)
                    continue;
                if (pr < 0) {
                    err = errno;
                    break;
                }
                if (pr == 0) {
                    close(fd);
                    return NT_ERROR_SEM_TIMEOUT;
                }
                socklen_t sl = sizeof(err);
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0)
                    err = errno;
                break;
            }
        }
    }
    if (err) {
        close(fd);
        switch (err) {
        case ECONNREFUSED:
            return NT_ERROR_CONNECTION_REFUSED;
        case ETIMEDOUT:
            return NT_ERROR_SEM_TIMEOUT;
        default:
            return NT_ERROR_BAD_NETPATH; /* unreachable, no route, ... */
        }
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    *fdout = fd;
    return NT_OK;
}

uint32_t net_connect(const char *host, uint16_t port, uint32_t timeout_ms, net_conn **out)
{
    *out = NULL;
    if (!host || !host[0])
        return NT_ERROR_BAD_NETPATH;
    if (!timeout_ms)
        timeout_ms = NET_DEFAULT_CONNECT_TIMEOUT_MS;
    uint64_t deadline = nt_now_ms() + timeout_ms;
    char portstr[8];
    snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV;
    struct addrinfo *res = NULL;
    int gr = getaddrinfo(host, portstr, &hints, &res);
    char nbip[16]; /* DNS does not know it: a NetBIOS name query (nbns.h) */
    if ((gr != 0 || !res) && gr != EAI_MEMORY && nbns_fallback(host, deadline, nbip)) {
        if (res)
            freeaddrinfo(res);
        res = NULL;
        gr = getaddrinfo(nbip, portstr, &hints, &res);
    }
    if (gr != 0 || !res) {
        if (res)
            freeaddrinfo(res);
        return gr == EAI_MEMORY ? NT_ERROR_NOT_ENOUGH_MEMORY : NT_ERROR_BAD_NETPATH;
    }
    /* Precedence of what to report when every address fails: timeout, then
     * refused (only when all refused), then unreachable. */
    bool any_timeout = false, all_refused = true;
    uint32_t st = NT_ERROR_BAD_NETPATH;
    int fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (remaining_ms(deadline) == 0) {
            any_timeout = true;
            break;
        }
        st = try_connect(ai, deadline, &fd);
        if (st == NT_OK)
            break;
        if (st == NT_ERROR_SEM_TIMEOUT)
            any_timeout = true;
        if (st != NT_ERROR_CONNECTION_REFUSED)
            all_refused = false;
    }
    freeaddrinfo(res);
    if (st != NT_OK) {
        if (st == NT_ERROR_NOT_ENOUGH_MEMORY)
            return st;
        if (all_refused && !any_timeout)
            return NT_ERROR_CONNECTION_REFUSED;
        if (any_timeout)
            return NT_ERROR_SEM_TIMEOUT;
        return NT_ERROR_BAD_NETPATH;
    }
    net_conn *c = calloc(1, sizeof(*c));
    if (!c) {
        close(fd);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    c->fd = fd;
    *out = c;
    return NT_OK;
}

static uint32_t wait_fd(int fd, short ev, uint64_t deadline)
{
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = ev };
        int pr = poll(&pfd, 1, remaining_ms(deadline));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0)
            return map_io_errno(errno);
        if (pr == 0)
            return NT_ERROR_SEM_TIMEOUT;
        return NT_OK; /* readable/writable or error: the I/O call tells which */
    }
}

/* The one send/receive loop: moves exactly len bytes from src (sending) or
 * into dst (receiving), waiting for the socket with the time left before a
 * single deadline for the whole call.  A receive that sees EOF fails.
 * Receives are served from the connection's buffer first; a short one
 * refills the buffer with whatever has arrived (one recv() per frame). */
static uint32_t transfer_all(net_conn *c, bool sending, const uint8_t *src, uint8_t *dst, size_t len,
                             uint32_t timeout_ms)
{
    if (!c || c->fd < 0)
        return NT_ERROR_NETNAME_DELETED;
    if (!timeout_ms)
        timeout_ms = NET_DEFAULT_REQUEST_TIMEOUT_MS;
    uint64_t deadline = nt_now_ms() + timeout_ms;
    while (len) {
        if (!sending && c->rlen > c->rpos) { /* buffered bytes first */
            size_t k = net_rbuf_take(c->rbuf, &c->rpos, c->rlen, dst, len);
            dst += k;
            len -= k;
            continue;
        }
        bool direct = sending || len >= sizeof(c->rbuf);
        ssize_t n = sending  ? send(c->fd, src, len, MSG_NOSIGNAL | MSG_DONTWAIT)
                    : direct ? recv(c->fd, dst, len, MSG_DONTWAIT)
                             : recv(c->fd, c->rbuf, sizeof(c->rbuf), MSG_DONTWAIT);
        if (n == 0 && !sending)
            return NT_ERROR_NETNAME_DELETED;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                uint32_t st = wait_fd(c->fd, sending ? POLLOUT : POLLIN, deadline);
                if (st)
                    return st;
                continue;
            }
            return map_io_errno(errno);
        }
        if (!direct) {
            c->rpos = 0;
            c->rlen = (size_t)n;
            continue;
        }
        if (sending)
            src += n;
        else
            dst += n;
        len -= (size_t)n;
    }
    return NT_OK;
}

uint32_t net_send_all(net_conn *c, const void *buf, size_t len, uint32_t timeout_ms)
{
    return transfer_all(c, true, buf, NULL, len, timeout_ms);
}

uint32_t net_recv_all(net_conn *c, void *buf, size_t len, uint32_t timeout_ms)
{
    return transfer_all(c, false, NULL, buf, len, timeout_ms);
}

bool net_is_dead(net_conn *c)
{
    if (!c || c->fd < 0 || c->rlen > c->rpos)
        return true; /* closed, or unsolicited data already buffered */
    uint8_t b;
    for (;;) {
        ssize_t n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0)
            return true;                 /* EOF */
        if (n > 0)
            return true;                 /* unsolicited data: not reusable */
        if (errno == EINTR)
            continue;
        return !(errno == EAGAIN || errno == EWOULDBLOCK);
    }
}

void net_close(net_conn *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    free(c);
}
