/*
 * FSCTL_VALIDATE_NEGOTIATE_INFO (MS-SMB2 2.2.31.4, 2.2.32.6, 3.2.5.14.12):
 * the codec.  On a 3.0/3.0.2 connection with a signed session the client
 * repeats what it offered in NEGOTIATE and the server what it answered, in a
 * signed IOCTL; a man in the middle who rewrote the unsigned NEGOTIATE (to
 * lower the dialect, drop capabilities or signing) is caught here.  3.1.1
 * has the pre-auth integrity hash instead and never sends it; 2.x has no
 * such FSCTL.  smb2.c sends the request (smb2_validate_negotiate).
 */
#include "smb2_int.h"

#include <string.h>

bool smb2_validate_req_body(const smb2_neg_req *neg, nt_wr *w)
{
    nt_wr_u16(w, 57);                          /* StructureSize */
    nt_wr_u16(w, 0);
    nt_wr_u32(w, FSCTL_VALIDATE_NEGOTIATE_INFO);
    for (int i = 0; i < 16; i++)               /* FileId: none (all 0xFF) */
        nt_wr_u8(w, 0xFF);
    nt_wr_u32(w, SMB2_HDR_LEN + 56);           /* InputOffset */
    nt_wr_u32(w, (uint32_t)(24 + 2 * neg->ndialects));
    nt_wr_u32(w, 0);                           /* MaxInputResponse */
    nt_wr_u32(w, 0);                           /* OutputOffset */
    nt_wr_u32(w, 0);                           /* OutputCount */
    nt_wr_u32(w, SMB2_VALIDATE_RESP_LEN);      /* MaxOutputResponse */
    nt_wr_u32(w, SMB2_0_IOCTL_IS_FSCTL);
    nt_wr_u32(w, 0);
    nt_wr_u32(w, neg->capabilities);           /* VALIDATE_NEGOTIATE_INFO request */
    nt_wr_bytes(w, neg->client_guid, 16);
    nt_wr_u16(w, neg->security_mode);
    nt_wr_u16(w, (uint16_t)neg->ndialects);
    for (size_t i = 0; i < neg->ndialects; i++)
        nt_wr_u16(w, neg->dialects[i]);
    return !w->bad;
}

uint32_t smb2_validate_check(const smb2_hdr *rh, const uint8_t *m, size_t mlen, bool protected_resp,
                             const smb2_validate_expect *want)
{
    if (!protected_resp)
        return NT_ERROR_UNEXP_NET_ERR;   /* neither signed nor encrypted */
    if (rh->status == STATUS_ACCESS_DENIED)
        return NT_ERROR_UNEXP_NET_ERR;
    if (rh->status != STATUS_SUCCESS)
        return NT_OK; /* a signed "not supported" (old servers): the spec accepts it */
    nt_rd r;
    uint16_t ssize = 0;
    uint32_t ctl = 0, ooff = 0, ocnt = 0;
    nt_rd_init(&r, m, mlen);
    nt_rd_seek(&r, SMB2_HDR_LEN);
    nt_rd_u16(&r, &ssize);
    nt_rd_skip(&r, 2);
    nt_rd_u32(&r, &ctl);
    nt_rd_skip(&r, 16 + 8);                    /* FileId, InputOffset, InputCount */
    nt_rd_u32(&r, &ooff);
    nt_rd_u32(&r, &ocnt);
    if (r.bad || ssize != 49 || ctl != FSCTL_VALIDATE_NEGOTIATE_INFO || ocnt != SMB2_VALIDATE_RESP_LEN ||
        ooff < SMB2_HDR_LEN || ooff > mlen || mlen - ooff < SMB2_VALIDATE_RESP_LEN)
        return NT_ERROR_UNEXP_NET_ERR;
    const uint8_t *v = m + ooff;
    if (nt_le32(v) != want->capabilities || memcmp(v + 4, want->guid, 16) != 0 ||
        nt_le16(v + 20) != want->security_mode || nt_le16(v + 22) != want->dialect)
        return NT_ERROR_UNEXP_NET_ERR;
    return NT_OK;
}
