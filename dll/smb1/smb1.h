/*
 * SMB1 (CIFS, dialect "NT LM 0.12") client as the second implementation of
 * the pipe-transport interface (pipe/pipe.h), for servers that speak no
 * SMB2: Windows 2000/XP/2003, Samba 3, old NAS boxes, RAP-only servers.
 *
 * One file per command family:
 *   smb1_proto.c      pure codecs (no I/O): header, AndX chain walk, MD5
 *                     signing, TRANSACTION response parsing
 *   smb1_conn.c       framing, signing of each message, one deadline per
 *                     request, the request/response check, connect/close
 *   smb1_negotiate.c  multi-protocol NEGOTIATE
 *   smb1_session.c    SESSION_SETUP_ANDX (extended security) through auth.h
 *   smb1_session_raw.c SESSION_SETUP_ANDX without extended security (NTLMv2/LMv2
 *                     against the NEGOTIATE challenge, ntlm_v2_bare)
 *   smb1_tree.c       TREE_CONNECT_ANDX IPC$
 *   smb1_pipe.c       NT_CREATE_ANDX, TransactNmPipe, READ_ANDX, WRITE_ANDX, CLOSE
 *   smb1_trans.c      TRANSACTION (named-pipe transactions; RAP on \PIPE\LANMAN)
 *   smb1_np.c         all of it as np_conn / np_pipe (smb1_np_connect)
 *
 * Security: extended security (SPNEGO through the same auth interface as
 * SMB2) when the server offers it, else NTLMv2/LMv2 against its challenge;
 * never LM, NTLMv1 or plaintext passwords; NT status codes required.  With credentials the session is always signed (MS-SMB 3.1.5.1
 * MD5 signatures with sequence numbers) whatever the server's SecurityMode
 * says, every response's signature is verified, and a guest session is
 * refused (NT_ERROR_SMB_GUEST_LOGON_BLOCKED), exactly as on SMB2.
 */
#ifndef NT_SMB1_H
#define NT_SMB1_H

#include "../pipe/pipe.h"

/* smb1_np_connect's answer when the multi-protocol NEGOTIATE was answered
 * in SMB2 (the server speaks SMB2/3): nothing more was sent; the caller
 * connects with SMB2 instead (never downgraded).  Internal, never returned
 * to an application. */
#define NT_SMB1_SERVER_SPEAKS_SMB2 0x5342u /* outside the Win32 code range we use */

/* Whether the server at t answers an SMB1 NEGOTIATE that offers only the
 * SMB2 dialects ("SMB 2.002", "SMB 2.???", no SMB1 dialect) in SMB1, i.e.
 * speaks only SMB1 (as Windows tells "SMB1 disabled" from a broken server).
 * One connection, no logon; used only after an SMB2 NEGOTIATE failed. */
bool smb1_server_is_smb1_only(const np_target *t);

/* The SMB1 family's np_connect_fn (pipe.h). */
uint32_t smb1_np_connect(const np_target *t, const nt_creds *creds, np_conn *out);

#endif
