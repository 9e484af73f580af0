/*
 * NTLMSSP (NTLMv2 only: no LM, no NTLMv1) wrapped in SPNEGO, for SMB2
 * SESSION_SETUP.  KEY_EXCH, MsvAvTimestamp handling and the AUTHENTICATE MIC
 * are always used for authenticated logons; the SPNEGO mechListMIC is sent
 * and the server's is required and verified (MS-SPNG 3.1.5.1) when the NTLM
 * MIC is used.  A CHALLENGE without extended session security or Unicode is
 * NT_ERROR_UNEXP_NET_ERR.
 * With no user name the logon is anonymous (empty NT/LM responses, no key).
 */
#ifndef NT_AUTH_H
#define NT_AUTH_H

#include "../common/nt.h"

/* Credentials (UTF-8).  user NULL or "" = anonymous.  domain may be NULL.
 * Owned by whoever built them; nt_creds_clear wipes and frees the fields. */
typedef struct nt_creds {
    char *user;
    char *domain;
    char *password;
} nt_creds;

void nt_creds_clear(nt_creds *c);
/* Parses "user", "DOMAIN\user" or "user@domain" into c (malloc'd fields). */
bool nt_creds_set_user(nt_creds *c, const char *spec);
bool nt_creds_is_anonymous(const nt_creds *c);

/* ---- the authentication interface ----------------------------------------
 * A logon is a token exchange driven by the SMB layer: start gives the
 * first token; while the server answers "more processing required", step
 * turns its token into the next one; when the server answers success,
 * finish checks its final token (possibly none).  Then the session key
 * signs the session.  Every mechanism (NTLMSSP in SPNEGO here; SSPI
 * Negotiate/Kerberos in the DLL and GSSAPI natively as second
 * implementations) is an auth_mech whose start returns an auth_ctx carrying
 * its own ops; nothing in the SMB code names a mechanism.
 *
 * Errors: NT_ERROR_LOGON_FAILURE (the server or the mechanism rejected the
 * logon), NT_ERROR_UNEXP_NET_ERR (malformed or hostile token),
 * NT_ERROR_INVALID_PARAMETER (misuse, steps out of order),
 * NT_ERROR_NOT_ENOUGH_MEMORY; a mechanism may return other logon codes
 * (NT_ERROR_PASSWORD_EXPIRED, ...).  Secrets are wiped by free. */
typedef struct auth_ctx auth_ctx;

/* Who we are and whom we talk to. */
typedef struct auth_target {
    const char *workstation; /* our NetBIOS name (NTLM), may be NULL */
    const char *spn;         /* service principal "cifs/<server>" (Kerberos), may be NULL */
} auth_target;

typedef struct auth_ops {
    const char *name;
    uint32_t (*step)(auth_ctx *a, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen);
    uint32_t (*finish)(auth_ctx *a, const uint8_t *in, size_t inlen);
    /* Copies the session key (Kerberos: 16 or 32 bytes, NTLM: 16) into key
     * (up to cap bytes, *len its full length); false when there is none. */
    bool (*session_key)(const auth_ctx *a, uint8_t *key, size_t cap, size_t *len);
    /* True when no user is authenticated (anonymous/null logon): the SMB
     * layer then accepts a guest/null session and cannot sign.  False means
     * a real user: a guest or null session is refused and signing required. */
    bool (*is_anonymous)(const auth_ctx *a);
    void (*free)(auth_ctx *a); /* wipes all key material */
} auth_ops;

/* Every mechanism's context starts with this. */
struct auth_ctx {
    const auth_ops *ops;
};

typedef struct auth_mech {
    const char *name;
    /* creds: NULL or a NULL/"" user = anonymous for NTLM; a mechanism with
     * single sign-on (SSPI, GSSAPI) takes NULL as "the logged-on user". */
    uint32_t (*start)(const nt_creds *creds, const auth_target *t, auth_ctx **out, uint8_t **tok,
                      size_t *toklen);
} auth_mech;

/* NTLMv2 in SPNEGO (spnego.c, ntlm.c): the default mechanism. */
extern const auth_mech AUTH_MECH_NTLMSSP;

/* Kerberos (kerberos.c) over the platform's provider (mech.h: SSPI in the
 * DLL, GSSAPI natively), SPNEGO-wrapped, SPN t->spn; creds NULL = the
 * current user's ticket cache.  Under Wine 8 (no session key from secur32)
 * the AP-REQ is our own, from the FILE: ticket cache (krb5_ap.h). */
extern const auth_mech AUTH_MECH_KERBEROS;
/* Kerberos or NTLMv2 or anonymous, chosen in start (negotiate.c, where the
 * order and the fallback rules are written down). */
extern const auth_mech AUTH_MECH_NEGOTIATE;
/* The client principal ("user@REALM") of the current user's readable
 * ticket cache; false when none (or Kerberos is off).  Never a secret. */
bool auth_sso_principal(char *buf, size_t cap);

/* Dispatch (auth.c).  m NULL = AUTH_MECH_NTLMSSP.  *tok receives the first
 * token (malloc'd; the caller wipes and frees it). */
uint32_t auth_start(const auth_mech *m, const nt_creds *creds, const auth_target *t, auth_ctx **out,
                    uint8_t **tok, size_t *toklen);
/* The server's token of a "more processing required" answer -> our next. */
uint32_t auth_step(auth_ctx *a, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen);
/* The server's final token (in NULL/0 when it sent none, which only an
 * anonymous logon accepts); with credentials the mechanism's proof that the
 * server knows the secret (NTLM: the SPNEGO mechListMIC) is mandatory. */
uint32_t auth_finish(auth_ctx *a, const uint8_t *in, size_t inlen);
bool auth_session_key(const auth_ctx *a, uint8_t *key, size_t cap, size_t *len);
bool auth_is_anonymous(const auth_ctx *a);
void auth_free(auth_ctx *a);

/* ---- NTLM internals exposed for the MS-NLMP 4.2.4 test vectors ---- */
/* NTOWFv2 = HMAC_MD5(MD4(UTF16(password)), UTF16(UPPER(user) || domain)). */
bool ntlm_ntowfv2(const char *user, const char *domain, const char *password, uint8_t out[16]);
/* NTProofStr = HMAC_MD5(ntowfv2, server_challenge || temp); temp is the
 * NTLMv2 client challenge blob. */
bool ntlm_v2_proof(const uint8_t ntowfv2[16], const uint8_t server_challenge[8], const uint8_t *temp,
                   size_t templen, uint8_t proof[16]);
/* SessionBaseKey = HMAC_MD5(ntowfv2, NTProofStr). */
bool ntlm_v2_session_base_key(const uint8_t ntowfv2[16], const uint8_t proof[16], uint8_t out[16]);
/* Sign/seal keys (MS-NLMP 3.4.5.2/3.4.5.3, extended session security, 128-bit). */
bool ntlm_sign_key(const uint8_t exported_key[16], bool client_to_server, uint8_t out[16]);
bool ntlm_seal_key(const uint8_t exported_key[16], bool client_to_server, uint8_t out[16]);

/* ---- NTLMv2 without NTLMSSP (ntlm_bare.c) ----
 * SMB1 SESSION_SETUP_ANDX without extended security: the LMv2 response
 * (OEMPassword) and the NTLMv2 response NTProofStr || temp (UnicodePassword)
 * to the NEGOTIATE's bare 8-byte challenge, and the SessionBaseKey.  av:
 * the temp's AV pairs through MsvAvEOL (NULL = MsvAvEOL alone), 4 to
 * NTLM_BARE_MAX_AV bytes.  False for anonymous creds or bad arguments.
 * Never LM, NTLMv1 or a plaintext password.  The caller wipes *out. */
#define NTLM_BARE_MAX_AV 64u
#define NTLM_BARE_NT_MAX (16u + 28u + NTLM_BARE_MAX_AV + 4u)
typedef struct ntlm_bare {
    uint8_t lm[24];
    uint8_t nt[NTLM_BARE_NT_MAX];
    size_t nt_len;
    uint8_t base_key[16];
} ntlm_bare;
bool ntlm_v2_bare(const nt_creds *creds, const uint8_t server_challenge[8], uint64_t time,
                  const uint8_t client_challenge[8], const uint8_t *av, size_t avlen, ntlm_bare *out);

#endif
