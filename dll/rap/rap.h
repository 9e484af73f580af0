/*
 * RAP (Remote Administration Protocol, MS-RAP; LAN Manager's remote API) for
 * the session functions, as servers without srvsvc answer it on \PIPE\LANMAN
 * over SMB1 TRANSACTION: the request parameter blocks (there is no request
 * data block) and strict decoders of the response parameter and data blocks.
 * The codec only: the SMB1 transport that carries it comes later (issue 11
 * item 1, after the pipe-transport interface of issue 9).
 *
 * Request parameters: RAPOpcode (u16), ParamDesc and DataDesc (ASCIIZ), then
 * the parameters ParamDesc names, little-endian:
 *   NetSessionEnum    6  "WrLeh"  level (W), receive buffer size (L)
 *   NetSessionGetInfo 7  "zWrLh"  client name (z), level (W), buffer size (L)
 *   NetSessionDel     8  "zW"     client name (z), reserved 0 (W); DataDesc ""
 * Response parameters: status (u16), converter (u16), then for Enum
 * EntriesReturned and EntriesAvailable (e, h), for GetInfo
 * TotalBytesAvailable (h).  Response data: fixed-size records as DataDesc
 * says ('z' a 32-bit string pointer, 'W' u16, 'D' u32); a string pointer's
 * low 16 bits minus the converter is the offset of an ASCIIZ string in the
 * data block (0 is a null pointer).
 *
 * RAP levels (DataDesc) and what they yield in our records (levels.h):
 *   0  "z"          cname
 *   1  "zzWWWDDD"   cname, username, [num_conns], num_opens, [num_users],
 *                   time, idle_time, user_flags
 *   2  "zzWWWDDDz"  level 1 + cltype_name            (Samba serves only this)
 *   10 "zzDD"       cname, username, time, idle_time
 * ([..]: RAP fields our levels have no place for, dropped.)  RAP has no
 * transport name: level 502's sesi502_transport is an empty string, never
 * invented.  Strings are the server's OEM code page, which the protocol does
 * not name: bytes 0x80..0xFF are taken as Latin-1.
 *
 * Status: a RAP status is a LAN Manager code, numbered as the Win32/NERR
 * codes (lmerr.h), so it passes through unchanged, except NERR_NoSuchSession
 * (2461, OS/2 LAN Server) which the Win32 session functions report as
 * NERR_ClientNameNotFound (2312).
 */
#ifndef NT_RAP_H
#define NT_RAP_H

#include "../common/nt.h"
#include "../srvs/levels.h"

#define RAP_OP_SESSION_ENUM 6u
#define RAP_OP_SESSION_GETINFO 7u
#define RAP_OP_SESSION_DEL 8u

#define NT_NERR_BufTooSmall 2123u
#define NT_NERR_InvalidAPI 2142u
#define NT_NERR_NoSuchSession 2461u

/* Most entries accepted from one response (a 64 KiB data block holds at most
 * 65535 / 4 records of the smallest level). */
#define RAP_MAX_ENTRIES 16384u
/* Longest string accepted or sent (bytes, without the NUL). */
#define RAP_MAX_STR 1024u

/* The RAP DataDesc of a RAP level (0, 1, 2, 10); NULL for any other. */
const char *rap_session_desc(uint16_t rap_level);
/* Fixed record size of a RAP level, 0 when unknown. */
size_t rap_session_record_size(uint16_t rap_level);
/* The RAP levels that can serve our level `level`, best first; returns how
 * many (0: none).  0 -> {0, 2}, 1 -> {1, 2}, 2 -> {2}, 10 -> {10, 2},
 * 502 -> {2}.  A server refusing one (ERROR_INVALID_LEVEL,
 * ERROR_NOT_SUPPORTED: see rap_status_refuses_level) gets the next. */
unsigned rap_session_levels_for(uint32_t level, uint16_t out[2]);
bool rap_status_refuses_level(uint32_t status);

/* Request parameter blocks.  client: UTF-16 as the caller gave it (Latin-1
 * only, at most RAP_MAX_STR; NULL or empty is sent as an empty string).
 * False on bad arguments (unknown level, unencodable name) or writer failure. */
bool rap_encode_session_enum(nt_wr *w, uint16_t rap_level, uint16_t bufsize);
bool rap_encode_session_getinfo(nt_wr *w, const nt_wchar *client, uint16_t rap_level, uint16_t bufsize);
bool rap_encode_session_del(nt_wr *w, const nt_wchar *client);

/* The server's status mapped as described above. */
uint32_t rap_map_status(uint16_t rap_status);

/* Response decoders.  Return NT_OK with *status = the mapped server status
 * and, for status 0 or ERROR_MORE_DATA, the records presented at our level
 * `level` (fields that level has; what RAP lacks is "" or 0; out->level =
 * level); NT_ERROR_UNEXP_NET_ERR when the response is malformed (short
 * blocks, entry counts beyond the data, string offsets outside it or into
 * the fixed records, unterminated or over-long strings);
 * NT_ERROR_INVALID_LEVEL when `level` cannot be served from rap_level;
 * NT_ERROR_NOT_ENOUGH_MEMORY.  total_entries = max(EntriesAvailable,
 * EntriesReturned): a hint only (Samba sends 0 as EntriesAvailable, and
 * every fixed record in EntriesReturned even when their strings did not
 * fit).  With ERROR_MORE_DATA only the leading records that are certainly
 * whole are kept and out->missing = total_entries - kept (0 on success: a
 * successful answer is the whole list, whatever its counts say): a null string
 * pointer ends them (MS-RAP 2.5.11: a string that did not fit), and so does,
 * when the data block is exactly bufsize bytes (the ReceiveBufferSize
 * asked; 0 = unknown), a string ending on its last byte (Samba cuts the
 * string that overflows to the room left). */
uint32_t rap_decode_session_enum_buf(const uint8_t *par, size_t plen, const uint8_t *data, size_t dlen,
                                     size_t bufsize, uint16_t rap_level, uint32_t level, sess_list *out,
                                     uint32_t *status);
/* The same with bufsize 0. */
uint32_t rap_decode_session_enum(const uint8_t *par, size_t plen, const uint8_t *data, size_t dlen,
                                 uint16_t rap_level, uint32_t level, sess_list *out, uint32_t *status);
/* GetInfo: one record into *out.  *needed (optional) receives
 * TotalBytesAvailable, what a retry with NERR_BufTooSmall / ERROR_MORE_DATA
 * needs as buffer size. */
uint32_t rap_decode_session_getinfo(const uint8_t *par, size_t plen, const uint8_t *data, size_t dlen,
                                    uint16_t rap_level, uint32_t level, sess_info *out, uint32_t *status,
                                    uint16_t *needed);
uint32_t rap_decode_session_del(const uint8_t *par, size_t plen, uint32_t *status);

#endif
