/* srvs_decode_session_del: a NetrSessionDel response stub from the server. */
#include "fuzz_common.h"
#include "srvs/srvs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t werr = 0xDEADBEEFu;
    uint32_t st = srvs_decode_session_del(size ? data : NULL, size, &werr);
    if (st == NT_OK)
        FUZZ_CHECK(size == 4 && werr == nt_le32(data));
    else
        FUZZ_CHECK(st == NT_ERROR_UNEXP_NET_ERR);
    return 0;
}
