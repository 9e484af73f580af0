/*
 * mech.h natively: GSSAPI (MIT libgssapi_krb5).  The ticket cache is the
 * one GSSAPI finds itself (KRB5CCNAME), the configuration KRB5_CONFIG.
 *
 * Negotiate = the SPNEGO mechanism (1.3.6.1.5.5.2) restricted to Kerberos;
 * Kerberos = the krb5 mechanism (1.2.840.113554.1.2.2).  The target is
 * imported as a Kerberos principal name ("cifs/host[@REALM]"; without a
 * realm the default realm), so no DNS canonicalisation happens whatever
 * krb5.conf says.  The session key comes from gss_inquire_sec_context_by_oid
 * (GSS_C_INQ_SSPI_SESSION_KEY): the key SSPI would return, which is what SMB
 * signs with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h> /* error codes only */

#include "mech.h"

static gss_OID_desc oid_spnego = {6, (void *)"\x2b\x06\x01\x05\x05\x02"};
static gss_OID_desc oid_krb5 = {9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"};
static gss_OID_desc oid_ntlm = {10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a"};

struct mech_ctx {
    gss_ctx_id_t ctx;
    gss_cred_id_t cred;
    gss_name_t target;
    gss_OID mech;
    bool done;
    char chosen[16];
};

#define MECH_REQ_FLAGS (GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG)

/* Both status texts of a GSS failure into the trace (no secrets in them). */
static void trace_status(const char *what, OM_uint32 major, OM_uint32 minor)
{
    if (!nt_trace_enabled())
        return;
    char text[512];
    size_t n = 0;
    text[0] = 0;
    for (int pass = 0; pass < 2; pass++) {
        OM_uint32 ctx = 0, min2;
        do {
            gss_buffer_desc b = GSS_C_EMPTY_BUFFER;
            if (gss_display_status(&min2, pass ? minor : major, pass ? GSS_C_MECH_CODE : GSS_C_GSS_CODE,
                                   GSS_C_NO_OID, &ctx, &b) != GSS_S_COMPLETE)
                break;
            if (n < sizeof(text) - 4)
                n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%.*s", n ? "; " : "", (int)b.length,
                                      (const char *)b.value);
            gss_release_buffer(&min2, &b);
        } while (ctx);
        if (pass == 0 && minor == 0)
            break;
    }
    nt_trace("auth: gss %s: major 0x%x minor %u: %s", what, (unsigned)major, (unsigned)minor, text);
}

static uint32_t map_status(OM_uint32 major, OM_uint32 minor)
{
    /* the Kerberos reasons that mean "your ticket is gone" */
    if (minor == (OM_uint32)KRB5KRB_AP_ERR_TKT_EXPIRED || minor == (OM_uint32)KRB5_FCC_NOFILE ||
        minor == (OM_uint32)KRB5_CC_NOTFOUND)
        return MECH_ERROR_NO_CREDENTIALS;
    switch (GSS_ROUTINE_ERROR(major)) {
    case GSS_S_NO_CRED:
    case GSS_S_CREDENTIALS_EXPIRED:
        return MECH_ERROR_NO_CREDENTIALS;
    case GSS_S_DEFECTIVE_TOKEN:
    case GSS_S_BAD_SIG:
    case GSS_S_DUPLICATE_TOKEN:
    case GSS_S_OLD_TOKEN:
        return NT_ERROR_UNEXP_NET_ERR;
    case GSS_S_BAD_MECH:
    case GSS_S_UNAVAILABLE:
        return NT_ERROR_NOT_SUPPORTED;
    default:
        return NT_ERROR_LOGON_FAILURE;
    }
}

/* "user", or "user@REALM" when the domain looks like a DNS name. */
static char *principal_of(const nt_creds *creds)
{
    const char *d = creds->domain;
    bool dns = d && strchr(d, '.') && !strchr(creds->user, '@');
    size_t n = strlen(creds->user) + (dns ? strlen(d) + 2 : 1);
    char *p = malloc(n);
    if (!p)
        return NULL;
    if (dns) {
        snprintf(p, n, "%s@%s", creds->user, d);
        for (char *q = strchr(p, '@') + 1; *q; q++)
            *q = (char)toupper((unsigned char)*q);
    } else {
        snprintf(p, n, "%s", creds->user);
    }
    return p;
}

static uint32_t acquire(mech_ctx *c, const nt_creds *creds)
{
    OM_uint32 major, minor;
    gss_OID_set_desc mechs = {1, c->mech};
    if (!creds || nt_creds_is_anonymous(creds)) {
        /* the current user's ticket cache; failing here = no usable ticket */
        major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &c->cred, NULL,
                                 NULL);
        if (GSS_ERROR(major)) {
            trace_status("acquire_cred (ticket cache)", major, minor);
            return MECH_ERROR_NO_CREDENTIALS;
        }
        /* an expired TGT is still "acquired"; its lifetime says it is gone
         * (the mechglue maps minor codes, so init_sec_context's "Ticket
         * expired" cannot be told from other failures) */
        OM_uint32 life = 0;
        major = gss_inquire_cred(&minor, c->cred, NULL, &life, NULL, NULL);
        if (GSS_ERROR(major) || life == 0) {
            nt_trace("auth: gss: the ticket cache holds no valid ticket (expired)");
            return MECH_ERROR_NO_CREDENTIALS;
        }
        nt_trace("auth: gss: credentials from the ticket cache, valid %u s", (unsigned)life);
        return NT_OK;
    }
    char *princ = principal_of(creds);
    if (!princ)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    gss_buffer_desc nb = {strlen(princ), princ};
    gss_name_t name = GSS_C_NO_NAME;
    major = gss_import_name(&minor, &nb, GSS_KRB5_NT_PRINCIPAL_NAME, &name);
    nt_trace("auth: gss: explicit credentials for %s", princ);
    free(princ);
    if (GSS_ERROR(major)) {
        trace_status("import_name (user)", major, minor);
        return NT_ERROR_LOGON_FAILURE;
    }
    const char *pw = creds->password ? creds->password : "";
    gss_buffer_desc pb = {strlen(pw), (void *)pw};
    major = gss_acquire_cred_with_password(&minor, name, &pb, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &c->cred,
                                           NULL, NULL);
    gss_release_name(&minor, &name);
    if (GSS_ERROR(major)) {
        trace_status("acquire_cred_with_password", major, minor);
        return NT_ERROR_LOGON_FAILURE;
    }
    return NT_OK;
}

/* SPNEGO offers only Kerberos (NTLM is our own implementation's job). */
static void restrict_spnego(mech_ctx *c)
{
    if (c->mech != &oid_spnego)
        return;
    OM_uint32 minor;
    gss_OID_set_desc only = {1, &oid_krb5};
    if (GSS_ERROR(gss_set_neg_mechs(&minor, c->cred, &only)))
        nt_trace("auth: gss: could not restrict SPNEGO to Kerberos");
}

uint32_t mech_be_round(mech_ctx *c, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen, bool *done)
{
    *done = false;
    OM_uint32 major, minor, ret_flags = 0;
    gss_buffer_desc ib = {inlen, (void *)in}, ob = GSS_C_EMPTY_BUFFER;
    gss_OID actual = GSS_C_NO_OID;
    major = gss_init_sec_context(&minor, c->cred, &c->ctx, c->target, c->mech, MECH_REQ_FLAGS, 0,
                                 GSS_C_NO_CHANNEL_BINDINGS, in ? &ib : GSS_C_NO_BUFFER, &actual, &ob, &ret_flags,
                                 NULL);
    if (GSS_ERROR(major)) {
        trace_status("init_sec_context", major, minor);
        gss_release_buffer(&minor, &ob);
        return map_status(major, minor);
    }
    uint32_t st = NT_OK;
    if (ob.length > MECH_TOKEN_MAX) {
        st = NT_ERROR_UNEXP_NET_ERR;
    } else if (ob.length) {
        *tok = malloc(ob.length);
        if (!*tok)
            st = NT_ERROR_NOT_ENOUGH_MEMORY;
        else
            memcpy(*tok, ob.value, ob.length), *toklen = ob.length;
    }
    gss_release_buffer(&minor, &ob);
    if (st)
        return st;
    c->done = *done = major == GSS_S_COMPLETE;
    if (c->done) {
        /* what an SMB session needs: mutual authentication and integrity */
        if (!(ret_flags & GSS_C_MUTUAL_FLAG) || !(ret_flags & GSS_C_INTEG_FLAG)) {
            nt_trace("auth: gss: context complete without mutual auth/integrity (flags 0x%x)", (unsigned)ret_flags);
            return NT_ERROR_LOGON_FAILURE;
        }
        gss_OID m = GSS_C_NO_OID;
        if (gss_inquire_context(&minor, c->ctx, NULL, NULL, NULL, &m, NULL, NULL, NULL) == GSS_S_COMPLETE && m) {
            if (m->length == oid_krb5.length && !memcmp(m->elements, oid_krb5.elements, m->length))
                snprintf(c->chosen, sizeof(c->chosen), "Kerberos");
            else if (m->length == oid_ntlm.length && !memcmp(m->elements, oid_ntlm.elements, m->length))
                snprintf(c->chosen, sizeof(c->chosen), "NTLM");
        }
        nt_trace("auth: gss: context complete, mechanism %s", c->chosen[0] ? c->chosen : "?");
    }
    return NT_OK;
}

uint32_t mech_be_open(const nt_creds *creds, const char *spn, enum mech_kind kind, mech_ctx **out)
{
    mech_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    c->ctx = GSS_C_NO_CONTEXT;
    c->cred = GSS_C_NO_CREDENTIAL;
    c->target = GSS_C_NO_NAME;
    c->mech = kind == MECH_KERBEROS ? &oid_krb5 : &oid_spnego;
    *out = c;
    nt_trace("auth: gss: %s for %s", kind == MECH_KERBEROS ? "Kerberos" : "SPNEGO", spn);
    uint32_t st = acquire(c, creds);
    if (st)
        return st;
    restrict_spnego(c);
    OM_uint32 minor;
    gss_buffer_desc nb = {strlen(spn), (void *)spn};
    OM_uint32 major = gss_import_name(&minor, &nb, GSS_KRB5_NT_PRINCIPAL_NAME, &c->target);
    if (GSS_ERROR(major)) {
        trace_status("import_name (target)", major, minor);
        return NT_ERROR_INVALID_PARAMETER;
    }
    return NT_OK;
}

bool mech_be_done(const mech_ctx *c) { return c->done; }

bool mech_be_session_key(const mech_ctx *c, uint8_t *key, size_t *len)
{
    OM_uint32 minor;
    gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
    OM_uint32 major = gss_inquire_sec_context_by_oid(&minor, c->ctx, GSS_C_INQ_SSPI_SESSION_KEY, &set);
    bool ok = !GSS_ERROR(major) && set && set->count >= 1 && set->elements[0].length > 0 &&
              set->elements[0].length <= *len;
    if (ok) {
        memcpy(key, set->elements[0].value, set->elements[0].length);
        *len = set->elements[0].length;
    } else {
        trace_status("inquire_sec_context_by_oid (session key)", major, minor);
    }
    if (set) {
        for (size_t i = 0; i < set->count; i++)
            nt_wipe(set->elements[i].value, set->elements[i].length);
        gss_release_buffer_set(&minor, &set);
    }
    return ok;
}

const char *mech_chosen(const mech_ctx *c) { return c ? c->chosen : ""; }

bool mech_key_unavailable(const mech_ctx *c)
{
    (void)c;
    return false; /* gss_inquire_sec_context_by_oid(GSS_C_INQ_SSPI_SESSION_KEY) */
}

void mech_free(mech_ctx *c)
{
    if (!c)
        return;
    OM_uint32 minor;
    if (c->ctx != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&minor, &c->ctx, GSS_C_NO_BUFFER);
    if (c->cred != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&minor, &c->cred);
    if (c->target != GSS_C_NO_NAME)
        gss_release_name(&minor, &c->target);
    nt_wipe(c, sizeof(*c));
    free(c);
}
