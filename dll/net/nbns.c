/*
 * NBNS name query (RFC 1002 4.2.12) and the strict parser of its answers
 * (4.2.13 positive, 4.2.14 negative), plus the resolver loop: WINS servers
 * by unicast, then broadcast, every wait bounded by the caller's deadline.
 * See nbns.h.  Every answer is hostile: counts are checked against the
 * datagram, compressed names may only point backwards (no loops), and only
 * an answer for our transaction id and our name is believed.
 */
#include "nbns.h"

#include <string.h>

#define NBNS_FLAG_RESPONSE 0x8000u
#define NBNS_OPCODE_MASK 0x7800u
#define NBNS_FLAG_RD 0x0100u
#define NBNS_FLAG_B 0x0010u
#define NBNS_RCODE_MASK 0x000Fu
#define NBNS_TYPE_NB 0x0020u
#define NBNS_CLASS_IN 0x0001u
#define NBNS_MAX_JUMPS 8u
#define NBNS_MAX_ANSWERS 16u

static uint16_t be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

bool nbns_is_netbios_name(const char *name)
{
    if (!name)
        return false;
    size_t n = strlen(name);
    if (n == 0 || n > 15)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x21 || c > 0x7E || c == '.' || c == '*')
            return false;
    }
    return true;
}

bool nbns_make_name(const char *name, uint8_t suffix, uint8_t out[16])
{
    if (!nbns_is_netbios_name(name))
        return false;
    memset(out, ' ', 15);
    for (size_t i = 0; name[i]; i++) {
        char c = name[i];
        out[i] = (uint8_t)((c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c);
    }
    out[15] = suffix;
    return true;
}

size_t nbns_encode_query(uint8_t *out, size_t cap, uint16_t trn_id, const uint8_t name16[16], bool broadcast)
{
    if (!out || !name16 || cap < NBNS_QUERY_LEN)
        return 0;
    memset(out, 0, NBNS_QUERY_LEN);
    put_be16(out, trn_id);
    put_be16(out + 2, (uint16_t)(NBNS_FLAG_RD | (broadcast ? NBNS_FLAG_B : 0)));
    put_be16(out + 4, 1); /* QDCOUNT */
    uint8_t *q = out + 12;
    *q++ = 32; /* first-level encoding: one 32-byte label, then the root */
    for (unsigned i = 0; i < 16; i++) {
        *q++ = (uint8_t)('A' + (name16[i] >> 4));
        *q++ = (uint8_t)('A' + (name16[i] & 0x0F));
    }
    *q++ = 0;
    put_be16(q, NBNS_TYPE_NB);
    put_be16(q + 2, NBNS_CLASS_IN);
    return NBNS_QUERY_LEN;
}

/* Reads the (possibly compressed) name at *pos: the 32-byte encoded NetBIOS
 * label decoded into name16, scope labels skipped.  *pos moves past the name
 * as it appears at that position.  Pointers must point strictly backwards. */
static bool read_name(const uint8_t *p, size_t n, size_t *pos, uint8_t name16[16])
{
    size_t at = *pos, end = 0, total = 0;
    unsigned jumps = 0, labels = 0;
    bool jumped = false;
    for (;;) {
        if (at >= n)
            return false;
        uint8_t len = p[at];
        if ((len & 0xC0) == 0xC0) {
            if (at + 1 >= n || ++jumps > NBNS_MAX_JUMPS)
                return false;
            size_t target = ((size_t)(len & 0x3F) << 8) | p[at + 1];
            if (target >= at)
                return false; /* forward or self: a loop in the making */
            if (!jumped)
                end = at + 2;
            jumped = true;
            at = target;
            continue;
        }
        if (len & 0xC0)
            return false; /* 0x40/0x80: reserved label types */
        if (len == 0) {
            if (labels == 0)
                return false;
            *pos = jumped ? end : at + 1;
            return true;
        }
        if (at + 1 + len > n || (total += (size_t)len + 1) > 255)
            return false;
        if (labels == 0) {
            if (len != 32)
                return false;
            for (unsigned i = 0; i < 16; i++) {
                uint8_t hi = p[at + 1 + 2 * i], lo = p[at + 2 + 2 * i];
                if (hi < 'A' || hi > 'P' || lo < 'A' || lo > 'P')
                    return false;
                name16[i] = (uint8_t)(((hi - 'A') << 4) | (lo - 'A'));
            }
        }
        labels++;
        at += 1 + (size_t)len;
    }
}

/* One resource record at *pos; fills out when it is an NB record for name16. */
static bool read_rr(const uint8_t *p, size_t n, size_t *pos, const uint8_t name16[16], nbns_answer *out,
                    bool *matched)
{
    uint8_t rrname[16];
    *matched = false;
    if (!read_name(p, n, pos, rrname))
        return false;
    if (n - *pos < 10)
        return false;
    const uint8_t *h = p + *pos;
    uint16_t type = be16(h), cls = be16(h + 2), rdlen = be16(h + 8);
    uint32_t ttl = be32(h + 4);
    *pos += 10;
    if (rdlen > n - *pos)
        return false;
    const uint8_t *rd = p + *pos;
    *pos += rdlen;
    if (type != NBNS_TYPE_NB || cls != NBNS_CLASS_IN || memcmp(rrname, name16, 16) != 0)
        return true; /* well-formed, not ours: skip */
    if (rdlen == 0 || rdlen % 6 != 0)
        return false;
    out->ttl = ttl;
    for (size_t i = 0; i + 6 <= rdlen && out->naddr < NBNS_MAX_ADDRS; i += 6) {
        uint32_t a = be32(rd + i + 2);
        if (a == 0 || a == 0xFFFFFFFFu)
            continue; /* not an address anyone can connect to */
        out->nb_flags[out->naddr] = be16(rd + i);
        out->addr[out->naddr++] = a;
    }
    *matched = true;
    return true;
}

uint32_t nbns_parse_answer(const uint8_t *p, size_t n, uint16_t trn_id, const uint8_t name16[16],
                           nbns_answer *out)
{
    if (!out)
        return NT_ERROR_INVALID_DATA;
    memset(out, 0, sizeof(*out));
    if (!p || !name16 || n < 12)
        return NT_ERROR_INVALID_DATA;
    uint16_t flags = be16(p + 2);
    if (be16(p) != trn_id || !(flags & NBNS_FLAG_RESPONSE) || (flags & NBNS_OPCODE_MASK) != 0)
        return NT_ERROR_INVALID_DATA;
    uint16_t qd = be16(p + 4), an = be16(p + 6);
    out->rcode = (uint8_t)(flags & NBNS_RCODE_MASK);
    if (out->rcode != 0)
        return NT_ERROR_BAD_NETPATH; /* negative answer: the record is not needed */
    if (qd != 0 || an == 0 || an > NBNS_MAX_ANSWERS)
        return NT_ERROR_INVALID_DATA;
    size_t pos = 12;
    for (unsigned i = 0; i < an; i++) {
        bool matched;
        if (!read_rr(p, n, &pos, name16, out, &matched))
            break;
        if (matched && out->naddr)
            return NT_OK;
    }
    memset(out, 0, sizeof(*out));
    return NT_ERROR_INVALID_DATA;
}

static bool parse_one_addr(const char **sp, uint32_t *out)
{
    const char *s = *sp;
    uint32_t a = 0;
    for (int part = 0; part < 4; part++) {
        if (part && *s++ != '.')
            return false;
        if (*s < '0' || *s > '9')
            return false;
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255)
                return false;
        }
        a = (a << 8) | v;
    }
    *sp = s;
    *out = a;
    return true;
}

size_t nbns_parse_addr_list(const char *s, uint32_t *out, size_t max)
{
    size_t n = 0;
    if (!s)
        return 0;
    while (*s && n < max) {
        while (*s == ',' || *s == ';' || *s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        uint32_t a;
        const char *q = s;
        if (parse_one_addr(&q, &a) && (*q == 0 || *q == ',' || *q == ';' || *q == ' ' || *q == '\t')) {
            if (a != 0)
                out[n++] = a;
            s = q;
        } else {
            while (*s && *s != ',' && *s != ';' && *s != ' ' && *s != '\t')
                s++; /* skip the invalid item */
        }
    }
    return n;
}

bool nbns_broadcast_setting(const char *v, uint32_t *out, size_t max, size_t *n)
{
    *n = 0;
    if (!v || !v[0] || strcmp(v, "auto") == 0)
        return false;
    if (strcmp(v, "0") != 0 && strcmp(v, "off") != 0)
        *n = nbns_parse_addr_list(v, out, max);
    return true;
}

void nbns_addr_str(uint32_t a, char out[16])
{
    char *p = out;
    for (int i = 3; i >= 0; i--) {
        unsigned v = (a >> (8 * i)) & 0xFF;
        if (v >= 100)
            *p++ = (char)('0' + v / 100);
        if (v >= 10)
            *p++ = (char)('0' + (v / 10) % 10);
        *p++ = (char)('0' + v % 10);
        if (i)
            *p++ = '.';
    }
    *p = 0;
}

/* ---- resolver ------------------------------------------------------------ */

typedef struct round {
    nbns_sock *s;
    const uint8_t *name16;
    uint16_t port;
    uint64_t deadline;
} round;

/* One target kind: sends to targets[0..n) (broadcast or a single WINS
 * server) NBNS_TRIES times, each try waiting try_ms at most.  NT_OK with
 * *addr, NT_ERROR_BAD_NETPATH (a WINS server said no), or
 * NT_ERROR_SEM_TIMEOUT (no usable answer). */
static uint32_t query_round(const round *r, const uint32_t *targets, size_t n, bool bcast, uint32_t try_ms,
                            uint32_t *addr)
{
    uint16_t trn;
    if (!nt_random(&trn, sizeof(trn)))
        trn = (uint16_t)nt_now_ms();
    uint8_t q[NBNS_QUERY_LEN], buf[576];
    size_t qlen = nbns_encode_query(q, sizeof(q), trn, r->name16, bcast);
    for (unsigned t = 0; t < NBNS_TRIES; t++) {
        uint64_t now = nt_now_ms();
        if (now >= r->deadline)
            return NT_ERROR_SEM_TIMEOUT;
        size_t sent = 0;
        for (size_t i = 0; i < n; i++)
            if (nbns_sock_send(r->s, targets[i], r->port, q, qlen) == NT_OK)
                sent++;
        if (!sent)
            return NT_ERROR_SEM_TIMEOUT; /* unreachable: nothing to wait for */
        uint64_t until = now + try_ms < r->deadline ? now + try_ms : r->deadline;
        for (;;) {
            size_t got = 0;
            uint32_t from = 0;
            if (nbns_sock_recv(r->s, until, buf, sizeof(buf), &got, &from) != NT_OK)
                break; /* this try timed out (or the socket failed): retry */
            if (!bcast && from != targets[0])
                continue; /* only the server we asked may answer */
            nbns_answer a;
            uint32_t st = nbns_parse_answer(buf, got, trn, r->name16, &a);
            if (st == NT_OK) {
                *addr = a.addr[0];
                return NT_OK;
            }
            if (st == NT_ERROR_BAD_NETPATH && !bcast)
                return st;
        }
    }
    return NT_ERROR_SEM_TIMEOUT;
}

uint32_t nbns_resolve_with(const char *name, uint64_t deadline, const uint32_t *wins, size_t nwins,
                           const uint32_t *bcast, size_t nbcast, uint16_t port, uint32_t *addr)
{
    uint8_t name16[16];
    if (!addr || !nbns_make_name(name, NBNS_SUFFIX_SERVER, name16))
        return NT_ERROR_BAD_NETPATH;
    if (nwins == 0 && nbcast == 0)
        return NT_ERROR_BAD_NETPATH;
    nbns_sock *s = NULL;
    uint32_t st = nbns_sock_open(&s);
    if (st != NT_OK)
        return st == NT_ERROR_NOT_ENOUGH_MEMORY ? st : NT_ERROR_BAD_NETPATH;
    round r = {s, name16, port, deadline};
    st = NT_ERROR_SEM_TIMEOUT;
    char ip[16];
    for (size_t i = 0; i < nwins && i < NBNS_MAX_TARGETS; i++) {
        st = query_round(&r, &wins[i], 1, false, NBNS_WINS_TRY_MS, addr);
        nbns_addr_str(wins[i], ip);
        nt_trace("nbns: %s<20> via WINS %s -> %u", name, ip, (unsigned)st);
        if (st != NT_ERROR_SEM_TIMEOUT)
            break; /* an answer, positive or negative: no secondary server */
    }
    if (st != NT_OK && nbcast) {
        st = query_round(&r, bcast, nbcast < NBNS_MAX_TARGETS ? nbcast : NBNS_MAX_TARGETS, true,
                         NBNS_BCAST_TRY_MS, addr);
        nt_trace("nbns: %s<20> by broadcast (%u addresses) -> %u", name, (unsigned)nbcast, (unsigned)st);
    }
    nbns_sock_close(s);
    if (st == NT_OK) {
        nbns_addr_str(*addr, ip);
        nt_trace("nbns: %s is %s", name, ip);
        return NT_OK;
    }
    return NT_ERROR_BAD_NETPATH;
}

uint32_t nbns_resolve(const char *name, uint64_t deadline, uint32_t *addr)
{
    if (!nbns_is_netbios_name(name))
        return NT_ERROR_BAD_NETPATH;
    uint32_t wins[NBNS_MAX_TARGETS], bc[NBNS_MAX_TARGETS];
    size_t nw = nbns_cfg_wins(wins, NBNS_MAX_TARGETS);
    size_t nb = nbns_cfg_broadcast(bc, NBNS_MAX_TARGETS);
    return nbns_resolve_with(name, deadline, wins, nw, bc, nb, (uint16_t)NBNS_PORT, addr);
}

bool nbns_fallback(const char *host, uint64_t deadline, char ipstr[16])
{
    uint32_t ip;
    if (!nbns_is_netbios_name(host) || nbns_resolve(host, deadline, &ip) != NT_OK)
        return false;
    nbns_addr_str(ip, ipstr);
    return true;
}
