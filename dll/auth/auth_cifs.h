/* Starting a logon to an SMB server: the mechanism (auth.h) for the service
 * principal cifs/<server>, from this machine's NetBIOS name.  Shared by the
 * SMB dialect families (dll/smb1 today; smb2_session.c's start_auth is the
 * same and can call it). */
#ifndef NT_AUTH_CIFS_H
#define NT_AUTH_CIFS_H

#include "auth.h"

uint32_t auth_start_cifs(const auth_mech *mech, const char *server, const nt_creds *creds, auth_ctx **a,
                         uint8_t **tok, size_t *toklen);

#endif
