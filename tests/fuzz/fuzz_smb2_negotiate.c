/* The whole SMB2 NEGOTIATE response message (header, body, security blob,
 * 3.1.1 negotiate contexts): smb2_neg_resp_parse.
 *   data[0] % 4 picks the dialects we offered: all (2.0.2..3.1.1), 2.x only,
 *   3.0/3.0.2 only, 3.1.1 only; the rest is the message. */
#include <string.h>

#include "fuzz_common.h"
#include "smb2/smb2_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t ranges[4][2] = {{0, 0}, {0x0202, 0x0210}, {0x0300, 0x0302}, {0x0311, 0x0311}};
    if (size < 1)
        return 0;
    const uint16_t *rg = ranges[data[0] % 4];
    smb2_neg_req req;
    FUZZ_CHECK(smb2_neg_req_init(&req, rg[0], rg[1]));
    const uint8_t *m = data + 1;
    size_t len = size - 1;
    smb2_neg_resp r;
    memset(&r, 0xA5, sizeof r);
    uint32_t st = smb2_neg_resp_parse(m, len, &req, &r);
    if (st != NT_OK) {
        FUZZ_CHECK(st == NT_ERROR_UNEXP_NET_ERR || st == NT_ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    FUZZ_CHECK(len >= SMB2_HDR_LEN + 64);
    bool offered = false;
    for (size_t i = 0; i < req.ndialects; i++)
        offered |= req.dialects[i] == r.dialect;
    FUZZ_CHECK(offered);
    if (r.secbloblen)
        FUZZ_CHECK(r.secblob >= m + SMB2_HDR_LEN && r.secblob + r.secbloblen <= m + len);
    FUZZ_CHECK(r.cipher == SMB2_CIPHER_NONE || r.cipher == SMB2_CIPHER_AES128_CCM ||
               r.cipher == SMB2_CIPHER_AES128_GCM);
    FUZZ_CHECK(r.sign_alg == SMB2_SIGN_HMAC_SHA256 || r.sign_alg == SMB2_SIGN_AES_CMAC ||
               r.sign_alg == SMB2_SIGN_AES_GMAC);
    FUZZ_CHECK(r.max_transact > 0);
    return 0;
}
