/*
 * NTLMSSP internals shared by ntlm.c, spnego.c and the unit tests
 * (tests/test_ntlm.c, tests/test_spnego.c).  Not part of the layer contract.
 */
#ifndef NT_AUTH_NTLM_INTERNAL_H
#define NT_AUTH_NTLM_INTERNAL_H

#include "auth.h"
#include "../crypto/crypto.h"

/* MS-NLMP 2.2.2.5 NEGOTIATE flags. */
#define NTLMSSP_NEGOTIATE_UNICODE          0x00000001u
#define NTLMSSP_NEGOTIATE_OEM              0x00000002u
#define NTLMSSP_REQUEST_TARGET             0x00000004u
#define NTLMSSP_NEGOTIATE_SIGN             0x00000010u
#define NTLMSSP_NEGOTIATE_SEAL             0x00000020u
#define NTLMSSP_NEGOTIATE_LM_KEY           0x00000080u
#define NTLMSSP_NEGOTIATE_NTLM             0x00000200u
#define NTLMSSP_ANONYMOUS                  0x00000800u
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN      0x00008000u
#define NTLMSSP_TARGET_TYPE_DOMAIN         0x00010000u
#define NTLMSSP_TARGET_TYPE_SERVER         0x00020000u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO      0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION          0x02000000u
#define NTLMSSP_NEGOTIATE_128              0x20000000u
#define NTLMSSP_NEGOTIATE_KEY_EXCH         0x40000000u
#define NTLMSSP_NEGOTIATE_56               0x80000000u

/* What the client asks for in NEGOTIATE. */
#define NTLM_CLIENT_FLAGS                                                                          \
    (NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_SIGN |                 \
     NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN |              \
     NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_VERSION |                       \
     NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_56)

/* MS-NLMP 2.2.2.1 AV_PAIR ids. */
#define MSV_AV_EOL              0
#define MSV_AV_NB_COMPUTER_NAME 1
#define MSV_AV_NB_DOMAIN_NAME   2
#define MSV_AV_DNS_COMPUTER_NAME 3
#define MSV_AV_DNS_DOMAIN_NAME  4
#define MSV_AV_DNS_TREE_NAME    5
#define MSV_AV_FLAGS            6
#define MSV_AV_TIMESTAMP        7
#define MSV_AV_SINGLE_HOST      8
#define MSV_AV_TARGET_NAME      9
#define MSV_AV_CHANNEL_BINDINGS 10

#define MSV_AV_FLAG_MIC_PRESENT 0x00000002u

/* Caps on what a server may send. */
#define NTLM_MAX_MSG     0xFFFFu /* every NTLM length field is 16 bits */
#define NTLM_MAX_AVPAIRS 64

/* Parsed CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2).  Pointers point into the
 * message buffer passed to ntlm_parse_challenge. */
typedef struct ntlm_challenge {
    uint32_t flags;
    uint8_t server_challenge[8];
    const uint8_t *target_info; /* up to and including MsvAvEOL; NULL when absent */
    size_t target_info_len;
    bool has_timestamp;
    uint64_t timestamp;
} ntlm_challenge;

/* Strict parse; NT_ERROR_UNEXP_NET_ERR on any malformation. */
uint32_t ntlm_parse_challenge(const uint8_t *msg, size_t len, ntlm_challenge *ch);

/* Validates an AV_PAIR list: every AvLen within bounds, at most
 * NTLM_MAX_AVPAIRS pairs, known fixed-size pairs of the right size, MsvAvEOL
 * (with AvLen 0) required; *used receives the length through the EOL. */
bool ntlm_avpairs_check(const uint8_t *p, size_t len, size_t *used, bool *has_ts, uint64_t *ts);

/* LMv2 response (MS-NLMP 3.3.2): HMAC_MD5(key, server || client) || client. */
bool ntlm_lmv2_response(const uint8_t ntowfv2[16], const uint8_t server_challenge[8],
                        const uint8_t client_challenge[8], uint8_t out[24]);

/* The fixed start of the NTLMv2 client blob "temp" (MS-NLMP 3.3.2): 1, 1,
 * Z(6), time, client challenge, Z(4); AV pairs and Z(4) follow (ntlm_bare.c). */
void ntlm_v2_blob_head(nt_wr *w, uint64_t time, const uint8_t client_challenge[8]);

/* Client NTLM state. */
typedef struct ntlm_ctx {
    bool anonymous;
    char *user, *domain, *password, *workstation; /* UTF-8 copies, wiped on free */
    uint8_t *negotiate;  /* NEGOTIATE_MESSAGE as sent (for the MIC) */
    size_t negotiate_len;
    uint32_t flags;      /* flags sent in AUTHENTICATE */
    bool have_key;
    bool mic_sent;
    uint8_t exported_key[16];
    uint8_t client_sign[16], server_sign[16];
    nt_rc4_state client_seal, server_seal;
    uint32_t client_seq, server_seq;
} ntlm_ctx;

/* The fresh inputs of one AUTHENTICATE: ntlm_authenticate draws them from
 * the clock and the RNG; tests pass fixed ones to ntlm_authenticate_with.
 * With spec_blob the client blob carries the server's TargetInfo verbatim
 * and no MIC is computed (exactly the MS-NLMP 4.2.4 example). */
typedef struct ntlm_inject {
    uint64_t time;                /* used when the server sent no MsvAvTimestamp */
    uint8_t client_challenge[8];
    uint8_t exported_key[16];
    bool spec_blob;
} ntlm_inject;

uint32_t ntlm_init(ntlm_ctx *n, const nt_creds *creds, const char *workstation);
void ntlm_free(ntlm_ctx *n);
/* Builds NEGOTIATE_MESSAGE (kept in n->negotiate); *out is a malloc'd copy. */
uint32_t ntlm_negotiate(ntlm_ctx *n, uint8_t **out, size_t *outlen);
/* Parses CHALLENGE, builds AUTHENTICATE and derives the session keys:
 * check the challenge, compute the NTLMv2/LMv2 responses and the key
 * exchange, lay out the message, add the MIC, derive the sign/seal keys. */
uint32_t ntlm_authenticate(ntlm_ctx *n, const uint8_t *chal, size_t chal_len, uint8_t **out, size_t *outlen);
/* The same with the given inputs instead of fresh ones (tests, fuzzers). */
uint32_t ntlm_authenticate_with(ntlm_ctx *n, const uint8_t *chal, size_t chal_len, const ntlm_inject *in,
                                uint8_t **out, size_t *outlen);

/* Shared by ntlm.c and ntlm_auth.c. */
extern const uint8_t ntlm_sig[8];     /* "NTLMSSP\0" */
extern const uint8_t ntlm_version[8]; /* the VERSION we send */
/* UTF-8 -> UTF-16LE bytes (malloc'd; "" for NULL); optionally upper-cased. */
uint8_t *ntlm_utf16le(const char *s, bool upper, size_t *bytes);
void ntlm_free_secret(uint8_t *p, size_t n); /* wipes, then frees (NULL is fine) */
/* SEALKEY with the 56/40-bit reductions of MS-NLMP 3.4.5.3. */
bool ntlm_seal_key_flags(const uint8_t exported_key[16], uint32_t flags, bool c2s, uint8_t out[16]);

/* NTLMSSP_MESSAGE_SIGNATURE with extended session security (MS-NLMP
 * 3.4.4.2): Version 1 || RC4(seal, HMAC_MD5(sign, seq || msg)[0..7]) || seq.
 * The RC4 state advances (it is shared with sealing). */
bool ntlm_mac(const uint8_t sign_key[16], nt_rc4_state *seal, uint32_t seq, const uint8_t *msg, size_t len,
              uint8_t sig[16]);
/* SEAL (MS-NLMP 3.4.3): encrypts data in place, then the signature. */
bool ntlm_seal(const uint8_t sign_key[16], nt_rc4_state *seal, uint32_t seq, uint8_t *data, size_t len,
               uint8_t sig[16]);

#endif
