/*
 * Our own Kerberos AP-REQ from a service ticket in the user's FILE: ticket
 * cache: the workaround for Wine 8's secur32, which authenticates but never
 * returns the session key SMB signing needs (docs/sspi-wine.md).
 *
 * The ticket is fetched by the platform (Wine's InitializeSecurityContextW, or
 * GSSAPI natively, stores it in the cache); we read it and its session key
 * from the cache (MIT ccache format 4), and build the RFC 4121 GSS token
 * around an AP-REQ whose authenticator we encrypt with that key.  No mutual
 * authentication is requested and no subkey is sent, so the session key of
 * the context is the ticket's session key (what the server's GSSAPI returns
 * as the SSPI session key).  The server is still authenticated: only the
 * holder of the service key can read the ticket and so sign with that key,
 * and SMB verifies the signed SESSION_SETUP response and every later reply.
 *
 * Enctypes: aes256-cts-hmac-sha1-96 (18), aes128-cts-hmac-sha1-96 (17)
 * (RFC 3961/3962) and rc4-hmac (23, RFC 4757).
 */
#ifndef NT_AUTH_KRB5_AP_H
#define NT_AUTH_KRB5_AP_H

#include "../common/nt.h"

#define KRB5_ETYPE_AES128 17
#define KRB5_ETYPE_AES256 18
#define KRB5_ETYPE_RC4 23

#define KRB5_MAX_COMPONENTS 4

typedef struct krb5_princ {
    uint32_t type;
    uint32_t ncomp;
    char *realm;
    char *comp[KRB5_MAX_COMPONENTS];
} krb5_princ;

typedef struct krb5_svc_cred {
    krb5_princ client, server;
    uint16_t enctype;
    uint8_t *key;
    size_t keylen;
    uint32_t endtime;
    uint8_t *ticket; /* DER Ticket ([APPLICATION 1]) */
    size_t ticketlen;
} krb5_svc_cred;

/* Finds the credential for spn ("svc/host" or "svc/host@REALM") valid at
 * now (Unix time) in a ccache image.  NT_OK, MECH-style codes otherwise:
 * 1312 (ERROR_NO_SUCH_LOGON_SESSION) when absent or expired,
 * NT_ERROR_INVALID_DATA when the image is not a ccache we understand. */
uint32_t krb5_ccache_find(const uint8_t *img, size_t len, const char *spn, uint32_t now, krb5_svc_cred *out);
void krb5_svc_cred_clear(krb5_svc_cred *c); /* wipes the key */

/* Reads the cache named by ccname ("FILE:/path" or "/path"); under Wine the
 * Unix path is read through the Z: drive.  *img malloc'd. */
uint32_t krb5_ccache_load(const char *ccname, uint8_t **img, size_t *len);

/* The cache's default (client) principal as "user@REALM" into buf. */
uint32_t krb5_ccache_principal(const uint8_t *img, size_t len, char *buf, size_t cap);

/* The user's ticket cache name: KRB5CCNAME, else MIT's default
 * FILE:/tmp/krb5cc_<uid> (under Wine the uid is read from Z:\proc\self\status).
 * malloc'd; NULL when it cannot be told. */
char *krb5_default_ccname(void);

/* The GSS InitialContextToken (krb5 mech OID, tok_id 01 00, AP-REQ) for cred,
 * authenticator time now_us (Unix microseconds). */
uint32_t krb5_gss_ap_req(const krb5_svc_cred *cred, uint64_t now_us, uint8_t **tok, size_t *toklen);

/* ---- RFC 3961 pieces, exposed for the published test vectors ---- */
void krb5_nfold(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen);
/* AES-CBC with ciphertext stealing (RFC 3962), IV zero; len >= 16. */
bool krb5_aes_cts_encrypt(const uint8_t *key, size_t keylen, const uint8_t *in, uint8_t *out, size_t len);
/* DK(key, usage-constant) for AES (RFC 3962): out has keylen bytes. */
bool krb5_aes_dk(const uint8_t *key, size_t keylen, const uint8_t *constant, size_t clen, uint8_t *out);
/* encrypt(etype, key, usage, plaintext) with the given confounder (16 bytes
 * for AES, 8 for RC4; NULL = random).  *out malloc'd. */
bool krb5_encrypt(uint16_t etype, const uint8_t *key, size_t keylen, uint32_t usage, const uint8_t *conf,
                  const uint8_t *plain, size_t len, uint8_t **out, size_t *outlen);

#endif
