/*
 * mech.h in the DLL: Windows SSPI (secur32.dll, a Windows system DLL).
 *
 * AcquireCredentialsHandleW("Negotiate" or "Kerberos", outbound) for the
 * current user (NULL auth data: on Windows the logon session, under Wine the
 * Unix user's Kerberos ticket cache) or a SEC_WINNT_AUTH_IDENTITY_W built
 * from explicit credentials; InitializeSecurityContextW with the SPN and the
 * flags an SMB client asks for; QueryContextAttributesW(SESSION_KEY).
 *
 * Measured on Wine 8.0 (docs/sspi-wine.md, winetests/sspi/probe.c):
 *  - ISC_REQ_ALLOCATE_MEMORY makes the Kerberos package fail with
 *    SEC_E_INCOMPLETE_MESSAGE, so the output buffer is ours (cbMaxToken of
 *    the package), which works on Windows too;
 *  - "Negotiate" returns the Kerberos GSS token itself, not SPNEGO-wrapped
 *    (Windows wraps it); both are valid SMB2 security buffers;
 *  - SECPKG_ATTR_SESSION_KEY is a stub (SEC_E_UNSUPPORTED_FUNCTION):
 *    mech_session_key() then returns false and says so in the trace.
 */
#ifndef SECURITY_WIN32
#define SECURITY_WIN32
#endif
#include <windows.h>
#include <sspi.h>
#include <stdlib.h>
#include <string.h>

#include "mech.h"

#define SSPI_REQ_FLAGS (ISC_REQ_MUTUAL_AUTH | ISC_REQ_INTEGRITY | ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT)

struct mech_ctx {
    CredHandle cred;
    CtxtHandle ctx;
    bool have_cred, have_ctx, done;
    wchar_t *spn;
    unsigned long max_token;
    char chosen[16];
};

static void trace_sec(const char *what, SECURITY_STATUS s)
{
    nt_trace("auth: sspi %s: 0x%08lx", what, (unsigned long)s);
}

static uint32_t map_sec(SECURITY_STATUS s)
{
    switch ((unsigned long)s) {
    case (unsigned long)SEC_E_NO_CREDENTIALS:
    case (unsigned long)SEC_E_CONTEXT_EXPIRED:
        return MECH_ERROR_NO_CREDENTIALS;
    case (unsigned long)SEC_E_SECPKG_NOT_FOUND:
    case (unsigned long)SEC_E_UNSUPPORTED_FUNCTION:
        return NT_ERROR_NOT_SUPPORTED;
    case (unsigned long)SEC_E_INVALID_TOKEN:
    case (unsigned long)SEC_E_INCOMPLETE_MESSAGE:
    case (unsigned long)SEC_E_MESSAGE_ALTERED:
        return NT_ERROR_UNEXP_NET_ERR;
    case (unsigned long)SEC_E_INSUFFICIENT_MEMORY:
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    default: /* LOGON_DENIED, TARGET_UNKNOWN, WRONG_PRINCIPAL, TIME_SKEW, INTERNAL_ERROR... */
        return NT_ERROR_LOGON_FAILURE;
    }
}

static wchar_t *to_wide(const char *s)
{
    return s ? (wchar_t *)nt_utf8_to_utf16(s, NULL) : NULL;
}

static void free_wide_secret(wchar_t *w)
{
    if (w) {
        nt_wipe(w, wcslen(w) * sizeof(wchar_t));
        free(w);
    }
}

static uint32_t acquire(mech_ctx *c, const nt_creds *creds, const wchar_t *pkg)
{
    SEC_WINNT_AUTH_IDENTITY_W id;
    memset(&id, 0, sizeof(id));
    void *auth = NULL;
    if (creds && !nt_creds_is_anonymous(creds)) {
        id.User = (unsigned short *)to_wide(creds->user);
        id.Domain = (unsigned short *)to_wide(creds->domain ? creds->domain : "");
        id.Password = (unsigned short *)to_wide(creds->password ? creds->password : "");
        if (!id.User || !id.Domain || !id.Password) {
            free(id.User);
            free(id.Domain);
            free_wide_secret((wchar_t *)id.Password);
            return NT_ERROR_NOT_ENOUGH_MEMORY;
        }
        id.UserLength = (unsigned long)wcslen((wchar_t *)id.User);
        id.DomainLength = (unsigned long)wcslen((wchar_t *)id.Domain);
        id.PasswordLength = (unsigned long)wcslen((wchar_t *)id.Password);
        id.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
        auth = &id;
        nt_trace("auth: sspi: explicit credentials for %s%s%s", creds->domain ? creds->domain : "",
                 creds->domain ? "\\" : "", creds->user);
    } else {
        nt_trace("auth: sspi: credentials of the current user");
    }
    TimeStamp exp;
    SECURITY_STATUS s = AcquireCredentialsHandleW(NULL, (wchar_t *)pkg, SECPKG_CRED_OUTBOUND, NULL, auth, NULL,
                                                  NULL, &c->cred, &exp);
    free(id.User);
    free(id.Domain);
    free_wide_secret((wchar_t *)id.Password);
    if (s != SEC_E_OK) {
        trace_sec("AcquireCredentialsHandleW", s);
        return map_sec(s);
    }
    c->have_cred = true;
    return NT_OK;
}

/* The mechanism inside a first token: what Wine's Negotiate picked, where
 * QueryContextAttributesW cannot tell. */
static void chosen_from_token(mech_ctx *c, const uint8_t *t, size_t n)
{
    static const uint8_t krb5[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
    if (c->chosen[0] || n < 16)
        return;
    if (!memcmp(t, "NTLMSSP", 7)) {
        strcpy(c->chosen, "NTLM");
        return;
    }
    size_t off = (t[1] & 0x80) ? 2 + (t[1] & 0x7fu) : 2;
    if (t[0] == 0x60 && off + sizeof(krb5) <= n && !memcmp(t + off, krb5, sizeof(krb5)))
        strcpy(c->chosen, "Kerberos");
}

uint32_t mech_be_round(mech_ctx *c, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen, bool *done)
{
    *done = false;
    uint8_t *buf = malloc(c->max_token);
    if (!buf)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    SecBuffer ib = {(unsigned long)inlen, SECBUFFER_TOKEN, (void *)in};
    SecBufferDesc idesc = {SECBUFFER_VERSION, 1, &ib};
    SecBuffer ob = {c->max_token, SECBUFFER_TOKEN, buf};
    SecBufferDesc odesc = {SECBUFFER_VERSION, 1, &ob};
    unsigned long attrs = 0;
    TimeStamp exp;
    SECURITY_STATUS s = InitializeSecurityContextW(&c->cred, c->have_ctx ? &c->ctx : NULL, c->spn, SSPI_REQ_FLAGS,
                                                   0, SECURITY_NATIVE_DREP, in ? &idesc : NULL, 0, &c->ctx,
                                                   &odesc, &attrs, &exp);
    if (s == SEC_I_COMPLETE_NEEDED || s == SEC_I_COMPLETE_AND_CONTINUE) {
        c->have_ctx = true;
        SECURITY_STATUS cs = CompleteAuthToken(&c->ctx, &odesc);
        if (cs != SEC_E_OK)
            s = cs;
        else
            s = s == SEC_I_COMPLETE_NEEDED ? SEC_E_OK : SEC_I_CONTINUE_NEEDED;
    }
    if (s != SEC_E_OK && s != SEC_I_CONTINUE_NEEDED) {
        trace_sec("InitializeSecurityContextW", s);
        nt_wipe(buf, c->max_token);
        free(buf);
        return map_sec(s);
    }
    c->have_ctx = true;
    if (ob.cbBuffer > c->max_token || ob.cbBuffer > MECH_TOKEN_MAX) {
        free(buf);
        return NT_ERROR_UNEXP_NET_ERR;
    }
    chosen_from_token(c, buf, ob.cbBuffer);
    if (ob.cbBuffer) {
        *tok = buf;
        *toklen = ob.cbBuffer;
    } else {
        free(buf);
    }
    c->done = *done = s == SEC_E_OK;
    if (c->done) {
        if (!(attrs & ISC_RET_MUTUAL_AUTH) || !(attrs & ISC_RET_INTEGRITY)) {
            nt_trace("auth: sspi: context complete without mutual auth/integrity (attrs 0x%lx)", attrs);
            return NT_ERROR_LOGON_FAILURE;
        }
        nt_trace("auth: sspi: context complete, mechanism %s", c->chosen[0] ? c->chosen : "?");
    }
    return NT_OK;
}

static void query_package(mech_ctx *c, const wchar_t *pkg)
{
    PSecPkgInfoW pi = NULL;
    c->max_token = 12000; /* Windows' and Wine's Kerberos/Negotiate cbMaxToken */
    if (QuerySecurityPackageInfoW((wchar_t *)pkg, &pi) == SEC_E_OK && pi) {
        if (pi->cbMaxToken >= 1024 && pi->cbMaxToken <= MECH_TOKEN_MAX)
            c->max_token = pi->cbMaxToken;
        FreeContextBuffer(pi);
    }
}

uint32_t mech_be_open(const nt_creds *creds, const char *spn, enum mech_kind kind, mech_ctx **out)
{
    mech_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    *out = c;
    const wchar_t *pkg = kind == MECH_KERBEROS ? L"Kerberos" : L"Negotiate";
    if (kind == MECH_KERBEROS)
        strcpy(c->chosen, "Kerberos");
    nt_trace("auth: sspi: %s for %s", kind == MECH_KERBEROS ? "Kerberos" : "Negotiate", spn);
    query_package(c, pkg);
    c->spn = to_wide(spn);
    return c->spn ? acquire(c, creds, pkg) : NT_ERROR_NOT_ENOUGH_MEMORY;
}

bool mech_be_done(const mech_ctx *c) { return c->done; }

bool mech_be_session_key(const mech_ctx *c, uint8_t *key, size_t *len)
{
    SecPkgContext_SessionKey sk;
    memset(&sk, 0, sizeof(sk));
    SECURITY_STATUS s = QueryContextAttributesW((PCtxtHandle)&c->ctx, SECPKG_ATTR_SESSION_KEY, &sk);
    if (s != SEC_E_OK) {
        /* Wine 8: a stub (docs/sspi-wine.md) */
        trace_sec("QueryContextAttributesW(SESSION_KEY)", s);
        return false;
    }
    bool ok = sk.SessionKey && sk.SessionKeyLength > 0 && sk.SessionKeyLength <= *len;
    if (ok) {
        memcpy(key, sk.SessionKey, sk.SessionKeyLength);
        *len = sk.SessionKeyLength;
    }
    if (sk.SessionKey) {
        nt_wipe(sk.SessionKey, sk.SessionKeyLength);
        FreeContextBuffer(sk.SessionKey);
    }
    return ok;
}

const char *mech_chosen(const mech_ctx *c) { return c ? c->chosen : ""; }

bool mech_key_unavailable(const mech_ctx *c)
{
    if (!c || !c->have_ctx)
        return false;
    SecPkgContext_SessionKey sk;
    memset(&sk, 0, sizeof(sk));
    SECURITY_STATUS s = QueryContextAttributesW((PCtxtHandle)&c->ctx, SECPKG_ATTR_SESSION_KEY, &sk);
    if (s == SEC_E_OK && sk.SessionKey) {
        nt_wipe(sk.SessionKey, sk.SessionKeyLength);
        FreeContextBuffer(sk.SessionKey);
    }
    return s == SEC_E_UNSUPPORTED_FUNCTION;
}

void mech_free(mech_ctx *c)
{
    if (!c)
        return;
    if (c->have_ctx)
        DeleteSecurityContext(&c->ctx);
    if (c->have_cred)
        FreeCredentialsHandle(&c->cred);
    free(c->spn);
    nt_wipe(c, sizeof(*c));
    free(c);
}
