/* SMB2 requests on the IPC$ tree as a whole: TREE_CONNECT and the
 * downgrade check FSCTL_VALIDATE_NEGOTIATE_INFO (its codec: smb2_validate.c). */
#include "smb2_conn.h"

#include <stdlib.h>
#include <string.h>

/* L"\\\\server\\IPC$" as UTF-16, or NULL (too long, not convertible). */
static nt_wchar *ipc_path(const char *server, size_t *units)
{
    char *path = malloc(strlen(server) + 9);
    if (!path)
        return NULL;
    strcpy(path, "\\\\");
    strcat(path, server);
    strcat(path, "\\IPC$");
    nt_wchar *wpath = nt_utf8_to_utf16(path, units);
    free(path);
    if (wpath && *units * 2 > 0xFFFF) {
        free(wpath);
        wpath = NULL;
    }
    return wpath;
}

bool smb2_tree_req(nt_wr *w, const char *server)
{
    size_t units = 0;
    nt_wchar *wpath = ipc_path(server, &units);
    if (!wpath)
        return false;
    smb2_req_init(w, 8 + units * 2);
    nt_wr_u16(w, 9);
    nt_wr_u16(w, 0);
    nt_wr_u16(w, SMB2_HDR_LEN + 8);
    nt_wr_u16(w, (uint16_t)(units * 2));
    for (size_t i = 0; i < units; i++)
        nt_wr_u16(w, wpath[i]);
    free(wpath);
    return true;
}

/* The TREE_CONNECT response r (met its expectation): the tree id, a pipe
 * share, encryption when the share asks for it.  Frees r. */
uint32_t smb2_tree_resp(smb2_conn *c, smb2_resp *r)
{
    uint8_t type = 0, resv = 0;
    uint32_t flags = 0;
    nt_rd_u8(&r->body, &type);
    nt_rd_u8(&r->body, &resv);
    nt_rd_u32(&r->body, &flags);
    bool ok = !r->body.bad && type == SMB2_SHARE_TYPE_PIPE && r->h.tree_id != 0 &&
              !(r->h.flags & SMB2_FLAGS_ASYNC_COMMAND);
    c->tree_id = r->h.tree_id;
    smb2_resp_free(r);
    if (!ok)
        return smb2_poison(c, NT_ERROR_UNEXP_NET_ERR);
    if (flags & SMB2_SHAREFLAG_ENCRYPT_DATA) {
        if (!c->have_keys || c->dialect < SMB2_DIALECT_300 || c->cipher == SMB2_CIPHER_NONE)
            return NT_ERROR_ACCESS_DENIED;
        c->encrypting = true;
    }
    return NT_OK;
}

uint32_t smb2_tree_connect(smb2_conn *c, const char *server)
{
    nt_wr w;
    if (!smb2_tree_req(&w, server))
        return NT_ERROR_INVALID_PARAMETER;
    smb2_resp r;
    uint32_t st = smb2_request(c, SMB2_TREE_CONNECT, &w, NULL, &r);
    return st ? st : smb2_tree_resp(c, &r);
}

/* FSCTL_VALIDATE_NEGOTIATE_INFO on the IPC$ tree (signed: the session is).
 * Any status is an answer here (smb2_validate_check judges it), so this is
 * the one request outside the expected-response table. */
uint32_t smb2_validate_negotiate(smb2_conn *c)
{
    nt_wr w;
    smb2_req_init(&w, 128);
    smb2_validate_req_body(&c->neg, &w);
    smb2_hdr rh;
    uint8_t *m = NULL;
    size_t mlen = 0;
    uint32_t st = smb2_call(c, SMB2_IOCTL, &w, 32, NULL, &rh, &m, &mlen);
    nt_wr_free(&w);
    if (st)
        return st;
    smb2_validate_expect want = {c->srv_capabilities, {0}, c->srv_security_mode, c->dialect};
    memcpy(want.guid, c->srv_guid, 16);
    /* smb2_call verified a signed response; an unsigned one got through only
     * with a status that carries nothing (unsigned_ok), refused here. */
    bool protected_resp = c->encrypting || (rh.flags & SMB2_FLAGS_SIGNED);
    st = smb2_validate_check(&rh, m, mlen, protected_resp, &want);
    free(m);
    nt_trace("smb2: validate negotiate: status 0x%08x -> %u", (unsigned)rh.status, (unsigned)st);
    return st ? smb2_poison(c, st) : NT_OK;
}
