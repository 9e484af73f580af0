/* The SMB2 connection's life: connect (TCP, NEGOTIATE, SESSION_SETUP,
 * TREE_CONNECT IPC$, validate negotiate), the best-effort one-way calls on
 * the way out, disconnect/abort and the accessors.  The per-message
 * machinery is in smb2_conn.c. */
#include "smb2_conn.h"

#include "../crypto/crypto.h"

#include <stdlib.h>
#include <string.h>

void smb2_simple_req(nt_wr *w, uint16_t cmd, const uint8_t *fid)
{
    smb2_req_init(w, 24);
    if (cmd == SMB2_CLOSE) {
        nt_wr_u16(w, 24);
        nt_wr_u16(w, 0);
        nt_wr_u32(w, 0);
        nt_wr_bytes(w, fid, 16);
    } else {
        nt_wr_u16(w, 4);
        nt_wr_u16(w, 0);
    }
}

void smb2_simple_call(smb2_conn *c, uint16_t cmd, const uint8_t *fid, uint64_t call_deadline)
{
    if (smb2_dead(c))
        return;
    nt_wr w;
    smb2_simple_req(&w, cmd, fid);
    smb2_hdr rh;
    uint8_t *m = NULL;
    size_t mlen = 0;
    if (smb2_call_at(c, cmd, &w, 1, NULL, call_deadline, &rh, &m, &mlen) == NT_OK)
        free(m);
    nt_wr_free(&w);
}

/* With compounding the TREE_CONNECT IPC$ waits for the first pipe's CREATE
 * (smb2_compound.c); not on 3.0/3.0.2, whose downgrade check needs the tree
 * before anything else is trusted. */
static uint32_t defer_tree(smb2_conn *c, const smb2_opts *o, bool validate)
{
    c->compound = o->compound;
    if (!o->compound || validate)
        return NT_OK;
    const char *srv = o->unc_server && o->unc_server[0] ? o->unc_server : o->host;
    if (!(c->tree_server = malloc(strlen(srv) + 1)))
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    strcpy(c->tree_server, srv);
    c->tree_pending = true;
    return NT_OK;
}

uint32_t smb2_connect(const smb2_opts *o, const nt_creds *creds, smb2_conn **out)
{
    *out = NULL;
    if (!o || !o->host || !o->host[0] || !creds)
        return NT_ERROR_INVALID_PARAMETER;
    smb2_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    static const nt_mutex mu0 = NT_MUTEX_INIT;
    static const nt_cond cv0 = NT_COND_INIT;
    static const nt_tlock tl0 = NT_TLOCK_INIT;
    memcpy(&c->mu, &mu0, sizeof(mu0));
    memcpy(&c->cv, &cv0, sizeof(cv0));
    memcpy(&c->send_lock, &tl0, sizeof(tl0));
    c->timeout_ms = o->timeout_ms ? o->timeout_ms : NET_DEFAULT_REQUEST_TIMEOUT_MS;
    c->call_deadline = o->deadline_ms;
    smb2_credits_init(&c->cr);
    if (!nt_random(c->nonce_salt, sizeof(c->nonce_salt))) {
        free(c);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    uint64_t t0 = nt_now_ms();
    uint32_t cto = o->connect_timeout_ms ? o->connect_timeout_ms : NET_DEFAULT_CONNECT_TIMEOUT_MS;
    uint32_t left = 0;
    uint32_t st = NT_ERROR_SEM_TIMEOUT;
    uint64_t now = nt_now_ms();
    if (c->call_deadline > now)
        left = c->call_deadline - now > 0xFFFFFFF0u ? 0xFFFFFFF0u : (uint32_t)(c->call_deadline - now);
    if (!c->call_deadline || c->call_deadline > now)
        st = net_connect(o->host, o->port ? o->port : NET_DEFAULT_SMB_PORT,
                         c->call_deadline && left < cto ? left : cto, &c->net);
    nt_trace("smb2: TCP connect %s:%u -> %u (%u ms)", o->host, (unsigned)(o->port ? o->port : NET_DEFAULT_SMB_PORT),
             (unsigned)st, (unsigned)(nt_now_ms() - t0));
    if (st) {
        free(c);
        return st;
    }
    st = smb2_negotiate(c, o);
    if (!st)
        st = smb2_session_setup(c, o->mech, o->unc_server && o->unc_server[0] ? o->unc_server : o->host, creds);
    bool validate = c->have_keys && (c->dialect == SMB2_DIALECT_300 || c->dialect == SMB2_DIALECT_302);
    if (!st)
        st = defer_tree(c, o, validate);
    if (!st && !c->tree_pending)
        st = smb2_tree_connect(c, o->unc_server && o->unc_server[0] ? o->unc_server : o->host);
    if (!st && validate)
        st = smb2_validate_negotiate(c);
    if (st) {
        if (c->dead || st == NT_ERROR_INVALID_PARAMETER)
            smb2_abort(c);
        else
            smb2_disconnect(c);
        return st;
    }
    c->call_deadline = 0; /* the connect's; each pipe's call has its own from now on */
    *out = c;
    return NT_OK;
}


void smb2_abort(smb2_conn *c)
{
    if (!c)
        return;
    net_close(c->net);
    for (unsigned i = 0; i < c->nstash; i++)
        free(c->stash[i].m);
    smb2_inq_free(c);
    free(c->tree_server);
    nt_aes_key_free(c->ksign);
    nt_aes_key_free(c->kenc);
    nt_aes_key_free(c->kdec);
    nt_wipe(c, sizeof(*c));
    free(c);
}

void smb2_disconnect(smb2_conn *c)
{
    if (!c)
        return;
    if (c->tree_id)
        smb2_simple_call(c, SMB2_TREE_DISCONNECT, NULL, 0);
    if (c->session_id)
        smb2_simple_call(c, SMB2_LOGOFF, NULL, 0);
    smb2_abort(c);
}

void smb2_set_deadline(smb2_conn *c, uint64_t deadline_ms)
{
    if (c)
        c->call_deadline = deadline_ms;
}

/* Dead when poisoned; the peek at the socket (a peer that closed) only
 * while nothing is in flight and no late answer is due, so that it neither
 * races a receiver nor takes an answer still to come for garbage. */
bool smb2_is_dead(smb2_conn *c)
{
    if (!c)
        return true;
    nt_mutex_lock(&c->mu);
    bool d = c->dead || (c->nout == 0 && c->late == 0 && !c->reading && net_is_dead(c->net));
    nt_mutex_unlock(&c->mu);
    return d;
}

/* The counters are written under mu by whichever caller sends. */
static uint32_t counter(const smb2_conn *c, const uint32_t *field)
{
    if (!c)
        return 0;
    nt_mutex *mu = (nt_mutex *)&c->mu;
    nt_mutex_lock(mu);
    uint32_t v = *field;
    nt_mutex_unlock(mu);
    return v;
}

uint16_t smb2_dialect(const smb2_conn *c) { return c ? c->dialect : 0; }
bool smb2_is_signing(const smb2_conn *c) { return c && c->signing; }
bool smb2_is_encrypting(const smb2_conn *c) { return c && c->encrypting; }
uint32_t smb2_round_trips(const smb2_conn *c) { return c ? counter(c, &c->round_trips) : 0; }
uint32_t smb2_requests(const smb2_conn *c) { return c ? counter(c, &c->requests) : 0; }
uint32_t smb2_last_status(const smb2_conn *c) { return c ? counter(c, &c->last_status) : 0; }
