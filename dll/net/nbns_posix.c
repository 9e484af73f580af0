/* NBNS over BSD sockets (native build): the UDP socket and the
 * configuration (environment only).  See nbns.h. */
#define _GNU_SOURCE
#include "nbns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct nbns_sock {
    int fd;
};

uint32_t nbns_sock_open(nbns_sock **out)
{
    *out = NULL;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return NT_ERROR_UNEXP_NET_ERR;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
    nbns_sock *s = calloc(1, sizeof(*s));
    if (!s) {
        close(fd);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    s->fd = fd;
    *out = s;
    return NT_OK;
}

uint32_t nbns_sock_send(nbns_sock *s, uint32_t addr, uint16_t port, const uint8_t *p, size_t n)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(addr);
    for (;;) {
        ssize_t r = sendto(s->fd, p, n, MSG_NOSIGNAL, (struct sockaddr *)&a, sizeof(a));
        if (r == (ssize_t)n)
            return NT_OK;
        if (r < 0 && errno == EINTR)
            continue;
        return NT_ERROR_UNEXP_NET_ERR;
    }
}

uint32_t nbns_sock_recv(nbns_sock *s, uint64_t deadline, uint8_t *buf, size_t cap, size_t *got, uint32_t *from)
{
    for (;;) {
        uint64_t now = nt_now_ms();
        if (now >= deadline)
            return NT_ERROR_SEM_TIMEOUT;
        uint64_t left = deadline - now;
        struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
        int pr = poll(&pfd, 1, left > 0x7fffffff ? 0x7fffffff : (int)left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0)
            return NT_ERROR_UNEXP_NET_ERR;
        if (pr == 0)
            return NT_ERROR_SEM_TIMEOUT;
        struct sockaddr_in a;
        socklen_t al = sizeof(a);
        ssize_t r = recvfrom(s->fd, buf, cap, 0, (struct sockaddr *)&a, &al);
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED)
                continue; /* ICMP port unreachable from an earlier send: keep waiting */
            return NT_ERROR_UNEXP_NET_ERR;
        }
        if (al < sizeof(a) || a.sin_family != AF_INET)
            continue;
        *got = (size_t)r;
        *from = ntohl(a.sin_addr.s_addr);
        return NT_OK;
    }
}

void nbns_sock_close(nbns_sock *s)
{
    if (!s)
        return;
    close(s->fd);
    free(s);
}

char *nbns_cfg_string(const char *env, const char *value)
{
    (void)value; /* no registry natively */
    return nt_getenv(env);
}

size_t nbns_cfg_wins(uint32_t *out, size_t max)
{
    char *v = nt_getenv("NETAPI32_WINS");
    size_t n = nbns_parse_addr_list(v, out, max);
    free(v);
    return n;
}

size_t nbns_cfg_broadcast(uint32_t *out, size_t max)
{
    char *v = nt_getenv("NETAPI32_NBNS_BROADCAST");
    size_t n = 0;
    bool decided = nbns_broadcast_setting(v, out, max, &n);
    free(v);
    if (decided)
        return n;
    struct ifaddrs *ifs = NULL;
    if (getifaddrs(&ifs) != 0)
        return 0;
    for (struct ifaddrs *i = ifs; i && n < max; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP) ||
            (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_BROADCAST) || !i->ifa_broadaddr)
            continue;
        uint32_t b = ntohl(((struct sockaddr_in *)i->ifa_broadaddr)->sin_addr.s_addr);
        bool dup = b == 0;
        for (size_t k = 0; k < n && !dup; k++)
            dup = out[k] == b;
        if (!dup)
            out[n++] = b;
    }
    freeifaddrs(ifs);
    return n;
}
