/* Every SMB2 response goes through smb2_hdr_parse; a response that parses
 * and says SIGNED then goes through smb2_verify with the session's
 * algorithm (all three tried here, with a fixed key), and its status
 * through smb2_map_status.  The input is the whole message. */
#include <string.h>

#include "fuzz_common.h"
#include "smb2/smb2_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    smb2_hdr h;
    uint32_t st = smb2_hdr_parse(data, size, &h);
    if (st != NT_OK) {
        FUZZ_CHECK(st == NT_ERROR_UNEXP_NET_ERR);
        return 0;
    }
    FUZZ_CHECK(size >= SMB2_HDR_LEN);
    FUZZ_CHECK(h.flags & SMB2_FLAGS_SERVER_TO_REDIR);
    FUZZ_CHECK(h.next == 0 || h.next == size); /* a compound element comes cut to its NextCommand */
    FUZZ_CHECK(memcmp(h.sig, data + 48, 16) == 0);
    (void)smb2_map_status(h.status);
    (void)smb2_cmd_name(h.command);
    if (h.flags & SMB2_FLAGS_SIGNED) {
        (void)smb2_verify(SMB2_SIGN_HMAC_SHA256, key, data, size);
        (void)smb2_verify(SMB2_SIGN_AES_CMAC, key, data, size);
        (void)smb2_verify(SMB2_SIGN_AES_GMAC, key, data, size);
    }
    smb2_credits cr;
    smb2_credits_init(&cr);
    smb2_credits_grant(&cr, h.credits);
    return 0;
}
