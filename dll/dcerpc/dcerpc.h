/*
 * Connection-oriented DCE/RPC (C706 + MS-RPCE) over a byte-stream transport
 * (an SMB2 named pipe in the DLL, a fake in unit tests): BIND/BIND_ACK with
 * NDR 2.0 transfer syntax, REQUEST/RESPONSE with fragmentation in both
 * directions and reassembly of multi-fragment responses.  A FAULT is the
 * server's answer, not a transport failure: rpc_call reports it apart from
 * its status, and rpc_fault_status maps it to the Win32 code Windows' RPC
 * runtime gives.  No authentication at this level (the pipe is on an SMB
 * session that is already signed).
 */
#ifndef NT_DCERPC_H
#define NT_DCERPC_H

#include "../common/nt.h"

typedef struct rpc_transport {
    void *ctx;
    /* Send one message, return the first chunk of the reply (see
     * smb2_pipe_transceive: NT_OK or NT_ERROR_MORE_DATA with *got bytes). */
    uint32_t (*transceive)(void *ctx, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap, size_t *got);
    /* Read further reply bytes. */
    uint32_t (*read)(void *ctx, uint8_t *out, size_t cap, size_t *got);
    /* Write without reading (all but the last fragment of a large request). */
    uint32_t (*write)(void *ctx, const uint8_t *in, size_t inlen);
} rpc_transport;

typedef struct rpc_conn {
    rpc_transport t;
    uint32_t next_call_id;
    uint16_t max_xmit_frag; /* negotiated */
    uint16_t max_recv_frag;
    uint32_t assoc_group;
    bool bound;
} rpc_conn;

typedef struct rpc_syntax {
    uint8_t uuid[16];   /* wire (little-endian fields) order */
    uint16_t ver_major;
    uint16_t ver_minor;
} rpc_syntax;

extern const rpc_syntax RPC_SRVSVC_SYNTAX;  /* 4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0 */
extern const rpc_syntax RPC_NDR20_SYNTAX;   /* 8a885d04-1ceb-11c9-9fe8-08002b104860 v2 */

void rpc_init(rpc_conn *c, const rpc_transport *t);
/* BIND; NT_RPC_S_SERVER_UNAVAILABLE / NT_RPC_S_UNKNOWN_IF on bind_nak or a
 * rejected presentation context, NT_ERROR_UNEXP_NET_ERR on malformed replies. */
uint32_t rpc_bind(rpc_conn *c, const rpc_syntax *iface);
/* REQUEST opnum with stub data.  Returns the transport / protocol status:
 * NT_OK when the server answered.  Its answer is either a RESPONSE (*fault
 * 0, *resp (malloc'd, caller frees) the reassembled stub data) or a FAULT
 * (*fault = the fault status as sent, never 0; *resp NULL).  A fault leaves
 * the association usable.  Any other return is the transport's failure or
 * a protocol violation (NT_ERROR_UNEXP_NET_ERR: the stream is out of step,
 * c->bound is cleared). */
uint32_t rpc_call(rpc_conn *c, uint16_t opnum, const uint8_t *stub, size_t stublen, uint8_t **resp,
                  size_t *resplen, uint32_t *fault);
/* The Win32 code for a fault status, as Windows' RPC runtime raises it:
 * the NCA codes (C706 appendix E) become their RPC_S_* / RPC_X_* codes
 * (e.g. nca_s_op_rng_error 0x1c010002 -> RPC_S_PROCNUM_OUT_OF_RANGE 1745,
 * nca_s_unk_if 0x1c010003 -> RPC_S_UNKNOWN_IF 1717); every other value, such
 * as 5 (access denied) or 0x6f7 (RPC_X_BAD_STUB_DATA), is passed through
 * unchanged; a fault status of 0 or ERROR_MORE_DATA (a fault is never a
 * success nor a partial result) is RPC_S_CALL_FAILED. */
uint32_t rpc_fault_status(uint32_t fault);

/* ---- PDU codecs exposed for unit tests ---- */
#define RPC_PTYPE_REQUEST 0
#define RPC_PTYPE_RESPONSE 2
#define RPC_PTYPE_FAULT 3
#define RPC_PTYPE_BIND 11
#define RPC_PTYPE_BIND_ACK 12
#define RPC_PTYPE_BIND_NAK 13
#define RPC_PFC_FIRST_FRAG 0x01
#define RPC_PFC_LAST_FRAG 0x02

typedef struct rpc_hdr {
    uint8_t ptype;
    uint8_t flags;
    uint16_t frag_len;
    uint16_t auth_len;
    uint32_t call_id;
} rpc_hdr;

/* Parses and validates the 16-byte common header (version 5.0, little-endian
 * data representation, frag_len >= 16 and <= len when full is true). */
bool rpc_parse_hdr(const uint8_t *p, size_t len, rpc_hdr *h);
bool rpc_build_bind(nt_wr *w, uint32_t call_id, const rpc_syntax *iface, uint16_t max_xmit, uint16_t max_recv);
bool rpc_build_request(nt_wr *w, uint32_t call_id, uint16_t opnum, uint8_t flags, uint32_t alloc_hint,
                       const uint8_t *stub, size_t stublen);

#endif
