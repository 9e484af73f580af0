/*
 * A client security context from the platform's own Kerberos/Negotiate
 * provider, as a building block for SMB SESSION_SETUP:
 *
 *   the DLL:    Windows SSPI (secur32: AcquireCredentialsHandleW,
 *               InitializeSecurityContextW, QueryContextAttributesW), sspi_win.c
 *   natively:   GSSAPI (MIT libgssapi_krb5), gss_posix.c
 *
 * The four operations mirror auth.h (start -> first token, step(server
 * token) -> next token, done; session key), so the auth interface can offer
 * this mechanism beside our own NTLMSSP/SPNEGO without SMB code knowing.
 *
 * Credentials: creds NULL (or anonymous) = the current user's single sign-on
 * credentials (the Kerberos ticket cache, KRB5CCNAME; under Wine the Unix
 * user's cache).  With a user name and password the provider logs on with
 * them (SEC_WINNT_AUTH_IDENTITY_W / gss_acquire_cred_with_password).  The
 * password is never logged; copies we make are wiped.
 *
 * Target: an SPN such as "cifs/fileserver" or "cifs/10.0.0.5"; with
 * "@REALM" appended the realm is explicit.  The name is used as given: no
 * DNS canonicalisation (what Windows does).
 *
 * Tokens: MECH_NEGOTIATE gives what the provider's Negotiate package gives
 * (natively: SPNEGO NegTokenInit around a Kerberos AP-REQ; Wine 8: a raw
 * Kerberos GSS token, see docs/sspi-wine.md); MECH_KERBEROS a raw Kerberos
 * GSS token (RFC 4121 InitialContextToken).  Both are valid SMB2
 * SESSION_SETUP security buffers for Samba and Windows servers.
 *
 * Status codes are the project's (dll/common/nt.h): NT_OK, and
 *   MECH_ERROR_NO_CREDENTIALS  no ticket / expired ticket / no such logon session
 *   NT_ERROR_LOGON_FAILURE     the KDC or the server refused (unknown SPN, bad password...)
 *   NT_ERROR_NOT_SUPPORTED     no provider here (no secur32 package, no libgssapi)
 *   NT_ERROR_UNEXP_NET_ERR     malformed token from the server
 *   NT_ERROR_NOT_ENOUGH_MEMORY
 * The provider's own status text goes to the trace (nt_trace), never secrets.
 */
#ifndef NT_AUTH_MECH_H
#define NT_AUTH_MECH_H

#include "auth.h"

/* ERROR_NO_SUCH_LOGON_SESSION: what Windows reports for "no credentials". */
#define MECH_ERROR_NO_CREDENTIALS 1312u

enum mech_kind {
    MECH_NEGOTIATE = 0, /* the provider's Negotiate (SPNEGO) package */
    MECH_KERBEROS = 1   /* Kerberos only */
};

/* Largest session key a mechanism returns (Kerberos AES256: 32 bytes).
 * SMB2 uses the first 16 bytes, zero-padded when shorter (MS-SMB2 3.2.5.3). */
#define MECH_KEY_MAX 64
/* Largest token accepted from a server or produced. */
#define MECH_TOKEN_MAX 65535u

typedef struct mech_ctx mech_ctx;

/* Acquires credentials and produces the first token (*tok, malloc'd; the
 * caller frees it).  On failure *out is NULL. */
uint32_t mech_start(const nt_creds *creds, const char *spn, enum mech_kind kind, mech_ctx **out, uint8_t **tok,
                    size_t *toklen);
/* Consumes the server's token (in may be NULL/0) and produces the next one
 * (*tok may be NULL/0: nothing to send).  *done becomes true when the
 * context is complete (mutual authentication verified). */
uint32_t mech_step(mech_ctx *c, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen, bool *done);
/* The session key of a complete context: *len in = capacity of key, out =
 * key length.  False when the provider cannot say (see docs/sspi-wine.md). */
bool mech_session_key(const mech_ctx *c, uint8_t *key, size_t *len);
/* Name of the mechanism the provider chose ("Kerberos", "NTLM", ...) or "". */
const char *mech_chosen(const mech_ctx *c);
/* True when the provider is known never to return the session key (Wine 8's
 * secur32: QueryContextAttributesW(SESSION_KEY) is a stub answering
 * SEC_E_UNSUPPORTED_FUNCTION even before completion); the caller then builds
 * its own AP-REQ from the ticket cache (krb5_ap.h).  GSSAPI: never. */
bool mech_key_unavailable(const mech_ctx *c);
void mech_free(mech_ctx *c); /* wipes key material */

/* ---- the provider backends (gss_posix.c, sspi_win.c); mech.c holds the
 * portable part (argument checks, the state machine of start/step) ---- */
/* Allocates *out, acquires credentials, names the target; no token yet. */
uint32_t mech_be_open(const nt_creds *creds, const char *spn, enum mech_kind kind, mech_ctx **out);
/* One InitializeSecurityContext/gss_init_sec_context round (in NULL the
 * first time); *done when the context is complete. */
uint32_t mech_be_round(mech_ctx *c, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen, bool *done);
bool mech_be_done(const mech_ctx *c);
/* The key of a complete context (*len in: capacity). */
bool mech_be_session_key(const mech_ctx *c, uint8_t *key, size_t *len);

#endif
