/* The connection cache's view of credentials (conn_int.h): their identity
 * (a SHA-256, never the password) and how long a warm call may trust the
 * previous lookup. */
#include "conn_int.h"

#include "../crypto/crypto.h"

#include <stdlib.h>
#include <string.h>

/* NETAPI32_CRED_RECHECK_MS: 0..3600000, default 1000. */
static uint32_t recheck_ms(void)
{
    char *v = nt_getenv("NETAPI32_CRED_RECHECK_MS");
    uint32_t r = 1000u;
    if (v && *v) {
        char *end = NULL;
        unsigned long x = strtoul(v, &end, 10);
        if (end && *end == 0 && x <= 3600000ul)
            r = (uint32_t)x;
    }
    free(v);
    return r;
}

void api_creds_id(const nt_creds *c, uint8_t id[32])
{
    nt_wr w;
    nt_wr_init(&w, 0);
    /* Without explicit credentials the logon is the single sign-on
     * principal's (auth/negotiate.c): part of the id, so a new kinit as
     * someone else never reuses the previous user's connection. */
    char sso[256] = "";
    if (nt_creds_is_anonymous(c))
        auth_sso_principal(sso, sizeof(sso));
    const char *parts[4] = {c->user ? c->user : "", c->domain ? c->domain : "", c->password ? c->password : "",
                            sso};
    for (int i = 0; i < 4; i++)
        nt_wr_bytes(&w, parts[i], strlen(parts[i]) + 1);
    if (w.bad || !nt_hash(NT_HASH_SHA256, w.p, w.len, id))
        memset(id, 0xFF, 32); /* never equal to a real id: no reuse */
    nt_wr_free(&w);
}

/* ---- credentials, looked up once per NETAPI32_CRED_RECHECK_MS ----
 * A warm call needs only the identity of its credentials (to find its
 * connection), not the password: the last lookup's id per (server, port) is
 * remembered and reused for CRED_RECHECK_MS (default 1000 ms; 0 = look up
 * on every call).  Any call that has to connect looks up afresh (the secret
 * is needed then anyway), as does the first call after the interval, so a
 * credential written with `netsess /cred:add` or CredWrite is used from the
 * next connection and by every call at most a second later.  Only the
 * SHA-256 id is kept, never a password. */
typedef struct creds_memo {
    struct creds_memo *next;
    char *host;
    uint16_t port;
    uint8_t id[32];
    uint64_t when;  /* nt_now_ms of the lookup */
} creds_memo;

static creds_memo *g_credmemo; /* guarded by g_memo_lock */
static nt_mutex g_memo_lock = NT_MUTEX_INIT;

bool api_creds_recent(const char *host, uint16_t port, uint8_t id[32])
{
    uint32_t ttl = recheck_ms();
    uint64_t now = nt_now_ms();
    bool ok = false;
    nt_mutex_lock(&g_memo_lock);
    for (creds_memo *m = g_credmemo; m; m = m->next)
        if (m->port == port && strcmp(m->host, host) == 0) {
            ok = ttl && now >= m->when && now - m->when < ttl;
            if (ok)
                memcpy(id, m->id, 32);
            break;
        }
    nt_mutex_unlock(&g_memo_lock);
    return ok;
}

static void credmemo_set(const char *host, uint16_t port, const uint8_t id[32])
{
    nt_mutex_lock(&g_memo_lock);
    creds_memo *m = g_credmemo;
    while (m && !(m->port == port && strcmp(m->host, host) == 0))
        m = m->next;
    if (!m && (m = calloc(1, sizeof(*m))) != NULL) {
        size_t n = strlen(host);
        if ((m->host = malloc(n + 1)) == NULL) {
            free(m);
            m = NULL;
        } else {
            memcpy(m->host, host, n + 1);
            m->port = port;
            m->next = g_credmemo;
            g_credmemo = m;
        }
    }
    if (m) {
        memcpy(m->id, id, 32);
        m->when = nt_now_ms();
    }
    nt_mutex_unlock(&g_memo_lock);
}

uint32_t api_creds_fresh(const char *host, uint16_t port, nt_creds *cr, uint8_t id[32])
{
    const char *source = NULL;
    uint32_t st = api_lookup_creds(host, cr, &source);
    if (st != NT_OK)
        return st;
    nt_trace("credentials for %s from %s (user %s%s%s)", host, source, cr->domain ? cr->domain : "",
             cr->domain ? "\\" : "", cr->user ? cr->user : "(anonymous)");
    api_creds_id(cr, id);
    credmemo_set(host, port, id);
    return NT_OK;
}

void api_creds_memo_clear(void)
{
    nt_mutex_lock(&g_memo_lock);
    creds_memo *m = g_credmemo;
    g_credmemo = NULL;
    nt_mutex_unlock(&g_memo_lock);
    while (m) {
        creds_memo *n = m->next;
        nt_wipe(m->id, sizeof(m->id));
        free(m->host);
        free(m);
        m = n;
    }
}
