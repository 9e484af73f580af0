/*
 * SPNEGO (RFC 4178 / MS-SPNG) DER encoding internals, shared by spnego.c and
 * tests/test_spnego.c.  Not part of the layer contract.
 */
#ifndef NT_AUTH_SPNEGO_INTERNAL_H
#define NT_AUTH_SPNEGO_INTERNAL_H

#include "auth.h"

/* Largest SPNEGO token accepted from the network. */
#define SPNEGO_MAX_TOKEN (256u * 1024u)

/* MechTypeList DER exactly as sent in NegTokenInit:
 * SEQUENCE { OID 1.3.6.1.4.1.311.2.2.10 (NTLMSSP) }.  The mechListMIC is
 * computed over these bytes (RFC 4178 section 5). */
extern const uint8_t spnego_mech_types[14];

/* negState values (RFC 4178 4.2.2). */
enum { SPNEGO_ACCEPT_COMPLETED = 0, SPNEGO_ACCEPT_INCOMPLETE = 1, SPNEGO_REJECT = 2, SPNEGO_REQUEST_MIC = 3 };

typedef struct spnego_resp {
    int neg_state;               /* -1 when absent */
    bool has_mech;               /* supportedMech present (always NTLMSSP when accepted) */
    const uint8_t *token;        /* responseToken contents, NULL when absent */
    size_t token_len;
    const uint8_t *mic;          /* mechListMIC contents, NULL when absent */
    size_t mic_len;
} spnego_resp;

typedef struct spnego_init {
    const uint8_t *mech_types;   /* the whole MechTypeList TLV */
    size_t mech_types_len;
    bool first_is_ntlm;
    const uint8_t *mech_token;   /* NULL when absent */
    size_t mech_token_len;
} spnego_init;

/* GSS-API [APPLICATION 0] { SPNEGO OID, [0] NegTokenInit { [0] mechTypes, [2] mechToken } } */
uint32_t spnego_build_init(const uint8_t *mech_token, size_t len, uint8_t **out, size_t *outlen);
/* The same with another MechTypeList TLV (Kerberos: kerberos.c). */
uint32_t spnego_build_init_mechs(const uint8_t *mech_types, size_t mtlen, const uint8_t *mech_token, size_t len,
                                 uint8_t **out, size_t *outlen);
/* Parses the above (also a NegTokenInit2 with reqFlags/negHints/mechListMIC). */
uint32_t spnego_parse_init(const uint8_t *in, size_t len, spnego_init *p);
/* [1] NegTokenResp { [2] responseToken, [3] mechListMIC (when mic != NULL) } */
uint32_t spnego_build_resp(const uint8_t *token, size_t len, const uint8_t *mic, size_t miclen, uint8_t **out,
                           size_t *outlen);
/* Strict DER parse of a NegTokenResp; a supportedMech other than NTLMSSP,
 * indefinite lengths, lengths beyond their parent, unknown or out-of-order
 * fields and trailing bytes are all NT_ERROR_UNEXP_NET_ERR. */
uint32_t spnego_parse_resp(const uint8_t *in, size_t len, spnego_resp *r);
/* The same, the supportedMech being one of the DER OIDs (tag and length
 * included) oid1 or oid2 (oid2 may be NULL). */
uint32_t spnego_parse_resp_mech(const uint8_t *in, size_t len, const uint8_t *oid1, size_t oid1len,
                                const uint8_t *oid2, size_t oid2len, spnego_resp *r);

#endif
