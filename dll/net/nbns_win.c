/* NBNS over Winsock (DLL build): the UDP socket and the configuration
 * (environment first, then HKLM\Software\Wine\netapi32 "WinsServer" and
 * "NbnsBroadcast", REG_SZ, in the 64-bit registry view, else the 32-bit
 * one).  Interface broadcast addresses come from SIO_GET_INTERFACE_LIST
 * (ws2_32 only: no new import).  See nbns.h. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "nbns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nbns_sock {
    SOCKET s;
};

uint32_t nbns_sock_open(nbns_sock **out)
{
    *out = NULL;
    WSADATA wd; /* reference-counted: each socket holds one, released in close */
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        return NT_ERROR_UNEXP_NET_ERR;
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (s == INVALID_SOCKET) {
        WSACleanup();
        return NT_ERROR_UNEXP_NET_ERR;
    }
    u_long nb = 1;
    BOOL one = TRUE;
    ioctlsocket(s, FIONBIO, &nb);
    setsockopt(s, SOL_SOCKET, SO_BROADCAST, (const char *)&one, sizeof(one));
    nbns_sock *ns = calloc(1, sizeof(*ns));
    if (!ns) {
        closesocket(s);
        WSACleanup();
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    ns->s = s;
    *out = ns;
    return NT_OK;
}

uint32_t nbns_sock_send(nbns_sock *s, uint32_t addr, uint16_t port, const uint8_t *p, size_t n)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(addr);
    int r = sendto(s->s, (const char *)p, (int)n, 0, (struct sockaddr *)&a, sizeof(a));
    return r == (int)n ? NT_OK : NT_ERROR_UNEXP_NET_ERR;
}

uint32_t nbns_sock_recv(nbns_sock *s, uint64_t deadline, uint8_t *buf, size_t cap, size_t *got, uint32_t *from)
{
    for (;;) {
        uint64_t now = nt_now_ms();
        if (now >= deadline)
            return NT_ERROR_SEM_TIMEOUT;
        uint64_t left = deadline - now;
        if (left > 0x7fffffffu)
            left = 0x7fffffffu;
        fd_set rs;
        FD_ZERO(&rs);
        FD_SET(s->s, &rs);
        struct timeval tv;
        tv.tv_sec = (long)(left / 1000u);
        tv.tv_usec = (long)((left % 1000u) * 1000u);
        int r = select(0, &rs, NULL, NULL, &tv);
        if (r == SOCKET_ERROR)
            return NT_ERROR_UNEXP_NET_ERR;
        if (r == 0)
            return NT_ERROR_SEM_TIMEOUT;
        struct sockaddr_in a;
        int al = (int)sizeof(a);
        int n = recvfrom(s->s, (char *)buf, (int)cap, 0, (struct sockaddr *)&a, &al);
        if (n == SOCKET_ERROR) {
            int e = WSAGetLastError();
            /* WSAECONNRESET: ICMP port unreachable from an earlier send;
             * WSAEMSGSIZE: an oversized datagram (dropped) */
            if (e == WSAEWOULDBLOCK || e == WSAEINTR || e == WSAECONNRESET || e == WSAEMSGSIZE)
                continue;
            return NT_ERROR_UNEXP_NET_ERR;
        }
        if (al < (int)sizeof(a) || a.sin_family != AF_INET)
            continue;
        *got = (size_t)n;
        *from = ntohl(a.sin_addr.s_addr);
        return NT_OK;
    }
}

void nbns_sock_close(nbns_sock *s)
{
    if (!s)
        return;
    closesocket(s->s);
    free(s);
    WSACleanup();
}

/* NETAPI32_<env>, else HKLM\Software\Wine\netapi32 <value> (REG_SZ, or
 * REG_DWORD as decimal), as UTF-8. */
static char *cfg_string(const char *env, const WCHAR *value)
{
    char *v = nt_getenv(env);
    if (v)
        return v;
    /* either registry view: `wine reg add` may write the 32-bit one */
    static const REGSAM views[2] = {KEY_WOW64_64KEY, KEY_WOW64_32KEY};
    for (int i = 0; i < 2; i++) {
        HKEY k;
        if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"Software\\Wine\\netapi32", 0, KEY_QUERY_VALUE | views[i], &k) !=
            ERROR_SUCCESS)
            continue;
        WCHAR buf[256];
        DWORD size = sizeof(buf) - sizeof(WCHAR), type = 0;
        memset(buf, 0, sizeof(buf));
        LONG r = RegGetValueW(k, NULL, value, RRF_RT_REG_SZ | RRF_RT_REG_DWORD, &type, buf, &size);
        RegCloseKey(k);
        if (r == ERROR_SUCCESS && type == REG_DWORD) {
            DWORD d;
            memcpy(&d, buf, sizeof(d));
            char *s = malloc(12);
            if (s)
                snprintf(s, 12, "%lu", (unsigned long)d);
            return s;
        }
        if (r == ERROR_SUCCESS) {
            buf[255] = 0;
            return nt_utf16_to_utf8((const nt_wchar *)buf, nt_wcslen((const nt_wchar *)buf));
        }
    }
    return NULL;
}

char *nbns_cfg_string(const char *env, const char *value)
{
    nt_wchar *w = nt_utf8_to_utf16(value, NULL);
    char *v = w ? cfg_string(env, (const WCHAR *)w) : nt_getenv(env);
    free(w);
    return v;
}

size_t nbns_cfg_wins(uint32_t *out, size_t max)
{
    char *v = cfg_string("NETAPI32_WINS", L"WinsServer");
    size_t n = nbns_parse_addr_list(v, out, max);
    free(v);
    return n;
}

size_t nbns_cfg_broadcast(uint32_t *out, size_t max)
{
    char *v = cfg_string("NETAPI32_NBNS_BROADCAST", L"NbnsBroadcast");
    size_t n = 0;
    bool decided = nbns_broadcast_setting(v, out, max, &n);
    free(v);
    nbns_sock *s = NULL;
    if (decided || nbns_sock_open(&s) != NT_OK)
        return n;
    INTERFACE_INFO ii[16];
    DWORD bytes = 0;
    if (WSAIoctl(s->s, SIO_GET_INTERFACE_LIST, NULL, 0, ii, sizeof(ii), &bytes, NULL, NULL) == 0) {
        size_t cnt = bytes / sizeof(INTERFACE_INFO);
        for (size_t i = 0; i < cnt && n < max; i++) {
            if (!(ii[i].iiFlags & IFF_UP) || (ii[i].iiFlags & IFF_LOOPBACK) || !(ii[i].iiFlags & IFF_BROADCAST))
                continue;
            uint32_t a = ntohl(ii[i].iiAddress.AddressIn.sin_addr.s_addr);
            uint32_t m = ntohl(ii[i].iiNetmask.AddressIn.sin_addr.s_addr);
            uint32_t b = a | ~m; /* iiBroadcastAddress is 255.255.255.255 on Windows */
            bool dup = a == 0 || m == 0;
            for (size_t k = 0; k < n && !dup; k++)
                dup = out[k] == b;
            if (!dup)
                out[n++] = b;
        }
    }
    nbns_sock_close(s);
    return n;
}
