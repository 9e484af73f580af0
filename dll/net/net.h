/*
 * TCP transport: name resolution (getaddrinfo, IPv4 and IPv6), connect with a
 * timeout, send/receive with a per-call timeout.  net_posix.c (BSD sockets)
 * and net_win.c (Winsock) implement it; nothing else in the core touches
 * sockets.
 *
 * Errors: NT_ERROR_BAD_NETPATH (name does not resolve, host/network
 * unreachable), NT_ERROR_CONNECTION_REFUSED (every address refused),
 * NT_ERROR_SEM_TIMEOUT (connect or I/O timed out), NT_ERROR_NETNAME_DELETED
 * (peer closed or reset the connection), NT_ERROR_UNEXP_NET_ERR (other socket
 * errors), NT_ERROR_NOT_ENOUGH_MEMORY.
 */
#ifndef NT_NET_H
#define NT_NET_H

#include "../common/nt.h"

#include <string.h>

typedef struct net_conn net_conn;

/* host: DNS name, IPv4 literal or IPv6 literal (no brackets). */
uint32_t net_connect(const char *host, uint16_t port, uint32_t timeout_ms, net_conn **out);
uint32_t net_send_all(net_conn *c, const void *buf, size_t len, uint32_t timeout_ms);
/* Receives exactly len bytes. */
uint32_t net_recv_all(net_conn *c, void *buf, size_t len, uint32_t timeout_ms);
/* True when the peer has closed/reset (or data is unexpectedly pending): used
 * to detect a dead cached connection before reusing it.  Does not block. */
bool net_is_dead(net_conn *c);
void net_close(net_conn *c);
/* One session message (RFC 1002 / MS-SMB2 2.1 framing: a 4-byte header,
 * type 0 and a 24-bit length, then the message), NetBIOS keep-alives
 * skipped, all by deadline (nt_now_ms time): a malloc'ed *out of *outlen
 * bytes.  A length outside [min_len, max_len] or another type is
 * NT_ERROR_UNEXP_NET_ERR; a deadline passed NT_ERROR_SEM_TIMEOUT
 * (net_frame.c, over net_recv_all). */
uint32_t net_recv_frame(net_conn *c, size_t min_len, size_t max_len, uint64_t deadline, uint8_t **out,
                        size_t *outlen);

/* Defaults, overridable with NETAPI32_TIMEOUT_MS (both) and NETAPI32_SMB_PORT. */
#define NET_DEFAULT_CONNECT_TIMEOUT_MS 5000u
#define NET_DEFAULT_REQUEST_TIMEOUT_MS 30000u
#define NET_DEFAULT_SMB_PORT 445u
/* Per-connection receive buffer: a whole 4280-byte RPC fragment in its SMB2
 * READ response (or several) arrives with one recv(). */
#define NET_RBUF 16384u

/* For the two socket implementations: moves up to *len buffered bytes
 * (rbuf[*rpos..rlen)) to *dst, advancing both; the bytes moved. */
static inline size_t net_rbuf_take(const void *rbuf, size_t *rpos, size_t rlen, void *dst, size_t len)
{
    size_t k = rlen > *rpos ? rlen - *rpos : 0;
    if (k > len)
        k = len;
    if (k)
        memcpy(dst, (const char *)rbuf + *rpos, k);
    *rpos += k;
    return k;
}

#endif
