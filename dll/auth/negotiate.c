/*
 * The mechanism the DLL and the native library use by default
 * (AUTH_MECH_NEGOTIATE): which of Kerberos (kerberos.c) and NTLMv2
 * (spnego.c) authenticates a logon, decided before the first token leaves:
 *
 *  explicit credentials (Credential Manager, environment, auth file):
 *    Kerberos with them when the domain is a DNS realm (contains a dot, or
 *    the user is written user@realm.example); when Kerberos cannot even
 *    produce a first token (no KDC, unknown SPN, bad password at the KDC,
 *    Wine 8's secur32 which leaves no service ticket in a FILE: cache for
 *    explicit credentials) our own NTLMv2 with the same credentials;
 *  no explicit credentials: the current user's single sign-on (the Kerberos
 *    ticket cache: KRB5CCNAME or MIT's default FILE:/tmp/krb5cc_<uid>):
 *      - no KRB5CCNAME and no default cache (Kerberos not in use here)
 *                                      -> anonymous (NTLMSSP null session);
 *      - KRB5CCNAME names a cache that does not exist
 *                                      -> NT_ERROR_LOGON_FAILURE (1326);
 *      - a cache without a usable ticket (expired, or the KDC refused the
 *        SPN)                          -> NT_ERROR_LOGON_FAILURE (1326): the
 *        user meant to sign on; an anonymous session would only hide that.
 *
 * NTLM never follows a Kerberos token the server has seen: the choice is
 * made here, in start, so a server that rejects the Kerberos logon gets no
 * second (weaker) attempt; its answer is the result.
 * NETAPI32_KERBEROS=0 turns Kerberos off (NTLMv2/anonymous only).
 */
#include <stdlib.h>
#include <string.h>

#include "krb5_ap.h"
#include "mech.h"

static bool kerberos_off(void)
{
    char *v = nt_getenv("NETAPI32_KERBEROS");
    bool off = v && (!strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "off"));
    free(v);
    return off;
}

/* Whether explicit credentials name a Kerberos realm. */
static bool realm_creds(const nt_creds *c)
{
    return (c->domain && strchr(c->domain, '.')) || strchr(c->user, '@');
}

/* ABSENT: no KRB5CCNAME and no default cache (no Kerberos here);
 * NAMED_MISSING: KRB5CCNAME names a FILE: cache that does not exist (the
 * user meant single sign-on: kinit not run, or kdestroy'ed). */
enum sso_cache { SSO_ABSENT, SSO_NAMED_MISSING, SSO_PRESENT, SSO_UNKNOWN };

/* Is there a ticket cache (a FILE: cache we can see, or one we cannot
 * read and so must leave to the provider)?  principal: its client, when
 * readable. */
static enum sso_cache sso_cache(char *principal, size_t cap)
{
    if (principal && cap)
        principal[0] = 0;
    char *ccname = krb5_default_ccname();
    if (!ccname)
        return SSO_UNKNOWN; /* Windows: the logon session is the provider's business */
    uint8_t *img = NULL;
    size_t len = 0;
    uint32_t st = krb5_ccache_load(ccname, &img, &len);
    free(ccname);
    if (st == NT_OK) {
        if (principal && cap)
            krb5_ccache_principal(img, len, principal, cap);
        nt_wipe(img, len);
        free(img);
        return SSO_PRESENT;
    }
    if (st != MECH_ERROR_NO_CREDENTIALS)
        return SSO_UNKNOWN;
    char *env = nt_getenv("KRB5CCNAME");
    bool named = env && *env;
    free(env);
    return named ? SSO_NAMED_MISSING : SSO_ABSENT;
}

bool auth_sso_principal(char *buf, size_t cap)
{
    if (kerberos_off())
        return false;
    return sso_cache(buf, cap) == SSO_PRESENT && buf && cap && buf[0];
}

static uint32_t explicit_start(const nt_creds *creds, const auth_target *t, auth_ctx **out, uint8_t **tok,
                               size_t *toklen)
{
    if (realm_creds(creds)) {
        uint32_t st = AUTH_MECH_KERBEROS.start(creds, t, out, tok, toklen);
        if (st == NT_OK || st == NT_ERROR_NOT_ENOUGH_MEMORY)
            return st;
        nt_trace("auth: negotiate: Kerberos with the explicit credentials unavailable (%u): NTLMv2", (unsigned)st);
    } else {
        nt_trace("auth: negotiate: explicit credentials without a realm: NTLMv2");
    }
    return AUTH_MECH_NTLMSSP.start(creds, t, out, tok, toklen);
}

static uint32_t neg_start(const nt_creds *creds, const auth_target *t, auth_ctx **out, uint8_t **tok,
                          size_t *toklen)
{
    if (kerberos_off() || !t->spn) {
        nt_trace("auth: negotiate: Kerberos off (NETAPI32_KERBEROS=0)");
        return AUTH_MECH_NTLMSSP.start(creds, t, out, tok, toklen);
    }
    if (!nt_creds_is_anonymous(creds))
        return explicit_start(creds, t, out, tok, toklen);
    char principal[256];
    enum sso_cache cache = sso_cache(principal, sizeof(principal));
    if (cache == SSO_ABSENT) {
        nt_trace("auth: negotiate: no Kerberos ticket cache: anonymous");
        return AUTH_MECH_NTLMSSP.start(NULL, t, out, tok, toklen);
    }
    if (cache == SSO_NAMED_MISSING) {
        nt_trace("auth: negotiate: KRB5CCNAME names a ticket cache that does not exist (no kinit?): "
                 "ERROR_LOGON_FAILURE");
        return NT_ERROR_LOGON_FAILURE;
    }
    nt_trace("auth: negotiate: single sign-on as %s for %s", principal[0] ? principal : "(the provider's user)",
             t->spn);
    uint32_t st = AUTH_MECH_KERBEROS.start(NULL, t, out, tok, toklen);
    if (st == NT_OK || st == NT_ERROR_NOT_ENOUGH_MEMORY)
        return st;
    if (st == MECH_ERROR_NO_CREDENTIALS && cache == SSO_UNKNOWN) {
        nt_trace("auth: negotiate: the provider has no credentials for this user: anonymous");
        return AUTH_MECH_NTLMSSP.start(NULL, t, out, tok, toklen);
    }
    nt_trace("auth: negotiate: single sign-on failed (%u: no valid ticket, or the KDC refused %s): "
             "ERROR_LOGON_FAILURE",
             (unsigned)st, t->spn);
    return NT_ERROR_LOGON_FAILURE;
}

const auth_mech AUTH_MECH_NEGOTIATE = {"negotiate", neg_start};
