/* The compound response splitter (smb2_chain_split, dll/smb2/smb2_compound.c)
 * on any received message: the elements it returns must tile the message
 * exactly, in order, each at least a header long, every NextCommand but
 * the last a multiple of 8; and a chain it accepts is accepted again at
 * every smaller limit that still holds all its elements.
 *   data[0]: the element limit (1..SMB2_MAX_CHAIN) */
#include "fuzz_common.h"
#include "smb2/smb2_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned max = 1u + data[0] % SMB2_MAX_CHAIN;
    const uint8_t *m = data + 1;
    size_t len = size - 1;
    size_t off[SMB2_MAX_CHAIN], lens[SMB2_MAX_CHAIN];
    unsigned n = 0;
    if (smb2_chain_split(m, len, off, lens, max, &n) != NT_OK) {
        FUZZ_CHECK(n == 0);
        return 0;
    }
    FUZZ_CHECK(n >= 1 && n <= max);
    size_t pos = 0;
    for (unsigned i = 0; i < n; i++) {
        FUZZ_CHECK(off[i] == pos && lens[i] >= SMB2_HDR_LEN && lens[i] <= len - pos);
        uint32_t next = nt_le32(m + off[i] + 20);
        FUZZ_CHECK(i + 1 < n ? next == lens[i] && next % 8 == 0 : next == 0);
        pos += lens[i];
    }
    FUZZ_CHECK(pos == len);
    unsigned n2 = 0;
    FUZZ_CHECK(smb2_chain_split(m, len, off, lens, n, &n2) == NT_OK && n2 == n);
    return 0;
}
