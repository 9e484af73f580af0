/*
 * MS-SRVS over DCE/RPC: NetrSessionEnum (opnum 12) and NetrSessionDel
 * (opnum 13), with NDR encoding of the requests and strict decoding of the
 * responses.  Decoding, sizing, packing and level fallback are all driven by
 * the one table of info levels in levels.h.
 */
#ifndef NT_SRVS_H
#define NT_SRVS_H

#include "../common/nt.h"
#include "../dcerpc/dcerpc.h"
#include "levels.h"

#define SRVS_OPNUM_SESSION_ENUM 12
#define SRVS_OPNUM_SESSION_DEL 13

/* Most entries accepted from one response, whatever the server claims. */
#define SRVS_MAX_ENTRIES 65536u

/* Request stub for NetrSessionEnum.  server_unc like L"\\\\host"; client and
 * user NULL for "no filter"; resume_handle NULL for a null pointer. */
bool srvs_encode_session_enum(nt_wr *w, const nt_wchar *server_unc, const nt_wchar *client,
                              const nt_wchar *user, uint32_t level, uint32_t prefmaxlen,
                              const uint32_t *resume_handle);
/* Strictly decodes a NetrSessionEnum response stub for `level`.
 * Returns NT_OK with *werr = the server's NET_API_STATUS, and on werr 0 or
 * ERROR_MORE_DATA the entries in *out; NT_ERROR_UNEXP_NET_ERR when the stub
 * is malformed (short, counts beyond the data, level mismatch, bad strings,
 * trailing garbage); NT_ERROR_NOT_ENOUGH_MEMORY. */
uint32_t srvs_decode_session_enum(const uint8_t *stub, size_t len, uint32_t level, sess_list *out,
                                  uint32_t *werr);
bool srvs_encode_session_del(nt_wr *w, const nt_wchar *server_unc, const nt_wchar *client,
                             const nt_wchar *user);
uint32_t srvs_decode_session_del(const uint8_t *stub, size_t len, uint32_t *werr);

/* The server's answer to one operation, kept apart from the transport's
 * status: its NET_API_STATUS, or the DCE/RPC fault it sent instead. */
typedef struct srvs_answer {
    uint32_t werr;  /* NET_API_STATUS as sent (0 when the server faulted) */
    uint32_t fault; /* fault status as sent, 0 = none */
} srvs_answer;

/* The answer as the caller sees it on Windows: the server's NET_API_STATUS
 * unchanged, a fault as rpc_fault_status maps it. */
uint32_t srvs_answer_status(const srvs_answer *a);

/* The RPC operations on a bound srvsvc connection.  Each returns the
 * transport / protocol status: NT_OK when the server answered, whatever it
 * answered (*ans), otherwise the transport's failure, NT_ERROR_UNEXP_NET_ERR
 * for a malformed answer, NT_ERROR_NOT_ENOUGH_MEMORY, or (before anything is
 * sent) NT_ERROR_INVALID_PARAMETER / NT_ERROR_INVALID_LEVEL for arguments
 * that cannot be encoded.  *out holds entries only when ans->werr is 0 or
 * ERROR_MORE_DATA and there was no fault. */
uint32_t srvs_session_enum(rpc_conn *c, const nt_wchar *server_unc, const nt_wchar *client,
                           const nt_wchar *user, uint32_t level, uint32_t prefmaxlen,
                           uint32_t *resume_handle, sess_list *out, srvs_answer *ans);
uint32_t srvs_session_del(rpc_conn *c, const nt_wchar *server_unc, const nt_wchar *client,
                          const nt_wchar *user, srvs_answer *ans);

/* Bounds on following a server's own paging (srvs_session_enum_all). */
#define SRVS_MAX_PAGES 1024u

/* The whole list at one level: NetrSessionEnum with MAX_PREFERRED_LENGTH,
 * and while the server answers ERROR_MORE_DATA, again with the resume
 * handle it returned, concatenating the pages.  On NT_OK, ans is the final
 * answer (werr 0 with every page in *out, or the first error the server
 * answered, with *out empty).  A server whose paging would not end is a
 * protocol violation, NT_ERROR_UNEXP_NET_ERR: ERROR_MORE_DATA with no resume
 * handle, with the resume handle it was sent, or with no entries; more than
 * SRVS_MAX_PAGES pages; more than SRVS_MAX_ENTRIES entries in all. */
uint32_t srvs_session_enum_all(rpc_conn *c, const nt_wchar *server_unc, const nt_wchar *client,
                               const nt_wchar *user, uint32_t level, sess_list *out, srvs_answer *ans);

#endif
