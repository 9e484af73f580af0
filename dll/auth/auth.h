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

typedef struct auth_ctx auth_ctx;

/* Starts a logon.  workstation: our NetBIOS name (may be NULL).
 * *tok receives the SPNEGO NegTokenInit carrying the NTLMSSP NEGOTIATE. */
uint32_t auth_start(const nt_creds *creds, const char *workstation, auth_ctx **out, uint8_t **tok,
                    size_t *toklen);
/* Consumes the server's SPNEGO NegTokenResp (with the NTLMSSP CHALLENGE) and
 * produces the NegTokenResp with the AUTHENTICATE message and mechListMIC.
 * Errors: NT_ERROR_UNEXP_NET_ERR for malformed/hostile input. */
uint32_t auth_step(auth_ctx *a, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen);
/* Checks the server's final NegTokenResp: accept-completed, and with
 * credentials its mechListMIC, both mandatory (NT_ERROR_UNEXP_NET_ERR when
 * missing or wrong).  in may be NULL/0 when the server sent no token, which
 * only an anonymous logon accepts. */
uint32_t auth_finish(auth_ctx *a, const uint8_t *in, size_t inlen);
/* The exported session key (16 bytes) after auth_step; false for anonymous. */
bool auth_session_key(const auth_ctx *a, uint8_t key[16]);
bool auth_is_anonymous(const auth_ctx *a);
void auth_free(auth_ctx *a); /* wipes all key material */

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

#endif
