/* The SMB1 response bodies: TRANSACTION (TransactNmPipe and RAP answers),
 * READ_ANDX and NEGOTIATE, each parsed from the first block of the message;
 * whatever they accept lies inside the message and within the caps. */
#include <string.h>

#include "fuzz_common.h"
#include "smb1/smb1_int.h"

static void inside(const uint8_t *data, size_t size, const uint8_t *p, size_t n)
{
    if (n)
        FUZZ_CHECK(p >= data && (size_t)(p - data) <= size && n <= size - (size_t)(p - data));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    smb1_block b;
    size_t n = 0;
    if (smb1_walk(data, size, &b, 1, &n) != NT_OK)
        return 0;
    smb1_trans_resp tr;
    if (smb1_trans_parse(data, size, &b, 8, 4280, &tr) == NT_OK) {
        FUZZ_CHECK(tr.paramlen <= 8 && tr.datalen <= 4280);
        inside(data, size, tr.param, tr.paramlen);
        inside(data, size, tr.data, tr.datalen);
    }
    const uint8_t *d;
    size_t dl;
    if (smb1_read_parse(data, size, &b, 4096, &d, &dl) == NT_OK) {
        FUZZ_CHECK(dl <= 4096);
        inside(data, size, d, dl);
    }
    smb1_neg_resp nr;
    if (smb1_neg_parse(data, size, &nr) == NT_OK) {
        FUZZ_CHECK(nr.capabilities & SMB1_CAP_EXTENDED_SECURITY);
        inside(data, size, nr.secblob, nr.secbloblen);
    }
    return 0;
}
