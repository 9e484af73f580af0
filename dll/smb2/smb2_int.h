/*
 * SMB2 internals shared by smb2_proto.c (pure message codecs, signing, key
 * derivation, transform, credits; smb2_crypto.c) and the connection files
 * (smb2_conn.h lists them).
 * Exposed to tests/test_smb2.c; not part of the layer's public contract.
 */
#ifndef NT_SMB2_INT_H
#define NT_SMB2_INT_H

#include "smb2.h"

#define SMB2_HDR_LEN 64
#define SMB2_TF_LEN 52

/* commands */
#define SMB2_NEGOTIATE       0x0000
#define SMB2_SESSION_SETUP   0x0001
#define SMB2_LOGOFF          0x0002
#define SMB2_TREE_CONNECT    0x0003
#define SMB2_TREE_DISCONNECT 0x0004
#define SMB2_CREATE          0x0005
#define SMB2_CLOSE           0x0006
#define SMB2_READ            0x0008
#define SMB2_WRITE           0x0009
#define SMB2_IOCTL           0x000b

/* header flags */
#define SMB2_FLAGS_SERVER_TO_REDIR 0x00000001u
#define SMB2_FLAGS_ASYNC_COMMAND   0x00000002u
#define SMB2_FLAGS_RELATED         0x00000004u
#define SMB2_FLAGS_SIGNED          0x00000008u

/* NTSTATUS values the layer looks at */
#define STATUS_SUCCESS                  0x00000000u
#define STATUS_PENDING                  0x00000103u
#define STATUS_BUFFER_OVERFLOW          0x80000005u
#define STATUS_INVALID_PARAMETER        0xC000000Du
#define STATUS_MORE_PROCESSING_REQUIRED 0xC0000016u
#define STATUS_NO_MEMORY                0xC0000017u
#define STATUS_ACCESS_DENIED            0xC0000022u
#define STATUS_OBJECT_NAME_NOT_FOUND    0xC0000034u
#define STATUS_NO_SUCH_USER             0xC0000064u
#define STATUS_WRONG_PASSWORD           0xC000006Au
#define STATUS_LOGON_FAILURE            0xC000006Du
#define STATUS_NTLM_BLOCKED             0xC0000418u
#define STATUS_ACCOUNT_RESTRICTION      0xC000006Eu
#define STATUS_INVALID_LOGON_HOURS      0xC000006Fu
#define STATUS_INVALID_WORKSTATION      0xC0000070u
#define STATUS_PASSWORD_EXPIRED         0xC0000071u
#define STATUS_ACCOUNT_DISABLED         0xC0000072u
#define STATUS_INSUFFICIENT_RESOURCES   0xC000009Au
#define STATUS_PIPE_DISCONNECTED        0xC00000B0u
#define STATUS_NOT_SUPPORTED            0xC00000BBu
#define STATUS_NETWORK_NAME_DELETED     0xC00000C9u
#define STATUS_NETWORK_ACCESS_DENIED    0xC00000CAu
#define STATUS_BAD_NETWORK_NAME         0xC00000CCu
#define STATUS_PIPE_BROKEN              0xC000014Bu
#define STATUS_ACCOUNT_EXPIRED          0xC0000193u
#define STATUS_USER_SESSION_DELETED     0xC0000203u
#define STATUS_PASSWORD_MUST_CHANGE     0xC0000224u
#define STATUS_ACCOUNT_LOCKED_OUT       0xC0000234u
#define STATUS_NETWORK_SESSION_EXPIRED  0xC000035Cu

/* negotiate */
#define SMB2_NEGOTIATE_SIGNING_ENABLED  0x0001
#define SMB2_NEGOTIATE_SIGNING_REQUIRED 0x0002
#define SMB2_GLOBAL_CAP_ENCRYPTION      0x00000040u
#define SMB2_PREAUTH_INTEGRITY_CAPABILITIES 0x0001
#define SMB2_ENCRYPTION_CAPABILITIES        0x0002
#define SMB2_SIGNING_CAPABILITIES           0x0008
#define SMB2_HASH_SHA512 0x0001
#define SMB2_CIPHER_NONE        0x0000
#define SMB2_CIPHER_AES128_CCM  0x0001
#define SMB2_CIPHER_AES128_GCM  0x0002
#define SMB2_SIGN_HMAC_SHA256   0x0000
#define SMB2_SIGN_AES_CMAC      0x0001
#define SMB2_SIGN_AES_GMAC      0x0002

/* session / tree flags */
#define SMB2_SESSION_FLAG_IS_GUEST     0x0001
#define SMB2_SESSION_FLAG_IS_NULL      0x0002
#define SMB2_SESSION_FLAG_ENCRYPT_DATA 0x0004
#define SMB2_SHAREFLAG_ENCRYPT_DATA    0x00008000u
#define SMB2_SHARE_TYPE_PIPE           0x02

#define FSCTL_PIPE_TRANSCEIVE 0x0011C017u
#define FSCTL_VALIDATE_NEGOTIATE_INFO 0x00140204u
#define SMB2_VALIDATE_RESP_LEN 24u
#define SMB2_0_IOCTL_IS_FSCTL 0x00000001u

/* Win32 codes not in nt.h that the status map produces. */
#define NT_ERROR_ACCOUNT_EXPIRED_W32 1793u
#define NT_ERROR_INVALID_WORKSTATION_W32 1329u

/* Largest SMB2 message we accept from the wire (NetBIOS length field). */
#define SMB2_MAX_MSG (NT_MAX_ALLOC)
/* Largest payload we put in or ask for in one request (no LARGE_MTU). */
#define SMB2_MAX_IO 65536u

typedef struct smb2_hdr {
    uint16_t credit_charge;
    uint32_t status;
    uint16_t command;
    uint16_t credits;     /* CreditRequest / CreditResponse */
    uint32_t flags;
    uint32_t next;
    uint64_t msg_id;
    uint64_t async_id;    /* async responses only */
    uint32_t tree_id;     /* sync only */
    uint64_t session_id;
    uint8_t sig[16];
} smb2_hdr;

/* Encodes a sync request header (flags as given; async never sent). */
void smb2_hdr_encode(const smb2_hdr *h, uint8_t out[SMB2_HDR_LEN]);
/* Parses and validates a response header: protocol id, StructureSize 64,
 * SERVER_TO_REDIR set, NextCommand 0 or len (an element of a compound cut
 * by smb2_chain_split).  NT_OK or NT_ERROR_UNEXP_NET_ERR. */
uint32_t smb2_hdr_parse(const uint8_t *msg, size_t len, smb2_hdr *h);

/* ---- compounds (MS-SMB2 3.2.4.1.4; smb2_compound.c) ---- */
/* Most elements in a compound we send or accept in one message. */
#define SMB2_MAX_CHAIN 16u
/* Cuts a received message into its compound elements: element i is
 * [off[i], off[i] + lens[i]).  Every NextCommand but the last is a multiple
 * of 8, at least a header, and leaves at least a header after it; the last
 * is 0; at most max (<= SMB2_MAX_CHAIN) elements.  NT_OK or
 * NT_ERROR_UNEXP_NET_ERR (nothing out). */
uint32_t smb2_chain_split(const uint8_t *m, size_t len, size_t *off, size_t *lens, unsigned max, unsigned *n);

/* ---- negotiate ---- */
typedef struct smb2_neg_req {
    uint16_t dialects[5];
    size_t ndialects;
    uint16_t security_mode;
    uint32_t capabilities;
    uint8_t client_guid[16];
    uint8_t salt[32];           /* 3.1.1 pre-auth integrity salt */
} smb2_neg_req;

/* Fills req->dialects from the [min,max] range (0 = defaults) and the
 * capabilities; false when the range is empty/invalid. */
bool smb2_neg_req_init(smb2_neg_req *req, uint16_t min_dialect, uint16_t max_dialect);
/* Appends the NEGOTIATE body (after a 64-byte header already in w). */
bool smb2_neg_req_body(const smb2_neg_req *req, nt_wr *w);

typedef struct smb2_neg_resp {
    uint16_t security_mode;
    uint16_t dialect;
    uint8_t server_guid[16];
    uint32_t capabilities;
    uint32_t max_transact, max_read, max_write;
    const uint8_t *secblob;     /* points into the message */
    size_t secbloblen;
    uint16_t cipher;            /* 3.1.1: negotiated cipher (0 none); 3.0/3.0.2: CCM if ENCRYPTION cap */
    uint16_t sign_alg;          /* HMAC-SHA256 (2.x), AES-CMAC (3.0/3.0.2), CMAC or GMAC (3.1.1) */
} smb2_neg_resp;

/* Parses a whole NEGOTIATE response message (header included), strictly. */
uint32_t smb2_neg_resp_parse(const uint8_t *msg, size_t len, const smb2_neg_req *req, smb2_neg_resp *out);

/* ---- FSCTL_VALIDATE_NEGOTIATE_INFO (3.0/3.0.2; smb2_validate.c) ---- */
typedef struct smb2_validate_expect {  /* what the NEGOTIATE response said */
    uint32_t capabilities;
    uint8_t guid[16];
    uint16_t security_mode;
    uint16_t dialect;
} smb2_validate_expect;

/* Appends the IOCTL body (after a 64-byte header in w) repeating the
 * NEGOTIATE request's capabilities, client GUID, security mode and dialects. */
bool smb2_validate_req_body(const smb2_neg_req *neg, nt_wr *w);
/* Checks the final IOCTL response m (header in rh) as MS-SMB2 3.2.5.14.12
 * says: protected_resp (signed and verified, or encrypted) is required,
 * STATUS_ACCESS_DENIED or a body that does not repeat `want` exactly is
 * NT_ERROR_UNEXP_NET_ERR; success or another (protected) error status
 * (a server without the FSCTL) is NT_OK. */
uint32_t smb2_validate_check(const smb2_hdr *rh, const uint8_t *m, size_t mlen, bool protected_resp,
                             const smb2_validate_expect *want);

/* ---- keys, signing, pre-auth hash ---- */
typedef struct smb2_keys {
    uint8_t sign[16];
    uint8_t enc[16];   /* client -> server */
    uint8_t dec[16];   /* server -> client */
} smb2_keys;

bool smb2_derive_keys(uint16_t dialect, const uint8_t session_key[16], const uint8_t preauth[64],
                      smb2_keys *k);
/* SHA-512(h || msg) into h. */
bool smb2_preauth_update(uint8_t h[64], const uint8_t *msg, size_t len);
/* Computes the signature of a whole message (its signature field treated as
 * zero) and, for smb2_sign, stores it and sets SMB2_FLAGS_SIGNED. */
bool smb2_sign(uint16_t sign_alg, const uint8_t key[16], uint8_t *msg, size_t len);
/* True when the message's signature verifies (constant-time compare). */
bool smb2_verify(uint16_t sign_alg, const uint8_t key[16], const uint8_t *msg, size_t len);
/* The same on a message the caller owns, without copying it: its signature
 * field is zeroed for the computation and put back before returning. */
bool smb2_verify_mut(uint16_t sign_alg, const uint8_t key[16], uint8_t *msg, size_t len);

/* ---- transform (encryption) ---- */
/* nonce: the 16-byte Nonce field; CCM uses its first 11 bytes, GCM 12 (the
 * caller zeroes the rest).
 * *out is malloc'd: 52-byte transform header + ciphertext. */
uint32_t smb2_encrypt(uint16_t cipher, const uint8_t key[16], uint64_t session_id, const uint8_t nonce[16],
                      const uint8_t *msg, size_t len, uint8_t **out, size_t *outlen);
/* Verifies and decrypts a transform message; checks the session id. */
uint32_t smb2_decrypt(uint16_t cipher, const uint8_t key[16], uint64_t session_id, const uint8_t *in,
                      size_t inlen, uint8_t **out, size_t *outlen);

/* The same four with a key object made once per key (crypto.h
 * nt_aes_key_init; a connection keeps one per session key): k is used for the
 * AES modes, key only for HMAC-SHA256 signing; k NULL = the one-shot path. */
typedef struct nt_aes_key nt_aes_key;
bool smb2_sign_k(uint16_t sign_alg, const uint8_t key[16], nt_aes_key *k, uint8_t *msg, size_t len);
bool smb2_verify_mut_k(uint16_t sign_alg, const uint8_t key[16], nt_aes_key *k, uint8_t *msg, size_t len);
uint32_t smb2_encrypt_k(uint16_t cipher, const uint8_t key[16], nt_aes_key *k, uint64_t session_id,
                        const uint8_t nonce[16], const uint8_t *msg, size_t len, uint8_t **out, size_t *outlen);
uint32_t smb2_decrypt_k(uint16_t cipher, const uint8_t key[16], nt_aes_key *k, uint64_t session_id,
                        const uint8_t *in, size_t inlen, uint8_t **out, size_t *outlen);

/* ---- credits ---- */
typedef struct smb2_credits {
    uint64_t next_msg_id;
    uint32_t balance;
} smb2_credits;

void smb2_credits_init(smb2_credits *cr);
/* Reserves `charge` (>=1) credits for one request; false when not enough. */
bool smb2_credits_take(smb2_credits *cr, uint16_t charge, uint64_t *msg_id);
void smb2_credits_grant(smb2_credits *cr, uint16_t granted);

const char *smb2_cmd_name(uint16_t cmd);

#endif
