/* The FSCTL_VALIDATE_NEGOTIATE_INFO answer check (smb2_validate.c) on a
 * hostile IOCTL response: the input is the whole message after its parsed
 * header; data[0] bit 0 says whether it counts as signed/encrypted.  The
 * expectation is fixed; only a protected SUCCESS echoing it exactly, or a
 * protected error other than ACCESS_DENIED, may pass. */
#include <string.h>

#include "fuzz_common.h"
#include "smb2/smb2_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const smb2_validate_expect want = {
        0x00000001u, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1, SMB2_DIALECT_300};
    if (size < 1)
        return 0;
    bool prot = data[0] & 1;
    const uint8_t *m = data + 1;
    size_t len = size - 1;
    smb2_hdr h;
    if (smb2_hdr_parse(m, len, &h) != NT_OK)
        return 0;
    uint32_t st = smb2_validate_check(&h, m, len, prot, &want);
    FUZZ_CHECK(st == NT_OK || st == NT_ERROR_UNEXP_NET_ERR);
    if (st == NT_OK) {
        FUZZ_CHECK(prot && h.status != STATUS_ACCESS_DENIED);
        if (h.status == STATUS_SUCCESS) {
            uint32_t off = nt_le32(m + SMB2_HDR_LEN + 32);
            FUZZ_CHECK(off >= SMB2_HDR_LEN && off + 24 <= len);
            FUZZ_CHECK(nt_le16(m + off + 22) == SMB2_DIALECT_300 && memcmp(m + off + 4, want.guid, 16) == 0);
        }
    }
    return 0;
}
