/* SMB1 TREE_CONNECT_ANDX to \\server\IPC$ (share-level password: none),
 * and the UTF-16 string writer the per-command files share. */
#include "smb1_conn.h"

#include <stdlib.h>
#include <string.h>

bool smb1_wr_utf16z(nt_wr *w, const char *s)
{
    size_t n = 0;
    nt_wchar *u = nt_utf8_to_utf16(s, &n);
    if (!u)
        return false;
    for (size_t i = 0; i < n; i++)
        nt_wr_u16(w, u[i]);
    free(u);
    return nt_wr_u16(w, 0);
}

uint32_t smb1_tree_connect(smb1_conn *c, const char *server)
{
    size_t n = strlen(server);
    if (n > 255)
        return NT_ERROR_INVALID_PARAMETER;
    char path[300];
    memcpy(path, "\\\\", 2);
    memcpy(path + 2, server, n);
    memcpy(path + 2 + n, "\\IPC$", 6);
    nt_wr w;
    smb1_req_init(&w, SMB1_COM_TREE_CONNECT, 64 + 2 * n);
    nt_wr_u8(&w, 4);
    nt_wr_u8(&w, SMB1_NO_ANDX);
    nt_wr_u8(&w, 0);
    nt_wr_u16(&w, 0);
    nt_wr_u16(&w, 0); /* Flags */
    nt_wr_u16(&w, 1); /* PasswordLength */
    size_t bc = w.len;
    nt_wr_u16(&w, 0);
    nt_wr_u8(&w, 0); /* Password */
    nt_wr_align(&w, 2);
    if (!smb1_wr_utf16z(&w, path))
        w.bad = true;
    nt_wr_bytes(&w, "?????", 6);
    nt_wr_put_u16_at(&w, bc, (uint16_t)(w.len - bc - 2));
    smb1_resp r;
    uint32_t st = smb1_request(c, &w, 0, &r);
    if (st)
        return st;
    if (r.b.wordcount < 2 || r.h.tid == 0xFFFF) {
        smb1_resp_free(&r);
        return smb1_poison(c, NT_ERROR_UNEXP_NET_ERR);
    }
    c->tid = r.h.tid;
    smb1_resp_free(&r);
    return NT_OK;
}
