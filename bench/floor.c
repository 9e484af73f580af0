/*
 * bench/floor.c -- the platform floor of one warm call: the same request /
 * response byte pattern as one warm signed SMB2 IOCTL (NetrSessionEnum),
 * over a loopback TCP socket, with no SMB, RPC, crypto or API work.  The
 * same C builds natively (POSIX) and as a Windows program (MinGW, run under
 * Wine), so its Wine/native ratio and the absolute difference per round trip
 * are what Wine's socket path costs for that pattern.
 *
 *   floor serve PORT [SPIN_US]            (POSIX only) the responder: reads
 *       a 4-byte header "REQ RESP" (two big-endian u16: request size, answer
 *       size), then for every request of REQ bytes computes for SPIN_US
 *       microseconds (a busy loop: the server's own work, 0 by default) and
 *       answers RESP bytes in one send(); one connection at a time.
 *   floor client HOST PORT REQ RESP N MODE
 *       N round trips; prints "floor mode=M req=R resp=A n=N median_us=X
 *       p10_us=Y p90_us=Z cpu_us_per_call=C".  MODE is the client's socket
 *       pattern:
 *         nbrecv  non-blocking; send; recv into a 16 KiB buffer; on
 *                 WOULDBLOCK select() then recv (dll/net/net_win.c before 709f1cd)
 *         select  non-blocking; send; select() first, then recv
 *         block   blocking socket, SO_RCVTIMEO set once; send; recv (the DLL now)
 *         blockto blocking socket, SO_RCVTIMEO set before every recv
 *         poll    non-blocking; send; poll()/WSAPoll() first, then recv
 *       With BENCH_SYNC=PATH (Windows build): "begin" before the timed round
 *       trips, then waits until PATH exists; "end" after them, then 500 ms
 *       (bench/product.sh samples the wineserver's CPU between the two).
 */
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
typedef SOCKET sock_t;
#define SOCK_ERR(r) ((r) == SOCKET_ERROR)
#define WOULD_BLOCK() (WSAGetLastError() == WSAEWOULDBLOCK)
#define poll WSAPoll
#else
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
typedef int sock_t;
#define INVALID_SOCKET (-1)
#define SOCK_ERR(r) ((r) < 0)
#define WOULD_BLOCK() (errno == EAGAIN || errno == EWOULDBLOCK)
#define closesocket close
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"

#define RBUF 16384

static void set_nonblocking(sock_t s)
{
#ifdef _WIN32
    u_long nb = 1;
    ioctlsocket(s, FIONBIO, &nb);
#else
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
#endif
}

static int wait_readable_select(sock_t s, int ms)
{
    fd_set rs, es;
    FD_ZERO(&rs);
    FD_ZERO(&es);
    FD_SET(s, &rs);
    FD_SET(s, &es);
    struct timeval tv;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    return select((int)s + 1, &rs, NULL, &es, &tv);
}

static int wait_readable_poll(sock_t s, int ms)
{
    struct pollfd p;
    p.fd = s;
    p.events = POLLIN;
    p.revents = 0;
    return poll(&p, 1, ms);
}

static void set_rcvtimeo(sock_t s, int ms)
{
#ifdef _WIN32
    DWORD to = (DWORD)ms;
#else
    struct timeval to = {ms / 1000, (ms % 1000) * 1000};
#endif
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&to, sizeof(to));
}

static int send_all(sock_t s, const char *b, int len)
{
    while (len > 0) {
        int n = send(s, b, len, 0);
        if (SOCK_ERR(n)) {
            if (WOULD_BLOCK() && wait_readable_select(s, 0) >= 0)
                continue;
            return -1;
        }
        b += n;
        len -= n;
    }
    return 0;
}

/* One answer of `len` bytes with MODE's pattern; 0 or -1. */
static int recv_answer(sock_t s, char mode, char *buf, int len)
{
    int got = 0;
    if (mode == 's' && wait_readable_select(s, 30000) <= 0)
        return -1;
    if (mode == 'p' && wait_readable_poll(s, 30000) <= 0)
        return -1;
    while (got < len) {
        if (mode == 't')
            set_rcvtimeo(s, 30000 - got);
        int n = recv(s, buf, RBUF, 0);
        if (n == 0)
            return -1;
        if (SOCK_ERR(n)) {
            if (mode != 'b' && mode != 't' && WOULD_BLOCK()) {
                int r = mode == 'p' ? wait_readable_poll(s, 30000) : wait_readable_select(s, 30000);
                if (r <= 0)
                    return -1;
                continue;
            }
            return -1;
        }
        got += n;
    }
    return got == len ? 0 : -1;
}

/* timeout check: a blocking recv with SO_RCVTIMEO=ms against a responder that
 * does not answer in time; prints how long it waited and the error. */
static int check_timeout(sock_t s, int ms)
{
    char b[16];
    set_rcvtimeo(s, ms);
    double t0 = now_us();
    int n = recv(s, b, sizeof(b), 0);
#ifdef _WIN32
    int e = n < 0 ? WSAGetLastError() : 0;
#else
    int e = n < 0 ? errno : 0;
#endif
    printf("timeout rcvtimeo_ms=%d waited_ms=%.1f recv=%d error=%d\n", ms, (now_us() - t0) / 1000, n, e);
    return 0;
}

static void sync_mark(int begin)
{
#ifdef _WIN32
    const char *go = getenv("BENCH_SYNC");
    if (!go)
        return;
    printf(begin ? "begin\n" : "end\n");
    if (!begin) {
        Sleep(500);
        return;
    }
    for (int i = 0; i < 30000 && GetFileAttributesA(go) == INVALID_FILE_ATTRIBUTES; i++)
        Sleep(1);
#else
    (void)begin;
#endif
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static sock_t dial(const char *host, int port, char mode)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return INVALID_SOCKET;
    sock_t s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET)
        return s;
    if (connect(s, (struct sockaddr *)&a, sizeof(a)) != 0) {
        closesocket(s);
        return INVALID_SOCKET;
    }
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
    if (mode == 'b' || mode == 't') {
        set_rcvtimeo(s, 30000);
    } else {
        set_nonblocking(s);
    }
    return s;
}

static int client(const char *host, int port, int req, int resp, int n, const char *mname)
{
    char mode = !strcmp(mname, "nbrecv") ? 'd' : !strcmp(mname, "select") ? 's' : !strcmp(mname, "block") ? 'b'
                                              : !strcmp(mname, "poll")   ? 'p'
                                              : !strcmp(mname, "blockto") ? 't' : 0;
    if (!mode || req < 4 || req > 65535 || resp < 1 || resp > 65535 || n < 1)
        return 2;
    sock_t s = dial(host, port, mode);
    if (s == INVALID_SOCKET)
        return 3;
    static char rq[65536], rb[RBUF];
    double *t = malloc(sizeof(double) * (size_t)n);
    unsigned char hdr[4] = {(unsigned char)(req >> 8), (unsigned char)req, (unsigned char)(resp >> 8),
                            (unsigned char)resp};
    if (!t || send_all(s, (const char *)hdr, 4) != 0)
        return 3;
    memset(rq, 'q', sizeof(rq));
    if (getenv("FLOOR_TIMEOUT_MS")) {
        send_all(s, rq, req);
        return check_timeout(s, atoi(getenv("FLOOR_TIMEOUT_MS")));
    }
    for (int w = 0; w < 20; w++) /* warm-up */
        if (send_all(s, rq, req) != 0 || recv_answer(s, mode, rb, resp) != 0)
            return 4;
    sync_mark(1);
    double c0 = cpu_us();
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        if (send_all(s, rq, req) != 0 || recv_answer(s, mode, rb, resp) != 0)
            return 4;
        t[i] = now_us() - t0;
    }
    double c1 = cpu_us();
    sync_mark(0);
    closesocket(s);
    qsort(t, (size_t)n, sizeof(double), cmp_d);
    printf("floor mode=%s req=%d resp=%d n=%d median_us=%.1f p10_us=%.1f p90_us=%.1f cpu_us_per_call=%.1f\n", mname,
           req, resp, n, t[n / 2], t[n / 10], t[n * 9 / 10], (c1 - c0) / n);
    free(t);
    return 0;
}

#ifndef _WIN32
static int read_full(int s, char *b, int len)
{
    while (len > 0) {
        ssize_t n = recv(s, b, (size_t)len, 0);
        if (n <= 0)
            return -1;
        b += n;
        len -= (int)n;
    }
    return 0;
}

static void spin(double us)
{
    double t0 = now_us();
    while (now_us() - t0 < us)
        ;
}

static int serve(int port, double spin_us)
{
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 8) != 0)
        return 3;
    printf("listening %d\n", port);
    fflush(stdout);
    static char b[65536];
    for (;;) {
        int s = accept(l, NULL, NULL);
        if (s < 0)
            continue;
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        unsigned char h[4];
        if (read_full(s, (char *)h, 4) == 0) {
            int req = h[0] << 8 | h[1], resp = h[2] << 8 | h[3];
            memset(b, 'a', sizeof(b));
            while (read_full(s, b, req) == 0) {
                spin(spin_us);
                if (send(s, b, (size_t)resp, 0) != resp)
                    break;
            }
        }
        close(s);
    }
}
#endif

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
#ifdef _WIN32
    WSADATA wd;
    WSAStartup(MAKEWORD(2, 2), &wd);
#else
    if ((argc == 3 || argc == 4) && !strcmp(argv[1], "serve"))
        return serve(atoi(argv[2]), argc == 4 ? atof(argv[3]) : 0);
#endif
    if (argc == 8 && !strcmp(argv[1], "client"))
        return client(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoi(argv[6]), argv[7]);
    fprintf(stderr, "usage: floor serve PORT [SPIN_US] | floor client HOST PORT REQ RESP N nbrecv|select|block|blockto|poll\n");
    return 2;
}
