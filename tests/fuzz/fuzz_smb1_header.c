/* Every SMB1 response goes through smb1_hdr_parse, then (on a signed
 * session) smb1_verify, then the AndX chain walk smb1_walk: the chain must
 * only advance and stay inside the message.  The input is the whole message. */
#include <string.h>

#include "fuzz_common.h"
#include "smb1/smb1_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    smb1_hdr h;
    if (smb1_hdr_parse(data, size, &h) != NT_OK)
        return 0;
    FUZZ_CHECK(size >= SMB1_HDR_LEN + 3);
    if (size <= SMB1_MAX_MSG) {
        uint8_t *m = malloc(size);
        if (!m)
            return 0;
        memcpy(m, data, size);
        (void)smb1_verify(key, sizeof(key), h.mid, m, size);
        FUZZ_CHECK(memcmp(m, data, size) == 0); /* verification never changes the message */
        free(m);
    }
    smb1_block b[SMB1_MAX_ANDX];
    size_t n = 0;
    if (smb1_walk(data, size, b, SMB1_MAX_ANDX, &n) != NT_OK)
        return 0;
    FUZZ_CHECK(n >= 1 && n <= SMB1_MAX_ANDX);
    size_t prev_end = 0;
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(b[i].offset >= prev_end);
        FUZZ_CHECK(b[i].words == data + b[i].offset + 1);
        FUZZ_CHECK((size_t)(b[i].bytes - data) + b[i].bytecount <= size);
        prev_end = (size_t)(b[i].bytes - data) + b[i].bytecount;
    }
    (void)smb1_cmd_name(h.command);
    return 0;
}
