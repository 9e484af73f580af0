/* TCP transport over Winsock (DLL build).  See net.h for the error mapping.
 * WSAStartup runs once (InitOnceExecuteOnce).  The connect is non-blocking
 * and waits in select(); after it the socket is blocking and every send/recv
 * waits at most the time remaining before its deadline through
 * SO_SNDTIMEO/SO_RCVTIMEO (arm_timeout).  Under Wine a blocking recv is one
 * server request that completes when the data arrives, where recv +
 * select() + recv costs the wineserver ~4x the CPU per round trip
 * (bench/floor.c, bench/README.md). */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "net.h"
#include "nbns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Received bytes not yet asked for: a frame's length prefix and body come
 * in with one recv() (NET_RBUF, see net.h). */
struct net_conn {
    SOCKET s;
    DWORD timeo[2]; /* SO_RCVTIMEO, SO_SNDTIMEO now set (ms; 0 = never set) */
    size_t rpos, rlen;
    char rbuf[NET_RBUF];
};

static INIT_ONCE wsa_once = INIT_ONCE_STATIC_INIT;
static BOOL wsa_ok;

static BOOL CALLBACK wsa_init(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    WSADATA wd;
    wsa_ok = WSAStartup(MAKEWORD(2, 2), &wd) == 0;
    return TRUE;
}

static bool wsa_start(void)
{
    InitOnceExecuteOnce(&wsa_once, wsa_init, NULL, NULL);
    return wsa_ok != 0;
}

static uint32_t remaining_ms(uint64_t deadline)
{
    uint64_t now = nt_now_ms();
    if (now >= deadline)
        return 0;
    uint64_t d = deadline - now;
    return d > 0x7fffffffu ? 0x7fffffffu : (uint32_t)d;
}

static uint32_t map_io_err(int e)
{
    switch (e) {
    case WSAECONNRESET:
    case WSAECONNABORTED:
    case WSAENOTCONN:
    case WSAESHUTDOWN:
    case WSAENETRESET:
        return NT_ERROR_NETNAME_DELETED;
    case WSAETIMEDOUT:
        return NT_ERROR_SEM_TIMEOUT;
    case WSAENOBUFS:
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    default:
        return NT_ERROR_UNEXP_NET_ERR;
    }
}

/* select() on one socket: 1 ready, 0 timeout, -1 error. `ex` also watches the
 * exception set (connect failure reporting). */
static int wait_sock(SOCKET s, bool wr, uint64_t deadline)
{
    fd_set rs, ws, es;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_ZERO(&es);
    if (wr)
        FD_SET(s, &ws);
    else
        FD_SET(s, &rs);
    FD_SET(s, &es);
    uint32_t ms = remaining_ms(deadline);
    struct timeval tv;
    tv.tv_sec = (long)(ms / 1000u);
    tv.tv_usec = (long)((ms % 1000u) * 1000u);
    int r = select(0, &rs, &ws, &es, &tv);
    if (r == SOCKET_ERROR)
        return -1;
    return r > 0 ? 1 : 0;
}

/* Bound the next blocking send (sending) or recv by the deadline: the socket's
 * timeout is set to 15/16 of the time remaining, and kept while it lies
 * between 7/8 of the time remaining and all of it, so that the calls of one
 * request pattern (each with the same timeout) set it once rather than before
 * every send/recv (a setsockopt is a wineserver request under Wine).  A wait
 * never outlasts the deadline; it may end up to 1/8 of the time early.
 * false: no time left, or the option cannot be set. */
static bool arm_timeout(net_conn *c, bool sending, uint64_t deadline)
{
    uint32_t want = remaining_ms(deadline);
    if (!want)
        return false;
    DWORD *cur = &c->timeo[sending];
    if (*cur && *cur <= want && *cur >= want - want / 8u)
        return true;
    DWORD v = want - want / 16u; /* >= 1: 0 would mean "no timeout" */
    if (setsockopt(c->s, SOL_SOCKET, sending ? SO_SNDTIMEO : SO_RCVTIMEO, (const char *)&v, sizeof(v)) != 0)
        return false;
    *cur = v;
    return true;
}

static uint32_t try_connect(const struct addrinfo *ai, uint64_t deadline, SOCKET *out)
{
    SOCKET s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (s == INVALID_SOCKET)
        return NT_ERROR_BAD_NETPATH;
    u_long nb = 1;
    if (ioctlsocket(s, FIONBIO, &nb) != 0) {
        closesocket(s);
        return NT_ERROR_UNEXP_NET_ERR;
    }
    int err = 0;
    if (connect(s, ai->ai_addr, (int)ai->ai_addrlen) == SOCKET_ERROR) {
        int e = WSAGetLastError();
        if (e != WSAEWOULDBLOCK && e != WSAEINPROGRESS) {
            err = e;
        } else {
            int r = wait_sock(s, true, deadline);
            if (r == 0) {
                closesocket(s);
                return NT_ERROR_SEM_TIMEOUT;
            }
            int sl = (int)sizeof(err);
            if (r < 0)
                err = WSAGetLastError();
            else if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &sl) != 0)
                err = WSAGetLastError();
        }
    }
    if (err) {
        closesocket(s);
        if (err == WSAECONNREFUSED)
            return NT_ERROR_CONNECTION_REFUSED;
        if (err == WSAETIMEDOUT)
            return NT_ERROR_SEM_TIMEOUT;
        return NT_ERROR_BAD_NETPATH;
    }
    BOOL one = TRUE;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
    nb = 0; /* blocking from now on: every send/recv is bounded by arm_timeout */
    if (ioctlsocket(s, FIONBIO, &nb) != 0) {
        closesocket(s);
        return NT_ERROR_UNEXP_NET_ERR;
    }
    *out = s;
    return NT_OK;
}

uint32_t net_connect(const char *host, uint16_t port, uint32_t timeout_ms, net_conn **out)
{
    *out = NULL;
    if (!host || !host[0])
        return NT_ERROR_BAD_NETPATH;
    if (!wsa_start())
        return NT_ERROR_UNEXP_NET_ERR;
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
    bool any_timeout = false, all_refused = true;
    uint32_t st = NT_ERROR_BAD_NETPATH;
    SOCKET s = INVALID_SOCKET;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (remaining_ms(deadline) == 0) {
            any_timeout = true;
            break;
        }
        st = try_connect(ai, deadline, &s);
        if (st == NT_OK)
            break;
        if (st == NT_ERROR_SEM_TIMEOUT)
            any_timeout = true;
        if (st != NT_ERROR_CONNECTION_REFUSED)
            all_refused = false;
    }
    freeaddrinfo(res);
    if (st != NT_OK) {
        if (all_refused && !any_timeout)
            return NT_ERROR_CONNECTION_REFUSED;
        if (any_timeout)
            return NT_ERROR_SEM_TIMEOUT;
        return NT_ERROR_BAD_NETPATH;
    }
    net_conn *c = calloc(1, sizeof(*c));
    if (!c) {
        closesocket(s);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    c->s = s;
    *out = c;
    return NT_OK;
}

/* The one send/receive loop: moves exactly len bytes from src (sending) or
 * into dst (receiving) in chunks of at most 64 KiB, each blocking send/recv
 * bounded by a single deadline for the whole call (arm_timeout).  A receive
 * that sees EOF fails.  Receives are served from the connection's buffer
 * first; a short one refills the buffer with whatever has arrived (one
 * recv() per frame: each is a wineserver round trip under Wine). */
static uint32_t transfer_all(net_conn *c, bool sending, const char *src, char *dst, size_t len, uint32_t timeout_ms)
{
    if (!c || c->s == INVALID_SOCKET)
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
        if (!arm_timeout(c, sending, deadline))
            return NT_ERROR_SEM_TIMEOUT;
        bool direct = sending || len >= sizeof(c->rbuf);
        int chunk = len > 0x10000 ? 0x10000 : (int)len;
        int n = sending  ? send(c->s, src, chunk, 0)
                : direct ? recv(c->s, dst, chunk, 0)
                         : recv(c->s, c->rbuf, (int)sizeof(c->rbuf), 0);
        if (n == 0 && !sending)
            return NT_ERROR_NETNAME_DELETED;
        if (n == SOCKET_ERROR) {
            int e = WSAGetLastError();
            if (e == WSAEINTR)
                continue;
            if (e == WSAEWOULDBLOCK) { /* not expected on a blocking socket */
                int r = wait_sock(c->s, sending, deadline);
                if (r == 0)
                    return NT_ERROR_SEM_TIMEOUT;
                if (r < 0)
                    return map_io_err(WSAGetLastError());
                continue;
            }
            return map_io_err(e); /* WSAETIMEDOUT: NT_ERROR_SEM_TIMEOUT */
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
    if (!c || c->s == INVALID_SOCKET || c->rlen > c->rpos)
        return true; /* closed, or unsolicited data already buffered */
    /* The socket is blocking: peek only when select() says it is readable. */
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(c->s, &rs);
    struct timeval tv = {0, 0};
    int r = select(0, &rs, NULL, NULL, &tv);
    if (r == 0)
        return false; /* nothing to read: alive */
    if (r == SOCKET_ERROR)
        return true;
    char b;
    int n = recv(c->s, &b, 1, MSG_PEEK);
    return n >= 0 || WSAGetLastError() != WSAEWOULDBLOCK; /* EOF, unsolicited data, or an error */
}

void net_close(net_conn *c)
{
    if (!c)
        return;
    if (c->s != INVALID_SOCKET)
        closesocket(c->s);
    free(c);
}
