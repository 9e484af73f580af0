/*
 * Which dialect family a new connection speaks (the connection factory's
 * default, conn.c's connect_server):
 *  - SMB1 disabled (the default, as in Windows 10+): SMB2/3 only.  When a
 *    server does not answer the SMB2 NEGOTIATE in SMB2 (it closes, as Samba
 *    with "server max protocol = NT1" does, or answers in SMB1), a second
 *    connection sends an SMB1-format NEGOTIATE offering only the SMB2
 *    dialects (no SMB1 dialect is ever offered): an answer in SMB1 proves an
 *    SMB1-only server -> ERROR_NOT_SUPPORTED (50), and the trace says how to
 *    enable SMB1; anything else is the protocol failure it was (59).
 *  - SMB1 enabled (NETAPI32_SMB1=1, or HKLM\Software\Wine\netapi32 "Smb1"
 *    = "1" / DWORD 1): an SMB1 multi-protocol NEGOTIATE offering NT LM 0.12,
 *    SMB 2.002 and SMB 2.???; a server answering in SMB2 is then connected
 *    with the SMB2 client (a second TCP connection; never a downgrade), an
 *    SMB1-only server continues in SMB1.
 */
#include "api.h"

#include "../net/nbns.h"
#include "../smb1/smb1.h"
#include "../smb2/smb2.h"

#include <stdlib.h>
#include <string.h>

bool api_smb1_enabled(void)
{
    char *v = nbns_cfg_string("NETAPI32_SMB1", "Smb1");
    bool on = v && (strcmp(v, "1") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "true") == 0);
    free(v);
    return on;
}

uint32_t api_connect_family(const np_target *t, const nt_creds *cr, np_conn *out)
{
    if (api_smb1_enabled()) {
        uint32_t st = smb1_np_connect(t, cr, out);
        if (st != NT_SMB1_SERVER_SPEAKS_SMB2)
            return st;
    }
    uint32_t st = smb2_np_connect(t, cr, out);
    if (st == NT_ERROR_SMB1_ONLY_SERVER && !smb1_server_is_smb1_only(t)) {
        st = NT_ERROR_UNEXP_NET_ERR; /* closed or garbled, not an SMB1 server */
    } else if (st == NT_ERROR_SMB1_ONLY_SERVER) {
        nt_trace("%s speaks only SMB1, which is disabled: set NETAPI32_SMB1=1 (or HKLM\\Software\\Wine\\netapi32 "
                 "\"Smb1\" = 1) to allow it; refusing with ERROR_NOT_SUPPORTED",
                 t->host);
        st = NT_ERROR_NOT_SUPPORTED;
    }
    return st;
}
