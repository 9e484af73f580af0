/* SMB2/3 message codecs (header, NEGOTIATE, credits, the status map), free
 * of any I/O so the unit tests can drive them with fixed vectors (MS-SMB2
 * 2.2).  Per-message crypto: smb2_crypto.c. */
#include "smb2_int.h"

#include "../crypto/crypto.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t smb2_magic[4] = { 0xFE, 'S', 'M', 'B' };

const char *smb2_cmd_name(uint16_t cmd)
{
    switch (cmd) {
    case SMB2_NEGOTIATE: return "NEGOTIATE";
    case SMB2_SESSION_SETUP: return "SESSION_SETUP";
    case SMB2_LOGOFF: return "LOGOFF";
    case SMB2_TREE_CONNECT: return "TREE_CONNECT";
    case SMB2_TREE_DISCONNECT: return "TREE_DISCONNECT";
    case SMB2_CREATE: return "CREATE";
    case SMB2_CLOSE: return "CLOSE";
    case SMB2_READ: return "READ";
    case SMB2_WRITE: return "WRITE";
    case SMB2_IOCTL: return "IOCTL";
    default: return "?";
    }
}

/* ---- header ---------------------------------------------------------------- */

void smb2_hdr_encode(const smb2_hdr *h, uint8_t out[SMB2_HDR_LEN])
{
    memset(out, 0, SMB2_HDR_LEN);
    memcpy(out, smb2_magic, 4);
    nt_put_le16(out + 4, SMB2_HDR_LEN);
    nt_put_le16(out + 6, h->credit_charge);
    nt_put_le32(out + 8, h->status);
    nt_put_le16(out + 12, h->command);
    nt_put_le16(out + 14, h->credits);
    nt_put_le32(out + 16, h->flags);
    nt_put_le32(out + 20, h->next);
    nt_put_le64(out + 24, h->msg_id);
    nt_put_le32(out + 32, 0x0000FEFFu); /* Reserved (ProcessId), as Windows sends */
    nt_put_le32(out + 36, h->tree_id);
    nt_put_le64(out + 40, h->session_id);
    memcpy(out + 48, h->sig, 16);
}

uint32_t smb2_hdr_parse(const uint8_t *msg, size_t len, smb2_hdr *h)
{
    memset(h, 0, sizeof(*h));
    if (!msg || len < SMB2_HDR_LEN || memcmp(msg, smb2_magic, 4) != 0 || nt_le16(msg + 4) != SMB2_HDR_LEN)
        return NT_ERROR_UNEXP_NET_ERR;
    h->credit_charge = nt_le16(msg + 6);
    h->status = nt_le32(msg + 8);
    h->command = nt_le16(msg + 12);
    h->credits = nt_le16(msg + 14);
    h->flags = nt_le32(msg + 16);
    h->next = nt_le32(msg + 20);
    h->msg_id = nt_le64(msg + 24);
    if (h->flags & SMB2_FLAGS_ASYNC_COMMAND)
        h->async_id = nt_le64(msg + 32);
    else
        h->tree_id = nt_le32(msg + 36);
    h->session_id = nt_le64(msg + 40);
    memcpy(h->sig, msg + 48, 16);
    if (!(h->flags & SMB2_FLAGS_SERVER_TO_REDIR))
        return NT_ERROR_UNEXP_NET_ERR;  /* not a response */
    /* an element of a compound response comes cut to its NextCommand
     * (smb2_chain_split); a whole message says 0 */
    if (h->next != 0 && h->next != len)
        return NT_ERROR_UNEXP_NET_ERR;
    return NT_OK;
}

/* ---- negotiate -------------------------------------------------------------- */

static const uint16_t all_dialects[5] = { SMB2_DIALECT_202, SMB2_DIALECT_210, SMB2_DIALECT_300,
                                          SMB2_DIALECT_302, SMB2_DIALECT_311 };

static bool known_dialect(uint16_t d)
{
    for (size_t i = 0; i < 5; i++)
        if (all_dialects[i] == d)
            return true;
    return false;
}

bool smb2_neg_req_init(smb2_neg_req *req, uint16_t min_dialect, uint16_t max_dialect)
{
    memset(req, 0, sizeof(*req));
    if (!min_dialect)
        min_dialect = SMB2_DIALECT_202;
    if (!max_dialect)
        max_dialect = SMB2_DIALECT_311;
    if (!known_dialect(min_dialect) || !known_dialect(max_dialect) || min_dialect > max_dialect)
        return false;
    for (size_t i = 0; i < 5; i++)
        if (all_dialects[i] >= min_dialect && all_dialects[i] <= max_dialect)
            req->dialects[req->ndialects++] = all_dialects[i];
    req->security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED;
    if (max_dialect >= SMB2_DIALECT_300)
        req->capabilities = SMB2_GLOBAL_CAP_ENCRYPTION;
    if (!nt_random(req->client_guid, sizeof(req->client_guid)) || !nt_random(req->salt, sizeof(req->salt)))
        return false;
    return true;
}

static bool offers_311(const smb2_neg_req *req)
{
    return req->ndialects && req->dialects[req->ndialects - 1] == SMB2_DIALECT_311;
}

bool smb2_neg_req_body(const smb2_neg_req *req, nt_wr *w)
{
    bool ctx = offers_311(req);
    nt_wr_u16(w, 36);
    nt_wr_u16(w, (uint16_t)req->ndialects);
    nt_wr_u16(w, req->security_mode);
    nt_wr_u16(w, 0);
    nt_wr_u32(w, req->capabilities);
    nt_wr_bytes(w, req->client_guid, 16);
    size_t ctxoff_pos = w->len;
    nt_wr_u32(w, 0);  /* NegotiateContextOffset (or ClientStartTime) */
    nt_wr_u16(w, 0);  /* NegotiateContextCount */
    nt_wr_u16(w, 0);
    for (size_t i = 0; i < req->ndialects; i++)
        nt_wr_u16(w, req->dialects[i]);
    if (ctx) {
        /* Offsets are relative to the SMB2 header, which starts the buffer. */
        nt_wr_align(w, 8);
        nt_wr_put_u32_at(w, ctxoff_pos, (uint32_t)w->len);
        nt_wr_put_u16_at(w, ctxoff_pos + 4, 3);
        /* PREAUTH_INTEGRITY_CAPABILITIES: SHA-512, 32-byte salt */
        nt_wr_u16(w, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
        nt_wr_u16(w, 38);
        nt_wr_u32(w, 0);
        nt_wr_u16(w, 1);
        nt_wr_u16(w, 32);
        nt_wr_u16(w, SMB2_HASH_SHA512);
        nt_wr_bytes(w, req->salt, 32);
        nt_wr_align(w, 8);
        /* ENCRYPTION_CAPABILITIES: GCM preferred, CCM */
        nt_wr_u16(w, SMB2_ENCRYPTION_CAPABILITIES);
        nt_wr_u16(w, 6);
        nt_wr_u32(w, 0);
        nt_wr_u16(w, 2);
        nt_wr_u16(w, SMB2_CIPHER_AES128_GCM);
        nt_wr_u16(w, SMB2_CIPHER_AES128_CCM);
        nt_wr_align(w, 8);
        /* SIGNING_CAPABILITIES: GMAC preferred, CMAC */
        nt_wr_u16(w, SMB2_SIGNING_CAPABILITIES);
        nt_wr_u16(w, 6);
        nt_wr_u32(w, 0);
        nt_wr_u16(w, 2);
        nt_wr_u16(w, SMB2_SIGN_AES_GMAC);
        nt_wr_u16(w, SMB2_SIGN_AES_CMAC);
    }
    return !w->bad;
}

static bool offered(const smb2_neg_req *req, uint16_t d)
{
    for (size_t i = 0; i < req->ndialects; i++)
        if (req->dialects[i] == d)
            return true;
    return false;
}

static uint32_t parse_neg_contexts(const uint8_t *msg, size_t len, uint32_t off, uint16_t count,
                                   smb2_neg_resp *out)
{
    bool have_preauth = false, have_enc = false, have_sign = false;
    if (count == 0 || off < SMB2_HDR_LEN + 64 || off > len || (off & 7))
        return NT_ERROR_UNEXP_NET_ERR;
    nt_rd r;
    nt_rd_init(&r, msg, len);
    nt_rd_seek(&r, off);
    for (uint16_t i = 0; i < count; i++) {
        if (i && !nt_rd_align(&r, 8))
            return NT_ERROR_UNEXP_NET_ERR;
        uint16_t type = 0, dlen = 0;
        uint32_t resv = 0;
        nt_rd_u16(&r, &type);
        nt_rd_u16(&r, &dlen);
        nt_rd_u32(&r, &resv);
        const uint8_t *d = nt_rd_ptr(&r, dlen);
        if (r.bad || !d)
            return NT_ERROR_UNEXP_NET_ERR;
        nt_rd dr;
        nt_rd_init(&dr, d, dlen);
        if (type == SMB2_PREAUTH_INTEGRITY_CAPABILITIES) {
            uint16_t nalg = 0, saltlen = 0, alg = 0;
            nt_rd_u16(&dr, &nalg);
            nt_rd_u16(&dr, &saltlen);
            nt_rd_u16(&dr, &alg);
            nt_rd_skip(&dr, saltlen);
            if (dr.bad || have_preauth || nalg != 1 || alg != SMB2_HASH_SHA512)
                return NT_ERROR_UNEXP_NET_ERR;
            have_preauth = true;
        } else if (type == SMB2_ENCRYPTION_CAPABILITIES) {
            uint16_t n = 0, c = 0;
            nt_rd_u16(&dr, &n);
            nt_rd_u16(&dr, &c);
            if (dr.bad || have_enc || n != 1 ||
                (c != SMB2_CIPHER_NONE && c != SMB2_CIPHER_AES128_CCM && c != SMB2_CIPHER_AES128_GCM))
                return NT_ERROR_UNEXP_NET_ERR;
            out->cipher = c;
            have_enc = true;
        } else if (type == SMB2_SIGNING_CAPABILITIES) {
            uint16_t n = 0, a = 0;
            nt_rd_u16(&dr, &n);
            nt_rd_u16(&dr, &a);
            if (dr.bad || have_sign || n != 1 || (a != SMB2_SIGN_AES_CMAC && a != SMB2_SIGN_AES_GMAC))
                return NT_ERROR_UNEXP_NET_ERR;
            out->sign_alg = a;
            have_sign = true;
        }
        /* other context types: ignored */
    }
    if (!have_preauth)
        return NT_ERROR_UNEXP_NET_ERR;
    return NT_OK;
}

uint32_t smb2_neg_resp_parse(const uint8_t *msg, size_t len, const smb2_neg_req *req, smb2_neg_resp *out)
{
    memset(out, 0, sizeof(*out));
    nt_rd r;
    nt_rd_init(&r, msg, len);
    if (!nt_rd_seek(&r, SMB2_HDR_LEN))
        return NT_ERROR_UNEXP_NET_ERR;
    uint16_t ssize = 0, ctxcount = 0, secoff = 0, seclen = 0;
    uint32_t ctxoff = 0;
    nt_rd_u16(&r, &ssize);
    nt_rd_u16(&r, &out->security_mode);
    nt_rd_u16(&r, &out->dialect);
    nt_rd_u16(&r, &ctxcount);
    nt_rd_bytes(&r, out->server_guid, 16);
    nt_rd_u32(&r, &out->capabilities);
    nt_rd_u32(&r, &out->max_transact);
    nt_rd_u32(&r, &out->max_read);
    nt_rd_u32(&r, &out->max_write);
    nt_rd_skip(&r, 16); /* SystemTime, ServerStartTime */
    nt_rd_u16(&r, &secoff);
    nt_rd_u16(&r, &seclen);
    nt_rd_u32(&r, &ctxoff);
    if (r.bad || ssize != 65)
        return NT_ERROR_UNEXP_NET_ERR;
    if (!offered(req, out->dialect))
        return NT_ERROR_UNEXP_NET_ERR;
    if (seclen) {
        if (secoff < SMB2_HDR_LEN + 64 || (size_t)secoff + seclen > len)
            return NT_ERROR_UNEXP_NET_ERR;
        out->secblob = msg + secoff;
        out->secbloblen = seclen;
    }
    if (out->max_transact < 4096 || out->max_read < 4096 || out->max_write < 4096)
        return NT_ERROR_UNEXP_NET_ERR;
    if (out->dialect == SMB2_DIALECT_311) {
        out->sign_alg = SMB2_SIGN_AES_CMAC; /* unless the signing context says otherwise */
        uint32_t st = parse_neg_contexts(msg, len, ctxoff, ctxcount, out);
        if (st)
            return st;
    } else {
        out->sign_alg = out->dialect >= SMB2_DIALECT_300 ? SMB2_SIGN_AES_CMAC : SMB2_SIGN_HMAC_SHA256;
        out->cipher = (out->dialect >= SMB2_DIALECT_300 && (out->capabilities & SMB2_GLOBAL_CAP_ENCRYPTION))
                          ? SMB2_CIPHER_AES128_CCM
                          : SMB2_CIPHER_NONE;
    }
    return NT_OK;
}

/* ---- credits ------------------------------------------------------------- */

void smb2_credits_init(smb2_credits *cr)
{
    cr->next_msg_id = 0;
    cr->balance = 1; /* the implicit credit for NEGOTIATE */
}

bool smb2_credits_take(smb2_credits *cr, uint16_t charge, uint64_t *msg_id)
{
    if (charge == 0)
        charge = 1;
    if (cr->balance < charge || cr->next_msg_id > UINT64_MAX - 2 * (uint64_t)charge)
        return false;
    cr->balance -= charge;
    *msg_id = cr->next_msg_id;
    cr->next_msg_id += charge;
    return true;
}

void smb2_credits_grant(smb2_credits *cr, uint16_t granted)
{
    uint32_t b = cr->balance + granted;
    cr->balance = b > 65535u ? 65535u : b;
}

/* ---- status map -------------------------------------------------------- */

uint32_t smb2_map_status(uint32_t s)
{
    switch (s) {
    case STATUS_SUCCESS:
        return NT_OK;
    case STATUS_BUFFER_OVERFLOW:
        return NT_ERROR_MORE_DATA;
    case STATUS_LOGON_FAILURE:
    case STATUS_WRONG_PASSWORD:
    case STATUS_NO_SUCH_USER:
        return NT_ERROR_LOGON_FAILURE;
    case STATUS_NTLM_BLOCKED:
        return NT_ERROR_NTLM_BLOCKED;
    case STATUS_ACCOUNT_RESTRICTION:
        return NT_ERROR_ACCOUNT_RESTRICTION;
    case STATUS_INVALID_LOGON_HOURS:
        return NT_ERROR_INVALID_LOGON_HOURS;
    case STATUS_INVALID_WORKSTATION:
        return NT_ERROR_INVALID_WORKSTATION_W32;
    case STATUS_PASSWORD_EXPIRED:
        return NT_ERROR_PASSWORD_EXPIRED;
    case STATUS_ACCOUNT_DISABLED:
        return NT_ERROR_ACCOUNT_DISABLED;
    case STATUS_ACCOUNT_EXPIRED:
        return NT_ERROR_ACCOUNT_EXPIRED_W32;
    case STATUS_ACCOUNT_LOCKED_OUT:
        return NT_ERROR_ACCOUNT_LOCKED_OUT;
    case STATUS_PASSWORD_MUST_CHANGE:
        return NT_ERROR_PASSWORD_MUST_CHANGE;
    case STATUS_ACCESS_DENIED:
        return NT_ERROR_ACCESS_DENIED;
    case STATUS_NETWORK_ACCESS_DENIED:
        return NT_ERROR_NETWORK_ACCESS_DENIED;
    case STATUS_BAD_NETWORK_NAME:
        return NT_ERROR_BAD_NET_NAME;
    case STATUS_OBJECT_NAME_NOT_FOUND:
        return NT_RPC_S_SERVER_UNAVAILABLE;
    case STATUS_NETWORK_SESSION_EXPIRED:
    case STATUS_USER_SESSION_DELETED:
    case STATUS_NETWORK_NAME_DELETED:
        return NT_ERROR_NETNAME_DELETED;
    case STATUS_NO_MEMORY:
    case STATUS_INSUFFICIENT_RESOURCES:
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    default:
        return NT_ERROR_UNEXP_NET_ERR;
    }
}
