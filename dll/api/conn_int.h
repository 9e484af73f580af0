/* Internal to the connection cache (conn.c, conn_creds.c). */
#ifndef NT_API_CONN_INT_H
#define NT_API_CONN_INT_H

#include "api.h"

/* SHA-256 over user, domain and password: what identifies a cache entry
 * (all 0xFF when it cannot be computed: never equal to a real id). */
void api_creds_id(const nt_creds *c, uint8_t id[32]);
/* A lookup (api_lookup_creds) now: the credentials (the caller clears them)
 * and their id, remembered for api_creds_recent. */
uint32_t api_creds_fresh(const char *host, uint16_t port, nt_creds *cr, uint8_t id[32]);
/* The id of the last lookup for (host, port) when it is younger than
 * NETAPI32_CRED_RECHECK_MS (default 1000 ms; 0 = never): a warm call then
 * needs no lookup. */
bool api_creds_recent(const char *host, uint16_t port, uint8_t id[32]);
void api_creds_memo_clear(void);

#endif
