/*
 * The Kerberos auth_mech (auth.h): the second implementation of the
 * authentication interface, over the platform's provider (mech.h: SSPI in
 * the DLL, GSSAPI natively) and, where the provider cannot give the session
 * key (Wine 8's secur32, docs/sspi-wine.md), our own AP-REQ built from the
 * service ticket the provider put into the user's FILE: ticket cache
 * (krb5_ap.h).
 *
 * Tokens: the provider's raw Kerberos GSS token (RFC 4121), wrapped in a
 * SPNEGO NegTokenInit offering only Kerberos (what Windows servers expect;
 * Samba takes either).  NETAPI32_KRB5_RAW=1 sends the raw token instead.
 * The server's NegTokenResp must name Kerberos (the RFC 4121 OID or
 * Microsoft's 1.2.840.48018.1.2.2) and must not reject.  A mechListMIC from
 * the server is not needed: only one mechanism was offered, so there is no
 * negotiation to protect (RFC 4178 5).
 *
 * Provider path: mutual authentication is requested and the server's AP-REP
 * must complete the context before the session is accepted; the key is the
 * provider's.  Own AP-REQ path: no mutual authentication (the key is the
 * ticket's session key, what the server's GSSAPI reports); the server is
 * authenticated by SMB signing with that key (the signed final
 * SESSION_SETUP response on 3.1.1 and every later response), which only the
 * holder of the service key can produce.  NETAPI32_KRB5_OWN_APREQ=1 forces
 * this path (tests use it natively).
 */
#include <stdlib.h>
#include <string.h>

#include "krb5_ap.h"
#include "mech.h"
#include "spnego_internal.h"

/* MechTypeList: SEQUENCE { 1.2.840.113554.1.2.2 } */
static const uint8_t krb_mech_types[] = {0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48,
                                         0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t oid_krb5[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t oid_mskrb5[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02};

typedef struct krb_auth {
    auth_ctx base;
    mech_ctx *m;  /* the provider's context; NULL with our own AP-REQ */
    bool own;     /* own AP-REQ: key = the service ticket's session key */
    bool spnego;  /* tokens wrapped in SPNEGO */
    bool done;    /* the provider's context is complete */
    uint8_t key[MECH_KEY_MAX];
    size_t keylen;
} krb_auth;

static const auth_ops KRB_OPS;

static bool env_on(const char *name)
{
    char *v = nt_getenv(name);
    bool on = v && (!strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "on"));
    free(v);
    return on;
}

static uint64_t unix_us(void)
{
    return nt_filetime_now() / 10u - 11644473600000000ull;
}

/* The Wine 8 workaround: the AP-REQ from the ticket the provider fetched. */
static uint32_t own_ap_req(krb_auth *a, const char *spn, uint8_t **tok, size_t *toklen)
{
    char *ccname = krb5_default_ccname();
    uint8_t *img = NULL;
    size_t len = 0;
    krb5_svc_cred cred;
    memset(&cred, 0, sizeof(cred));
    uint32_t st = krb5_ccache_load(ccname, &img, &len);
    if (!st)
        st = krb5_ccache_find(img, len, spn, (uint32_t)(unix_us() / 1000000u), &cred);
    if (img) {
        nt_wipe(img, len);
        free(img);
    }
    if (!st && cred.keylen > sizeof(a->key))
        st = NT_ERROR_NOT_SUPPORTED;
    if (!st)
        st = krb5_gss_ap_req(&cred, unix_us(), tok, toklen);
    if (!st) {
        memcpy(a->key, cred.key, cred.keylen);
        a->keylen = cred.keylen;
        nt_trace("auth: kerberos: own AP-REQ for %s from %s (ticket enctype %u)", spn, ccname ? ccname : "?",
                 (unsigned)cred.enctype);
    } else {
        nt_trace("auth: kerberos: no service ticket for %s in the cache %s (status %u; only FILE: caches are "
                 "readable, explicit credentials leave none there)",
                 spn, ccname ? ccname : "(unknown)", (unsigned)st);
        st = st == NT_ERROR_NOT_ENOUGH_MEMORY ? st : NT_ERROR_NOT_SUPPORTED;
    }
    krb5_svc_cred_clear(&cred);
    free(ccname);
    return st;
}

static void free_tok(uint8_t *t, size_t n)
{
    if (t) {
        nt_wipe(t, n);
        free(t);
    }
}

static uint32_t krb_first_token(krb_auth *a, const nt_creds *creds, const char *spn, uint8_t **tok, size_t *toklen)
{
    uint8_t *raw = NULL;
    size_t rawlen = 0;
    uint32_t st = mech_start(creds, spn, MECH_KERBEROS, &a->m, &raw, &rawlen);
    if (st)
        return st;
    if (env_on("NETAPI32_KRB5_OWN_APREQ") || mech_key_unavailable(a->m)) {
        nt_trace("auth: kerberos: the provider gives no session key (Wine 8 secur32): our own AP-REQ");
        free_tok(raw, rawlen);
        mech_free(a->m);
        a->m = NULL;
        a->own = true;
        raw = NULL;
        if (!nt_creds_is_anonymous(creds)) {
            /* the provider's ticket for explicit credentials is not in the
             * user's FILE: cache, and one there may be another user's */
            nt_trace("auth: kerberos: explicit credentials and no session key from the provider: unavailable");
            return NT_ERROR_NOT_SUPPORTED;
        }
        if ((st = own_ap_req(a, spn, &raw, &rawlen)) != NT_OK)
            return st;
    }
    if (!a->spnego) {
        *tok = raw;
        *toklen = rawlen;
        return NT_OK;
    }
    st = spnego_build_init_mechs(krb_mech_types, sizeof(krb_mech_types), raw, rawlen, tok, toklen);
    free_tok(raw, rawlen);
    return st;
}

static uint32_t krb_start(const nt_creds *creds, const auth_target *t, auth_ctx **out, uint8_t **tok,
                          size_t *toklen)
{
    if (!t->spn || !*t->spn)
        return NT_ERROR_INVALID_PARAMETER;
    krb_auth *a = calloc(1, sizeof(*a));
    if (!a)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    a->base.ops = &KRB_OPS;
    a->spnego = !env_on("NETAPI32_KRB5_RAW");
    uint32_t st = krb_first_token(a, creds, t->spn, tok, toklen);
    if (st) {
        KRB_OPS.free(&a->base);
        return st;
    }
    nt_trace("auth: kerberos: first token %zu bytes (%s%s)", *toklen, a->spnego ? "SPNEGO" : "raw",
             a->own ? ", own AP-REQ" : "");
    *out = &a->base;
    return NT_OK;
}

/* The mechanism token inside a server token (SPNEGO NegTokenResp unless
 * raw); *final_ok false when SPNEGO says anything but accept-completed. */
static uint32_t unwrap(const krb_auth *a, const uint8_t *in, size_t inlen, const uint8_t **mt, size_t *mtlen,
                       bool *completed)
{
    *completed = true;
    if (!a->spnego) {
        *mt = in;
        *mtlen = inlen;
        return NT_OK;
    }
    spnego_resp r;
    uint32_t st = spnego_parse_resp_mech(in, inlen, oid_krb5, sizeof(oid_krb5), oid_mskrb5, sizeof(oid_mskrb5), &r);
    if (st)
        return st;
    if (r.neg_state == SPNEGO_REJECT) {
        nt_trace("auth: kerberos: the server rejected the SPNEGO negotiation");
        return NT_ERROR_LOGON_FAILURE;
    }
    *completed = r.neg_state == SPNEGO_ACCEPT_COMPLETED || r.neg_state == -1;
    *mt = r.token;
    *mtlen = r.token ? r.token_len : 0;
    return NT_OK;
}

static uint32_t krb_step(auth_ctx *base, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen)
{
    krb_auth *a = (krb_auth *)base;
    const uint8_t *mt = NULL;
    size_t mtlen = 0;
    bool completed;
    uint32_t st = unwrap(a, in, inlen, &mt, &mtlen, &completed);
    if (st)
        return st;
    if (a->own || a->done || !mt) /* one round only: nothing more to say */
        return NT_ERROR_UNEXP_NET_ERR;
    uint8_t *raw = NULL;
    size_t rawlen = 0;
    st = mech_step(a->m, mt, mtlen, &raw, &rawlen, &a->done);
    if (st)
        return st;
    if (!a->spnego || !raw) {
        *tok = raw;
        *toklen = rawlen;
        return NT_OK;
    }
    st = spnego_build_resp(raw, rawlen, NULL, 0, tok, toklen);
    free_tok(raw, rawlen);
    return st;
}

static uint32_t krb_finish(auth_ctx *base, const uint8_t *in, size_t inlen)
{
    krb_auth *a = (krb_auth *)base;
    const uint8_t *mt = NULL;
    size_t mtlen = 0;
    bool completed = true;
    if (in && inlen) {
        uint32_t st = unwrap(a, in, inlen, &mt, &mtlen, &completed);
        if (st)
            return st;
    }
    if (!completed)
        return NT_ERROR_UNEXP_NET_ERR; /* "success" at SMB level, not at SPNEGO's */
    if (a->own)
        return NT_OK; /* the signed SMB responses authenticate the server */
    if (!a->done) {
        if (!mt) {
            nt_trace("auth: kerberos: no AP-REP from the server: mutual authentication missing");
            return NT_ERROR_LOGON_FAILURE;
        }
        uint8_t *raw = NULL;
        size_t rawlen = 0;
        uint32_t st = mech_step(a->m, mt, mtlen, &raw, &rawlen, &a->done);
        free_tok(raw, rawlen);
        if (st)
            return st;
        if (!a->done || rawlen)
            return NT_ERROR_LOGON_FAILURE;
    }
    size_t n = sizeof(a->key);
    if (!mech_session_key(a->m, a->key, &n)) {
        nt_trace("auth: kerberos: the provider returned no session key");
        return NT_ERROR_LOGON_FAILURE;
    }
    a->keylen = n;
    nt_trace("auth: kerberos: context complete (mutual authentication), mechanism %s", mech_chosen(a->m));
    return NT_OK;
}

/* The key is only known after finish on the provider path, but SMB derives
 * its keys before calling finish (to verify the signed final response):
 * then it is fetched here, from the complete context, first. */
static bool krb_session_key(const auth_ctx *base, uint8_t *key, size_t cap, size_t *len)
{
    krb_auth *a = (krb_auth *)base;
    if (!a->keylen && a->m) {
        size_t n = sizeof(a->key);
        if (mech_session_key(a->m, a->key, &n))
            a->keylen = n;
    }
    if (!a->keylen)
        return false;
    size_t n = a->keylen < cap ? a->keylen : cap;
    memcpy(key, a->key, n);
    *len = a->keylen;
    return true;
}

static bool krb_is_anonymous(const auth_ctx *base)
{
    (void)base;
    return false; /* a Kerberos logon always names a user: signing is required */
}

static void krb_free(auth_ctx *base)
{
    krb_auth *a = (krb_auth *)base;
    if (!a)
        return;
    mech_free(a->m);
    nt_wipe(a, sizeof(*a));
    free(a);
}

static const auth_ops KRB_OPS = {"kerberos", krb_step, krb_finish, krb_session_key, krb_is_anonymous, krb_free};

const auth_mech AUTH_MECH_KERBEROS = {"kerberos", krb_start};
