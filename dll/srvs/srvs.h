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

/* The RPC operations on a bound srvsvc connection.  Return a transport /
 * RPC error, or the server's NET_API_STATUS (NT_OK, NT_ERROR_MORE_DATA with
 * a partial list, NT_ERROR_ACCESS_DENIED, NT_ERROR_INVALID_LEVEL, ...). */
uint32_t srvs_session_enum(rpc_conn *c, const nt_wchar *server_unc, const nt_wchar *client,
                           const nt_wchar *user, uint32_t level, uint32_t prefmaxlen,
                           uint32_t *resume_handle, sess_list *out);
uint32_t srvs_session_del(rpc_conn *c, const nt_wchar *server_unc, const nt_wchar *client,
                          const nt_wchar *user);

#endif
