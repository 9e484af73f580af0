/*
 * NetBIOS name resolution (NBNS, RFC 1001/1002, UDP port 137): what
 * net_connect falls back to when DNS/hosts cannot resolve a server name that
 * is a valid NetBIOS name (1..15 printable ASCII characters, no dot).
 *
 * Order (an H-node, as Windows with a WINS server configured):
 *   1. unicast NAME QUERY to each WINS server, in order: NETAPI32_WINS, else
 *      (DLL only) the registry value HKLM\Software\Wine\netapi32 "WinsServer"
 *      (REG_SZ); both a list of IPv4 addresses separated by ',', ';' or spaces;
 *   2. broadcast NAME QUERY: NETAPI32_NBNS_BROADCAST (registry "NbnsBroadcast")
 *      "0"/"off" disables it, a list of IPv4 addresses names the broadcast
 *      addresses; unset ("auto") means every up, non-loopback IPv4 interface
 *      that has a broadcast address (at most NBNS_MAX_TARGETS).
 * Each try waits at most NBNS_WINS_TRY_MS (unicast) / NBNS_BCAST_TRY_MS
 * (broadcast), NBNS_TRIES times, and never beyond the caller's deadline.
 * The name queried is the server service name: NAME<20>.
 *
 * The codec (encoder, strict answer parser) is portable (nbns.c); the UDP
 * socket and the configuration come from nbns_posix.c / nbns_win.c.
 */
#ifndef NT_NBNS_H
#define NT_NBNS_H

#include "../common/nt.h"

#define NBNS_PORT 137u
#define NBNS_SUFFIX_SERVER 0x20u
#define NBNS_QUERY_LEN 50u        /* header 12 + name 34 + type/class 4 */
#define NBNS_MAX_ADDRS 8u         /* addresses kept from one answer */
#define NBNS_MAX_TARGETS 8u       /* WINS servers / broadcast addresses used */
#define NBNS_TRIES 3u
#define NBNS_WINS_TRY_MS 1500u    /* Windows' NameSrvQueryTimeout */
#define NBNS_BCAST_TRY_MS 750u    /* Windows' BcastNameQueryTimeout */

/* IPv4 addresses are host-order uint32_t: a.b.c.d = a<<24 | b<<16 | c<<8 | d. */

/* True for a name NBNS may resolve: 1..15 chars 0x21..0x7E, no '.', no '*'. */
bool nbns_is_netbios_name(const char *name);

/* The 16-byte NetBIOS name: upper-cased, space-padded to 15, suffix last.
 * False when !nbns_is_netbios_name(name). */
bool nbns_make_name(const char *name, uint8_t suffix, uint8_t out[16]);

/* A NAME QUERY REQUEST (RD set; B set for a broadcast) into out (at least
 * NBNS_QUERY_LEN bytes).  Returns its length, 0 on bad arguments. */
size_t nbns_encode_query(uint8_t *out, size_t cap, uint16_t trn_id, const uint8_t name16[16], bool broadcast);

typedef struct nbns_answer {
    uint8_t rcode;                    /* 0 positive, else the negative RCODE */
    uint32_t ttl;
    size_t naddr;
    uint32_t addr[NBNS_MAX_ADDRS];    /* NB_ADDRESS values, in answer order */
    uint16_t nb_flags[NBNS_MAX_ADDRS];
} nbns_answer;

/* Parses one datagram as the answer to the query (trn_id, name16).
 *   NT_OK                  positive answer with naddr >= 1 usable addresses
 *   NT_ERROR_BAD_NETPATH   negative answer (RCODE != 0: the name is not known)
 *   NT_ERROR_INVALID_DATA  anything else: not a response, another transaction
 *                          or name, malformed, truncated (the caller ignores
 *                          it and keeps waiting) */
uint32_t nbns_parse_answer(const uint8_t *p, size_t n, uint16_t trn_id, const uint8_t name16[16],
                           nbns_answer *out);

/* "a.b.c.d" list separated by ',', ';', spaces or tabs; invalid items are
 * skipped.  Returns how many of at most max addresses were stored. */
size_t nbns_parse_addr_list(const char *s, uint32_t *out, size_t max);
void nbns_addr_str(uint32_t a, char out[16]);
/* A NETAPI32_NBNS_BROADCAST-style value: true when it decides ("0"/"off":
 * *n = 0; an address list: *n addresses), false when unset, empty or
 * "auto" (the platform then lists its interfaces). */
bool nbns_broadcast_setting(const char *v, uint32_t *out, size_t max, size_t *n);

/* net_connect's fallback: when `host` is a NetBIOS name that NBNS resolves
 * before `deadline`, true with its IPv4 address as text in ipstr. */
bool nbns_fallback(const char *host, uint64_t deadline, char ipstr[16]);

/* ---- platform part (nbns_posix.c / nbns_win.c) ------------------------- */
typedef struct nbns_sock nbns_sock;
uint32_t nbns_sock_open(nbns_sock **out);              /* UDP, ephemeral port, SO_BROADCAST */
uint32_t nbns_sock_send(nbns_sock *s, uint32_t addr, uint16_t port, const uint8_t *p, size_t n);
/* One datagram, waiting until `deadline` (nt_now_ms clock) at the latest:
 * NT_OK, NT_ERROR_SEM_TIMEOUT, or another error. */
uint32_t nbns_sock_recv(nbns_sock *s, uint64_t deadline, uint8_t *buf, size_t cap, size_t *got,
                        uint32_t *from);
void nbns_sock_close(nbns_sock *s);
/* A setting: the environment variable `env`, else (DLL) the value `value`
 * of HKLM\Software\Wine\netapi32 (REG_SZ as is, REG_DWORD as decimal;
 * either registry view).  malloc'd UTF-8, NULL when unset.  The one
 * registry-reading helper of the DLL's settings (WinsServer, Smb1, ...). */
char *nbns_cfg_string(const char *env, const char *value);
/* The configured WINS servers (see above); count stored. */
size_t nbns_cfg_wins(uint32_t *out, size_t max);
/* The broadcast addresses (see above); count stored (0: broadcast off). */
size_t nbns_cfg_broadcast(uint32_t *out, size_t max);

/* ---- the resolver (nbns.c) ----------------------------------------------- */
/* Resolves NAME<20> before `deadline`: WINS first, then broadcast.  On NT_OK
 * *addr is the first address of the first positive answer.  Errors:
 * NT_ERROR_BAD_NETPATH (not a NetBIOS name, nobody knows it, nothing
 * configured), NT_ERROR_SEM_TIMEOUT is folded into NT_ERROR_BAD_NETPATH
 * too (an unanswered name query means "no such name" to the caller),
 * NT_ERROR_NOT_ENOUGH_MEMORY. */
uint32_t nbns_resolve(const char *name, uint64_t deadline, uint32_t *addr);

/* The same with explicit targets and port (tests; nbns_resolve passes the
 * configuration and NBNS_PORT). */
uint32_t nbns_resolve_with(const char *name, uint64_t deadline, const uint32_t *wins, size_t nwins,
                           const uint32_t *bcast, size_t nbcast, uint16_t port, uint32_t *addr);

#endif
