/*
 * SMB1 internals shared by the per-command files (smb1.h lists them) and
 * exposed to tests/test_smb1.c and the fuzz targets; not the layer's contract.
 */
#ifndef NT_SMB1_INT_H
#define NT_SMB1_INT_H

#include "smb1.h"

#define SMB1_HDR_LEN 32u
/* Largest message accepted (NetBIOS length: 17 bits for SMB1). */
#define SMB1_MAX_MSG 0x1FFFFu
/* Longest AndX chain walked in a response. */
#define SMB1_MAX_ANDX 8u

/* commands */
#define SMB1_COM_CLOSE            0x04
#define SMB1_COM_TRANSACTION      0x25
#define SMB1_COM_READ_ANDX        0x2E
#define SMB1_COM_WRITE_ANDX       0x2F
#define SMB1_COM_TREE_DISCONNECT  0x71
#define SMB1_COM_NEGOTIATE        0x72
#define SMB1_COM_SESSION_SETUP    0x73
#define SMB1_COM_LOGOFF_ANDX      0x74
#define SMB1_COM_TREE_CONNECT     0x75
#define SMB1_COM_NT_CREATE_ANDX   0xA2
#define SMB1_NO_ANDX              0xFF

/* header flags */
#define SMB1_FLAGS_CASE_INSENSITIVE 0x08
#define SMB1_FLAGS_CANONICAL        0x10
#define SMB1_FLAGS_REPLY            0x80
#define SMB1_FLAGS2_LONG_NAMES      0x0001
#define SMB1_FLAGS2_SIGNATURE       0x0004
#define SMB1_FLAGS2_EXT_SEC         0x0800
#define SMB1_FLAGS2_NT_STATUS       0x4000
#define SMB1_FLAGS2_UNICODE         0x8000

/* negotiate */
#define SMB1_SECMODE_USER           0x01
#define SMB1_SECMODE_ENCRYPT        0x02 /* challenge/response passwords (else plaintext) */
#define SMB1_SECMODE_SIGN_ENABLED   0x04
#define SMB1_SECMODE_SIGN_REQUIRED  0x08
#define SMB1_CAP_UNICODE            0x00000004u
#define SMB1_CAP_LARGE_FILES        0x00000008u
#define SMB1_CAP_NT_SMBS            0x00000010u
#define SMB1_CAP_STATUS32           0x00000040u
#define SMB1_CAP_EXTENDED_SECURITY  0x80000000u

#define SMB1_TRANS_NMPIPE 0x0026

typedef struct smb1_hdr {
    uint8_t command;
    uint32_t status;
    uint8_t flags;
    uint16_t flags2;
    uint16_t pid_high;
    uint8_t sig[8];
    uint16_t tid, pid, uid, mid;
} smb1_hdr;

void smb1_hdr_encode(const smb1_hdr *h, uint8_t out[SMB1_HDR_LEN]);
/* Parses a response header: 0xFF 'SMB', the REPLY flag.  NT_OK or
 * NT_ERROR_UNEXP_NET_ERR. */
uint32_t smb1_hdr_parse(const uint8_t *msg, size_t len, smb1_hdr *h);

/* One command block of a message: its words and bytes (pointing into it). */
typedef struct smb1_block {
    uint8_t command;
    const uint8_t *words; /* wordcount * 2 bytes */
    uint8_t wordcount;
    const uint8_t *bytes;
    uint16_t bytecount;
    size_t offset;        /* of the WordCount byte from the header start */
} smb1_block;

/*
 * Walks the command blocks of message msg (header included) starting with
 * the header's command: each block's words and bytes must lie inside the
 * message; an AndX block (andx true for a command) names the next command
 * and its offset, which must lie past the end of the current block (chains
 * only advance: no loops) and inside the message; at most SMB1_MAX_ANDX
 * blocks.  Fills up to max blocks (*n their count).  NT_OK or
 * NT_ERROR_UNEXP_NET_ERR.
 */
uint32_t smb1_walk(const uint8_t *msg, size_t len, smb1_block *out, size_t max, size_t *n);
/* True for the commands whose first four parameter bytes are the AndX
 * header (AndXCommand, reserved, AndXOffset). */
bool smb1_is_andx(uint8_t command);

/* MS-SMB 3.1.5.1 / MS-CIFS 3.1.4.1: the first 8 bytes of
 * MD5(mac_key || message with SecuritySignature = seq (u32 LE) || 0). */
bool smb1_sign(const uint8_t *key, size_t keylen, uint32_t seq, uint8_t *msg, size_t len);
bool smb1_verify(const uint8_t *key, size_t keylen, uint32_t seq, uint8_t *msg, size_t len);

/* One TRANSACTION response message: a part of the answer (MS-CIFS
 * 2.2.4.33.2).  param/data point into msg; the displacements say where the
 * part's bytes go in the whole answer of total_param / total_data bytes. */
typedef struct smb1_trans_resp {
    size_t total_param, total_data;
    const uint8_t *param;
    size_t paramlen, param_disp;
    const uint8_t *data;
    size_t datalen, data_disp;
} smb1_trans_resp;

/* Parses the TRANSACTION response block b of msg: WordCount matching the
 * SetupCount, both byte ranges inside the message past the words, each
 * part inside its total (displacement + count <= total).  NT_OK or
 * NT_ERROR_UNEXP_NET_ERR. */
uint32_t smb1_trans_parse(const uint8_t *msg, size_t len, const smb1_block *b, smb1_trans_resp *out);

/* Most messages one TRANSACTION answer may come in: a 64 KiB answer in
 * parts of at least 1 KiB (the smallest MaxBufferSize we accept, see
 * smb1_negotiate.c) is 64 messages, twice that for both blocks. */
#define SMB1_MAX_TRANS_PARTS 128u

/* Reassembly of a TRANSACTION answer sent in one or more messages.  The
 * parts must come in order (each displacement equal to what was received
 * so far: what servers do; anything else is refused, never a hole or an
 * overlap), each adding at least one byte until the answer is whole; the
 * totals of the first part must not exceed what was asked for (max_param,
 * max_data) and later parts may lower them (MS-CIFS allows it) but never
 * below what has arrived nor raise them; at most SMB1_MAX_TRANS_PARTS
 * parts. */
typedef struct smb1_trans_acc {
    uint32_t max_param, max_data;
    size_t total_param, total_data;
    size_t got_param, got_data;
    uint8_t *param, *data; /* malloc'd, the first part's totals long */
    unsigned parts;
} smb1_trans_acc;

void smb1_trans_acc_init(smb1_trans_acc *a, uint32_t max_param, uint32_t max_data);
/* Adds the part in block b of msg.  NT_OK (*done true once the answer is
 * whole), NT_ERROR_UNEXP_NET_ERR for a part breaking the rules above,
 * NT_ERROR_NOT_ENOUGH_MEMORY. */
uint32_t smb1_trans_acc_add(smb1_trans_acc *a, const uint8_t *msg, size_t len, const smb1_block *b, bool *done);
void smb1_trans_acc_free(smb1_trans_acc *a);

/* A READ_ANDX response block: the data (pointing into msg). */
uint32_t smb1_read_parse(const uint8_t *msg, size_t len, const smb1_block *b, size_t cap, const uint8_t **data,
                         size_t *datalen);

/* NEGOTIATE response (NT LM 0.12, MS-CIFS 2.2.4.52.2 / MS-SMB 2.2.4.5.2.1). */
typedef struct smb1_neg_resp {
    uint16_t dialect_index;
    uint8_t security_mode;
    uint16_t max_mpx;
    uint32_t max_buffer;
    uint32_t capabilities;
    bool extsec;            /* CAP_EXTENDED_SECURITY */
    const uint8_t *secblob; /* extsec: after the 16-byte server GUID, may be empty */
    size_t secbloblen;
    uint8_t challenge[8];   /* !extsec: the EncryptionKey */
    uint8_t challenge_len;  /* !extsec: 0 (none: plaintext or share level) or 8 */
} smb1_neg_resp;

/* WordCount 17; with extended security at least the server GUID; without
 * it ChallengeLength 0 or 8 and inside the bytes.  NT_OK or
 * NT_ERROR_UNEXP_NET_ERR. */
uint32_t smb1_neg_parse(const uint8_t *msg, size_t len, smb1_neg_resp *out);

/* The words and bytes of a SESSION_SETUP_ANDX request without extended
 * security (MS-CIFS 2.2.4.53.1, WordCount 13) after the header in w:
 * OEMPassword lm, UnicodePassword nt (both may be empty), then UTF-16
 * AccountName, PrimaryDomain and empty NativeOS / NativeLanMan. */
void smb1_raw_setup_encode(nt_wr *w, const uint8_t *lm, size_t lmlen, const uint8_t *nt, size_t ntlen,
                           const char *user, const char *domain);
/* The MAC key of such a session (MS-CIFS 3.1.4.1, 3.2.5.3): SessionBaseKey
 * || the UnicodePassword sent; false when it exceeds cap. */
bool smb1_raw_mac_key(const uint8_t base_key[16], const uint8_t *nt, size_t ntlen, uint8_t *key, size_t cap,
                      size_t *keylen);

const char *smb1_cmd_name(uint8_t cmd);

#endif
